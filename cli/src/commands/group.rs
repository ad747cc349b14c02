//! `delbar group create|list|show|edit`.

use delbar_core::Store;
use delbar_core::domain::{Group, Member};
use delbar_core::store::ItemFilter;

use crate::args::GroupCommand;
use crate::context::Ctx;
use crate::datetime::local;
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Table, Text};

/// Runs a group command.
pub fn run(ctx: &mut Ctx, command: GroupCommand) -> CliResult<Outcome> {
    match command {
        GroupCommand::Create { name, description, me } => create(ctx, &name, &description, &me),
        GroupCommand::List => list(ctx),
        GroupCommand::Show => show(ctx),
        GroupCommand::Edit { name, description, pickup_hours } => {
            let group = ctx.group()?;
            let group = ctx.store.update_group(&group.id, name.as_deref(), description.as_deref(), pickup_hours)?;
            if ctx.json {
                return Ok(Outcome::json(json::group(&group)?));
            }
            let mut out = Text::new();
            out.line(format!("Updated group {}.", group.name));
            Ok(Outcome::text(out))
        }
    }
}

fn create(ctx: &mut Ctx, name: &str, description: &str, me: &str) -> CliResult<Outcome> {
    let group = ctx.store.create_group(name, description, me)?;
    let member = ctx.store.me(&group.id)?;
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![("group", json::group(&group)?), ("me", json::member(&member)?)])));
    }
    let mut out = Text::new();
    out.line(format!("Created group {} (id {}).", group.name, group.id));
    out.line(format!("You are {}, its steward (member id {}).", member.name, member.id));
    Ok(Outcome::text(out))
}

/// Counts of a group shown in lists: current members, items in the catalogue, and who this
/// device is in it.
struct Summary {
    members: usize,
    items: usize,
    me: Option<Member>,
}

fn summary(store: &Store, group: &Group) -> CliResult<Summary> {
    let members = store.members(&group.id)?.iter().filter(|m| m.is_active()).count();
    let items = store.items(&group.id, &ItemFilter { limit: 10_000, ..ItemFilter::default() })?.len();
    Ok(Summary { members, items, me: store.me(&group.id).ok() })
}

fn list(ctx: &Ctx) -> CliResult<Outcome> {
    let groups = ctx.store.groups()?;
    if ctx.json {
        let mut out = Vec::new();
        for g in &groups {
            let s = summary(&ctx.store, g)?;
            let me = match &s.me {
                Some(m) => json::member(m)?,
                None => serde_json::Value::Null,
            };
            out.push(json::object(vec![
                ("group", json::group(g)?),
                ("members", json::value(&s.members)?),
                ("items", json::value(&s.items)?),
                ("me", me),
            ]));
        }
        return Ok(Outcome::json(serde_json::Value::Array(out)));
    }
    let mut table = Table::new(&["ID", "NAME", "MEMBERS", "ITEMS", "YOU"]);
    for g in &groups {
        let s = summary(&ctx.store, g)?;
        let you = s.me.map(|m| format!("{} ({})", m.name, m.role)).unwrap_or_else(|| "not a member".into());
        table.row(vec![g.id.to_string(), g.name.clone(), s.members.to_string(), s.items.to_string(), you]);
    }
    let mut out = Text::new();
    out.table(&table, "No groups yet: create one with `delbar group create NAME --me YOUR_NAME`.");
    Ok(Outcome::text(out))
}

fn show(ctx: &Ctx) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let s = summary(&ctx.store, &group)?;
    let categories = ctx.store.categories(&group.id)?;
    let device = ctx.store.device_id().to_string();
    if ctx.json {
        let me = match &s.me {
            Some(m) => json::member(m)?,
            None => serde_json::Value::Null,
        };
        let categories: Vec<serde_json::Value> = categories
            .iter()
            .map(|(c, n)| json::object(vec![("category", c.as_str().into()), ("items", (*n).into())]))
            .collect();
        return Ok(Outcome::json(json::object(vec![
            ("group", json::group(&group)?),
            ("members", json::value(&s.members)?),
            ("items", json::value(&s.items)?),
            ("categories", serde_json::Value::Array(categories)),
            ("me", me),
            ("device_id", device.into()),
        ])));
    }
    let categories: Vec<String> = categories
        .iter()
        .map(|(c, n)| format!("{} ({n})", if c.is_empty() { "uncategorised" } else { c.as_str() }))
        .collect();
    let mut out = Text::new();
    out.fields(&[
        ("Group", group.name.clone()),
        ("Id", group.id.to_string()),
        ("Description", group.description.clone()),
        ("Created", local(group.created)),
        ("Pickup window", format!("{} h", group.pickup_window_hours)),
        ("Members", s.members.to_string()),
        ("Items", s.items.to_string()),
        ("Categories", categories.join(", ")),
        (
            "You",
            s.me.map(|m| format!("{} ({}, member id {})", m.name, m.role, m.id))
                .unwrap_or_else(|| "not a member".into()),
        ),
        ("This device", device),
    ]);
    Ok(Outcome::text(out))
}
