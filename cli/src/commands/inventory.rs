//! `delbar import items`, `delbar export` and `delbar stats`: inventory in and out and the
//! steward's numbers.

use delbar_core::i18n::{self, Locale};
use delbar_core::inventory::stats::{ItemUsage, Stats};
use delbar_core::inventory::{ExportKind, ImportPlan, RowAction};
use delbar_core::time::Timestamp;
use serde_json::{Value, json};

use crate::args::{ExportArgs, ExportFormat, ExportWhat, ImportCommand, Separator, StatsArgs};
use crate::context::Ctx;
use crate::datetime::{Edge, local, utc_iso};
use crate::error::CliResult;
use crate::files;
use crate::output::{Outcome, Table, Text};

/// Runs `delbar import ...`.
pub fn import(ctx: &mut Ctx, command: ImportCommand) -> CliResult<Outcome> {
    let ImportCommand::Items(a) = command;
    let group = ctx.group()?;
    let bytes = files::read(&a.file)?;
    let plan = ctx.store.plan_item_import(&group.id, &bytes)?;
    let errors = plan.counts().errors;
    // A file with bad rows is reported row by row and not written, with or without --commit.
    let committed = if a.commit && errors == 0 {
        ctx.store.import_items(&group.id, &bytes)?;
        true
    } else {
        false
    };
    let mut outcome = if ctx.json { Outcome::json(plan_json(&plan, committed)) } else { plan_text(&plan, committed) };
    if errors > 0 {
        outcome.problem = Some(format!(
            "{errors} row(s) cannot be imported; nothing was written (first at line {})",
            plan.errors().first().map(|e| e.line).unwrap_or(0)
        ));
    }
    Ok(outcome)
}

fn row_details(action: &RowAction) -> (String, String) {
    match action {
        RowAction::Add { draft } => ("add".into(), format!("{} unit(s)", draft.quantity)),
        RowAction::Update { changed, .. } => ("update".into(), changed.join(", ")),
        RowAction::Unchanged { .. } => ("unchanged".into(), String::new()),
        RowAction::Error { problem } => {
            ("error".into(), i18n::row_problem_in(problem, crate::place::locale(), crate::place::zone()))
        }
    }
}

fn plan_text(plan: &ImportPlan, committed: bool) -> Outcome {
    let mut out = Text::new();
    let columns: Vec<String> = plan.columns.iter().map(|(h, f)| format!("{h} ({})", f.as_str())).collect();
    let separator = if plan.separator == '\t' { "tab".to_owned() } else { plan.separator.to_string() };
    out.line(format!(
        "Read {} rows ({}, separator {separator}): {}",
        plan.rows.len(),
        plan.encoding,
        columns.join(", ")
    ));
    if !plan.ignored_columns.is_empty() {
        out.line(format!("Columns not read: {}", plan.ignored_columns.join(", ")));
    }
    out.blank();
    let mut table = Table::new(&["LINE", "NAME", "ACTION", "DETAILS"]);
    for row in &plan.rows {
        let (action, details) = row_details(&row.action);
        table.row(vec![row.line.to_string(), row.name.clone(), action, details]);
    }
    out.table(&table, "No rows.");
    out.blank();
    let c = plan.counts();
    if committed {
        out.line(format!("Added {}, updated {}, {} unchanged.", c.added, c.updated, c.unchanged));
    } else if c.errors > 0 {
        out.line(format!(
            "Would add {}, update {}, leave {} unchanged; {} row(s) with errors. Nothing was written: fix the \
             rows and run again.",
            c.added, c.updated, c.unchanged, c.errors
        ));
    } else {
        out.line(format!(
            "Would add {}, update {}, leave {} unchanged. Nothing was written: run again with --commit.",
            c.added, c.updated, c.unchanged
        ));
    }
    Outcome::text(out)
}

