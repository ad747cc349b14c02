//! Maintenance plans and what falls due: a pure function of what the documents hold.
//!
//! A plan belongs to an item (it lives in the catalogue, written by stewards) and says when
//! the item must be looked after: every N days, every N loans, after each loan, or on a
//! date each year. When a plan falls due is derived from three documented facts and never
//! from a device clock:
//!
//! - the plan's creation instant (`created`),
//! - the newest entry of the item's maintenance log (`Item::maintenance`, any entry completes
//!   every plan of the item),
//! - the return instants of the loans of the item (the `returned` lifecycle event of each
//!   booking of the item, or of a kit that holds it).
//!
//! The plan's *base* is the later of its creation and the newest maintenance. From it:
//!
//! | schedule | falls due at |
//! | --- | --- |
//! | every N days | base + N days |
//! | every N loans | the return of the N-th loan returned after base |
//! | after each loan | the return of the first loan returned after base |
//! | yearly on MM-DD | the first MM-DD, 00:00 UTC, after base (02-29 is 02-28 in other years) |
//!
//! Every device holding the same changes computes the same instant, so a blocking plan
//! ([`MaintenancePlan::blocks`]) blocks the same bookings everywhere: those that start at or
//! after the instant it fell due, until maintenance is logged (see `store/maintenance_ops.rs`).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::domain::DomainError;
use crate::domain::item::{MAX_TEXT_CHARS, check_len};
use crate::ids::{ItemId, MemberId, PlanId};
use crate::time::{DAY_MS, Timestamp};

/// Longest interval accepted for a plan, in days or loans.
pub use crate::domain::limits::MAX_INTERVAL;

/// When a plan wants the item looked after.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Schedule {
    /// Every `days` days after the last maintenance.
    EveryDays {
        /// The interval in days (1 to 10,000).
        days: u32,
    },
    /// After every `loans` loans since the last maintenance.
    EveryLoans {
        /// The number of loans (1 to 10,000).
        loans: u32,
    },
    /// After each loan.
    AfterEachLoan,
    /// Once a year, on a month and day (UTC).
    Yearly {
        /// The month (1 to 12).
        month: u8,
        /// The day of the month (1 to 31; 02-29 falls on 02-28 in years without it).
        day: u8,
    },
}

impl Schedule {
    /// Checks the numbers are in range.
    pub fn validate(&self) -> Result<(), DomainError> {
        let interval = |rule: &'static str, v: u32| crate::domain::limits::interval(rule, i64::from(v)).map(|_| ());
        match *self {
            Schedule::EveryDays { days } => interval("every_days", days),
            Schedule::EveryLoans { loans } => interval("every_loans", loans),
            Schedule::AfterEachLoan => Ok(()),
            Schedule::Yearly { month, day } => {
                // A leap year has every date a year can have.
                if Timestamp::from_civil(2024, u32::from(month), u32::from(day), 0, 0).is_none() {
                    return Err(DomainError::InvalidDate { given: format!("{month:02}-{day:02}") });
                }
                Ok(())
            }
        }
    }

    /// Parses a yearly date written `MM-DD` (`03-15`).
    pub fn yearly(text: &str) -> Result<Schedule, DomainError> {
        let bad = || DomainError::InvalidDate { given: crate::domain::input::echo(text.trim()) };
        let (m, d) = text.trim().split_once('-').ok_or_else(bad)?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        let schedule = Schedule::Yearly { month, day };
        schedule.validate().map_err(|_| bad())?;
        Ok(schedule)
    }

    /// How many loans since the base make the plan due, for loan-counting schedules.
    pub fn loans(&self) -> Option<u32> {
        match *self {
            Schedule::EveryLoans { loans } => Some(loans),
            Schedule::AfterEachLoan => Some(1),
            _ => None,
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Schedule::EveryDays { days } => write!(f, "every {days} day{}", if days == 1 { "" } else { "s" }),
            Schedule::EveryLoans { loans } => write!(f, "every {loans} loan{}", if loans == 1 { "" } else { "s" }),
            Schedule::AfterEachLoan => f.write_str("after each loan"),
            Schedule::Yearly { month, day } => write!(f, "yearly on {month:02}-{day:02}"),
        }
    }
}

/// A maintenance plan of an item, as it lives in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenancePlan {
    /// Its id.
    pub id: PlanId,
    /// When it falls due.
    pub schedule: Schedule,
    /// Whether the item may not be booked while the plan is overdue.
    #[serde(default)]
    pub blocks: bool,
    /// What to do ("sharpen and oil the chain").
    #[serde(default)]
    pub note: String,
    /// When it was made (the base before any maintenance).
    pub created: Timestamp,
    /// The steward who made it.
    pub created_by: MemberId,
    /// When it was removed; a removed plan never falls due. Kept rather than deleted so a
    /// removal is attributed to its writer like every other catalogue write.
    #[serde(default)]
    pub removed: Option<Timestamp>,
}

