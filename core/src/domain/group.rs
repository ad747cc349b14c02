//! Groups, their members, roles and devices.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::ids::{DeviceId, GroupId, ItemId, MemberId};
use crate::time::Timestamp;

/// A community group sharing gear: an Odlingsakademin chapter, a Folkverkstad workshop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Its id.
    pub id: GroupId,
    /// Its name.
    pub name: String,
    /// A free-text description.
    #[serde(default)]
    pub description: String,
    /// When it was created.
    pub created: Timestamp,
    /// Hours a waitlist offer stays open before it passes on (the group's pickup window).
    #[serde(default = "default_pickup_hours")]
    pub pickup_window_hours: i64,
    /// The device that founded the group, with the proof that the group's id was derived
    /// from it: the root of who may write what (see `trust::authority`). Absent in groups
    /// created before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founder: Option<Founder>,
    /// The relay the group's devices may use to reach each other when they are apart (for
    /// example a self-hosted `iroh-relay`); none by default. A steward's setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_url: Option<String>,
    /// Whether members (not only stewards) may invite new members. A steward's setting.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub members_may_invite: bool,
}

/// The founding device of a group and the nonce that, hashed with it, gives the group id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Founder {
    /// The founding device.
    pub device: DeviceId,
    /// Random nonce (hex).
    pub nonce: String,
}

impl Founder {
    /// Whether this founder is the one `group`'s id was derived from.
    pub fn founded(&self, group: &GroupId) -> bool {
        GroupId::founded_by(&self.device, &self.nonce) == *group
    }
}

fn default_pickup_hours() -> i64 {
    24
}

/// A member's role in a group.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Looks after the gear and the group: edits the catalogue, confirms and hands out loans.
    Steward,
    /// Borrows gear.
    Member,
}

impl Role {
    /// The role's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Steward => "steward",
            Role::Member => "member",
        }
    }

    /// Parses `steward` or `member`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "steward" => Some(Role::Steward),
            "member" => Some(Role::Member),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One device of a member: an ed25519 key (the iroh node identity of that device).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// A label the member chose ("Anna's phone").
    #[serde(default)]
    pub label: String,
    /// When it was added.
    pub added: Timestamp,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Its id.
    pub id: MemberId,
    /// The name shown to others.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When the member joined.
    pub joined: Timestamp,
    /// When the member was removed, if they were.
    #[serde(default)]
    pub removed: Option<Timestamp>,
    /// The member's devices by device id.
    #[serde(default)]
    pub devices: BTreeMap<DeviceId, Device>,
    /// Items a steward has marked the member qualified for (chainsaw, wood lathe), with
    /// when.
    #[serde(default)]
    pub qualifications: BTreeMap<ItemId, Timestamp>,
    /// Every role the member has had, from when (oldest first). Changes a member's device
    /// made are judged by the role the member had when they were made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleChange>,
}

/// A member's role from a given instant on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChange {
    /// From when.
    pub at: Timestamp,
    /// The role.
    pub role: Role,
}

impl Member {
    /// Whether the member is currently part of the group.
    pub fn is_active(&self) -> bool {
        self.removed.is_none()
    }

    /// The member's role history, oldest first (one entry from joining if none is kept).
    pub fn role_history(&self) -> Vec<RoleChange> {
        if self.roles.is_empty() { vec![RoleChange { at: self.joined, role: self.role }] } else { self.roles.clone() }
    }

    /// Sets the current role and records from when.
    pub fn change_role(&mut self, role: Role, at: Timestamp) {
        let mut history = self.role_history();
        history.push(RoleChange { at, role });
        self.roles = history;
        self.role = role;
    }
}
