//! Gear care on `DelbarStore`: maintenance plans, what is due, returns with the condition the
//! gear came back in, and the condition reports since the newest maintenance. `Schedule` is the
//! core's own; the records here are views of the core's `domain::maintenance` types with ids
//! as text; every method delegates to one core call.

use std::sync::Arc;

use delbar_core::domain as core;
pub use delbar_core::domain::Schedule;
use delbar_core::ids::PlanId;

use crate::records::{Booking, Condition, Timestamp, ids};
use crate::{DelbarError, DelbarStore};

/// A maintenance plan of an item.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MaintenancePlan {
    /// Its id.
    pub id: String,
    /// When it falls due.
    pub schedule: Schedule,
    /// Whether the item may not be booked while the plan is overdue.
    pub blocks: bool,
    /// What to do.
    pub note: String,
    /// When it was made.
    pub created: Timestamp,
    /// The steward who made it.
    pub created_by_member_id: String,
    /// When it was removed (a removed plan never falls due).
    pub removed: Option<Timestamp>,
}

impl From<core::MaintenancePlan> for MaintenancePlan {
    fn from(p: core::MaintenancePlan) -> Self {
        Self {
            id: p.id.to_string(),
            schedule: p.schedule,
            blocks: p.blocks,
            note: p.note,
            created: p.created,
            created_by_member_id: p.created_by.to_string(),
            removed: p.removed,
        }
    }
}

/// A plan of an item with when it falls due.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanStatus {
    /// The item.
    pub item_id: String,
    /// Its name.
    pub item_name: String,
    /// The plan.
    pub plan: MaintenancePlan,
    /// When it falls (or fell) due; `null` while a loan-counting plan is short of loans.
    pub due: Option<Timestamp>,
    /// Loans returned since the newest maintenance (or the plan's creation).
    pub loans_since: u32,
    /// The newest maintenance.
    pub last_maintenance: Option<Timestamp>,
}

impl From<core::PlanStatus> for PlanStatus {
    fn from(s: core::PlanStatus) -> Self {
        Self {
            item_id: s.item.to_string(),
            item_name: s.item_name,
            plan: s.plan.into(),
            due: s.due,
            loans_since: s.loans_since,
            last_maintenance: s.last_maintenance,
        }
    }
}

/// A plan that has fallen due and not been completed by maintenance since.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MaintenanceDue {
    /// The item.
    pub item_id: String,
    /// Its name.
    pub item_name: String,
    /// The plan.
    pub plan_id: String,
    /// Its schedule.
    pub schedule: Schedule,
    /// Whether it blocks bookings while overdue.
    pub blocks: bool,
    /// What to do.
    pub note: String,
    /// When it fell due.
    pub due: Timestamp,
    /// Loans returned since the newest maintenance (or the plan's creation).
    pub loans_since: u32,
    /// The newest maintenance.
    pub last_maintenance: Option<Timestamp>,
}

impl From<core::MaintenanceDue> for MaintenanceDue {
    fn from(d: core::MaintenanceDue) -> Self {
        Self {
            item_id: d.item.to_string(),
            item_name: d.item_name,
            plan_id: d.plan.to_string(),
            schedule: d.schedule,
            blocks: d.blocks,
            note: d.note,
            due: d.due,
            loans_since: d.loans_since,
            last_maintenance: d.last_maintenance,
        }
    }
}

/// A condition reported when a loan came back.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ConditionReport {
    /// The booking returned.
    pub booking_id: String,
    /// When it came back.
    pub at: Timestamp,
    /// Who took it back.
    pub by_member_id: String,
    /// The condition reported.
    pub condition: Condition,
    /// What was noted.
    pub note: String,
    /// The blake3 hash (hex) of the photo taken at the return, when one was (read it with
    /// `returnPhoto`).
    pub photo: Option<String>,
    /// The blake3 hash (hex) of that photo's thumbnail.
    pub thumbnail: Option<String>,
}

impl From<core::ConditionReport> for ConditionReport {
    fn from(r: core::ConditionReport) -> Self {
        Self {
            booking_id: r.booking.to_string(),
            at: r.at,
            by_member_id: r.by.to_string(),
            condition: r.condition,
            note: r.note,
            photo: r.photo,
            thumbnail: r.thumbnail,
        }
    }
}

