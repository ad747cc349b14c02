//! The booking lifecycle as a table: every resolved state × every action × every kind of
//! actor (a steward, the borrower, another member), with self-service gear and without.
//! Each cell is either the exact state the booking reaches or the typed refusal, and a
//! refused action leaves the actor's store file exactly as it was.

use delbar_core::domain::{BookingAction, BookingState, BumpReason, DomainError, ItemDraft, LoanRules, Role};
use delbar_core::ids::{BookingId, ItemId};
use delbar_core::time::Timestamp;
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, Peer, at_hours, fingerprint, open_rules, request, sync};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Steward,
    Borrower,
    Other,
}

const ACTORS: [Actor; 3] = [Actor::Steward, Actor::Borrower, Actor::Other];

/// What an action must give: a state, or which refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ok(BookingState),
    NotPermitted,
    Illegal,
    NotBookable,
    NoOffer,
}

/// The rule, written out independently of the core: who may, then whether the state allows.
fn expected(actor: Actor, action: BookingAction, state: BookingState, self_service: bool) -> Outcome {
    use BookingAction as A;
    use BookingState as S;
    let permitted = match (actor, action) {
        (Actor::Steward, _) => true,
        (_, A::Confirm | A::Decline) => false,
        (Actor::Borrower, A::Cancel | A::Claim) => true,
        (Actor::Borrower, A::CheckOut | A::Return) => self_service,
        (Actor::Other, _) => false,
    };
    if !permitted {
        return Outcome::NotPermitted;
    }
    match (action, state) {
        (A::Confirm, S::Requested) => Outcome::Ok(S::Confirmed),
        (A::Decline, S::Requested) => Outcome::Ok(S::Declined),
        (A::Cancel, S::Requested | S::Confirmed | S::Waitlisted | S::Bumped) => Outcome::Ok(S::Cancelled),
        (A::CheckOut, S::Confirmed) => Outcome::Ok(S::CheckedOut),
        (A::Return, S::CheckedOut) => Outcome::Ok(S::Returned),
        // The item does not need approval, so a claimed offer is confirmed at once.
        (A::Claim, S::Waitlisted) => Outcome::Ok(S::Confirmed),
        _ => Outcome::Illegal,
    }
}

fn outcome_of(result: &Result<BookingState, Error>) -> Outcome {
    match result {
        Ok(s) => Outcome::Ok(*s),
        Err(Error::Domain(DomainError::NotPermitted { .. })) => Outcome::NotPermitted,
        Err(Error::Domain(DomainError::IllegalTransition { .. })) => Outcome::Illegal,
        Err(Error::Domain(DomainError::ItemNotBookable { .. })) => Outcome::NotBookable,
        Err(Error::Domain(DomainError::NoOffer { .. })) => Outcome::NoOffer,
        Err(e) => panic!("unexpected error {e:?}"),
    }
}

/// A group with a steward, the borrower Olle and another member Eva, each on a device.
struct World {
    fx: Fixture,
    olle: Peer,
    eva: Peer,
    /// The next free 3-hour slot, in hours after the start.
    slot: i64,
}

impl World {
    fn new() -> Self {
        let mut fx = Fixture::new();
        let olle = fx.join("Olle", Role::Member);
        let eva = fx.join("Eva", Role::Member);
        Self { fx, olle, eva, slot: 24 }
    }

    fn window(&mut self) -> (Timestamp, Timestamp) {
        self.slot += 3;
        (at_hours(self.slot), at_hours(self.slot + 2))
    }

    fn item(&mut self, name: &str, rules: LoanRules) -> ItemId {
        self.fx.item_from(ItemDraft { rules, ..ItemDraft::named(name) }).id
    }

    fn sync_all(&mut self) {
        let g = self.fx.group.clone();
        sync(&mut self.olle.store, &mut self.fx.store, &g);
        sync(&mut self.eva.store, &mut self.fx.store, &g);
        sync(&mut self.fx.store, &mut self.olle.store, &g);
        sync(&mut self.fx.store, &mut self.eva.store, &g);
    }

    fn store(&mut self, actor: Actor) -> (&mut Store, std::path::PathBuf) {
        match actor {
            Actor::Steward => (&mut self.fx.store, self.fx.path.clone()),
            Actor::Borrower => (&mut self.olle.store, self.olle.path.clone()),
            Actor::Other => (&mut self.eva.store, self.eva.path.clone()),
        }
    }
}

