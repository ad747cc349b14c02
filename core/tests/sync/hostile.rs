//! Hostile peers over real iroh connections on loopback: each is refused or cut off within
//! bounded time, before the hub reads more than a bounded frame, while an honest member
//! keeps syncing through the same hub.
//!
//! The hostile side is a raw iroh endpoint speaking the frame format by hand (a 4-byte
//! big-endian length, then the postcard of a [`Frame`]), so it can send what no Delbar
//! device would.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::AutoCommit;
use delbar_core::Store;
use delbar_core::docs::{DocKey, Entity, actor_of, write_entity};
use delbar_core::domain::{LoanRules, Role};
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::net::frame::{Frame, MAX_FRAME, MAX_HANDSHAKE_FRAME, PROTOCOL_VERSION, Refusal};
use delbar_core::net::{ALPN, SyncConfig, SyncLimits, SyncService};
use delbar_core::sync::{Message, Summary};
use iroh::endpoint::{Connection, RecvStream, SendStream, presets};
use iroh::{Endpoint, EndpointAddr, SecretKey};

use crate::fixtures::{Lab, add_member, book, bookings};
use crate::net::{serve, store, sync};

/// Limits small enough for a test to see them act.
fn tight() -> SyncLimits {
    SyncLimits {
        max_connections: 6,
        max_connections_per_peer: 2,
        max_stranger_connections: 4,
        handshake_timeout: Duration::from_millis(600),
        idle_timeout: Duration::from_millis(600),
        min_bytes_per_second: 1024 * 1024,
    }
}

/// A hub (the steward's device, serving with `limits`), a member's phone that syncs through
/// it, and the group's item.
struct Hub {
    lab: Lab,
    g: GroupId,
    item: ItemId,
    hub: SyncService,
    phone: SyncService,
    /// A second member, the hostile one, with its store (it never serves).
    mallory: Store,
}

fn hub(limits: SyncLimits) -> Hub {
    let mut lab = Lab::new();
    let (mut s, g, item) = lab.steward();
    let phone = lab.device();
    let mallory = lab.device();
    add_member(&mut s, &g, &phone, "Olle", Role::Member);
    add_member(&mut s, &g, &mallory, "Mallory", Role::Member);
    let config = SyncConfig { limits, ..SyncConfig::default() };
    let hub = SyncService::start(Arc::new(Mutex::new(s)), config).unwrap();
    let phone = serve(phone);
    sync(&phone, &hub, &g);
    Hub { lab, g, item, hub, phone, mallory }
}

impl Hub {
    /// The honest member books and syncs through the hub; the hub holds the booking.
    fn honest_member_still_syncs(&self, h: i64) {
        let before = bookings(&store(&self.hub), &self.g).len();
        book(&self.lab, &mut store(&self.phone), &self.g, &self.item, h);
        sync(&self.phone, &self.hub, &self.g);
        assert_eq!(bookings(&store(&self.hub), &self.g).len(), before + 1);
    }
}

/// A raw peer: an iroh endpoint with a key of its own choosing.
struct Raw {
    rt: tokio::runtime::Runtime,
    endpoint: Endpoint,
}

