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
    /// The relay the group's devices may use to reach each other when they are apart (for
    /// example a self-hosted `iroh-relay`); none by default. A steward's setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_url: Option<String>,
    /// Whether members (not only stewards) may invite new members. A steward's setting.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub members_may_invite: bool,
}

fn default_pickup_hours() -> i64 {
    24
}

/// A member's role in a group.
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
}

impl Member {
    /// Whether the member is currently part of the group.
    pub fn is_active(&self) -> bool {
        self.removed.is_none()
    }
}
