//! Gear care operations: maintenance plans (stewards), what is due, returns with the
//! condition the gear came back in, and the condition reports since the newest maintenance.
//!
//! When a plan falls due is computed by `domain::maintenance` from the documents alone
//! (`store/care.rs` gathers its inputs from the projection), so every device lists the same
//! plans as due and blocks the same bookings.

use crate::docs::{DocKey, Entity};
use crate::domain::item::{MAX_TEXT_CHARS, check_len};
use crate::domain::permissions::require_steward;
use crate::domain::photo::process_photo;
use crate::domain::{
    ActivityAction, Booking, BookingAction, ConditionReport, MaintenanceDue, MaintenancePlan, PlanStatus, ReturnReport,
    Schedule,
};
use crate::error::{Error, Result};
use crate::ids::{BookingId, GroupId, ItemId, PlanId};
use crate::store::booking_ops::ReturnFacts;
use crate::store::{Store, care, queries};
use crate::time::Timestamp;

impl Store {
    /// Adds a maintenance plan to an item (stewards). With `blocks`, the item may not be
    /// booked from the instant the plan falls due until maintenance is logged
    /// ([`Store::log_maintenance`] completes every plan of the item).
    pub fn add_maintenance_plan(
        &mut self,
        group: &GroupId,
        item: &ItemId,
        schedule: Schedule,
        blocks: bool,
        note: &str,
    ) -> Result<MaintenancePlan> {
        let me = self.me(group)?;
        require_steward(me.role, "plan maintenance")?;
        let mut it = self.item(group, item)?;
        let plan = MaintenancePlan::new(PlanId::generate(), schedule, blocks, note, self.now(), me.id.clone())?;
        it.plans.insert(plan.id.clone(), plan.clone());
        let summary = format!(
            "{}: maintenance plan {}{} added",
            it.name,
            plan.schedule,
            if plan.blocks { " (blocks bookings when due)" } else { "" }
        );
        let activity = self.activity_entry(&me, ActivityAction::ItemEdited, Some(item), None, summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Item(it)), activity])?;
        Ok(plan)
    }

    /// Removes a maintenance plan of an item (stewards). The plan is kept in the catalogue,
    /// marked removed, so the removal is attributed like every other write.
    pub fn remove_maintenance_plan(
        &mut self,
        group: &GroupId,
        item: &ItemId,
        plan: &PlanId,
    ) -> Result<MaintenancePlan> {
        let me = self.me(group)?;
        require_steward(me.role, "plan maintenance")?;
        let mut it = self.item(group, item)?;
        let now = self.now();
        let Some(p) = it.plans.get_mut(plan).filter(|p| p.is_active()) else {
            return Err(Error::PlanNotFound { id: plan.to_string() });
        };
        p.removed = Some(now);
        let removed = p.clone();
        let summary = format!("{}: maintenance plan {} removed", it.name, removed.schedule);
        let activity = self.activity_entry(&me, ActivityAction::ItemEdited, Some(item), None, summary);
        self.commit_writes(group, vec![(DocKey::Catalogue, Entity::Item(it)), activity])?;
        Ok(removed)
    }

    /// The plans in force (of one item, or of every item of the group), with when each falls
    /// due, by item name.
    pub fn maintenance_plans(&self, group: &GroupId, item: Option<&ItemId>) -> Result<Vec<PlanStatus>> {
        let items = match item {
            Some(id) => vec![self.item(group, id)?],
            None => self.items_with_plans(group)?,
        };
        let mut out = Vec::new();
        for it in items {
            let last = it.last_maintenance();
            for (plan, due, loans_since) in care::plan_dues(self.conn(), group.as_str(), &it)? {
                out.push(PlanStatus {
                    item: it.id.clone(),
                    item_name: it.name.clone(),
                    plan,
                    due,
                    loans_since,
                    last_maintenance: last,
                });
            }
        }
        Ok(out)
    }

    /// The plans due at `now` (fallen due and not completed by maintenance since), earliest
    /// first. Retired items need no care and are left out.
    pub fn maintenance_due(&self, group: &GroupId, now: Timestamp) -> Result<Vec<MaintenanceDue>> {
        let mut out: Vec<MaintenanceDue> = Vec::new();
        for it in self.items_with_plans(group)?.into_iter().filter(|i| !i.retired) {
            let last = it.last_maintenance();
            for (plan, due, loans_since) in care::plan_dues(self.conn(), group.as_str(), &it)? {
                if let Some(due) = due.filter(|d| *d <= now) {
                    out.push(MaintenanceDue {
                        item: it.id.clone(),
                        item_name: it.name.clone(),
                        plan: plan.id,
                        schedule: plan.schedule,
                        blocks: plan.blocks,
                        note: plan.note,
                        due,
                        loans_since,
                        last_maintenance: last,
                    });
                }
            }
        }
        out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.item_name.cmp(&b.item_name)).then(a.plan.cmp(&b.plan)));
        Ok(out)
    }

    /// Every item of the group with a plan in force, by name.
    fn items_with_plans(&self, group: &GroupId) -> Result<Vec<crate::domain::Item>> {
        self.group(group)?;
        let ids: Vec<String> = self
            .conn()
            .prepare_cached("SELECT DISTINCT item_id FROM maintenance_plans WHERE group_id = ?1")?
            .query_map([group.as_str()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut items = Vec::new();
        for id in ids {
            if let Ok(id) = ItemId::parse(&id)
                && let Some(item) = queries::item(self.conn(), group, &id)?
            {
                items.push(item);
            }
        }
        items.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.id.cmp(&b.id)));
        Ok(items)
    }

    /// Takes a loan back, recording the condition it came back in (the borrower of
    /// self-service gear, or a steward). `needs_repair` keeps the item from being booked until
    /// maintenance is logged, and tells the holders of its upcoming bookings and the
    /// stewards; `out_of_service` bumps its upcoming bookings. A photo is decoded, stripped
    /// of its metadata and stored with a thumbnail like an item's photo; it travels like
    /// one (the thumbnail with sync, the photo on demand or to a hub) and is read with
    /// [`Store::return_photo`]. A photo that is not an image is refused and nothing is
    /// written.
    pub fn return_booking(&mut self, group: &GroupId, id: &BookingId, report: &ReturnReport) -> Result<Booking> {
        let note = report.note.trim();
        check_len("note", note, MAX_TEXT_CHARS)?;
        let photo = report.photo.as_deref().map(process_photo).transpose()?;
        let facts = ReturnFacts { condition: report.condition, note: note.to_owned(), photo };
        self.act_on_booking_with(group, id, BookingAction::Return, Some(&facts))
    }

    /// The conditions reported at the returns of an item since its newest maintenance,
    /// newest first.
    pub fn condition_reports(&self, group: &GroupId, item: &ItemId) -> Result<Vec<ConditionReport>> {
        let it = self.item(group, item)?;
        Ok(care::reports_since(self.conn(), group.as_str(), &it)?)
    }
}