fn plan_json(plan: &ImportPlan, committed: bool) -> Value {
    let rows: Vec<Value> = plan
        .rows
        .iter()
        .map(|r| {
            let mut row = json!({ "line": r.line, "name": r.name, "action": r.action.kind() });
            match &r.action {
                RowAction::Update { item, changed, .. } => {
                    row["item_id"] = json!(item.as_str());
                    row["changed"] = json!(changed);
                }
                RowAction::Unchanged { item } => row["item_id"] = json!(item.as_str()),
                RowAction::Error { problem } => row["problem"] = json!(i18n::row_problem(problem, Locale::En)),
                RowAction::Add { .. } => {}
            }
            row
        })
        .collect();
    json!({
        "encoding": plan.encoding,
        "separator": plan.separator.to_string(),
        "columns": plan.columns.iter().map(|(h, f)| json!({ "header": h, "field": f.as_str() })).collect::<Vec<_>>(),
        "ignored_columns": plan.ignored_columns,
        "rows": rows,
        "counts": plan.counts(),
        "committed": committed,
    })
}

/// Runs `delbar export`.
pub fn export(ctx: &Ctx, a: &ExportArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let kind = match a.what {
        ExportWhat::Items => ExportKind::Items,
        ExportWhat::Bookings => ExportKind::Bookings,
        ExportWhat::History => ExportKind::History,
    };
    let window = match (&a.from, &a.to) {
        (None, None) => None,
        (from, to) => Some((
            from.as_deref().map(|f| ctx.when(f, Edge::Start)).transpose()?.unwrap_or(Timestamp(i64::MIN)),
            to.as_deref().map(|t| ctx.when(t, Edge::End)).transpose()?.unwrap_or(Timestamp(i64::MAX)),
        )),
    };
    let table = ctx.store.export_table(&group.id, kind, window)?;
    let is_json_file = a.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let format = a.format.unwrap_or(if is_json_file { ExportFormat::Json } else { ExportFormat::Csv });
    let bytes = match format {
        ExportFormat::Csv => table
            .to_csv(if a.separator == Separator::Semicolon { ';' } else { ',' })
            .map_err(delbar_core::Error::from)?,
        ExportFormat::Json => {
            let mut text = serde_json::to_string_pretty(&table.to_json())?;
            text.push('\n');
            text.into_bytes()
        }
    };
    files::write_atomic(&a.out, &bytes)?;
    let path = files::shown(&a.out);
    let format_name = if format == ExportFormat::Csv { "csv" } else { "json" };
    if ctx.json {
        return Ok(Outcome::json(json!({ "file": path, "rows": table.rows.len(), "format": format_name })));
    }
    let mut out = Text::new();
    out.line(format!("Wrote {} row(s) to {path} ({format_name}).", table.rows.len()));
    Ok(Outcome::text(out))
}

/// Runs `delbar stats`.
pub fn stats(ctx: &Ctx, a: &StatsArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let now = ctx.now();
    let to = a.to.as_deref().map(|t| ctx.when(t, Edge::End)).transpose()?.unwrap_or(now);
    let from = match a.from.as_deref() {
        Some(f) => ctx.when(f, Edge::Start)?,
        None => {
            let (year, month) = to.plus_ms(-1).year_month();
            let months = i64::from(year) * 12 + i64::from(month) - 1 - 11;
            Timestamp::month_start(
                i32::try_from(months.div_euclid(12)).unwrap_or(year),
                (months.rem_euclid(12) + 1) as u32,
            )
        }
    };
    let stats = ctx.store.stats(&group.id, from, to)?;
    let svg = match &a.svg {
        Some(path) => {
            let chart =
                delbar_core::inventory::stats::loans_chart_svg(&stats.per_month, i18n::loans_chart_title(Locale::En))
                    .map_err(delbar_core::Error::from)?;
            files::write_atomic(path, chart.as_bytes())?;
            Some(files::shown(path))
        }
        None => None,
    };
    if ctx.json {
        let mut v = stats_json(&stats);
        if let Some(svg) = svg {
            v["svg"] = json!(svg);
        }
        return Ok(Outcome::json(v));
    }
    Ok(Outcome::text(stats_text(&stats, svg.as_deref())))
}

fn usage_json(u: &ItemUsage) -> Value {
    json!({
        "item": u.item.as_str(),
        "name": u.name,
        "category": u.category,
        "quantity": u.quantity,
        "loans": u.loans,
        "booked_unit_hours": u.booked_unit_hours(),
        "available_unit_hours": u.available_unit_hours(),
        "utilisation": u.utilisation(),
    })
}

