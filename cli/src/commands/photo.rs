//! `delbar item photo add|list|get|remove`: an item's photos; `delbar booking photo`: the
//! photo taken when a booking came back.

use delbar_core::domain::{DomainError, Item};
use delbar_core::ids::{BookingId, GroupId};
use delbar_core::store::{PhotoContent, PhotoSize, PhotoState};

use crate::args::{BookingCommand, ItemPhotoCommand, PhotoOut};
use crate::context::Ctx;
use crate::error::{CliError, CliResult};
use crate::files::{self, shown, size};
use crate::json;
use crate::net::{address, service};
use crate::output::{Outcome, Table, Text};
use crate::resolve;

/// Runs a photo command on the open store (everything but `get --peer`).
pub fn run_local(ctx: &mut Ctx, group: &GroupId, command: ItemPhotoCommand) -> CliResult<Outcome> {
    match command {
        ItemPhotoCommand::Add { item, file } => {
            let item = resolve::item(&ctx.store, group, &item)?;
            let bytes = files::read(&file)?;
            let photo = ctx.store.add_item_photo(group, &item.id, &bytes)?;
            if ctx.json {
                return Ok(Outcome::json(json::object(vec![
                    ("item", item.id.as_str().into()),
                    ("photo", json::value(&photo)?),
                    ("original_bytes", (bytes.len() as u64).into()),
                ])));
            }
            let mut out = Text::new();
            out.line(format!(
                "Added photo {} to {}: {} x {} px, {} (thumbnail {}), metadata removed.",
                short(&photo.hash),
                item.name,
                photo.width,
                photo.height,
                size(photo.bytes),
                size(photo.thumbnail_bytes)
            ));
            Ok(Outcome::text(out))
        }
        ItemPhotoCommand::List { item } => {
            let item = resolve::item(&ctx.store, group, &item)?;
            let photos = ctx.store.item_photos(group, &item.id)?;
            list(ctx.json, &item, &photos)
        }
        ItemPhotoCommand::Get { item, hash, to: PhotoOut { out, thumbnail, peer: None, .. } } => {
            let item = resolve::item(&ctx.store, group, &item)?;
            let hash = photo_hash(&item, &hash)?;
            write_photo(ctx, group, &item, &hash, thumbnail, &out, None)
        }
        ItemPhotoCommand::Get { to: PhotoOut { peer: Some(_), .. }, .. } => {
            Err(CliError::input("fetching from a peer needs the network: this command does not run on an open store"))
        }
        ItemPhotoCommand::Remove { item, hash } => {
            let item = resolve::item(&ctx.store, group, &item)?;
            let hash = photo_hash(&item, &hash)?;
            let item = ctx.store.remove_item_photo(group, &item.id, &hash)?;
            if ctx.json {
                return Ok(Outcome::json(json::object(vec![
                    ("item", item.id.as_str().into()),
                    ("removed", hash.into()),
                    ("photos_left", item.photos.len().into()),
                ])));
            }
            let mut out = Text::new();
            out.line(format!("Removed photo {} from {} ({} left).", short(&hash), item.name, item.photos.len()));
            Ok(Outcome::text(out))
        }
    }
}

/// `delbar item photo get ... --peer ADDR`: starts the sync service, fetches the photo from
/// the peer if it is not here yet, and writes it.
pub fn get_from_peer(ctx: Ctx, command: ItemPhotoCommand) -> CliResult<Outcome> {
    let ItemPhotoCommand::Get { item, hash, to } = command else {
        return Err(CliError::input("not a photo fetch"));
    };
    let Some(peer) = &to.peer else { return Err(CliError::input("not a photo fetch")) };
    let peer = address::parse(peer)?;
    let group = ctx.group()?.id;
    let item = resolve::item(&ctx.store, &group, &item)?;
    let hash = photo_hash(&item, &hash)?;
    let json_output = ctx.json;
    let service = service::start(ctx.store, &to.net)?;
    let report = service.fetch_item_photo(peer, &group, &item.id, &hash, to.size())?;
    let content = service::store(&service).item_photo(&group, &item.id, &hash, to.size())?;
    let fetched = Some((report.bytes, report.elapsed));
    emit(json_output, &item.name, &hash, to.thumbnail, &to.out, content, fetched)
}

/// `delbar booking photo BOOKING --out FILE [--thumbnail]`: writes the photo taken when the
/// booking came back, if it is here.
pub fn write_return_photo(
    ctx: &Ctx,
    group: &GroupId,
    booking: &BookingId,
    thumbnail: bool,
    out: &std::path::Path,
) -> CliResult<Outcome> {
    let wanted = if thumbnail { PhotoSize::Thumbnail } else { PhotoSize::Full };
    let (hash, _) = ctx.store.return_photo_hashes(group, booking)?;
    let content = ctx.store.return_photo(group, booking, wanted)?;
    emit(ctx.json, &return_of(booking), &hash, thumbnail, out, content, None)
}

