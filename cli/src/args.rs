//! The command line: global options and one subcommand per thing a steward does.

use clap::{Args, Parser, Subcommand, ValueEnum};
use delbar_core::domain::{BookingState, Condition, Role};
use std::path::PathBuf;

/// Share tools and gear in a community group, offline first.
///
/// Ids (items, bookings, members, groups) may be given by a unique prefix or suffix, or by
/// name. Booking ids begin with the time they were made: type the end of one.
/// Dates and times: 2026-11-28, 2026-11-28T09:00, "2026-11-28 09:00", RFC 3339 with an
/// offset, now, today, tomorrow; without an offset they are local time.
#[derive(Debug, Parser)]
#[command(name = "delbar", version, max_term_width = 100)]
pub struct Cli {
    /// Data directory holding delbar.db [default: $DELBAR_DATA, else $XDG_DATA_HOME/delbar,
    /// else ~/.local/share/delbar; on macOS ~/Library/Application Support/delbar]
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The group to work on (id, id prefix or name); may be left out when the store holds
    /// one group
    #[arg(long, global = true, value_name = "GROUP")]
    pub group: Option<String>,
    /// Print one JSON document instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// Run as if the device clock showed this instant (for tests and rehearsals)
    #[arg(long, global = true, hide = true, env = "DELBAR_NOW", value_name = "WHEN")]
    pub now: Option<String>,
    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per run; boxing would only add noise")]
pub enum Command {
    /// Create, list, show and edit groups
    #[command(subcommand)]
    Group(GroupCommand),
    /// Add, list and manage members
    #[command(subcommand)]
    Member(MemberCommand),
    /// The catalogue: add, edit, list, search and look after items
    #[command(subcommand)]
    Item(ItemCommand),
    /// Book an item for a window of time
    Book(BookArgs),
    /// Move a booking along: confirm, decline, cancel, check out, return, claim an offer,
    /// extend; or show it
    #[command(subcommand)]
    Booking(BookingCommand),
    /// List bookings
    Bookings(BookingsArgs),
    /// Join, show and reorder an item's waitlist
    #[command(subcommand)]
    Waitlist(WaitlistCommand),
    /// How many units of an item are free over a window (and the next free window if none)
    Availability(AvailabilityArgs),
    /// An item's busy intervals over a range, with the units taken
    Calendar(CalendarArgs),
    /// Items free for a whole window
    Free(FreeArgs),
    /// Your notifications (or a member's), and acknowledging them
    Notifications(NotificationsArgs),
    /// Create the notifications that come with time (due tomorrow, overdue, waitlist offers)
    /// and print them
    Tick,
    /// The group's activity history, newest first
    History(HistoryArgs),
    /// Check the store file (SQLite's integrity check) and rebuild the projection from the
    /// documents to compare; exits 1 on any problem or difference
    Check,
    /// Rebuild a damaged store file from its documents, keeping the device identity and
    /// every write whose document could be read (the damaged file is kept beside it)
    Repair(RepairArgs),
    /// Show this device's id (give it to a steward to be added as a member)
    Device,
    /// This device's dialable address (device id and direct addresses) for `delbar sync
    /// --peer` on another device
    Address(NetArgs),
    /// Sync the group once with another member's device (a hub, a steward's laptop) and tell
    /// what changed
    Sync(SyncArgs),
    /// Invite a new member's device with a code and its QR code, or redeem one
    #[command(subcommand)]
    Invite(InviteCommand),
    /// Carry changes in a file (USB stick, messenger): export, import, inspect
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Sync the group once over standard input and output, with `delbar pipe --answer` at
    /// the other end of any byte pipe (FIFOs, ssh, a serial line, Bluetooth RFCOMM); frames go
    /// to standard output, what happened to standard error
    Pipe(PipeArgs),
    /// Run an always-on member device (a workshop laptop, a Raspberry Pi) that syncs with
    /// every member's device that comes by; stops on Ctrl-C or SIGTERM
    Hub(HubArgs),
    /// Run a realistic scenario on a temporary store and tell what happened
    Demo,
    /// Print item labels to stick on the gear: an A4 sheet (PDF or SVG) of 24 labels a page,
    /// each with a QR code, the item's name and a code a person can type
    Label(LabelArgs),
    /// What a scanned label's text (or an item code typed from a label) offers you now:
    /// check out your booking, return a loan, or (stewards) lend it on the spot; `--do` does it
    Scan(ScanArgs),
    /// Maintenance plans (every N days, every N loans, after each loan, yearly) and what is
    /// due
    #[command(subcommand)]
    Maintenance(crate::commands::maintenance::MaintenanceCommand),
    /// Bring items in from a spreadsheet's CSV file: reports what it would do row by row and
    /// writes nothing, unless --commit
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write the items, bookings or history to a CSV file for a spreadsheet (or JSON)
    Export(ExportArgs),
    /// The steward's numbers: loans per item and month, utilisation, most and least used
    /// gear, overdue loans, items needing attention
    Stats(StatsArgs),
}

/// Options of `delbar repair`.
#[derive(Debug, Clone, Args)]
pub struct RepairArgs {
    /// Also import this bundle (from `delbar bundle export` on another device) into the
    /// repaired store, bringing back what the damaged file lost
    #[arg(long, value_name = "FILE")]
    pub from_bundle: Option<PathBuf>,
}

/// Where a photo (an item's, a return's) is written, which size, and the device to fetch it
/// from when it is not here yet.
#[derive(Debug, Clone, Args)]
pub struct PhotoOut {
    /// Where to write the JPEG
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,
    /// The thumbnail instead of the full photo
    #[arg(long)]
    pub thumbnail: bool,
    /// Fetch it from this member device (an address from `delbar address`) if it is
    /// not here yet
    #[arg(long, value_name = "ADDR")]
    pub peer: Option<String>,
    /// Network options for --peer
    #[command(flatten)]
    pub net: NetArgs,
}

impl PhotoOut {
    /// The size asked for.
    pub fn size(&self) -> delbar_core::store::PhotoSize {
        if self.thumbnail { delbar_core::store::PhotoSize::Thumbnail } else { delbar_core::store::PhotoSize::Full }
    }
}

/// Where and how this device listens and finds others.
#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Which addresses to listen on: every interface (phones on the same Wi-Fi) or loopback
    /// (this machine only)
    #[arg(long, value_enum, default_value_t = Listen::All)]
    pub listen: Listen,
    /// Find and announce devices on the local network with mDNS, so a device id alone is
    /// enough to dial [default: on with --listen all, off with --listen loopback]
    #[arg(long, overrides_with = "no_mdns")]
    pub mdns: bool,
    /// Turn mDNS off
    #[arg(long, overrides_with = "mdns")]
    pub no_mdns: bool,
    /// Reach devices that are apart through a relay: `none` (the default: local network
    /// only), `group` (the relay the group's stewards named), `public` (iroh's public relays,
    /// needs the internet) or a relay URL such as `https://relay.example.org`
    #[arg(long, default_value = "none")]
    pub relay: String,
}

