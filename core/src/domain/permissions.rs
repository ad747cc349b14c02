//! Who may do what. Pure functions of the actor's role and relation to the thing changed.

use crate::domain::{BookingAction, DomainError, LoanRules, Role};

/// Checks that `role` may perform a steward-only `action` (catalogue and membership edits).
pub fn require_steward(role: Role, action: &'static str) -> Result<(), DomainError> {
    match role {
        Role::Steward => Ok(()),
        Role::Member => Err(DomainError::NotPermitted { action, role }),
    }
}

/// Checks that an actor with `role` may invite a new member with the role `invited`:
/// stewards always; members only with the member role and when the group lets members
/// invite.
pub fn may_invite(role: Role, members_may_invite: bool, invited: Role) -> Result<(), DomainError> {
    match (role, invited) {
        (Role::Steward, _) => Ok(()),
        (Role::Member, Role::Member) if members_may_invite => Ok(()),
        (Role::Member, Role::Steward) => Err(DomainError::NotPermitted { action: "invite stewards", role }),
        (Role::Member, Role::Member) => Err(DomainError::NotPermitted { action: "invite members", role }),
    }
}

/// Checks that an actor may book on behalf of someone else (stewards only).
pub fn may_book_for_other(role: Role) -> Result<(), DomainError> {
    require_steward(role, "book for another member")
}

/// Checks that an actor with `role`, who is (`is_borrower`) or is not the borrower, may
/// perform `action` on a booking of an item with `rules`.
pub fn may_act_on_booking(
    role: Role,
    is_borrower: bool,
    action: BookingAction,
    rules: &LoanRules,
) -> Result<(), DomainError> {
    if role == Role::Steward {
        return Ok(());
    }
    let allowed = match action {
        BookingAction::Confirm | BookingAction::Decline => false,
        BookingAction::Cancel | BookingAction::Claim => is_borrower,
        BookingAction::CheckOut | BookingAction::Return => is_borrower && rules.self_service,
    };
    if allowed { Ok(()) } else { Err(DomainError::NotPermitted { action: action_phrase(action, is_borrower), role }) }
}

fn action_phrase(action: BookingAction, is_borrower: bool) -> &'static str {
    match (action, is_borrower) {
        (BookingAction::Confirm, _) => "confirm a booking",
        (BookingAction::Decline, _) => "decline a booking",
        (BookingAction::Cancel, _) => "cancel another member's booking",
        (BookingAction::Claim, _) => "claim another member's waitlist offer",
        (BookingAction::CheckOut, true) => "check out gear that is not self-service",
        (BookingAction::CheckOut, false) => "check out another member's booking",
        (BookingAction::Return, true) => "check in gear that is not self-service",
        (BookingAction::Return, false) => "check in another member's booking",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_act_on_their_own_bookings_only() {
        let rules = LoanRules::default();
        for action in BookingAction::ALL {
            assert!(may_act_on_booking(Role::Steward, false, action, &rules).is_ok());
            assert!(may_act_on_booking(Role::Member, false, action, &rules).is_err());
        }
        assert!(may_act_on_booking(Role::Member, true, BookingAction::Cancel, &rules).is_ok());
        assert!(may_act_on_booking(Role::Member, true, BookingAction::Confirm, &rules).is_err());
        assert!(may_act_on_booking(Role::Member, true, BookingAction::CheckOut, &rules).is_err());
        let self_service = LoanRules { self_service: true, ..LoanRules::default() };
        assert!(may_act_on_booking(Role::Member, true, BookingAction::CheckOut, &self_service).is_ok());
        assert!(may_act_on_booking(Role::Member, true, BookingAction::Return, &self_service).is_ok());
    }
}
