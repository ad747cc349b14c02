//! `delbar bundle export|import|info|heads`: a group's changes carried in a file.

use std::path::Path;

use delbar_core::ids::DeviceId;
use delbar_core::sync::{
    BundleOutline, KnownHeads, import_bundle_file, inspect_bundle_file, read_bundle_header, write_bundle_file_with,
};
use serde::{Deserialize, Serialize};

use crate::args::BundleCommand;
use crate::context::Ctx;
use crate::datetime::{local, utc_iso};
use crate::error::{CliError, CliResult};
use crate::files::{self, shown, size};
use crate::json;
use crate::output::{Outcome, Table, Text};

use super::sync::plural;

/// What `delbar bundle heads` writes: what one device holds of a group.
#[derive(Debug, Serialize, Deserialize)]
struct HeadsFile {
    /// Always `delbar-heads`.
    format: String,
    /// Format version, 1.
    version: u16,
    /// The group.
    group: String,
    /// The device that wrote it.
    device: String,
    /// Document key -> heads.
    heads: KnownHeads,
}

const HEADS_FORMAT: &str = "delbar-heads";

/// Runs a bundle command that works on the store.
pub fn run(ctx: &mut Ctx, command: BundleCommand) -> CliResult<Outcome> {
    match command {
        BundleCommand::Export { for_peer, for_device, out, with_photos } => {
            export(ctx, for_peer.as_deref(), for_device.as_deref(), &out, with_photos)
        }
        BundleCommand::Import { file } => import(ctx, &file),
        BundleCommand::Info { file } => info(&file, ctx.json),
        BundleCommand::Heads { out } => heads(ctx, &out),
    }
}

fn export(
    ctx: &Ctx,
    for_peer: Option<&Path>,
    for_device: Option<&str>,
    out_path: &Path,
    with_photos: bool,
) -> CliResult<Outcome> {
    let group = ctx.group()?;
    let mut peer = for_peer.map(read_heads).transpose()?;
    if let Some(p) = &peer
        && p.group != group.id.as_str()
    {
        return Err(CliError::input(format!(
            "the heads file is for group {}, not for {} ({})",
            p.group, group.name, group.id
        )));
    }
    if let Some(device) = for_device {
        // What this device learnt of the other from sessions and imported bundles.
        let device = DeviceId::parse_key(device)?;
        peer = Some(HeadsFile {
            format: HEADS_FORMAT.to_owned(),
            version: 1,
            group: group.id.to_string(),
            device: device.to_string(),
            heads: delbar_core::net::status::known_heads_of(&ctx.store, &group.id, &device)?,
        });
    }
    let bytes = write_bundle_file_with(&ctx.store, &group.id, peer.as_ref().map(|p| &p.heads), with_photos, out_path)?;
    // Read back as a stream: what was written verifies.
    let info = inspect_bundle_file(out_path)?;
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![
            ("file", shown(out_path).into()),
            ("bytes", bytes.into()),
            ("for_peer", peer.as_ref().map(|p| p.device.clone().into()).unwrap_or(serde_json::Value::Null)),
            ("bundle", info_json(&info)?),
            ("photo_blobs", info.photos.into()),
            ("photo_bytes", info.photo_bytes.into()),
        ])));
    }
    let mut text = Text::new();
    let what = match &peer {
        Some(p) => format!("what device {} lacks", p.device.get(..8).unwrap_or(&p.device)),
        None => "everything".to_owned(),
    };
    let n = u32::try_from(info.documents.len()).unwrap_or(u32::MAX);
    text.line(format!(
        "Wrote {} ({}): {what} of {}, {n} document{}, signed by this device ({}).",
        shown(out_path),
        size(bytes),
        group.name,
        plural(n),
        info.device.short()
    ));
    if with_photos {
        text.line(format!("It carries {} photo blobs ({}).", info.photos, size(info.photo_bytes)));
    }
    Ok(Outcome::text(text))
}

