//! `delbar repair`: rebuilds a damaged store file from its documents (keeping the device
//! identity and the damaged file beside it), optionally imports a bundle to bring back what
//! was lost, then checks the result. Exits 1 if the repaired store still does not check
//! clean.

use std::path::Path;

use delbar_core::Store;
use delbar_core::sync::{import_bundle_file, inspect_bundle_file};

use crate::args::RepairArgs;
use crate::commands::check::report_text;
use crate::context::{self, Ctx, STORE_FILE};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::output::{Outcome, Output, Text};

/// Runs `delbar repair` on the store of the data directory `data`.
pub fn run(data: Option<&Path>, now: Option<&str>, json_out: bool, args: &RepairArgs) -> CliResult<Outcome> {
    let path = context::data_dir(data)?.join(STORE_FILE);
    if !path.exists() {
        return Err(CliError::input(format!("there is no store to repair at {}", path.display())));
    }
    // A bundle that cannot be used is refused before the store is touched.
    let bundle = match &args.from_bundle {
        Some(file) => Some((inspect_bundle_file(file)?.group, file)),
        None => None,
    };
    let report = Store::repair(&path, context::clock(now)?)?;
    let mut ctx = Ctx::open_file(&path, None, json_out, now)?;
    let merged = match &bundle {
        Some((group, file)) => Some(import_bundle_file(&mut ctx.store, Some(group), file)?.report),
        None => None,
    };
    let check = ctx.store.check(None)?;
    let problem = (!check.is_clean()).then(|| "the repaired store does not check clean".to_owned());
    let output = if json_out {
        let mut fields = vec![("repair", json::value(&report)?), ("check", json::value(&check)?)];
        fields.push(("clean", check.is_clean().into()));
        if let Some(merged) = &merged {
            fields.push(("bundle", json::value(merged)?));
        }
        Output::Json(json::object(fields))
    } else {
        let mut out = Text::new();
        out.line(format!(
            "Repaired {}: {} rows of {} tables copied, {} group(s) rebuilt from their documents; \
             the damaged file is kept as {}.",
            path.display(),
            report.rows_copied,
            report.tables_copied,
            report.groups,
            report.damaged_copy
        ));
        if !report.unreadable_tables.is_empty() {
            out.line(format!(
                "Could not read: {}. Sync with another device or import a bundle to bring their data back.",
                report.unreadable_tables.join(", ")
            ));
        }
        if let Some(merged) = &merged {
            out.line(format!("Imported the bundle: {} document(s) changed.", merged.documents_changed));
        }
        report_text(&mut out, &check);
        Output::Text(out.as_str().to_owned())
    };
    Ok(Outcome { output, problem })
}