impl Raw {
    fn new(key: SecretKey) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let endpoint = rt.block_on(async {
            Endpoint::builder(presets::Minimal)
                .secret_key(key)
                .clear_ip_transports()
                .bind_addr("127.0.0.1:0")
                .unwrap()
                .bind()
                .await
                .unwrap()
        });
        Raw { rt, endpoint }
    }

    fn stranger() -> Self {
        Raw::new(SecretKey::generate())
    }

    fn as_device(store: &Store) -> Self {
        Raw::new(SecretKey::from_bytes(&store.device_signing_key().to_bytes()))
    }

    fn connect(&self, addr: EndpointAddr) -> Connection {
        self.rt.block_on(self.endpoint.connect(addr, ALPN)).unwrap()
    }

    /// A connection with one stream opened on it.
    fn open(&self, addr: EndpointAddr) -> (Connection, SendStream, RecvStream) {
        let connection = self.connect(addr);
        let (send, recv) = self.rt.block_on(connection.open_bi()).unwrap();
        (connection, send, recv)
    }

    fn write(&self, send: &mut SendStream, bytes: &[u8]) {
        self.rt.block_on(send.write_all(bytes)).unwrap();
    }

    fn write_frame(&self, send: &mut SendStream, frame: &Frame) {
        let payload = frame.encode().unwrap();
        self.write(send, &(payload.len() as u32).to_be_bytes());
        self.write(send, &payload);
    }

    /// The next frame the hub sends, or `None` once it closed the stream or connection.
    fn read_frame(&self, recv: &mut RecvStream) -> Option<Frame> {
        self.rt.block_on(async {
            let mut len = [0u8; 4];
            recv.read_exact(&mut len).await.ok()?;
            let mut payload = vec![0u8; u32::from_be_bytes(len) as usize];
            recv.read_exact(&mut payload).await.ok()?;
            Some(postcard::from_bytes(&payload).unwrap())
        })
    }

    /// How long until the hub closes `connection` (at most `limit`).
    fn closed_within(&self, connection: &Connection, limit: Duration) -> Duration {
        let start = Instant::now();
        self.rt
            .block_on(async { tokio::time::timeout(limit, connection.closed()).await })
            .unwrap_or_else(|_| panic!("the hub kept the connection open for {limit:?}"));
        start.elapsed()
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let endpoint = self.endpoint.clone();
        self.rt.block_on(endpoint.close());
    }
}

fn hello(g: &GroupId) -> Frame {
    Frame::Hello { version: PROTOCOL_VERSION, group: g.to_string() }
}