/// What a person reports when a loan comes back.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReturnReport {
    /// The condition it came back in.
    pub condition: Condition,
    /// What they noted.
    #[uniffi(default = "")]
    pub note: String,
    /// A photo of it: the image file's bytes (JPEG, PNG or WebP), stored like an item's
    /// photo (metadata removed, with a thumbnail that reaches every member with sync).
    #[uniffi(default = None)]
    pub photo: Option<Vec<u8>>,
}

impl From<ReturnReport> for core::ReturnReport {
    fn from(r: ReturnReport) -> Self {
        Self { condition: r.condition, note: r.note, photo: r.photo }
    }
}

fn plan_id(s: &str) -> Result<PlanId, DelbarError> {
    Ok(PlanId::parse(s)?)
}

#[uniffi::export(async_runtime = "tokio")]
impl DelbarStore {
    /// Adds a maintenance plan to an item (stewards). With `blocks`, the item may not be
    /// booked from the instant the plan falls due until maintenance is logged
    /// (`logMaintenance` completes every plan of the item).
    #[uniffi::method(default(note = ""))]
    pub async fn add_maintenance_plan(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        schedule: Schedule,
        blocks: bool,
        note: String,
    ) -> Result<MaintenancePlan, DelbarError> {
        self.blocking(move |s| {
            Ok(s.add_maintenance_plan(&ids::group(&group_id)?, &ids::item(&item_id)?, schedule, blocks, &note)?.into())
        })
        .await
    }

    /// Removes a maintenance plan of an item (stewards).
    pub async fn remove_maintenance_plan(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
        plan_id: String,
    ) -> Result<MaintenancePlan, DelbarError> {
        self.blocking(move |s| {
            Ok(s.remove_maintenance_plan(&ids::group(&group_id)?, &ids::item(&item_id)?, &self::plan_id(&plan_id)?)?
                .into())
        })
        .await
    }

    /// The plans in force (of one item, or of every item when `itemId` is null), with when
    /// each falls due.
    #[uniffi::method(default(item_id = None))]
    pub async fn maintenance_plans(
        self: Arc<Self>,
        group_id: String,
        item_id: Option<String>,
    ) -> Result<Vec<PlanStatus>, DelbarError> {
        self.blocking(move |s| {
            let item = ids::opt(item_id.as_deref(), ids::item)?;
            Ok(s.maintenance_plans(&ids::group(&group_id)?, item.as_ref())?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The plans due at `now` (default: the device clock), earliest first.
    #[uniffi::method(default(now = None))]
    pub async fn maintenance_due(
        self: Arc<Self>,
        group_id: String,
        now: Option<Timestamp>,
    ) -> Result<Vec<MaintenanceDue>, DelbarError> {
        self.blocking(move |s| {
            let now = now.map_or_else(|| s.now(), Into::into);
            Ok(s.maintenance_due(&ids::group(&group_id)?, now)?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Takes a loan back with the condition it came back in (the borrower of self-service
    /// gear, or a steward). `NEEDS_REPAIR` keeps the item from being booked until maintenance
    /// is logged; `OUT_OF_SERVICE` bumps its upcoming bookings. A photo in the report is
    /// decoded and stored like an item's photo, so this runs off the caller's thread.
    pub async fn return_booking(
        self: Arc<Self>,
        group_id: String,
        booking_id: String,
        report: ReturnReport,
    ) -> Result<Booking, DelbarError> {
        self.blocking(move |s| {
            Ok(s.return_booking(&ids::group(&group_id)?, &ids::booking(&booking_id)?, &report.into())?)
        })
        .await
    }

    /// The conditions reported at an item's returns since its newest maintenance, newest
    /// first.
    pub async fn condition_reports(
        self: Arc<Self>,
        group_id: String,
        item_id: String,
    ) -> Result<Vec<ConditionReport>, DelbarError> {
        self.blocking(move |s| {
            Ok(s.condition_reports(&ids::group(&group_id)?, &ids::item(&item_id)?)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }
}