fn stats_json(s: &Stats) -> Value {
    json!({
        "from": s.from.millis(),
        "from_utc": utc_iso(s.from),
        "to": s.to.millis(),
        "to_utc": utc_iso(s.to),
        "as_of_utc": utc_iso(s.as_of),
        "loans": s.loans,
        "per_month": s.per_month.iter().map(|m| json!({ "month": m.label(), "loans": m.loans })).collect::<Vec<_>>(),
        "items": s.items.iter().map(usage_json).collect::<Vec<_>>(),
        "categories": s.categories.iter().map(|c| json!({
            "category": c.category,
            "items": c.items,
            "loans": c.loans,
            "booked_unit_hours": c.booked_unit_ms as f64 / delbar_core::time::HOUR_MS as f64,
            "available_unit_hours": c.available_unit_ms as f64 / delbar_core::time::HOUR_MS as f64,
            "utilisation": c.utilisation(),
        })).collect::<Vec<_>>(),
        "most_used": s.most_used.iter().map(usage_json).collect::<Vec<_>>(),
        "least_used": s.least_used.iter().map(usage_json).collect::<Vec<_>>(),
        "overdue_members": s.overdue_members.iter().map(|m| json!({
            "member": m.member.as_str(),
            "name": m.name,
            "loans": m.loans,
            "oldest_end_utc": utc_iso(m.oldest_end),
        })).collect::<Vec<_>>(),
        "attention": s.attention.iter().map(|a| json!({
            "item": a.item.as_str(),
            "name": a.name,
            "reasons": a.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A utilisation as a percentage with one decimal.
fn percent(ratio: f64) -> String {
    format!("{:.1} %", ratio * 100.0)
}

fn usage_table(items: &[ItemUsage]) -> Table {
    let mut t = Table::new(&["ITEM", "CATEGORY", "UNITS", "LOANS", "UNIT-HOURS", "UTILISATION"]);
    for u in items {
        t.row(vec![
            u.name.clone(),
            u.category.clone(),
            u.quantity.to_string(),
            u.loans.to_string(),
            format!("{:.1}", u.booked_unit_hours()),
            percent(u.utilisation()),
        ]);
    }
    t
}

fn stats_text(s: &Stats, svg: Option<&str>) -> Text {
    let mut out = Text::new();
    out.line(format!("Loans from {} to {}: {}", local(s.from), local(s.to), s.loans));
    out.blank();
    out.line("Per month:");
    let top = s.per_month.iter().map(|m| m.loans).max().unwrap_or(0).max(1);
    let mut months = Table::new(&["MONTH", "LOANS", ""]);
    for m in &s.per_month {
        let bar = "#".repeat(((u64::from(m.loans) * 40).div_ceil(u64::from(top))) as usize);
        months.row(vec![m.label(), m.loans.to_string(), bar]);
    }
    out.indented_table(&months, "No months.");
    out.blank();
    out.line("Most used:");
    out.indented_table(&usage_table(&s.most_used), "No items.");
    out.blank();
    out.line("Least used:");
    out.indented_table(&usage_table(&s.least_used), "No items.");
    out.blank();
    out.line("By category:");
    let mut categories = Table::new(&["CATEGORY", "ITEMS", "LOANS", "UTILISATION"]);
    for c in &s.categories {
        let name = if c.category.is_empty() { "(none)".to_owned() } else { c.category.clone() };
        categories.row(vec![name, c.items.to_string(), c.loans.to_string(), percent(c.utilisation())]);
    }
    out.indented_table(&categories, "No items.");
    out.blank();
    out.line("Per item:");
    out.indented_table(&usage_table(&s.items), "No items.");
    out.blank();
    out.line(format!("Overdue loans (as of {}):", local(s.as_of)));
    let mut overdue = Table::new(&["MEMBER", "LOANS", "OLDEST DUE"]);
    for m in &s.overdue_members {
        overdue.row(vec![m.name.clone(), m.loans.to_string(), local(m.oldest_end)]);
    }
    out.indented_table(&overdue, "   None.");
    out.blank();
    out.line("Needs attention:");
    let mut attention = Table::new(&["ITEM", "WHY"]);
    for a in &s.attention {
        let why: Vec<&str> = a.reasons.iter().map(|r| r.as_str()).collect();
        attention.row(vec![a.name.clone(), why.join(", ")]);
    }
    out.indented_table(&attention, "   Nothing.");
    if let Some(path) = svg {
        out.blank();
        out.line(format!("Chart of loans per month: {path}"));
    }
    out
}