/// Which addresses a device listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Listen {
    /// Every interface
    All,
    /// 127.0.0.1 only
    Loopback,
}

/// `delbar sync`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The other device's address (`delbar address` there, or a hub's address file), or its
    /// device id alone when mDNS can find it
    #[arg(long, value_name = "ADDR")]
    pub peer: String,
    /// Where this device listens while it syncs
    #[command(flatten)]
    pub net: NetArgs,
}

/// `delbar pipe`.
#[derive(Debug, Clone, Args)]
pub struct PipeArgs {
    /// Answer the session the other end starts (the other end runs `delbar pipe` without
    /// it). With --group, only that group (a full group id for a group this device does not
    /// hold yet); without, any group of this device the other end is a member's device of
    #[arg(long)]
    pub answer: bool,
    /// Give up when the other end is silent for this many seconds
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
}

/// `delbar invite ...`
#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Create an invite (stewards): prints its code and QR code, then serves on this device
    /// until every use is redeemed (or Ctrl-C)
    Create {
        /// The role the new member gets
        #[arg(long, default_value = "member", value_parser = parse_role)]
        role: Role,
        /// How long the invite works: 30m, 48h, 7d, 2w
        #[arg(long, default_value = "48h", value_name = "SPAN", value_parser = parse_span)]
        expires: Span,
        /// How many devices may redeem it
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        uses: u32,
        /// Print the invite and exit instead of serving it; it is then redeemed at a `delbar
        /// hub` running on this store, found by mDNS
        #[arg(long)]
        no_wait: bool,
        /// Where this device listens while it serves the invite
        #[command(flatten)]
        net: NetArgs,
    },
    /// Redeem an invite: join the group as a new member and receive it
    Redeem {
        /// The invite code (DELBAR1...)
        code: String,
        /// Your name as the other members will see it
        #[arg(long)]
        name: String,
        /// A label for this device ("Nils telefon")
        #[arg(long, default_value = "")]
        label: String,
        /// Where this device listens while it redeems
        #[command(flatten)]
        net: NetArgs,
    },
}

