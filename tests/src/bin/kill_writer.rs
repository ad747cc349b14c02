//! Helper of the kill test: opens the store given on the command line and writes to its
//! first group until it is killed: adds items, books them, moves bookings along their
//! lifecycle. After each write call returns `Ok` it prints `ACK <kind> <id> [state]` and
//! flushes; before acting on a booking it prints `TRY act <id> <state>` so the parent knows
//! which single write may be in flight when the kill lands. A write the domain refuses (no
//! units free, a loan rule) is skipped; any other failure (the store could not read or write)
//! prints `FAIL <kind> <error>` and ends the writer with exit code 1, which fails the test.
//!
//! Usage: `kill_writer <store path> <seed> [writes]`; with `writes` it exits by itself after
//! that many acknowledged writes.

use std::io::Write;
use std::time::{Duration, Instant};

use delbar_core::Error;
use delbar_core::domain::{BookingState, ItemDraft};
use delbar_core::ids::{BookingId, ItemId};
use delbar_core::store::{BookingFilter, ItemFilter};
use delbar_core::time::{HOUR_MS, ManualClock};
use delbar_tests::{Rng, at_hours, legal_actions, open_store, request, start};

const NAMES: &[&str] = &["Såg", "Jordfräs", "Øksa", "Stege", "Skottkärra", "Borrmaskin", "Grensax", "Kompost"];

/// Stops on its own if nobody kills it (the parent died).
const SELF_LIMIT: Duration = Duration::from_secs(20);

/// Reports a write that failed and ends the writer with exit code 1.
fn fail(out: &mut impl Write, kind: &str, error: &Error) -> ! {
    writeln!(out, "FAIL {kind} {error}").unwrap();
    out.flush().unwrap();
    std::process::exit(1);
}

/// Skips a write the domain refused (expected with random bookings); any other failure (the
/// store could not read or write) is reported and ends the writer.
fn refused_by_rules(out: &mut impl Write, kind: &str, error: Error) {
    if !matches!(error, Error::Domain(_)) {
        fail(out, kind, &error);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(seed)) = (args.get(1), args.get(2).and_then(|s| s.parse::<u64>().ok())) else {
        eprintln!("usage: kill_writer <store path> <seed> [writes]");
        std::process::exit(2);
    };
    let limit = args.get(3).and_then(|s| s.parse::<usize>().ok()).unwrap_or(usize::MAX);
    let clock = ManualClock::new(start());
    let mut store = open_store(std::path::Path::new(path), &clock);
    let group = store.groups().unwrap().first().expect("the parent creates the group").id.clone();
    let mut items: Vec<ItemId> = store
        .items(&group, &ItemFilter { limit: 10_000, ..ItemFilter::default() })
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    let open_states = vec![BookingState::Requested, BookingState::Confirmed, BookingState::CheckedOut];
    let mut open: Vec<(BookingId, BookingState)> = store
        .bookings(&group, &BookingFilter { states: open_states, limit: 10_000, ..BookingFilter::default() })
        .unwrap()
        .into_iter()
        .map(|b| (b.id, b.state))
        .collect();
    let mut rng = Rng::new(seed);
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    let began = Instant::now();
    let mut acked = 0;
    while began.elapsed() < SELF_LIMIT && acked < limit {
        match rng.below(10) {
            0..=2 => {
                let mut draft = ItemDraft::named(&format!("{} {}", rng.pick(NAMES), rng.below(1000)));
                draft.quantity = rng.range(1, 3);
                match store.add_item(&group, draft) {
                    Ok(item) => {
                        writeln!(out, "ACK item {}", item.id).unwrap();
                        out.flush().unwrap();
                        acked += 1;
                        items.push(item.id);
                    }
                    // Adding an item has no rule a random draft breaks: any error is a failure.
                    Err(e) => fail(&mut out, "item", &e),
                }
            }
            3..=6 if !items.is_empty() => {
                let item = rng.pick(&items).clone();
                let from = rng.range(1, 80 * 24);
                let until = at_hours(from).plus_ms(rng.range(1, 24) * HOUR_MS);
                match store.book(&group, &request(&item, at_hours(from), until, 1)) {
                    Ok(b) => {
                        writeln!(out, "ACK book {} {}", b.id, b.state.as_str()).unwrap();
                        out.flush().unwrap();
                        acked += 1;
                        open.push((b.id, b.state));
                    }
                    Err(e) => refused_by_rules(&mut out, "book", e),
                }
            }
            _ if !open.is_empty() => {
                let index = rng.below(open.len());
                let (id, state) = open[index].clone();
                let action = *rng.pick(legal_actions(state));
                let next = action.next_state(state).unwrap();
                writeln!(out, "TRY act {id} {}", next.as_str()).unwrap();
                out.flush().unwrap();
                match store.act_on_booking(&group, &id, action) {
                    Ok(b) => {
                        writeln!(out, "ACK act {} {}", b.id, b.state.as_str()).unwrap();
                        out.flush().unwrap();
                        acked += 1;
                        if b.state.is_open() {
                            open[index].1 = b.state;
                        } else {
                            open.swap_remove(index);
                        }
                    }
                    Err(e) => refused_by_rules(&mut out, "act", e),
                }
            }
            _ => {}
        }
    }
}
