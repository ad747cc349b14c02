//! `delbar item add|edit|list|search|show|maintain`.

use delbar_core::domain::{
    BookingState, Condition, DomainError, Item, ItemDraft, ItemPatch, LoanRules, Location, Owner,
};
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::store::{BookingFilter, ItemFilter};
use std::collections::BTreeMap;

use crate::args::{ItemCommand, ItemEditArgs, ItemFields, ItemListArgs, Limit, RuleArgs};
use crate::commands::booking::booking_table;
use crate::context::Ctx;
use crate::datetime::{Edge, local};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::{self, Names};

/// Runs an item command.
pub fn run(ctx: &mut Ctx, command: ItemCommand) -> CliResult<Outcome> {
    let group = ctx.group()?;
    match command {
        ItemCommand::Add { name, fields } => {
            let draft = draft(ctx, &group.id, &name, &fields)?;
            let item = ctx.store.add_item(&group.id, draft)?;
            changed(ctx, &group.id, &item, format!("Added {} (id {}).", item.name, item.id))
        }
        ItemCommand::Edit(args) => edit(ctx, &group.id, &args),
        ItemCommand::List(args) => list(ctx, &group.id, &args),
        ItemCommand::Search { words, all, limit } => {
            let filter =
                ItemFilter { text: Some(words.join(" ")), include_retired: all, limit, ..ItemFilter::default() };
            let items = ctx.store.items(&group.id, &filter)?;
            items_outcome(ctx, &items, &format!("Nothing matches '{}'.", crate::escape::echo(&words.join(" "))))
        }
        ItemCommand::Show { item } => {
            let item = resolve::item(&ctx.store, &group.id, &item)?;
            show(ctx, &group.id, &item, None)
        }
        ItemCommand::Maintain { item, note, condition, at } => {
            let item = resolve::item(&ctx.store, &group.id, &item)?;
            let at = at.map(|w| ctx.when(&w, Edge::Start)).transpose()?;
            let condition = condition.unwrap_or(item.condition);
            let item = ctx.store.log_maintenance(&group.id, &item.id, &note, condition, at)?;
            let message =
                format!("Logged maintenance on {}; its condition is {}.", item.name, condition_text(condition));
            changed(ctx, &group.id, &item, message)
        }
        ItemCommand::Photo(c) => crate::commands::photo::run_local(ctx, &group.id, c),
    }
}

/// The outcome of a write that produced an item: the item shown, after a message.
fn changed(ctx: &Ctx, group: &GroupId, item: &Item, message: String) -> CliResult<Outcome> {
    show(ctx, group, item, Some(message))
}

/// An item's current condition, with the return that reported it when it is worse than the
/// steward's.
fn condition_line(item: &Item, names: &Names) -> String {
    match &item.reported {
        Some(r) if item.current_condition() != item.condition => {
            let note = if r.note.is_empty() { String::new() } else { format!(": {}", r.note) };
            let photo = match &r.photo {
                Some(_) => format!("; photo: delbar booking photo {} --out FILE", r.booking.as_str()),
                None => String::new(),
            };
            format!(
                "{} (reported by {} at the return on {}{note}{photo})",
                condition_text(item.current_condition()),
                names.member(&r.by),
                local(r.at)
            )
        }
        _ => condition_text(item.condition),
    }
}

/// A condition as typed on the command line (`needs-repair`).
pub fn condition_text(c: Condition) -> String {
    c.as_str().replace('_', "-")
}

fn owner(ctx: &Ctx, group: &GroupId, typed: &str) -> CliResult<Owner> {
    if typed.trim().eq_ignore_ascii_case("group") {
        return Ok(Owner::Group);
    }
    Ok(Owner::Member(resolve::member(&ctx.store, group, typed)?.id))
}

/// Loan rules with the typed changes applied.
fn apply_rules(mut rules: LoanRules, a: &RuleArgs) -> CliResult<LoanRules> {
    if let Some(Limit(v)) = a.max_loan_hours {
        rules.max_loan_hours = v;
    }
    if let Some(Limit(v)) = a.max_advance_days {
        rules.max_advance_days = v;
    }
    if let Some(Limit(v)) = a.min_notice_hours {
        rules.min_notice_hours = v;
    }
    if let Some(Limit(v)) = a.max_per_member {
        rules.max_concurrent_per_member = v.map(delbar_core::domain::limits::per_member).transpose()?;
    }
    if let Some(v) = a.approval {
        rules.requires_approval = v;
    }
    if let Some(v) = a.buffer_minutes {
        rules.buffer_minutes = v;
    }
    if let Some(v) = a.self_service {
        rules.self_service = v;
    }
    if let Some(v) = a.qualification {
        rules.requires_qualification = v;
    }
    Ok(rules)
}