/// `delbar bundle ...`
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write the group's changes to a signed file: everything, or what a peer lacks
    Export {
        /// Only what a device lacks, by the heads file it wrote with `delbar bundle heads`
        #[arg(long, value_name = "HEADSFILE", conflicts_with = "for_device")]
        for_peer: Option<PathBuf>,
        /// Only what a device lacks as far as this one knows: from their last sync session or
        /// the last bundle imported from it (no heads file needed)
        #[arg(long = "for", value_name = "DEVICE")]
        for_device: Option<String>,
        /// The bundle file to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Carry the photos and thumbnails the group's items show (those on this device)
        #[arg(long)]
        with_photos: bool,
    },
    /// Check a bundle (group, checksum, signature, membership) and apply it; importing twice
    /// changes nothing. Without --group, the bundle's own group
    Import {
        /// The bundle file
        file: PathBuf,
    },
    /// Show what a bundle holds without applying it
    Info {
        /// The bundle file
        file: PathBuf,
    },
    /// Write what this device holds of the group (document heads) to a file, so another
    /// device exports only what this one lacks
    Heads {
        /// The heads file to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// `delbar hub`
#[derive(Debug, Args)]
pub struct HubArgs {
    /// The hub's store file [default: delbar.db in the data directory]
    #[arg(long, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// Where the hub listens
    #[command(flatten)]
    pub net: NetArgs,
    /// Where to write the hub's address for phones and scripts [default: hub.addr next to the
    /// store]
    #[arg(long, value_name = "FILE")]
    pub address_file: Option<PathBuf>,
    /// How often to log the session totals: 30s, 5m, 1h
    #[arg(long, default_value = "5m", value_name = "SPAN", value_parser = parse_span)]
    pub status_every: Span,
}

/// A span of time typed as a number and a unit, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub i64);

/// `delbar group ...`
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group with you as its first steward
    Create {
        /// The group's name
        name: String,
        /// A description
        #[arg(long, default_value = "")]
        description: String,
        /// Your name as the other members will see it
        #[arg(long, value_name = "NAME")]
        me: String,
    },
    /// List the groups on this device
    List,
    /// Show the selected group
    Show,
    /// Change the group's name, description or pickup window
    Edit {
        /// New name
        #[arg(long)]
        name: Option<String>,
        /// New description
        #[arg(long)]
        description: Option<String>,
        /// Hours a waitlist offer stays open (1 to 336)
        #[arg(long, value_name = "HOURS", allow_negative_numbers = true)]
        pickup_hours: Option<i64>,
    },
}

/// `delbar member ...`
#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Add a member (stewards)
    Add {
        /// The member's name
        name: String,
        /// Their role
        #[arg(long, default_value = "member", value_parser = parse_role)]
        role: Role,
        /// Their device's id (64 hex characters, shown by `delbar device` on their device)
        #[arg(long, value_name = "HEX")]
        device: Option<String>,
        /// A label for the device ("Anna's phone")
        #[arg(long, default_value = "", requires = "device")]
        label: String,
    },
    /// List members, current ones first
    List,
    /// Change a member's role (stewards)
    Role {
        /// The member (id, id prefix or name)
        member: String,
        /// The new role
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Remove a member (stewards)
    Remove {
        /// The member (id, id prefix or name)
        member: String,
    },
    /// Mark a member qualified for an item that requires it (stewards)
    Qualify {
        /// The member (id, id prefix or name)
        member: String,
        /// The item (id, id prefix or name)
        item: String,
        /// Take the qualification away instead
        #[arg(long)]
        revoke: bool,
    },
    /// Add a device to a member
    AddDevice {
        /// The member (id, id prefix or name)
        member: String,
        /// The device's id (64 hex characters)
        device: String,
        /// A label for the device
        #[arg(long, default_value = "")]
        label: String,
    },
}

