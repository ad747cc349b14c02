//! The sync session over an untrusted byte pipe: two real stores, a pipe in memory that
//! can drop, flip, reorder or cut bytes, and the Noise handshake in front of it all.

use std::time::{Duration, Instant};

use delbar_core::domain::Role;
use delbar_core::ids::GroupId;
use delbar_core::sync::pipe::{DEFAULT_IDLE_TIMEOUT, MAX_FRAME};
use delbar_core::sync::{PipeReport, PipeSession, Summary, SyncError, export_bundle_for, import_bundle, read_bundle};
use delbar_core::{Error, Store};

use crate::fixtures::{Lab, add_member, assert_converged, book, bookings};

/// What the pipe does to each batch of frames, by batch number: even batches go from the
/// initiator to the responder, odd ones back.
type Tamper<'a> = &'a mut dyn FnMut(usize, Vec<Vec<u8>>) -> Vec<Vec<u8>>;

/// How a pipe session ended on both sides.
struct Ended {
    initiator: Result<PipeReport, Error>,
    responder: Result<PipeReport, Error>,
    /// Every frame the initiator sent, in order (as sent, before any tampering).
    initiator_frames: Vec<Vec<u8>>,
    /// Every frame the responder sent.
    responder_frames: Vec<Vec<u8>>,
}

fn outcome(session: &PipeSession, failed: Option<Error>) -> Result<PipeReport, Error> {
    match failed {
        Some(e) => Err(e),
        None => session.report().cloned().ok_or(Error::Sync(SyncError::PipeClosed)),
    }
}

