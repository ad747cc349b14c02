//! Invites: a steward's device hands a new device everything it needs to join, as one
//! uppercase base32 string (dense in a QR code: uppercase base32 fits QR's alphanumeric
//! mode) or the QR code itself.
//!
//! An invite carries the group id, the inviter's endpoint address, a 32-byte secret, the role
//! the new member gets, an expiry and a number of uses. The inviter keeps only a hash of the
//! secret (table `sync_invites`). Redeeming dials the inviter on [`INVITE_ALPN`]: the
//! inviter checks the secret, revocation, expiry and uses left, adds the dialling device
//! (authenticated by iroh) as a new member's device, and the new device then runs a
//! first-contact sync session to receive the group. A refused redemption tells the redeeming
//! device why (expired, used up, revoked, unknown); only a device that shows the invite's
//! secret can learn more than "unknown", so a stranger probing learns nothing.
//!
//! Stewards create invites; members too when the group allows it
//! ([`Group::members_may_invite`](crate::domain::Group::members_may_invite)), for the member
//! role only. An invite lives on the device that made it: it is listed, revoked and redeemed
//! there.

use iroh::EndpointAddr;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::domain::Role;
use crate::domain::permissions::{may_invite, require_steward};
use crate::error::Result;
use crate::ids::{DeviceId, GroupId, random_bytes};
use crate::net::NetError;
use crate::net::frame::Refusal;
use crate::sync::SyncError;
use crate::time::Timestamp;

/// The ALPN on which invites are redeemed, version 1.
pub const INVITE_ALPN: &[u8] = b"delbar/invite/1";
/// First characters of an invite code.
pub const INVITE_PREFIX: &str = "DELBAR1";

/// An invitation to join a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// The group.
    pub group: GroupId,
    /// Where to redeem it: the inviting device's endpoint address.
    pub inviter: EndpointAddr,
    /// The secret that proves the holder was invited.
    pub secret: [u8; 32],
    /// The role the new member gets.
    pub role: Role,
    /// When the invite stops working.
    pub expires: Timestamp,
    /// How many devices may still redeem it.
    pub uses: u32,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    group: String,
    inviter: EndpointAddr,
    secret: [u8; 32],
    steward: bool,
    expires: i64,
    uses: u32,
}

impl Invite {
    /// The invite as one uppercase base32 string (QR alphanumeric mode).
    pub fn to_code(&self) -> Result<String, SyncError> {
        let wire = Wire {
            group: self.group.to_string(),
            inviter: self.inviter.clone(),
            secret: self.secret,
            steward: self.role == Role::Steward,
            expires: self.expires.0,
            uses: self.uses,
        };
        let bytes = postcard::to_stdvec(&wire).map_err(SyncError::malformed)?;
        Ok(format!("{INVITE_PREFIX}{}", data_encoding::BASE32_NOPAD.encode(&bytes)))
    }

    /// Parses an invite code (case and surrounding whitespace do not matter).
    pub fn parse(code: &str) -> Result<Self, SyncError> {
        let code = code.trim().to_ascii_uppercase();
        let body =
            code.strip_prefix(INVITE_PREFIX).ok_or(SyncError::Malformed { reason: "not a Delbar invite".into() })?;
        let bytes = data_encoding::BASE32_NOPAD.decode(body.as_bytes()).map_err(SyncError::malformed)?;
        let wire: Wire = postcard::from_bytes(&bytes).map_err(SyncError::malformed)?;
        Ok(Invite {
            group: GroupId::parse(&wire.group).map_err(SyncError::malformed)?,
            inviter: wire.inviter,
            secret: wire.secret,
            role: if wire.steward { Role::Steward } else { Role::Member },
            expires: Timestamp(wire.expires),
            uses: wire.uses,
        })
    }

    /// The invite's id (16 lowercase base32 characters derived from its secret), for
    /// [`list_invites`] and [`revoke_invite`].
    pub fn id(&self) -> String {
        invite_id(&secret_hash(&self.secret))
    }

    /// The invite code as a QR code drawn with Unicode half blocks (two modules per
    /// character), for a terminal.
    pub fn qr_text(&self) -> Result<String, SyncError> {
        crate::net::qr::text(&self.to_code()?)
    }

    /// The invite code as a QR code in an SVG document.
    pub fn qr_svg(&self) -> Result<String, SyncError> {
        crate::net::qr::svg(&self.to_code()?)
    }

    /// The invite code as a QR code in a grayscale PNG, `scale` pixels per module (1 to
    /// 64), quiet zone included.
    pub fn qr_png(&self, scale: u32) -> Result<Vec<u8>> {
        crate::net::qr::png(&self.to_code()?, scale)
    }

    /// The QR code's version (size) for this invite's code.
    pub fn qr_version(&self) -> Result<i16, SyncError> {
        crate::net::qr::version(&self.to_code()?)
    }
}

/// An invite this device issued and that can still be redeemed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteInfo {
    /// Its id ([`Invite::id`]).
    pub id: String,
    /// The group.
    pub group: GroupId,
    /// The role it gives.
    pub role: Role,
    /// When it was made.
    pub created: Timestamp,
    /// When it stops working.
    pub expires: Timestamp,
    /// How many devices may still redeem it.
    pub uses_left: u32,
}

fn secret_hash(secret: &[u8; 32]) -> Vec<u8> {
    let mut h = blake3::Hasher::new();
    h.update(b"delbar invite v1");
    h.update(secret);
    h.finalize().as_bytes().to_vec()
}

