//! The store: one SQLite file per device holding the automerge documents of every group the
//! device belongs to, and the projection tables every query reads.
//!
//! - [`schema`]: numbered migrations.
//! - `doc_log`: documents as a snapshot plus appended incremental chunks, and the in-memory
//!   cache of loaded documents.
//! - `journal`: the small file that makes a local write durable (one sync of its changes)
//!   and is replayed after a power loss; `journal_writer`: the thread that syncs it while
//!   the write builds its transaction.
//! - `projection`: entity rows derived from the documents, updated for exactly what a change
//!   touched.
//! - `queries`: the read side (lists, search, availability, history).
//! - `catalogue_ops`, `booking_ops`: the write operations, each validated against the
//!   domain rules before it touches a document.
//! - `merge`: applying changes that come from other devices, and exporting them.
//! - `check`: SQLite's integrity check, then rebuilding the projection from the documents
//!   and comparing; `repair`: rebuilding a damaged file from its documents.
//! - `store_file`: refusing a file that is not a store; making a new store whole.
//! - `faults`: injectable failures of the write path's I/O steps, for tests.

mod booking_ops;
pub(crate) mod care;
mod catalogue_ops;
pub mod changes;
mod check;
pub(crate) mod doc_log;
mod error;
pub(crate) mod faults;
#[cfg(test)]
mod faults_tests;
mod inventory_ops;
mod journal;
mod journal_writer;
mod label_ops;
mod maintenance_ops;
mod merge;
mod migration_steps;
pub mod notify;
pub(crate) mod photo_blobs;
mod photo_ops;
pub(crate) mod projection;
pub(crate) mod queries;
mod reads;
#[cfg(test)]
mod receive_tests;
mod repair;
mod reproject;
pub(crate) mod resolve;
pub mod schema;
mod stats_ops;
mod store_file;
#[cfg(test)]
mod tests;

pub use changes::{ChangeEvent, ChangeOrigin};
pub use check::{CheckReport, Difference, FileProblem};
pub use error::StoreError;
pub use label_ops::ScanOutcome;
pub use merge::{DocumentExport, MergeReport};
pub use notify::{Notification, NotificationDetail, NotificationKind, NotificationListener};
pub use photo_ops::{MAX_PHOTOS_PER_ITEM, PhotoContent, PhotoSize, PhotoState};
pub use queries::{ActivityFilter, ActivityPage, Availability, BookingFilter, BusyInterval, ItemFilter, WaitlistEntry};
pub use reads::{Reader, ReaderPool, Reads};
pub use repair::RepairReport;

use automerge::transaction::CommitOptions;
use ed25519_dalek::SigningKey;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::docs::{DocKey, Entity, EntityRef, write_entity};
use crate::domain::hlc::Hlc;
use crate::domain::{ActivityAction, ActivityEntry, BookingRecord, Member};
use crate::error::{Error, Result};
use crate::ids::{ActivityId, BookingId, DeviceId, GroupId, ItemId, MemberId, random_bytes};
use crate::time::{Clock, SystemClock, Timestamp};
use crate::trust::attest;
use doc_log::{DocCache, Missing};

/// A device's store: open it once per process and keep it.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    signing_key: SigningKey,
    device: DeviceId,
    clock: Arc<dyn Clock>,
    cache: DocCache,
    listener: Option<Arc<dyn notify::NotificationListener>>,
    /// What each committed write and merge changed, for subscribers (`changes`).
    changes: crate::feed::Feed<ChangeEvent>,
    /// Documents a write is changing; left set only if that write was interrupted.
    in_flight: Vec<(GroupId, DocKey)>,
    /// Documents whose chunks are due to be folded into a snapshot (`upkeep`).
    compaction_due: BTreeSet<(GroupId, DocKey)>,
    /// Commits since the last WAL checkpoint (`upkeep`).
    commits_since_checkpoint: u32,
    /// The change journal's thread (none for an in-memory store, which has nothing to keep
    /// durable).
    journal: Option<journal_writer::JournalWriter>,
    /// The sequence number of the last journal record written or applied.
    journal_seq: u64,
    /// The photo blob store, opened on first use (`photo_ops`).
    photo_blobs: std::sync::OnceLock<photo_blobs::PhotoBlobs>,
    /// Held while the store is open (see `lock_store`).
    _lock: Option<std::fs::File>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("device", &self.device).finish_non_exhaustive()
    }
}

/// Commits after which [`Store::upkeep`] checkpoints the WAL. A booking write adds about 30
/// pages to the WAL, so this keeps it near 500 pages; SQLite's own checkpoint (which runs
/// inside the commit that crosses its threshold, a write then taking several times as long)
/// is set to 4,000 pages, a safety net for a store whose owner never calls `upkeep`.
pub const CHECKPOINT_EVERY_COMMITS: u32 = 16;

