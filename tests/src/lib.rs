//! Shared fixtures of the workspace integration tests: a store on a temporary SQLite file with
//! a [`ManualClock`] at a fixed instant, a group with a steward, second devices that join it,
//! and ways to look at a store from outside (every query result, every table row).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use delbar_core::domain::{
    ActivityEntry, Booking, BookingState, Bump, Group, Item, ItemDraft, LoanRules, Member, NewBooking, Role,
};
use delbar_core::ids::{BookingId, GroupId, ItemId, MemberId};
use delbar_core::store::{ActivityFilter, BookingFilter, ItemFilter, MergeReport};
use delbar_core::time::{HOUR_MS, ManualClock, Timestamp};
use delbar_core::{Result, Store};
use rusqlite::types::Value;
use tempfile::TempDir;

/// The instant every test starts at: Sunday 2026-11-22 12:00 UTC.
pub fn start() -> Timestamp {
    Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap()
}

/// `start()` plus a number of hours.
pub fn at_hours(hours: i64) -> Timestamp {
    start().plus_ms(hours * HOUR_MS)
}

/// Opens (or creates) a store at `path` reading `clock`.
pub fn open_store(path: &Path, clock: &ManualClock) -> Store {
    Store::open_with_clock(path, Arc::new(clock.clone())).unwrap()
}

/// A booking request for oneself.
pub fn request(item: &ItemId, start: Timestamp, end: Timestamp, units: i64) -> NewBooking {
    NewBooking { item: item.clone(), units, start, end, note: String::new(), for_member: None }
}

/// A group on a store in a temporary directory, made by its first steward.
pub struct Fixture {
    /// Holds the store file (and peers' files) until the fixture is dropped.
    pub dir: TempDir,
    /// The store file.
    pub path: PathBuf,
    /// The clock every store of the fixture reads.
    pub clock: ManualClock,
    /// The steward's store.
    pub store: Store,
    /// The group.
    pub group: GroupId,
    /// The steward who created the group.
    pub me: MemberId,
    peers: u32,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// A fresh store with the group "Odlingsakademin Östersund" and its steward Karin.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("steward.db");
        let clock = ManualClock::new(start());
        let mut store = open_store(&path, &clock);
        let group = store.create_group("Odlingsakademin Östersund", "Verktyg att låna", "Karin").unwrap();
        let me = store.me(&group.id).unwrap().id;
        Self { dir, path, clock, store, group: group.id, me, peers: 0 }
    }

    /// Adds an item with a name and quantity and default rules.
    pub fn item(&mut self, name: &str, quantity: i64) -> Item {
        let mut draft = ItemDraft::named(name);
        draft.quantity = quantity;
        self.store.add_item(&self.group, draft).unwrap()
    }

    /// Adds an item from a full draft.
    pub fn item_from(&mut self, draft: ItemDraft) -> Item {
        self.store.add_item(&self.group, draft).unwrap()
    }

    /// Books `units` of `item` from `from_h` to `to_h` hours after [`start()`].
    pub fn book(&mut self, item: &ItemId, from_h: i64, to_h: i64, units: i64) -> Result<Booking> {
        self.store.book(&self.group, &request(item, at_hours(from_h), at_hours(to_h), units))
    }

    /// Closes the steward's store, then opens it again from its file.
    pub fn reopen(&mut self) {
        // An in-memory store stands in while the file's store is closed.
        drop(std::mem::replace(&mut self.store, open_store(Path::new(":memory:"), &self.clock)));
        self.store = open_store(&self.path, &self.clock);
    }

    /// A new device (its own store file) that the steward adds to the group as a member
    /// named `name` with `role`, and that has received the group's documents.
    pub fn join(&mut self, name: &str, role: Role) -> Peer {
        self.peers += 1;
        let path = self.dir.path().join(format!("peer-{}.db", self.peers));
        let mut store = open_store(&path, &self.clock);
        let member =
            self.store.add_member(&self.group, name, role, Some((store.device_id().clone(), "phone"))).unwrap();
        sync(&mut self.store, &mut store, &self.group);
        assert_eq!(store.me(&self.group).unwrap().id, member.id);
        Peer { path, store, member: member.id }
    }

    /// Like [`Fixture::join`], but the new device reads its own clock (a phone whose clock
    /// is off).
    pub fn join_with_clock(&mut self, name: &str, role: Role, clock: &ManualClock) -> Peer {
        self.peers += 1;
        let path = self.dir.path().join(format!("peer-{}.db", self.peers));
        let mut store = open_store(&path, clock);
        let member =
            self.store.add_member(&self.group, name, role, Some((store.device_id().clone(), "phone"))).unwrap();
        sync(&mut self.store, &mut store, &self.group);
        Peer { path, store, member: member.id }
    }

    /// Every query result of the group on the steward's store.
    pub fn view(&self) -> View {
        view(&self.store, &self.group)
    }

    /// Every row of every table of the steward's store file.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint(&self.path)
    }

    /// Asserts the steward's store projection equals its rebuild from the documents.
    pub fn assert_clean(&mut self) {
        assert_clean(&mut self.store);
    }
}