/// `delbar item ...`
#[derive(Debug, Subcommand)]
pub enum ItemCommand {
    /// Add an item to the catalogue (stewards)
    Add {
        /// The item's name
        name: String,
        /// Its fields and loan rules
        #[command(flatten)]
        fields: ItemFields,
    },
    /// Change an item's fields (stewards)
    Edit(ItemEditArgs),
    /// List items
    List(ItemListArgs),
    /// Search items by words (case and accents do not matter; word starts match)
    Search {
        /// Words to search for
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        /// Include retired items
        #[arg(long)]
        all: bool,
        /// At most this many
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show an item with its rules, open bookings and maintenance log
    Show {
        /// The item (id, id prefix or name)
        item: String,
    },
    /// Write a maintenance-log entry (stewards)
    Maintain {
        /// The item (id, id prefix or name)
        item: String,
        /// What was done
        note: String,
        /// The item's condition afterwards [default: unchanged]
        #[arg(long, value_parser = parse_condition)]
        condition: Option<Condition>,
        /// When the work was done [default: now]
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
    /// An item's photos: add, list, get, remove
    #[command(subcommand)]
    Photo(ItemPhotoCommand),
}

/// Fields of an item, for `item add` and `item edit`.
#[derive(Debug, Args)]
pub struct ItemFields {
    /// A description
    #[arg(long)]
    pub description: Option<String>,
    /// A category ("trädgård", "verktyg")
    #[arg(long)]
    pub category: Option<String>,
    /// A tag, at most 60 characters (repeat for up to 50; on edit, replaces the tags)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Number of identical units, 1 to 10000 [add default: 1]
    #[arg(long, allow_negative_numbers = true)]
    pub quantity: Option<i64>,
    /// good, worn, needs-repair or out-of-service [add default: good]
    #[arg(long, value_parser = parse_condition)]
    pub condition: Option<Condition>,
    /// Where it is kept ("Lövåsen, ladan")
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,
    /// Latitude in degrees (with --lon)
    #[arg(long, allow_negative_numbers = true)]
    pub lat: Option<f64>,
    /// Longitude in degrees (with --lat)
    #[arg(long, allow_negative_numbers = true)]
    pub lon: Option<f64>,
    /// Who owns it: `group`, or a member lending it (id, id prefix or name)
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Makes the item a kit: a part and the units of it in one kit, ITEM or ITEM:UNITS
    /// (repeat for several; on edit, replaces the parts)
    #[arg(long = "part", value_name = "ITEM[:UNITS]")]
    pub parts: Vec<String>,
    /// Loan rules
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Loan rules of an item. Numbers may be `none` to lift a limit.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Longest loan in hours, 1 to 8760 [add default: 168]
    #[arg(long, value_name = "HOURS", value_parser = parse_limit, allow_hyphen_values = true)]
    pub max_loan_hours: Option<Limit>,
    /// How far ahead a booking may start, in days, 1 to 730 [add default: 90]
    #[arg(long, value_name = "DAYS", value_parser = parse_limit, allow_hyphen_values = true)]
    pub max_advance_days: Option<Limit>,
    /// How long before its start a booking must be made, in hours, 0 to 720 [add default: none]
    #[arg(long, value_name = "HOURS", value_parser = parse_limit, allow_hyphen_values = true)]
    pub min_notice_hours: Option<Limit>,
    /// A steward must confirm each booking (`--approval=no` to lift)
    #[arg(long, value_name = "YES|NO", num_args = 0..=1, require_equals = true, default_missing_value = "yes",
          value_parser = parse_yes_no)]
    pub approval: Option<bool>,
    /// How many bookings one member may hold at a time, 1 to 100 [add default: none]
    #[arg(long, value_name = "N", value_parser = parse_limit, allow_hyphen_values = true)]
    pub max_per_member: Option<Limit>,
    /// Minutes kept free between two loans, 0 to 10080 [add default: 0]
    #[arg(long, value_name = "MINUTES", allow_negative_numbers = true)]
    pub buffer_minutes: Option<i64>,
    /// Borrowers check the item out and in themselves (`--self-service=no` to lift)
    #[arg(long, value_name = "YES|NO", num_args = 0..=1, require_equals = true, default_missing_value = "yes",
          value_parser = parse_yes_no)]
    pub self_service: Option<bool>,
    /// Only members a steward qualified may book it (`--qualification=no` to lift; see
    /// `delbar member qualify`)
    #[arg(long, value_name = "YES|NO", num_args = 0..=1, require_equals = true, default_missing_value = "yes",
          value_parser = parse_yes_no)]
    pub qualification: Option<bool>,
}

