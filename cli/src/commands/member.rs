//! `delbar member add|list|role|remove|qualify|add-device`.

use delbar_core::domain::Member;
use delbar_core::ids::DeviceId;

use crate::args::MemberCommand;
use crate::context::Ctx;
use crate::datetime::local;
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Table, Text};
use crate::resolve::{self, Names};

/// Runs a member command.
pub fn run(ctx: &mut Ctx, command: MemberCommand) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let (member, message) = match command {
        MemberCommand::List => return list(ctx, &group.id),
        MemberCommand::Add { name, role, device, label } => {
            let device = device.as_deref().map(DeviceId::parse_key).transpose()?;
            let m = ctx.store.add_member(&group.id, &name, role, device.map(|d| (d, label.as_str())))?;
            let message = format!("Added {} as {} (member id {}).", m.name, m.role, m.id);
            (m, message)
        }
        MemberCommand::Role { member, role } => {
            let target = resolve::member(&ctx.store, &group.id, &member)?;
            let m = ctx.store.set_role(&group.id, &target.id, role)?;
            let message = format!("{} is now {}.", m.name, m.role);
            (m, message)
        }
        MemberCommand::Remove { member } => {
            let target = resolve::member(&ctx.store, &group.id, &member)?;
            let m = ctx.store.remove_member(&group.id, &target.id)?;
            let message = format!("Removed {} from {}.", m.name, group.name);
            (m, message)
        }
        MemberCommand::Qualify { member, item, revoke } => {
            let target = resolve::member(&ctx.store, &group.id, &member)?;
            let item = resolve::item(&ctx.store, &group.id, &item)?;
            let m = ctx.store.set_qualified(&group.id, &target.id, &item.id, !revoke)?;
            let message = if revoke {
                format!("{} is no longer qualified for {}.", m.name, item.name)
            } else {
                format!("{} is qualified for {}.", m.name, item.name)
            };
            (m, message)
        }
        MemberCommand::AddDevice { member, device, label } => {
            let target = resolve::member(&ctx.store, &group.id, &member)?;
            let device = DeviceId::parse_key(&device)?;
            let m = ctx.store.add_device(&group.id, &target.id, &device, &label)?;
            let message = format!("Added device {} to {}.", device.short(), m.name);
            (m, message)
        }
    };
    if ctx.json {
        return Ok(Outcome::json(json::member(&member)?));
    }
    let mut out = Text::new();
    out.line(message);
    Ok(Outcome::text(out))
}

fn list(ctx: &Ctx, group: &delbar_core::ids::GroupId) -> CliResult<Outcome> {
    let members = ctx.store.members(group)?;
    if ctx.json {
        return Ok(Outcome::json(serde_json::Value::Array(
            members.iter().map(json::member).collect::<CliResult<Vec<_>>>()?,
        )));
    }
    let me = ctx.store.me(group).ok().map(|m| m.id);
    let names = Names::of(&ctx.store, group)?;
    let mut table = Table::new(&["ID", "NAME", "ROLE", "DEVICES", "JOINED", "STATUS", "QUALIFIED FOR"]);
    for m in &members {
        let mut row = member_row(m, me.as_ref() == Some(&m.id));
        row.push(m.qualifications.keys().map(|i| names.item(i)).collect::<Vec<_>>().join(", "));
        table.row(row);
    }
    let mut out = Text::new();
    out.table(&table, "No members.");
    Ok(Outcome::text(out))
}

fn member_row(m: &Member, is_me: bool) -> Vec<String> {
    let name = if is_me { format!("{} (you)", m.name) } else { m.name.clone() };
    let devices: Vec<String> = m
        .devices
        .iter()
        .map(|(id, d)| if d.label.is_empty() { id.short().to_owned() } else { format!("{} {}", id.short(), d.label) })
        .collect();
    let status = match m.removed {
        Some(at) => format!("removed {}", local(at)),
        None => "active".to_owned(),
    };
    vec![m.id.to_string(), name, m.role.to_string(), devices.join(", "), local(m.joined), status]
}