impl MaintenancePlan {
    /// A new plan, validated.
    pub fn new(
        id: PlanId,
        schedule: Schedule,
        blocks: bool,
        note: &str,
        created: Timestamp,
        created_by: MemberId,
    ) -> Result<Self, DomainError> {
        schedule.validate()?;
        check_len("plan note", note.trim(), MAX_TEXT_CHARS)?;
        Ok(Self { id, schedule, blocks, note: note.trim().to_owned(), created, created_by, removed: None })
    }

    /// Whether the plan is in force.
    pub fn is_active(&self) -> bool {
        self.removed.is_none()
    }

    /// The instant the plan's current cycle starts: the later of its creation and the
    /// newest maintenance.
    pub fn base(&self, last_maintenance: Option<Timestamp>) -> Timestamp {
        last_maintenance.map_or(self.created, |m| m.max(self.created))
    }

    /// When the plan falls due (see the module's table), or `None` when it does not yet
    /// (a loan-counting plan short of loans) or no longer (removed). `returns` are the
    /// return instants of the item's loans, in any order; only those after the base count.
    pub fn due_at(&self, last_maintenance: Option<Timestamp>, returns: &[Timestamp]) -> Option<Timestamp> {
        if !self.is_active() {
            return None;
        }
        let base = self.base(last_maintenance);
        match self.schedule {
            Schedule::EveryDays { days } => Some(base.plus_ms(i64::from(days).saturating_mul(DAY_MS))),
            Schedule::EveryLoans { .. } | Schedule::AfterEachLoan => {
                let n = self.schedule.loans().unwrap_or(1).max(1) as usize;
                let mut after: Vec<Timestamp> = returns.iter().copied().filter(|t| *t > base).collect();
                after.sort();
                after.get(n - 1).copied()
            }
            Schedule::Yearly { month, day } => next_yearly(base, month, day),
        }
    }

    /// Loans returned since the base (what a loan-counting plan has counted so far).
    pub fn loans_since(&self, last_maintenance: Option<Timestamp>, returns: &[Timestamp]) -> u32 {
        let base = self.base(last_maintenance);
        u32::try_from(returns.iter().filter(|t| **t > base).count()).unwrap_or(u32::MAX)
    }
}

/// The first `month-day` 00:00 UTC strictly after `base`; 02-29 falls on 02-28 in years
/// without it.
pub fn next_yearly(base: Timestamp, month: u8, day: u8) -> Option<Timestamp> {
    let (year, ..) = base.civil();
    (year..=year.saturating_add(1)).find_map(|y| {
        let at = Timestamp::from_civil(y, u32::from(month), u32::from(day), 0, 0)
            .or_else(|| (month == 2 && day == 29).then(|| Timestamp::from_civil(y, 2, 28, 0, 0)).flatten())?;
        (at > base).then_some(at)
    })
}

/// A plan of an item that has fallen due (or will), as every device computes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceDue {
    /// The item.
    pub item: ItemId,
    /// Its name.
    pub item_name: String,
    /// The plan.
    pub plan: PlanId,
    /// Its schedule.
    pub schedule: Schedule,
    /// Whether it blocks bookings while overdue.
    pub blocks: bool,
    /// What to do.
    pub note: String,
    /// When it falls (or fell) due.
    pub due: Timestamp,
    /// Loans returned since the last maintenance (or the plan's creation).
    pub loans_since: u32,
    /// The newest maintenance, if any.
    pub last_maintenance: Option<Timestamp>,
}

/// A plan of an item with when it falls due, for listing plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStatus {
    /// The item.
    pub item: ItemId,
    /// Its name.
    pub item_name: String,
    /// The plan.
    pub plan: MaintenancePlan,
    /// When it falls (or fell) due; `None` while a loan-counting plan is short of loans.
    pub due: Option<Timestamp>,
    /// Loans returned since the last maintenance (or the plan's creation).
    pub loans_since: u32,
    /// The newest maintenance, if any.
    pub last_maintenance: Option<Timestamp>,
}

/// What a person reports when a loan comes back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnReport {
    /// The condition it came back in.
    pub condition: crate::domain::Condition,
    /// What they noted ("the chain is blunt").
    #[serde(default)]
    pub note: String,
    /// A photo taken as it came back: the image file's bytes (JPEG, PNG or WebP), stored
    /// like an item's photo (see [`crate::domain::photo::process_photo`]).
    #[serde(default)]
    pub photo: Option<Vec<u8>>,
}