/// A numeric limit of a loan rule, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub Option<i64>);

/// `delbar item edit`
#[derive(Debug, Args)]
pub struct ItemEditArgs {
    /// The item (id, id prefix or name)
    pub item: String,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// New fields and loan rules
    #[command(flatten)]
    pub fields: ItemFields,
    /// Remove every tag
    #[arg(long, conflicts_with = "tags")]
    pub no_tags: bool,
    /// Remove every kit part: the item is no longer a kit
    #[arg(long, conflicts_with = "parts")]
    pub no_parts: bool,
    /// Take the item out of the catalogue
    #[arg(long)]
    pub retire: bool,
    /// Bring a retired item back
    #[arg(long, conflicts_with = "retire")]
    pub unretire: bool,
}

/// `delbar item list`
#[derive(Debug, Args)]
pub struct ItemListArgs {
    /// Only this category
    #[arg(long)]
    pub category: Option<String>,
    /// Only items with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only items in this condition
    #[arg(long, value_parser = parse_condition)]
    pub condition: Option<Condition>,
    /// Only items whose location contains these words
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,
    /// Include retired items
    #[arg(long)]
    pub all: bool,
    /// At most this many
    #[arg(long, default_value_t = 1000)]
    pub limit: u32,
}

/// `delbar book`
#[derive(Debug, Args)]
pub struct BookArgs {
    /// The item (id, id prefix or name)
    pub item: String,
    /// When the loan starts
    #[arg(long, value_name = "WHEN")]
    pub from: String,
    /// When the loan ends (a date alone: the end of that day)
    #[arg(long, value_name = "WHEN")]
    pub to: String,
    /// Units to book (1 to 10000, and at most the item's quantity)
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub units: i64,
    /// A note for the steward
    #[arg(long, default_value = "")]
    pub note: String,
    /// Book on behalf of this member (stewards; id, id prefix or name)
    #[arg(long = "for", value_name = "MEMBER")]
    pub for_member: Option<String>,
}

/// `delbar booking ...`
#[derive(Debug, Subcommand)]
pub enum BookingCommand {
    /// Confirm a requested booking (stewards)
    Confirm {
        /// The booking (id or id prefix)
        booking: String,
    },
    /// Decline a requested booking (stewards)
    Decline {
        /// The booking (id or id prefix)
        booking: String,
    },
    /// Call a booking off
    Cancel {
        /// The booking (id or id prefix)
        booking: String,
    },
    /// Hand the gear out
    #[command(alias = "check-out")]
    Checkout {
        /// The booking (id or id prefix)
        booking: String,
    },
    /// Take the gear back, saying what condition it came back in
    #[command(alias = "checkin", alias = "check-in")]
    Return {
        /// The booking (id or id prefix)
        booking: String,
        /// The condition it came back in: good, worn, needs-repair (no new bookings until
        /// maintenance is logged), out-of-service (its upcoming bookings are bumped)
        #[arg(long, value_parser = parse_condition)]
        condition: Option<Condition>,
        /// What was noticed ("the chain is blunt")
        #[arg(long, requires = "condition")]
        note: Option<String>,
        /// A photo of it (JPEG, PNG or WebP): stored like an item's photo, metadata
        /// removed; its thumbnail reaches every member with sync
        #[arg(long, value_name = "FILE", requires = "condition")]
        photo: Option<std::path::PathBuf>,
    },
    /// Write the photo taken when a booking came back
    Photo {
        /// The booking (id or id prefix)
        booking: String,
        /// Where to write it, and where from
        #[command(flatten)]
        to: PhotoOut,
    },
    /// Take the units a waitlist offer holds for you
    Claim {
        /// The waitlisted booking (id or id prefix)
        booking: String,
    },
    /// Move a loan's end (later to extend it, earlier to shorten it)
    Extend {
        /// The booking (id or id prefix)
        booking: String,
        /// The new end (a date alone: the end of that day)
        #[arg(long, value_name = "WHEN")]
        to: String,
    },
    /// Show one booking
    Show {
        /// The booking (id or id prefix)
        booking: String,
    },
}