/// Runs a session from `a` (initiator) to `b` (responder). `tamper` sees each batch of
/// frames with its number and returns what reaches the other side. Stops when nothing
/// moves any more.
fn run_with(a: &mut Store, b: &mut Store, g: &GroupId, responder_group: Option<&GroupId>, tamper: Tamper<'_>) -> Ended {
    let now = Instant::now();
    let (mut sa, first) = PipeSession::initiator(g, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let mut sb = PipeSession::responder(responder_group, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let (mut fail_a, mut fail_b) = (None, None);
    let (mut all_a, mut all_b) = (first.clone(), Vec::new());
    let mut to_b = first;
    let mut batch = 0;
    loop {
        let mut to_a = Vec::new();
        let arriving = tamper(batch, std::mem::take(&mut to_b));
        batch += 1;
        for frame in arriving {
            if sb.is_over() {
                break;
            }
            match sb.receive(b, &frame, now) {
                Ok(out) => to_a.extend(out),
                Err(e) => {
                    to_a.extend(sb.take_closing_frames());
                    fail_b = Some(e);
                }
            }
        }
        all_b.extend(to_a.iter().cloned());
        let to_a = tamper(batch, to_a);
        batch += 1;
        for frame in to_a {
            if sa.is_over() {
                break;
            }
            match sa.receive(a, &frame, now) {
                Ok(out) => to_b.extend(out),
                Err(e) => {
                    to_b.extend(sa.take_closing_frames());
                    fail_a = Some(e);
                }
            }
        }
        all_a.extend(to_b.iter().cloned());
        if to_b.is_empty() {
            break;
        }
    }
    if !sa.is_over() {
        fail_a = fail_a.or(sa.closed().err().map(Error::from));
    }
    if !sb.is_over() {
        fail_b = fail_b.or(sb.closed().err().map(Error::from));
    }
    Ended {
        initiator: outcome(&sa, fail_a),
        responder: outcome(&sb, fail_b),
        initiator_frames: all_a,
        responder_frames: all_b,
    }
}

fn run(a: &mut Store, b: &mut Store, g: &GroupId) -> (PipeReport, PipeReport) {
    let ended = run_with(a, b, g, None, &mut |_, frames| frames);
    (ended.initiator.unwrap(), ended.responder.unwrap())
}

/// A steward's store and a member's, the member's never synced.
fn pair(lab: &mut Lab) -> (Store, Store, GroupId, delbar_core::ids::ItemId) {
    let (mut steward, g, item) = lab.steward();
    let phone = lab.device();
    add_member(&mut steward, &g, &phone, "Ove", Role::Member);
    (steward, phone, g, item)
}

fn is_sync_error(result: &Result<PipeReport, Error>, want: fn(&SyncError) -> bool) -> bool {
    matches!(result, Err(Error::Sync(e)) if want(e))
}

/// A steward's store and a member's phone that already holds the group (first synced).
fn synced_pair(lab: &mut Lab) -> (Store, Store, GroupId, delbar_core::ids::ItemId) {
    let (mut steward, mut phone, g, item) = pair(lab);
    let ended = run_with(&mut steward, &mut phone, &g, Some(&g), &mut |_, frames| frames);
    ended.initiator.unwrap();
    ended.responder.unwrap();
    (steward, phone, g, item)
}

#[test]
fn first_contact_and_later_sessions_through_a_pipe_converge_in_small_frames() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = pair(&mut lab);
    for h in 0..20 {
        book(&lab, &mut steward, &g, &item, 24 + h * 3);
    }
    // First contact: the new phone answers for the group it was asked to join.
    let ended = run_with(&mut steward, &mut phone, &g, Some(&g), &mut |_, frames| frames);
    let (a, b) = (ended.initiator.unwrap(), ended.responder.unwrap());
    assert_eq!(a.peer, *phone.device_id());
    assert_eq!(b.peer, *steward.device_id());
    assert_eq!(b.group, g);
    assert!(b.session.merged.documents_changed > 0);
    assert!(a.frames_sent > 1 && b.frames_sent > 1);
    assert!(ended.initiator_frames.iter().chain(&ended.responder_frames).all(|f| f.len() <= MAX_FRAME));
    // The first contact carries whole documents: many frames, reassembled.
    assert!(ended.initiator_frames.len() > 10, "{}", ended.initiator_frames.len());
    // Both count the same bytes from their two ends.
    assert_eq!(a.bytes_sent, b.bytes_received);
    assert_eq!(b.bytes_sent, a.bytes_received);
    assert_converged(&mut steward, &mut phone, &g);

    // Now the phone books, and dials the steward, who needs no group named.
    book(&lab, &mut phone, &g, &item, 200);
    let (a, b) = run(&mut phone, &mut steward, &g);
    assert!(a.session.documents_differing >= 1);
    assert!(b.session.merged.documents_changed >= 1);
    assert_eq!(bookings(&steward, &g).len(), 21);
    assert_converged(&mut steward, &mut phone, &g);
}

#[test]
fn a_second_session_sends_only_what_is_new() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    for h in 0..30 {
        book(&lab, &mut steward, &g, &item, 24 + h * 3);
    }
    let (first, _) = run(&mut phone, &mut steward, &g);
    book(&lab, &mut steward, &g, &item, 500);
    let (second, _) = run(&mut phone, &mut steward, &g);
    // One booking's changes, not the thirty before it.
    assert!(second.session.change_bytes_received > 0);
    assert!(
        second.session.change_bytes_received * 3 < first.session.change_bytes_received,
        "{} vs {}",
        second.session.change_bytes_received,
        first.session.change_bytes_received
    );
    // Nothing new: two summaries and the handshake.
    let (third, other) = run(&mut phone, &mut steward, &g);
    assert_eq!(third.session.documents_differing, 0);
    assert_eq!(third.session.change_bytes_received + other.session.change_bytes_received, 0);
    assert!(third.bytes_sent + third.bytes_received < 1500, "{}", third.bytes_sent + third.bytes_received);
    assert_converged(&mut steward, &mut phone, &g);
}

#[test]
fn bytes_in_any_split_make_the_same_session() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    book(&lab, &mut phone, &g, &item, 30);
    // A stream pipe: one byte at a time each way.
    let now = Instant::now();
    let (mut sa, first) = PipeSession::initiator(&g, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let mut sb = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let mut to_b: Vec<u8> = first.concat();
    while !(sa.is_done() && sb.is_done()) {
        let mut to_a = Vec::new();
        for byte in std::mem::take(&mut to_b) {
            to_a.extend(sb.receive(&mut steward, &[byte], now).unwrap().concat());
        }
        for byte in to_a {
            to_b.extend(sa.receive(&mut phone, &[byte], now).unwrap().concat());
        }
        assert!(!to_b.is_empty() || (sa.is_done() && sb.is_done()), "the session stalled");
    }
    assert_eq!(bookings(&steward, &g).len(), 1);
    assert_converged(&mut steward, &mut phone, &g);
}

/// Runs a session whose frames from the initiator pass through `tamper`, and checks the
/// damage was refused with a typed error, nothing was applied, and a clean session then
/// completes.
fn refused_then_recovers(tamper: Tamper<'_>, want: fn(&SyncError) -> bool) {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    for h in 0..10 {
        book(&lab, &mut phone, &g, &item, 24 + h * 3);
    }
    let before = Summary::of(&steward, &g).unwrap();
    let ended = run_with(&mut phone, &mut steward, &g, None, tamper);
    assert!(is_sync_error(&ended.responder, want), "{:?}", ended.responder.err());
    assert_eq!(Summary::of(&steward, &g).unwrap(), before, "something of the damaged session was applied");
    for s in [&mut steward, &mut phone] {
        assert!(s.check(None).unwrap().is_clean());
    }
    run(&mut phone, &mut steward, &g);
    assert_eq!(bookings(&steward, &g).len(), 10);
    assert_converged(&mut steward, &mut phone, &g);
}

