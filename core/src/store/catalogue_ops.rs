//! Write and read operations on groups, members and items.

use std::collections::BTreeMap;

use crate::docs::{DocKey, Entity};
use crate::domain::item::{MAX_TEXT_CHARS, check_len, check_line, clean_name};
use crate::domain::permissions::{may_invite, require_steward};
use crate::domain::{
    ActivityAction, Condition, Device, DomainError, Founder, Group, Item, ItemDraft, ItemPatch, MaintenanceEntry,
    Member, Role, RoleChange,
};
use crate::error::{Error, Result};
use crate::ids::{DeviceId, GroupId, ItemId, MaintenanceId, MemberId};
use crate::store::Store;
use crate::store::queries::{self, ItemFilter};
use crate::time::Timestamp;

impl Store {
    /// Creates a group with this device's owner as its first steward.
    pub fn create_group(&mut self, name: &str, description: &str, my_name: &str) -> Result<Group> {
        let name = clean_name("group name", name)?;
        let my_name = clean_name("member name", my_name)?;
        check_len("description", description, MAX_TEXT_CHARS)?;
        let now = self.now();
        let nonce = data_encoding::HEXLOWER.encode(&crate::ids::random_bytes::<16>());
        let founder = Founder { device: self.device_id().clone(), nonce };
        let group = Group {
            id: GroupId::founded_by(&founder.device, &founder.nonce),
            name,
            description: description.trim().to_owned(),
            created: now,
            pickup_window_hours: 24,
            relay_url: None,
            members_may_invite: false,
            founder: Some(founder),
        };
        let me = Member {
            id: MemberId::generate(),
            name: my_name,
            role: Role::Steward,
            joined: now,
            removed: None,
            devices: BTreeMap::from([(self.device_id().clone(), Device { label: String::new(), added: now })]),
            qualifications: BTreeMap::new(),
            roles: vec![RoleChange { at: now, role: Role::Steward }],
        };
        let activity = self.activity_entry(&me, ActivityAction::GroupCreated, None, Some(&me.id), group.name.clone());
        self.commit_writes(
            &group.id,
            vec![(DocKey::Catalogue, Entity::Group(group.clone())), (DocKey::Catalogue, Entity::Member(me)), activity],
        )?;
        Ok(group)
    }

    /// Every group this device holds.
    pub fn groups(&self) -> Result<Vec<Group>> {
        self.reads().groups()
    }

    /// One group.
    pub fn group(&self, id: &GroupId) -> Result<Group> {
        self.reads().group(id)
    }

    /// Changes a group's name, description or pickup window (stewards).
    pub fn update_group(
        &mut self,
        id: &GroupId,
        name: Option<&str>,
        description: Option<&str>,
        pickup_window_hours: Option<i64>,
    ) -> Result<Group> {
        let me = self.me(id)?;
        require_steward(me.role, "edit the group")?;
        let mut group = self.group(id)?;
        if let Some(n) = name {
            group.name = clean_name("group name", n)?;
        }
        if let Some(d) = description {
            check_len("description", d, MAX_TEXT_CHARS)?;
            group.description = d.trim().to_owned();
        }
        if let Some(h) = pickup_window_hours {
            use crate::domain::limits::{MAX_PICKUP_HOURS, expected, rule};
            group.pickup_window_hours = rule("pickup_window_hours", h, 1, MAX_PICKUP_HOURS, expected::PICKUP_HOURS)?;
        }
        let activity = self.activity_entry(&me, ActivityAction::GroupEdited, None, None, group.name.clone());
        self.commit_writes(id, vec![(DocKey::Catalogue, Entity::Group(group.clone())), activity])?;
        Ok(group)
    }

