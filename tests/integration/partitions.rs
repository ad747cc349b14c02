//! A seeded simulation of one group: seven devices (two stewards, five members) and a hub,
//! each on its own store file and its own clock (up to 30 days off, drifting), under random
//! partitions that form and heal. Devices book, act on bookings, extend them, join
//! waitlists, edit items, change roles and remove members concurrently; those in one
//! partition sync through the sans-IO session (every message through its wire encoding);
//! bundles are carried across partitions and handed over late, old bundles are imported
//! again, devices restart from their files. Every error must be a refusal the rules allow
//! (a domain rule, a removed member's device); then every device still a member syncs with
//! the hub and all show the same projection and resolutions, every acknowledged booking of
//! a member is there, and `Store::check` is clean on each.
//!
//! Seeds: `DELBAR_SIM_SEED=N` replays one seed; `DELBAR_SIM_SEEDS=K` runs K more seeds after
//! the default ones; `DELBAR_SIM_STEPS` changes the number of steps per seed. A failing seed
//! is printed with the line that replays it.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use delbar_core::domain::{BookingAction, BookingState, ItemDraft, ItemPatch, LoanRules, Role};
use delbar_core::ids::{BookingId, GroupId, ItemId, MemberId};
use delbar_core::store::BookingFilter;
use delbar_core::sync::{KnownHeads, SyncError, export_bundle, import_bundle};
use delbar_core::time::{DAY_MS, HOUR_MS, MINUTE_MS, ManualClock, Timestamp};
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, Rng, assert_clean, legal_actions, open_rules, projection_rows, request, resolved, view};

/// Seeds every run checks.
const DEFAULT_SEEDS: &[u64] = &[0x5EED_0001, 0x5EED_0002];
/// Steps of one seed (each a few operations; about 5 operations a step on average).
const STEPS: usize = 180;
/// Devices besides the hub: the founder, a second steward, five members.
const DEVICES: usize = 7;
/// Largest clock offset of a device.
const MAX_SKEW_MS: i64 = 30 * DAY_MS;
/// Members removed at most in one run (so most devices stay to the end).
const MAX_REMOVALS: u32 = 2;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| {
        let v = v.trim();
        match v.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => v.parse().ok(),
        }
    })
}

fn seeds() -> Vec<u64> {
    if let Some(seed) = env_u64("DELBAR_SIM_SEED") {
        return vec![seed];
    }
    let mut seeds = DEFAULT_SEEDS.to_vec();
    let more = env_u64("DELBAR_SIM_SEEDS").unwrap_or(0);
    let base = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64);
    let mut rng = Rng::new(base.unwrap_or(7));
    seeds.extend((0..more).map(|_| rng.next_u64()));
    seeds
}

