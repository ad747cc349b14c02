//! The texts a person reads, in English, Swedish and Norwegian Bokmål: notification titles and
//! bodies, and error messages.
//!
//! Everything here is a pure function of typed data (a [`Notification`], an [`Error`]) and a
//! [`Locale`], so apps keep the typed fields for their own layouts and use these sentences
//! where a ready text is wanted (a system notification, a toast, a dialog). A language Delbar
//! does not have falls back to English.
//!
//! The words are in Project Fluent catalogues, one per language: `core/i18n/en.ftl`,
//! `sv.ftl` and `nb.ftl`, which translators keep. They are compiled into the binary and
//! parsed once (`catalogue`); this module picks a message by its id and gives it its values
//! (`$item`, `$count`). Counts choose their words by the language's CLDR plural rules. A
//! message missing from a catalogue is written in English; one missing from every catalogue
//! is written as its id. ARCHITECTURE.md, "Texts and translations", tells how to change a
//! text or add a language.
//!
//! Instants are written in the IANA time zone the caller gives (the `*_in` functions, a
//! [`TimeZone`] from [`time_zone`]), with its summer time: the core does not know where its
//! user is. The functions without a zone write UTC, marked `UTC`.

use std::fmt;

use crate::domain::label::ScanNote;
use crate::domain::{BookingAction, BookingState, BumpReason, DomainError};
use crate::error::Error;
use crate::inventory::{InventoryError, RowProblem};
use crate::net::NetError;
use crate::store::{Notification, NotificationKind, StoreError};
use crate::sync::SyncError;
use crate::time::Timestamp;

mod catalogue;

use catalogue::{msg, n, phrase, s, word};
use fluent_bundle::FluentValue;

/// A language Delbar writes its texts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English (the fallback).
    #[default]
    En,
    /// Swedish.
    Sv,
    /// Norwegian Bokmål.
    Nb,
}

impl Locale {
    /// Every locale.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::Sv, Locale::Nb];

    /// The locale for a language tag as apps and systems give it: BCP 47 (`sv-SE`, `nb-NO`),
    /// POSIX (`sv_FI.UTF-8`) or a bare language (`sv`), in any case. Norwegian without a
    /// written standard (`no`) and Nynorsk (`nn`) get Bokmål, the closest text Delbar has;
    /// every other language gets English.
    pub fn parse(tag: &str) -> Locale {
        let language = tag.trim().split(['-', '_', '.', '@']).next().unwrap_or("").to_ascii_lowercase();
        match language.as_str() {
            "sv" | "swe" => Locale::Sv,
            "nb" | "no" | "nn" | "nob" | "nor" | "nno" => Locale::Nb,
            _ => Locale::En,
        }
    }

    /// The BCP 47 language tag: `en`, `sv` or `nb`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Sv => "sv",
            Locale::Nb => "nb",
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

// ---- instants ----

pub use jiff::tz::TimeZone;

/// A time zone name that is not in the IANA time zone database Delbar carries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {name:?}: give an IANA name such as Europe/Stockholm")]
pub struct UnknownTimeZone {
    /// The name given.
    pub name: String,
}

/// The time zone with this IANA name (`Europe/Stockholm`, `Europe/Oslo`, `UTC`; any case),
/// from the time zone database compiled into Delbar, so every device reads the same rules.
pub fn time_zone(name: &str) -> Result<TimeZone, UnknownTimeZone> {
    TimeZone::get(name.trim()).map_err(|_| UnknownTimeZone { name: name.to_owned() })
}

/// The sentence for an unknown time zone name.
pub fn unknown_time_zone_message(error: &UnknownTimeZone, locale: Locale) -> String {
    msg(locale, "error-unknown-time-zone", [("name", s(&quoted(&error.name, locale)))])
}

/// An instant as a civil date and time in `zone`. Instants outside the years -9999 to 9999
/// (which no valid record holds) are written as the nearest end of that range.
pub fn civil_in(t: Timestamp, zone: &TimeZone) -> jiff::civil::DateTime {
    let min = jiff::Timestamp::MIN.as_millisecond();
    let max = jiff::Timestamp::MAX.as_millisecond();
    let at = jiff::Timestamp::from_millisecond(t.0.clamp(min, max)).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    zone.to_datetime(at)
}

/// An instant as a person reads it in `locale` and `zone`, with the zone marked when it is
/// UTC: `28 nov. 2026 kl. 09:00`, `28 Nov 2026, 08:00 UTC`.
pub fn instant_in(t: Timestamp, locale: Locale, zone: &TimeZone) -> String {
    Clock { locale, zone }.instant(t)
}

/// A window as a person reads it in `locale` and `zone`, one date when it starts and ends on
/// the same day: `28 nov. 2026 kl. 09:00–18:00`.
pub fn window_in(start: Timestamp, end: Timestamp, locale: Locale, zone: &TimeZone) -> String {
    Clock { locale, zone }.window(start, end)
}

/// How instants are written: the locale's date style, in a time zone.
#[derive(Debug, Clone, Copy)]
struct Clock<'z> {
    locale: Locale,
    zone: &'z TimeZone,
}

