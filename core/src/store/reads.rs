//! The store's reads, answered from the projection tables on any connection to the store
//! file: the store's own (`Store::reads`), or a [`Reader`]'s, which never waits behind the
//! store's writes, merges or compaction.
//!
//! SQLite in WAL mode lets a reader go on while a writer commits: a read transaction sees
//! the file as it was at its first statement, so a merge that takes a second holds no
//! reader up, and a read sees every write acknowledged before it began (a write returns
//! after its transaction has committed).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use crate::domain::{Booking, BookingState, DomainError, Group, Item, Member};
use crate::error::{Error, Result};
use crate::ids::{BookingId, GroupId, ItemId, MemberId};
use crate::store::queries::{
    self, ActivityFilter, ActivityPage, Availability, BookingFilter, BusyInterval, ItemFilter, WaitlistEntry,
};
use crate::store::{StoreError, is_in_memory, tune_connection};
use crate::time::{Clock, Timestamp};

/// The read operations, on one connection, with the device clock for what depends on
/// "now" (offers standing, overdue loans, holds that have lapsed).
#[derive(Clone, Copy)]
pub struct Reads<'a> {
    conn: &'a Connection,
    clock: &'a dyn Clock,
}

impl std::fmt::Debug for Reads<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reads").finish_non_exhaustive()
    }
}