/// What a run did, by kind of operation: (attempted, succeeded).
#[derive(Debug, Default)]
struct Counts(BTreeMap<&'static str, (u64, u64)>);

impl Counts {
    fn note<T>(&mut self, kind: &'static str, result: &Result<T, Error>) {
        let entry = self.0.entry(kind).or_default();
        entry.0 += 1;
        if result.is_ok() {
            entry.1 += 1;
        }
    }

    fn total(&self) -> (u64, u64) {
        self.0.values().fold((0, 0), |(a, s), (x, y)| (a + x, s + y))
    }
}

struct Sim {
    rng: Rng,
    seed: u64,
    /// Keeps the store files until the run ends.
    fx: Fixture,
    group: GroupId,
    /// Devices `0..DEVICES`, then the hub.
    stores: Vec<Store>,
    paths: Vec<PathBuf>,
    clocks: Vec<ManualClock>,
    skew: Vec<i64>,
    members: Vec<MemberId>,
    items: Vec<ItemId>,
    /// The true time; each device's clock reads it plus its skew.
    now: i64,
    /// Which partition each device (and the hub) is in.
    part: Vec<usize>,
    /// Bundles on their way: (to, bytes, step to hand over at).
    carried: Vec<(usize, Vec<u8>, usize)>,
    /// Full bundles kept to be imported again later.
    old_bundles: Vec<Vec<u8>>,
    /// Bookings acknowledged, with the device that made them.
    acknowledged: Vec<(usize, BookingId)>,
    removals: u32,
    counts: Counts,
}

fn hub() -> usize {
    DEVICES
}

/// Whether an error is a refusal the rules allow: a domain rule (permission, capacity,
/// lifecycle, a booking or member not known here yet) or a device that is no longer a
/// member's. Anything else (storage, malformed data between honest devices) fails the run.
fn allowed(e: &Error) -> bool {
    matches!(
        e,
        Error::Domain(_)
            | Error::NotAMember { .. }
            | Error::BookingNotFound { .. }
            | Error::MemberNotFound { .. }
            | Error::ItemNotFound { .. }
            | Error::Sync(SyncError::NotAMemberDevice { .. })
    )
}

impl Sim {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut fx = Fixture::new();
        let press = fx.item_from(ItemDraft {
            rules: LoanRules { requires_approval: true, ..open_rules() },
            ..ItemDraft::named("Äppelpress")
        });
        let trailer = fx.item_from(ItemDraft {
            quantity: 2,
            rules: LoanRules { buffer_minutes: 30, self_service: true, ..open_rules() },
            ..ItemDraft::named("Släpvagn")
        });
        let kit = fx.item_from(ItemDraft {
            rules: LoanRules { self_service: true, ..open_rules() },
            kit_parts: BTreeMap::from([(trailer.id.clone(), 1)]),
            ..ItemDraft::named("Flyttpaket")
        });
        let ladder = fx.item_from(ItemDraft { quantity: 3, rules: open_rules(), ..ItemDraft::named("Stege") });
        let group = fx.group.clone();
        let now = delbar_tests::start().0;
        let mut stores = Vec::new();
        let mut paths = vec![fx.path.clone()];
        let mut clocks = vec![fx.clock.clone()];
        let mut members = vec![fx.me.clone()];
        for i in 1..=DEVICES {
            let (name, role) = match i {
                1 => ("Eva".to_owned(), Role::Steward),
                i if i == hub() => ("Verkstadsnav".to_owned(), Role::Member),
                i => (format!("Medlem {i}"), Role::Member),
            };
            let clock = ManualClock::new(Timestamp(now));
            let peer = fx.join_with_clock(&name, role, &clock);
            stores.push(peer.store);
            paths.push(peer.path);
            clocks.push(clock);
            members.push(peer.member);
        }
        // Every device starts with the whole group.
        let founder = std::mem::replace(&mut fx.store, delbar_tests::open_store(Path::new(":memory:"), &fx.clock));
        stores.insert(0, founder);
        for i in 1..stores.len() {
            let (a, b) = two(&mut stores, 0, i);
            delbar_tests::session(a, b, &group).unwrap();
        }
        let skew = (0..=DEVICES)
            .map(|i| if i == hub() { 0 } else { rng.range(-MAX_SKEW_MS, MAX_SKEW_MS) / MINUTE_MS * MINUTE_MS })
            .collect();
        let items = vec![press.id, trailer.id, kit.id, ladder.id];
        let mut sim = Sim {
            rng,
            seed,
            fx,
            group,
            stores,
            paths,
            clocks,
            skew,
            members,
            items,
            now,
            part: vec![0; DEVICES + 1],
            carried: Vec::new(),
            old_bundles: Vec::new(),
            acknowledged: Vec::new(),
            removals: 0,
            counts: Counts::default(),
        };
        sim.set_clocks();
        sim
    }

    fn set_clocks(&mut self) {
        for (clock, skew) in self.clocks.iter().zip(&self.skew) {
            clock.set(Timestamp(self.now + skew));
        }
    }

    /// Fails the run on an error the rules do not allow.
    fn expect_allowed<T>(&self, what: &str, result: &Result<T, Error>) {
        if let Err(e) = result {
            assert!(allowed(e), "seed {:#x}: {what} failed: {e:?}", self.seed);
        }
    }

    fn record<T>(&mut self, kind: &'static str, result: Result<T, Error>) -> Option<T> {
        self.counts.note(kind, &result);
        self.expect_allowed(kind, &result);
        result.ok()
    }

    fn step(&mut self, step: usize) {
        // Time passes; clocks drift by up to a minute either way.
        self.now += self.rng.range(1, 90) * MINUTE_MS;
        for i in 0..DEVICES {
            let drift = self.rng.range(-1, 1) * MINUTE_MS;
            self.skew[i] = (self.skew[i] + drift).clamp(-MAX_SKEW_MS, MAX_SKEW_MS);
        }
        self.set_clocks();
        // Partitions form and heal.
        if self.rng.below(100) < 12 {
            let parts = self.rng.range(1, 4) as usize;
            for p in self.part.iter_mut() {
                *p = self.rng.below(parts);
            }
        }
        // Carried bundles due now are handed over.
        let due: Vec<(usize, Vec<u8>)> = {
            let (due, later): (Vec<_>, Vec<_>) =
                std::mem::take(&mut self.carried).into_iter().partition(|c| c.2 <= step);
            self.carried = later;
            due.into_iter().map(|(to, bytes, _)| (to, bytes)).collect()
        };
        for (to, bytes) in due {
            let g = self.group.clone();
            let result = import_bundle(&mut self.stores[to], &g, &bytes);
            self.record("bundle handed over", result);
        }
        for _ in 0..self.rng.range(2, 7) {
            self.operation(step);
        }
    }

    fn operation(&mut self, step: usize) {
        let g = self.group.clone();
        let d = self.rng.below(DEVICES);
        match self.rng.below(100) {
            0..=33 => {
                let item = self.rng.pick(&self.items).clone();
                let start = self.now + 31 * DAY_MS + self.rng.range(0, 96) * HOUR_MS;
                let len = self.rng.range(1, 8) * HOUR_MS;
                let units = if self.rng.below(4) == 0 { 2 } else { 1 };
                let ask = request(&item, Timestamp(start), Timestamp(start + len), units);
                let wait = self.rng.below(6) == 0;
                let result = if wait { self.stores[d].join_waitlist(&g, &ask) } else { self.stores[d].book(&g, &ask) };
                if let Some(b) = self.record(if wait { "waitlist" } else { "book" }, result) {
                    self.acknowledged.push((d, b.id));
                }
            }
            34..=53 => {
                let list = self.bookings(d);
                if list.is_empty() {
                    return;
                }
                let b = self.rng.pick(&list).clone();
                let mut legal = legal_actions(b.state).to_vec();
                if b.state == BookingState::Waitlisted {
                    legal.push(BookingAction::Claim);
                }
                if legal.is_empty() {
                    return;
                }
                let action = *self.rng.pick(&legal);
                let result = self.stores[d].act_on_booking(&g, &b.id, action);
                self.record("act on booking", result);
            }
            54..=58 => {
                let list = self.bookings(d);
                if list.is_empty() {
                    return;
                }
                let b = self.rng.pick(&list).clone();
                let end = b.end.plus_ms(self.rng.range(-2, 6) * HOUR_MS);
                let result = self.stores[d].extend_booking(&g, &b.id, end);
                self.record("extend booking", result);
            }
            59..=63 => {
                let item = self.rng.pick(&self.items).clone();
                let patch = match self.rng.below(3) {
                    0 => ItemPatch { name: Some(format!("Sak {}", self.rng.below(1000))), ..ItemPatch::default() },
                    1 => ItemPatch { quantity: Some(self.rng.range(1, 3)), ..ItemPatch::default() },
                    _ => ItemPatch { tags: Some(vec![format!("tagg{}", self.rng.below(5))]), ..ItemPatch::default() },
                };
                let result = self.stores[d].update_item(&g, &item, &patch);
                self.record("edit item", result);
            }
            64 => {
                // Roles change and members are removed, rarely (never the hub's member).
                let target = self.rng.below(DEVICES);
                if target == d {
                    return;
                }
                let member = self.members[target].clone();
                if self.rng.below(2) == 0 && self.removals < MAX_REMOVALS {
                    let result = self.stores[d].remove_member(&g, &member);
                    if result.is_ok() {
                        self.removals += 1;
                    }
                    self.record("remove member", result);
                } else {
                    let role = if self.rng.below(2) == 0 { Role::Steward } else { Role::Member };
                    let result = self.stores[d].set_role(&g, &member, role);
                    self.record("change role", result);
                }
            }
            65..=86 => {
                // A session with a device (or the hub) in the same partition.
                let other = self.rng.below(DEVICES + 1);
                if other == d || self.part[other] != self.part[d] {
                    return;
                }
                let (a, b) = two(&mut self.stores, d, other);
                let result = delbar_tests::session(a, b, &g);
                self.record("session", result);
            }
            87..=92 => {
                // A bundle carried to any device, across partitions, handed over now or later:
                // everything, or what the receiver lacked when it was made.
                let to = self.rng.below(DEVICES + 1);
                if to == d {
                    return;
                }
                let full = self.rng.below(3) == 0;
                let known = if full { None } else { KnownHeads::of(&self.stores[to], &g).ok() };
                let result = export_bundle(&self.stores[d], &g, known.as_ref());
                if let Some(bytes) = self.record("bundle made", result) {
                    if full {
                        self.old_bundles.push(bytes.clone());
                        if self.old_bundles.len() > 8 {
                            self.old_bundles.remove(0);
                        }
                    }
                    let at = step + self.rng.below(20);
                    self.carried.push((to, bytes, at));
                }
            }
            93..=95 => {
                // An old bundle imported again somewhere.
                if self.old_bundles.is_empty() {
                    return;
                }
                let bytes = self.rng.pick(&self.old_bundles).clone();
                let to = self.rng.below(DEVICES + 1);
                let result = import_bundle(&mut self.stores[to], &g, &bytes);
                self.record("old bundle", result);
            }
            96 => {
                // A device restarts from its file.
                let clock: Arc<ManualClock> = Arc::new(self.clocks[d].clone());
                let placeholder = delbar_tests::open_store(Path::new(":memory:"), &self.clocks[d]);
                drop(std::mem::replace(&mut self.stores[d], placeholder));
                let result = Store::open_with_clock(&self.paths[d], clock);
                self.counts.note("restart", &result);
                match result {
                    Ok(store) => self.stores[d] = store,
                    Err(e) => panic!("seed {:#x}: device {d} did not open again: {e:?}", self.seed),
                }
            }
            _ => {
                // Upkeep and notifications on the device's own time.
                let result = self.stores[d].tick().map(|_| ());
                self.record("tick", result);
            }
        }
    }

    fn bookings(&self, d: usize) -> Vec<delbar_core::domain::Booking> {
        let filter = BookingFilter { limit: 10_000, ..BookingFilter::default() };
        self.stores[d].bookings(&self.group, &filter).unwrap_or_default()
    }

    /// Every device syncs with the hub, twice around; those the hub refuses (removed members'
    /// devices) are left out. Returns the devices that stay.
    fn heal(&mut self) -> Vec<usize> {
        let g = self.group.clone();
        let mut stay = BTreeSet::new();
        for round in 0..2 {
            for d in 0..DEVICES {
                let (a, b) = two(&mut self.stores, d, hub());
                let result = delbar_tests::session(a, b, &g);
                self.counts.note("final session", &result);
                self.expect_allowed("final session", &result);
                if round == 1 && result.is_ok() {
                    stay.insert(d);
                }
            }
        }
        stay.insert(hub());
        stay.into_iter().collect()
    }

    fn assert_converged(&mut self, stay: &[usize]) {
        let g = self.group.clone();
        let seed = self.seed;
        let h = hub();
        let (v, rows, r) = (view(&self.stores[h], &g), projection_rows(&self.paths[h]), resolved(&self.stores[h], &g));
        for &d in stay {
            assert_eq!(resolved(&self.stores[d], &g), r, "seed {seed:#x}: device {d} resolves otherwise than the hub");
            assert_eq!(view(&self.stores[d], &g), v, "seed {seed:#x}: device {d} shows otherwise than the hub");
            assert_eq!(projection_rows(&self.paths[d]), rows, "seed {seed:#x}: device {d}'s projection differs");
            assert_clean(&mut self.stores[d]);
        }
        // Every booking a member's device acknowledged is there (removed members' devices
        // may have kept some to themselves).
        let removed: BTreeSet<&MemberId> = v.members.iter().filter(|m| !m.is_active()).map(|m| &m.id).collect();
        for (d, id) in &self.acknowledged {
            if stay.contains(d) && !removed.contains(&self.members[*d]) {
                assert!(r.contains_key(id), "seed {seed:#x}: booking {id} acknowledged by device {d} vanished");
            }
        }
        for (id, (state, bump)) in &r {
            assert_eq!(*state == BookingState::Bumped, bump.is_some(), "seed {seed:#x}: booking {id}");
        }
    }
}