    /// Changes a group's sync settings (stewards): the relay its devices may use
    /// (`Some(None)` clears it, `None` keeps it) and whether members may invite.
    pub fn update_group_sync(
        &mut self,
        id: &GroupId,
        relay_url: Option<Option<&str>>,
        members_may_invite: Option<bool>,
    ) -> Result<Group> {
        let me = self.me(id)?;
        require_steward(me.role, "edit the group")?;
        let mut group = self.group(id)?;
        if let Some(relay) = relay_url {
            group.relay_url =
                relay.map(|u| crate::net::relay::parse_relay_url(u).map(|u| u.to_string())).transpose()?;
        }
        if let Some(allowed) = members_may_invite {
            group.members_may_invite = allowed;
        }
        let activity = self.activity_entry(&me, ActivityAction::GroupEdited, None, None, group.name.clone());
        self.commit_writes(id, vec![(DocKey::Catalogue, Entity::Group(group.clone())), activity])?;
        Ok(group)
    }

    /// The members of a group, current ones first.
    pub fn members(&self, group: &GroupId) -> Result<Vec<Member>> {
        self.reads().members(group)
    }

    /// One member.
    pub fn member(&self, group: &GroupId, id: &MemberId) -> Result<Member> {
        self.reads().member(group, id)
    }

    /// Adds a member (stewards), optionally with a first device.
    pub fn add_member(
        &mut self,
        group: &GroupId,
        name: &str,
        role: Role,
        device: Option<(DeviceId, &str)>,
    ) -> Result<Member> {
        let me = self.me(group)?;
        require_steward(me.role, "add members")?;
        self.write_new_member(group, &me, name, role, device)
    }

    /// Adds the device that redeemed an invite made on this device as a new member
    /// (`net::invite`): this device's member must still be allowed to invite with `role`.
    pub(crate) fn add_invited_member(
        &mut self,
        group: &GroupId,
        name: &str,
        role: Role,
        device: &DeviceId,
        label: &str,
    ) -> Result<Member> {
        let me = self.me(group)?;
        may_invite(me.role, self.group(group)?.members_may_invite, role)?;
        self.write_new_member(group, &me, name, role, Some((device.clone(), label)))
    }