impl MaintenanceDue {
    /// Whether it is due at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.due <= now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> Timestamp {
        Timestamp::from_civil(y, m, d, 0, 0).unwrap()
    }

    fn plan(schedule: Schedule, created: Timestamp) -> MaintenancePlan {
        MaintenancePlan::new(PlanId::parse("p1").unwrap(), schedule, true, "", created, MemberId::parse("s").unwrap())
            .unwrap()
    }

    #[test]
    fn every_n_days_counts_from_the_last_maintenance_or_the_plan() {
        let p = plan(Schedule::EveryDays { days: 30 }, at(2027, 1, 1));
        assert_eq!(p.due_at(None, &[]), Some(at(2027, 1, 31)));
        assert_eq!(p.due_at(Some(at(2027, 2, 10)), &[]), Some(at(2027, 3, 12)));
        // Maintenance before the plan existed does not move its base back.
        assert_eq!(p.due_at(Some(at(2026, 6, 1)), &[]), Some(at(2027, 1, 31)));
    }

    #[test]
    fn every_n_loans_falls_due_at_the_nth_return_after_the_base() {
        let p = plan(Schedule::EveryLoans { loans: 3 }, at(2027, 1, 1));
        let returns = [at(2027, 1, 9), at(2026, 12, 1), at(2027, 1, 5), at(2027, 1, 20), at(2027, 1, 2)];
        assert_eq!(p.due_at(None, &returns), Some(at(2027, 1, 9)));
        assert_eq!(p.loans_since(None, &returns), 4);
        // After maintenance on the 10th only the loan returned on the 20th counts.
        assert_eq!(p.due_at(Some(at(2027, 1, 10)), &returns), None);
        assert_eq!(p.loans_since(Some(at(2027, 1, 10)), &returns), 1);
    }

    #[test]
    fn after_each_loan_falls_due_at_the_first_return() {
        let p = plan(Schedule::AfterEachLoan, at(2027, 1, 1));
        assert_eq!(p.due_at(None, &[]), None);
        assert_eq!(p.due_at(None, &[at(2027, 1, 4), at(2027, 1, 3)]), Some(at(2027, 1, 3)));
        // A return at the very instant of the maintenance was looked after by it.
        assert_eq!(p.due_at(Some(at(2027, 1, 4)), &[at(2027, 1, 4)]), None);
    }

    #[test]
    fn yearly_crosses_the_year_end() {
        let p = plan(Schedule::Yearly { month: 3, day: 15 }, at(2027, 1, 1));
        assert_eq!(p.due_at(None, &[]), Some(at(2027, 3, 15)));
        assert_eq!(p.due_at(Some(at(2027, 3, 15)), &[]), Some(at(2028, 3, 15)));
        let winter = plan(Schedule::Yearly { month: 1, day: 5 }, at(2027, 11, 20));
        assert_eq!(winter.due_at(None, &[]), Some(at(2028, 1, 5)));
        let new_year = plan(Schedule::Yearly { month: 12, day: 31 }, at(2027, 12, 31));
        assert_eq!(new_year.due_at(None, &[]), Some(at(2028, 12, 31)));
    }

    #[test]
    fn leap_day_falls_on_the_28th_in_other_years() {
        let p = plan(Schedule::Yearly { month: 2, day: 29 }, at(2027, 1, 1));
        assert_eq!(p.due_at(None, &[]), Some(at(2027, 2, 28)));
        assert_eq!(p.due_at(Some(at(2027, 3, 1)), &[]), Some(at(2028, 2, 29)));
        assert_eq!(p.due_at(Some(at(2028, 2, 29)), &[]), Some(at(2029, 2, 28)));
    }

    #[test]
    fn removed_plans_never_fall_due() {
        let mut p = plan(Schedule::EveryDays { days: 1 }, at(2027, 1, 1));
        assert_eq!(p.due_at(None, &[]), Some(at(2027, 1, 2)));
        p.removed = Some(at(2027, 1, 1));
        assert!(!p.is_active());
        assert_eq!(p.due_at(None, &[]), None);
    }

    #[test]
    fn schedules_parse_and_refuse_bad_input() {
        assert_eq!(Schedule::yearly("03-15"), Ok(Schedule::Yearly { month: 3, day: 15 }));
        assert_eq!(Schedule::yearly(" 2-29"), Ok(Schedule::Yearly { month: 2, day: 29 }));
        for bad in ["13-01", "02-30", "0315", "xx-01", "04-31", ""] {
            assert!(matches!(Schedule::yearly(bad), Err(DomainError::InvalidDate { .. })), "{bad}");
        }
        assert!(Schedule::EveryDays { days: 0 }.validate().is_err());
        assert!(Schedule::EveryLoans { loans: MAX_INTERVAL + 1 }.validate().is_err());
        assert!(Schedule::EveryLoans { loans: 10 }.validate().is_ok());
    }
}