fn import(ctx: &mut Ctx, file: &Path) -> CliResult<Outcome> {
    // Only the header is read to learn the group; the import reads the file as a stream.
    let group = if ctx.has_group_arg() {
        ctx.group_id_to_receive()?
    } else {
        let reader =
            std::fs::File::open(file).map_err(|e| CliError::Io(format!("cannot read {}: {e}", shown(file))))?;
        read_bundle_header(reader)?.group
    };
    let first_contact = ctx.store.group(&group).is_err();
    let imported = import_bundle_file(&mut ctx.store, Some(&group), file)?;
    let (info, report) = (&imported, &imported.report);
    let name = ctx.store.group(&group)?.name;
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![
            ("group", group.as_str().into()),
            ("group_name", name.into()),
            ("from_device", info.device.as_str().into()),
            ("first_contact", first_contact.into()),
            ("merged", json::value(report)?),
            ("photo_blobs_kept", imported.photos_kept.into()),
        ])));
    }
    let mut text = Text::new();
    if imported.photos_kept > 0 {
        text.line(format!("Kept {} photo blobs from {}.", imported.photos_kept, shown(file)));
    }
    if report.documents_changed == 0 {
        text.line(format!("Imported {}: nothing new for {name}.", shown(file)));
    } else {
        text.line(format!(
            "Imported {} from device {} into {name}: {} document{} changed, {} record{} updated.",
            shown(file),
            info.device.short(),
            report.documents_changed,
            plural(report.documents_changed),
            report.entities_updated,
            plural(report.entities_updated)
        ));
    }
    Ok(Outcome::text(text))
}

/// `delbar bundle info FILE`: needs no store.
pub fn info(file: &Path, json_output: bool) -> CliResult<Outcome> {
    let info = inspect_bundle_file(file)?;
    if json_output {
        return Ok(Outcome::json(json::object(vec![
            ("file", shown(file).into()),
            ("bytes", info.bytes.into()),
            ("bundle", info_json(&info)?),
            ("photo_blobs", info.photos.into()),
            ("photo_bytes", info.photo_bytes.into()),
        ])));
    }
    let mut text = Text::new();
    text.fields(&[
        ("File", format!("{} ({})", shown(file), size(info.bytes))),
        ("Group", info.group.to_string()),
        ("Signed by", format!("device {} (signature and checksum verified)", info.device)),
        ("Exported", local(info.created)),
        ("Photos", format!("{} blobs ({})", info.photos, size(info.photo_bytes))),
    ]);
    let mut table = Table::new(&["DOCUMENT", "BYTES"]);
    for (key, bytes) in &info.documents {
        table.row(vec![key.clone(), bytes.to_string()]);
    }
    text.table(&table, "No documents: the device it was made for lacked nothing.");
    Ok(Outcome::text(text))
}

fn info_json(info: &BundleOutline) -> CliResult<serde_json::Value> {
    let documents: Vec<serde_json::Value> = info
        .documents
        .iter()
        .map(|(key, bytes)| json::object(vec![("key", key.as_str().into()), ("bytes", (*bytes).into())]))
        .collect();
    Ok(json::object(vec![
        ("group", info.group.as_str().into()),
        ("device", info.device.as_str().into()),
        ("created", info.created.0.into()),
        ("created_utc", utc_iso(info.created).into()),
        ("documents", json::value(&documents)?),
    ]))
}

fn heads(ctx: &Ctx, out_path: &Path) -> CliResult<Outcome> {
    let group = ctx.group_id_to_receive()?;
    let heads = KnownHeads::of(&ctx.store, &group)?;
    let documents = heads.docs.len();
    let file = HeadsFile {
        format: HEADS_FORMAT.to_owned(),
        version: 1,
        group: group.to_string(),
        device: ctx.store.device_id().to_string(),
        heads,
    };
    files::write_atomic(out_path, serde_json::to_string(&file)?.as_bytes())?;
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![
            ("file", shown(out_path).into()),
            ("group", group.as_str().into()),
            ("documents", documents.into()),
        ])));
    }
    let mut text = Text::new();
    text.line(format!(
        "Wrote {}: what this device holds of {documents} document{} of group {group}. Carry it to a device that \
         exports with `delbar bundle export --for-peer {}`.",
        shown(out_path),
        if documents == 1 { "" } else { "s" },
        shown(out_path)
    ));
    Ok(Outcome::text(text))
}

fn read_heads(path: &Path) -> CliResult<HeadsFile> {
    let bytes = files::read(path)?;
    let file: HeadsFile = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::input(format!("{} is not a heads file (`delbar bundle heads`): {e}", shown(path))))?;
    if file.format != HEADS_FORMAT || file.version != 1 {
        return Err(CliError::input(format!("{} is not a version 1 heads file (`delbar bundle heads`)", shown(path))));
    }
    Ok(file)
}
