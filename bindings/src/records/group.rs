//! Groups, members, roles and devices.

use delbar_core::domain as core;

use super::{Role, Timestamp};

/// A community group sharing gear.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Group {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// A free-text description.
    pub description: String,
    /// When it was created.
    pub created: Timestamp,
    /// Hours a waitlist offer stays open before it passes on (the group's pickup window).
    pub pickup_window_hours: i64,
    /// The relay the group's devices use with `RelayChoice.Groups` (`null`/`nil`: none).
    pub relay_url: Option<String>,
    /// Whether members (not only stewards) may create invites.
    pub members_may_invite: bool,
}

impl From<core::Group> for Group {
    fn from(g: core::Group) -> Self {
        Self {
            id: g.id.to_string(),
            name: g.name,
            description: g.description,
            created: g.created,
            pickup_window_hours: g.pickup_window_hours,
            relay_url: g.relay_url,
            members_may_invite: g.members_may_invite,
        }
    }
}

/// One device of a member: its ed25519 key, which is also its iroh node id.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MemberDevice {
    /// The device id: 64 lowercase hex characters of the public key.
    pub device_id: String,
    /// A label the member chose ("Anna's phone").
    pub label: String,
    /// When it was added.
    pub added: Timestamp,
}

/// An item a steward has marked a member qualified for (a chainsaw, a wood lathe).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Qualification {
    /// The item.
    pub item_id: String,
    /// Since when.
    pub since: Timestamp,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Member {
    /// Its id.
    pub id: String,
    /// The name shown to others.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When the member joined.
    pub joined: Timestamp,
    /// When the member was removed, if they were.
    pub removed: Option<Timestamp>,
    /// Whether the member is currently part of the group (not removed).
    pub active: bool,
    /// The member's devices, by device id.
    pub devices: Vec<MemberDevice>,
    /// Items that require a qualification and that a steward has qualified the member for,
    /// by item id.
    pub qualifications: Vec<Qualification>,
}

impl From<core::Member> for Member {
    fn from(m: core::Member) -> Self {
        Self {
            active: m.is_active(),
            id: m.id.to_string(),
            name: m.name,
            role: m.role,
            joined: m.joined,
            removed: m.removed,
            devices: m
                .devices
                .into_iter()
                .map(|(id, d)| MemberDevice { device_id: id.to_string(), label: d.label, added: d.added })
                .collect(),
            qualifications: m
                .qualifications
                .into_iter()
                .map(|(item, since)| Qualification { item_id: item.to_string(), since })
                .collect(),
        }
    }
}
