//! The sans-IO sync session, driven between two real stores without sockets.

use automerge::{AutoCommit, ChangeHash};
use delbar_core::Store;
use delbar_core::domain::Role;
use delbar_core::ids::GroupId;
use delbar_core::sync::{
    KnownHeads, Message, Session, SyncError, export_bundle, export_bundle_for, import_bundle, read_bundle,
};

use crate::fixtures::{Lab, add_member, assert_converged, book, bookings};

/// What crossed the (imaginary) wire in one session.
#[derive(Debug, Default)]
pub struct Wire {
    pub bytes: usize,
    pub messages: usize,
}

/// Runs one session between two stores, passing every message through its encoding.
pub fn run(a: &mut Store, b: &mut Store, g: &GroupId) -> Wire {
    let (mut sa, first_a) = Session::start(a, g, b.device_id()).unwrap();
    let (mut sb, first_b) = Session::start(b, g, a.device_id()).unwrap();
    let mut wire = Wire::default();
    let (mut to_a, mut to_b) = (vec![first_b], vec![first_a]);
    while !to_a.is_empty() || !to_b.is_empty() {
        for m in std::mem::take(&mut to_b) {
            let bytes = m.encode().unwrap();
            wire.bytes += bytes.len();
            wire.messages += 1;
            to_a.extend(sb.receive(b, Message::decode(&bytes).unwrap()).unwrap());
        }
        for m in std::mem::take(&mut to_a) {
            let bytes = m.encode().unwrap();
            wire.bytes += bytes.len();
            wire.messages += 1;
            to_b.extend(sa.receive(a, Message::decode(&bytes).unwrap()).unwrap());
        }
    }
    assert!(sa.is_done() && sb.is_done());
    wire
}

/// Prints a measurement when `DELBAR_SYNC_BYTES` is set (quiet otherwise).
fn measure(what: &str, wire: &Wire, compact: usize) {
    if std::env::var_os("DELBAR_SYNC_BYTES").is_some() {
        eprintln!("{what}: {} bytes on the wire in {} messages; compact size {compact}", wire.bytes, wire.messages);
    }
}

/// Automerge's compact encoding of what `store` has of `group` beyond `old` (`save_after`).
fn compact_size(store: &mut Store, g: &GroupId, old: &KnownHeads) -> usize {
    store
        .export_group(g)
        .unwrap()
        .iter()
        .map(|d| {
            let mut doc = AutoCommit::load(&d.data).unwrap();
            let heads: Vec<ChangeHash> = old.heads(&d.key);
            doc.save_after(&heads).len()
        })
        .sum()
}

/// A steward's device and a member's device that have exchanged everything once.
fn two_in_sync(lab: &mut Lab) -> (Store, Store, GroupId, delbar_core::ids::ItemId) {
    let (mut a, g, item) = lab.steward();
    let mut b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    import_bundle(&mut b, &g, &export_bundle(&a, &g, None).unwrap()).unwrap();
    (a, b, g, item)
}

#[test]
fn sessions_converge_and_a_session_with_nothing_new_exchanges_only_summaries() {
    let mut lab = Lab::new();
    let (mut a, g, item) = lab.steward();
    let mut b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    // First contact over the protocol: b knows nothing of the group.
    run(&mut a, &mut b, &g);
    assert_converged(&mut a, &mut b, &g);
    // Both change things while apart, the same month's documents included.
    book(&lab, &mut a, &g, &item, 24);
    book(&lab, &mut b, &g, &item, 30);
    a.update_group(&g, None, Some("Vi delar verktyg"), None).unwrap();
    run(&mut a, &mut b, &g);
    assert_converged(&mut a, &mut b, &g);
    assert_eq!(bookings(&a, &g).len(), 2);
    let idle = run(&mut a, &mut b, &g);
    measure("nothing new", &idle, 0);
    assert_eq!(idle.messages, 2, "only the two summaries");
    assert!(idle.bytes < 400, "two summaries took {} bytes", idle.bytes);
}

