//! Membership edge cases: an old backup of a steward's store, or an old bundle, never brings
//! a removed member back; two stewards who remove each other while apart resolve the same
//! way on every device (the removal made first counts, and the other steward, removed by
//! then, could no longer remove anyone; removals at the same instant both count).

use std::path::Path;

use delbar_core::domain::{ItemDraft, Member, Role};
use delbar_core::ids::{GroupId, MemberId};
use delbar_core::sync::{SyncError, export_bundle, import_bundle};
use delbar_core::time::{ManualClock, Timestamp};
use delbar_core::{Error, Store};
use delbar_tests::{
    Fixture, assert_clean, at_hours, copy_store_file, fingerprint, open_rules, open_store, projection_rows, request,
    resolved, session, view,
};

/// `member`'s entry as `store` projects it.
fn member(store: &Store, g: &GroupId, id: &MemberId) -> Member {
    store.members(g).unwrap().into_iter().find(|m| &m.id == id).unwrap()
}

fn is_refused_sender(e: &Error) -> bool {
    matches!(e, Error::Sync(SyncError::NotAMemberDevice { .. }))
}

/// Asserts every store shows the same group and projection, and passes `check`.
fn assert_alike(stores: &mut [(&mut Store, &Path)], g: &GroupId) {
    let (first, first_path) = &stores[0];
    let (v, rows, r) = (view(first, g), projection_rows(first_path), resolved(first, g));
    for (i, (s, path)) in stores.iter_mut().enumerate() {
        assert_eq!(view(s, g), v, "device {i} shows another group");
        assert_eq!(projection_rows(path), rows, "device {i} projects other rows");
        assert_eq!(resolved(s, g), r, "device {i} resolves otherwise");
        assert_clean(s);
    }
}

#[test]
fn an_old_backup_never_re_adds_a_removed_member() {
    let mut fx = Fixture::new();
    let press = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Äppelpress") });
    let mut eva = fx.join("Eva", Role::Steward);
    let mut olle = fx.join("Olle", Role::Member);
    let mut hub = fx.join("Verkstadsnav", Role::Member);
    let g = fx.group.clone();
    for peer in [&mut eva.store, &mut olle.store, &mut hub.store] {
        session(&mut fx.store, peer, &g).unwrap();
    }
    let before = olle.store.book(&g, &request(&press.id, at_hours(24), at_hours(30), 1)).unwrap();
    session(&mut olle.store, &mut hub.store, &g).unwrap();

    // Karin's phone is backed up (closed, copied), then she removes Olle and syncs.
    let backup = fx.dir.path().join("karin-backup.db");
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    copy_store_file(&fx.path, &backup);
    fx.store = open_store(&fx.path, &fx.clock);
    fx.clock.advance(60_000);
    fx.store.remove_member(&g, &olle.member).unwrap();
    session(&mut fx.store, &mut hub.store, &g).unwrap();
    session(&mut hub.store, &mut eva.store, &g).unwrap();

    // Her phone is lost; the backup is restored onto another phone. It still counts Olle
    // as a member, so Olle, who has not heard either, syncs with it a booking made after
    // his removal.
    drop(std::mem::replace(&mut fx.store, open_store(Path::new(":memory:"), &fx.clock)));
    let mut restored = open_store(&backup, &fx.clock);
    assert!(member(&restored, &g, &olle.member).is_active());
    fx.clock.advance(60 * 60_000);
    let after = olle.store.book(&g, &request(&press.id, at_hours(48), at_hours(50), 1)).unwrap();
    session(&mut olle.store, &mut restored, &g).unwrap();
    assert!(resolved(&restored, &g).contains_key(&after.id));

    // The restored phone meets the hub: every document of the backup reaches the hub, and
    // Olle stays removed there, on Eva's phone and now on the restored phone too.
    session(&mut restored, &mut hub.store, &g).unwrap();
    session(&mut hub.store, &mut eva.store, &g).unwrap();
    for (who, store) in [("restored", &restored), ("hub", &hub.store), ("eva", &eva.store)] {
        assert!(!member(store, &g, &olle.member).is_active(), "the old backup brought Olle back on {who}");
        let bookings = resolved(store, &g);
        assert!(bookings.contains_key(&before.id), "a booking made while a member was lost");
        assert!(!bookings.contains_key(&after.id), "a booking made after removal counts");
    }
    // Olle's own phone is refused by the hub and by the restored phone.
    assert!(is_refused_sender(&session(&mut olle.store, &mut hub.store, &g).unwrap_err()));
    assert!(is_refused_sender(&session(&mut olle.store, &mut restored, &g).unwrap_err()));
    assert_alike(&mut [(&mut hub.store, &hub.path), (&mut eva.store, &eva.path), (&mut restored, &backup)], &g);
}

