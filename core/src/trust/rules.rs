//! Who may write what, judged per field from the writer's role when the change was made.
//!
//! - Catalogue: everything (the group, members, items with their loan rules, maintenance,
//!   qualifications) is written by stewards; a member may add devices to their own entry and,
//!   when the group lets members invite, create a new member's entry (role member) in one
//!   change.
//! - Bookings: the borrower (the member a booking names, booking only for themselves) or a
//!   steward writes a booking; the waitlist rank is a steward's; a lifecycle event counts
//!   only if written by the member it names, who is a steward or the borrower (declining
//!   is a steward's). Whether an item needed approval or was self-service is checked when
//!   the action is taken, not again here.
//! - Activity: an entry is written by the member it names as actor.
//!
//! A removed member has no role from the instant of removal, so nothing they wrote after it
//! counts, whichever device carried it.

use serde_json::Value as Json;

use crate::docs::MEMBERS_KEY;
use crate::docs::json::FIXED_KEY;
use crate::domain::event;
use crate::trust::effective::Rule;
use crate::trust::roster::Author;

/// The catalogue's rule. With `members_may_invite` (the group's setting), a member's device
/// may also write a new member's entry, with the member role, in the change that creates it
/// (redeeming an invite at a member's device).
pub(crate) struct CatalogueRule {
    pub members_may_invite: bool,
}

impl Rule for CatalogueRule {
    fn allows(
        &mut self,
        path: &[String],
        author: &Author,
        value: &Json,
        with_entity: &mut dyn FnMut() -> bool,
    ) -> bool {
        if author.is_steward() {
            return true;
        }
        match path {
            [members, member, devices, _, ..]
                if members == MEMBERS_KEY && devices == "devices" && member == author.member.as_str() =>
            {
                true
            }
            [members, member, rest @ ..] if members == MEMBERS_KEY && member != author.member.as_str() => {
                let role_ok = match rest.first().map(String::as_str) {
                    None => value.get("role").and_then(Json::as_str) == Some("member"),
                    Some("role") => value.as_str() == Some("member"),
                    Some("roles") => value
                        .as_array()
                        .is_some_and(|a| a.iter().all(|c| c.get("role").and_then(Json::as_str) == Some("member"))),
                    Some("removed" | "qualifications") => false,
                    Some(_) => true,
                };
                self.members_may_invite && role_ok && with_entity()
            }
            _ => false,
        }
    }
}

/// A booking's rule; learns the borrower from the booking's `member` field (read first).
#[derive(Default)]
pub(crate) struct BookingRule {
    borrower: Option<String>,
}

impl BookingRule {
    fn is_borrower(&self, author: &Author) -> bool {
        self.borrower.as_deref() == Some(author.member.as_str())
    }

    /// Whether `author` may name `member` as the borrower (a steward, or the member
    /// themself); if so the borrower is learned.
    fn names_borrower(&mut self, author: &Author, member: Option<&str>) -> bool {
        let ok = author.is_steward() || member == Some(author.member.as_str());
        if ok && let Some(member) = member {
            self.borrower = Some(member.to_owned());
        }
        ok
    }
}

impl Rule for BookingRule {
    fn allows(&mut self, path: &[String], author: &Author, value: &Json, _: &mut dyn FnMut() -> bool) -> bool {
        let field = path.get(1).map(String::as_str);
        match (path.len(), field) {
            (2, Some("member")) => self.names_borrower(author, value.as_str()),
            // The packed fixed fields name the borrower; the rest of them are the borrower's
            // or a steward's, which the same test decides.
            (2, Some(FIXED_KEY)) => self.names_borrower(author, value.get("member").and_then(Json::as_str)),
            (2, Some("queue_rank")) => author.is_steward(),
            (3, Some("events")) => {
                let name = path.get(2).map(String::as_str);
                let by_author = value.get("by").and_then(Json::as_str) == Some(author.member.as_str());
                let role_ok = author.is_steward() || (self.is_borrower(author) && name != Some(event::DECLINED));
                by_author && role_ok
            }
            _ => author.is_steward() || self.is_borrower(author),
        }
    }
}

/// An activity entry's rule; learns the actor from the entry's `actor` field (read first).
#[derive(Default)]
pub(crate) struct ActivityRule {
    actor: Option<String>,
}

impl Rule for ActivityRule {
    fn allows(&mut self, path: &[String], author: &Author, value: &Json, _: &mut dyn FnMut() -> bool) -> bool {
        if path.len() == 2 && path[1] == "actor" {
            let ok = value.as_str() == Some(author.member.as_str());
            if ok {
                self.actor = value.as_str().map(str::to_owned);
            }
            return ok;
        }
        // A packed entry (one operation) names its actor inside the value.
        let packed_actor = if path.len() == 1 { value.get("actor").and_then(Json::as_str) } else { None };
        self.actor.as_deref().or(packed_actor) == Some(author.member.as_str())
    }
}
