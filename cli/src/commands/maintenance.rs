//! `delbar maintenance plan add|list|remove` and `delbar maintenance due`.

use clap::{ArgGroup, Args, Subcommand};
use delbar_core::domain::{MaintenanceDue, PlanStatus, Schedule, limits};
use delbar_core::ids::PlanId;
use serde_json::Value;

use crate::context::Ctx;
use crate::datetime::local;
use crate::error::{CliError, CliResult};
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve;

/// Maintenance commands.
#[derive(Debug, Subcommand)]
pub enum MaintenanceCommand {
    /// Add, list and remove an item's maintenance plans
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The plans due now (fallen due, no maintenance logged since), earliest first; log the
    /// work with `delbar item maintain`
    Due,
}

/// Maintenance-plan commands.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Add a plan to an item (stewards)
    Add(PlanAddArgs),
    /// The plans in force (of one item, or of all) with when each falls due
    List {
        /// The item (id, id prefix or name) [default: every item]
        item: Option<String>,
    },
    /// Remove a plan (stewards)
    Remove {
        /// The item (id, id prefix or name)
        item: String,
        /// The plan's id (as `maintenance plan list` shows it)
        plan: String,
    },
}

/// `delbar maintenance plan add ITEM (--every-days N | --every-loans N | --after-each-loan |
/// --yearly MM-DD) [--blocks] [--note TEXT]`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("schedule").required(true).args(["every_days", "every_loans", "after_each_loan", "yearly"])))]
pub struct PlanAddArgs {
    /// The item (id, id prefix or name)
    pub item: String,
    /// Every N days after the last maintenance (1 to 10000)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub every_days: Option<i64>,
    /// After every N loans returned since the last maintenance (1 to 10000)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub every_loans: Option<i64>,
    /// After each loan, when it comes back
    #[arg(long)]
    pub after_each_loan: bool,
    /// Once a year on this date (MM-DD, 00:00 UTC; 02-29 falls on 02-28 in other years)
    #[arg(long, value_name = "MM-DD")]
    pub yearly: Option<String>,
    /// Refuse bookings that would start once the plan is due, until maintenance is logged
    /// (bookings already made for then are bumped)
    #[arg(long)]
    pub blocks: bool,
    /// What to do ("sharpen and oil the chain")
    #[arg(long, default_value = "")]
    pub note: String,
}

/// Runs a maintenance command.
pub fn run(ctx: &mut Ctx, command: MaintenanceCommand) -> CliResult<Outcome> {
    let group = ctx.group()?;
    match command {
        MaintenanceCommand::Plan(PlanCommand::Add(a)) => {
            let item = resolve::item(&ctx.store, &group.id, &a.item)?;
            let schedule = match (a.every_days, a.every_loans, a.after_each_loan, a.yearly.as_deref()) {
                (Some(days), ..) => Schedule::EveryDays { days: limits::interval("every_days", days)? },
                (_, Some(loans), ..) => Schedule::EveryLoans { loans: limits::interval("every_loans", loans)? },
                (_, _, true, _) => Schedule::AfterEachLoan,
                (_, _, _, Some(date)) => Schedule::yearly(date).map_err(delbar_core::Error::from)?,
                _ => {
                    return Err(CliError::input(
                        "give one of --every-days, --every-loans, --after-each-loan, --yearly",
                    ));
                }
            };
            let plan = ctx.store.add_maintenance_plan(&group.id, &item.id, schedule, a.blocks, &a.note)?;
            let status =
                ctx.store.maintenance_plans(&group.id, Some(&item.id))?.into_iter().find(|s| s.plan.id == plan.id);
            if ctx.json {
                return Ok(Outcome::json(match &status {
                    Some(s) => plan_json(s)?,
                    None => json::value(&plan)?,
                }));
            }
            let mut out = Text::new();
            out.line(format!(
                "Added a maintenance plan to {}: {}{} (plan id {}).",
                item.name,
                plan.schedule,
                if plan.blocks { ", blocking bookings while due" } else { "" },
                plan.id
            ));
            if let Some(due) = status.and_then(|s| s.due) {
                out.line(format!("It falls due {}.", local(due)));
            }
            Ok(Outcome::text(out))
        }
        MaintenanceCommand::Plan(PlanCommand::List { item }) => {
            let item = item.map(|i| resolve::item(&ctx.store, &group.id, &i)).transpose()?;
            let plans = ctx.store.maintenance_plans(&group.id, item.as_ref().map(|i| &i.id))?;
            if ctx.json {
                return Ok(Outcome::json(Value::Array(plans.iter().map(plan_json).collect::<CliResult<_>>()?)));
            }
            let now = ctx.now();
            let mut table = Table::new(&["Item", "Plan", "Schedule", "Blocks", "Loans since", "Falls due", ""]);
            for s in &plans {
                table.row(vec![
                    s.item_name.clone(),
                    s.plan.id.to_string(),
                    s.plan.schedule.to_string(),
                    if s.plan.blocks { "yes".into() } else { "no".into() },
                    s.loans_since.to_string(),
                    s.due.map(local).unwrap_or_else(|| "-".into()),
                    if s.due.is_some_and(|d| d <= now) { "DUE".into() } else { String::new() },
                ]);
            }
            let mut out = Text::new();
            out.table(&table, "No maintenance plans.");
            Ok(Outcome::text(out))
        }
        MaintenanceCommand::Plan(PlanCommand::Remove { item, plan }) => {
            let item = resolve::item(&ctx.store, &group.id, &item)?;
            let id = PlanId::parse(&plan).map_err(delbar_core::Error::from)?;
            let removed = ctx.store.remove_maintenance_plan(&group.id, &item.id, &id)?;
            if ctx.json {
                return Ok(Outcome::json(json::value(&removed)?));
            }
            let mut out = Text::new();
            out.line(format!("Removed the plan {} ({}) of {}.", removed.id, removed.schedule, item.name));
            Ok(Outcome::text(out))
        }
        MaintenanceCommand::Due => {
            let due = ctx.store.maintenance_due(&group.id, ctx.now())?;
            if ctx.json {
                return Ok(Outcome::json(Value::Array(due.iter().map(due_json).collect::<CliResult<_>>()?)));
            }
            let mut table = Table::new(&["Item", "Schedule", "Due since", "Blocks", "Loans since", "To do"]);
            for d in &due {
                table.row(vec![
                    d.item_name.clone(),
                    d.schedule.to_string(),
                    local(d.due),
                    if d.blocks { "yes".into() } else { "no".into() },
                    d.loans_since.to_string(),
                    d.note.clone(),
                ]);
            }
            let mut out = Text::new();
            out.table(&table, "Nothing is due for maintenance.");
            Ok(Outcome::text(out))
        }
    }
}

/// A plan with when it falls due, for scripts.
fn plan_json(s: &PlanStatus) -> CliResult<Value> {
    let mut v = json::value(s)?;
    if let Value::Object(map) = &mut v {
        map.insert("schedule_text".into(), Value::String(s.plan.schedule.to_string()));
        if let Some(due) = s.due {
            map.insert("due_utc".into(), Value::String(crate::datetime::utc_iso(due)));
        }
    }
    Ok(v)
}

/// A due plan, for scripts.
fn due_json(d: &MaintenanceDue) -> CliResult<Value> {
    let mut v = json::value(d)?;
    if let Value::Object(map) = &mut v {
        map.insert("schedule_text".into(), Value::String(d.schedule.to_string()));
        map.insert("due_utc".into(), Value::String(crate::datetime::utc_iso(d.due)));
    }
    Ok(v)
}
