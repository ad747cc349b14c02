//! Trust: forged changes are refused; changes outside their author's role, or made by a
//! removed member after removal, have no effect, identically on every device.

use automerge::AutoCommit;
use delbar_core::docs::{DocKey, Entity, actor_of, write_entity};
use delbar_core::domain::{ItemPatch, LoanRules, Role};
use delbar_core::ids::{DeviceId, GroupId};
use delbar_core::store::DocumentExport;
use delbar_core::sync::SyncError;
use delbar_core::trust::attest::attest_document;
use delbar_core::{Error, Store};

use crate::fixtures::{Lab, add_member, assert_converged, book, bookings};
use crate::protocol::run;

/// `store`'s document `key` as an automerge document edited under `actor`'s device id.
fn doc_of(store: &mut Store, g: &GroupId, key: DocKey, actor: &DeviceId) -> (AutoCommit, Vec<automerge::ChangeHash>) {
    let export = store.export_group(g).unwrap();
    let found = export.iter().find(|d| d.key == key.to_string()).unwrap();
    let mut doc = AutoCommit::load(&found.data).unwrap().with_actor(actor_of(actor));
    let heads = doc.get_heads();
    (doc, heads)
}

/// A change `author`'s device makes to its document `key` by hand (as a modified app
/// would), committed and attested with the device's own key, ready to be received.
fn own_edit(author: &mut Store, g: &GroupId, key: DocKey, edit: impl FnOnce(&mut AutoCommit)) -> DocumentExport {
    let device = author.device_id().clone();
    let (mut doc, heads) = doc_of(author, g, key, &device);
    edit(&mut doc);
    doc.commit();
    let attestations = attest_document(&mut doc, g, key, author.device_signing_key()).into_iter().collect();
    DocumentExport { key: key.to_string(), data: doc.save_after(&heads), attestations }
}

fn sync_error(e: Error) -> SyncError {
    match e {
        Error::Sync(s) => s,
        other => panic!("expected a sync error, got {other:?}"),
    }
}

#[test]
fn a_change_forged_in_a_stewards_name_is_refused_and_changes_nothing() {
    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut mallory = lab.device();
    let mut other = lab.device();
    add_member(&mut steward, &g, &mallory, "Mallory", Role::Member);
    add_member(&mut steward, &g, &other, "Olle", Role::Member);
    run(&mut steward, &mut mallory, &g);
    run(&mut steward, &mut other, &g);

    // Mallory writes a change under the steward's actor id: without the steward's key.
    let (mut doc, heads) = {
        let steward_device = steward.device_id().clone();
        doc_of(&mut mallory, &g, DocKey::Catalogue, &steward_device)
    };
    let mut forged = mallory.item(&g, &item).unwrap();
    forged.rules = LoanRules { max_loan_hours: Some(1), ..forged.rules.clone() };
    write_entity(&mut doc, &DocKey::Catalogue, &Entity::Item(forged)).unwrap();
    doc.commit();
    let data = doc.save_after(&heads);
    // Even with every attestation Mallory can make (her own), the change is not vouched for.
    let mut own = doc.clone().with_actor(actor_of(mallory.device_id()));
    let attestations =
        attest_document(&mut own, &g, DocKey::Catalogue, mallory.device_signing_key()).into_iter().collect();
    let before = other.item(&g, &item).unwrap();
    let e = other.merge_documents(&g, &[DocumentExport { key: "catalogue".into(), data, attestations }]).unwrap_err();
    assert!(matches!(sync_error(e), SyncError::UnattestedChanges { .. }));
    assert_eq!(other.item(&g, &item).unwrap(), before);
    assert!(other.check(None).unwrap().is_clean());
}

#[test]
fn a_bad_attestation_signature_is_refused() {
    let mut lab = Lab::new();
    let (mut steward, g, _) = lab.steward();
    let mut phone = lab.device();
    add_member(&mut steward, &g, &phone, "Pia", Role::Member);
    let mut export = steward.export_group(&g).unwrap();
    for d in &mut export {
        for a in &mut d.attestations {
            a.signature[0] ^= 1;
        }
    }
    let e = phone.merge_documents(&g, &export).unwrap_err();
    assert!(matches!(sync_error(e), SyncError::BadAttestation { .. }));
    assert!(phone.groups().unwrap().is_empty());
}