/// Opens a SQLite connection with the settings every store uses: WAL, full fsync on commit
/// (an acknowledged write survives a crash or power loss), foreign keys.
fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)
        .map_err(|e| StoreError::Io { path: path.display().to_string(), message: e.to_string() })?;
    tune_connection(&conn)?;
    // Tell a store from a file that is not one before writing anything to it.
    if !is_in_memory(path) {
        store_file::verify(&conn, path)?;
    }
    let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // After a checkpoint the WAL is cut back to 4 MiB at most: small enough for a quick
    // next open, and above the ~1.8 MB that `upkeep`'s checkpoint interval lets it reach,
    // so that writes overwrite its blocks rather than grow a truncated file again.
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 4194304;
         PRAGMA wal_autocheckpoint = 4000;",
    )?;
    #[cfg(test)]
    let conn = with_fault_hooks(conn, path)?;
    Ok(conn)
}

/// The settings of every connection to a store file, the store's own and its readers'.
fn tune_connection(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Every query and write uses cached statements; the default cache (16) is smaller than
    // the write path's set, and re-preparing them cost more than the rest of a write.
    conn.set_prepared_statement_cache_capacity(256);
    // Keep each cached statement's plan: without this, SQLite (3.47 on) re-prepares a
    // statement whenever a parameter compared with `=` is bound to a new value (to guess how
    // selective a small integer is), which made every write re-parse most of its statements.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Lets tests make SQLite's commit, or the WAL step after it, fail for this store (see
/// `faults`).
#[cfg(test)]
fn with_fault_hooks(mut conn: Connection, path: &Path) -> Result<Connection, StoreError> {
    use faults::FaultPoint;
    let store = path.to_path_buf();
    conn.commit_hook(Some(move || faults::hit(&store, FaultPoint::Commit)))?;
    let store = path.to_path_buf();
    // Replaces SQLite's automatic checkpoint, which this hook runs in its place.
    conn.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages: std::ffi::c_int| {
        if faults::hit(&store, FaultPoint::WalSync) {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR_FSYNC),
                Some("injected: the checkpoint's sync failed".into()),
            ));
        }
        if pages >= 4000 { wal.checkpoint() } else { Ok(()) }
    }))?;
    Ok(conn)
}

/// Whether `path` names an in-memory store rather than a file.
fn is_in_memory(path: &Path) -> bool {
    path.as_os_str().is_empty() || path == Path::new(":memory:")
}

/// Takes the store's lock file so that one process at a time writes a store: two writers
/// with the same device key would both extend the same automerge actor's history.
fn lock_store(path: &Path) -> Result<Option<std::fs::File>, StoreError> {
    if is_in_memory(path) {
        return Ok(None);
    }
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let io = |e: std::io::Error| StoreError::Io { path: lock_path.display().to_string(), message: e.to_string() };
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse { path: path.display().to_string() }),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