/// `delbar booking photo ... --peer ADDR`: starts the sync service, fetches the return's
/// photo (or its thumbnail) from the peer if it is not here yet, and writes it.
pub fn return_photo_from_peer(ctx: Ctx, command: BookingCommand) -> CliResult<Outcome> {
    let BookingCommand::Photo { booking, to } = command else {
        return Err(CliError::input("not a photo fetch"));
    };
    let Some(peer) = &to.peer else { return Err(CliError::input("not a photo fetch")) };
    let peer = address::parse(peer)?;
    let group = ctx.group()?.id;
    let booking = resolve::booking(&ctx.store, &group, &booking)?.id;
    let (hash, _) = ctx.store.return_photo_hashes(&group, &booking)?;
    let json_output = ctx.json;
    let service = service::start(ctx.store, &to.net)?;
    let report = service.fetch_return_photo(peer, &group, &booking, to.size())?;
    let fetched = Some((report.bytes, report.elapsed));
    let content = service::store(&service).return_photo(&group, &booking, to.size())?;
    emit(json_output, &return_of(&booking), &hash, to.thumbnail, &to.out, content, fetched)
}

/// How a return's photo is named in messages.
fn return_of(booking: &BookingId) -> String {
    format!("the return of booking {}", booking.as_str().get(..8).unwrap_or(booking.as_str()))
}

fn write_photo(
    ctx: &Ctx,
    group: &GroupId,
    item: &Item,
    hash: &str,
    thumbnail: bool,
    out: &std::path::Path,
    fetched: Option<(u64, std::time::Duration)>,
) -> CliResult<Outcome> {
    let wanted = if thumbnail { PhotoSize::Thumbnail } else { PhotoSize::Full };
    let content = ctx.store.item_photo(group, &item.id, hash, wanted)?;
    emit(ctx.json, &item.name, hash, thumbnail, out, content, fetched)
}

/// Writes a photo that is here to `out`, or says it is not here yet; `owner` names what it
/// shows (an item's name, or a booking's return).
fn emit(
    json_output: bool,
    owner: &str,
    hash: &str,
    thumbnail: bool,
    out: &std::path::Path,
    content: PhotoContent,
    fetched: Option<(u64, std::time::Duration)>,
) -> CliResult<Outcome> {
    let what = if thumbnail { "thumbnail of photo" } else { "photo" };
    let bytes = match content {
        PhotoContent::Here(bytes) => bytes,
        PhotoContent::NotHereYet => {
            let message = format!(
                "The {what} {} of {} is not here yet: fetch it with --peer ADDR from a device that has it.",
                short(hash),
                owner
            );
            let mut outcome = if json_output {
                Outcome::json(json::object(vec![("state", "not_here_yet".into()), ("photo", hash.into())]))
            } else {
                let mut text = Text::new();
                text.line(&message);
                Outcome::text(text)
            };
            outcome.problem = Some(format!("{what} not here yet"));
            return Ok(outcome);
        }
    };
    files::write_atomic(out, &bytes)?;
    if json_output {
        let mut fields = vec![
            ("state", "here".into()),
            ("photo", hash.into()),
            ("file", shown(out).into()),
            ("bytes", (bytes.len() as u64).into()),
        ];
        if let Some((fetched_bytes, elapsed)) = fetched {
            fields.push(("fetched_bytes", fetched_bytes.into()));
            fields.push(("fetch_ms", (elapsed.as_secs_f64() * 1000.0).into()));
        }
        return Ok(Outcome::json(json::object(fields)));
    }
    let mut text = Text::new();
    text.line(format!(
        "Wrote the {what} {} of {} to {} ({}).",
        short(hash),
        owner,
        shown(out),
        size(bytes.len() as u64)
    ));
    if let Some((fetched_bytes, elapsed)) = fetched
        && fetched_bytes > 0
    {
        text.line(format!("Fetched {} from the peer in {} ms.", size(fetched_bytes), elapsed.as_millis()));
    }
    Ok(Outcome::text(text))
}

fn list(json_output: bool, item: &Item, photos: &[PhotoState]) -> CliResult<Outcome> {
    if json_output {
        let rows = photos
            .iter()
            .map(|p| {
                Ok(json::object(vec![
                    ("photo", json::value(&p.photo)?),
                    ("here", p.here.into()),
                    ("thumbnail_here", p.thumbnail_here.into()),
                ]))
            })
            .collect::<CliResult<Vec<_>>>()?;
        return Ok(Outcome::json(json::object(vec![("item", item.id.as_str().into()), ("photos", rows.into())])));
    }
    let mut table = Table::new(&["Photo", "Thumbnail", "Size", "Pixels", "Here"]);
    for p in photos {
        let here = match (p.here, p.thumbnail_here) {
            (true, _) => "yes",
            (false, true) => "thumbnail only",
            (false, false) => "not here yet",
        };
        table.row(vec![
            p.photo.hash.clone(),
            short(&p.photo.thumbnail).to_owned(),
            size(p.photo.bytes),
            format!("{} x {}", p.photo.width, p.photo.height),
            here.to_owned(),
        ]);
    }
    let mut out = Text::new();
    out.line(format!("Photos of {}:", item.name));
    out.table(&table, "No photos.");
    Ok(Outcome::text(out))
}

/// The hash of the item's photo that `given` names (its hash or a prefix of at least 4).
fn photo_hash(item: &Item, given: &str) -> CliResult<String> {
    let given = given.trim().to_ascii_lowercase();
    let matches: Vec<&str> =
        item.photos.iter().map(|p| p.hash.as_str()).filter(|h| given.len() >= 4 && h.starts_with(&given)).collect();
    match matches.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(DomainError::PhotoNotOnItem { hash: given }.into()),
        _ => Err(CliError::input(format!("'{given}' names several photos of {}: give more of the hash", item.name))),
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