impl Clock<'_> {
    fn civil(self, t: Timestamp) -> jiff::civil::DateTime {
        civil_in(t, self.zone)
    }

    /// `28 Nov 2026` / `28 nov. 2026` / `28. nov. 2026` (the catalogues' `date` and `month-N`).
    fn date(self, t: Timestamp) -> String {
        const MONTHS: [&str; 12] = [
            "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8", "month-9",
            "month-10", "month-11", "month-12",
        ];
        let civil = self.civil(t);
        let index = usize::try_from(civil.month().clamp(1, 12) - 1).unwrap_or(0);
        let month = MONTHS.get(index).map_or("", |id| word(self.locale, id));
        msg(self.locale, "date", [("day", n(civil.day())), ("month", s(month)), ("year", n(civil.year()))])
    }

    /// `09:00`.
    fn time(self, t: Timestamp) -> String {
        let civil = self.civil(t);
        format!("{:02}:{:02}", civil.hour(), civil.minute())
    }

    /// `28 Nov 2026, 09:00` / `28 nov. 2026 kl. 09:00` / `28. nov. 2026 kl. 09:00`.
    fn date_time(self, t: Timestamp) -> String {
        msg(self.locale, "date-time", [("date", s(&self.date(t))), ("time", s(&self.time(t)))])
    }

    /// ` UTC` when the zone is UTC (the zone of a caller that gives none).
    fn zone(self) -> &'static str {
        if self.zone.iana_name().is_some_and(|n| matches!(n, "UTC" | "Etc/UTC")) { " UTC" } else { "" }
    }

    /// An instant with its zone.
    fn instant(self, t: Timestamp) -> String {
        format!("{}{}", self.date_time(t), self.zone())
    }

    /// A window; one date when it starts and ends on the same day.
    fn window(self, start: Timestamp, end: Timestamp) -> String {
        if self.date(start) == self.date(end) {
            format!("{}–{}{}", self.date_time(start), self.time(end), self.zone())
        } else {
            format!("{} – {}{}", self.date_time(start), self.date_time(end), self.zone())
        }
    }

    /// ` (window)` when both ends are known, else nothing.
    fn window_suffix(self, start: Option<Timestamp>, end: Option<Timestamp>) -> String {
        match (start, end) {
            (Some(s), Some(e)) => {
                msg(self.locale, "notification-window", [("window", catalogue::s(&self.window(s, e)))])
            }
            _ => String::new(),
        }
    }
}

// ---- notifications ----

/// The short title of a notification of this kind.
pub fn notification_title(kind: NotificationKind, locale: Locale) -> &'static str {
    use NotificationKind as K;
    let id = match kind {
        K::BookingConfirmed => "notification-title-booking-confirmed",
        K::BookingDeclined => "notification-title-booking-declined",
        K::Bumped => "notification-title-bumped",
        K::WaitlistOffer => "notification-title-waitlist-offer",
        K::DueTomorrow => "notification-title-due-tomorrow",
        K::Overdue => "notification-title-overdue",
        K::ItemOutOfService => "notification-title-item-out-of-service",
        K::ApprovalNeeded => "notification-title-approval-needed",
        K::LoanOverdue => "notification-title-loan-overdue",
        K::MaintenanceDue => "notification-title-maintenance-due",
        K::NeedsRepair => "notification-title-needs-repair",
    };
    word(locale, id)
}

/// The body of a notification, with instants in UTC.
pub fn notification_body(notification: &Notification, locale: Locale) -> String {
    notification_body_in(notification, locale, &TimeZone::UTC)
}

/// The body of a notification, with instants in the person's time zone (`UTC` is marked).
pub fn notification_body_in(notification: &Notification, locale: Locale, zone: &TimeZone) -> String {
    let clock = Clock { locale, zone };
    let l = locale;
    let d = &notification.detail;
    let item = s(d.item_name.as_str());
    let window = clock.window_suffix(d.start, d.end);
    let reason =
        || d.reason.map(|r| msg(l, "notification-reason", [("reason", s(bump_reason(r, l)))])).unwrap_or_default();
    let note = || {
        d.note
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(|n| msg(l, "notification-note", [("note", s(n))]))
            .unwrap_or_default()
    };
    let member =
        || d.member_name.as_deref().filter(|m| !m.is_empty()).unwrap_or_else(|| word(l, "notification-a-member"));
    let instant = |t: Option<Timestamp>| t.map(|t| clock.instant(t));
    use NotificationKind as K;
    match notification.kind {
        K::BookingConfirmed => msg(l, "notification-body-booking-confirmed", [("item", item), ("window", s(&window))]),
        K::BookingDeclined => msg(l, "notification-body-booking-declined", [("item", item), ("window", s(&window))]),
        K::Bumped => {
            let winner = match d.winner_member.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => msg(l, "notification-bumped-winner", [("member", s(m))]),
                None => String::new(),
            };
            let next = match (d.suggested_start, d.suggested_end) {
                (Some(start), Some(end)) => {
                    msg(l, "notification-bumped-next-free", [("window", s(&clock.window(start, end)))])
                }
                _ => word(l, "notification-bumped-join-waitlist").to_owned(),
            };
            msg(
                l,
                "notification-body-bumped",
                [
                    ("item", item),
                    ("window", s(&window)),
                    ("reason", s(&reason())),
                    ("winner", s(&winner)),
                    ("next", s(&next)),
                ],
            )
        }
        K::WaitlistOffer => match instant(d.offer_until) {
            Some(until) => msg(
                l,
                "notification-body-waitlist-offer-until",
                [("item", item), ("window", s(&window)), ("until", s(&until))],
            ),
            None => msg(l, "notification-body-waitlist-offer", [("item", item), ("window", s(&window))]),
        },
        K::DueTomorrow => match instant(d.end) {
            Some(end) => msg(l, "notification-body-due-tomorrow-by", [("item", item), ("end", s(&end))]),
            None => msg(l, "notification-body-due-tomorrow", [("item", item)]),
        },
        K::Overdue => match instant(d.end) {
            Some(end) => msg(l, "notification-body-overdue-by", [("item", item), ("end", s(&end))]),
            None => msg(l, "notification-body-overdue", [("item", item)]),
        },
        K::ItemOutOfService => msg(
            l,
            "notification-body-item-out-of-service",
            [("item", item), ("reason", s(&reason())), ("window", s(&window))],
        ),
        K::ApprovalNeeded => msg(
            l,
            "notification-body-approval-needed",
            [("member", s(member())), ("item", item), ("window", s(&window))],
        ),
        K::LoanOverdue => match instant(d.end) {
            Some(end) => {
                msg(l, "notification-body-loan-overdue-by", [("member", s(member())), ("item", item), ("end", s(&end))])
            }
            None => msg(l, "notification-body-loan-overdue", [("member", s(member())), ("item", item)]),
        },
        K::MaintenanceDue => match instant(d.due) {
            Some(since) => msg(
                l,
                "notification-body-maintenance-due-since",
                [("item", item), ("since", s(&since)), ("note", s(&note()))],
            ),
            None => msg(l, "notification-body-maintenance-due", [("item", item), ("note", s(&note()))]),
        },
        K::NeedsRepair => {
            let id = if d.start.is_some() {
                "notification-body-needs-repair-booked"
            } else {
                "notification-body-needs-repair"
            };
            msg(l, id, [("item", item), ("note", s(&note())), ("window", s(&window))])
        }
    }
}

