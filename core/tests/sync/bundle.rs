//! File bundles: signed, checksummed, applied whole or not at all.

use delbar_core::Error;
use delbar_core::domain::Role;
use delbar_core::sync::{KnownHeads, SyncError, export_bundle, import_bundle, read_bundle};

use crate::fixtures::{Lab, add_member, assert_converged, book, bookings};

#[test]
fn first_contact_bundle_brings_the_group_and_a_second_import_changes_nothing() {
    let mut lab = Lab::new();
    let (mut a, g, item) = lab.steward();
    let mut b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    book(&lab, &mut a, &g, &item, 24);
    let bytes = export_bundle(&a, &g, None).unwrap();
    let info = read_bundle(&bytes).unwrap();
    assert_eq!(&info.device, a.device_id());
    let first = import_bundle(&mut b, &g, &bytes).unwrap();
    assert!(first.documents_changed >= 3);
    assert_converged(&mut a, &mut b, &g);
    let again = import_bundle(&mut b, &g, &bytes).unwrap();
    assert_eq!(again.documents_changed, 0);
    assert_converged(&mut a, &mut b, &g);
}

#[test]
fn bundle_for_a_peer_carries_only_what_it_lacks() {
    let mut lab = Lab::new();
    let (mut a, g, item) = lab.steward();
    let mut b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    // Some history the peer already holds.
    for h in 0..30 {
        book(&lab, &mut a, &g, &item, 24 + 3 * h);
    }
    import_bundle(&mut b, &g, &export_bundle(&a, &g, None).unwrap()).unwrap();
    let b_has = KnownHeads::of(&b, &g).unwrap();
    assert!(read_bundle(&export_bundle(&a, &g, Some(&b_has)).unwrap()).unwrap().documents.is_empty());
    for h in 30..35 {
        book(&lab, &mut a, &g, &item, 24 + 3 * h);
    }
    let delta = export_bundle(&a, &g, Some(&b_has)).unwrap();
    let full = export_bundle(&a, &g, None).unwrap();
    assert!(delta.len() < full.len(), "delta {} vs full {}", delta.len(), full.len());
    // The catalogue did not change: only the booking and activity months travel.
    let keys: Vec<String> = read_bundle(&delta).unwrap().documents.into_iter().map(|d| d.key).collect();
    assert!(!keys.contains(&"catalogue".to_string()), "{keys:?}");
    import_bundle(&mut b, &g, &delta).unwrap();
    assert_eq!(bookings(&b, &g).len(), 35);
    assert_converged(&mut a, &mut b, &g);
}

fn sync_error(e: Error) -> SyncError {
    match e {
        Error::Sync(s) => s,
        other => panic!("expected a sync error, got {other:?}"),
    }
}

#[test]
fn damaged_foreign_and_forged_bundles_are_refused_and_apply_nothing() {
    let mut lab = Lab::new();
    let (mut a, g, item) = lab.steward();
    let mut b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    import_bundle(&mut b, &g, &export_bundle(&a, &g, None).unwrap()).unwrap();
    book(&lab, &mut a, &g, &item, 24);
    let good = export_bundle(&a, &g, None).unwrap();
    let before = KnownHeads::of(&b, &g).unwrap();

    let truncated = &good[..good.len() - 10];
    assert!(matches!(sync_error(import_bundle(&mut b, &g, truncated).unwrap_err()), SyncError::Truncated { .. }));
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &good[..5]).unwrap_err()), SyncError::Truncated { .. }));
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &flipped).unwrap_err()), SyncError::Corrupted));
    let mut not_ours = good.clone();
    not_ours[0] = b'X';
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &not_ours).unwrap_err()), SyncError::NotABundle));
    let mut newer = good.clone();
    newer[8] = 9;
    assert!(matches!(
        sync_error(import_bundle(&mut b, &g, &newer).unwrap_err()),
        SyncError::UnsupportedVersion { found: 9, supported: delbar_core::sync::bundle::VERSION }
    ));
    // A signature that is not the signer's.
    let mut forged = good.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &forged).unwrap_err()), SyncError::BadSignature { .. }));

    // A bundle of another group.
    let (other, other_group, _) = lab.steward();
    let foreign = export_bundle(&other, &other_group, None).unwrap();
    assert!(matches!(sync_error(import_bundle(&mut b, &g, &foreign).unwrap_err()), SyncError::ForeignGroup { .. }));

    // A well-signed bundle from a device that is no member of the group: a stranger who got
    // hold of the documents and re-signs them.
    let mut stranger = lab.device();
    import_bundle(&mut stranger, &g, &good).unwrap();
    let stranger_bytes = export_bundle(&stranger, &g, None).unwrap();
    assert!(matches!(
        sync_error(import_bundle(&mut b, &g, &stranger_bytes).unwrap_err()),
        SyncError::NotAMemberDevice { .. }
    ));

    assert_eq!(KnownHeads::of(&b, &g).unwrap(), before, "a refused bundle changed the store");
    assert!(bookings(&b, &g).is_empty());
}

#[test]
fn first_contact_needs_a_catalogue_listing_the_signer() {
    let mut lab = Lab::new();
    let (mut a, g, item) = lab.steward();
    let b = lab.device();
    add_member(&mut a, &g, &b, "Olle", Role::Member);
    book(&lab, &mut a, &g, &item, 24);
    // What a device lacking the catalogue would get if the catalogue were left out.
    let mut has_catalogue = KnownHeads::of(&a, &g).unwrap();
    has_catalogue.docs.retain(|k, _| k == "catalogue");
    let without_catalogue = export_bundle(&a, &g, Some(&has_catalogue)).unwrap();
    let mut fresh = lab.device();
    assert!(matches!(
        sync_error(import_bundle(&mut fresh, &g, &without_catalogue).unwrap_err()),
        SyncError::MissingCatalogue { .. }
    ));
    // A removed member's device is no longer accepted as a signer.
    let mut c = lab.device();
    let c_member = add_member(&mut a, &g, &c, "Lisa", Role::Member);
    import_bundle(&mut c, &g, &export_bundle(&a, &g, None).unwrap()).unwrap();
    a.remove_member(&g, &c_member).unwrap();
    let from_removed = export_bundle(&c, &g, None).unwrap();
    assert!(matches!(
        sync_error(import_bundle(&mut a, &g, &from_removed).unwrap_err()),
        SyncError::NotAMemberDevice { .. }
    ));
    assert!(fresh.groups().unwrap().is_empty());
}
