//! A realistic group history, built once per size for both designs: items with Nordic names,
//! members on their own devices, bookings spread over months with real lifecycles (most
//! returned, some cancelled, a few overdue, the near future confirmed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use automerge::transaction::CommitOptions;
use automerge::{AutoCommit, ChangeHash};
use delbar_core::docs::{DocKey, Entity, actor_of, write_entity};
use delbar_core::domain::hlc::Hlc;
use delbar_core::domain::{ActivityAction, ActivityEntry, BookingEvent, BookingRecord, Item, ItemDraft, Role, event};
use delbar_core::ids::{ActivityId, BookingId, DeviceId, GroupId, ItemId, MemberId};
use delbar_core::store::{DocumentExport, StoreError};
use delbar_core::time::{DAY_MS, HOUR_MS, ManualClock, Timestamp};
use delbar_core::trust::attest::{self, Attestation};
use delbar_core::{Result, Store};

use crate::naive::Naive;

/// The shape of the group to build.
pub struct Plan {
    pub items: usize,
    pub members: usize,
    pub bookings: usize,
    pub seed: u64,
}

/// The group's catalogue (group, members, items), made once per run through the store's
/// ordinary writes on a builder device and then copied into each measured store.
pub struct Catalogue {
    pub builder: Store,
    pub group: GroupId,
    pub members: Vec<(MemberId, DeviceId)>,
    pub items: Vec<Item>,
    /// The members' device keys: their changes are signed (attested) as their devices would.
    keys: BTreeMap<DeviceId, ed25519_dalek::SigningKey>,
    _dir: tempfile::TempDir,
}

/// What was built.
pub struct Built {
    pub delbar_path: PathBuf,
    pub naive_path: PathBuf,
    pub group: GroupId,
    pub items: Vec<(ItemId, String)>,
    pub now: Timestamp,
    pub clock: ManualClock,
}

/// SplitMix64: reproducible choices.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const NAMES: &[&str] = &[
    "Jordfräs",
    "Såmaskin",
    "Växthusvärmare",
    "Grästrimmer",
    "Motorsåg",
    "Øksa",
    "Kompostkvarn",
    "Lövblås",
    "Stege",
    "Skottkärra",
    "Borrmaskin",
    "Bandslip",
    "Svarv",
    "Högtryckstvätt",
    "Släpvagn",
    "Vedklyv",
    "Häcksax",
    "Gräsklippare",
    "Snöslunga",
    "Symaskin",
    "Lödstation",
    "Kapsåg",
    "Planhyvel",
    "Tältkåta",
];
const CATEGORIES: &[&str] = &["garden", "woodwork", "workshop", "outdoor", "textile", "electronics"];

/// The instant the benchmark calls "now".
pub fn now() -> Timestamp {
    Timestamp::from_civil(2026, 11, 22, 12, 0).unwrap_or(Timestamp(0))
}

/// Bookings starting in each 30 days: how busy the measured group is, the same at every
/// history size, so that the sizes differ in the group's age alone (5,000 bookings: five
/// weeks; 200,000: four years).
const BOOKINGS_PER_30_DAYS: i64 = 4_000;

/// The history's bookings start from here to two weeks ahead of `now` (the near future is
/// booked), at [`BOOKINGS_PER_30_DAYS`]; four weeks at least.
fn history_start(plan: &Plan) -> Timestamp {
    let days = (plan.bookings as i64 * 30 / BOOKINGS_PER_30_DAYS).max(28);
    now().plus_ms(14 * DAY_MS - days * DAY_MS)
}

/// Makes the catalogue: the group, `plan.members` members on their own devices (three
/// stewards), `plan.items` items, each through the store's ordinary writes.
pub fn catalogue(plan: &Plan) -> Result<Catalogue> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Io { path: "temp".into(), message: e.to_string() })?;
    let mut rng = Rng(plan.seed ^ 0xC0FFEE);
    let clock = ManualClock::new(now().plus_ms(-5 * 365 * DAY_MS));
    let mut builder = Store::open_with_clock(dir.path().join("builder.db"), Arc::new(clock))?;
    let group = builder.create_group("Odlingsakademin Storsjöbygden", "Benchmark group", "Karin")?.id;
    let mut members = Vec::new();
    let mut keys = BTreeMap::new();
    for m in 0..plan.members {
        let secret: [u8; 32] = std::array::from_fn(|i| (rng.next() as u8) ^ (i as u8));
        let key = ed25519_dalek::SigningKey::from_bytes(&secret);
        let device = DeviceId::from_public_key(&key.verifying_key().to_bytes());
        let role = if m < 3 { Role::Steward } else { Role::Member };
        let member = builder.add_member(&group, &format!("Medlem {m}"), role, Some((device.clone(), "phone")))?;
        members.push((member.id, device.clone()));
        keys.insert(device, key);
    }
    let mut items = Vec::new();
    for i in 0..plan.items {
        let name = format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1);
        let mut draft = ItemDraft::named(&name);
        draft.category = CATEGORIES[i % CATEGORIES.len()].to_owned();
        draft.tags = vec![format!("hylla-{}", i % 40)];
        draft.quantity = 1 + (i % 3) as i64;
        draft.location.text = format!("Lövåsen, ladan {}", i % 12);
        draft.rules.max_advance_days = Some(365);
        items.push(builder.add_item(&group, draft)?);
    }
    Ok(Catalogue { builder, group, members, items, keys, _dir: dir })
}

