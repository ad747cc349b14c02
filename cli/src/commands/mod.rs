//! One module per kind of command; each turns parsed arguments into an [`Outcome`].

pub(crate) mod booking;
pub(crate) mod bundle;
mod calendar;
pub(crate) mod check;
mod group;
mod history;
pub(crate) mod inventory;
mod invite;
pub(crate) mod item;
mod labels;
pub(crate) mod maintenance;
mod member;
pub(crate) mod notify;
pub(crate) mod photo;
mod pipe;
pub(crate) mod repair;
pub(crate) mod sync;
mod waitlist;

use crate::args::{BookingCommand, Command, ItemCommand, ItemPhotoCommand, PhotoOut};
use crate::context::Ctx;
use crate::error::CliResult;
use crate::json;
use crate::output::{Outcome, Text};

/// Runs a command that works on the store. The network commands hand the store to the
/// sync service, so they take the context.
pub fn run(mut ctx: Ctx, command: Command) -> CliResult<Outcome> {
    match command {
        Command::Address(net) => sync::address(ctx, &net),
        Command::Sync(a) => sync::sync(ctx, &a),
        Command::Invite(c) => invite::run(ctx, c),
        Command::Pipe(a) => pipe::pipe(ctx, &a),
        Command::Item(ItemCommand::Photo(c @ ItemPhotoCommand::Get { to: PhotoOut { peer: Some(_), .. }, .. })) => {
            photo::get_from_peer(ctx, c)
        }
        Command::Booking(c @ BookingCommand::Photo { to: PhotoOut { peer: Some(_), .. }, .. }) => {
            photo::return_photo_from_peer(ctx, c)
        }
        other => run_on_store(&mut ctx, other),
    }
}

fn run_on_store(ctx: &mut Ctx, command: Command) -> CliResult<Outcome> {
    match command {
        Command::Group(c) => group::run(ctx, c),
        Command::Member(c) => member::run(ctx, c),
        Command::Item(c) => item::run(ctx, c),
        Command::Book(a) => booking::book(ctx, &a),
        Command::Booking(c) => booking::run(ctx, c),
        Command::Bookings(a) => booking::list(ctx, &a),
        Command::Waitlist(c) => waitlist::run(ctx, c),
        Command::Availability(a) => booking::availability(ctx, &a),
        Command::Calendar(a) => calendar::calendar(ctx, &a),
        Command::Free(a) => calendar::free(ctx, &a),
        Command::Notifications(a) => notify::notifications(ctx, a),
        Command::Tick => notify::tick(ctx),
        Command::History(a) => history::run(ctx, &a),
        Command::Check => check::run(ctx),
        Command::Device => device(ctx),
        Command::Bundle(c) => bundle::run(ctx, c),
        Command::Maintenance(c) => maintenance::run(ctx, c),
        Command::Address(_)
        | Command::Sync(_)
        | Command::Invite(_)
        | Command::Hub(_)
        | Command::Pipe(_)
        | Command::Repair(_) => Err(crate::error::CliError::input("this command does not run on an open store")),
        Command::Demo => crate::demo::run(ctx.json),
        Command::Import(c) => inventory::import(ctx, c),
        Command::Export(a) => inventory::export(ctx, &a),
        Command::Stats(a) => inventory::stats(ctx, &a),
        Command::Label(a) => labels::label(ctx, &a),
        Command::Scan(a) => labels::scan(ctx, &a),
    }
}

/// `delbar device`: this device's id and store file.
fn device(ctx: &Ctx) -> CliResult<Outcome> {
    let id = ctx.store.device_id().to_string();
    let path = ctx.store.path().display().to_string();
    if ctx.json {
        return Ok(Outcome::json(json::object(vec![("device_id", json::value(&id)?), ("store", json::value(&path)?)])));
    }
    let mut out = Text::new();
    out.fields(&[("Device id", id), ("Store", path)]);
    Ok(Outcome::text(out))
}
