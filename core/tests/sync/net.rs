//! Sync over real iroh endpoints on loopback.

use std::sync::{Arc, Mutex, MutexGuard};

use delbar_core::domain::{BookingState, Role};
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::net::{NetError, SyncConfig, SyncService};
use delbar_core::sync::{SyncError, export_bundle, import_bundle};
use delbar_core::{Error, Store};

use crate::fixtures::{Lab, add_member, assert_converged, book, bookings};

pub(crate) fn serve(store: Store) -> SyncService {
    SyncService::start(Arc::new(Mutex::new(store)), SyncConfig::default()).unwrap()
}

pub(crate) fn store(s: &SyncService) -> MutexGuard<'_, Store> {
    s.store().lock().unwrap()
}

/// Syncs `from` with `to` over iroh.
pub(crate) fn sync(from: &SyncService, to: &SyncService, g: &GroupId) {
    from.sync_with(to.addr().unwrap(), g).unwrap();
}

/// A steward's laptop, an always-on hub device and two phones, each a member's device, and
/// each having received the group over iroh (the hub from the steward, the phones from the
/// hub).
struct Workshop {
    lab: Lab,
    g: GroupId,
    item: ItemId,
    steward: SyncService,
    hub: SyncService,
    phones: [SyncService; 2],
}

fn workshop() -> Workshop {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let (hub, p1, p2) = (lab.device(), lab.device(), lab.device());
    add_member(&mut s, &g, &hub, "Verkstadens hub", Role::Steward);
    add_member(&mut s, &g, &p1, "Olle", Role::Member);
    add_member(&mut s, &g, &p2, "Lisa", Role::Member);
    let (steward, hub) = (serve(s), serve(hub));
    let phones = [serve(p1), serve(p2)];
    sync(&hub, &steward, &g);
    for p in &phones {
        sync(p, &hub, &g);
    }
    Workshop { lab, g, item, steward, hub, phones }
}

fn refusal(e: Error) -> SyncError {
    match e {
        Error::Sync(s) => s,
        other => panic!("expected a sync error, got {other:?}"),
    }
}

#[test]
fn phones_that_never_meet_converge_through_the_hub() {
    let w = workshop();
    let g = &w.g;
    book(&w.lab, &mut store(&w.phones[0]), g, &w.item, 24);
    book(&w.lab, &mut store(&w.phones[1]), g, &w.item, 30);
    store(&w.steward).update_group(g, None, Some("Öppet tisdagar"), None).unwrap();
    sync(&w.phones[0], &w.hub, g);
    sync(&w.steward, &w.hub, g);
    let report = w.phones[1].sync_with(w.hub.addr().unwrap(), g).unwrap();
    assert!(report.merged.documents_changed >= 2);
    sync(&w.phones[0], &w.hub, g);
    sync(&w.steward, &w.hub, g);
    let mut stores: Vec<_> = [&w.steward, &w.hub, &w.phones[0], &w.phones[1]].into_iter().map(store).collect();
    assert_eq!(bookings(&stores[0], g).len(), 2);
    assert_eq!(stores[2].group(g).unwrap().description, "Öppet tisdagar");
    let (first, rest) = stores.split_at_mut(1);
    for other in rest {
        assert_converged(&mut first[0], other, g);
    }
    drop(stores);
    // The phones only ever dialled the hub.
    for p in &w.phones {
        assert_eq!(p.status().sessions_served, 0);
    }
    assert_eq!(w.hub.status().sessions_served, 7);
    assert_eq!(w.hub.status().sessions_refused, 0);
}

#[test]
fn a_stranger_is_refused_and_learns_nothing() {
    let w = workshop();
    let mut lab = Lab::new();
    let stranger = serve(lab.device());
    let err = stranger.sync_with(w.hub.addr().unwrap(), &w.g).unwrap_err();
    assert!(matches!(refusal(err), SyncError::Refused { .. }));
    // Naming a group the hub does not hold looks exactly the same.
    let err = stranger.sync_with(w.hub.addr().unwrap(), &GroupId::generate()).unwrap_err();
    assert!(matches!(refusal(err), SyncError::Refused { .. }));
    assert!(store(&stranger).groups().unwrap().is_empty());
    assert_eq!(w.hub.status().sessions_refused, 2);
}

#[test]
fn a_removed_member_is_refused() {
    let w = workshop();
    let g = &w.g;
    let lisa = store(&w.steward).members(g).unwrap().into_iter().find(|m| m.name == "Lisa").unwrap();
    store(&w.steward).remove_member(g, &lisa.id).unwrap();
    sync(&w.steward, &w.hub, g);
    let err = w.phones[1].sync_with(w.hub.addr().unwrap(), g).unwrap_err();
    assert!(matches!(refusal(err), SyncError::Refused { .. }));
    // Once the other phone has heard of the removal, it will not sync with that phone
    // either.
    sync(&w.phones[0], &w.hub, g);
    let err = w.phones[0].sync_with(w.phones[1].addr().unwrap(), g).unwrap_err();
    assert!(matches!(refusal(err), SyncError::NotAMemberDevice { .. }));
}

