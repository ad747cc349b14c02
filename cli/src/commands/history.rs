//! `delbar history`: the activity history, newest first, a page at a time.

use delbar_core::store::ActivityFilter;

use crate::args::HistoryArgs;
use crate::context::Ctx;
use crate::datetime::local;
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::{self, Names};

/// Runs `delbar history`.
pub fn run(ctx: &Ctx, a: &HistoryArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let filter = ActivityFilter {
        item: a.item.as_deref().map(|i| resolve::item(&ctx.store, &group.id, i)).transpose()?.map(|i| i.id),
        member: a.member.as_deref().map(|m| resolve::member(&ctx.store, &group.id, m)).transpose()?.map(|m| m.id),
    };
    let page = ctx.store.activity(&group.id, &filter, a.before.as_deref(), a.limit.max(1))?;
    let names = Names::of(&ctx.store, &group.id)?;
    if ctx.json {
        let entries = page.entries.iter().map(|e| json::activity(e, &names)).collect::<CliResult<Vec<_>>>()?;
        return Ok(Outcome::json(json::object(vec![
            ("entries", serde_json::Value::Array(entries)),
            ("next", json::value(&page.next)?),
        ])));
    }
    let mut table = Table::new(&["WHEN", "WHO", "WHAT", "DETAILS"]);
    for e in &page.entries {
        table.row(vec![local(e.at), names.member(&e.actor), e.action.to_string(), e.summary.clone()]);
    }
    let mut out = Text::new();
    out.table(&table, "No activity.");
    if let Some(next) = &page.next {
        out.blank();
        out.line(format!("Older entries: delbar history --before {next}"));
    }
    Ok(Outcome::text(out))
}