#[test]
fn a_stranger_is_refused_and_an_honest_member_keeps_syncing() {
    let h = hub(tight());
    let raw = Raw::stranger();
    let (connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    raw.write_frame(&mut send, &hello(&h.g));
    assert_eq!(raw.read_frame(&mut recv), Some(Frame::Refused(Refusal::NotAuthorized)));
    drop(connection);
    h.honest_member_still_syncs(24);
    assert_eq!(h.hub.status().sessions_refused, 1);
}

#[test]
fn an_oversized_hello_is_refused_before_it_is_read() {
    let h = hub(tight());
    let raw = Raw::stranger();
    let (connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    // Announces 60 MiB and sends none of it: the hub refuses on the length alone, without
    // waiting for (or allocating) the payload.
    raw.write(&mut send, &(60u32 * 1024 * 1024).to_be_bytes());
    let took = raw.closed_within(&connection, Duration::from_secs(5));
    assert!(took < tight().handshake_timeout, "closed after {took:?}: the hub waited for the frame");
    assert_eq!(raw.read_frame(&mut recv), None);
    // One byte over the bound is refused too.
    let (connection, mut send, _recv) = raw.open(h.hub.addr().unwrap());
    raw.write(&mut send, &(MAX_HANDSHAKE_FRAME as u32 + 1).to_be_bytes());
    let took = raw.closed_within(&connection, Duration::from_secs(5));
    assert!(took < tight().handshake_timeout, "closed after {took:?}");
    assert_eq!(h.hub.status().sessions_failed, 2);
    h.honest_member_still_syncs(24);
}

#[test]
fn a_silent_or_trickling_stranger_is_cut_off() {
    let h = hub(tight());
    let limit = tight().handshake_timeout;
    let raw = Raw::stranger();
    // Connects and never opens a stream (iroh's keep-alives would hold this open).
    let silent = raw.connect(h.hub.addr().unwrap());
    // Opens a stream, sends half a length prefix and stops.
    let (stalled, mut send, _r1) = raw.open(h.hub.addr().unwrap());
    raw.write(&mut send, &[0, 0]);
    let took = raw.closed_within(&silent, limit * 5);
    assert!(took >= limit / 2, "closed after {took:?}");
    raw.closed_within(&stalled, limit * 5);
    // Announces a small hello and trickles it a byte at a time, slower than allowed.
    let (trickled, mut send, _r2) = raw.open(h.hub.addr().unwrap());
    raw.write(&mut send, &(1000u32).to_be_bytes());
    let start = Instant::now();
    while start.elapsed() < limit * 5 && raw.rt.block_on(send.write_all(&[0])).is_ok() {
        std::thread::sleep(Duration::from_millis(100));
        if trickled.close_reason().is_some() {
            break;
        }
    }
    raw.closed_within(&trickled, limit * 5);
    assert!(start.elapsed() < limit * 4, "trickled for {:?}", start.elapsed());
    h.honest_member_still_syncs(24);
}

#[test]
fn a_member_sending_an_oversized_or_endless_frame_is_cut_off() {
    let h = hub(tight());
    let raw = Raw::as_device(&h.mallory);
    // Authorised: the hub answers the hello with its summary.
    let (connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    raw.write_frame(&mut send, &hello(&h.g));
    assert!(matches!(raw.read_frame(&mut recv), Some(Frame::Sync(Message::Summary(_)))));
    // Then announces more than any frame may hold.
    raw.write(&mut send, &(MAX_FRAME as u32 + 1).to_be_bytes());
    let took = raw.closed_within(&connection, Duration::from_secs(5));
    assert!(took < tight().idle_timeout, "closed after {took:?}: the hub waited for the frame");

    // Announces a frame within the bound and sends it far too slowly.
    let (connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    raw.write_frame(&mut send, &hello(&h.g));
    assert!(matches!(raw.read_frame(&mut recv), Some(Frame::Sync(Message::Summary(_)))));
    raw.write(&mut send, &(1024u32 * 1024).to_be_bytes());
    raw.write(&mut send, &[0; 1024]);
    // 1 MiB at 1 MiB/s after a 0.6 s wait: cut off after about 1.6 s, whatever the peer does.
    let took = raw.closed_within(&connection, Duration::from_secs(6));
    assert!(took >= tight().idle_timeout, "closed after {took:?}");

    // Authorised and then silent.
    let (connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    raw.write_frame(&mut send, &hello(&h.g));
    assert!(matches!(raw.read_frame(&mut recv), Some(Frame::Sync(Message::Summary(_)))));
    let took = raw.closed_within(&connection, Duration::from_secs(10));
    assert!(took >= tight().idle_timeout / 2, "closed after {took:?}");
    h.honest_member_still_syncs(24);
}

#[test]
fn a_peer_opening_many_connections_is_turned_away_while_a_member_syncs() {
    let h = hub(SyncLimits { handshake_timeout: Duration::from_secs(20), ..tight() });
    let raw = Raw::stranger();
    let addr = h.hub.addr().unwrap();
    // Silent connections: two are admitted (the per-device cap), the rest closed at once.
    let held: Vec<Connection> = (0..2).map(|_| raw.connect(addr.clone())).collect();
    let mut turned = Vec::new();
    for _ in 0..3 {
        let c = raw.connect(addr.clone());
        let took = raw.closed_within(&c, Duration::from_secs(5));
        turned.push(took);
    }
    assert!(turned.iter().all(|t| *t < Duration::from_secs(2)), "{turned:?}");
    for c in &held {
        assert!(c.close_reason().is_none(), "an admitted connection was closed");
    }
    // Other strangers fill the service up to its total cap less one place.
    let others: Vec<Raw> = (0..2).map(|_| Raw::stranger()).collect();
    let more: Vec<Connection> = others.iter().flat_map(|r| [r.connect(addr.clone())]).collect();
    // The honest member still gets through (5 of 6 places taken).
    h.honest_member_still_syncs(24);
    assert_eq!(h.hub.status().connections_turned_away, 3);
    drop((held, more, others));
}

#[test]
fn a_crowd_of_strangers_cannot_fill_the_places_a_member_needs() {
    let h = hub(SyncLimits { handshake_timeout: Duration::from_secs(20), ..tight() });
    let addr = h.hub.addr().unwrap();
    // Keys cost nothing: four strangers, two silent connections each, eight in all, more than
    // the service's six places. Only the four strangers' places are given.
    let crowd: Vec<Raw> = (0..4).map(|_| Raw::stranger()).collect();
    let connections: Vec<Connection> =
        crowd.iter().flat_map(|r| [r.connect(addr.clone()), r.connect(addr.clone())]).collect();
    // Those turned away are closed at once (which four depends on the order the hub takes
    // them in): wait until four are, then see that it stays so.
    let closed = || connections.iter().filter(|c| c.close_reason().is_some()).count();
    let deadline = Instant::now() + Duration::from_secs(5);
    while closed() < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(closed(), 4, "four connections past the strangers' places are closed at once");
    assert_eq!(h.hub.status().connections_turned_away, 4);
    // The member's phone is looked up and takes one of the places left for members.
    h.honest_member_still_syncs(24);
    h.honest_member_still_syncs(30);
    drop((connections, crowd));
}

#[test]
fn a_replayed_session_is_refused() {
    let h = hub(tight());
    // What the member's phone sends to open a session, recorded byte for byte.
    let phone_store = store(&h.phone);
    let recorded = [hello(&h.g), Frame::Sync(Message::Summary(Summary::of(&phone_store, &h.g).unwrap()))];
    drop(phone_store);
    // Replayed by a stranger: the hub checks the connection's own key, not what it says.
    let raw = Raw::stranger();
    let (_connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    for frame in &recorded {
        raw.write_frame(&mut send, frame);
    }
    assert_eq!(raw.read_frame(&mut recv), Some(Frame::Refused(Refusal::NotAuthorized)));
    assert_eq!(raw.read_frame(&mut recv), None);

    // Replayed by the member's own device after its member was removed.
    let olle = store(&h.hub).members(&h.g).unwrap().into_iter().find(|m| m.name == "Olle").unwrap();
    store(&h.hub).remove_member(&h.g, &olle.id).unwrap();
    let phone = Raw::as_device(&store(&h.phone));
    let (_connection, mut send, mut recv) = phone.open(h.hub.addr().unwrap());
    for frame in &recorded {
        phone.write_frame(&mut send, frame);
    }
    assert_eq!(phone.read_frame(&mut recv), Some(Frame::Refused(Refusal::NotAuthorized)));
    assert_eq!(h.hub.status().sessions_refused, 2);
}

#[test]
fn a_member_forging_a_stewards_change_over_the_network_changes_nothing() {
    let mut h = hub(tight());
    let steward_device = store(&h.hub).device_id().clone();
    let rules_before = store(&h.hub).item(&h.g, &h.item).unwrap().rules;
    // Mallory holds the group (a sync through the hub, as her phone would).
    let mallory = serve(std::mem::replace(&mut h.mallory, h.lab.device()));
    sync(&mallory, &h.hub, &h.g);
    let mut mallory_store = Arc::try_unwrap({
        let mut m = mallory;
        let s = m.store().clone();
        m.stop();
        drop(m);
        s
    })
    .unwrap()
    .into_inner()
    .unwrap();

    // A catalogue change written under the steward's actor id, without the steward's key.
    let export = mallory_store.export_group(&h.g).unwrap();
    let catalogue = export.iter().find(|d| d.key == "catalogue").unwrap();
    let mut doc = AutoCommit::load(&catalogue.data).unwrap().with_actor(actor_of(&steward_device));
    let heads = doc.get_heads();
    let mut forged = mallory_store.item(&h.g, &h.item).unwrap();
    forged.rules = LoanRules { max_loan_hours: Some(1), ..forged.rules.clone() };
    write_entity(&mut doc, &DocKey::Catalogue, &Entity::Item(forged)).unwrap();
    doc.commit();
    let data = doc.save_after(&heads);

    // Mallory's device runs the session by hand: its summary claims a different catalogue,
    // and its changes carry the forged one.
    let raw = Raw::as_device(&mallory_store);
    let (connection, mut send, mut recv) = raw.open(h.hub.addr().unwrap());
    raw.write_frame(&mut send, &hello(&h.g));
    let Some(Frame::Sync(Message::Summary(_))) = raw.read_frame(&mut recv) else { panic!("no summary") };
    let mut mine = Summary::of(&mallory_store, &h.g).unwrap();
    mine.docs.insert("catalogue".into(), [7; 16]);
    raw.write_frame(&mut send, &Frame::Sync(Message::Summary(mine)));
    let Some(Frame::Sync(Message::Heads { docs })) = raw.read_frame(&mut recv) else { panic!("no heads") };
    assert!(docs.iter().any(|(k, _)| k == "catalogue"));
    let ours = docs.iter().map(|(k, _)| (k.clone(), Vec::new())).collect();
    raw.write_frame(&mut send, &Frame::Sync(Message::Heads { docs: ours }));
    raw.write_frame(&mut send, &Frame::Sync(Message::Changes { docs: vec![("catalogue".into(), data, Vec::new())] }));
    raw.closed_within(&connection, Duration::from_secs(5));

    assert_eq!(store(&h.hub).item(&h.g, &h.item).unwrap().rules, rules_before);
    assert!(store(&h.hub).check(None).unwrap().is_clean());
    h.honest_member_still_syncs(30);
}
