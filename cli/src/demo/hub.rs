//! The demo's last chapters: a hub in the barn and a bundle on a USB stick.
//!
//! Every device now runs a real iroh endpoint (a [`SyncService`] in this process, on
//! loopback so the demo needs no network): Anna books offline and later passes the hub, Erik
//! (whose phone never meets Anna's) passes the hub and sees her booking, a visitor's phone is
//! refused. Then Karin carries a bundle file to a computer that is never online.

use std::path::Path;
use std::sync::Arc;

use delbar_core::Store;
use delbar_core::domain::{Item, Role};
use delbar_core::ids::GroupId;
use delbar_core::net::{BindMode, SyncConfig, SyncService};
use delbar_core::store::ItemFilter;
use delbar_core::sync::{export_bundle, import_bundle, read_bundle};
use delbar_core::time::{Clock, Timestamp};
use serde_json::Value;

use super::{Story, all_bookings, at_in, book, item_named, merged, when};
use crate::commands::sync::{plural, session_text};
use crate::error::{CliError, CliResult};
use crate::json;
use crate::net::service;
use crate::output::Text;

/// An instant in December 2026 given in Swedish time.
fn dec(day: u32, hour: u32, minute: u32) -> CliResult<Timestamp> {
    at_in(12, day, hour, minute)
}

/// A device of these chapters: a label and its running sync service.
struct Node {
    label: &'static str,
    service: SyncService,
}

impl Node {
    fn start(label: &'static str, store: Store) -> CliResult<Self> {
        let config = SyncConfig { bind: BindMode::Loopback, mdns: false, ..SyncConfig::default() };
        let service = SyncService::start(Arc::new(std::sync::Mutex::new(store)), config)?;
        Ok(Node { label, service })
    }

    /// One session with `other`, dialled by this device; what it did, as a clause.
    fn sync_with(&self, other: &Node, g: &GroupId) -> CliResult<String> {
        let report = self.service.sync_with(other.service.addr()?, g)?;
        let m = &report.merged;
        Ok(if report.documents_differing == 0 {
            session_text(&report)
        } else {
            format!(
                "{} document{} differed, {} changed here, {} record{} updated",
                report.documents_differing,
                plural(report.documents_differing),
                m.documents_changed,
                m.entities_updated,
                plural(m.entities_updated)
            )
        })
    }
}