#[test]
fn after_a_session_with_nothing_new_a_bundle_for_the_peer_holds_only_what_is_newer() {
    let mut lab = Lab::new();
    // Two devices holding the same documents, which no session has compared yet.
    let (mut a, mut b, g, item) = two_in_sync(&mut lab);
    let idle = run(&mut a, &mut b, &g);
    assert_eq!(idle.messages, 2, "only the two summaries");
    let nothing = read_bundle(&export_bundle_for(&a, &g, b.device_id()).unwrap()).unwrap();
    assert!(nothing.documents.is_empty(), "{:?}", nothing.documents.iter().map(|d| &d.key).collect::<Vec<_>>());
    book(&lab, &mut a, &g, &item, 24);
    let week = export_bundle_for(&a, &g, b.device_id()).unwrap();
    let full = export_bundle(&a, &g, None).unwrap();
    let info = read_bundle(&week).unwrap();
    assert!(week.len() * 2 < full.len(), "{} vs {}", week.len(), full.len());
    assert!(info.documents.len() < read_bundle(&full).unwrap().documents.len());
    import_bundle(&mut b, &g, &week).unwrap();
    assert_converged(&mut a, &mut b, &g);
    // And a second session with nothing new writes nothing more and changes nothing.
    assert_eq!(run(&mut a, &mut b, &g).messages, 2);
    assert_converged(&mut a, &mut b, &g);
}

#[test]
fn wire_bytes_for_new_bookings_stay_near_their_compact_size() {
    let mut lab = Lab::new();
    let (mut a, mut b, g, item) = two_in_sync(&mut lab);
    let old = KnownHeads::of(&b, &g).unwrap();
    let n = 50;
    for i in 0..n {
        book(&lab, &mut a, &g, &item, 24 + 3 * i);
    }
    let compact = compact_size(&mut a, &g, &old);
    let wire = run(&mut a, &mut b, &g);
    measure("50 new bookings", &wire, compact);
    assert_converged(&mut a, &mut b, &g);
    assert_eq!(bookings(&b, &g).len(), n as usize);
    assert!(wire.bytes * 2 <= compact * 3, "{n} bookings: {} bytes on the wire, compact size {compact}", wire.bytes);
    assert_eq!(wire.messages, 6);
}

#[test]
fn concurrent_changes_travel_without_resending_what_the_peer_has() {
    let mut lab = Lab::new();
    let (mut a, mut b, g, item) = two_in_sync(&mut lab);
    book(&lab, &mut a, &g, &item, 24);
    run(&mut a, &mut b, &g);
    // Both now book in the same month: each side's heads are unknown to the other.
    let (old_a, old_b) = (KnownHeads::of(&b, &g).unwrap(), KnownHeads::of(&a, &g).unwrap());
    for i in 0..10 {
        book(&lab, &mut a, &g, &item, 48 + 3 * i);
        book(&lab, &mut b, &g, &item, 200 + 3 * i);
    }
    let compact = compact_size(&mut a, &g, &old_a) + compact_size(&mut b, &g, &old_b);
    let wire = run(&mut a, &mut b, &g);
    measure("10 + 10 concurrent bookings", &wire, compact);
    assert_converged(&mut a, &mut b, &g);
    assert_eq!(bookings(&a, &g).len(), 21);
    assert!(wire.bytes * 2 <= compact * 3, "{} bytes on the wire, compact size {compact}", wire.bytes);
}

#[test]
fn a_session_with_a_removed_member_is_refused() {
    let mut lab = Lab::new();
    let (mut a, b, g, _) = two_in_sync(&mut lab);
    let olle = a.members(&g).unwrap().into_iter().find(|m| m.name == "Olle").unwrap();
    a.remove_member(&g, &olle.id).unwrap();
    match Session::start(&a, &g, b.device_id()) {
        Err(delbar_core::Error::Sync(SyncError::NotAMemberDevice { .. })) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_message_out_of_order_is_a_protocol_error() {
    let mut lab = Lab::new();
    let (mut a, b, g, _) = two_in_sync(&mut lab);
    let (mut s, _) = Session::start(&a, &g, b.device_id()).unwrap();
    let err = s.receive(&mut a, Message::Changes { docs: vec![] }).unwrap_err();
    assert!(matches!(err, delbar_core::Error::Sync(SyncError::UnexpectedMessage { .. })), "{err:?}");
}
