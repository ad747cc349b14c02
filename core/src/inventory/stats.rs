//! The steward's numbers over a window of time, and the chart of loans per month.
//!
//! Definitions (the store computes them from the projection, `store/stats_ops.rs`):
//! - A loan is a booking whose resolved state is `requested`, `confirmed`, `checked_out` or
//!   `returned` (it holds or held its units); declined, cancelled, waitlisted and bumped
//!   bookings are not loans. A loan counts in the window, and in a month, by its start; a
//!   booking of a kit counts for the kit.
//! - Unit-hours booked: for each loan, its units times the hours its `[start, end)` overlaps
//!   the window. Unit-hours available: the item's quantity times the hours of the window from
//!   the item's creation (or the window's start, if later). Utilisation is booked over
//!   available, from 0 (never lent) up; a category's sums its items'. Retired items are left
//!   out of the per-item and per-category figures; their loans still count per month.
//! - Overdue loans and items needing attention are as of the device clock, whatever the
//!   window.

use serde::{Deserialize, Serialize};

use crate::ids::{ItemId, MemberId};
use crate::inventory::InventoryError;
use crate::time::{HOUR_MS, Timestamp};

/// Longest window a statistics request may span (ten years).
pub const MAX_WINDOW_MS: i64 = 3_660 * crate::time::DAY_MS;

/// How many items the most and least used lists hold.
pub const RANKED: usize = 5;

/// Loans that started in one calendar month (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthLoans {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// Loans that started in it (inside the window).
    pub loans: u32,
}

impl MonthLoans {
    /// `2026-11`.
    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// How much one item was used in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemUsage {
    /// The item.
    pub item: ItemId,
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: String,
    /// Its units.
    pub quantity: u32,
    /// Loans that started in the window.
    pub loans: u32,
    /// Unit-milliseconds booked inside the window.
    pub booked_unit_ms: i64,
    /// Unit-milliseconds it could have been lent in the window.
    pub available_unit_ms: i64,
}

impl ItemUsage {
    /// Booked over available unit-hours (0 when nothing was available).
    pub fn utilisation(&self) -> f64 {
        ratio(self.booked_unit_ms, self.available_unit_ms)
    }

    /// Unit-hours booked.
    pub fn booked_unit_hours(&self) -> f64 {
        self.booked_unit_ms as f64 / HOUR_MS as f64
    }

    /// Unit-hours available.
    pub fn available_unit_hours(&self) -> f64 {
        self.available_unit_ms as f64 / HOUR_MS as f64
    }
}

/// How much one category was used in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryUsage {
    /// The category (empty for items without one).
    pub category: String,
    /// Its items (not retired).
    pub items: u32,
    /// Loans of its items that started in the window.
    pub loans: u32,
    /// Unit-milliseconds booked inside the window.
    pub booked_unit_ms: i64,
    /// Unit-milliseconds available in the window.
    pub available_unit_ms: i64,
}

impl CategoryUsage {
    /// Booked over available unit-hours (0 when nothing was available).
    pub fn utilisation(&self) -> f64 {
        ratio(self.booked_unit_ms, self.available_unit_ms)
    }
}

/// A member holding gear past its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueMember {
    /// The member.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// How many loans are overdue.
    pub loans: u32,
    /// The end of the oldest overdue loan.
    pub oldest_end: Timestamp,
}

/// Why an item needs a steward's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionReason {
    /// Its condition is `needs_repair`.
    NeedsRepair,
    /// Its condition is `out_of_service`.
    OutOfService,
    /// A maintenance plan of it has fallen due and no maintenance has been logged since.
    MaintenanceDue,
    /// Some of its units are out past their loan's end.
    Overdue,
}

impl AttentionReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttentionReason::NeedsRepair => "needs_repair",
            AttentionReason::OutOfService => "out_of_service",
            AttentionReason::MaintenanceDue => "maintenance_due",
            AttentionReason::Overdue => "overdue",
        }
    }
}

/// An item needing attention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttentionItem {
    /// The item.
    pub item: ItemId,
    /// Its name.
    pub name: String,
    /// Why, in a fixed order.
    pub reasons: Vec<AttentionReason>,
}

/// The steward's numbers for a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Window start.
    pub from: Timestamp,
    /// Window end (exclusive).
    pub to: Timestamp,
    /// When the overdue and attention lists were taken (the device clock).
    pub as_of: Timestamp,
    /// Loans that started in the window.
    pub loans: u32,
    /// Loans per month, every month the window touches, oldest first.
    pub per_month: Vec<MonthLoans>,
    /// Every item not retired, by name.
    pub items: Vec<ItemUsage>,
    /// Every category in use, by name.
    pub categories: Vec<CategoryUsage>,
    /// The most used items: highest utilisation, then most loans, then name.
    pub most_used: Vec<ItemUsage>,
    /// The least used items: lowest utilisation, then fewest loans, then name.
    pub least_used: Vec<ItemUsage>,
    /// Members with overdue loans, most first.
    pub overdue_members: Vec<OverdueMember>,
    /// Items needing attention, by name.
    pub attention: Vec<AttentionItem>,
}