/// The batch in which the initiator sends its changes (0: message 1; 1: message 2; 2:
/// message 3 and the summary; 3: the responder's summary and heads; 4: heads and changes).
const CHANGES_BATCH: usize = 4;

#[test]
fn a_flipped_byte_is_refused() {
    refused_then_recovers(
        &mut |batch, mut frames| {
            if batch == CHANGES_BATCH
                && let Some(last) = frames.last_mut()
            {
                let i = last.len() / 2;
                last[i] ^= 0x40;
            }
            frames
        },
        |e| matches!(e, SyncError::Tampered),
    );
}

#[test]
fn reordered_frames_are_refused() {
    refused_then_recovers(
        &mut |batch, mut frames| {
            if batch == CHANGES_BATCH {
                assert!(frames.len() >= 2);
                let n = frames.len();
                frames.swap(n - 1, n - 2);
            }
            frames
        },
        |e| matches!(e, SyncError::Tampered),
    );
}

#[test]
fn a_dropped_frame_is_refused() {
    refused_then_recovers(
        &mut |batch, mut frames| {
            if batch == CHANGES_BATCH {
                frames.remove(0);
            }
            frames
        },
        |e| matches!(e, SyncError::Tampered),
    );
}

#[test]
fn a_cut_frame_is_refused() {
    // The last frame loses its tail and the pipe ends: the session cannot complete.
    refused_then_recovers(
        &mut |batch, mut frames| {
            if batch == CHANGES_BATCH
                && let Some(last) = frames.last_mut()
            {
                last.truncate(last.len() - 5);
            }
            frames
        },
        |e| matches!(e, SyncError::PipeClosed),
    );
    // Cut bytes followed by more bytes: the next frame is read from the wrong place.
    refused_then_recovers(
        &mut |batch, frames| {
            if batch == CHANGES_BATCH {
                let mut joined = frames.concat();
                joined.remove(joined.len() / 3);
                vec![joined]
            } else {
                frames
            }
        },
        |e| {
            matches!(
                e,
                SyncError::Tampered
                    | SyncError::FrameTooLarge { .. }
                    | SyncError::Malformed { .. }
                    | SyncError::PipeClosed
            )
        },
    );
}

#[test]
fn a_pipe_that_drops_mid_session_leaves_both_stores_consistent() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    for h in 0..10 {
        book(&lab, &mut phone, &g, &item, 24 + h * 3);
        book(&lab, &mut steward, &g, &item, 25 + h * 3);
    }
    // The pipe dies after the phone's heads and changes went out: the steward applies them,
    // the phone never hears back.
    let ended = run_with(&mut phone, &mut steward, &g, None, &mut |batch, frames| {
        if batch > CHANGES_BATCH { Vec::new() } else { frames }
    });
    assert_eq!(bookings(&steward, &g).len(), 20);
    assert_eq!(bookings(&phone, &g).len(), 10);
    assert!(ended.responder.is_ok());
    assert!(is_sync_error(&ended.initiator, |e| matches!(e, SyncError::Tampered | SyncError::PipeClosed)));
    for s in [&mut steward, &mut phone] {
        assert!(s.check(None).unwrap().is_clean());
    }
    // Dropped earlier, in the handshake: nothing at all happened.
    let ended = run_with(&mut phone, &mut steward, &g, None, &mut |batch, frames| {
        if batch == 0 { Vec::new() } else { frames }
    });
    assert!(is_sync_error(&ended.responder, |e| matches!(e, SyncError::PipeClosed)));
    // The next session completes.
    run(&mut phone, &mut steward, &g);
    assert_eq!(bookings(&steward, &g).len(), 20);
    assert_converged(&mut steward, &mut phone, &g);
}

