//! `delbar calendar` (an item's busy intervals) and `delbar free` (what is free for a window).

use delbar_core::domain::limits;

use crate::args::{CalendarArgs, FreeArgs};
use crate::commands::item::condition_text;
use crate::context::Ctx;
use crate::datetime::{Edge, local};
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve;

/// `delbar calendar ITEM --from --to`.
pub fn calendar(ctx: &Ctx, a: &CalendarArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let item = resolve::item(&ctx.store, &group.id, &a.item)?;
    let (start, end) = (ctx.when(&a.from, Edge::Start)?, ctx.when(&a.to, Edge::End)?);
    let busy = ctx.store.calendar(&group.id, &item.id, start, end)?;
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![
            ("item", item.id.as_str().into()),
            ("item_name", item.name.as_str().into()),
            ("quantity", item.quantity.into()),
            ("window", json::window((start, end))),
            ("busy", json::busy(&busy, item.quantity)?),
        ])));
    }
    let mut out = Text::new();
    out.line(format!(
        "{} ({} unit{}) from {} to {}:",
        item.name,
        item.quantity,
        if item.quantity == 1 { "" } else { "s" },
        local(start),
        local(end)
    ));
    let mut table = Table::new(&["FROM", "TO", "BOOKED", "FREE"]);
    for b in &busy {
        table.row(vec![
            local(b.start),
            local(b.end),
            b.units.to_string(),
            item.quantity.saturating_sub(b.units).to_string(),
        ]);
    }
    out.table(&table, "Nothing booked: every unit is free.");
    Ok(Outcome::text(out))
}

/// `delbar free --from --to [--category C] [--units N]`.
pub fn free(ctx: &Ctx, a: &FreeArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let (start, end) = (ctx.when(&a.from, Edge::Start)?, ctx.when(&a.to, Edge::End)?);
    let items = ctx.store.free_items(&group.id, a.category.as_deref(), start, end, limits::units(a.units)?)?;
    if ctx.json {
        let list = items
            .iter()
            .map(|(item, free)| {
                let mut v = json::item(item)?;
                if let serde_json::Value::Object(map) = &mut v {
                    map.insert("free_units".into(), (*free).into());
                }
                Ok(v)
            })
            .collect::<CliResult<Vec<_>>>()?;
        return Ok(Outcome::json(serde_json::Value::Array(list)));
    }
    let mut table = Table::new(&["ID", "NAME", "CATEGORY", "FREE", "QTY", "CONDITION", "LOCATION"]);
    for (item, free) in &items {
        table.row(vec![
            item.id.to_string(),
            item.name.clone(),
            item.category.clone(),
            free.to_string(),
            item.quantity.to_string(),
            condition_text(item.condition),
            item.location.text.clone(),
        ]);
    }
    let mut out = Text::new();
    out.line(format!("Free from {} to {}:", local(start), local(end)));
    out.table(&table, "Nothing is free for that window.");
    Ok(Outcome::text(out))
}