/// Another device of the group.
pub struct Peer {
    /// Its store file.
    pub path: PathBuf,
    /// Its store.
    pub store: Store,
    /// The member it belongs to.
    pub member: MemberId,
}

/// Sends every document of `group` from one store to another.
pub fn sync(from: &mut Store, to: &mut Store, group: &GroupId) -> MergeReport {
    let export = from.export_group(group).unwrap();
    to.merge_documents(group, &export).unwrap()
}

/// Exchanges every document between all `stores` until each has what every other has
/// (twice around the ring).
pub fn exchange_all(stores: &mut [&mut Store], group: &GroupId) {
    let n = stores.len();
    for round in 0..2 * n {
        let (from, to) = (round % n, (round + 1) % n);
        let export = stores[from].export_group(group).unwrap();
        stores[to].merge_documents(group, &export).unwrap();
    }
}

/// Rules that let a booking start any time ahead and last any length (tests place
/// bookings days apart).
pub fn open_rules() -> LoanRules {
    LoanRules { max_loan_hours: None, max_advance_days: None, ..LoanRules::default() }
}

/// Every booking's resolved state and bump, by id.
pub fn resolved(store: &Store, group: &GroupId) -> BTreeMap<BookingId, (BookingState, Option<Bump>)> {
    store
        .bookings(group, &BookingFilter { limit: 10_000, ..BookingFilter::default() })
        .unwrap()
        .into_iter()
        .map(|b| (b.id, (b.state, b.bump)))
        .collect()
}

/// The rows of the projection tables (what every device must derive alike; documents,
/// device identity and notifications are device-local and left out).
pub fn projection_rows(path: &Path) -> Fingerprint {
    let mut all = fingerprint(path);
    all.retain(|table, _| delbar_core::store::schema::PROJECTION_TABLES.iter().any(|(t, _)| t == table));
    all
}

/// Asserts `check` finds the projection equal to its rebuild from the documents.
pub fn assert_clean(store: &mut Store) {
    let report = store.check(None).unwrap();
    assert!(report.is_clean(), "projection differs from its rebuild: {:#?}", report.differences);
    assert!(report.groups >= 1, "check looked at no group");
}

/// Everything the query side answers about a group.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// The group.
    pub group: Group,
    /// Members.
    pub members: Vec<Member>,
    /// Items, retired included.
    pub items: Vec<Item>,
    /// Categories with counts.
    pub categories: Vec<(String, u32)>,
    /// Bookings.
    pub bookings: Vec<Booking>,
    /// The whole history, newest first.
    pub activity: Vec<ActivityEntry>,
}

/// Reads every query result of `group`.
pub fn view(store: &Store, group: &GroupId) -> View {
    View {
        group: store.group(group).unwrap(),
        members: store.members(group).unwrap(),
        items: store
            .items(group, &ItemFilter { include_retired: true, limit: 10_000, ..ItemFilter::default() })
            .unwrap(),
        categories: store.categories(group).unwrap(),
        bookings: store.bookings(group, &BookingFilter { limit: 10_000, ..BookingFilter::default() }).unwrap(),
        activity: all_activity(store, group, &ActivityFilter::default(), 10_000),
    }
}

