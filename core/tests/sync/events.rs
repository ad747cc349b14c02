//! Sync events and the peer status, over real iroh endpoints on loopback.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use delbar_core::domain::Role;
use delbar_core::net::frame::Refusal;
use delbar_core::net::{Direction, SyncEvent, SyncEventListener, SyncService, status};
use delbar_core::time::{Clock, HOUR_MS};

use crate::fixtures::{Lab, add_member, book};
use crate::net::{serve, store, sync};

/// Forwards every event into a channel.
struct Collect(Mutex<Sender<SyncEvent>>);

impl SyncEventListener for Collect {
    fn on_sync_event(&self, event: &SyncEvent) {
        let _ = self.0.lock().unwrap().send(event.clone());
    }
}

fn listen(service: &SyncService) -> Receiver<SyncEvent> {
    let (tx, rx) = channel();
    service.set_event_listener(Some(Arc::new(Collect(Mutex::new(tx)))));
    rx
}

/// Events up to and including the first one `last` accepts (waiting for the served side,
/// which may finish after the dialling side returned).
fn until(rx: &Receiver<SyncEvent>, last: impl Fn(&SyncEvent) -> bool) -> Vec<SyncEvent> {
    let mut out = Vec::new();
    loop {
        let event = rx.recv_timeout(Duration::from_secs(30)).expect("the awaited event never came");
        let done = last(&event);
        out.push(event);
        if done {
            return out;
        }
    }
}

fn is_end(e: &SyncEvent) -> bool {
    matches!(e, SyncEvent::Synced { .. } | SyncEvent::Refused { .. } | SyncEvent::Failed { .. })
}

#[test]
fn both_sides_hear_a_session_start_progress_and_complete() {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let phone = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    book(&lab, &mut s, &g, &item, 24);
    let (steward, phone) = (serve(s), serve(phone));
    let (served, dialled) = (listen(&steward), listen(&phone));
    let report = phone.sync_with(steward.addr().unwrap(), &g).unwrap();

    let events = until(&dialled, is_end);
    let steward_id = steward.device_id().clone();
    assert!(
        matches!(&events[0], SyncEvent::Started { peer, group, direction: Direction::Dialled } if *peer == steward_id && *group == g)
    );
    assert!(events.iter().any(|e| matches!(e, SyncEvent::Progress { documents_total, .. } if *documents_total > 0)));
    let Some(SyncEvent::Synced { peer, direction: Direction::Dialled, report: synced, .. }) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(peer, &steward_id);
    assert_eq!(synced.documents_changed, report.merged.documents_changed);
    assert!(synced.documents_changed >= 2 && synced.bytes_received > synced.bytes_sent);

    let events = until(&served, is_end);
    assert!(matches!(&events[0], SyncEvent::Started { direction: Direction::Served, .. }));
    let Some(SyncEvent::Synced { peer, direction: Direction::Served, report, .. }) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(peer, phone.device_id());
    assert_eq!(report.documents_changed, 0);
}

#[test]
fn a_stranger_is_heard_as_refused_on_both_sides_without_a_start() {
    let mut lab = Lab::new();
    let (s, g, _) = lab.steward();
    let steward = serve(s);
    let stranger = serve(lab.device());
    let (served, dialled) = (listen(&steward), listen(&stranger));
    stranger.sync_with(steward.addr().unwrap(), &g).unwrap_err();
    let events = until(&served, is_end);
    assert_eq!(
        events,
        vec![SyncEvent::Refused {
            peer: stranger.device_id().clone(),
            group: Some(g.clone()),
            direction: Direction::Served,
            reason: Refusal::NotAuthorized,
        }]
    );
    let events = until(&dialled, is_end);
    assert!(
        matches!(
            events.last(),
            Some(SyncEvent::Refused { direction: Direction::Dialled, reason: Refusal::NotAuthorized, .. })
        ),
        "{events:?}"
    );
    // A stranger is counted, not remembered.
    assert!(steward.peers(None).unwrap().is_empty());
    assert_eq!(steward.status().sessions_refused, 1);
}

#[test]
fn status_shows_the_last_sync_and_the_changes_pending_for_each_peer() {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let phone = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    let (steward, phone) = (serve(s), serve(phone));
    let served = listen(&steward);
    sync(&phone, &steward, &g);
    until(&served, is_end);
    let synced_at = lab.clock.now();

    let peers = phone.peers(Some(&g)).unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(&peers[0].device, steward.device_id());
    assert_eq!(peers[0].member_name.as_deref(), Some("Karin"));
    assert_eq!(peers[0].last_sync, Some(synced_at));
    assert_eq!(peers[0].pending_documents, 0);
    let peers = steward.peers(Some(&g)).unwrap();
    assert_eq!((peers[0].member_name.as_deref(), peers[0].pending_documents), (Some("Olle"), 0));

    // A booking on the steward's device is pending for the phone until they sync again.
    lab.clock.advance(HOUR_MS);
    book(&lab, &mut store(&steward), &g, &item, 24);
    assert!(steward.peers(Some(&g)).unwrap()[0].pending_documents >= 1);
    sync(&phone, &steward, &g);
    until(&served, is_end);
    let peers = steward.peers(Some(&g)).unwrap();
    assert_eq!((peers[0].pending_documents, peers[0].last_sync), (0, Some(lab.clock.now())));
    assert!(peers[0].last_sync > Some(synced_at));

    // Kept in the store: readable with the service stopped.
    let mut steward = steward;
    steward.stop();
    assert_eq!(status::peers(&store(&steward), None).unwrap().len(), 1);
    assert!(status::has_synced_with(&store(&steward), &g, phone.device_id()).unwrap());
}