#[test]
fn an_old_bundle_never_re_adds_a_removed_member() {
    let mut fx = Fixture::new();
    let press = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Äppelpress") });
    let mut eva = fx.join("Eva", Role::Steward);
    let mut olle = fx.join("Olle", Role::Member);
    let mut nils = fx.join("Nils", Role::Member);
    let mut hub = fx.join("Verkstadsnav", Role::Member);
    let g = fx.group.clone();
    for peer in [&mut eva.store, &mut olle.store, &mut nils.store, &mut hub.store] {
        session(&mut fx.store, peer, &g).unwrap();
    }
    let before = olle.store.book(&g, &request(&press.id, at_hours(24), at_hours(30), 1)).unwrap();
    // Bundles written before the removal: everything Karin had, and Olle's booking.
    let karins_old = export_bundle(&fx.store, &g, None).unwrap();
    let olles_old = export_bundle(&olle.store, &g, None).unwrap();

    fx.clock.advance(60_000);
    fx.store.remove_member(&g, &olle.member).unwrap();
    session(&mut fx.store, &mut hub.store, &g).unwrap();
    session(&mut hub.store, &mut eva.store, &g).unwrap();

    // Karin's old bundle changes nothing where the removal is known. (What the store
    // records of the heads Karin held, `sync_peer_heads`, may move back to the bundle's:
    // that only makes the next bundle exported for Karin larger, never wrong.)
    let shared = |path: &std::path::Path| {
        let mut rows = fingerprint(path);
        rows.remove("sync_peer_heads");
        rows
    };
    for (store, path) in [(&mut hub.store, &hub.path), (&mut eva.store, &eva.path)] {
        let rows = shared(path);
        let report = import_bundle(store, &g, &karins_old).unwrap();
        assert_eq!(report.documents_changed, 0);
        assert_eq!(shared(path), rows);
        assert!(!member(store, &g, &olle.member).is_active());
    }
    // Olle's old bundle: its signer is no longer a member's device; refused, nothing applied.
    let rows = fingerprint(&hub.path);
    assert!(is_refused_sender(&import_bundle(&mut hub.store, &g, &olles_old).unwrap_err()));
    assert_eq!(fingerprint(&hub.path), rows);

    // Nils has not heard of the removal: he takes Olle's old bundle and a new one with a
    // booking made after the removal, then meets the hub.
    fx.clock.advance(60 * 60_000);
    import_bundle(&mut nils.store, &g, &olles_old).unwrap();
    let after = olle.store.book(&g, &request(&press.id, at_hours(48), at_hours(50), 1)).unwrap();
    import_bundle(&mut nils.store, &g, &export_bundle(&olle.store, &g, None).unwrap()).unwrap();
    session(&mut nils.store, &mut hub.store, &g).unwrap();
    // A phone added after the removal whose first data is Karin's old bundle (which does not
    // list it yet) learns the group from it, then the removal from the hub.
    let stina_path = fx.dir.path().join("stina.db");
    let mut stina = open_store(&stina_path, &fx.clock);
    fx.store.add_member(&g, "Stina", Role::Member, Some((stina.device_id().clone(), "phone"))).unwrap();
    session(&mut fx.store, &mut hub.store, &g).unwrap();
    import_bundle(&mut stina, &g, &karins_old).unwrap();
    assert!(member(&stina, &g, &olle.member).is_active());
    session(&mut hub.store, &mut stina, &g).unwrap();
    session(&mut hub.store, &mut eva.store, &g).unwrap();
    session(&mut hub.store, &mut fx.store, &g).unwrap();
    for store in [&hub.store, &eva.store, &nils.store, &stina, &fx.store] {
        assert!(!member(store, &g, &olle.member).is_active(), "an old bundle brought Olle back");
        let bookings = resolved(store, &g);
        assert!(bookings.contains_key(&before.id));
        assert!(!bookings.contains_key(&after.id), "a booking made after removal counts");
    }
    session(&mut hub.store, &mut nils.store, &g).unwrap();
    assert_alike(
        &mut [
            (&mut hub.store, &hub.path),
            (&mut eva.store, &eva.path),
            (&mut nils.store, &nils.path),
            (&mut stina, &stina_path),
            (&mut fx.store, &fx.path),
        ],
        &g,
    );
}

/// Which steward removes the other first (by their clocks).
#[derive(Debug, Clone, Copy, PartialEq)]
enum First {
    Eva,
    Nils,
    SameInstant,
}