/// A one-unit booking of `item` by `member` on `device`, requested and confirmed at `at`.
pub fn confirmed_booking(
    item: ItemId,
    member: &MemberId,
    device: &DeviceId,
    (start, end): (Timestamp, Timestamp),
    at: Timestamp,
) -> BookingRecord {
    let stamp = BookingEvent::new(at, member.clone(), device.clone());
    BookingRecord {
        // As a device makes it: ordered by the instant it was made, naming its document.
        id: BookingId::generate_in(at, DocKey::bookings_at(start)),
        item,
        member: member.clone(),
        units: 1,
        start,
        end,
        note: String::new(),
        waitlisted: false,
        events: [(event::CONFIRMED.to_owned(), stamp)].into_iter().collect(),
        created: at,
        created_by: device.clone(),
        updated: at,
        hlc: String::new(),
        queue_rank: None,
    }
}

/// The documents of a booking history, built directly as automerge documents the way the
/// members' devices would have written them: one change per write (booked, checked out,
/// returned or cancelled), each by the device that made it, in monthly booking and activity
/// documents.
///
/// Each device writes on its own branch of each document (as devices that were offline
/// while they wrote), and the branches are merged at the end in one batch. Writing every
/// change into one ever-growing document instead costs time that grows with the document
/// (automerge inserts into its columns), which made a 200k history take hours to build.
struct HistoryDocs {
    branches: BTreeMap<(DocKey, DeviceId), AutoCommit>,
    /// Each device's newest change in each document, which it attests.
    newest: BTreeMap<(DocKey, DeviceId), ChangeHash>,
}

impl HistoryDocs {
    fn write(&mut self, key: DocKey, device: &DeviceId, at: Timestamp, entities: &[Entity]) -> Result<()> {
        let doc = self.branches.entry((key, device.clone())).or_insert_with(|| {
            let mut doc = AutoCommit::new();
            doc.set_actor(actor_of(device));
            doc
        });
        for entity in entities {
            write_entity(doc, &key, entity)?;
        }
        if let Some(hash) = doc.commit_with(CommitOptions::default().with_time(at.0.div_euclid(1000))) {
            self.newest.insert((key, device.clone()), hash);
        }
        Ok(())
    }

    /// Every document, its devices' branches merged.
    fn merged(&mut self) -> Result<BTreeMap<DocKey, AutoCommit>> {
        let mut out: BTreeMap<DocKey, Vec<u8>> = BTreeMap::new();
        for ((key, _), mut branch) in std::mem::take(&mut self.branches) {
            out.entry(key).or_default().extend(branch.save());
        }
        out.into_iter()
            .map(|(key, bytes)| {
                let mut doc = AutoCommit::new();
                doc.load_incremental(&bytes).map_err(StoreError::from)?;
                Ok((key, doc))
            })
            .collect()
    }

    /// The attestations of every device that wrote to `key`, signed with its key.
    fn attestations(
        &self,
        group: &GroupId,
        key: DocKey,
        keys: &BTreeMap<DeviceId, ed25519_dalek::SigningKey>,
    ) -> Vec<Attestation> {
        self.newest
            .iter()
            .filter(|((k, _), _)| *k == key)
            .filter_map(|((_, device), hash)| keys.get(device).map(|sk| attest::sign(sk, group, key, hash)))
            .collect()
    }
}

