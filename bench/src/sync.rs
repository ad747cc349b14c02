//! Sync figures: a new member's first contact and a sync after a week offline, with Delbar's
//! sans-IO session driven in-process, and the naive document with the stock automerge sync
//! protocol. Bytes are counted as they would go on the wire: each frame's encoding plus its
//! 4-byte length prefix.

use std::collections::BTreeMap;
use std::time::Instant;

use automerge::sync::{State as AmState, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use delbar_core::Store;
use delbar_core::docs::{DocKey, Entity};
use delbar_core::domain::{ActivityAction, ActivityEntry, NewBooking, Role};
use delbar_core::ids::{ActivityId, DeviceId, GroupId, MemberId};
use delbar_core::net::frame::{Frame, PROTOCOL_VERSION};
use delbar_core::sync::pipe::DEFAULT_IDLE_TIMEOUT;
use delbar_core::sync::{KnownHeads, Message, PipeSession, Session};
use delbar_core::time::{DAY_MS, HOUR_MS};

use crate::history::{Built, confirmed_booking};
use crate::naive::Naive;

/// What one sync cost.
#[derive(Debug, Clone, Default)]
pub struct SyncCost {
    /// Bytes from the device that dials (the one catching up) to the other.
    pub bytes_up: u64,
    /// Bytes back.
    pub bytes_down: u64,
    /// Messages exchanged, both directions.
    pub messages: u32,
    /// Wall time of the whole exchange, both sides' work included.
    pub ms: f64,
}

impl SyncCost {
    /// Bytes both ways.
    pub fn bytes(&self) -> u64 {
        self.bytes_up + self.bytes_down
    }
}

fn framed_len(message: Message) -> Result<u64, String> {
    let bytes = Frame::Sync(message).encode().map_err(|e| e.to_string())?;
    Ok(bytes.len() as u64 + 4)
}

/// Runs one Delbar session between `source` and `dialer` (the dialer sends the hello), to
/// the end, and counts what crosses.
pub fn session(source: &mut Store, dialer: &mut Store, group: &GroupId) -> Result<SyncCost, String> {
    let started = Instant::now();
    let mut cost = SyncCost::default();
    let hello = Frame::Hello { version: PROTOCOL_VERSION, group: group.to_string() };
    cost.bytes_up += hello.encode().map_err(|e| e.to_string())?.len() as u64 + 4;
    let err = |e: delbar_core::Error| e.to_string();
    let (mut at_dialer, first_up) = Session::start(dialer, group, source.device_id()).map_err(err)?;
    let (mut at_source, first_down) = Session::start(source, group, dialer.device_id()).map_err(err)?;
    let mut up = vec![first_up];
    let mut down = vec![first_down];
    while !up.is_empty() || !down.is_empty() {
        for m in std::mem::take(&mut up) {
            cost.bytes_up += framed_len(m.clone())?;
            cost.messages += 1;
            down.extend(at_source.receive(source, m).map_err(err)?);
        }
        for m in std::mem::take(&mut down) {
            cost.bytes_down += framed_len(m.clone())?;
            cost.messages += 1;
            up.extend(at_dialer.receive(dialer, m).map_err(err)?);
        }
    }
    if !at_source.is_done() || !at_dialer.is_done() {
        return Err("a sync session stopped before it was done".into());
    }
    cost.ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(cost)
}

/// The same session over a byte pipe ([`PipeSession`]): the Noise handshake, then the
/// session's messages in encrypted frames of at most 512 bytes. `dialer` initiates. Counts
/// every byte on the pipe each way.
pub fn pipe_session(source: &mut Store, dialer: &mut Store, group: &GroupId) -> Result<SyncCost, String> {
    let started = Instant::now();
    let err = |e: delbar_core::Error| e.to_string();
    let now = Instant::now();
    let (mut at_dialer, first) = PipeSession::initiator(group, now, DEFAULT_IDLE_TIMEOUT).map_err(err)?;
    let mut at_source = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).map_err(err)?;
    let mut cost = SyncCost::default();
    let mut up = first;
    while !up.is_empty() {
        let mut down = Vec::new();
        for frame in std::mem::take(&mut up) {
            cost.bytes_up += frame.len() as u64;
            cost.messages += 1;
            down.extend(at_source.receive(source, &frame, now).map_err(err)?);
        }
        for frame in down {
            cost.bytes_down += frame.len() as u64;
            cost.messages += 1;
            up.extend(at_dialer.receive(dialer, &frame, now).map_err(err)?);
        }
    }
    if !at_source.is_done() || !at_dialer.is_done() {
        return Err("a pipe session stopped before it was done".into());
    }
    cost.ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(cost)
}