    fn write_new_member(
        &mut self,
        group: &GroupId,
        me: &Member,
        name: &str,
        role: Role,
        device: Option<(DeviceId, &str)>,
    ) -> Result<Member> {
        let now = self.now();
        let mut devices = BTreeMap::new();
        if let Some((d, label)) = device {
            check_line("device label", label, 100)?;
            devices.insert(d, Device { label: label.trim().to_owned(), added: now });
        }
        let member = Member {
            id: MemberId::generate(),
            name: clean_name("member name", name)?,
            role,
            joined: now,
            removed: None,
            devices,
            qualifications: BTreeMap::new(),
            roles: vec![RoleChange { at: now, role }],
        };
        let summary = format!("{} ({})", member.name, member.role);
        let activity = self.activity_entry(me, ActivityAction::MemberAdded, None, Some(&member.id), summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Member(member.clone())), activity])?;
        Ok(member)
    }

    /// Adds a device to a member (stewards, or the member for themself).
    pub fn add_device(&mut self, group: &GroupId, member: &MemberId, device: &DeviceId, label: &str) -> Result<Member> {
        let me = self.me(group)?;
        if &me.id != member {
            require_steward(me.role, "add a device to another member")?;
        }
        check_line("device label", label, 100)?;
        let mut m = self.member(group, member)?;
        if !m.is_active() {
            return Err(Error::MemberNotFound { id: member.to_string() });
        }
        m.devices.insert(device.clone(), Device { label: label.trim().to_owned(), added: self.now() });
        let summary = format!("{}: device {}", m.name, device.short());
        let activity = self.activity_entry(&me, ActivityAction::DeviceAdded, None, Some(&m.id), summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Member(m.clone())), activity])?;
        Ok(m)
    }

    /// Changes a member's role (stewards). The last steward cannot step down.
    pub fn set_role(&mut self, group: &GroupId, member: &MemberId, role: Role) -> Result<Member> {
        let me = self.me(group)?;
        require_steward(me.role, "change roles")?;
        let mut m = self.member(group, member)?;
        if !m.is_active() {
            return Err(Error::MemberNotFound { id: member.to_string() });
        }
        if m.role == Role::Steward && role != Role::Steward && queries::steward_count(self.conn(), group)? <= 1 {
            return Err(DomainError::LastSteward.into());
        }
        m.change_role(role, self.now());
        let summary = format!("{} is now {}", m.name, role);
        let activity = self.activity_entry(&me, ActivityAction::MemberRoleChanged, None, Some(&m.id), summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Member(m.clone())), activity])?;
        Ok(m)
    }

    /// Removes a member (stewards). Their devices can no longer act for the group.
    pub fn remove_member(&mut self, group: &GroupId, member: &MemberId) -> Result<Member> {
        let me = self.me(group)?;
        require_steward(me.role, "remove members")?;
        let mut m = self.member(group, member)?;
        if !m.is_active() {
            return Err(Error::MemberNotFound { id: member.to_string() });
        }
        if m.role == Role::Steward && queries::steward_count(self.conn(), group)? <= 1 {
            return Err(DomainError::LastSteward.into());
        }
        m.removed = Some(self.now());
        let activity = self.activity_entry(&me, ActivityAction::MemberRemoved, None, Some(&m.id), m.name.clone());
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Member(m.clone())), activity])?;
        Ok(m)
    }

    /// Adds an item to the catalogue (stewards).
    pub fn add_item(&mut self, group: &GroupId, draft: ItemDraft) -> Result<Item> {
        let me = self.me(group)?;
        require_steward(me.role, "add items")?;
        if let crate::domain::Owner::Member(owner) = &draft.owner {
            self.member(group, owner)?;
        }
        self.check_kit(group, None, &draft.kit_parts)?;
        let item = draft.into_item(ItemId::generate(), self.now())?;
        let summary = format!("{} ({} unit{})", item.name, item.quantity, if item.quantity == 1 { "" } else { "s" });
        let activity = self.activity_entry(&me, ActivityAction::ItemAdded, Some(&item.id), None, summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Item(item.clone())), activity])?;
        Ok(item)
    }

    /// One item.
    pub fn item(&self, group: &GroupId, id: &ItemId) -> Result<Item> {
        self.reads().item(group, id)
    }

    /// Items matching a filter (text search, category, tag, condition, location).
    pub fn items(&self, group: &GroupId, filter: &ItemFilter) -> Result<Vec<Item>> {
        self.reads().items(group, filter)
    }

    /// Searches items by text (case- and diacritic-insensitive word prefixes).
    pub fn search_items(&self, group: &GroupId, text: &str, limit: u32) -> Result<Vec<Item>> {
        self.reads().search_items(group, text, limit)
    }

    /// Categories in use with their item counts.
    pub fn categories(&self, group: &GroupId) -> Result<Vec<(String, u32)>> {
        self.reads().categories(group)
    }

    /// Changes an item's fields (stewards). Only the fields that differ are written, so
    /// concurrent edits of other fields on other devices merge.
    pub fn update_item(&mut self, group: &GroupId, id: &ItemId, patch: &ItemPatch) -> Result<Item> {
        let me = self.me(group)?;
        require_steward(me.role, "edit items")?;
        let item = self.item(group, id)?;
        if let Some(crate::domain::Owner::Member(owner)) = &patch.owner {
            self.member(group, owner)?;
        }
        if let Some(parts) = &patch.kit_parts {
            self.check_kit(group, Some(id), parts)?;
        }
        let updated = patch.apply_to(&item)?;
        if updated == item {
            return Ok(item);
        }
        let action =
            if updated.retired && !item.retired { ActivityAction::ItemRetired } else { ActivityAction::ItemEdited };
        let summary = describe_changes(&item, &updated);
        let activity = self.activity_entry(&me, action, Some(id), None, summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Item(updated.clone())), activity])?;
        Ok(updated)
    }

    /// Checks that kit parts exist and are plain items (kits do not nest), and that an item
    /// used as a part does not become a kit.
    fn check_kit(&self, group: &GroupId, kit: Option<&ItemId>, parts: &BTreeMap<ItemId, u32>) -> Result<()> {
        for part in parts.keys() {
            if Some(part) == kit {
                return Err(DomainError::InvalidKit { reason: "a kit cannot contain itself" }.into());
            }
            let p = self.item(group, part)?;
            if !p.kit_parts.is_empty() {
                return Err(DomainError::InvalidKit { reason: "a part cannot itself be a kit" }.into());
            }
        }
        if let Some(kit) = kit
            && !parts.is_empty()
        {
            let used_as_part: bool = self
                .conn()
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM kit_parts WHERE group_id = ?1 AND part_id = ?2)",
                    [group.as_str(), kit.as_str()],
                    |r| r.get(0),
                )
                .map_err(crate::store::StoreError::from)?;
            if used_as_part {
                return Err(
                    DomainError::InvalidKit { reason: "an item that is part of a kit cannot become a kit" }.into()
                );
            }
        }
        Ok(())
    }

    /// Marks a member qualified (or no longer qualified) for an item that requires it
    /// (stewards).
    pub fn set_qualified(
        &mut self,
        group: &GroupId,
        member: &MemberId,
        item: &ItemId,
        qualified: bool,
    ) -> Result<Member> {
        let me = self.me(group)?;
        require_steward(me.role, "qualify members")?;
        let it = self.item(group, item)?;
        let mut m = self.member(group, member)?;
        if !m.is_active() {
            return Err(Error::MemberNotFound { id: member.to_string() });
        }
        if qualified == m.qualifications.contains_key(item) {
            return Ok(m);
        }
        if qualified {
            m.qualifications.insert(item.clone(), self.now());
        } else {
            m.qualifications.remove(item);
        }
        let summary =
            format!("{}: {} for {}", m.name, if qualified { "qualified" } else { "no longer qualified" }, it.name);
        let activity = self.activity_entry(&me, ActivityAction::QualificationChanged, Some(item), Some(&m.id), summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Member(m.clone())), activity])?;
        Ok(m)
    }

    /// Writes a maintenance-log entry and sets the item's condition to `condition_after`
    /// (stewards).
    pub fn log_maintenance(
        &mut self,
        group: &GroupId,
        id: &ItemId,
        note: &str,
        condition_after: Condition,
        at: Option<Timestamp>,
    ) -> Result<Item> {
        let me = self.me(group)?;
        require_steward(me.role, "log maintenance")?;
        let note = clean_text_required("maintenance note", note)?;
        let mut item = self.item(group, id)?;
        let entry = MaintenanceEntry {
            id: MaintenanceId::generate(),
            at: at.unwrap_or_else(|| self.now()),
            by: me.id.clone(),
            note,
            condition_after,
        };
        let summary = format!("{}: {} (now {})", item.name, entry.note, condition_after);
        item.maintenance.insert(entry.id.clone(), entry);
        item.condition = condition_after;
        let activity = self.activity_entry(&me, ActivityAction::MaintenanceLogged, Some(id), None, summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Item(item.clone())), activity])?;
        Ok(item)
    }
}

fn clean_text_required(field: &'static str, s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DomainError::EmptyField { field });
    }
    check_len(field, s, MAX_TEXT_CHARS)?;
    Ok(s.to_owned())
}

/// A short summary of what changed between two versions of an item.
fn describe_changes(before: &Item, after: &Item) -> String {
    let mut parts = Vec::new();
    if before.name != after.name {
        parts.push(format!("renamed to {}", after.name));
    }
    if before.quantity != after.quantity {
        parts.push(format!("quantity {} -> {}", before.quantity, after.quantity));
    }
    if before.condition != after.condition {
        parts.push(format!("condition {} -> {}", before.condition, after.condition));
    }
    if before.retired != after.retired {
        parts.push(if after.retired { "retired".to_owned() } else { "back in the catalogue".to_owned() });
    }
    for (changed, what) in [
        (before.description != after.description, "description"),
        (before.category != after.category, "category"),
        (before.tags != after.tags, "tags"),
        (before.location != after.location, "location"),
        (before.photos != after.photos, "photos"),
        (before.owner != after.owner, "owner"),
        (before.rules != after.rules, "loan rules"),
    ] {
        if changed {
            parts.push(format!("{what} changed"));
        }
    }
    format!("{}: {}", after.name, parts.join(", "))
}