/// Two distinct elements of a slice, mutably.
fn two<T>(v: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    assert_ne!(a, b);
    if a < b {
        let (x, y) = v.split_at_mut(b);
        (&mut x[a], &mut y[0])
    } else {
        let (x, y) = v.split_at_mut(a);
        (&mut y[0], &mut x[b])
    }
}

fn simulate(seed: u64, steps: usize) -> Counts {
    let mut sim = Sim::new(seed);
    for step in 0..steps {
        sim.step(step);
    }
    // Bundles still being carried arrive.
    for (to, bytes, _) in std::mem::take(&mut sim.carried) {
        let g = sim.group.clone();
        let result = import_bundle(&mut sim.stores[to], &g, &bytes);
        sim.record("bundle handed over", result);
    }
    let stay = sim.heal();
    assert!(stay.len() >= DEVICES + 1 - MAX_REMOVALS as usize, "seed {seed:#x}: only {stay:?} stayed");
    sim.assert_converged(&stay);
    let _ = &sim.fx;
    std::mem::take(&mut sim.counts)
}

#[test]
fn seven_devices_and_a_hub_converge_under_partitions_skew_and_bundles() {
    let steps = env_u64("DELBAR_SIM_STEPS").map_or(STEPS, |s| s as usize);
    for seed in seeds() {
        let started = std::time::Instant::now();
        match catch_unwind(AssertUnwindSafe(|| simulate(seed, steps))) {
            Ok(counts) => {
                let (attempted, ok) = counts.total();
                eprintln!(
                    "partition simulation seed {seed:#x}: {steps} steps, {attempted} operations ({ok} accepted) in {:.1} s: {:?}",
                    started.elapsed().as_secs_f64(),
                    counts.0
                );
            }
            Err(panic) => {
                eprintln!("partition simulation failed with seed {seed:#x}; replay: DELBAR_SIM_SEED={seed:#x}");
                resume_unwind(panic);
            }
        }
    }
}