#[test]
fn a_bundle_carried_to_the_hub_reaches_the_other_phone() {
    let w = workshop();
    let g = &w.g;
    book(&w.lab, &mut store(&w.phones[0]), g, &w.item, 24);
    let bytes = export_bundle(&store(&w.phones[0]), g, None).unwrap();
    import_bundle(&mut store(&w.hub), g, &bytes).unwrap();
    sync(&w.phones[1], &w.hub, g);
    assert_eq!(bookings(&store(&w.phones[1]), g).len(), 1);
    assert_converged(&mut store(&w.phones[0]), &mut store(&w.phones[1]), g);
}

#[test]
fn a_stopped_service_refuses_to_dial_and_can_be_dropped() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let mut service = serve(s);
    assert!(service.status().running);
    service.stop();
    assert!(!service.status().running);
    assert!(matches!(refusal(service.addr().unwrap_err()), SyncError::NotRunning));
    assert!(service.sync_with(iroh::EndpointAddr::new(iroh::SecretKey::generate().public()), &g).is_err());
}

#[test]
fn an_invite_code_joins_a_new_device_and_then_expires() {
    use delbar_core::net::{Invite, create_invite};
    use delbar_core::time::{Clock, HOUR_MS};
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let expires = lab.clock.now().plus_ms(24 * HOUR_MS);
    let invite = create_invite(&store(&steward), &g, steward.addr().unwrap(), Role::Member, expires, 1).unwrap();
    let code = invite.to_code().unwrap();
    assert!(code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{code}");
    assert_eq!(Invite::parse(&code.to_lowercase()).unwrap(), invite);
    assert!(invite.qr_version().unwrap() <= 10, "QR version {}", invite.qr_version().unwrap());
    assert!(!invite.qr_text().unwrap().is_empty());
    if std::env::var_os("DELBAR_SYNC_BYTES").is_some() {
        eprintln!("invite code: {} chars, QR version {}", code.len(), invite.qr_version().unwrap());
    }

    let newcomer = serve(lab.device());
    let joined = newcomer.redeem(&Invite::parse(&code).unwrap(), "Nils", "Nils telefon").unwrap();
    assert_eq!(joined, g);
    let me = store(&newcomer).me(&g).unwrap();
    assert_eq!(me.name, "Nils");
    assert_converged(&mut store(&steward), &mut store(&newcomer), &g);

    // Used up: a second device is refused, and so is a forged secret.
    let late = serve(lab.device());
    assert!(matches!(late.redeem(&invite, "Eva", "").unwrap_err(), Error::Net(NetError::InviteUsedUp)));
    let mut forged = invite.clone();
    forged.secret[0] ^= 1;
    forged.uses = 5;
    assert!(matches!(late.redeem(&forged, "Eva", "").unwrap_err(), Error::Net(NetError::InviteUnknown)));
    assert!(store(&late).groups().unwrap().is_empty());
}

#[test]
fn two_phones_booking_the_last_unit_offline_resolve_alike_through_the_hub() {
    let w = workshop();
    let g = &w.g;
    // Both phones, apart and offline, book the one band saw for the same afternoon.
    let olle = book(&w.lab, &mut store(&w.phones[0]), g, &w.item, 24);
    let lisa = book(&w.lab, &mut store(&w.phones[1]), g, &w.item, 24);
    sync(&w.phones[0], &w.hub, g);
    sync(&w.phones[1], &w.hub, g);
    sync(&w.phones[0], &w.hub, g);
    let states = |s: &SyncService| -> Vec<(String, BookingState)> {
        let mut v: Vec<_> = bookings(&store(s), g).into_iter().map(|b| (b.id.to_string(), b.state)).collect();
        v.sort();
        v
    };
    let on_hub = states(&w.hub);
    assert_eq!(on_hub, states(&w.phones[0]));
    assert_eq!(on_hub, states(&w.phones[1]));
    // Exactly one keeps the saw; the other is bumped, the same one on every device.
    let held: Vec<_> = on_hub.iter().filter(|(_, s)| *s != BookingState::Bumped).collect();
    assert_eq!(held.len(), 1, "{on_hub:?}");
    assert!(
        on_hub
            .iter()
            .any(|(id, s)| *s == BookingState::Bumped && (*id == olle.id.to_string() || *id == lisa.id.to_string()))
    );
    // The member who lost it is told, on their own phone.
    let (loser, phone) = if held[0].0 == olle.id.to_string() { (&lisa, &w.phones[1]) } else { (&olle, &w.phones[0]) };
    let notes = store(phone).notifications(g, false).unwrap();
    assert!(notes.iter().any(|n| n.booking.as_ref() == Some(&loser.id)), "{notes:?}");
    let mut hub = store(&w.hub);
    let mut p0 = store(&w.phones[0]);
    assert_converged(&mut hub, &mut p0, g);
}