/// Kit parts from `--part ITEM[:UNITS]` arguments.
fn parts(ctx: &Ctx, group: &GroupId, typed: &[String]) -> CliResult<BTreeMap<ItemId, u32>> {
    let mut out = BTreeMap::new();
    for t in typed {
        // `ITEM:UNITS` when what follows the last colon is a whole number; else all of it names
        // the item. A number outside 1 to 1000 is refused, never wrapped.
        let (name, units) = t
            .rsplit_once(':')
            .and_then(|(name, n)| Some((name, n.trim().parse::<i64>().ok()?)))
            .filter(|(name, _)| !name.trim().is_empty())
            .unwrap_or((t.as_str(), 1));
        let units = u32::try_from(units)
            .ok()
            .filter(|u| (1..=delbar_core::domain::limits::MAX_UNITS_PER_PART).contains(u))
            .ok_or(DomainError::InvalidKit { reason: "each part needs 1 to 1000 units per kit" })?;
        let part = resolve::item(&ctx.store, group, name)?;
        if out.insert(part.id.clone(), units).is_some() {
            return Err(CliError::input(format!("the part {} is given twice", part.name)));
        }
    }
    Ok(out)
}

fn draft(ctx: &Ctx, group: &GroupId, name: &str, f: &ItemFields) -> CliResult<ItemDraft> {
    let defaults = ItemDraft::named(name);
    Ok(ItemDraft {
        description: f.description.clone().unwrap_or_default(),
        category: f.category.clone().unwrap_or_default(),
        tags: f.tags.clone(),
        quantity: f.quantity.unwrap_or(defaults.quantity),
        condition: f.condition.unwrap_or(defaults.condition),
        location: Location { text: f.location.clone().unwrap_or_default(), lat: f.lat, lon: f.lon },
        owner: f.owner.as_deref().map(|o| owner(ctx, group, o)).transpose()?.unwrap_or_default(),
        rules: apply_rules(defaults.rules.clone(), &f.rules)?,
        kit_parts: parts(ctx, group, &f.parts)?,
        ..defaults
    })
}

fn edit(ctx: &mut Ctx, group: &GroupId, a: &ItemEditArgs) -> CliResult<Outcome> {
    let item = resolve::item(&ctx.store, group, &a.item)?;
    let f = &a.fields;
    let location = (f.location.is_some() || f.lat.is_some() || f.lon.is_some()).then(|| Location {
        text: f.location.clone().unwrap_or_else(|| item.location.text.clone()),
        lat: f.lat.or(item.location.lat),
        lon: f.lon.or(item.location.lon),
    });
    let rules = apply_rules(item.rules.clone(), &f.rules)?;
    let patch = ItemPatch {
        name: a.name.clone(),
        description: f.description.clone(),
        category: f.category.clone(),
        tags: if a.no_tags { Some(Vec::new()) } else { (!f.tags.is_empty()).then(|| f.tags.clone()) },
        quantity: f.quantity,
        condition: f.condition,
        location,
        owner: f.owner.as_deref().map(|o| owner(ctx, group, o)).transpose()?,
        rules: (rules != item.rules).then_some(rules),
        retired: if a.retire {
            Some(true)
        } else if a.unretire {
            Some(false)
        } else {
            None
        },
        kit_parts: if a.no_parts {
            Some(BTreeMap::new())
        } else if f.parts.is_empty() {
            None
        } else {
            Some(parts(ctx, group, &f.parts)?)
        },
    };
    if patch.is_empty() {
        return Err(CliError::input("nothing to change: give a field to edit, such as --quantity or --retire"));
    }
    let updated = ctx.store.update_item(group, &item.id, &patch)?;
    let message = if updated == item {
        format!("{} already was like that.", item.name)
    } else {
        format!("Updated {}.", updated.name)
    };
    changed(ctx, group, &updated, message)
}

fn list(ctx: &Ctx, group: &GroupId, a: &ItemListArgs) -> CliResult<Outcome> {
    let filter = ItemFilter {
        category: a.category.clone(),
        tag: a.tag.clone(),
        condition: a.condition,
        location: a.location.clone(),
        include_retired: a.all,
        limit: a.limit,
        ..ItemFilter::default()
    };
    let items = ctx.store.items(group, &filter)?;
    items_outcome(ctx, &items, "No items.")
}

fn items_outcome(ctx: &Ctx, items: &[Item], empty: &str) -> CliResult<Outcome> {
    if ctx.json {
        return Ok(Outcome::json(json::items(items)?));
    }
    let mut out = Text::new();
    out.table(&item_table(items), empty);
    Ok(Outcome::text(out))
}

/// Items as a table.
pub fn item_table(items: &[Item]) -> Table {
    let mut table = Table::new(&["ID", "NAME", "CATEGORY", "QTY", "CONDITION", "LOCATION", "TAGS"]);
    for i in items {
        let name = if i.retired { format!("{} (retired)", i.name) } else { i.name.clone() };
        table.row(vec![
            i.id.to_string(),
            name,
            i.category.clone(),
            i.quantity.to_string(),
            condition_text(i.condition),
            i.location.text.clone(),
            i.tags.join(", "),
        ]);
    }
    table
}

