//! What a device knows of its sync peers, kept in the store (table `sync_peers`): when each
//! member device of a group was last seen and last synced with, and which documents changed
//! since (changes pending for that peer).
//!
//! After a completed session both devices hold the same documents, so the summary of this
//! device's documents at that moment is what the peer holds; the documents whose heads
//! differ from it now are the changes pending for that peer. Only authorised member devices
//! are recorded (a stranger's attempts are counted, not stored). This is bookkeeping for
//! people to read: losing it costs nothing but the display.

use rusqlite::{OptionalExtension, params};

use crate::Store;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId, MemberId};
use crate::store::doc_log;
use crate::sync::{KnownHeads, Summary};
use crate::time::Timestamp;

/// What this device knows of one peer device in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerStatus {
    /// The group.
    pub group: GroupId,
    /// The peer device.
    pub device: DeviceId,
    /// The current member the device belongs to (none if removed since).
    pub member: Option<MemberId>,
    /// That member's name.
    pub member_name: Option<String>,
    /// When a session with it last started (this device's clock).
    pub last_seen: Timestamp,
    /// When a session with it last completed; none if none has.
    pub last_sync: Option<Timestamp>,
    /// Documents of the group that changed here since that sync (all of them if never
    /// synced).
    pub pending_documents: u32,
}

/// Records that a session with `peer` started.
pub(crate) fn record_seen(store: &Store, group: &GroupId, peer: &DeviceId) -> Result<()> {
    let now = store.now().0;
    store
        .conn()
        .prepare_cached(
            "INSERT INTO sync_peers (group_id, peer_device, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (group_id, peer_device) DO UPDATE SET last_seen = excluded.last_seen",
        )?
        .execute(params![group.as_str(), peer.as_str(), now])?;
    Ok(())
}

/// Records that a session with `peer` completed: both hold what this device holds now.
pub(crate) fn record_synced(store: &Store, group: &GroupId, peer: &DeviceId) -> Result<()> {
    let now = store.now().0;
    let summary = postcard::to_stdvec(&Summary::of(store, group)?).map_err(crate::sync::SyncError::malformed)?;
    store
        .conn()
        .prepare_cached(
            "INSERT INTO sync_peers (group_id, peer_device, first_seen, last_seen, last_sync, synced_summary)
             VALUES (?1, ?2, ?3, ?3, ?3, ?4)
             ON CONFLICT (group_id, peer_device) DO UPDATE SET last_seen = excluded.last_seen,
             last_sync = excluded.last_sync, synced_summary = excluded.synced_summary",
        )?
        .execute(params![group.as_str(), peer.as_str(), now, summary])?;
    Ok(())
}

/// Every peer of `group` (or of every group) this device has synced with or seen, most
/// recently seen first.
pub fn peers(store: &Store, group: Option<&GroupId>) -> Result<Vec<PeerStatus>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT group_id, peer_device, last_seen, last_sync, synced_summary FROM sync_peers
         WHERE ?1 IS NULL OR group_id = ?1 ORDER BY last_seen DESC, group_id, peer_device",
    )?;
    type Row = (String, String, i64, Option<i64>, Vec<u8>);
    let rows: Vec<Row> = stmt
        .query_map([group.map(GroupId::as_str)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (g, d, last_seen, last_sync, summary) in rows {
        // Rows this code did not write are skipped rather than failing the whole status.
        let (Ok(group), Ok(device)) = (GroupId::parse(&g), DeviceId::parse_key(&d)) else {
            continue;
        };
        let mine = Summary::of(store, &group)?;
        let theirs: Summary = postcard::from_bytes(&summary).unwrap_or_default();
        let pending = mine.differing(&theirs).len();
        let member = crate::store::queries::member_of_device(store.conn(), &group, &device)?;
        out.push(PeerStatus {
            member: member.as_ref().map(|m| m.id.clone()),
            member_name: member.map(|m| m.name),
            group,
            device,
            last_seen: Timestamp(last_seen),
            last_sync: last_sync.map(Timestamp),
            pending_documents: u32::try_from(pending).unwrap_or(u32::MAX),
        });
    }
    Ok(out)
}

/// What `peer` last announced it holds of `group`'s documents (its heads as the sync
/// protocol recorded them), for a bundle of only what that peer lacks. Empty if this device
/// never synced with it.
pub fn known_heads_of(store: &Store, group: &GroupId, peer: &DeviceId) -> Result<KnownHeads> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT doc_key, heads FROM sync_peer_heads WHERE group_id = ?1 AND peer_device = ?2")?;
    let rows: Vec<(String, Vec<u8>)> = stmt
        .query_map([group.as_str(), peer.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut known = KnownHeads::default();
    for (key, heads) in rows {
        known.docs.insert(key, doc_log::decode_heads(&heads).into_iter().map(|h| h.0).collect());
    }
    Ok(known)
}

/// Whether this device ever completed a session with `peer` in `group`.
pub fn has_synced_with(store: &Store, group: &GroupId, peer: &DeviceId) -> Result<bool> {
    let last: Option<Option<i64>> = store
        .conn()
        .prepare_cached("SELECT last_sync FROM sync_peers WHERE group_id = ?1 AND peer_device = ?2")?
        .query_row([group.as_str(), peer.as_str()], |r| r.get(0))
        .optional()?;
    Ok(matches!(last, Some(Some(_))))
}