/// Items of one self-service setting.
struct Lane {
    self_service: bool,
    /// Quantity 1, no approval.
    plain: ItemId,
    /// Quantity 1, approval required.
    approval: ItemId,
}

/// Puts a booking of Olle in `state`. Requested and bumped bookings need Olle's own device
/// and a merge, so they are made in [`prepare_remote`]; the rest are made by the steward.
fn make_local(w: &mut World, lane: &Lane, state: BookingState) -> BookingId {
    let g = w.fx.group.clone();
    let olle = w.olle.member.clone();
    let (s, e) = w.window();
    let mut for_olle = request(&lane.plain, s, e, 1);
    for_olle.for_member = Some(olle.clone());
    let st = &mut w.fx.store;
    match state {
        BookingState::Confirmed | BookingState::Cancelled | BookingState::CheckedOut | BookingState::Returned => {
            let b = st.book(&g, &for_olle).unwrap();
            let steps: &[BookingAction] = match state {
                BookingState::Cancelled => &[BookingAction::Cancel],
                BookingState::CheckedOut => &[BookingAction::CheckOut],
                BookingState::Returned => &[BookingAction::CheckOut, BookingAction::Return],
                _ => &[],
            };
            for a in steps {
                st.act_on_booking(&g, &b.id, *a).unwrap();
            }
            assert_eq!(st.booking(&g, &b.id).unwrap().state, state);
            b.id
        }
        BookingState::Waitlisted => {
            // An item of its own, so that the offer is this booking's: someone holds the
            // window, Olle joins the queue, the holder cancels.
            let rules = LoanRules { self_service: lane.self_service, ..open_rules() };
            let item = st.add_item(&g, ItemDraft { rules, ..ItemDraft::named("Kö") }).unwrap().id;
            let blocker = st.book(&g, &request(&item, s, e, 1)).unwrap();
            let mut wait = request(&item, s, e, 1);
            wait.for_member = Some(olle);
            let b = st.join_waitlist(&g, &wait).unwrap();
            st.act_on_booking(&g, &blocker.id, BookingAction::Cancel).unwrap();
            let queue = st.waitlist(&g, &item).unwrap();
            assert!(queue[0].offer.is_some(), "the waiting booking has an offer");
            b.id
        }
        other => unreachable!("{other:?} is made remotely"),
    }
}

/// Requested bookings (Olle asks on his device for an item needing approval), declined ones,
/// and bumped ones (Olle books offline while the steward hands the same unit out).
fn prepare_remote(w: &mut World, lane: &Lane, state: BookingState) -> BookingId {
    let g = w.fx.group.clone();
    let (s, e) = w.window();
    match state {
        BookingState::Requested | BookingState::Declined => {
            let b = w.olle.store.book(&g, &request(&lane.approval, s, e, 1)).unwrap();
            assert_eq!(b.state, BookingState::Requested);
            b.id
        }
        BookingState::Bumped => {
            let b = w.olle.store.book(&g, &request(&lane.plain, s, e, 1)).unwrap();
            let out = w.fx.store.book(&g, &request(&lane.plain, s, e, 1)).unwrap();
            w.fx.store.act_on_booking(&g, &out.id, BookingAction::CheckOut).unwrap();
            b.id
        }
        other => unreachable!("{other:?} is made locally"),
    }
}