impl Store {
    /// Opens (or creates) the store at `path`, using the system clock.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with_clock(path, Arc::new(SystemClock))
    }

    /// Opens (or creates) the store at `path` with a given device clock.
    pub fn open_with_clock(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let lock = lock_store(&path)?;
        if !is_in_memory(&path) && store_file::inspect(&path)? == store_file::Found::Nothing {
            let now = clock.now();
            store_file::create(&path, |conn| {
                schema::migrate(conn, schema::latest_version())?;
                load_or_create_device_key(conn, now).map(|_| ())
            })?;
        }
        let mut conn = open_connection(&path)?;
        let version_before = schema::current_version(&conn)?;
        let rebuild = schema::migrate(&mut conn, schema::latest_version())?;
        let signing_key = load_or_create_device_key(&conn, clock.now())?;
        let device = DeviceId::from_public_key(&signing_key.verifying_key().to_bytes());
        let mut store = Store {
            conn,
            path,
            signing_key,
            device,
            clock,
            cache: DocCache::default(),
            listener: None,
            changes: crate::feed::Feed::new(),
            in_flight: Vec::new(),
            compaction_due: BTreeSet::new(),
            commits_since_checkpoint: 0,
            journal: None,
            journal_seq: 0,
            photo_blobs: std::sync::OnceLock::new(),
            _lock: lock,
        };
        if (1..5).contains(&version_before) {
            store.attest_own_history()?;
        }
        if rebuild {
            for group in store.stored_group_ids()? {
                store.rebuild_projection(&group)?;
            }
        }
        if !is_in_memory(&store.path) {
            store.open_journal()?;
        }
        Ok(store)
    }

    /// Opens the change journal and applies the records the store lost (a power loss after
    /// they were acknowledged), then starts the journal over.
    fn open_journal(&mut self) -> Result<()> {
        let journal_path = journal::path_for(&self.path);
        let (mut journal, mut records) = journal::Journal::open(journal_path.clone())?;
        let applied: i64 =
            self.conn.query_row("SELECT journal_seq FROM local_device WHERE id = 1", [], |r| r.get(0))?;
        let stored = u64::try_from(applied).unwrap_or(0);
        if records.iter().any(|r| r.seq > stored && r.device != self.device.as_str()) {
            // Written by another identity (its store file was replaced): it cannot be
            // applied here, and is kept aside, unchanged, rather than discarded.
            drop(journal);
            let aside = store_file::with_suffix(&journal_path, &format!(".foreign-{}", self.now().0));
            tracing::warn!(aside = %aside.display(), "the change journal was written by another device; kept aside");
            std::fs::rename(&journal_path, &aside)
                .map_err(|e| StoreError::Io { path: journal_path.display().to_string(), message: e.to_string() })?;
            (journal, records) = journal::Journal::open(journal_path)?;
        }
        let mut applied = stored;
        let held = journal.len();
        self.journal = Some(journal_writer::JournalWriter::start(journal, self.signing_key.clone())?);
        for record in records.into_iter().filter(|r| r.seq > stored) {
            let group = GroupId::parse(&record.group).map_err(|_| StoreError::Corrupt {
                reason: format!("the change journal names a bad group id '{}'", record.group),
            })?;
            tracing::info!(seq = record.seq, %group, "applying a journalled write the store had lost");
            self.merge_documents(&group, &record.docs)?;
            self.conn.execute("UPDATE local_device SET journal_seq = ?1 WHERE id = 1", [record.seq as i64])?;
            applied = record.seq;
        }
        self.journal_seq = applied;
        if held > 0 {
            self.checkpoint_and_reset_journal();
        }
        Ok(())
    }

    /// Copies the WAL into the database file (PASSIVE: never waits for a reader) and, when
    /// that copied all of it (SQLite then holds every journalled write durably), starts the
    /// change journal over. A failure loses nothing: the WAL and the journal stay.
    fn checkpoint_and_reset_journal(&mut self) {
        let done = self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        match done {
            Ok((busy, log, copied)) => {
                self.commits_since_checkpoint = 0;
                if busy == 0
                    && log == copied
                    && let Some(journal) = self.journal.as_mut()
                    && let Err(e) = journal.reset()
                {
                    tracing::warn!(%e, "could not start the change journal over; it is kept");
                }
            }
            Err(e) => tracing::warn!(%e, "checkpoint failed; the WAL is kept"),
        }
    }

    /// Signs this device's newest change in every document (stores written before changes
    /// were attested), so that what it wrote can be sent to other devices.
    fn attest_own_history(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        let mut stmt = tx.prepare("SELECT DISTINCT group_id FROM documents")?;
        let groups: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        drop(stmt);
        for group in groups.iter().filter_map(|g| GroupId::parse(g).ok()) {
            for (key, _) in doc_log::list(&tx, &group)? {
                if let Some(doc) = doc_log::load(&tx, &group, key)? {
                    let mut doc = doc.with_actor(crate::docs::actor_of(&self.device));
                    attest::record_own(&tx, &group, key, &self.device, &self.signing_key, &mut doc)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Where the store file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This device's id (its ed25519 public key, also its iroh node id).
    pub fn device_id(&self) -> &DeviceId {
        &self.device
    }

    /// This device's secret key, for the network layer.
    pub fn device_signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The device clock's current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The read operations, on the store's own connection. Behind a [`Store`] shared by
    /// threads they wait for its lock; a [`Reader`] (`reader`) answers the same beside it.
    pub fn reads(&self) -> Reads<'_> {
        Reads::new(&self.conn, self.clock.as_ref())
    }

    /// A read-only connection of its own to this store's file, for reads that must not wait
    /// behind this store's writes, merges or compaction (an app's screens, while sync
    /// merges). Not for an in-memory store, which has no file to share.
    pub fn reader(&self) -> Result<Reader> {
        Reader::open(&self.path, Arc::clone(&self.clock))
    }

    /// The raw connection, for the crate's own layers.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Ids of every group that has documents in this store.
    fn stored_group_ids(&self) -> Result<Vec<GroupId>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT group_id FROM documents ORDER BY group_id")?;
        let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        ids.iter()
            .map(|s| {
                GroupId::parse(s)
                    .map_err(|_| Error::Store(StoreError::Corrupt { reason: format!("bad group id '{s}'") }))
            })
            .collect()
    }

    /// The current member this device belongs to in `group`.
    pub fn me(&self, group: &GroupId) -> Result<Member> {
        match queries::member_of_device(&self.conn, group, &self.device)? {
            Some(me) => Ok(me),
            // The group is looked up only to tell which of the two is missing.
            None => {
                self.group(group)?;
                Err(Error::NotAMember { group: group.to_string() })
            }
        }
    }

    /// A read transaction for the checks a write makes before it writes: SQLite then takes
    /// its file locks once rather than once per query (each a system call or two), and the
    /// checks see one state of the store. Dropped (rolled back: it wrote nothing) before
    /// the write's own transaction begins.
    pub(crate) fn read_transaction(&self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self.conn.unchecked_transaction()?)
    }

    /// An activity entry by `actor` for a write happening now that is not about a booking,
    /// and the document it goes in (the activity document of this month).
    pub(crate) fn activity_entry(
        &self,
        actor: &Member,
        action: ActivityAction,
        item: Option<&ItemId>,
        subject: Option<&MemberId>,
        summary: String,
    ) -> (DocKey, Entity) {
        let at = self.now();
        let key = DocKey::activity_at(at);
        let entry = self.new_entry((at, key), actor, action, (item.cloned(), None, subject.cloned()), summary);
        (key, Entity::Activity(entry))
    }

    /// The writes of a booking action by `actor` happening now: the booking as it becomes,
    /// and the activity entry about it, both in the booking's document, so the action
    /// changes one document.
    pub(crate) fn booking_writes(
        &self,
        actor: &Member,
        action: ActivityAction,
        record: BookingRecord,
        summary: String,
    ) -> Vec<(DocKey, Entity)> {
        let about = (Some(record.item.clone()), Some(record.id.clone()), Some(record.member.clone()));
        let key = DocKey::bookings_at(record.start);
        let entry = self.new_entry((self.now(), key), actor, action, about, summary);
        vec![(key, Entity::Booking(record)), (key, Entity::Activity(entry))]
    }

    /// A new activity entry by `actor` made at `at` by this device, about `(item, booking,
    /// subject)`, for document `home` (its id names it).
    fn new_entry(
        &self,
        (at, home): (Timestamp, DocKey),
        actor: &Member,
        action: ActivityAction,
        (item, booking, subject): (Option<ItemId>, Option<BookingId>, Option<MemberId>),
        summary: String,
    ) -> ActivityEntry {
        ActivityEntry {
            id: ActivityId::generate_in(at, home),
            at,
            actor: actor.id.clone(),
            device: self.device.clone(),
            action,
            item,
            booking,
            subject,
            summary,
        }
    }

    /// Writes entities into their documents as one atomic, durable operation: the changes
    /// are committed in memory, appended to the store and projected in one SQLite
    /// transaction. On any failure the documents touched are dropped from memory (so they
    /// reload as stored) and nothing is changed.
    pub(crate) fn commit_writes(&mut self, group: &GroupId, writes: Vec<(DocKey, Entity)>) -> Result<()> {
        self.drop_interrupted();
        self.in_flight = writes.iter().map(|(key, _)| (group.clone(), *key)).collect();
        let now = self.now();
        let mut touched: BTreeMap<DocKey, BTreeSet<EntityRef>> = BTreeMap::new();
        let mut failure: Option<Error> = None;
        for (key, entity) in &writes {
            touched.entry(*key).or_default().insert(entity.entity_ref());
            let result = match self.cache.get(&self.conn, group, *key, &self.device, Missing::CreateNew) {
                Ok(Some(loaded)) => write_entity(&mut loaded.doc, key, entity).map_err(Error::from),
                Ok(None) => {
                    Err(Error::Store(StoreError::MalformedDocument { reason: format!("document {key} missing") }))
                }
                Err(e) => Err(e.into()),
            };
            if let Err(e) = result {
                failure = Some(e);
                break;
            }
        }
        if failure.is_none() {
            match self.persist(group, &touched, now) {
                Ok(()) => {
                    self.in_flight.clear();
                    return Ok(());
                }
                Err(e) => failure = Some(e),
            }
        }
        self.in_flight.clear();
        for key in touched.keys() {
            self.cache.evict(group, *key);
        }
        Err(failure.unwrap_or_else(|| Error::Store(StoreError::Storage { message: "write failed".into() })))
    }

    /// Drops from memory the documents a write was changing when it was interrupted (a panic
    /// caught by the bindings), so its unsaved changes never reach the store.
    pub(crate) fn drop_interrupted(&mut self) {
        for (group, key) in std::mem::take(&mut self.in_flight) {
            self.cache.evict(&group, key);
        }
        self.take_back_unsettled_record();
        // A transaction an interruption left open (its guard is normally dropped, and rolled
        // back, while unwinding) would make the next write fail to begin its own.
        if !self.conn.is_autocommit()
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(%e, "could not roll back a transaction an interrupted write left open");
        }
    }

    /// Takes back the journal record of a write whose transaction never committed.
    fn take_back_unsettled_record(&mut self) {
        if let Some(journal) = self.journal.as_mut()
            && let Err(e) = journal.take_back_unsettled()
        {
            tracing::error!(%e, "could not take back the journal record of a write that failed");
        }
    }

    /// Commits the pending changes of the touched documents, appends them, projects the
    /// touched entities, resolves conflicts on the items they affect and records
    /// notifications, in one transaction.
    ///
    /// With a journal (a store in a file) the transaction commits with `synchronous =
    /// NORMAL` and the write is made durable by one synced journal record of its changes
    /// instead (see `journal`).
    fn persist(
        &mut self,
        group: &GroupId,
        touched: &BTreeMap<DocKey, BTreeSet<EntityRef>>,
        now: Timestamp,
    ) -> Result<()> {
        let journalled = self.journal.is_some();
        if journalled {
            self.conn.prepare_cached("PRAGMA synchronous = NORMAL")?.execute([])?;
        }
        let result = self.persist_in_transaction(group, touched, now);
        if journalled {
            // Everything else the store commits stays synced on commit.
            self.conn.prepare_cached("PRAGMA synchronous = FULL")?.execute([])?;
        }
        let notified = result?;
        if self.journal.as_ref().is_some_and(|j| j.len() > journal::RESET_AFTER_BYTES) {
            self.checkpoint_and_reset_journal();
        }
        self.deliver(&notified);
        Ok(())
    }

    /// The transaction of [`Self::persist`]; returns the notifications to deliver.
    ///
    /// The journal record holds only the documents' new changes and their attestations, so
    /// it is handed to the journal's thread first, which signs, appends and syncs it while
    /// this thread builds the transaction (chunks, projection, resolution); the commit
    /// waits for both.
    fn persist_in_transaction(
        &mut self,
        group: &GroupId,
        touched: &BTreeMap<DocKey, BTreeSet<EntityRef>>,
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        let mut changed = Vec::with_capacity(touched.len());
        for (key, refs) in touched {
            let Some(loaded) = self.cache.get(&self.conn, group, *key, &self.device, Missing::Skip)? else {
                continue;
            };
            loaded.doc.commit_with(CommitOptions::default().with_time(now.0.div_euclid(1000)));
            // The new changes, encoded as `save_after` would, and this device's newest among
            // them (built once: building a change from the document is most of the cost).
            let new_changes = loaded.doc.get_changes(&loaded.persisted_heads);
            if new_changes.is_empty() {
                changed.push(Changed { key: *key, refs, data: Vec::new(), heads: Vec::new(), own: None });
                continue;
            }
            let actor = loaded.doc.get_actor().clone();
            let own = new_changes.iter().filter(|c| *c.actor_id() == actor).max_by_key(|c| c.seq());
            let own = own.map(|c| (c.hash(), c.seq()));
            let data: Vec<u8> = new_changes.iter().flat_map(|c| c.raw_bytes().iter().copied()).collect();
            let heads = loaded.doc.get_heads();
            changed.push(Changed { key: *key, refs, data, heads, own });
        }
        let seq = self.journal_seq + 1;
        // Which of `changed` each document of the journal record is.
        let mut record_docs = Vec::new();
        let journalled = match self.journal.as_mut() {
            Some(journal) if changed.iter().any(|c| !c.data.is_empty()) => {
                let mut docs = Vec::new();
                let mut to_sign = Vec::new();
                for (i, c) in changed.iter().enumerate().filter(|(_, c)| !c.data.is_empty()) {
                    if let Some((hash, _)) = c.own {
                        to_sign.push((docs.len(), c.key, hash));
                    }
                    record_docs.push(i);
                    docs.push(DocumentExport {
                        key: c.key.to_string(),
                        data: c.data.clone(),
                        attestations: Vec::new(),
                    });
                }
                let record = journal::Record { seq, device: self.device.to_string(), group: group.to_string(), docs };
                journal.begin_append(record, group.clone(), to_sign)?;
                true
            }
            _ => false,
        };
        let mut event = self.change_event(group, ChangeOrigin::Local);
        let staged = stage_write(
            &mut self.conn,
            &mut self.cache,
            (&self.path, &self.device),
            group,
            &changed,
            now,
            event.as_mut(),
        );
        let appended = match (journalled, self.journal.as_mut()) {
            (true, Some(journal)) => Some(journal.wait_appended()),
            _ => None,
        };
        // A failed `COMMIT` carries the notifications too: SQLite can report an error from
        // the WAL step that follows a commit that took place.
        let outcome = (|| -> Result<Vec<i64>, (Error, Vec<i64>)> {
            let (tx, notified) = staged.map_err(|e| (e, Vec::new()))?;
            let attestations: Vec<(usize, attest::Attestation)> = match &appended {
                Some(Ok(a)) => a
                    .attestations
                    .iter()
                    .filter_map(|(doc, a)| record_docs.get(*doc).map(|i| (*i, a.clone())))
                    .collect(),
                // Nothing is committed; the journal's own error is returned below.
                Some(Err(_)) => return Ok(Vec::new()),
                None => changed
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        c.own.map(|(hash, _)| (i, attest::sign(&self.signing_key, group, c.key, &hash)))
                    })
                    .collect(),
            };
            let before_commit = || -> Result<()> {
                for (i, a) in attestations {
                    if let Some(Changed { key, own: Some((hash, seq)), .. }) = changed.get(i) {
                        attest::record(&tx, group, *key, &self.device, hash, *seq, &a.signature)?;
                    }
                }
                if journalled {
                    tx.prepare_cached("UPDATE local_device SET journal_seq = ?1 WHERE id = 1")?
                        .execute([seq as i64])?;
                }
                Ok(())
            };
            before_commit().map_err(|e| (e, Vec::new()))?;
            match tx.commit() {
                Ok(()) => Ok(notified),
                Err(e) => Err((e.into(), notified)),
            }
        })();
        let notified = match (outcome, appended) {
            (_, Some(Err(e))) => return Err(e.into()),
            (Ok(notified), _) => notified,
            // The commit reported an error after the transaction reached the WAL (the
            // checkpoint SQLite runs after a commit failed): the write is in the store and
            // its record synced, so it is acknowledged, never reported as failed.
            (Err((e, notified)), _) if journalled && self.committed_journal_seq() == Some(seq) => {
                tracing::warn!(%e, "the write committed but SQLite reported an error after its commit");
                notified
            }
            (Err((e, _)), _) => {
                self.take_back_unsettled_record();
                return Err(e);
            }
        };
        if journalled {
            self.journal_seq = seq;
            if let Some(journal) = self.journal.as_mut() {
                journal.settled();
            }
        }
        self.commits_since_checkpoint = self.commits_since_checkpoint.saturating_add(1);
        for c in changed.into_iter().filter(|c| !c.data.is_empty()) {
            if let Ok(Some(loaded)) = self.cache.get(&self.conn, group, c.key, &self.device, Missing::Skip) {
                loaded.persisted_heads = c.heads;
            }
            self.note_compaction(group, c.key);
        }
        self.publish_change(event);
        Ok(notified)
    }

    /// The journal sequence number the store's committed state holds, as read now.
    fn committed_journal_seq(&self) -> Option<u64> {
        let seq: i64 =
            self.conn.query_row("SELECT journal_seq FROM local_device WHERE id = 1", [], |r| r.get(0)).ok()?;
        u64::try_from(seq).ok()
    }

    /// After a local write: a document whose chunks have grown is noted for
    /// [`Store::upkeep`] (folding a large document takes tens of milliseconds,
    /// which the write that happened to cross the threshold should not wait for), unless
    /// nobody has folded it for four thresholds, in which case it is folded now.
    fn note_compaction(&mut self, group: &GroupId, key: DocKey) {
        match doc_log::compaction(&self.conn, group, key) {
            Ok(doc_log::Compaction::NotNeeded) => {}
            Ok(doc_log::Compaction::Due) => {
                self.compaction_due.insert((group.clone(), key));
            }
            Ok(doc_log::Compaction::Overdue) => self.compact_if_needed(group, key),
            Err(e) => tracing::warn!(%group, %key, %e, "cannot tell whether the document needs compaction"),
        }
    }

    /// Folds a document's chunks into a new snapshot when they have grown. A failure here
    /// loses nothing (the chunks stay), so it is only logged.
    fn compact_if_needed(&mut self, group: &GroupId, key: DocKey) {
        self.compaction_due.remove(&(group.clone(), key));
        let result = (|| -> Result<(), StoreError> {
            if !doc_log::needs_compaction(&self.conn, group, key)? {
                return Ok(());
            }
            if let Some(loaded) = self.cache.get(&self.conn, group, key, &self.device, Missing::Skip)? {
                doc_log::compact(&mut self.conn, group, key, &mut loaded.doc)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            tracing::warn!(%group, %key, %e, "compaction failed; the document stays as chunks");
        }
    }

    /// Whether [`Store::upkeep`] has work: documents due for compaction, or enough commits
    /// since the last WAL checkpoint.
    pub fn has_pending_upkeep(&self) -> bool {
        !self.compaction_due.is_empty() || self.commits_since_checkpoint >= CHECKPOINT_EVERY_COMMITS
    }

    /// The work that follows acknowledged writes, kept off them: folds the documents that
    /// local writes left due for compaction into their snapshots, and after
    /// [`CHECKPOINT_EVERY_COMMITS`] commits copies the WAL back into the database file (a
    /// checkpoint). Returns how many documents were looked at. Apps call it after a write
    /// has been acknowledged (the bindings do, on a thread of their own). A store where it is
    /// never called still folds a document once its chunks reach four times the threshold,
    /// and SQLite checkpoints by itself at 4,000 WAL pages.
    pub fn upkeep(&mut self) -> usize {
        let due = std::mem::take(&mut self.compaction_due);
        for (group, key) in &due {
            self.compact_if_needed(group, *key);
        }
        if self.commits_since_checkpoint >= CHECKPOINT_EVERY_COMMITS {
            self.checkpoint_and_reset_journal();
        }
        due.len()
    }

    /// Compacts every document of every group whose chunks have grown (for idle time).
    pub fn compact_all(&mut self) -> Result<usize> {
        let mut done = 0;
        for group in self.stored_group_ids()? {
            for (key, _) in doc_log::list(&self.conn, &group)? {
                if doc_log::needs_compaction(&self.conn, &group, key)?
                    && let Some(mut doc) = doc_log::load(&self.conn, &group, key)?
                {
                    doc_log::compact(&mut self.conn, &group, key, &mut doc)?;
                    self.cache.evict(&group, key);
                    done += 1;
                }
            }
        }
        Ok(done)
    }

    /// A page of a group's activity history, newest first ([`Reads::activity`]).
    pub fn activity(
        &self,
        group: &GroupId,
        filter: &ActivityFilter,
        before: Option<&str>,
        limit: u32,
    ) -> Result<ActivityPage> {
        self.reads().activity(group, filter, before, limit)
    }

    /// Rebuilds a group's projection from its documents, in one transaction.
    pub fn rebuild_projection(&mut self, group: &GroupId) -> Result<()> {
        let tx = self.conn.transaction()?;
        projection::clear_group(&tx, group)?;
        // The catalogue first: who may write what in the other documents depends on it.
        let mut keys: Vec<DocKey> = doc_log::list(&tx, group)?.into_iter().map(|(key, _)| key).collect();
        keys.sort_by_key(|key| *key != DocKey::Catalogue);
        for key in keys {
            if let Some(doc) = doc_log::load(&tx, group, key)? {
                let refs = crate::docs::all_entities(&doc, &key)?;
                projection::project(&tx, group, key, &doc, refs.iter())?;
            }
        }
        resolve::resolve_all(&tx, group)?;
        tx.commit()?;
        Ok(())
    }

    /// Issues the next hybrid-logical-clock stamp of this device.
    pub(crate) fn next_hlc(&self) -> Result<String> {
        let (wall, counter): (i64, u32) = self
            .conn
            .prepare_cached("SELECT hlc_wall, hlc_counter FROM local_device WHERE id = 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // Not written here: the write that carries the stamp records it when it commits
        // (`observe_hlc`), so a refused write leaves the clock as it was.
        let next = Hlc { wall, counter }.tick(self.now());
        Ok(next.stamp(&self.device))
    }
}

/// A document a local write changed, committed in memory.
struct Changed<'a> {
    key: DocKey,
    /// The entities written to it.
    refs: &'a BTreeSet<EntityRef>,
    /// Its new changes (`save_after` of the persisted heads); empty if none.
    data: Vec<u8>,
    /// Its heads with them.
    heads: Vec<automerge::ChangeHash>,
    /// The newest change this device wrote to it, with its sequence number (attested).
    own: Option<(automerge::ChangeHash, u64)>,
}

/// Builds a local write's transaction, uncommitted: appends each document's new changes,
/// projects the entities written, resolves and notifies. Returns it with the notifications
/// to deliver.
fn stage_write<'c>(
    conn: &'c mut Connection,
    cache: &mut DocCache,
    (path, device): (&Path, &DeviceId),
    group: &GroupId,
    changed: &[Changed<'_>],
    now: Timestamp,
    event: Option<&mut ChangeEvent>,
) -> Result<(rusqlite::Transaction<'c>, Vec<i64>)> {
    let tx = conn.transaction()?;
    let mut tracker = resolve::ChangeTracker::default();
    let mut all_refs = BTreeSet::new();
    for c in changed {
        if !c.data.is_empty() {
            doc_log::append_chunk(&tx, group, c.key, &c.data, &c.heads)?;
            if faults::hit(path, faults::FaultPoint::SqliteWrite) {
                return Err(StoreError::Storage { message: "disk I/O error (injected)".into() }.into());
            }
        }
        let loaded = cache.get(&tx, group, c.key, device, Missing::Skip)?.ok_or_else(|| {
            Error::Store(StoreError::MalformedDocument { reason: format!("document {} missing", c.key) })
        })?;
        if c.key == DocKey::Catalogue {
            reproject::project_catalogue(&tx, group, &loaded.doc, c.refs, &mut tracker, &mut all_refs)?;
        } else {
            tracker.before(&tx, group, c.refs)?;
            projection::project(&tx, group, c.key, &loaded.doc, c.refs)?;
            all_refs.extend(c.refs.iter().cloned());
        }
    }
    let notified = finish_changes(&tx, group, tracker, &all_refs, now, event)?;
    Ok((tx, notified))
}

/// After projecting a change: resolves the affected items, moves this device's clock past
/// every request it has now seen, records the notifications the change calls for, and adds
/// what changed to `event` (when anyone listens).
fn finish_changes(
    conn: &Connection,
    group: &GroupId,
    tracker: resolve::ChangeTracker,
    refs: &BTreeSet<EntityRef>,
    now: Timestamp,
    event: Option<&mut ChangeEvent>,
) -> Result<Vec<i64>, StoreError> {
    let (changes, unbookable) = tracker.finish(conn, group, refs)?;
    if let Some(event) = event {
        event.add_touched(conn, refs, changes.iter().map(|c| &c.booking))?;
    }
    observe_hlc(conn, group, refs)?;
    let mut ids = notify::notify_changes(conn, group, &changes, &unbookable, now)?;
    let mut items = BTreeSet::new();
    let mut item_of = conn.prepare_cached("SELECT item_id FROM bookings WHERE group_id = ?1 AND id = ?2")?;
    for c in &changes {
        if let Some(item) =
            item_of.query_row([group.as_str(), c.booking.as_str()], |r| r.get::<_, String>(0)).optional()?
        {
            items.insert(item);
        }
    }
    for item in items {
        if let Ok(item) = ItemId::parse(&item) {
            ids.extend(notify::notify_offers(conn, group, Some(&item), now)?);
        }
    }
    // Items that need repair now: the ones written, and those of the bookings written (a
    // return may have reported it).
    let mut written = BTreeSet::new();
    for r in refs {
        match r {
            EntityRef::Item(id) => {
                written.insert(id.as_str().to_owned());
            }
            EntityRef::Booking(id) => {
                if let Some(item) =
                    item_of.query_row([group.as_str(), id.as_str()], |r| r.get::<_, String>(0)).optional()?
                {
                    written.insert(item);
                }
            }
            _ => {}
        }
    }
    let mut repair =
        conn.prepare_cached("SELECT condition = 'needs_repair' FROM items WHERE group_id = ?1 AND id = ?2")?;
    for item in written {
        let needs: Option<bool> = repair.query_row([group.as_str(), item.as_str()], |r| r.get(0)).optional()?;
        if needs == Some(true)
            && let Ok(item) = ItemId::parse(&item)
        {
            ids.extend(notify::notify_needs_repair(conn, group, &item, now)?);
        }
    }
    Ok(ids)
}

/// Moves this device's hybrid logical clock past the requests among `refs`.
fn observe_hlc(conn: &Connection, group: &GroupId, refs: &BTreeSet<EntityRef>) -> Result<(), StoreError> {
    let mut seen = Hlc::default();
    for r in refs {
        if let EntityRef::Booking(id) = r {
            let hlc: Option<String> = conn
                .prepare_cached("SELECT hlc FROM bookings WHERE group_id = ?1 AND id = ?2")?
                .query_row([group.as_str(), id.as_str()], |r| r.get(0))
                .optional()?;
            if let Some(h) = hlc.as_deref().and_then(Hlc::parse) {
                seen = seen.observe(h);
            }
        }
    }
    if seen > Hlc::default() {
        conn.prepare_cached(
            "UPDATE local_device SET hlc_wall = ?1, hlc_counter = ?2
             WHERE id = 1 AND (hlc_wall < ?1 OR (hlc_wall = ?1 AND hlc_counter < ?2))",
        )?
        .execute(params![seen.wall, seen.counter])?;
    }
    Ok(())
}

impl Drop for Store {
    /// Folds the write-ahead log into the database file on close, so the next open (a cold
    /// app start) does not have to read it back.
    fn drop(&mut self) {
        match self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)) {
            Ok(0) => {
                if let Some(journal) = self.journal.as_mut()
                    && let Err(e) = journal.reset()
                {
                    tracing::debug!(%e, "could not start the change journal over; it is read at the next open");
                }
            }
            Ok(_) => tracing::debug!("checkpoint on close was blocked; the log stays and is read at the next open"),
            Err(e) => tracing::debug!(%e, "checkpoint on close failed; the log stays and is read at the next open"),
        }
    }
}

fn load_or_create_device_key(conn: &Connection, now: Timestamp) -> Result<SigningKey, StoreError> {
    let existing: Option<Vec<u8>> =
        conn.query_row("SELECT secret_key FROM local_device WHERE id = 1", [], |r| r.get(0)).optional()?;
    if let Some(bytes) = existing {
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| StoreError::Corrupt { reason: "the device key is not 32 bytes".into() })?;
        return Ok(SigningKey::from_bytes(&bytes));
    }
    let secret: [u8; 32] = random_bytes();
    conn.execute(
        "INSERT INTO local_device (id, secret_key, created) VALUES (1, ?1, ?2)",
        params![secret.to_vec(), now.0],
    )?;
    Ok(SigningKey::from_bytes(&secret))
}