#[test]
fn a_member_editing_loan_rules_has_no_effect_on_any_device() {
    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut member = lab.device();
    let mut third = lab.device();
    add_member(&mut steward, &g, &member, "Maja", Role::Member);
    add_member(&mut steward, &g, &third, "Tor", Role::Member);
    run(&mut steward, &mut member, &g);
    run(&mut steward, &mut third, &g);
    let rules_before = steward.item(&g, &item).unwrap().rules;

    // A modified app on the member's phone writes loan rules and promotes its member: a
    // genuine, attested change of that device, outside its role.
    let mut edited = member.item(&g, &item).unwrap();
    edited.rules = LoanRules { max_loan_hours: Some(1000), self_service: true, ..edited.rules.clone() };
    edited.name = "Min bandsåg".into();
    let me = member.me(&g).unwrap();
    let mut promoted = me.clone();
    promoted.role = Role::Steward;
    let change = own_edit(&mut member, &g, DocKey::Catalogue, |doc| {
        write_entity(doc, &DocKey::Catalogue, &Entity::Item(edited)).unwrap();
        write_entity(doc, &DocKey::Catalogue, &Entity::Member(promoted)).unwrap();
    });
    steward.merge_documents(&g, &[change]).unwrap();

    // The change is in the steward's documents (so devices keep converging) but not in what
    // anyone sees.
    assert_eq!(steward.item(&g, &item).unwrap().rules, rules_before);
    assert_eq!(steward.item(&g, &item).unwrap().name, "Bandsåg");
    assert_eq!(steward.member(&g, &me.id).unwrap().role, Role::Member);
    run(&mut steward, &mut third, &g);
    assert_eq!(third.item(&g, &item).unwrap().rules, rules_before);
    assert_converged(&mut steward, &mut third, &g);

    // A steward's later edit of the same item counts as usual.
    let patch = ItemPatch { name: Some("Bandsåg 2".into()), ..ItemPatch::default() };
    steward.update_item(&g, &item, &patch).unwrap();
    run(&mut steward, &mut third, &g);
    assert_eq!(third.item(&g, &item).unwrap().name, "Bandsåg 2");
    assert_eq!(third.item(&g, &item).unwrap().rules, rules_before);
    assert_converged(&mut steward, &mut third, &g);
}

#[test]
fn a_removed_members_booking_made_after_removal_counts_nowhere() {
    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut leaving = lab.device();
    let mut friend = lab.device();
    let leaving_id = add_member(&mut steward, &g, &leaving, "Lars", Role::Member);
    add_member(&mut steward, &g, &friend, "Frida", Role::Member);
    run(&mut steward, &mut leaving, &g);
    run(&mut steward, &mut friend, &g);
    let before_removal = book(&lab, &mut leaving, &g, &item, 24);
    run(&mut leaving, &mut friend, &g);

    lab.clock.advance(60_000);
    steward.remove_member(&g, &leaving_id).unwrap();
    lab.clock.advance(60 * 60_000);
    // Lars has not heard of it and books again; Frida has not heard either and takes it.
    let after_removal = book(&lab, &mut leaving, &g, &item, 48);
    run(&mut leaving, &mut friend, &g);
    assert!(bookings(&friend, &g).iter().any(|b| b.id == after_removal.id));

    // Once Frida meets the steward, both devices agree: the late booking does not count,
    // the earlier one does.
    run(&mut friend, &mut steward, &g);
    for store in [&steward, &friend] {
        let ids: Vec<_> = bookings(store, &g).into_iter().map(|b| b.id).collect();
        assert!(ids.contains(&before_removal.id));
        assert!(!ids.contains(&after_removal.id), "a booking made after removal counts");
    }
    assert_converged(&mut steward, &mut friend, &g);
}

#[test]
fn a_demoted_stewards_earlier_edits_stay() {
    let mut lab = Lab::new();
    let (mut first, g, item) = lab.steward();
    let mut second = lab.device();
    let second_id = add_member(&mut first, &g, &second, "Siv", Role::Steward);
    run(&mut first, &mut second, &g);
    let patch = ItemPatch { name: Some("Bandsåg (Siv)".into()), ..ItemPatch::default() };
    second.update_item(&g, &item, &patch).unwrap();
    run(&mut first, &mut second, &g);
    lab.clock.advance(60_000);
    first.set_role(&g, &second_id, Role::Member).unwrap();
    run(&mut first, &mut second, &g);
    assert_eq!(first.item(&g, &item).unwrap().name, "Bandsåg (Siv)");
    assert_converged(&mut first, &mut second, &g);
}