/// The loan rules in words.
pub fn rules_text(r: &LoanRules) -> String {
    let mut parts = Vec::new();
    parts.push(match r.max_loan_hours {
        Some(h) => format!("loans up to {h} h"),
        None => "no loan limit".to_owned(),
    });
    if let Some(d) = r.max_advance_days {
        parts.push(format!("booked up to {d} days ahead"));
    }
    if let Some(h) = r.min_notice_hours {
        parts.push(format!("at least {h} h notice"));
    }
    if r.requires_approval {
        parts.push("a steward approves each booking".to_owned());
    }
    if let Some(n) = r.max_concurrent_per_member {
        parts.push(format!("at most {n} booking(s) per member"));
    }
    if r.buffer_minutes > 0 {
        parts.push(format!("{} min free between loans", r.buffer_minutes));
    }
    if r.self_service {
        parts.push("self-service".to_owned());
    }
    if r.requires_qualification {
        parts.push("qualification required".to_owned());
    }
    parts.join("; ")
}

fn location_text(l: &Location) -> String {
    match (l.lat, l.lon) {
        (Some(lat), Some(lon)) if l.text.is_empty() => format!("{lat:.5}, {lon:.5}"),
        (Some(lat), Some(lon)) => format!("{} ({lat:.5}, {lon:.5})", l.text),
        _ => l.text.clone(),
    }
}

/// Shows an item with its open bookings and maintenance log, after an optional message.
fn show(ctx: &Ctx, group: &GroupId, item: &Item, message: Option<String>) -> CliResult<Outcome> {
    let names = Names::of(&ctx.store, group)?;
    let open = ctx.store.bookings(
        group,
        &BookingFilter {
            item: Some(item.id.clone()),
            states: vec![BookingState::Requested, BookingState::Confirmed, BookingState::CheckedOut],
            limit: 1000,
            ..BookingFilter::default()
        },
    )?;
    let now = ctx.now();
    let kits: Vec<(Item, u32)> = ctx
        .store
        .items(group, &ItemFilter { include_retired: true, limit: 10_000, ..ItemFilter::default() })?
        .into_iter()
        .filter_map(|kit| kit.kit_parts.get(&item.id).copied().map(|units| (kit, units)))
        .collect();
    let mut part_list: Vec<(String, String, u32)> =
        item.kit_parts.iter().map(|(id, units)| (id.to_string(), names.item(id), *units)).collect();
    part_list.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    if ctx.json {
        let listed = |rows: Vec<(String, String, u32)>| {
            serde_json::Value::Array(
                rows.into_iter()
                    .map(|(id, name, units)| {
                        json::object(vec![("item", id.into()), ("item_name", name.into()), ("units", units.into())])
                    })
                    .collect(),
            )
        };
        let part_of: Vec<(String, String, u32)> =
            kits.iter().map(|(k, units)| (k.id.to_string(), k.name.clone(), *units)).collect();
        let log: Vec<serde_json::Value> = item
            .maintenance_log()
            .into_iter()
            .map(|e| {
                Ok(json::object(vec![
                    ("entry", json::value(e)?),
                    ("at_utc", crate::datetime::utc_iso(e.at).into()),
                    ("by_name", names.member(&e.by).into()),
                ]))
            })
            .collect::<CliResult<_>>()?;
        let mut v = json::item(item)?;
        if let serde_json::Value::Object(map) = &mut v {
            map.insert("maintenance_log".into(), serde_json::Value::Array(log));
            map.insert("open_bookings".into(), json::bookings(&open, &names, now)?);
            map.insert("parts".into(), listed(part_list));
            map.insert("part_of".into(), listed(part_of));
        }
        return Ok(Outcome::json(v));
    }
    let mut out = Text::new();
    if let Some(m) = message {
        out.line(m);
        out.blank();
    }
    let owner = match &item.owner {
        Owner::Group => "the group".to_owned(),
        Owner::Member(m) => names.member(m),
    };
    out.fields(&[
        ("Item", item.name.clone()),
        ("Id", item.id.to_string()),
        ("Description", item.description.clone()),
        ("Category", item.category.clone()),
        ("Tags", item.tags.join(", ")),
        ("Quantity", item.quantity.to_string()),
        ("Condition", condition_line(item, &names)),
        ("Location", location_text(&item.location)),
        ("Owner", owner),
        ("Photos", item.photos.iter().map(|p| p.hash.get(..12).unwrap_or(&p.hash)).collect::<Vec<_>>().join(", ")),
        ("Rules", rules_text(&item.rules)),
        ("Parts", part_list.iter().map(|(_, name, units)| format!("{units} × {name}")).collect::<Vec<_>>().join(", ")),
        (
            "Part of kits",
            kits.iter().map(|(k, units)| format!("{} ({units} per kit)", k.name)).collect::<Vec<_>>().join(", "),
        ),
        ("Retired", if item.retired { "yes".to_owned() } else { String::new() }),
        ("Added", local(item.created)),
    ]);
    out.blank();
    out.line("Open bookings:");
    out.table(&booking_table(&open, &names, now), "none");
    out.blank();
    out.line("Maintenance log:");
    let mut log = Table::new(&["WHEN", "BY", "CONDITION AFTER", "NOTE"]);
    for e in item.maintenance_log() {
        log.row(vec![local(e.at), names.member(&e.by), condition_text(e.condition_after), e.note.clone()]);
    }
    out.table(&log, "no entries");
    Ok(Outcome::text(out))
}