/// Why a booking was bumped, as a clause (`another booking of the same units came first`).
pub fn bump_reason(reason: BumpReason, locale: Locale) -> &'static str {
    use BumpReason as R;
    let id = match reason {
        R::Overbooked => "bump-reason-overbooked",
        R::CheckedOutTwice => "bump-reason-checked-out-twice",
        R::ItemRetired => "bump-reason-item-retired",
        R::ItemOutOfService => "bump-reason-item-out-of-service",
        R::MemberRemoved => "bump-reason-member-removed",
        R::MaintenanceDue => "bump-reason-maintenance-due",
    };
    word(locale, id)
}

// ---- errors ----

/// A core error as a sentence for a person, with instants in UTC.
pub fn error_message(error: &Error, locale: Locale) -> String {
    error_message_in(error, locale, &TimeZone::UTC)
}

/// A core error as a sentence for a person, with instants in the person's time zone.
pub fn error_message_in(error: &Error, locale: Locale, zone: &TimeZone) -> String {
    let clock = Clock { locale, zone };
    let id = match error {
        Error::Domain(e) => return domain_message(e, clock),
        Error::Inventory(e) => return inventory_message(e, clock),
        Error::Store(e) => return store_message(e, locale).to_owned(),
        Error::Sync(e) => return sync_message(e, locale).to_owned(),
        Error::Net(e) => return net_message(e, locale).to_owned(),
        Error::GroupNotFound { .. } => "error-group-not-found",
        Error::ItemNotFound { .. } => "error-item-not-found",
        Error::BookingNotFound { .. } => "error-booking-not-found",
        Error::MemberNotFound { .. } => "error-member-not-found",
        Error::PlanNotFound { .. } => "error-plan-not-found",
        Error::NotAMember { .. } => "error-not-a-member",
    };
    word(locale, id).to_owned()
}

// ---- inventory import, export and statistics ----

fn inventory_message(error: &InventoryError, clock: Clock) -> String {
    use InventoryError as I;
    let l = clock.locale;
    match error {
        I::EmptyFile => word(l, "inventory-empty-file").to_owned(),
        I::NoNameColumn { headers } => msg(l, "inventory-no-name-column", [("headers", n(headers))]),
        I::DuplicateColumn { first, second, .. } => {
            msg(l, "inventory-duplicate-column", [("first", s(&quoted(first, l))), ("second", s(&quoted(second, l)))])
        }
        I::Unreadable { line, .. } => msg(l, "inventory-unreadable", [("line", n(line))]),
        I::TooManyRows { max } => msg(l, "inventory-too-many-rows", [("max", n(max))]),
        I::InvalidRows { count, first } => {
            let problem = row_problem_in(&first.problem, l, clock.zone);
            msg(
                l,
                "inventory-invalid-rows",
                [("rows", s(&count_rows(*count, l))), ("line", n(first.line)), ("problem", s(&problem))],
            )
        }
        I::InvalidWindow { .. } => word(l, "inventory-invalid-window").to_owned(),
        I::Write { .. } => word(l, "inventory-write").to_owned(),
    }
}

/// The title of the chart of loans per month.
pub fn loans_chart_title(locale: Locale) -> &'static str {
    word(locale, "loans-chart-title")
}

fn count_rows(count: usize, locale: Locale) -> String {
    counted(locale, "rows", count)
}

/// Why a row of an item import cannot be used, as a sentence for a person.
pub fn row_problem(problem: &RowProblem, locale: Locale) -> String {
    row_problem_in(problem, locale, &TimeZone::UTC)
}

/// Why a row of an item import cannot be used, with instants in the person's time zone.
pub fn row_problem_in(problem: &RowProblem, locale: Locale, zone: &TimeZone) -> String {
    use RowProblem as P;
    let l = locale;
    match problem {
        P::MissingName => word(l, "row-missing-name").to_owned(),
        P::BadQuantity { given } => msg(l, "row-bad-quantity", [("given", s(&quoted(given, l)))]),
        P::UnknownCondition { given } => msg(l, "row-unknown-condition", [("given", s(&quoted(given, l)))]),
        P::UnknownId { .. } => word(l, "row-unknown-id").to_owned(),
        P::AmbiguousName { name, count } => {
            msg(l, "row-ambiguous-name", [("count", n(count)), ("name", s(&quoted(name, l)))])
        }
        P::Duplicate { first_line } => msg(l, "row-duplicate", [("line", n(first_line))]),
        P::Invalid { error } => domain_message(error, Clock { locale, zone }),
    }
}

fn sync_message(error: &SyncError, locale: Locale) -> &'static str {
    use SyncError as S;
    let id = match error {
        S::Truncated { .. }
        | S::NotABundle
        | S::UnsupportedVersion { .. }
        | S::Corrupted
        | S::PhotoMismatch { .. }
        | S::BadSignature { .. }
        | S::ForeignGroup { .. } => "sync-bad-file",
        S::Refused { .. } | S::NotAMemberDevice { .. } => "sync-refused",
        S::Handshake { .. } => "sync-handshake",
        S::Tampered => "sync-tampered",
        S::TimedOut { .. } => "sync-timed-out",
        S::PipeClosed => "sync-pipe-closed",
        S::Network { .. } => "sync-network",
        S::NotRunning => "sync-not-running",
        S::Io { .. } => "sync-io",
        _ => "sync-failed",
    };
    word(locale, id)
}

fn net_message(error: &NetError, locale: Locale) -> &'static str {
    use NetError as N;
    let id = match error {
        N::InviteExpired => "net-invite-expired",
        N::InviteUsedUp => "net-invite-used-up",
        N::InviteRevoked => "net-invite-revoked",
        N::InviteUnknown => "net-invite-unknown",
        N::InvalidRelayUrl { .. } => "net-invalid-relay-url",
        N::InvalidPeerAddress { .. } => "net-invalid-peer-address",
        N::InvalidQrScale { .. } => "net-invalid-qr-scale",
        N::PhotoNotFetched { .. } => "net-photo-not-fetched",
    };
    word(locale, id)
}

/// The sentence for a failure inside Delbar itself (a bug), for the bindings' caught panics.
pub fn internal_error_message(locale: Locale) -> &'static str {
    word(locale, "error-internal")
}