/// Builds the Delbar store and the naive document for `plan` under `dir`. The measured
/// device joins the catalogue's group as a member; the history arrives through
/// [`Store::merge_documents`], a few documents per call, as received changes do.
/// With `with_naive` false, only the Delbar store is built (`naive_path` then names no file).
pub fn build_with(dir: &Path, plan: &Plan, cat: &mut Catalogue, with_naive: bool) -> Result<Built> {
    let now = now();
    let mut rng = Rng(plan.seed);
    let history_start = history_start(plan);
    let clock = ManualClock::new(history_start);
    let delbar_path = dir.join("delbar.db");
    let mut store = Store::open_with_clock(&delbar_path, Arc::new(clock.clone()))?;
    let group = cat.group.clone();
    cat.builder.add_member(
        &group,
        &format!("Mätenheten {}", plan.bookings),
        Role::Steward,
        Some((store.device_id().clone(), "phone")),
    )?;
    store.merge_documents(&group, &cat.builder.export_group(&group)?)?;
    let mut naive = Naive::new(cat.builder.device_id())?;
    for item in cat.items.iter().filter(|_| with_naive) {
        naive.add_item(item)?;
    }
    let items: Vec<(ItemId, String)> = cat.items.iter().map(|i| (i.id.clone(), i.name.clone())).collect();
    // Bookings: each item gets its share, one after another, never overlapping.
    let per_item = plan.bookings.div_ceil(items.len().max(1)).max(1) as i64;
    let span = now.plus_ms(14 * DAY_MS).0 - history_start.0;
    let period = (span / per_item).max(4 * DAY_MS);
    // Every write of the history, in the order the devices made them per document.
    // Every action is one change: the booking as it becomes and the activity entry about it,
    // both in the booking's document, as the store writes them.
    let mut writes: Vec<(DocKey, DeviceId, Timestamp, [Entity; 2])> = Vec::new();
    let mut hlc = Hlc::default();
    for k in 0..plan.bookings {
        let item = &cat.items[k % cat.items.len()];
        let slot = (k / cat.items.len()) as i64;
        let start = Timestamp(history_start.0 + slot * period + (k % 24) as i64 * HOUR_MS);
        let end = start.plus_ms((1 + rng.below(3) as i64) * DAY_MS);
        let (member, device) = &cat.members[rng.below(cat.members.len() as u64) as usize];
        let created = start.plus_ms(-(1 + rng.below(10) as i64) * DAY_MS);
        hlc = hlc.tick(created);
        let stamp = |at: Timestamp| BookingEvent::new(at, member.clone(), device.clone());
        let mut record = confirmed_booking(item.id.clone(), member, device, (start, end), created);
        record.hlc = hlc.stamp(device);
        // The lifecycle up to now: (when, event, activity action).
        let mut steps = vec![(created, None, ActivityAction::BookingRequested)];
        if end < now {
            if rng.below(100) < 8 {
                steps.push((start.plus_ms(-HOUR_MS), Some(event::CANCELLED), ActivityAction::BookingCancelled));
            } else {
                steps.push((start, Some(event::CHECKED_OUT), ActivityAction::BookingCheckedOut));
                let overdue = end.0 > now.0 - 20 * DAY_MS && rng.below(100) < 3;
                if !overdue {
                    steps.push((end, Some(event::RETURNED), ActivityAction::BookingReturned));
                }
            }
        } else if start < now {
            steps.push((start, Some(event::CHECKED_OUT), ActivityAction::BookingCheckedOut));
        }
        for (at, ev, action) in steps {
            if let Some(ev) = ev {
                record.events.insert(ev.to_owned(), stamp(at));
                record.updated = at;
            }
            let entry = Entity::Activity(ActivityEntry {
                id: ActivityId::generate_in(at, DocKey::bookings_at(start)),
                at,
                actor: member.clone(),
                device: device.clone(),
                action,
                item: Some(item.id.clone()),
                booking: Some(record.id.clone()),
                subject: Some(member.clone()),
                summary: format!("{}: {} to {}, 1 unit", item.name, start, end),
            });
            writes.push((DocKey::bookings_at(start), device.clone(), at, [Entity::Booking(record.clone()), entry]));
        }
    }
    // The monthly documents and the naive document are written on two threads.
    let phase = std::time::Instant::now();
    let mut history = HistoryDocs { branches: BTreeMap::new(), newest: BTreeMap::new() };
    std::thread::scope(|scope| -> Result<()> {
        let monthly = scope.spawn(|| -> Result<()> {
            let started = std::time::Instant::now();
            for (key, device, at, entities) in &writes {
                history.write(*key, device, *at, entities)?;
            }
            eprintln!("  monthly documents written in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        });
        if with_naive {
            let naive_started = std::time::Instant::now();
            naive.write_on_branches(writes.iter().map(|(_, device, at, entities)| (device, *at, &entities[..])))?;
            eprintln!("  naive document written in {:.1} s", naive_started.elapsed().as_secs_f64());
        }
        monthly.join().map_err(|_| StoreError::Storage { message: "the history builder thread failed".into() })?
    })?;
    drop(writes);
    eprintln!("  documents written in {:.1} s", phase.elapsed().as_secs_f64());
    let phase = std::time::Instant::now();
    let mut batch = Vec::new();
    for (key, mut doc) in history.merged()? {
        let attestations = history.attestations(&group, key, &cat.keys);
        batch.push(DocumentExport { key: key.to_string(), data: doc.save(), attestations });
        if batch.len() == 8 {
            store.merge_documents(&group, &std::mem::take(&mut batch))?;
        }
    }
    store.merge_documents(&group, &batch)?;
    eprintln!("  merged into the store in {:.1} s", phase.elapsed().as_secs_f64());
    clock.set(now);
    let naive_path = dir.join("naive.automerge");
    if with_naive {
        naive.save_to(&naive_path)?;
    }
    drop(store);
    Ok(Built { delbar_path, naive_path, group, items, now, clock })
}
/// Opens the built Delbar store again (a warm process, for latency figures).
pub fn reopen(built: &Built) -> Result<Store> {
    Store::open_with_clock(&built.delbar_path, Arc::new(built.clock.clone()))
}