#[test]
fn a_booking_written_field_by_field_reads_like_a_packed_one() {
    use delbar_core::docs::write_entity_field_by_field;
    use delbar_core::domain::{BookingAction, BookingEvent, BookingRecord, BookingState, event};
    use delbar_core::ids::BookingId;

    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut maja = lab.device();
    let maja_id = add_member(&mut steward, &g, &maja, "Maja", Role::Member);
    run(&mut steward, &mut maja, &g);
    // Maja's app books once (packed), then a booking arrives written field by field, as
    // stores wrote every booking before packing.
    let packed = book(&lab, &mut maja, &g, &item, 24);
    run(&mut maja, &mut steward, &g);
    let start = lab.at(30);
    let now = lab.at(0);
    let by = BookingEvent::new(now, maja_id.clone(), maja.device_id().clone());
    let old = BookingRecord {
        id: BookingId::generate(),
        item: item.clone(),
        member: maja_id.clone(),
        units: 1,
        start,
        end: lab.at(32),
        note: "från förr".into(),
        waitlisted: false,
        events: [(event::CONFIRMED.to_owned(), by)].into_iter().collect(),
        created: now,
        created_by: maja.device_id().clone(),
        updated: now,
        hlc: String::new(),
        queue_rank: None,
    };
    let change = own_edit(&mut maja, &g, DocKey::bookings_at(start), |doc| {
        write_entity_field_by_field(doc, &Entity::Booking(old.clone())).unwrap();
    });
    steward.merge_documents(&g, &[change]).unwrap();

    let seen = steward.booking(&g, &old.id).unwrap();
    assert_eq!((seen.item.clone(), seen.member.clone(), seen.start, seen.end), (item.clone(), maja_id, start, old.end));
    assert_eq!(seen.note, "från förr");
    assert_eq!(seen.state, BookingState::Confirmed);
    assert_eq!(steward.booking(&g, &packed.id).unwrap().state, BookingState::Confirmed);
    // The steward acts on the old booking: it is written packed now and still reads the same.
    steward.act_on_booking(&g, &old.id, BookingAction::CheckOut).unwrap();
    let after = steward.booking(&g, &old.id).unwrap();
    assert_eq!((after.start, after.end, after.note.as_str()), (start, old.end, "från förr"));
    assert_eq!(after.state, BookingState::CheckedOut);
    assert!(steward.check(None).unwrap().is_clean());
    run(&mut steward, &mut maja, &g);
    assert_eq!(maja.booking(&g, &old.id).unwrap().state, BookingState::CheckedOut);
    assert_converged(&mut steward, &mut maja, &g);
}

#[test]
fn a_packed_activity_entry_in_another_members_name_has_no_effect() {
    use delbar_core::domain::{ActivityAction, ActivityEntry};
    use delbar_core::ids::ActivityId;
    use delbar_core::store::ActivityFilter;

    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut mallory = lab.device();
    add_member(&mut steward, &g, &mallory, "Mallory", Role::Member);
    run(&mut steward, &mut mallory, &g);
    // Mallory's booking makes its month's booking document (which holds the entries about
    // the booking); the group's creation made the month's activity document. Both devices
    // hold both.
    let booking = book(&lab, &mut mallory, &g, &item, 24);
    run(&mut mallory, &mut steward, &g);
    let karin = steward.me(&g).unwrap().id;
    let at = lab.at(0);
    for key in [DocKey::activity_at(at), DocKey::bookings_at(booking.start)] {
        let claimed = ActivityEntry {
            id: ActivityId::generate_at(at),
            at,
            actor: karin.clone(),
            device: mallory.device_id().clone(),
            action: ActivityAction::ItemRetired,
            item: Some(item.clone()),
            booking: None,
            subject: None,
            summary: "Karin retired the band saw".into(),
        };
        // Written by Mallory's own device, signed with her own key: attributable, but the
        // entry names Karin as its actor.
        let change = own_edit(&mut mallory, &g, key, |doc| {
            write_entity(doc, &key, &Entity::Activity(claimed.clone())).unwrap();
        });
        steward.merge_documents(&g, &[change]).unwrap();
        let page = steward.activity(&g, &ActivityFilter::default(), None, 100).unwrap();
        assert!(!page.entries.iter().any(|e| e.id == claimed.id), "an entry in another member's name counts ({key})");
        assert!(page.entries.iter().any(|e| e.action == ActivityAction::BookingRequested));
    }
    assert!(steward.check(None).unwrap().is_clean());
}

