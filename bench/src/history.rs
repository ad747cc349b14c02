//! A realistic group history, built once per size for both designs: items with Nordic names,
//! members on their own devices, bookings spread over months with real lifecycles (most
//! returned, some cancelled, a few overdue, the near future confirmed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use automerge::AutoCommit;
use automerge::transaction::CommitOptions;
use delbar_core::docs::{DocKey, Entity, actor_of, write_entity};
use delbar_core::domain::hlc::Hlc;
use delbar_core::domain::{BookingEvent, BookingRecord, ItemDraft, Role, event};
use delbar_core::ids::{BookingId, DeviceId, GroupId, ItemId, MemberId};
use delbar_core::store::DocumentExport;
use delbar_core::time::{DAY_MS, HOUR_MS, ManualClock, Timestamp};
use delbar_core::{Result, Store};

use crate::naive::Naive;

/// The shape of the group to build.
pub struct Plan {
    pub items: usize,
    pub members: usize,
    pub bookings: usize,
    pub seed: u64,
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

/// Builds the Delbar store and the naive document for `plan` under `dir`.
pub fn build(dir: &Path, plan: &Plan) -> Result<Built> {
    let now = now();
    let mut rng = Rng(plan.seed);
    // History starts early enough that about 4,000 bookings fall in each month.
    let months = (plan.bookings / 4_000).max(2) as i64;
    let history_start = now.plus_ms(-months * 30 * DAY_MS);
    let clock = ManualClock::new(history_start);
    let delbar_path = dir.join("delbar.db");
    let mut store = Store::open_with_clock(&delbar_path, Arc::new(clock.clone()))?;
    let group = store.create_group("Odlingsakademin Storsjöbygden", "Benchmark group", "Karin")?.id;
    let mut members: Vec<(MemberId, DeviceId)> = Vec::new();
    for m in 0..plan.members {
        let secret: [u8; 32] = std::array::from_fn(|i| (rng.next() as u8) ^ (i as u8));
        let key = ed25519_dalek::SigningKey::from_bytes(&secret);
        let device = DeviceId::from_public_key(&key.verifying_key().to_bytes());
        let role = if m < 3 { Role::Steward } else { Role::Member };
        let member = store.add_member(&group, &format!("Medlem {m}"), role, Some((device.clone(), "phone")))?;
        members.push((member.id, device));
    }
    let mut naive = Naive::new(store.device_id())?;
    let mut items = Vec::new();
    for i in 0..plan.items {
        let name = format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1);
        let mut draft = ItemDraft::named(&name);
        draft.category = CATEGORIES[i % CATEGORIES.len()].to_owned();
        draft.tags = vec![format!("hylla-{}", i % 40)];
        draft.quantity = 1 + (i % 3) as i64;
        draft.location.text = format!("Lövåsen, ladan {}", i % 12);
        draft.rules.max_advance_days = Some(365);
        let item = store.add_item(&group, draft)?;
        naive.add_item(&item)?;
        items.push((item.id.clone(), item.name.clone()));
    }
    // Bookings: each item gets its share, one after another, never overlapping.
    let per_item = plan.bookings.div_ceil(plan.items.max(1)).max(1) as i64;
    let span = now.plus_ms(14 * DAY_MS).0 - history_start.0;
    let period = (span / per_item).max(4 * DAY_MS);
    let mut months_docs: BTreeMap<DocKey, AutoCommit> = BTreeMap::new();
    let mut hlc = Hlc::default();
    for k in 0..plan.bookings {
        let (item_id, _) = &items[k % items.len()];
        let slot = (k / items.len()) as i64;
        let start = Timestamp(history_start.0 + slot * period + (k % 24) as i64 * HOUR_MS);
        let end = start.plus_ms((1 + rng.below(3) as i64) * DAY_MS);
        let (member, device) = &members[rng.below(members.len() as u64) as usize];
        let created = start.plus_ms(-(1 + rng.below(10) as i64) * DAY_MS);
        hlc = hlc.tick(created);
        let stamp = |at: Timestamp| BookingEvent { at, by: member.clone(), device: device.clone() };
        let mut events = BTreeMap::new();
        events.insert(event::CONFIRMED.to_owned(), stamp(created));
        if end < now {
            if rng.below(100) < 8 {
                events.insert(event::CANCELLED.to_owned(), stamp(start.plus_ms(-HOUR_MS)));
            } else {
                events.insert(event::CHECKED_OUT.to_owned(), stamp(start));
                let overdue = end.0 > now.0 - 20 * DAY_MS && rng.below(100) < 3;
                if !overdue {
                    events.insert(event::RETURNED.to_owned(), stamp(end));
                }
            }
        } else if start < now {
            events.insert(event::CHECKED_OUT.to_owned(), stamp(start));
        }
        let record = BookingRecord {
            id: BookingId::generate(),
            item: item_id.clone(),
            member: member.clone(),
            units: 1,
            start,
            end,
            note: String::new(),
            waitlisted: false,
            events,
            created,
            created_by: device.clone(),
            updated: created,
            hlc: hlc.stamp(device),
            queue_rank: None,
        };
        let key = DocKey::bookings_at(start);
        let doc = months_docs.entry(key).or_default();
        doc.set_actor(actor_of(device));
        write_entity(doc, &Entity::Booking(record.clone()))?;
        doc.commit_with(CommitOptions::default().with_time(created.0 / 1000));
        naive.add_booking(&record, device)?;
    }
    for (key, mut doc) in months_docs {
        store.merge_documents(
            &group,
            &[DocumentExport { key: key.to_string(), data: doc.save(), attestations: vec![] }],
        )?;
    }
    clock.set(now);
    let naive_path = dir.join("naive.automerge");
    naive.save_to(&naive_path)?;
    drop(store);
    Ok(Built { delbar_path, naive_path, group, items, now, clock })
}

/// Opens the built Delbar store again (a warm process, for latency figures).
pub fn reopen(built: &Built) -> Result<Store> {
    Store::open_with_clock(&built.delbar_path, Arc::new(built.clock.clone()))
}
