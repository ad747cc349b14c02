//! Groups, members, roles and devices.

use std::fmt;

use delbar_core::domain as core;

use super::Instant;

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
    pub created: Instant,
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
            created: g.created.into(),
            pickup_window_hours: g.pickup_window_hours,
            relay_url: g.relay_url,
            members_may_invite: g.members_may_invite,
        }
    }
}

/// A member's role in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Role {
    /// Looks after the gear and the group: edits the catalogue, confirms and hands out loans.
    Steward,
    /// Borrows gear.
    Member,
}

impl From<core::Role> for Role {
    fn from(r: core::Role) -> Self {
        match r {
            core::Role::Steward => Role::Steward,
            core::Role::Member => Role::Member,
        }
    }
}

impl From<Role> for core::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Steward => core::Role::Steward,
            Role::Member => core::Role::Member,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        core::Role::from(*self).fmt(f)
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
    pub added: Instant,
}

/// An item a steward has marked a member qualified for (a chainsaw, a wood lathe).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Qualification {
    /// The item.
    pub item_id: String,
    /// Since when.
    pub since: Instant,
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
    pub joined: Instant,
    /// When the member was removed, if they were.
    pub removed: Option<Instant>,
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
            role: m.role.into(),
            joined: m.joined.into(),
            removed: m.removed.map(Into::into),
            devices: m
                .devices
                .into_iter()
                .map(|(id, d)| MemberDevice { device_id: id.to_string(), label: d.label, added: d.added.into() })
                .collect(),
            qualifications: m
                .qualifications
                .into_iter()
                .map(|(item, since)| Qualification { item_id: item.to_string(), since: since.into() })
                .collect(),
        }
    }
}
