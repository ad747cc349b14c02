//! Invites: a steward's device hands a new device everything it needs to join, as one
//! uppercase base32 string (dense in a QR code: uppercase base32 fits QR's alphanumeric
//! mode) or the QR code itself.
//!
//! An invite carries the group id, the inviter's endpoint address, a 32-byte secret, the role
//! the new member gets, an expiry and a number of uses. The inviter keeps only a hash of the
//! secret (table `sync_invites`). Redeeming dials the inviter on [`INVITE_ALPN`]: the
//! inviter checks the secret, expiry and uses left, adds the dialling device (authenticated
//! by iroh) as a new member's device, and the new device then runs a first-contact sync
//! session to receive the group.

use iroh::EndpointAddr;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::Store;
use crate::domain::Role;
use crate::domain::permissions::require_steward;
use crate::error::Result;
use crate::ids::{DeviceId, GroupId, random_bytes};
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

    /// The invite code as a QR code drawn with Unicode half blocks (two modules per
    /// character), for a terminal.
    pub fn qr_text(&self) -> Result<String, SyncError> {
        let code = qrcode::QrCode::with_error_correction_level(self.to_code()?.as_bytes(), qrcode::EcLevel::M)
            .map_err(SyncError::malformed)?;
        Ok(code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build())
    }

    /// The QR code's version (size) for this invite's code.
    pub fn qr_version(&self) -> Result<i16, SyncError> {
        let code = qrcode::QrCode::with_error_correction_level(self.to_code()?.as_bytes(), qrcode::EcLevel::M)
            .map_err(SyncError::malformed)?;
        Ok(match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        })
    }
}

fn secret_hash(secret: &[u8; 32]) -> Vec<u8> {
    let mut h = blake3::Hasher::new();
    h.update(b"delbar invite v1");
    h.update(secret);
    h.finalize().as_bytes().to_vec()
}

/// Creates an invite to `group` (stewards), redeemable at `inviter` until `expires` by up to
/// `uses` devices. The store keeps only a hash of the secret.
pub fn create_invite(
    store: &Store,
    group: &GroupId,
    inviter: EndpointAddr,
    role: Role,
    expires: Timestamp,
    uses: u32,
) -> Result<Invite> {
    let me = store.me(group)?;
    require_steward(me.role, "invite members")?;
    let secret: [u8; 32] = random_bytes();
    store.conn().execute(
        "INSERT INTO sync_invites (secret_hash, group_id, role, expires, uses_left, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![secret_hash(&secret), group.as_str(), role.as_str(), expires.0, i64::from(uses), store.now().0],
    )?;
    Ok(Invite { group: group.clone(), inviter, secret, role, expires, uses })
}

/// Redeems an invite on the inviter's side: checks the secret, expiry and uses left, then
/// adds `device` as a new member named `name`. Returns `None` (and changes nothing) when
/// the invite is not valid: unknown, expired or used up all look the same to the caller.
pub(crate) fn accept_invite(
    store: &mut Store,
    group: &GroupId,
    secret: &[u8; 32],
    device: &DeviceId,
    name: &str,
    label: &str,
) -> Result<Option<()>> {
    let hash = secret_hash(secret);
    let row: Option<(String, i64, i64)> = store
        .conn()
        .query_row(
            "SELECT role, expires, uses_left FROM sync_invites WHERE secret_hash = ?1 AND group_id = ?2",
            params![hash, group.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((role, expires, uses_left)) = row else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&role) else {
        return Ok(None);
    };
    if uses_left <= 0 || expires <= store.now().0 {
        return Ok(None);
    }
    if crate::sync::is_member_device(store, group, device)? {
        return Ok(Some(()));
    }
    store.add_member(group, name, role, Some((device.clone(), label)))?;
    store.conn().execute("UPDATE sync_invites SET uses_left = uses_left - 1 WHERE secret_hash = ?1", params![hash])?;
    Ok(Some(()))
}