/// The stock automerge sync protocol between two copies of the naive document, with fresh
/// sync states on both sides (as after an app restart).
pub fn naive_session(ahead: &mut AutoCommit, behind: &mut AutoCommit) -> Result<SyncCost, String> {
    let started = Instant::now();
    let mut cost = SyncCost::default();
    let (mut s_ahead, mut s_behind) = (AmState::new(), AmState::new());
    loop {
        let mut moved = false;
        if let Some(m) = behind.sync().generate_sync_message(&mut s_behind) {
            let bytes = m.encode();
            cost.bytes_up += bytes.len() as u64 + 4;
            cost.messages += 1;
            let m = automerge::sync::Message::decode(&bytes).map_err(|e| e.to_string())?;
            ahead.sync().receive_sync_message(&mut s_ahead, m).map_err(|e| e.to_string())?;
            moved = true;
        }
        if let Some(m) = ahead.sync().generate_sync_message(&mut s_ahead) {
            let bytes = m.encode();
            cost.bytes_down += bytes.len() as u64 + 4;
            cost.messages += 1;
            let m = automerge::sync::Message::decode(&bytes).map_err(|e| e.to_string())?;
            behind.sync().receive_sync_message(&mut s_behind, m).map_err(|e| e.to_string())?;
            moved = true;
        }
        if !moved {
            break;
        }
    }
    if ahead.get_heads() != behind.get_heads() {
        return Err("the naive sync did not converge".into());
    }
    cost.ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(cost)
}

/// First contact: a new member's device, with an empty store, receives the whole group.
/// Returns the cost and the summed size of full saves of the group's documents.
pub fn first_contact(source: &mut Store, peer: &mut Store, group: &GroupId) -> Result<(SyncCost, u64), String> {
    let err = |e: delbar_core::Error| e.to_string();
    source.add_member(group, "Ny medlem", Role::Member, Some((peer.device_id().clone(), "phone"))).map_err(err)?;
    let saved: u64 = source.export_group(group).map_err(err)?.iter().map(|d| d.data.len() as u64).sum();
    let cost = session(source, peer, group)?;
    Ok((cost, saved))
}

/// Makes `count` bookings on `store` through its ordinary writes, on free windows in the
/// coming weeks.
pub fn book_many(store: &mut Store, built: &Built, count: usize) -> Result<(), String> {
    let base = built.now.plus_ms(70 * DAY_MS);
    let mut made = 0;
    let mut k = 0usize;
    while made < count {
        k += 1;
        let (item, _) = &built.items[k % built.items.len()];
        let start = base.plus_ms((k / built.items.len()) as i64 * 3 * HOUR_MS);
        let end = start.plus_ms(2 * HOUR_MS);
        let free = store.availability(&built.group, item, start, end).map_err(|e| e.to_string())?;
        if free.free_units == 0 {
            continue;
        }
        let request = NewBooking { item: item.clone(), units: 1, start, end, note: String::new(), for_member: None };
        store.book(&built.group, &request).map_err(|e| e.to_string())?;
        made += 1;
    }
    Ok(())
}

/// The size of what changed since `before`, summed over the changed documents, two ways:
/// `save_after` of the old heads (automerge 0.12 gives the raw changes one after another) and
/// automerge's compressed encoding of exactly those changes (`bundle`, the columnar
/// compression a document save uses).
pub fn compact_size(store: &mut Store, group: &GroupId, before: &KnownHeads) -> Result<(u64, u64), String> {
    let after = KnownHeads::of(store, group).map_err(|e| e.to_string())?;
    let changed: BTreeMap<&String, Vec<ChangeHash>> =
        after.docs.iter().filter(|(k, h)| before.docs.get(*k) != Some(*h)).map(|(k, _)| (k, before.heads(k))).collect();
    let (mut raw, mut bundled) = (0u64, 0u64);
    for export in store.export_group(group).map_err(|e| e.to_string())? {
        if let Some(old) = changed.get(&export.key) {
            let mut doc = AutoCommit::load(&export.data).map_err(|e| e.to_string())?;
            let (r, b) = change_sizes(&mut doc, old)?;
            raw += r;
            bundled += b;
        }
    }
    Ok((raw, bundled))
}

/// `save_after(old)` and `bundle` sizes of the changes of `doc` after `old`.
pub fn change_sizes(doc: &mut AutoCommit, old: &[ChangeHash]) -> Result<(u64, u64), String> {
    let raw = doc.save_after(old).len() as u64;
    let hashes: Vec<ChangeHash> = doc.get_changes(old).iter().map(|c| c.hash()).collect();
    let bundled = doc.bundle(hashes).map_err(|e| e.to_string())?.bytes().len() as u64;
    Ok((raw, bundled))
}

/// The same week on the naive design: `count` bookings, each with its activity entry, as
/// separate changes by `device` on a copy of the document.
pub fn naive_book_many(
    naive: &mut Naive,
    built: &Built,
    device: &DeviceId,
    member: &MemberId,
    count: usize,
) -> Result<(), String> {
    let base = built.now.plus_ms(70 * DAY_MS);
    for k in 0..count {
        let (item, name) = &built.items[k % built.items.len()];
        let start = base.plus_ms((k / built.items.len()) as i64 * 3 * HOUR_MS);
        let end = start.plus_ms(2 * HOUR_MS);
        let record = confirmed_booking(item.clone(), member, device, (start, end), built.now);
        let entry = ActivityEntry {
            id: ActivityId::generate_in(built.now, DocKey::bookings_at(start)),
            at: built.now,
            actor: member.clone(),
            device: device.clone(),
            action: ActivityAction::BookingRequested,
            item: Some(item.clone()),
            booking: Some(record.id.clone()),
            subject: Some(member.clone()),
            summary: format!("{name}: {start} to {end}, 1 unit"),
        };
        let err = |e: delbar_core::store::StoreError| e.to_string();
        naive.write(&[Entity::Booking(record), Entity::Activity(entry)], device, built.now).map_err(err)?;
    }
    Ok(())
}