/// `a / b`, 0 when `b` is not positive.
fn ratio(a: i64, b: i64) -> f64 {
    if b > 0 { a as f64 / b as f64 } else { 0.0 }
}

/// Checks a window: it must end after it starts and span at most [`MAX_WINDOW_MS`].
pub fn check_window(from: Timestamp, to: Timestamp) -> Result<(), InventoryError> {
    if to <= from {
        return Err(InventoryError::InvalidWindow { from, to, reason: "it must end after it starts" });
    }
    if to.millis().saturating_sub(from.millis()) > MAX_WINDOW_MS {
        return Err(InventoryError::InvalidWindow { from, to, reason: "it may span at most ten years" });
    }
    Ok(())
}

/// Every calendar month `[from, to)` touches, oldest first, with no loans yet.
pub fn months_of(from: Timestamp, to: Timestamp) -> Vec<MonthLoans> {
    let mut out = Vec::new();
    let (mut year, mut month) = from.year_month();
    while Timestamp::month_start(year, month) < to {
        out.push(MonthLoans { year, month, loans: 0 });
        if month == 12 {
            year += 1;
            month = 1;
        } else {
            month += 1;
        }
    }
    out
}

/// The most and least used items of `items`, at most [`RANKED`] each.
pub fn ranked(items: &[ItemUsage]) -> (Vec<ItemUsage>, Vec<ItemUsage>) {
    let mut sorted: Vec<&ItemUsage> = items.iter().collect();
    sorted.sort_by(|a, b| {
        b.utilisation()
            .total_cmp(&a.utilisation())
            .then(b.loans.cmp(&a.loans))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.item.cmp(&b.item))
    });
    let most = sorted.iter().take(RANKED).map(|u| (*u).clone()).collect();
    let least = sorted.iter().rev().take(RANKED).map(|u| (*u).clone()).collect();
    (most, least)
}

/// Loans per month as an SVG bar chart (plotters' SVG backend): one bar per month, labelled
/// `YYYY-MM`, with `title` above and the count on each bar.
pub fn loans_chart_svg(months: &[MonthLoans], title: &str) -> Result<String, InventoryError> {
    use plotters::prelude::*;
    let err = |e: String| InventoryError::Write { what: "chart", message: e };
    let bars = u32::try_from(months.len().max(1)).unwrap_or(u32::MAX);
    let width = (120 + 56 * bars).clamp(480, 2400);
    let top = months.iter().map(|m| m.loans).max().unwrap_or(0).max(1);
    let y_max = top + top.div_ceil(8);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 400)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(48)
            .build_cartesian_2d((0u32..bars).into_segmented(), 0u32..y_max)
            .map_err(|e| err(e.to_string()))?;
        let label = |x: &SegmentValue<u32>| match x {
            SegmentValue::CenterOf(x) => months.get(*x as usize).map(MonthLoans::label).unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(months.len().max(1))
            .x_label_formatter(&label)
            .y_desc("loans")
            .draw()
            .map_err(|e| err(e.to_string()))?;
        let fill = RGBColor(46, 125, 50);
        chart
            .draw_series(months.iter().enumerate().map(|(i, m)| {
                let x = u32::try_from(i).unwrap_or(0);
                let mut bar =
                    Rectangle::new([(SegmentValue::Exact(x), 0), (SegmentValue::Exact(x + 1), m.loans)], fill.filled());
                bar.set_margin(0, 0, 6, 6);
                bar
            }))
            .map_err(|e| err(e.to_string()))?;
        chart
            .draw_series(months.iter().enumerate().filter(|(_, m)| m.loans > 0).map(|(i, m)| {
                let x = u32::try_from(i).unwrap_or(0);
                Text::new(
                    m.loans.to_string(),
                    (SegmentValue::CenterOf(x), m.loans),
                    ("sans-serif", 14).into_font().color(&BLACK),
                )
            }))
            .map_err(|e| err(e.to_string()))?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_a_window_cross_the_year() {
        let from = Timestamp::month_start(2026, 11).plus_ms(5 * crate::time::DAY_MS);
        let to = Timestamp::month_start(2027, 2);
        let labels: Vec<String> = months_of(from, to).iter().map(MonthLoans::label).collect();
        assert_eq!(labels, ["2026-11", "2026-12", "2027-01"]);
    }

    #[test]
    fn a_window_must_end_after_it_starts() {
        assert!(check_window(Timestamp(10), Timestamp(10)).is_err());
        assert!(check_window(Timestamp(0), Timestamp(MAX_WINDOW_MS + 1)).is_err());
        assert!(check_window(Timestamp(0), Timestamp(1)).is_ok());
    }
}