/// Two stewards apart, each on a clock of their own, remove each other, then each adds an
/// item; the changes travel by different routes and orders to every device. Returns who
/// is still active on every device (all agree), and the items every device shows.
fn mutual_removal(first: First) -> (bool, bool, Vec<String>) {
    let mut fx = Fixture::new();
    let eva_clock = ManualClock::new(delbar_tests::start());
    let nils_clock = ManualClock::new(delbar_tests::start());
    let mut eva = fx.join_with_clock("Eva", Role::Steward, &eva_clock);
    let mut nils = fx.join_with_clock("Nils", Role::Steward, &nils_clock);
    let mut olle = fx.join("Olle", Role::Member);
    let mut hub = fx.join("Verkstadsnav", Role::Member);
    let g = fx.group.clone();
    for peer in [&mut eva.store, &mut nils.store, &mut olle.store, &mut hub.store] {
        session(&mut fx.store, peer, &g).unwrap();
    }
    let at = |minutes: i64| Timestamp(delbar_tests::start().0 + minutes * 60_000);
    let (eva_at, nils_at) = match first {
        First::Eva => (at(10), at(20)),
        First::Nils => (at(20), at(10)),
        First::SameInstant => (at(10), at(10)),
    };
    eva_clock.set(eva_at);
    nils_clock.set(nils_at);
    eva.store.remove_member(&g, &nils.member).unwrap();
    nils.store.remove_member(&g, &eva.member).unwrap();
    eva_clock.advance(60_000);
    nils_clock.advance(60_000);
    eva.store.add_item(&g, ItemDraft::named("Evas stege")).unwrap();
    nils.store.add_item(&g, ItemDraft::named("Nils skottkärra")).unwrap();
    fx.clock.set(at(30));

    // The removals travel by different routes, in different orders: Eva's by session to the
    // hub; Nils's by bundle to Olle and to Karin, who have heard of neither. A device that
    // knows of a removal refuses the removed steward's own device from then on, but members
    // relay each other's changes: Olle and the hub exchange everything, then the hub and
    // Karin.
    session(&mut eva.store, &mut hub.store, &g).unwrap();
    let nils_bundle = export_bundle(&nils.store, &g, None).unwrap();
    import_bundle(&mut olle.store, &g, &nils_bundle).unwrap();
    import_bundle(&mut fx.store, &g, &nils_bundle).unwrap();
    session(&mut olle.store, &mut hub.store, &g).unwrap();
    session(&mut hub.store, &mut fx.store, &g).unwrap();
    session(&mut hub.store, &mut olle.store, &g).unwrap();
    // The stewards get the hub's bundle (a removed device may still receive one).
    let everything = export_bundle(&hub.store, &g, None).unwrap();
    import_bundle(&mut eva.store, &g, &everything).unwrap();
    import_bundle(&mut nils.store, &g, &everything).unwrap();
    // Whoever ended up removed is refused by the hub; whoever stayed syncs.
    for (store, id) in [(&mut eva.store, &eva.member), (&mut nils.store, &nils.member)] {
        let standing = member(&hub.store, &g, id).is_active();
        let result = session(store, &mut hub.store, &g);
        if standing {
            result.unwrap();
        } else {
            assert!(is_refused_sender(&result.unwrap_err()));
        }
    }

    let mut all = [
        (&mut fx.store, fx.path.as_path()),
        (&mut eva.store, eva.path.as_path()),
        (&mut nils.store, nils.path.as_path()),
        (&mut olle.store, olle.path.as_path()),
        (&mut hub.store, hub.path.as_path()),
    ];
    assert_alike(&mut all, &g);
    let items = fx
        .store
        .items(&g, &delbar_core::store::ItemFilter::default())
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect::<Vec<_>>();
    let stewards: Vec<_> =
        fx.store.members(&g).unwrap().into_iter().filter(|m| m.is_active() && m.role == Role::Steward).collect();
    assert!(stewards.iter().any(|m| m.id == fx.me), "the founder stays a steward");
    (member(&fx.store, &g, &eva.member).is_active(), member(&fx.store, &g, &nils.member).is_active(), items)
}

#[test]
fn two_stewards_removing_each_other_resolve_alike_the_first_removal_counts() {
    let (eva, nils, items) = mutual_removal(First::Eva);
    assert!(eva && !nils, "Eva removed Nils first: eva active {eva}, nils active {nils}");
    assert_eq!(items, ["Evas stege"]);
    let (eva, nils, items) = mutual_removal(First::Nils);
    assert!(!eva && nils, "Nils removed Eva first: eva active {eva}, nils active {nils}");
    assert_eq!(items, ["Nils skottkärra"]);
}

#[test]
fn two_stewards_removing_each_other_at_the_same_instant_are_both_removed_everywhere() {
    let (eva, nils, items) = mutual_removal(First::SameInstant);
    assert!(!eva && !nils, "eva active {eva}, nils active {nils}");
    assert!(items.is_empty(), "{items:?}");
}