/// `delbar bookings`
#[derive(Debug, Args)]
pub struct BookingsArgs {
    /// Only bookings of this item (id, id prefix or name)
    #[arg(long)]
    pub item: Option<String>,
    /// Only bookings of this member (id, id prefix or name)
    #[arg(long)]
    pub member: Option<String>,
    /// Only bookings in this state (repeat for several): requested, confirmed, declined,
    /// cancelled, checked-out, returned, waitlisted, bumped
    #[arg(long, value_parser = parse_state)]
    pub state: Vec<BookingState>,
    /// Only bookings still holding units (requested, confirmed, checked out)
    #[arg(long, conflicts_with = "state")]
    pub open: bool,
    /// Only gear that is out and past its end
    #[arg(long, conflicts_with_all = ["state", "open"])]
    pub overdue: bool,
    /// Only bookings ending after this
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,
    /// Only bookings starting before this (a date alone: the end of that day)
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,
    /// At most this many
    #[arg(long, default_value_t = 1000)]
    pub limit: u32,
}

/// `delbar availability`
#[derive(Debug, Args)]
pub struct AvailabilityArgs {
    /// The item (id, id prefix or name)
    pub item: String,
    /// Window start
    #[arg(long, value_name = "WHEN")]
    pub from: String,
    /// Window end (a date alone: the end of that day)
    #[arg(long, value_name = "WHEN")]
    pub to: String,
}

/// `delbar waitlist ...`
#[derive(Debug, Subcommand)]
pub enum WaitlistCommand {
    /// Wait for an item that has no free units over a window; you are offered the units
    /// when they free up
    Join(BookArgs),
    /// An item's waitlist in queue order, with the offer standing now
    Show {
        /// The item (id, id prefix or name)
        item: String,
    },
    /// Move a waiting booking to a place in its item's queue (stewards)
    Move {
        /// The waitlisted booking (id or id prefix)
        booking: String,
        /// Its new place, from 1 to the number of bookings waiting
        #[arg(allow_negative_numbers = true)]
        position: i64,
    },
}

/// `delbar calendar`
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The item (id, id prefix or name)
    pub item: String,
    /// Range start
    #[arg(long, value_name = "WHEN")]
    pub from: String,
    /// Range end (a date alone: the end of that day)
    #[arg(long, value_name = "WHEN")]
    pub to: String,
}

/// `delbar free`
#[derive(Debug, Args)]
pub struct FreeArgs {
    /// Window start
    #[arg(long, value_name = "WHEN")]
    pub from: String,
    /// Window end (a date alone: the end of that day)
    #[arg(long, value_name = "WHEN")]
    pub to: String,
    /// Only this category
    #[arg(long)]
    pub category: Option<String>,
    /// At least this many units free (1 to 10000)
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub units: i64,
}

/// `delbar notifications`
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct NotificationsArgs {
    /// Acknowledge notifications
    #[command(subcommand)]
    pub command: Option<NotificationsCommand>,
    /// Include acknowledged ones
    #[arg(long)]
    pub all: bool,
    /// A member's notifications instead of yours (id, id prefix or name)
    #[arg(long)]
    pub member: Option<String>,
}

/// `delbar notifications ack`
#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// Mark notifications read; they no longer show as pending
    Ack {
        /// Notification ids (the ID column of `delbar notifications`)
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<i64>,
        /// Every pending notification of yours (or of --member)
        #[arg(long)]
        all: bool,
        /// With --all: a member's notifications instead of yours
        #[arg(long, requires = "all")]
        member: Option<String>,
    },
}