fn store_message(error: &StoreError, locale: Locale) -> &'static str {
    use StoreError as S;
    let id = match error {
        S::Storage { .. } => "store-storage",
        S::Io { .. } => "store-io",
        S::Corrupt { .. } => "store-corrupt",
        S::InUse { .. } => "store-in-use",
        S::InvalidData { .. } => "store-invalid-data",
        S::NewerSchema { .. } => "store-newer-schema",
        S::Document { .. } | S::MalformedDocument { .. } => "store-document",
        S::Encode { .. } => "error-internal",
        S::NotAStore { .. } => "store-not-a-store",
    };
    word(locale, id)
}

/// A count with its noun, from the catalogue's message `id` (`units`), whose words the
/// language's plural rules choose: `1 unit`, `2 units`; `1 exemplar`, `2 exemplar`.
fn counted(locale: Locale, id: &'static str, count: impl Into<FluentValue<'static>>) -> String {
    msg(locale, id, [("count", count.into())])
}

fn units(count: u32, locale: Locale) -> String {
    counted(locale, "units", count)
}

fn hours(count: i64, locale: Locale) -> String {
    counted(locale, "hours", count)
}

fn days(count: i64, locale: Locale) -> String {
    counted(locale, "days", count)
}

fn bookings(count: u32, locale: Locale) -> String {
    counted(locale, "bookings", count)
}

/// The name of a text field, as the core names it in its errors (messages `field-…`).
fn field(name: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "field-", name)
}

/// An id kind (`item id`; messages `id-kind-…`).
fn id_kind(kind: &'static str, locale: Locale) -> String {
    match catalogue::lookup(locale, &catalogue::slug("id-kind-", kind)) {
        Some(text) => text.to_owned(),
        None => msg(locale, "id-kind-other", [("kind", s(kind))]),
    }
}

/// A steward-only action as the core names it (`add items`), as an infinitive phrase
/// (messages `action-…`).
fn action_phrase(action: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "action-", action)
}

/// What a booking action does, as an infinitive (`confirm`).
fn booking_verb(action: BookingAction, locale: Locale) -> &'static str {
    use BookingAction as A;
    let id = match action {
        A::Confirm => "booking-verb-confirm",
        A::Decline => "booking-verb-decline",
        A::Cancel => "booking-verb-cancel",
        A::CheckOut => "booking-verb-check-out",
        A::Return => "booking-verb-return",
        A::Claim => "booking-verb-claim",
    };
    word(locale, id)
}

/// A relative clause saying where a booking is (`that is confirmed`).
fn state_clause(state: BookingState, locale: Locale) -> &'static str {
    use BookingState as S;
    let id = match state {
        S::Requested => "booking-state-requested",
        S::Confirmed => "booking-state-confirmed",
        S::Declined => "booking-state-declined",
        S::Cancelled => "booking-state-cancelled",
        S::CheckedOut => "booking-state-checked-out",
        S::Returned => "booking-state-returned",
        S::Waitlisted => "booking-state-waitlisted",
        S::Bumped => "booking-state-bumped",
    };
    word(locale, id)
}

/// A loan-rule setting as the core names it (`max_loan_hours`; messages `rule-…`).
fn rule_name(rule: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "rule-", rule)
}

/// What [`DomainError::TooMany`] counts, in the plural (`tags`; messages `many-…`).
fn many_of(what: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "many-", what)
}

/// A rule's allowed range as the core words it (`at least 1`, `1 to 8760`; messages
/// `range-…`).
fn expected_range(expected: &'static str, locale: Locale) -> String {
    if let Some(text) = catalogue::lookup(locale, &catalogue::slug("range-", expected)) {
        return text.to_owned();
    }
    match expected.split_once(" to ") {
        Some((from, to)) => msg(locale, "range-between", [("from", s(from)), ("to", s(to))]),
        None => expected.to_owned(),
    }
}

/// Why an item cannot be booked, as the core words it (`it is retired`; messages
/// `not-bookable-…`).
fn not_bookable(reason: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "not-bookable-", reason)
}

/// What is wrong with a kit, as the core words it (messages `kit-problem-…`).
fn kit_problem(reason: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "kit-problem-", reason)
}