/// Every history entry matching `filter`, following the pages' `next` cursors.
pub fn all_activity(store: &Store, group: &GroupId, filter: &ActivityFilter, page_size: u32) -> Vec<ActivityEntry> {
    let mut out = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = store.activity(group, filter, before.as_deref(), page_size).unwrap();
        assert!(page.entries.len() <= page_size as usize);
        out.extend(page.entries);
        match page.next {
            Some(next) => before = Some(next),
            None => return out,
        }
    }
}

/// Every row of every table of a store file, read through a connection of its own.
pub type Fingerprint = BTreeMap<String, Vec<String>>;

/// Reads every row of every table in the SQLite file at `path` (the store's documents,
/// chunks, device key and projection, the search index's own tables included).
pub fn fingerprint(path: &Path) -> Fingerprint {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = BTreeMap::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let width = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let values: Vec<Value> = (0..width).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?;
                // Blobs (documents) by length and digest: printing them byte by byte is slow.
                let shown: Vec<String> = values
                    .iter()
                    .map(|v| match v {
                        Value::Blob(b) => {
                            let mut h = std::collections::hash_map::DefaultHasher::new();
                            std::hash::Hash::hash(b, &mut h);
                            format!("Blob({}, {:016x})", b.len(), std::hash::Hasher::finish(&h))
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(shown.join(" | "))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        out.insert(table, rows);
    }
    out.insert("user_version".into(), vec![user_version(&conn).to_string()]);
    out
}

/// `PRAGMA user_version` of a connection.
pub fn user_version(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

/// The schema of an SQLite file: `(type, name, sql)` of every object, sorted.
pub fn schema_of(path: &Path) -> Vec<(String, String, Option<String>)> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut rows: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT type, name, sql FROM sqlite_master")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows.sort();
    rows
}

/// The booking actions that are legal in `state`, for workloads that pick legal actions.
pub fn legal_actions(state: BookingState) -> &'static [delbar_core::domain::BookingAction] {
    use delbar_core::domain::BookingAction as A;
    match state {
        BookingState::Requested => &[A::Confirm, A::Decline, A::Cancel],
        BookingState::Confirmed => &[A::CheckOut, A::Cancel],
        BookingState::CheckedOut => &[A::Return],
        BookingState::Waitlisted | BookingState::Bumped => &[A::Cancel],
        BookingState::Declined | BookingState::Cancelled | BookingState::Returned => &[],
    }
}

/// A small seeded random number generator (SplitMix64): tests that pick random moments
/// and operations stay reproducible from their seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    /// An index below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Runs one sans-IO sync session of `group` between two stores, every message passing
/// through its wire encoding. Returns the first error either side reports (a refusal ends
/// the session; nothing of the refused message is applied).
pub fn session(a: &mut Store, b: &mut Store, group: &GroupId) -> Result<()> {
    use delbar_core::sync::{Message, Session};
    let (mut sa, first_a) = Session::start(a, group, b.device_id())?;
    let (mut sb, first_b) = Session::start(b, group, a.device_id())?;
    let (mut to_a, mut to_b) = (vec![first_b], vec![first_a]);
    while !to_a.is_empty() || !to_b.is_empty() {
        for m in std::mem::take(&mut to_b) {
            let bytes = m.encode()?;
            to_a.extend(sb.receive(b, Message::decode(&bytes)?)?);
        }
        for m in std::mem::take(&mut to_a) {
            let bytes = m.encode()?;
            to_b.extend(sa.receive(a, Message::decode(&bytes)?)?);
        }
    }
    Ok(())
}

/// Copies a closed store file, with its change journal if one is beside it, to `to` (an
/// old backup of a device).
pub fn copy_store_file(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    let journal = |p: &Path| p.with_file_name(format!("{}.journal", p.file_name().unwrap().to_string_lossy()));
    if journal(from).exists() {
        std::fs::copy(journal(from), journal(to)).unwrap();
    }
}