/// `delbar history`
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only entries about this item (id, id prefix or name)
    #[arg(long)]
    pub item: Option<String>,
    /// Only entries by or about this member (id, id prefix or name)
    #[arg(long, conflicts_with = "item")]
    pub member: Option<String>,
    /// Entries per page
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Continue after this cursor (printed at the end of the previous page)
    #[arg(long, value_name = "CURSOR")]
    pub before: Option<String>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("'{}' is not a role; use steward or member", crate::escape::echo(s)))
}

fn parse_condition(s: &str) -> Result<Condition, String> {
    Condition::parse(s).ok_or_else(|| {
        format!("'{}' is not a condition; use good, worn, needs-repair or out-of-service", crate::escape::echo(s))
    })
}

fn parse_state(s: &str) -> Result<BookingState, String> {
    BookingState::parse(&s.trim().to_ascii_lowercase().replace(['-', ' '], "_")).ok_or_else(|| {
        format!(
            "'{}' is not a booking state; use requested, confirmed, declined, cancelled, checked-out, \
             returned, waitlisted or bumped",
            crate::escape::echo(s)
        )
    })
}

fn parse_span(s: &str) -> Result<Span, String> {
    let t = s.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit_ms: i64 = match unit.trim() {
        "s" | "sec" | "secs" => 1_000,
        "m" | "min" | "mins" => 60_000,
        "h" | "hour" | "hours" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        "w" | "week" | "weeks" => 604_800_000,
        _ => {
            return Err(format!(
                "'{}' is not a span; use a number and s, m, h, d or w (48h, 7d)",
                crate::escape::echo(s)
            ));
        }
    };
    match number.parse::<i64>().ok().and_then(|n| n.checked_mul(unit_ms)) {
        Some(ms) if ms > 0 => Ok(Span(ms)),
        _ => Err(format!(
            "'{}' is not a positive span; use a number and s, m, h, d or w (48h, 7d)",
            crate::escape::echo(s)
        )),
    }
}

fn parse_limit(s: &str) -> Result<Limit, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "none" | "no" | "off" | "unlimited" => Ok(Limit(None)),
        n => n
            .parse::<i64>()
            .map(|n| Limit(Some(n)))
            .map_err(|_| format!("'{}' is not a whole number or `none`", crate::escape::echo(s))),
    }
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "on" | "1" => Ok(true),
        "no" | "n" | "false" | "off" | "0" => Ok(false),
        _ => Err(format!("'{}' is not yes or no", crate::escape::echo(s))),
    }
}