#[test]
fn a_stranger_is_refused_and_never_learns_the_group() {
    let mut lab = Lab::new();
    let (mut steward, _phone, g, item) = pair(&mut lab);
    book(&lab, &mut steward, &g, &item, 30);
    let mut stranger = lab.device();
    let own = stranger.create_group("Grannar", "", "Eva").unwrap();
    // The steward dials a stranger: it names no group and refuses.
    let before = Summary::of(&steward, &g).unwrap();
    let now = Instant::now();
    let (mut sa, first) = PipeSession::initiator(&g, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let mut sb = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let message2 = sb.receive(&mut stranger, &first.concat(), now).unwrap();
    let err = sa.receive(&mut steward, &message2.concat(), now).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::NotAMemberDevice { .. })), "{err}");
    let closing = sa.take_closing_frames().concat();
    let group_id = g.as_str().as_bytes();
    assert!(!closing.windows(group_id.len()).any(|w| w == group_id));
    let err = sb.receive(&mut stranger, &closing, now).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Refused { .. })), "{err}");
    assert_eq!(sb.group(), None, "the stranger learnt the group");
    // A stranger dials the steward with the steward's group id, and with a group of its own
    // it lists the steward's device in (a group the steward does not know).
    stranger.add_member(&own.id, "Karin", Role::Member, Some((steward.device_id().clone(), "phone"))).unwrap();
    for asked in [g.clone(), own.id.clone()] {
        let ended = run_with(&mut stranger, &mut steward, &asked, None, &mut |_, frames| frames);
        assert!(is_sync_error(&ended.initiator, |e| matches!(e, SyncError::Refused { .. })));
        assert!(is_sync_error(&ended.responder, |e| matches!(e, SyncError::NotAMemberDevice { .. })));
        // The steward's answer after the handshake is one short refusal, the same for both.
        assert_eq!(ended.responder_frames.len(), 2, "message 2 and the refusal");
    }
    assert_eq!(Summary::of(&steward, &g).unwrap(), before);
    assert!(stranger.group(&g).is_err());
}

#[test]
fn a_removed_member_is_refused() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    let ove = steward.members(&g).unwrap().into_iter().find(|m| m.name == "Ove").unwrap();
    steward.remove_member(&g, &ove.id).unwrap();
    book(&lab, &mut phone, &g, &item, 30);
    let before = Summary::of(&steward, &g).unwrap();
    let ended = run_with(&mut phone, &mut steward, &g, None, &mut |_, frames| frames);
    assert!(is_sync_error(&ended.initiator, |e| matches!(e, SyncError::Refused { .. })));
    assert!(is_sync_error(&ended.responder, |e| matches!(e, SyncError::NotAMemberDevice { .. })));
    assert_eq!(Summary::of(&steward, &g).unwrap(), before);
    // And the steward does not name the group to it either.
    let ended = run_with(&mut steward, &mut phone, &g, None, &mut |_, frames| frames);
    assert!(is_sync_error(&ended.initiator, |e| matches!(e, SyncError::NotAMemberDevice { .. })));
    assert!(is_sync_error(&ended.responder, |e| matches!(e, SyncError::Refused { .. })));
}

#[test]
fn a_recorded_handshake_replayed_is_refused() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    book(&lab, &mut phone, &g, &item, 30);
    let ended = run_with(&mut phone, &mut steward, &g, None, &mut |_, frames| frames);
    ended.responder.unwrap();
    // Someone recorded what the phone sent and plays it to the steward again.
    let before = Summary::of(&steward, &g).unwrap();
    let now = Instant::now();
    let mut sb = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let mut err = None;
    for frame in &ended.initiator_frames {
        if let Err(e) = sb.receive(&mut steward, frame, now) {
            err = Some(e);
            break;
        }
    }
    let err = err.expect("a replayed handshake was accepted");
    assert!(matches!(err, Error::Sync(SyncError::Tampered | SyncError::Handshake { .. })), "{err}");
    assert_eq!(sb.peer(), None);
    assert_eq!(Summary::of(&steward, &g).unwrap(), before);
}

#[test]
fn a_stalled_session_times_out() {
    let mut lab = Lab::new();
    let (mut steward, _phone, g, _) = synced_pair(&mut lab);
    let now = Instant::now();
    let timeout = Duration::from_secs(5);
    let (mut sa, _first) = PipeSession::initiator(&g, now, timeout).unwrap();
    assert!(sa.check(now + Duration::from_secs(4)).is_ok());
    let err = sa.check(now + Duration::from_secs(6)).unwrap_err();
    assert!(matches!(err, SyncError::TimedOut { idle_ms } if idle_ms >= 6000), "{err}");
    assert!(sa.is_over() && !sa.is_done());
    // Bytes arriving after the session gave up are refused too.
    assert!(sa.receive(&mut steward, &[0, 1, 2], now + Duration::from_secs(7)).is_err());
    // Bytes arriving long after the last ones: the session had already stalled.
    let (_, first) = PipeSession::initiator(&g, now, timeout).unwrap();
    let mut responder = PipeSession::responder(None, now, timeout).unwrap();
    let late = now + Duration::from_secs(60);
    let err = responder.receive(&mut steward, &first.concat(), late).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::TimedOut { .. })), "{err}");
}

