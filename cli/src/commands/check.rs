//! `delbar check`: runs SQLite's integrity check over the store file, then rebuilds the
//! projection from the documents and compares it with the one the store keeps; any problem
//! or difference is printed and makes the command exit with code 1.

use delbar_core::store::CheckReport;

use crate::context::Ctx;
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Output, Table, Text};

/// Runs `delbar check` on the `--group` given, or on every group of the store.
pub fn run(ctx: &mut Ctx) -> CliResult<Outcome> {
    let only = if ctx.has_group_arg() { Some(ctx.group()?.id) } else { None };
    let report = ctx.store.check(only.as_ref())?;
    let problem = if !report.file_problems.is_empty() {
        Some(format!(
            "the store file is damaged ({} problem(s) found by SQLite's integrity check); run `delbar repair`",
            report.file_problems.len()
        ))
    } else {
        (!report.is_clean())
            .then(|| format!("the projection differs from the documents in {} row(s)", report.differences.len()))
    };
    let output = if ctx.json {
        let mut v = json::value(&report)?;
        if let serde_json::Value::Object(map) = &mut v {
            map.insert("clean".into(), report.is_clean().into());
        }
        Output::Json(v)
    } else {
        let mut out = Text::new();
        report_text(&mut out, &report);
        Output::Text(out.as_str().to_owned())
    };
    Ok(Outcome { output, problem })
}

/// The report in words, with a table of differences if any.
pub fn report_text(out: &mut Text, report: &CheckReport) {
    let counts = format!(
        "{} group{}, {} document{}, {} row{}",
        report.groups,
        if report.groups == 1 { "" } else { "s" },
        report.documents,
        if report.documents == 1 { "" } else { "s" },
        report.rows,
        if report.rows == 1 { "" } else { "s" },
    );
    if report.is_clean() {
        out.line(format!("Check OK: {counts}; the file is sound and the projection matches the documents."));
        return;
    }
    if !report.file_problems.is_empty() {
        out.line(format!(
            "SQLite's integrity check found {} problem(s) in the store file:",
            report.file_problems.len()
        ));
        let mut table = Table::new(&["OBJECT", "PROBLEM"]);
        for p in &report.file_problems {
            table.row(vec![p.object.clone().unwrap_or_else(|| "-".into()), p.message.clone()]);
        }
        out.table(&table, "");
    }
    if report.differences.is_empty() {
        return;
    }
    out.line(format!("Check found {} difference(s) in {counts}:", report.differences.len()));
    let mut table = Table::new(&["TABLE", "KEY", "STORED", "REBUILT"]);
    for d in &report.differences {
        table.row(vec![
            d.table.clone(),
            d.key.clone(),
            d.stored.clone().unwrap_or_else(|| "(missing)".into()),
            d.rebuilt.clone().unwrap_or_else(|| "(should not exist)".into()),
        ]);
    }
    out.table(&table, "");
}