/// `delbar item photo ...`
#[derive(Debug, Subcommand)]
pub enum ItemPhotoCommand {
    /// Add a photo to an item (stewards): a JPEG, PNG or WebP file of at most 12 MB; its
    /// metadata (EXIF with GPS, XMP) is removed and a thumbnail made
    Add {
        /// The item (id, id prefix or name)
        item: String,
        /// The image file
        file: std::path::PathBuf,
    },
    /// List an item's photos: hash, thumbnail hash, size, dimensions, whether each is here
    List {
        /// The item (id, id prefix or name)
        item: String,
    },
    /// Write a photo (or its thumbnail) to a file; with --peer, fetch it from that device
    /// first when it is not here yet
    Get {
        /// The item (id, id prefix or name)
        item: String,
        /// The photo's hash (or a prefix of it, as `item photo list` shows)
        hash: String,
        /// Where to write it, and where from
        #[command(flatten)]
        to: PhotoOut,
    },
    /// Remove a photo from an item (stewards); photos no item references are then deleted
    Remove {
        /// The item (id, id prefix or name)
        item: String,
        /// The photo's hash (or a prefix of it)
        hash: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn rule_flags_read_yes_no_and_none() {
        let cli = Cli::try_parse_from([
            "delbar",
            "item",
            "edit",
            "abc",
            "--approval",
            "--self-service=no",
            "--max-loan-hours",
            "none",
            "--lat",
            "-12.5",
        ])
        .unwrap();
        let Command::Item(ItemCommand::Edit(edit)) = cli.command else { panic!("not an edit") };
        assert_eq!(edit.fields.rules.approval, Some(true));
        assert_eq!(edit.fields.rules.self_service, Some(false));
        assert_eq!(edit.fields.rules.max_loan_hours, Some(Limit(None)));
        assert_eq!(edit.fields.lat, Some(-12.5));
    }

    #[test]
    fn spans_read_units_and_refuse_nonsense() {
        assert_eq!(parse_span("48h"), Ok(Span(48 * 3_600_000)));
        assert_eq!(parse_span("7d"), Ok(Span(7 * 86_400_000)));
        assert_eq!(parse_span(" 30M "), Ok(Span(30 * 60_000)));
        for bad in ["", "h", "0h", "-1h", "5", "5y", "99999999999999999w"] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mdns_follows_the_listen_mode_unless_told() {
        let net = |args: &[&str]| {
            let mut all = vec!["delbar", "address"];
            all.extend_from_slice(args);
            let Command::Address(net) = Cli::try_parse_from(all).unwrap().command else { panic!("not address") };
            net.config()
        };
        assert!(net(&[]).mdns);
        assert!(!net(&["--listen", "loopback"]).mdns);
        assert!(net(&["--listen", "loopback", "--mdns"]).mdns);
        assert!(!net(&["--no-mdns"]).mdns);
    }
}

/// `delbar label`.
#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Items to label (id, id prefix or name)
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub items: Vec<String>,
    /// Every item that is not retired
    #[arg(long)]
    pub all: bool,
    /// The file to write: `labels.pdf` (every page in one file) or `labels.svg` (one file a
    /// page: `labels.svg`, `labels-2.svg`, ...)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `delbar scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The text a scanner read from a label (`DELBAR:...`), or the code printed under the QR
    /// (`X9D4-T0BC`, any case)
    pub text: String,
    /// Do what the scan offers: the first action listed, or the one named
    #[arg(long = "do", value_enum, value_name = "ACTION", num_args = 0..=1, default_missing_value = "first")]
    pub perform: Option<ScanDo>,
    /// Walk-up loan: the member who borrows (default: you)
    #[arg(long = "for", value_name = "MEMBER")]
    pub for_member: Option<String>,
    /// Walk-up loan: units to lend (1 to 10000) [default: 1]
    #[arg(long, allow_negative_numbers = true)]
    pub units: Option<i64>,
    /// Walk-up loan: when it is due back [default: the end the scan offers]
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
}

/// Which offered action `delbar scan --do` performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanDo {
    /// The first action listed
    First,
    /// Check out a booking that starts within the pickup window
    Checkout,
    /// Take back a loan
    Return,
    /// A steward's walk-up loan: book from now and check out in one step
    WalkUp,
}

/// `delbar import ...`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Items from a CSV file (comma or semicolon, UTF-8 or Windows-1252, headers in English,
    /// Swedish or Norwegian). A row updates the item with its id or, without one, with the
    /// same name, else adds one
    Items(ImportItemsArgs),
}

/// `delbar import items`
#[derive(Debug, Args)]
pub struct ImportItemsArgs {
    /// The CSV file
    pub file: PathBuf,
    /// Write the items (stewards), all or nothing; without it nothing is written
    #[arg(long)]
    pub commit: bool,
}

/// What `delbar export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportWhat {
    /// The catalogue (not retired items), with the columns `import items` reads
    Items,
    /// Bookings, by start
    Bookings,
    /// The activity history, oldest first
    History,
}

/// The file format of `delbar export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// CSV, UTF-8 with a byte-order mark
    Csv,
    /// A JSON array of objects
    Json,
}

/// The separator of an exported CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Separator {
    /// `,`
    Comma,
    /// `;` (what Excel expects in Swedish and Norwegian settings)
    Semicolon,
}

/// `delbar export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub what: ExportWhat,
    /// The file to write
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The file format [default: json for a .json file, else csv]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// The CSV separator
    #[arg(long, value_enum, default_value_t = Separator::Comma)]
    pub separator: Separator,
    /// Only bookings starting, or history from, this instant on
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,
    /// Only bookings starting, or history, before this instant (a date alone: the end of
    /// that day)
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,
}

/// `delbar stats`
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Window start [default: the first day of the month eleven months ago]
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,
    /// Window end (a date alone: the end of that day) [default: now]
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,
    /// Also draw loans per month as an SVG bar chart into this file
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}
