//! `delbar address` and `delbar sync`: this device's address, and one session with another
//! member's device over iroh.

use delbar_core::sync::SessionReport;

use crate::args::{NetArgs, SyncArgs};
use crate::context::Ctx;
use crate::error::CliResult;
use crate::files::size;
use crate::json;
use crate::net::{address, service};
use crate::output::{Outcome, Text};

/// `delbar address`: binds this device's endpoint and prints the address it has.
pub fn address(ctx: Ctx, net: &NetArgs) -> CliResult<Outcome> {
    let json_output = ctx.json;
    let service = service::start(ctx.store, net)?;
    let addr = service.addr()?;
    let text = address::to_text(&addr)?;
    let device = address::device_of(&addr);
    let direct = address::ip_addrs(&addr);
    if json_output {
        return Ok(Outcome::json(json::object(vec![
            ("address", text.into()),
            ("device_id", device.as_str().into()),
            ("direct_addresses", json::value(&direct)?),
            ("listen", net.describe().into()),
        ])));
    }
    let mut out = Text::new();
    out.fields(&[
        ("Address", text),
        ("Device id", device.to_string()),
        ("Listening", net.describe()),
        ("Direct", direct.join(", ")),
    ]);
    out.blank();
    out.line("The ports change every time Delbar starts on this device: a running `delbar hub` writes");
    out.line("its current address to its address file. With mDNS on the same network the device id");
    out.line("alone is enough: `delbar sync --peer <device id>`.");
    Ok(Outcome::text(out))
}

/// `delbar sync --peer ADDR`: one session for the group with the device at `ADDR`.
pub fn sync(ctx: Ctx, args: &SyncArgs) -> CliResult<Outcome> {
    let peer = address::parse(&args.peer)?;
    let group = ctx.group_id_to_receive()?;
    let first_contact = ctx.store.group(&group).is_err();
    let json_output = ctx.json;
    let service = service::start(ctx.store, &args.net)?;
    let report = service.sync_with(peer.clone(), &group)?;
    let name = service::store(&service).group(&group)?.name;
    let peer_id = address::device_of(&peer);
    if json_output {
        return Ok(Outcome::json(json::object(vec![
            ("group", group.as_str().into()),
            ("group_name", name.into()),
            ("peer", peer_id.as_str().into()),
            ("first_contact", first_contact.into()),
            ("documents_differing", report.documents_differing.into()),
            ("change_bytes_sent", report.change_bytes_sent.into()),
            ("change_bytes_received", report.change_bytes_received.into()),
            ("merged", json::value(&report.merged)?),
        ])));
    }
    let mut out = Text::new();
    if first_contact {
        out.line(format!("Received the group {name} from device {}.", peer_id.short()));
    }
    out.line(format!("Synced {name} with device {}: {}.", peer_id.short(), session_text(&report)));
    Ok(Outcome::text(out))
}

/// What a session did, in one clause: `already in step`, or what travelled and changed.
pub fn session_text(report: &SessionReport) -> String {
    if report.documents_differing == 0 {
        return "already in step, nothing to exchange".to_owned();
    }
    let m = &report.merged;
    format!(
        "{} document{} differed; sent {}, received {}; {} document{} changed here, {} record{} updated",
        report.documents_differing,
        plural(report.documents_differing),
        size(report.change_bytes_sent),
        size(report.change_bytes_received),
        m.documents_changed,
        plural(m.documents_changed),
        m.entities_updated,
        plural(m.entities_updated)
    )
}

/// `s` unless `n` is 1.
pub fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}