impl<'a> Reads<'a> {
    pub(crate) fn new(conn: &'a Connection, clock: &'a dyn Clock) -> Self {
        Reads { conn, clock }
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Every group this device holds, by name.
    pub fn groups(&self) -> Result<Vec<Group>> {
        Ok(queries::groups(self.conn)?)
    }

    /// One group.
    pub fn group(&self, id: &GroupId) -> Result<Group> {
        queries::group(self.conn, id)?.ok_or_else(|| Error::GroupNotFound { id: id.to_string() })
    }

    /// The members of a group, current ones first.
    pub fn members(&self, group: &GroupId) -> Result<Vec<Member>> {
        self.group(group)?;
        Ok(queries::members(self.conn, group)?)
    }

    /// One member.
    pub fn member(&self, group: &GroupId, id: &MemberId) -> Result<Member> {
        queries::member(self.conn, group, id)?.ok_or_else(|| Error::MemberNotFound { id: id.to_string() })
    }

    /// One item.
    pub fn item(&self, group: &GroupId, id: &ItemId) -> Result<Item> {
        match queries::item(self.conn, group, id)? {
            Some(item) => Ok(item),
            // The group is looked up only to tell which of the two is missing.
            None => {
                self.group(group)?;
                Err(Error::ItemNotFound { id: id.to_string() })
            }
        }
    }

    /// Items matching a filter (text search, category, tag, condition, location).
    pub fn items(&self, group: &GroupId, filter: &ItemFilter) -> Result<Vec<Item>> {
        self.group(group)?;
        Ok(queries::items(self.conn, group, filter)?)
    }

    /// Searches items by text (case- and diacritic-insensitive word prefixes).
    pub fn search_items(&self, group: &GroupId, text: &str, limit: u32) -> Result<Vec<Item>> {
        self.items(group, &ItemFilter { text: Some(text.to_owned()), limit, ..ItemFilter::default() })
    }

    /// Categories in use with their item counts.
    pub fn categories(&self, group: &GroupId) -> Result<Vec<(String, u32)>> {
        self.group(group)?;
        Ok(queries::categories(self.conn, group)?)
    }

    /// One booking.
    pub fn booking(&self, group: &GroupId, id: &BookingId) -> Result<Booking> {
        match queries::booking(self.conn, group, id)? {
            Some((b, _)) => Ok(b),
            // The group is looked up only to tell which of the two is missing.
            None => {
                self.group(group)?;
                Err(Error::BookingNotFound { id: id.to_string() })
            }
        }
    }

    /// Bookings matching a filter, by start.
    pub fn bookings(&self, group: &GroupId, filter: &BookingFilter) -> Result<Vec<Booking>> {
        self.group(group)?;
        Ok(queries::bookings(self.conn, group, filter)?)
    }

    /// Checked-out bookings past their end (by the device clock), by end.
    pub fn overdue(&self, group: &GroupId) -> Result<Vec<Booking>> {
        let now = self.now();
        let filter =
            BookingFilter { states: vec![BookingState::CheckedOut], limit: 10_000, ..BookingFilter::default() };
        let mut out: Vec<Booking> = self.bookings(group, &filter)?.into_iter().filter(|b| b.is_overdue(now)).collect();
        out.sort_by_key(|b| b.end);
        Ok(out)
    }

    /// An item's waitlist in queue order, with the offer standing now.
    pub fn waitlist(&self, group: &GroupId, item: &ItemId) -> Result<Vec<WaitlistEntry>> {
        self.item(group, item)?;
        Ok(queries::waitlist(self.conn, group, item, self.now())?)
    }

    /// Free units of an item over a window and the busy spans inside it. Answered from the
    /// holds index near the window, whatever the group's history.
    pub fn availability(
        &self,
        group: &GroupId,
        item: &ItemId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Availability> {
        if end <= start {
            return Err(DomainError::BookingEndsBeforeStart { start, end }.into());
        }
        let item = self.item(group, item)?;
        let now = self.now();
        let spans = queries::holding_spans(self.conn, group, &item.id, start, end, now, None)?;
        let busy = queries::busy_intervals(&spans, start, end);
        let free_units = queries::free_units(self.conn, group, &item, start, end, now, None)?;
        Ok(Availability { item: item.id.clone(), quantity: item.quantity, free_units, start, end, busy })
    }

    /// An item's calendar: busy spans with the units taken, over a range.
    pub fn calendar(
        &self,
        group: &GroupId,
        item: &ItemId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<BusyInterval>> {
        Ok(self.availability(group, item, from, to)?.busy)
    }

    /// The first window of `length_ms` from `from` on with `units` free, within a year.
    pub fn next_free_window(
        &self,
        group: &GroupId,
        item: &ItemId,
        from: Timestamp,
        length_ms: i64,
        units: u32,
    ) -> Result<Option<(Timestamp, Timestamp)>> {
        self.item(group, item)?;
        Ok(queries::next_free_window(self.conn, group, item, from, length_ms, units.max(1), self.now())?)
    }

    /// Items (of a category, or all) with at least `units` free over a window, with their
    /// free units, by name.
    pub fn free_items(
        &self,
        group: &GroupId,
        category: Option<&str>,
        start: Timestamp,
        end: Timestamp,
        units: u32,
    ) -> Result<Vec<(Item, u32)>> {
        if end <= start {
            return Err(DomainError::BookingEndsBeforeStart { start, end }.into());
        }
        let filter = ItemFilter { category: category.map(str::to_owned), limit: 10_000, ..Default::default() };
        let now = self.now();
        let mut out = Vec::new();
        for item in self.items(group, &filter)? {
            let free = queries::free_units(self.conn, group, &item, start, end, now, None)?;
            if free >= units.max(1) {
                out.push((item, free));
            }
        }
        Ok(out)
    }

    /// A page of a group's activity history, newest first, optionally only about one item
    /// or one member. Pass the previous page's `next` as `before` to continue.
    pub fn activity(
        &self,
        group: &GroupId,
        filter: &ActivityFilter,
        before: Option<&str>,
        limit: u32,
    ) -> Result<ActivityPage> {
        self.group(group)?;
        Ok(queries::activity(self.conn, group, filter, before, limit)?)
    }
}

/// A connection of its own to a store's file, for reads only ([`Reads`]). Made by
/// [`Store::reader`](crate::Store::reader); any number may be open beside the store, each
/// used from one thread at a time (it is `Send`, not `Sync`). A reader never takes the
/// store's lock and never writes: its connection is opened read-only.
pub struct Reader {
    conn: Connection,
    clock: Arc<dyn Clock>,
    path: PathBuf,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Reader {
    /// Opens a read-only connection to the store file at `path` (which an open [`Store`]
    /// has made current: schema migrated, WAL mode on).
    ///
    /// [`Store`]: crate::Store
    pub(crate) fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Reader> {
        if is_in_memory(path) {
            let message = "an in-memory store has no file for a reader to open".to_owned();
            return Err(StoreError::Io { path: path.display().to_string(), message }.into());
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::Io { path: path.display().to_string(), message: e.to_string() })?;
        tune_connection(&conn)?;
        conn.execute_batch("PRAGMA query_only = ON;").map_err(StoreError::from)?;
        Ok(Reader { conn, clock, path: path.to_path_buf() })
    }

    /// Runs `read` in one read transaction: every query it makes sees the store as it was
    /// when the first began, whatever commits meanwhile.
    pub fn read<T, E: From<Error>>(&self, read: impl FnOnce(Reads<'_>) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.unchecked_transaction().map_err(|e| Error::from(StoreError::from(e)))?;
        let out = read(Reads::new(&tx, self.clock.as_ref()));
        // A read transaction has nothing to keep: ending it either way releases its snapshot.
        drop(tx);
        out
    }

    /// Another reader of the same store file, on a connection of its own (for a pool of
    /// readers used from several threads).
    pub fn open_another(&self) -> Result<Reader> {
        Reader::open(&self.path, Arc::clone(&self.clock))
    }

    /// The store file this reader reads.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Readers of one store file shared by threads: each read takes an idle reader (or opens
/// another beside the last one left, when every one is in use) and gives it back after.
/// At most [`ReaderPool::MAX_IDLE`] are kept idle.
#[derive(Debug)]
pub struct ReaderPool {
    /// The idle readers; the last one left is the one new readers are opened beside.
    idle: std::sync::Mutex<Vec<Reader>>,
}

impl ReaderPool {
    /// Readers kept idle at most; more may be open at once while reads run concurrently.
    pub const MAX_IDLE: usize = 4;

    /// A pool starting with `first`.
    pub fn new(first: Reader) -> Self {
        ReaderPool { idle: std::sync::Mutex::new(vec![first]) }
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Reader>> {
        self.idle.lock().unwrap_or_else(|poisoned| {
            self.idle.clear_poison();
            poisoned.into_inner()
        })
    }

    /// An idle reader, or a new one opened beside the last; `None` when none can be opened
    /// (no file handles left, say).
    pub fn take(&self) -> Option<Reader> {
        let mut idle = self.idle();
        if idle.len() > 1 {
            return idle.pop();
        }
        idle.last()?.open_another().ok()
    }

    /// Hands a reader back after a read; kept if fewer than [`Self::MAX_IDLE`] are idle.
    pub fn give_back(&self, reader: Reader) {
        let mut idle = self.idle();
        if idle.len() < Self::MAX_IDLE {
            idle.push(reader);
        }
    }

    /// Runs `read` on a reader of the pool ([`Reader::read`]); an error when no reader can
    /// be opened.
    pub fn read<T, E: From<Error>>(&self, read: impl FnOnce(Reads<'_>) -> Result<T, E>) -> Result<T, E> {
        let Some(reader) = self.take() else {
            let message = "no reader could be opened beside the store".to_owned();
            return Err(Error::from(StoreError::Io { path: String::new(), message }).into());
        };
        let out = reader.read(read);
        self.give_back(reader);
        out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::domain::{BookingState, ItemDraft, NewBooking};
    use crate::store::{BookingFilter, ItemFilter, Store};
    use crate::time::{Clock, HOUR_MS, ManualClock, Timestamp};

    fn clock() -> ManualClock {
        ManualClock::new(Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap_or(Timestamp(0)))
    }

    fn booking(item: &crate::ids::ItemId, start: Timestamp) -> NewBooking {
        NewBooking {
            item: item.clone(),
            units: 1,
            start,
            end: start.plus_ms(4 * HOUR_MS),
            note: String::new(),
            for_member: None,
        }
    }

    #[test]
    fn a_reader_answers_as_the_store_does_and_sees_every_acknowledged_write() {
        let dir = tempfile::tempdir().unwrap();
        let c = clock();
        let mut store = Store::open_with_clock(dir.path().join("delbar.db"), Arc::new(c.clone())).unwrap();
        let reader = store.reader().unwrap();
        let group = store.create_group("Folkverkstad Trondheim", "", "Ingrid").unwrap().id;
        let saw = reader.read(|r| r.groups()).unwrap();
        assert_eq!(saw.len(), 1, "the group a write made is there at the reader's next read");
        let item = store.add_item(&group, ItemDraft::named("Kappsag")).unwrap();
        let start = c.now().plus_ms(24 * HOUR_MS);
        let booked = store.book(&group, &booking(&item.id, start)).unwrap();
        let another = reader.open_another().unwrap();
        for reader in [&reader, &another] {
            let all = ItemFilter::default();
            assert_eq!(reader.read(|r| r.items(&group, &all)).unwrap(), store.items(&group, &all).unwrap());
            let end = start.plus_ms(HOUR_MS);
            let (seen, own) = (
                reader.read(|r| r.availability(&group, &item.id, start, end)).unwrap(),
                store.availability(&group, &item.id, start, end).unwrap(),
            );
            assert_eq!(seen, own);
            assert_eq!(seen.free_units, 0);
            let found = reader.read(|r| r.booking(&group, &booked.id)).unwrap();
            assert_eq!(found.state, BookingState::Confirmed);
            let refused = reader.read(|r| r.item(&group, &crate::ids::ItemId::generate()));
            assert!(matches!(refused, Err(crate::Error::ItemNotFound { .. })), "{refused:?}");
        }
    }

    #[test]
    fn a_read_is_answered_while_a_write_transaction_is_open_and_sees_the_state_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let c = clock();
        let mut store = Store::open_with_clock(dir.path().join("delbar.db"), Arc::new(c.clone())).unwrap();
        let group = store.create_group("Odlingsakademin", "", "Karin").unwrap().id;
        store.add_item(&group, ItemDraft::named("Jordfräs")).unwrap();
        let reader = store.reader().unwrap();
        // A merge holds a write transaction on the store's connection for as long as it
        // runs; a reader goes on beside it (one that had to wait would fail, busy, after the
        // connection's 5 s timeout).
        store.conn.execute_batch("BEGIN IMMEDIATE; DELETE FROM items;").unwrap();
        let seen = reader.read(|r| r.items(&group, &ItemFilter::default())).unwrap();
        assert_eq!(seen.len(), 1, "the reader sees the store as it was before the transaction");
        store.conn.execute_batch("ROLLBACK;").unwrap();
        let bookings = reader.read(|r| r.bookings(&group, &BookingFilter::default())).unwrap();
        assert!(bookings.is_empty());
    }

    #[test]
    fn a_pool_opens_readers_as_reads_overlap_and_keeps_a_few_idle() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_with_clock(dir.path().join("delbar.db"), Arc::new(clock())).unwrap();
        let group = store.create_group("Verkstan", "", "Anna").unwrap().id;
        let pool = super::ReaderPool::new(store.reader().unwrap());
        let taken: Vec<_> = (0..6).map(|_| pool.take().unwrap()).collect();
        for reader in &taken {
            assert_eq!(reader.read(|r| r.group(&group)).unwrap().id, group);
        }
        for reader in taken {
            pool.give_back(reader);
        }
        assert_eq!(pool.idle().len(), super::ReaderPool::MAX_IDLE);
        assert_eq!(pool.read(|r| r.groups()).unwrap().len(), 1);
    }

    #[test]
    fn an_in_memory_store_has_no_reader() {
        let store = Store::open_with_clock(":memory:", Arc::new(clock())).unwrap();
        assert!(matches!(store.reader(), Err(crate::Error::Store(crate::store::StoreError::Io { .. }))));
    }
}