#[test]
fn an_entry_reusing_another_entrys_id_in_another_document_hides_nothing() {
    use delbar_core::domain::{ActivityAction, ActivityEntry};
    use delbar_core::store::ActivityFilter;

    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut mallory = lab.device();
    let mallory_id = add_member(&mut steward, &g, &mallory, "Mallory", Role::Member);
    run(&mut steward, &mut mallory, &g);
    let booking = book(&lab, &mut mallory, &g, &item, 24);
    run(&mut mallory, &mut steward, &g);
    let before = steward.activity(&g, &ActivityFilter::default(), None, 100).unwrap().entries;
    // The steward's entry for adding the item sits in the month's activity document.
    let victim = before.iter().find(|e| e.action == ActivityAction::ItemAdded).unwrap().clone();
    // Mallory writes, beside her own booking, an entry in her own name about it: allowed,
    // but under the id of the steward's entry.
    let reused = ActivityEntry {
        id: victim.id.clone(),
        at: lab.at(0),
        actor: mallory_id.clone(),
        device: mallory.device_id().clone(),
        action: ActivityAction::BookingCancelled,
        item: Some(item.clone()),
        booking: Some(booking.id.clone()),
        subject: Some(mallory_id),
        summary: "cancelled".into(),
    };
    let key = DocKey::bookings_at(booking.start);
    let change = own_edit(&mut mallory, &g, key, |doc| {
        write_entity(doc, &key, &Entity::Activity(reused.clone())).unwrap();
    });
    steward.merge_documents(&g, std::slice::from_ref(&change)).unwrap();
    let after = steward.activity(&g, &ActivityFilter::default(), None, 100).unwrap().entries;
    assert!(after.contains(&victim), "the steward's entry is still listed");
    assert!(steward.check(None).unwrap().is_clean());
    mallory.merge_documents(&g, &[change]).unwrap();
    assert!(mallory.check(None).unwrap().is_clean());
    assert_converged(&mut steward, &mut mallory, &g);
}

#[test]
fn a_booking_reusing_another_members_booking_id_replaces_nothing() {
    use delbar_core::domain::BookingRecord;

    let mut lab = Lab::new();
    let (mut steward, g, item) = lab.steward();
    let mut olle = lab.device();
    let mut mallory = lab.device();
    add_member(&mut steward, &g, &olle, "Olle", Role::Member);
    let mallory_id = add_member(&mut steward, &g, &mallory, "Mallory", Role::Member);
    run(&mut steward, &mut olle, &g);
    let victim = book(&lab, &mut olle, &g, &item, 24);
    run(&mut olle, &mut steward, &g);
    run(&mut steward, &mut mallory, &g);
    // Mallory books in her own name, 40 days later (another month's document, which her own
    // first booking there makes), under the id of Olle's booking.
    book(&lab, &mut mallory, &g, &item, 40 * 24);
    run(&mut mallory, &mut steward, &g);
    let start = lab.at(40 * 24 + 4);
    let now = lab.at(0);
    let reused = BookingRecord {
        id: victim.id.clone(),
        item: item.clone(),
        member: mallory_id,
        units: 1,
        start,
        end: lab.at(40 * 24 + 6),
        note: String::new(),
        waitlisted: false,
        events: Default::default(),
        created: now,
        created_by: mallory.device_id().clone(),
        updated: now,
        hlc: String::new(),
        queue_rank: None,
    };
    let key = DocKey::bookings_at(start);
    let change = own_edit(&mut mallory, &g, key, |doc| {
        write_entity(doc, &key, &Entity::Booking(reused.clone())).unwrap();
    });
    steward.merge_documents(&g, &[change]).unwrap();
    let seen = steward.booking(&g, &victim.id).unwrap();
    assert_eq!((seen.member, seen.start), (victim.member, victim.start), "Olle's booking still stands");
    assert!(steward.check(None).unwrap().is_clean());
}