#[test]
fn garbage_on_the_pipe_is_refused_with_a_typed_error() {
    let mut lab = Lab::new();
    let (mut steward, _phone, _g, _) = synced_pair(&mut lab);
    let now = Instant::now();
    let mut sb = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let err = sb.receive(&mut steward, &[0xff, 0xff, 1, 2, 3], now).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::FrameTooLarge { .. })), "{err}");
    let mut sb = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let err = sb.receive(&mut steward, &[0, 4, 1, 2, 3, 4], now).unwrap_err();
    assert!(matches!(err, Error::Sync(SyncError::Handshake { .. } | SyncError::Tampered)), "{err}");
}

#[test]
fn an_imported_bundle_makes_the_next_export_for_its_exporter_a_delta() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, item) = synced_pair(&mut lab);
    for h in 0..20 {
        book(&lab, &mut steward, &g, &item, 24 + h * 3);
    }
    // The steward sends the phone a bundle by hand; the phone never carries heads back.
    let to_phone = export_bundle_for(&steward, &g, phone.device_id()).unwrap();
    import_bundle(&mut phone, &g, &to_phone).unwrap();
    book(&lab, &mut phone, &g, &item, 400);
    let full = delbar_core::sync::export_bundle(&phone, &g, None).unwrap();
    let delta = export_bundle_for(&phone, &g, steward.device_id()).unwrap();
    let info = read_bundle(&delta).unwrap();
    // Only the document the phone changed, and only its new changes.
    assert!(delta.len() * 3 < full.len(), "{} vs {}", delta.len(), full.len());
    assert!(info.documents.len() < read_bundle(&full).unwrap().documents.len());
    assert!(info.heads.is_some());
    import_bundle(&mut steward, &g, &delta).unwrap();
    assert_converged(&mut steward, &mut phone, &g);
    // With nothing new on either side, a bundle for the other carries no document.
    let empty = read_bundle(&export_bundle_for(&steward, &g, phone.device_id()).unwrap()).unwrap();
    assert!(empty.documents.is_empty(), "{:?}", empty.documents.iter().map(|d| &d.key).collect::<Vec<_>>());
}

/// The handshake measured on the pipe, not computed: the bytes each side writes until the
/// other has authenticated it, and the one-way flights until both have.
#[test]
fn the_handshake_is_406_bytes_in_one_and_a_half_round_trips() {
    let mut lab = Lab::new();
    let (mut steward, mut phone, g, _) = synced_pair(&mut lab);
    let now = Instant::now();
    let (mut initiator, first) = PipeSession::initiator(&g, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    let mut responder = PipeSession::responder(None, now, DEFAULT_IDLE_TIMEOUT).unwrap();
    // The sizes of the frames each side wrote (initiator, responder) while the other had
    // not yet authenticated it, and the flights: each one direction's frames, delivered one
    // frame at a time.
    let mut handshake: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let (mut flights, mut last_flight_frames) = (0, 0);
    let (mut outgoing, mut from_initiator) = (first, true);
    while initiator.peer().is_none() || responder.peer().is_none() {
        assert!(!outgoing.is_empty() && flights < 10, "the handshake stalled after {flights} flights");
        flights += 1;
        last_flight_frames = outgoing.len();
        let mut answer = Vec::new();
        for frame in std::mem::take(&mut outgoing) {
            if from_initiator {
                if responder.peer().is_none() {
                    handshake[0].push(frame.len());
                }
                answer.extend(responder.receive(&mut steward, &frame, now).unwrap());
            } else {
                if initiator.peer().is_none() {
                    handshake[1].push(frame.len());
                }
                answer.extend(initiator.receive(&mut phone, &frame, now).unwrap());
            }
        }
        outgoing = answer;
        from_initiator = !from_initiator;
    }
    assert_eq!(initiator.peer(), Some(steward.device_id()));
    assert_eq!(responder.peer(), Some(phone.device_id()));
    // Message 1 (`e`), message 3 (`s, se`, the identity and the group id); message 2.
    assert_eq!(g.as_str().len(), 16);
    assert_eq!(handshake, [vec![34, 178], vec![194]]);
    assert_eq!(handshake.iter().flatten().sum::<usize>(), 406);
    // Three one-way flights, two changes of direction: one and a half round trips.
    assert_eq!(flights, 3);
    // The initiator's summary left with message 3, in the same flight.
    assert!(last_flight_frames > 1, "message 3 went alone");
}