fn run_lane(w: &mut World, self_service: bool) {
    let rules = LoanRules { self_service, ..open_rules() };
    let plain = w.item("Jordfräs", rules.clone());
    let approval = w.item("Äppelpress", LoanRules { requires_approval: true, ..rules });
    let lane = Lane { self_service, plain, approval };
    w.sync_all();
    // Every case: (actor, state) with one booking for every refused action, and one fresh
    // booking for each accepted action.
    let mut cases: Vec<(Actor, BookingState, Vec<BookingAction>, BookingId)> = Vec::new();
    let mut remote = Vec::new();
    for actor in ACTORS {
        for state in BookingState::ALL {
            let refused: Vec<BookingAction> = BookingAction::ALL
                .into_iter()
                .filter(|a| !matches!(expected(actor, *a, state, self_service), Outcome::Ok(_)))
                .collect();
            let accepted: Vec<BookingAction> =
                BookingAction::ALL.into_iter().filter(|a| !refused.contains(a)).collect();
            let mut groups = vec![refused];
            groups.extend(accepted.into_iter().map(|a| vec![a]));
            for actions in groups {
                if actions.is_empty() {
                    continue;
                }
                let remote_made =
                    matches!(state, BookingState::Requested | BookingState::Declined | BookingState::Bumped);
                let id = if remote_made { prepare_remote(w, &lane, state) } else { make_local(w, &lane, state) };
                if remote_made {
                    remote.push((id.clone(), state));
                }
                cases.push((actor, state, actions, id));
            }
        }
    }
    w.sync_all();
    let g = w.fx.group.clone();
    for (id, state) in remote {
        if state == BookingState::Declined {
            w.fx.store.act_on_booking(&g, &id, BookingAction::Decline).unwrap();
        }
    }
    w.sync_all();
    for (actor, state, actions, id) in cases {
        let (store, path) = w.store(actor);
        let got = store.booking(&g, &id).unwrap();
        assert_eq!(got.state, state, "setup of {actor:?}/{state:?}");
        if state == BookingState::Bumped {
            assert_eq!(got.bump.as_ref().map(|b| b.reason), Some(BumpReason::Overbooked));
        }
        // The refused actions run one after another on one booking: the file is compared
        // after each batch (a change by any of them shows there).
        let refused_batch =
            actions.len() > 1 || !matches!(expected(actor, actions[0], state, self_service), Outcome::Ok(_));
        let before = refused_batch.then(|| fingerprint(&path));
        for action in actions {
            let want = expected(actor, action, state, self_service);
            let result = store.act_on_booking(&g, &id, action).map(|b| b.state);
            assert_eq!(
                outcome_of(&result),
                want,
                "{actor:?} does {action:?} on a {state:?} booking (self-service {self_service})"
            );
            if let Ok(state) = result {
                assert_eq!(store.booking(&g, &id).unwrap().state, state);
            }
        }
        if let Some(before) = before {
            assert_eq!(fingerprint(&path), before, "a refused action on a {state:?} booking changed the store");
        }
    }
}

#[test]
fn every_state_action_and_role_has_its_exact_outcome() {
    let mut w = World::new();
    run_lane(&mut w, false);
    run_lane(&mut w, true);
    w.sync_all();
    delbar_tests::assert_clean(&mut w.fx.store);
    delbar_tests::assert_clean(&mut w.olle.store);
}

#[test]
fn a_claim_without_an_offer_is_refused_and_changes_nothing() {
    let mut fx = Fixture::new();
    let tiller = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Jordfräs") });
    let g = fx.group.clone();
    fx.book(&tiller.id, 24, 30, 1).unwrap();
    let waiting = fx.store.join_waitlist(&g, &request(&tiller.id, at_hours(24), at_hours(30), 1)).unwrap();
    assert_eq!(waiting.state, BookingState::Waitlisted);
    let before = fx.fingerprint();
    let e = fx.store.act_on_booking(&g, &waiting.id, BookingAction::Claim).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::NoOffer { .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
}

#[test]
fn gear_out_of_service_cannot_be_checked_out_and_its_bookings_are_bumped() {
    let mut fx = Fixture::new();
    let saw = fx.item_from(ItemDraft { rules: open_rules(), ..ItemDraft::named("Motorsåg") });
    let g = fx.group.clone();
    let b = fx.book(&saw.id, 24, 30, 1).unwrap();
    fx.store.log_maintenance(&g, &saw.id, "kedjan av", delbar_core::domain::Condition::OutOfService, None).unwrap();
    let bumped = fx.store.booking(&g, &b.id).unwrap();
    assert_eq!(bumped.state, BookingState::Bumped);
    assert_eq!(bumped.bump.map(|b| (b.reason, b.winner)), Some((BumpReason::ItemOutOfService, None)));
    let before = fx.fingerprint();
    let e = fx.store.act_on_booking(&g, &b.id, BookingAction::CheckOut).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::ItemNotBookable { .. })), "{e:?}");
    let e = fx.book(&saw.id, 40, 42, 1).unwrap_err();
    assert!(matches!(e, Error::Domain(DomainError::ItemNotBookable { .. })), "{e:?}");
    assert_eq!(fx.fingerprint(), before);
    // The bumped booking can still be called off.
    assert_eq!(fx.store.act_on_booking(&g, &b.id, BookingAction::Cancel).unwrap().state, BookingState::Cancelled);
    fx.assert_clean();
}