fn invite_id(hash: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(hash.get(..10).unwrap_or(hash)).to_ascii_lowercase()
}

/// Creates an invite to `group`, redeemable at `inviter` until `expires` by up to `uses`
/// devices. Stewards may invite with any role; members only with the member role and only
/// when the group allows members to invite. The store keeps only a hash of the secret.
pub fn create_invite(
    store: &Store,
    group: &GroupId,
    inviter: EndpointAddr,
    role: Role,
    expires: Timestamp,
    uses: u32,
) -> Result<Invite> {
    let me = store.me(group)?;
    may_invite(me.role, store.group(group)?.members_may_invite, role)?;
    crate::domain::limits::invite_uses(uses)?;
    crate::domain::limits::invite_expiry(store.now(), expires)?;
    let secret: [u8; 32] = random_bytes();
    store.conn().execute(
        "INSERT INTO sync_invites (secret_hash, group_id, role, expires, uses_left, created, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            secret_hash(&secret),
            group.as_str(),
            role.as_str(),
            expires.0,
            i64::from(uses),
            store.now().0,
            me.id.as_str()
        ],
    )?;
    Ok(Invite { group: group.clone(), inviter, secret, role, expires, uses })
}

/// The invites to `group` made on this device that can still be redeemed (not revoked, not
/// expired, uses left), newest first. Stewards see all of them, members their own.
pub fn list_invites(store: &Store, group: &GroupId) -> Result<Vec<InviteInfo>> {
    let me = store.me(group)?;
    let mut stmt = store.conn().prepare_cached(
        "SELECT secret_hash, role, created, expires, uses_left FROM sync_invites
         WHERE group_id = ?1 AND revoked IS NULL AND expires > ?2 AND uses_left > 0
         AND (?3 OR created_by = ?4) ORDER BY created DESC, secret_hash",
    )?;
    type Row = (Vec<u8>, String, i64, i64, i64);
    let rows: Vec<Row> = stmt
        .query_map(params![group.as_str(), store.now().0, me.role == Role::Steward, me.id.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(hash, role, created, expires, uses_left)| {
            Some(InviteInfo {
                id: invite_id(&hash),
                group: group.clone(),
                role: Role::parse(&role)?,
                created: Timestamp(created),
                expires: Timestamp(expires),
                uses_left: u32::try_from(uses_left).unwrap_or(u32::MAX),
            })
        })
        .collect())
}

/// Revokes an invite made on this device, so that it can no longer be redeemed. Stewards
/// may revoke any, members the ones they made. An id this device does not know gives
/// [`NetError::InviteUnknown`]; revoking twice changes nothing.
pub fn revoke_invite(store: &Store, group: &GroupId, id: &str) -> Result<()> {
    let me = store.me(group)?;
    let mut stmt =
        store.conn().prepare_cached("SELECT secret_hash, created_by FROM sync_invites WHERE group_id = ?1")?;
    let rows: Vec<(Vec<u8>, String)> =
        stmt.query_map([group.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let id = id.trim().to_ascii_lowercase();
    let (hash, creator) = rows.into_iter().find(|(h, _)| invite_id(h) == id).ok_or(NetError::InviteUnknown)?;
    if creator != me.id.as_str() {
        require_steward(me.role, "revoke another member's invite")?;
    }
    store.conn().execute(
        "UPDATE sync_invites SET revoked = ?2 WHERE secret_hash = ?1 AND revoked IS NULL",
        params![hash, store.now().0],
    )?;
    Ok(())
}

/// Redeems an invite on the inviter's side: checks the secret, revocation, expiry and uses
/// left, then adds `device` as a new member named `name`. Returns the refusal to send (and
/// changes nothing) when the invite is not valid. A device that is already a member's device
/// is welcomed again without using the invite up.
pub(crate) fn accept_invite(
    store: &mut Store,
    group: &GroupId,
    secret: &[u8; 32],
    device: &DeviceId,
    name: &str,
    label: &str,
) -> Result<Result<(), Refusal>> {
    let hash = secret_hash(secret);
    let row: Option<(String, i64, i64, Option<i64>)> = store
        .conn()
        .query_row(
            "SELECT role, expires, uses_left, revoked FROM sync_invites WHERE secret_hash = ?1 AND group_id = ?2",
            params![hash, group.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((role, expires, uses_left, revoked)) = row else {
        return Ok(Err(Refusal::InviteUnknown));
    };
    let Some(role) = Role::parse(&role) else {
        return Ok(Err(Refusal::InviteUnknown));
    };
    if revoked.is_some() {
        return Ok(Err(Refusal::InviteRevoked));
    }
    if expires <= store.now().0 {
        return Ok(Err(Refusal::InviteExpired));
    }
    if uses_left <= 0 {
        return Ok(Err(Refusal::InviteUsedUp));
    }
    if crate::sync::is_member_device(store, group, device)? {
        return Ok(Ok(()));
    }
    match store.add_invited_member(group, name, role, device, label) {
        Ok(_) => {}
        // This device may no longer invite (its member was made a member, or the group
        // stopped letting members invite): the invite no longer holds.
        Err(crate::Error::Domain(crate::domain::DomainError::NotPermitted { .. }))
        | Err(crate::Error::NotAMember { .. }) => {
            return Ok(Err(Refusal::InviteRevoked));
        }
        Err(e) => return Err(e),
    }
    store.conn().execute("UPDATE sync_invites SET uses_left = uses_left - 1 WHERE secret_hash = ?1", params![hash])?;
    Ok(Ok(()))
}
