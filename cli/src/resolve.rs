//! Finding the item, booking, member or group a person means from what they typed: the full
//! id, the name, a unique id prefix or suffix, or a unique name prefix (case and accents
//! ignored). Booking ids begin with the instant they were made (so that a new booking is
//! added at the end of its monthly document), so bookings made close together share a long
//! prefix and are told apart by the end of their id.

use delbar_core::Store;
use delbar_core::domain::{Booking, Item, Member, text};
use delbar_core::ids::{GroupId, ItemId, MemberId};
use delbar_core::store::{BookingFilter, ItemFilter};
use std::collections::BTreeMap;

use crate::error::{CliError, CliResult};
use crate::escape::echo;

/// Most rows read to resolve an id.
const MAX_ROWS: u32 = 10_000;

/// Something that can be picked: its id and, when it may be picked by name, its name.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The full id.
    pub id: &'a str,
    /// The name, if it may be typed instead of the id.
    pub name: Option<&'a str>,
}

/// Folded, whitespace-normalized text for comparing names.
fn folded(s: &str) -> String {
    text::fold(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The index of the one candidate `input` names. Tries, in order: the exact id, the exact
/// name, a unique id prefix, a unique id suffix, a unique name prefix. Several matches at one
/// step is an error listing them.
pub fn pick(kind: &str, input: &str, candidates: &[Candidate<'_>]) -> CliResult<usize> {
    let typed = input.trim();
    if typed.is_empty() {
        return Err(CliError::input(format!("an empty {kind} id was given")));
    }
    if let Some(i) = candidates.iter().position(|c| c.id == typed) {
        return Ok(i);
    }
    let lower = typed.to_lowercase();
    let name = folded(typed);
    let steps: [&dyn Fn(&Candidate<'_>) -> bool; 4] = [
        &|c| !name.is_empty() && c.name.is_some_and(|n| folded(n) == name),
        &|c| c.id.starts_with(&lower),
        &|c| c.id.ends_with(&lower),
        &|c| !name.is_empty() && c.name.is_some_and(|n| folded(n).starts_with(&name)),
    ];
    for matches in steps {
        let found: Vec<usize> = (0..candidates.len()).filter(|&i| candidates.get(i).is_some_and(matches)).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(*one),
            many => {
                let listed: Vec<String> = many
                    .iter()
                    .take(5)
                    .filter_map(|&i| candidates.get(i))
                    .map(|c| match c.name {
                        Some(n) => format!("{} ({n})", c.id),
                        None => c.id.to_owned(),
                    })
                    .collect();
                let more = if many.len() > listed.len() { ", ..." } else { "" };
                return Err(CliError::input(format!(
                    "'{}' matches {} {kind}s: {}{more}; type more of the id or name",
                    echo(typed),
                    many.len(),
                    listed.join(", ")
                )));
            }
        }
    }
    Err(CliError::input(format!("no {kind} matches '{}'", echo(typed))))
}

/// The item `input` names, retired ones included.
pub fn item(store: &Store, group: &GroupId, input: &str) -> CliResult<Item> {
    let items = store.items(group, &ItemFilter { include_retired: true, limit: MAX_ROWS, ..ItemFilter::default() })?;
    let candidates: Vec<Candidate<'_>> =
        items.iter().map(|i| Candidate { id: i.id.as_str(), name: Some(&i.name) }).collect();
    let index = pick("item", input, &candidates)?;
    items.into_iter().nth(index).ok_or_else(|| CliError::input(format!("no item matches '{}'", echo(input))))
}

/// The member `input` names. Names pick among current members only.
pub fn member(store: &Store, group: &GroupId, input: &str) -> CliResult<Member> {
    let members = store.members(group)?;
    let candidates: Vec<Candidate<'_>> = members
        .iter()
        .map(|m| Candidate { id: m.id.as_str(), name: m.is_active().then_some(m.name.as_str()) })
        .collect();
    let index = pick("member", input, &candidates)?;
    members.into_iter().nth(index).ok_or_else(|| CliError::input(format!("no member matches '{}'", echo(input))))
}

/// The booking `input` names (by id or id prefix).
pub fn booking(store: &Store, group: &GroupId, input: &str) -> CliResult<Booking> {
    let bookings = store.bookings(group, &BookingFilter { limit: MAX_ROWS, ..BookingFilter::default() })?;
    let candidates: Vec<Candidate<'_>> = bookings.iter().map(|b| Candidate { id: b.id.as_str(), name: None }).collect();
    let index = pick("booking", input, &candidates)?;
    bookings.into_iter().nth(index).ok_or_else(|| CliError::input(format!("no booking matches '{}'", echo(input))))
}

/// Names of a group's items and members, for showing ids as people know them.
#[derive(Debug, Default)]
pub struct Names {
    items: BTreeMap<ItemId, String>,
    members: BTreeMap<MemberId, String>,
}

impl Names {
    /// Reads the names of every item and member of `group`.
    pub fn of(store: &Store, group: &GroupId) -> CliResult<Self> {
        let items =
            store.items(group, &ItemFilter { include_retired: true, limit: MAX_ROWS, ..ItemFilter::default() })?;
        let members = store.members(group)?;
        Ok(Names {
            items: items.into_iter().map(|i| (i.id, i.name)).collect(),
            members: members.into_iter().map(|m| (m.id, m.name)).collect(),
        })
    }

    /// An item's name, or its id when unknown here.
    pub fn item(&self, id: &ItemId) -> String {
        self.items.get(id).cloned().unwrap_or_else(|| id.to_string())
    }

    /// A member's name, or their id when unknown here.
    pub fn member(&self, id: &MemberId) -> String {
        self.members.get(id).cloned().unwrap_or_else(|| id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates() -> Vec<Candidate<'static>> {
        vec![
            Candidate { id: "abcd2345efgh6777", name: Some("Jordfräs Honda F220") },
            Candidate { id: "abzz2345efgh6777", name: Some("Såmaskin Earthway") },
            Candidate { id: "qqqq2345efgh6777", name: Some("Såg") },
            Candidate { id: "rrrr2345efgh6777", name: None },
        ]
    }

    #[test]
    fn ids_names_and_prefixes_pick_one() {
        let c = candidates();
        assert_eq!(pick("item", "abcd2345efgh6777", &c).unwrap(), 0);
        assert_eq!(pick("item", "abc", &c).unwrap(), 0);
        assert_eq!(pick("item", "jordfras", &c).unwrap(), 0);
        assert_eq!(pick("item", "SÅG", &c).unwrap(), 2);
        assert_eq!(pick("item", "såm", &c).unwrap(), 1);
        assert_eq!(pick("item", "rrrr", &c).unwrap(), 3);
    }

    #[test]
    fn bookings_made_together_are_told_apart_by_the_end_of_their_id() {
        let c = [Candidate { id: "buid2emuaaaa7ob2", name: None }, Candidate { id: "buid2emuaaaabtjk", name: None }];
        assert_eq!(pick("booking", "btjk", &c).unwrap(), 1);
        assert_eq!(pick("booking", "A7OB2", &c).unwrap(), 0);
        let e = pick("booking", "buid2e", &c).unwrap_err().to_string();
        assert!(e.contains("matches 2 bookings"), "{e}");
    }

    #[test]
    fn ambiguous_and_unknown_input_is_refused() {
        let c = candidates();
        let e = pick("item", "ab", &c).unwrap_err().to_string();
        assert!(e.contains("matches 2 items"), "{e}");
        let e = pick("item", "zzz", &c).unwrap_err().to_string();
        assert_eq!(e, "no item matches 'zzz'");
        assert!(pick("item", "  ", &c).is_err());
    }
}
