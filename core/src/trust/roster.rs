//! Who a device writes for: its member, and that member's role at a given instant.

use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

use crate::domain::{Member, Role, RoleChange};
use crate::ids::{DeviceId, GroupId, MemberId};
use crate::store::StoreError;

/// The author of a change as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Author {
    /// The member the writing device belongs to.
    pub member: MemberId,
    /// That member's role when the change was made.
    pub role: Role,
}

impl Author {
    pub(crate) fn is_steward(&self) -> bool {
        self.role == Role::Steward
    }
}

/// A member's roles over time and removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Standing {
    roles: Vec<(i64, Role)>,
    removed: Option<i64>,
}

impl Standing {
    fn of(m: &Member) -> Self {
        Self::from_parts(&m.role_history(), m.removed.map(|t| t.0))
    }

    fn from_parts(history: &[RoleChange], removed: Option<i64>) -> Self {
        let mut roles: Vec<(i64, Role)> = history.iter().map(|c| (c.at.0, c.role)).collect();
        roles.sort_by_key(|(at, _)| *at);
        Standing { roles, removed }
    }

    /// The role the member had at `at`; `None` after removal. A change made at the very
    /// instant of a role change (or removal) is judged by the role before it; before the
    /// first recorded role (a device clock behind the steward's) the first role counts.
    fn role_at(&self, at: i64) -> Option<Role> {
        if self.removed.is_some_and(|r| at > r) {
            return None;
        }
        let mut role = self.roles.first()?.1;
        for (since, r) in &self.roles {
            if *since < at {
                role = *r;
            }
        }
        Some(role)
    }

    /// The role at any instant, if it never changed and the member was never removed.
    fn constant(&self) -> Option<Role> {
        let first = self.roles.first()?.1;
        (self.removed.is_none() && self.roles.iter().all(|(_, r)| *r == first)).then_some(first)
    }
}

/// The members and devices of a group, to tell who wrote a change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Roster {
    devices: HashMap<DeviceId, MemberId>,
    standing: HashMap<MemberId, Standing>,
}

impl Roster {
    /// A roster of the given members.
    pub(crate) fn of<'a>(members: impl IntoIterator<Item = &'a Member>) -> Self {
        let mut roster = Roster::default();
        for m in members {
            for d in m.devices.keys() {
                roster.devices.insert(d.clone(), m.id.clone());
            }
            roster.standing.insert(m.id.clone(), Standing::of(m));
        }
        roster
    }

    /// A roster where one device (a group's founder) is a steward, always.
    pub(crate) fn founder(device: &DeviceId) -> Self {
        // A placeholder member: the founder's own entry is judged under this roster.
        let id = MemberId::parse("founder").unwrap_or_else(|_| MemberId::generate());
        let mut roster = Roster::default();
        roster.devices.insert(device.clone(), id.clone());
        roster.standing.insert(id, Standing { roles: vec![(i64::MIN, Role::Steward)], removed: None });
        roster
    }

    /// The group's roster as the projection holds it.
    pub(crate) fn from_projection(conn: &Connection, group: &GroupId) -> Result<Self, StoreError> {
        let mut roster = Roster::default();
        let mut stmt =
            conn.prepare_cached("SELECT id, role, joined, removed, roles FROM members WHERE group_id = ?1")?;
        let mut rows = stmt.query([group.as_str()])?;
        while let Some(r) = rows.next()? {
            let (id, standing) = standing_row(r)?;
            roster.standing.insert(id, standing);
        }
        let mut stmt = conn.prepare_cached("SELECT device_id, member_id FROM devices WHERE group_id = ?1")?;
        let mut rows = stmt.query([group.as_str()])?;
        while let Some(r) = rows.next()? {
            if let (Ok(d), Ok(m)) = (DeviceId::parse(&r.get::<_, String>(0)?), MemberId::parse(&r.get::<_, String>(1)?))
            {
                roster.devices.insert(d, m);
            }
        }
        Ok(roster)
    }

    /// The members whose devices or standing differ between two rosters.
    pub(crate) fn changed_members(&self, other: &Roster) -> Vec<MemberId> {
        let mut out: Vec<MemberId> = Vec::new();
        for (id, s) in &self.standing {
            if other.standing.get(id) != Some(s) {
                out.push(id.clone());
            }
        }
        for id in other.standing.keys() {
            if !self.standing.contains_key(id) {
                out.push(id.clone());
            }
        }
        for (d, m) in self.devices.iter().chain(other.devices.iter()) {
            if self.devices.get(d) != other.devices.get(d) {
                out.push(m.clone());
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Who wrote a change made by `device` at the instant `at` gives (asked only when the
    /// member's role changed over time).
    pub(crate) fn author(&self, device: &DeviceId, at: impl FnOnce() -> Option<i64>) -> Option<Author> {
        let member = self.devices.get(device)?;
        let standing = self.standing.get(member)?;
        let role = match standing.constant() {
            Some(role) => role,
            None => standing.role_at(at()?)?,
        };
        Some(Author { member: member.clone(), role })
    }
}

fn standing_row(r: &rusqlite::Row<'_>) -> Result<(MemberId, Standing), StoreError> {
    let id: String = r.get(0)?;
    let id = MemberId::parse(&id).map_err(|_| StoreError::MalformedDocument { reason: format!("member id '{id}'") })?;
    let role = Role::parse(&r.get::<_, String>(1)?).unwrap_or(Role::Member);
    let joined: i64 = r.get(2)?;
    let removed: Option<i64> = r.get(3)?;
    let mut history: Vec<RoleChange> = serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default();
    if history.is_empty() {
        history.push(RoleChange { at: crate::time::Timestamp(joined), role });
    }
    Ok((id, Standing::from_parts(&history, removed)))
}

/// A roster of just the member owning `device`, straight from the projection (for bookings
/// and activity, where loading every member per write would cost more than the write).
pub(crate) fn device_roster(conn: &Connection, group: &GroupId, device: &DeviceId) -> Result<Roster, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT m.id, m.role, m.joined, m.removed, m.roles FROM devices d
             JOIN members m ON m.group_id = d.group_id AND m.id = d.member_id
             WHERE d.group_id = ?1 AND d.device_id = ?2",
        )?
        .query_row([group.as_str(), device.as_str()], |r| Ok(standing_row(r)))
        .optional()?;
    let mut roster = Roster::default();
    if let Some(row) = row {
        let (member, standing) = row?;
        roster.devices.insert(device.clone(), member.clone());
        roster.standing.insert(member, standing);
    }
    Ok(roster)
}