/// Chapters 16 and 17; returns their text and a JSON summary.
pub(super) fn chapters(story: Story, dir: &Path) -> CliResult<(Text, Value)> {
    let Story { clock, karin, anna, erik, group, mut out } = story;
    let g = group.id.clone();
    let open = |file: &str| Store::open_with_clock(dir.join(file), Arc::new(clock.clone()));
    let mut karin_store = karin.store;
    let hub_store = open("barn-hub.db")?;
    let library_store = open("library-pc.db")?;

    out.blank();
    clock.set(dec(10, 18, 0)?);
    out.line(format!(
        "16. {}: a hub in the barn. Every device now runs a real iroh endpoint (loopback here).",
        when(clock.now())
    ));
    out.line("   Karin sets up a Raspberry Pi at Lövåsen (`delbar hub`) and adds it as a member's device.");
    karin_store.add_member(&g, "Ladans hub", Role::Member, Some((hub_store.device_id().clone(), "Raspberry Pi")))?;
    let heater = item_named(&karin_store.items(&g, &ItemFilter::default())?, "Växthusvärmare")?.clone();
    let karin = Node::start("Karin's laptop", karin_store)?;
    let hub = Node::start("The hub", hub_store)?;
    let anna = Node::start(anna.label, anna.store)?;
    let erik = Node::start(erik.label, erik.store)?;
    let visitor = Node::start("A visitor's phone", open("visitor-phone.db")?)?;
    out.line(format!("   The hub receives the group from Karin's laptop: {}.", hub.sync_with(&karin, &g)?));
    out.line("   A device syncs only with devices its own catalogue lists as a member's, so the phones");
    out.line("   learn of the hub at the Thursday meeting, from Karin's laptop:");
    for phone in [&anna, &erik] {
        out.line(format!("      {} -> Karin's laptop: {}.", phone.label, phone.sync_with(&karin, &g)?));
    }
    clock.set(dec(11, 7, 30)?);
    let booking = anna_books(&anna, &g, &heater)?;
    out.line(format!(
        "   {}: offline, Anna books the {} for {} to {}: {}.",
        when(booking.created),
        heater.name,
        when(booking.start),
        when(booking.end),
        booking.state
    ));
    clock.set(dec(11, 17, 10)?);
    out.line(format!(
        "   {}: {} passes the barn and syncs with the hub: {}.",
        when(clock.now()),
        anna.label,
        anna.sync_with(&hub, &g)?
    ));
    clock.set(dec(11, 19, 45)?);
    out.line(format!(
        "   {}: {}, which never meets Anna's, syncs with the hub: {}.",
        when(clock.now()),
        erik.label,
        erik.sync_with(&hub, &g)?
    ));
    let seen = service::store(&erik.service).booking(&g, &booking.id)?;
    out.line(format!(
        "   Erik's phone now shows Anna's booking of the {}, {} to {}: {}.",
        heater.name,
        when(seen.start),
        when(seen.end),
        seen.state
    ));
    let refusal = match visitor.service.sync_with(hub.service.addr()?, &g) {
        Err(e) => e.to_string(),
        Ok(_) => return Err(CliError::input("the demo expected the visitor's phone to be refused")),
    };
    out.line(format!("   {} (no member's) tries the hub and is refused, learning nothing: {refusal}.", visitor.label));
    let status = hub.service.status();
    out.line(format!(
        "   The hub served {} sessions and refused {}; Anna's and Erik's phones never dialled each other.",
        status.sessions_served, status.sessions_refused
    ));

    out.blank();
    clock.set(dec(12, 10, 0)?);
    out.line(format!(
        "17. {}: a bundle on a USB stick, for the association's computer that is never online.",
        when(clock.now())
    ));
    out.line(format!("   Karin's laptop syncs with the hub first: {}.", karin.sync_with(&hub, &g)?));
    service::store(&karin.service).add_member(
        &g,
        "Föreningsdatorn",
        Role::Member,
        Some((library_store.device_id().clone(), "Föreningens dator")),
    )?;
    out.line("   She adds the association's computer as a member's device (its id read off its screen).");
    let stick = dir.join("usb-stick");
    std::fs::create_dir_all(&stick).map_err(|e| CliError::Io(format!("cannot create the demo's USB stick: {e}")))?;
    let file = stick.join("odlingsakademin.bundle");
    let bytes = export_bundle(&service::store(&karin.service), &g, None)?;
    std::fs::write(&file, &bytes).map_err(|e| CliError::Io(format!("cannot write the demo's bundle: {e}")))?;
    let info = read_bundle(&bytes)?;
    out.line(format!(
        "   She exports everything to odlingsakademin.bundle ({} documents, checksummed, signed by her laptop).",
        info.documents.len()
    ));
    let mut library = library_store;
    let carried = std::fs::read(&file).map_err(|e| CliError::Io(format!("cannot read the demo's bundle: {e}")))?;
    let first = import_bundle(&mut library, &g, &carried)?;
    let library_bookings = all_bookings(&library, &g)?;
    let has_heater = library_bookings.iter().any(|b| b.id == booking.id);
    out.line(format!(
        "   Föreningsdatorn imports it: {}; it shows {} bookings, Anna's {} among them: {}.",
        merged(&first),
        library_bookings.len(),
        heater.name,
        if has_heater { "yes" } else { "no" }
    ));
    let again = import_bundle(&mut library, &g, &bytes)?;
    out.line(format!("   Importing the same file again changes nothing: {}.", merged(&again)));
    let mut damaged = bytes.clone();
    if let Some(b) = damaged.get_mut(first_document_middle(&bytes)) {
        *b ^= 0x40;
    }
    match import_bundle(&mut library, &g, &damaged) {
        Err(e) => out.line(format!("   A copy with one damaged byte is refused and applies nothing: {e}.")),
        Ok(_) => return Err(CliError::input("the demo expected the damaged bundle to be refused")),
    }
    if !has_heater {
        return Err(CliError::input("the demo expected Anna's booking to reach the association's computer"));
    }
    let summary = json::object(vec![
        ("hub_sessions_served", status.sessions_served.into()),
        ("hub_sessions_refused", status.sessions_refused.into()),
        ("erik_sees_annas_booking", (seen.id == booking.id).into()),
        ("bundle_documents", info.documents.len().into()),
        ("library_bookings", library_bookings.len().into()),
    ]);
    Ok((out, summary))
}

/// Anna books the heater from Saturday 08:00 to Sunday 18:00 on her phone.
fn anna_books(anna: &Node, g: &GroupId, heater: &Item) -> CliResult<delbar_core::domain::Booking> {
    book(&mut service::store(&anna.service), g, &heater.id, dec(12, 8, 0)?, dec(13, 18, 0)?, "Växthuset i frostnatten")
}

/// The offset of the middle byte of a bundle's first document (format 4: magic, version,
/// header length and header, then each record's kind byte and length), so the damage the
/// demo does falls on data the checksum covers rather than on a length.
fn first_document_middle(bundle: &[u8]) -> usize {
    let le16 = |at: usize| bundle.get(at..at + 2).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    let record = 12 + le16(10);
    let length =
        bundle.get(record + 1..record + 5).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    record + 5 + length / 2
}
