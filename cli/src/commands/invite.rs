//! `delbar invite create|redeem`: a code (and its QR code) that lets a new device join.
//!
//! Creating serves the invite from this device until every use is redeemed, since the code
//! names this device's address: the CLI process is the device that answers. With
//! `--no-wait` the code names the device id alone, for a `delbar hub` on the same store that
//! mDNS finds.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::time::Duration;

use delbar_core::domain::Role;
use delbar_core::ids::MemberId;
use delbar_core::net::{Invite, create_invite};
use iroh::EndpointAddr;

use crate::args::{InviteCommand, NetArgs, Span};
use crate::context::Ctx;
use crate::datetime::{local, utc_iso};
use crate::error::CliResult;
use crate::json;
use crate::net::service;
use crate::output::{self, Outcome, Output, Text};
use crate::stop::{self, Stopped};

/// Runs an invite command.
pub fn run(ctx: Ctx, command: InviteCommand) -> CliResult<Outcome> {
    match command {
        InviteCommand::Create { role, expires, uses, no_wait, net } => create(ctx, role, expires, uses, no_wait, &net),
        InviteCommand::Redeem { code, name, label, net } => redeem(ctx, &code, &name, &label, &net),
    }
}

fn create(ctx: Ctx, role: Role, expires: Span, uses: u32, no_wait: bool, net: &NetArgs) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let json_output = ctx.json;
    let before: BTreeSet<MemberId> = ctx.store.members(&group.id)?.into_iter().map(|m| m.id).collect();
    let until = ctx.now().plus_ms(expires.0);
    let service = service::start(ctx.store, net)?;
    let live = service.addr()?;
    let inviter = if no_wait { EndpointAddr::new(live.id) } else { live };
    let invite = create_invite(&service::store(&service), &group.id, inviter, role, until, uses)?;
    let code = invite.to_code()?;
    let version = invite.qr_version()?;
    let first = if json_output {
        Output::Json(json::object(vec![
            ("code", code.as_str().into()),
            ("group", group.id.as_str().into()),
            ("group_name", group.name.as_str().into()),
            ("role", role.as_str().into()),
            ("expires", until.0.into()),
            ("expires_utc", utc_iso(until).into()),
            ("uses", uses.into()),
            ("code_length", code.len().into()),
            ("qr_version", version.into()),
            ("serving", (!no_wait).into()),
        ]))
    } else {
        let mut out = Text::new();
        out.line(format!(
            "Invite to {} as {role}, valid until {}, for {uses} device{}.",
            group.name,
            local(until),
            if uses == 1 { "" } else { "s" }
        ));
        out.line(format!("Code ({} characters, QR version {version} at error correction M):", code.len()));
        out.line(&code);
        out.blank();
        out.block(&invite.qr_text()?);
        out.blank();
        if no_wait {
            out.line("Redeem it while a `delbar hub` runs on this store with mDNS, on the same network.");
        } else {
            out.line("Serving the invite on this device until it is redeemed (Ctrl-C to stop)...");
        }
        Output::Text(out.as_str().to_owned())
    };
    if no_wait {
        return Ok(Outcome { output: first, problem: None });
    }
    output::print(&first);
    // Done when every use joined the group and received it (each new device runs one sync
    // session right after it is welcomed), or when the invite expires.
    let stopped = stop::every_until_stopped(Duration::from_millis(100), || {
        let store = service::store(&service);
        let joined = store.members(&group.id).map(|m| m.len().saturating_sub(before.len())).unwrap_or(0);
        let synced = usize::try_from(service.status().sessions_served).unwrap_or(usize::MAX);
        if joined >= uses as usize && synced >= joined {
            return ControlFlow::Break(true);
        }
        if store.now() >= until { ControlFlow::Break(false) } else { ControlFlow::Continue(()) }
    })?;
    let store = service::store(&service);
    let joined: Vec<String> = store
        .members(&group.id)?
        .into_iter()
        .filter(|m| !before.contains(&m.id))
        .map(|m| format!("{} ({})", m.name, m.role))
        .collect();
    drop(store);
    let mut out = Text::new();
    if !json_output {
        out.line(match stopped {
            Stopped::Done(true) => format!("Redeemed: {} joined {}.", joined.join(", "), group.name),
            Stopped::Done(false) => "The invite expired.".to_owned(),
            Stopped::Signal(_) if joined.is_empty() => "Stopped; nobody redeemed the invite.".to_owned(),
            Stopped::Signal(_) => format!("Stopped; {} joined {}.", joined.join(", "), group.name),
        });
    }
    Ok(Outcome::text(out))
}

fn redeem(ctx: Ctx, code: &str, name: &str, label: &str, net: &NetArgs) -> CliResult<Outcome> {
    let invite = Invite::parse(code)?;
    let json_output = ctx.json;
    let service = service::start(ctx.store, net)?;
    let group_id = service.redeem(&invite, name, label)?;
    let store = service::store(&service);
    let group = store.group(&group_id)?;
    let me = store.me(&group_id)?;
    let items = store.items(&group_id, &delbar_core::store::ItemFilter::default())?.len();
    let members = store.members(&group_id)?.len();
    if json_output {
        return Ok(Outcome::json(json::object(vec![
            ("group", json::group(&group)?),
            ("me", json::member(&me)?),
            ("items", items.into()),
            ("members", members.into()),
        ])));
    }
    let mut out = Text::new();
    out.line(format!(
        "Joined {} as {} ({}); received {items} items and {members} members.",
        group.name, me.name, me.role
    ));
    Ok(Outcome::text(out))
}