/// Why a waitlist action is not possible, as the core words it (messages `no-offer-…`).
fn no_offer(reason: &'static str, locale: Locale) -> &'static str {
    phrase(locale, "no-offer-", reason)
}

/// Quotes a text the locale's way (message `quoted`).
fn quoted(text: &str, locale: Locale) -> String {
    msg(locale, "quoted", [("text", s(text))])
}

fn domain_message(error: &DomainError, clock: Clock) -> String {
    use DomainError as D;
    let l = clock.locale;
    match error {
        D::InvalidId { kind, given } => {
            msg(l, "domain-invalid-id", [("given", s(&quoted(given, l))), ("kind", s(&id_kind(kind, l)))])
        }
        D::EmptyField { field: f } => msg(l, "domain-empty-field", [("field", s(&quoted(field(f, l), l)))]),
        D::FieldTooLong { field: f, len, max } => {
            msg(l, "domain-field-too-long", [("field", s(&quoted(field(f, l), l))), ("len", n(len)), ("max", n(max))])
        }
        D::InvalidQuantity { given } => {
            msg(l, "domain-invalid-quantity", [("max", n(crate::domain::limits::MAX_QUANTITY)), ("given", n(given))])
        }
        D::InvalidUnits { given } => {
            msg(l, "domain-invalid-units", [("max", n(crate::domain::limits::MAX_UNITS)), ("given", n(given))])
        }
        D::OutOfRange { field: f, min, max, given } => msg(
            l,
            "domain-out-of-range",
            [("field", s(&quoted(rule_name(f, l), l))), ("min", n(min)), ("max", n(max)), ("given", n(given))],
        ),
        D::TooMany { what, given, max } => {
            msg(l, "domain-too-many", [("max", n(max)), ("what", s(many_of(what, l))), ("given", n(given))])
        }
        D::NotEnoughUnits { item, quantity, requested } => msg(
            l,
            "domain-not-enough-units",
            [("units", s(&units(*quantity, l))), ("item", s(item)), ("requested", n(requested))],
        ),
        D::Unavailable { item, free, requested, start, end } => {
            let window = clock.window(*start, *end);
            if *free == 0 {
                msg(l, "domain-fully-booked", [("item", s(item)), ("window", s(&window))])
            } else {
                msg(
                    l,
                    "domain-unavailable",
                    [
                        ("units", s(&units(*free, l))),
                        ("item", s(item)),
                        ("window", s(&window)),
                        ("requested", n(requested)),
                    ],
                )
            }
        }
        D::BookingEndsBeforeStart { .. } => word(l, "domain-booking-ends-before-start").to_owned(),
        D::LoanTooLong { item, max_hours, asked_hours } => msg(
            l,
            "domain-loan-too-long",
            [("item", s(item)), ("max", s(&hours(*max_hours, l))), ("asked", s(&hours(*asked_hours, l)))],
        ),
        D::TooFarAhead { item, max_days } => {
            msg(l, "domain-too-far-ahead", [("item", s(item)), ("days", s(&days(*max_days, l)))])
        }
        D::NoticeTooShort { item, min_hours } => {
            msg(l, "domain-notice-too-short", [("item", s(item)), ("hours", s(&hours(*min_hours, l)))])
        }
        D::StartsInPast { .. } => word(l, "domain-starts-in-past").to_owned(),
        D::TooManyBookings { item, max } => {
            msg(l, "domain-too-many-bookings", [("bookings", s(&bookings(*max, l))), ("item", s(item))])
        }
        D::ItemNotBookable { item, reason } => {
            msg(l, "domain-item-not-bookable", [("item", s(item)), ("reason", s(not_bookable(reason, l)))])
        }
        D::NotPermitted { action, .. } => msg(l, "domain-not-permitted", [("action", s(action_phrase(action, l)))]),
        D::IllegalTransition { action, state } => msg(
            l,
            "domain-illegal-transition",
            [("verb", s(booking_verb(*action, l))), ("state", s(state_clause(*state, l)))],
        ),
        D::CannotExtend { state } => msg(l, "domain-cannot-extend", [("state", s(state_clause(*state, l)))]),
        D::InvalidCoordinates { lat, lon } => msg(l, "domain-invalid-coordinates", [("lat", n(lat)), ("lon", n(lon))]),
        D::InvalidPhotoHash { .. } => word(l, "domain-invalid-photo-hash").to_owned(),
        D::PhotoTooLarge { bytes, max } => {
            let (mb, max_mb) = (*bytes as f64 / 1_048_576.0, *max as f64 / 1_048_576.0);
            msg(l, "domain-photo-too-large", [("size", n(format!("{mb:.1}"))), ("max", n(format!("{max_mb:.0}")))])
        }
        D::PhotoFormatNotAccepted { .. } => word(l, "domain-photo-format-not-accepted").to_owned(),
        D::PhotoTooManyPixels { width, height, .. } => {
            msg(l, "domain-photo-too-many-pixels", [("width", n(width)), ("height", n(height))])
        }
        D::PhotoUnreadable { .. } => word(l, "domain-photo-unreadable").to_owned(),
        D::PhotoNotOnItem { .. } => word(l, "domain-photo-not-on-item").to_owned(),
        D::NoReturnPhoto { .. } => word(l, "domain-no-return-photo").to_owned(),
        D::InvalidRule { rule, expected, given } => msg(
            l,
            "domain-invalid-rule",
            [
                ("rule", s(&quoted(rule_name(rule, l), l))),
                ("range", s(&expected_range(expected, l))),
                ("given", n(given)),
            ],
        ),
        D::DateOutOfRange { .. } => word(l, "domain-date-out-of-range").to_owned(),
        D::InvalidKit { reason } => msg(l, "domain-invalid-kit", [("reason", s(kit_problem(reason, l)))]),
        D::NotQualified { item } => msg(l, "domain-not-qualified", [("item", s(item))]),
        D::NoOffer { reason } => no_offer(reason, l).to_owned(),
        D::NoNeedToWait { item } => msg(l, "domain-no-need-to-wait", [("item", s(item))]),
        D::LastSteward => word(l, "domain-last-steward").to_owned(),
        D::InvalidDate { given } => msg(l, "domain-invalid-date", [("given", s(&quoted(given, l)))]),
        D::MaintenanceDue { item, due } => {
            msg(l, "domain-maintenance-due", [("item", s(item)), ("from", s(&clock.instant(*due)))])
        }
        D::LabelCount { given, max } => msg(l, "domain-label-count", [("max", n(max)), ("given", n(given))]),
        D::LabelText { .. } => word(l, "domain-label-text").to_owned(),
        D::DisallowedCharacter { field: f, code_point, position } => msg(
            l,
            "domain-disallowed-character",
            [
                ("field", s(&quoted(field(f, l), l))),
                ("code_point", n(format!("{code_point:04X}"))),
                ("position", n(position)),
            ],
        ),
    }
}

// ---- scanning a label ----

/// Why a scanned label offers nothing (more), as a sentence, with instants in UTC.
pub fn scan_note(note: &ScanNote, locale: Locale) -> String {
    scan_note_in(note, locale, &TimeZone::UTC)
}

/// Why a scanned label offers nothing (more), with instants in the person's time zone.
pub fn scan_note_in(note: &ScanNote, locale: Locale, zone: &TimeZone) -> String {
    let clock = Clock { locale, zone };
    let l = locale;
    match note {
        ScanNote::Retired => word(l, "scan-retired").to_owned(),
        ScanNote::OutOfService => word(l, "scan-out-of-service").to_owned(),
        ScanNote::NothingBooked => word(l, "scan-nothing-booked").to_owned(),
        ScanNote::BookedLater { start, .. } => msg(l, "scan-booked-later", [("start", s(&clock.instant(*start)))]),
        ScanNote::AwaitingApproval { .. } => word(l, "scan-awaiting-approval").to_owned(),
        ScanNote::NotSelfService => word(l, "scan-not-self-service").to_owned(),
        ScanNote::TakenUntilStart { start, .. } => {
            msg(l, "scan-taken-until-start", [("start", s(&clock.instant(*start)))])
        }
        ScanNote::NoFreeUnits => word(l, "scan-no-free-units").to_owned(),
        ScanNote::WalkUpRefused { error } => domain_message(error, clock),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permissions::{may_act_on_booking, require_steward};
    use crate::domain::{LoanRules, Role};
    use crate::ids::{BookingId, GroupId, ItemId, MemberId};
    use crate::store::NotificationDetail;

    fn at(day: u32, hour: u32) -> Timestamp {
        Timestamp::from_civil(2026, 11, day, hour, 0).unwrap()
    }

    fn stockholm() -> TimeZone {
        time_zone("Europe/Stockholm").unwrap()
    }

    fn notification(kind: NotificationKind, detail: NotificationDetail) -> Notification {
        Notification {
            id: 1,
            group: GroupId::generate(),
            member: MemberId::generate(),
            kind,
            booking: Some(BookingId::generate()),
            item: Some(ItemId::generate()),
            detail,
            created: at(27, 12),
            acknowledged: false,
        }
    }

    fn tiller(start: Timestamp, end: Timestamp) -> NotificationDetail {
        NotificationDetail {
            item_name: "Jordfräs".into(),
            start: Some(start),
            end: Some(end),
            ..NotificationDetail::default()
        }
    }

    #[test]
    fn tags_parse_to_the_nearest_locale() {
        for (tag, locale) in [
            ("sv", Locale::Sv),
            ("sv-SE", Locale::Sv),
            ("SV_fi.UTF-8", Locale::Sv),
            ("nb", Locale::Nb),
            ("nb-NO", Locale::Nb),
            ("no", Locale::Nb),
            ("nn_NO", Locale::Nb),
            ("en-GB", Locale::En),
            ("de-DE", Locale::En),
            ("", Locale::En),
            ("  ", Locale::En),
        ] {
            assert_eq!(Locale::parse(tag), locale, "{tag:?}");
        }
        for locale in Locale::ALL {
            assert_eq!(Locale::parse(locale.tag()), locale);
            assert_eq!(locale.to_string(), locale.tag());
        }
    }

    #[test]
    fn every_kind_has_a_title_in_every_locale() {
        for kind in NotificationKind::ALL {
            let [en, sv, nb] = Locale::ALL.map(|l| notification_title(kind, l));
            assert!(!en.is_empty() && !sv.is_empty() && !nb.is_empty(), "{kind}");
            assert_ne!(en, sv, "{kind}");
            assert_ne!(en, nb, "{kind}");
        }
        let titles: std::collections::BTreeSet<_> =
            NotificationKind::ALL.iter().map(|k| notification_title(*k, Locale::Sv)).collect();
        assert_eq!(titles.len(), NotificationKind::ALL.len(), "Swedish titles are distinct");
    }

    #[test]
    fn a_confirmed_booking_reads_naturally() {
        let n = notification(NotificationKind::BookingConfirmed, tiller(at(28, 9), at(28, 18)));
        assert_eq!(
            notification_body(&n, Locale::En),
            "Your booking of Jordfräs (28 Nov 2026, 09:00–18:00 UTC) is confirmed."
        );
        assert_eq!(
            notification_body(&n, Locale::Sv),
            "Din bokning av Jordfräs (28 nov. 2026 kl. 09:00–18:00 UTC) är bekräftad."
        );
        assert_eq!(
            notification_body(&n, Locale::Nb),
            "Bookingen din av Jordfräs (28. nov. 2026 kl. 09:00–18:00 UTC) er bekreftet."
        );
        // In Stockholm (an hour east of UTC in winter), no zone mark.
        assert_eq!(
            notification_body_in(&n, Locale::Sv, &stockholm()),
            "Din bokning av Jordfräs (28 nov. 2026 kl. 10:00–19:00) är bekräftad."
        );
    }

    #[test]
    fn a_bump_names_the_reason_the_winner_and_the_next_free_window() {
        let mut detail = tiller(at(28, 9), at(29, 18));
        detail.reason = Some(BumpReason::Overbooked);
        detail.winner = Some(BookingId::generate());
        detail.winner_member = Some("Anna".into());
        detail.suggested_start = Some(at(30, 9));
        detail.suggested_end = Some(at(30, 18));
        let n = notification(NotificationKind::Bumped, detail);
        assert_eq!(
            notification_body(&n, Locale::En),
            "Your booking of Jordfräs (28 Nov 2026, 09:00 – 29 Nov 2026, 18:00 UTC) was bumped: another booking \
             of the same units came first (Anna has it). Next free: 30 Nov 2026, 09:00–18:00 UTC."
        );
        assert_eq!(
            notification_body(&n, Locale::Sv),
            "Din bokning av Jordfräs (28 nov. 2026 kl. 09:00 – 29 nov. 2026 kl. 18:00 UTC) gäller inte längre: \
             en annan bokning av samma exemplar kom först (Anna har den). Nästa lediga tid: 30 nov. 2026 kl. \
             09:00–18:00 UTC."
        );
        assert_eq!(
            notification_body(&n, Locale::Nb),
            "Bookingen din av Jordfräs (28. nov. 2026 kl. 09:00 – 29. nov. 2026 kl. 18:00 UTC) gjelder ikke \
             lenger: en annen booking av de samme eksemplarene kom først (Anna har den). Neste ledige tid: \
             30. nov. 2026 kl. 09:00–18:00 UTC."
        );
        let mut plain = n.clone();
        plain.detail.suggested_start = None;
        plain.detail.winner_member = None;
        assert!(
            notification_body(&plain, Locale::Nb)
                .ends_with("kom først. Still deg i kø for å få låne når det blir ledig.")
        );
    }

    #[test]
    fn every_kind_has_a_body_in_every_locale() {
        let mut detail = tiller(at(28, 9), at(28, 18));
        detail.offer_until = Some(at(29, 9));
        detail.member_name = Some("Bo".into());
        detail.reason = Some(BumpReason::ItemRetired);
        for kind in NotificationKind::ALL {
            let n = notification(kind, detail.clone());
            let [en, sv, nb] = Locale::ALL.map(|l| notification_body(&n, l));
            for body in [&en, &sv, &nb] {
                assert!(body.contains("Jordfräs"), "{kind}: {body}");
                assert!(body.ends_with('.'), "{kind}: {body}");
            }
            assert_ne!(en, sv, "{kind}");
            assert_ne!(sv, nb, "{kind}");
            let bare = notification(kind, NotificationDetail { item_name: "Stege".into(), ..Default::default() });
            for l in Locale::ALL {
                let body = notification_body(&bare, l);
                assert!(body.contains("Stege") && !body.contains("()"), "{kind} without details: {body}");
            }
        }
        let offer = notification(NotificationKind::WaitlistOffer, detail.clone());
        assert_eq!(
            notification_body(&offer, Locale::Sv),
            "Din tur: Jordfräs går att låna för din tid (28 nov. 2026 kl. 09:00–18:00 UTC). Ta erbjudandet senast \
             29 nov. 2026 kl. 09:00 UTC, annars går det vidare till nästa i kön."
        );
        let approve = notification(NotificationKind::ApprovalNeeded, detail);
        assert_eq!(
            notification_body(&approve, Locale::Nb),
            "Bo vil låne Jordfräs (28. nov. 2026 kl. 09:00–18:00 UTC). Godkjenn eller avslå forespørselen."
        );
    }

    #[test]
    fn every_bump_reason_is_translated() {
        for reason in [
            BumpReason::Overbooked,
            BumpReason::CheckedOutTwice,
            BumpReason::ItemRetired,
            BumpReason::ItemOutOfService,
            BumpReason::MemberRemoved,
        ] {
            assert!(!bump_reason(reason, Locale::En).is_empty());
            assert_ne!(bump_reason(reason, Locale::Sv), bump_reason(reason, Locale::En));
            assert_ne!(bump_reason(reason, Locale::Nb), bump_reason(reason, Locale::Sv));
        }
    }

    fn domain(e: DomainError) -> Error {
        Error::Domain(e)
    }

    #[test]
    fn every_range_is_stated_in_every_locale() {
        let e = domain(DomainError::InvalidQuantity { given: 1_000_000 });
        assert_eq!(error_message(&e, Locale::En), "The quantity must be between 1 and 10000 (given: 1000000).");
        assert_eq!(error_message(&e, Locale::Sv), "Antalet måste vara mellan 1 och 10000 (angivet: 1000000).");
        assert_eq!(error_message(&e, Locale::Nb), "Antallet må være mellom 1 og 10000 (oppgitt: 1000000).");
        let e = domain(DomainError::InvalidUnits { given: 4_294_967_296 });
        assert_eq!(
            error_message(&e, Locale::Sv),
            "En bokning måste gälla mellan 1 och 10000 exemplar (angivet: 4294967296)."
        );
        let e =
            domain(DomainError::InvalidRule { rule: "max_loan_hours", expected: "1 to 8760", given: 4_294_967_295 });
        assert_eq!(
            error_message(&e, Locale::En),
            "The value for “longest loan (hours)” must be 1 to 8760 (given: 4294967295)."
        );
        assert_eq!(
            error_message(&e, Locale::Nb),
            "Verdien for «lengste lån (timer)» må være mellom 1 og 8760 (oppgitt: 4294967295)."
        );
        let e = domain(DomainError::OutOfRange { field: "waitlist position", min: 1, max: 3, given: 7 });
        assert_eq!(
            error_message(&e, Locale::En),
            "The value for “place in the waitlist” must be between 1 and 3 (given: 7)."
        );
        assert_eq!(error_message(&e, Locale::Sv), "Värdet för ”plats i kön” måste vara mellan 1 och 3 (angivet: 7).");
        assert_eq!(error_message(&e, Locale::Nb), "Verdien for «plass i køen» må være mellom 1 og 3 (oppgitt: 7).");
        let e = domain(DomainError::TooMany { what: "tags", given: 10_000, max: 50 });
        assert_eq!(error_message(&e, Locale::En), "At most 50 tags may be given (10000 given).");
        assert_eq!(error_message(&e, Locale::Sv), "Högst 50 taggar får anges (10000 angivna).");
        assert_eq!(error_message(&e, Locale::Nb), "Høyst 50 stikkord kan oppgis (10000 oppgitt).");
    }

    #[test]
    fn a_refused_character_is_named_by_its_code_point_in_every_locale() {
        let e = domain(DomainError::DisallowedCharacter { field: "member name", code_point: 0x202e, position: 4 });
        assert_eq!(
            error_message(&e, Locale::En),
            "The field “member name” must not contain the control or invisible character U+202E (character 4)."
        );
        assert_eq!(
            error_message(&e, Locale::Sv),
            "Fältet ”medlemsnamn” får inte innehålla styrtecknet eller det osynliga tecknet U+202E (tecken 4)."
        );
        assert_eq!(
            error_message(&e, Locale::Nb),
            "Feltet «medlemsnavn» kan ikke inneholde kontrolltegnet eller det usynlige tegnet U+202E (tegn 4)."
        );
    }

    #[test]
    fn errors_read_naturally() {
        let e = domain(DomainError::NotQualified { item: "Motorsåg".into() });
        assert_eq!(error_message(&e, Locale::En), "To borrow Motorsåg, a steward must first qualify you for it.");
        assert_eq!(
            error_message(&e, Locale::Sv),
            "För att få låna Motorsåg måste en gruppansvarig först ha godkänt dig."
        );
        assert_eq!(
            error_message(&e, Locale::Nb),
            "For å få låne Motorsåg må en gruppeansvarlig først ha godkjent deg."
        );
        let e = domain(DomainError::IllegalTransition { action: BookingAction::Return, state: BookingState::Returned });
        assert_eq!(error_message(&e, Locale::En), "You cannot return a booking that is returned.");
        assert_eq!(error_message(&e, Locale::Sv), "Det går inte att lämna tillbaka en bokning som är återlämnad.");
        assert_eq!(error_message(&e, Locale::Nb), "Det går ikke an å levere tilbake en booking som er levert tilbake.");
        let e = domain(DomainError::Unavailable {
            item: "Stege".into(),
            free: 0,
            requested: 1,
            start: at(28, 9),
            end: at(28, 12),
        });
        assert_eq!(
            error_message(&e, Locale::Sv),
            "Alla exemplar av Stege är redan bokade (28 nov. 2026 kl. 09:00–12:00 UTC)."
        );
        let e = domain(DomainError::Unavailable {
            item: "Stege".into(),
            free: 1,
            requested: 2,
            start: at(28, 9),
            end: at(28, 12),
        });
        assert_eq!(
            error_message_in(&e, Locale::Nb, &time_zone("Europe/Oslo").unwrap()),
            "Bare 1 eksemplar av Stege er ledige (28. nov. 2026 kl. 10:00–13:00); du ba om 2."
        );
        let e = domain(DomainError::LoanTooLong { item: "Stege".into(), max_hours: 168, asked_hours: 200 });
        assert_eq!(error_message(&e, Locale::Sv), "Stege får lånas i högst 168 timmar (du bad om 200 timmar).");
        let e = domain(DomainError::EmptyField { field: "member name" });
        assert_eq!(error_message(&e, Locale::Nb), "Feltet «medlemsnavn» kan ikke være tomt.");
        let e = domain(DomainError::InvalidId { kind: "item", given: "x!".into() });
        assert_eq!(error_message(&e, Locale::Sv), "”x!” är inte ett giltigt föremåls-id.");
        let e = domain(DomainError::InvalidRule { rule: "pickup_window_hours", expected: "1 to 336", given: 0 });
        assert_eq!(
            error_message(&e, Locale::Sv),
            "Värdet för ”tid att hämta ut (timmar)” måste vara mellan 1 och 336 (angivet: 0)."
        );
        let e = domain(DomainError::NoNeedToWait { item: "Borrmaskin".into() });
        assert!(error_message(&e, Locale::Nb).starts_with("Borrmaskin kan lånes i det tidsrommet"));
        let e = Error::Store(StoreError::InUse { path: "/data/delbar.db".into() });
        assert_eq!(
            error_message(&e, Locale::Sv),
            "Delbar är redan öppet någon annanstans på enheten. Stäng det där först."
        );
        let e = Error::ItemNotFound { id: "aaaaaaaaaaaaaaaa".into() };
        assert_eq!(error_message(&e, Locale::Nb), "Fant ikke gjenstanden.");
    }

    #[test]
    fn every_permission_refusal_is_translated() {
        let mut refusals = Vec::new();
        for action in [
            "add a device to another member",
            "add items",
            "add members",
            "change roles",
            "edit items",
            "edit the group",
            "extend another member's booking",
            "log maintenance",
            "qualify members",
            "remove members",
            "reorder a waitlist",
            "book for another member",
            "lend gear at the shelf",
            "revoke another member's invite",
        ] {
            refusals.extend(require_steward(Role::Member, action).err());
        }
        let self_service = LoanRules { self_service: true, ..LoanRules::default() };
        for action in BookingAction::ALL {
            for is_borrower in [true, false] {
                for rules in [&LoanRules::default(), &self_service] {
                    refusals.extend(may_act_on_booking(Role::Member, is_borrower, action, rules).err());
                }
            }
        }
        refusals.extend(crate::domain::permissions::may_invite(Role::Member, false, Role::Member).err());
        refusals.extend(crate::domain::permissions::may_invite(Role::Member, true, Role::Steward).err());
        assert!(refusals.len() > 12);
        for refusal in refusals {
            let DomainError::NotPermitted { action, .. } = refusal else { panic!("{refusal:?}") };
            assert_ne!(action_phrase(action, Locale::Sv), action, "Swedish for {action}");
            assert_ne!(action_phrase(action, Locale::Nb), action, "Norwegian for {action}");
            assert_eq!(error_message(&domain(refusal.clone()), Locale::En), format!("Only stewards may {action}."));
        }
    }

    #[test]
    fn the_core_s_fixed_reasons_are_translated() {
        for reason in [
            "a kit cannot contain itself",
            "a part cannot itself be a kit",
            "an item that is part of a kit cannot become a kit",
            "each part needs 1 to 1000 units per kit",
            "each part may be listed once",
        ] {
            assert_ne!(kit_problem(reason, Locale::Sv), reason);
            assert_ne!(kit_problem(reason, Locale::Nb), reason);
        }
        for reason in
            ["no units are offered to this booking right now", "only waitlisted bookings have a place in the queue"]
        {
            assert_ne!(no_offer(reason, Locale::Sv), reason);
            assert_ne!(no_offer(reason, Locale::Nb), reason);
        }
        for field_name in [
            "name",
            "group name",
            "member name",
            "maintenance note",
            "description",
            "category",
            "device label",
            "location",
            "note",
            "tag",
        ] {
            assert_ne!(field(field_name, Locale::Sv), field_name);
        }
        for rule in [
            "max_loan_hours",
            "max_advance_days",
            "max_concurrent_per_member",
            "min_notice_hours",
            "buffer_minutes",
            "pickup_window_hours",
        ] {
            assert!(!rule_name(rule, Locale::En).contains('_'), "{rule}");
        }
        // Something the core says that has no translation stays readable in English.
        assert_eq!(kit_problem("a new rule", Locale::Sv), "a new rule");
    }

    #[test]
    fn the_pipe_s_failures_each_have_their_own_text() {
        let failures = || {
            [
                SyncError::Handshake { reason: "snow: bad message".into() },
                SyncError::Tampered,
                SyncError::TimedOut { idle_ms: 30_001 },
                SyncError::PipeClosed,
            ]
            .map(Error::Sync)
        };
        for locale in Locale::ALL {
            let texts = failures().map(|e| error_message(&e, locale));
            let fallback = error_message(&Error::Sync(SyncError::Malformed { reason: "x".into() }), locale);
            for text in &texts {
                assert_ne!(*text, fallback, "{locale}: only the generic text");
                assert_eq!(texts.iter().filter(|t| *t == text).count(), 1, "{locale}: {text} said twice");
            }
        }
        // Each language its own.
        for e in failures() {
            assert_ne!(error_message(&e, Locale::Sv), error_message(&e, Locale::En));
            assert_ne!(error_message(&e, Locale::Nb), error_message(&e, Locale::Sv));
        }
        assert_eq!(
            error_message(&Error::Sync(SyncError::Tampered), Locale::Sv),
            "Data från den andra enheten kom fram skadade, ofullständiga eller i fel ordning, så synkningen \
             avbröts; inget av den skadade delen togs in. Försök igen."
        );
    }
}

#[cfg(test)]
mod zone_tests;
