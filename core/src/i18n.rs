//! The texts a person reads, in English, Swedish and Norwegian Bokmål: notification titles and
//! bodies, and error messages.
//!
//! Everything here is a pure function of typed data (a [`Notification`], an [`Error`]) and a
//! [`Locale`], so apps keep the typed fields for their own layouts and use these sentences
//! where a ready text is wanted (a system notification, a toast, a dialog). A language Delbar
//! does not have falls back to English.
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

    /// Picks the text for this locale.
    fn pick<T>(self, en: T, sv: T, nb: T) -> T {
        match self {
            Locale::En => en,
            Locale::Sv => sv,
            Locale::Nb => nb,
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
    let name = quoted(&error.name, locale);
    match locale {
        Locale::En => format!("{name} is not a time zone Delbar knows; give a name such as Europe/Stockholm."),
        Locale::Sv => format!("{name} är ingen tidszon Delbar känner till; ange ett namn som Europe/Stockholm."),
        Locale::Nb => format!("{name} er ingen tidssone Delbar kjenner; oppgi et navn som Europe/Oslo."),
    }
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

    /// `28 Nov 2026` / `28 nov. 2026` / `28. nov. 2026`.
    fn date(self, t: Timestamp) -> String {
        const EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        const SV: [&str; 12] =
            ["jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."];
        const NB: [&str; 12] =
            ["jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."];
        let civil = self.civil(t);
        let (y, d) = (civil.year(), civil.day());
        let index = usize::try_from(civil.month().clamp(1, 12) - 1).unwrap_or(0);
        match self.locale {
            Locale::En => format!("{d} {} {y}", EN[index]),
            Locale::Sv => format!("{d} {} {y}", SV[index]),
            Locale::Nb => format!("{d}. {} {y}", NB[index]),
        }
    }

    /// `09:00`.
    fn time(self, t: Timestamp) -> String {
        let civil = self.civil(t);
        format!("{:02}:{:02}", civil.hour(), civil.minute())
    }

    /// `28 Nov 2026, 09:00` / `28 nov. 2026 kl. 09:00` / `28. nov. 2026 kl. 09:00`.
    fn date_time(self, t: Timestamp) -> String {
        let joiner = self.locale.pick(", ", " kl. ", " kl. ");
        format!("{}{joiner}{}", self.date(t), self.time(t))
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
            (Some(s), Some(e)) => format!(" ({})", self.window(s, e)),
            _ => String::new(),
        }
    }
}

// ---- notifications ----

/// The short title of a notification of this kind.
pub fn notification_title(kind: NotificationKind, locale: Locale) -> &'static str {
    use NotificationKind as K;
    match kind {
        K::BookingConfirmed => locale.pick("Booking confirmed", "Bokningen är bekräftad", "Bookingen er bekreftet"),
        K::BookingDeclined => locale.pick("Booking declined", "Bokningen avböjdes", "Bookingen ble avslått"),
        K::Bumped => locale.pick("Booking bumped", "Bokningen gäller inte längre", "Bookingen gjelder ikke lenger"),
        K::WaitlistOffer => locale.pick("Your turn on the waitlist", "Din tur i kön", "Din tur i køen"),
        K::DueTomorrow => {
            locale.pick("Due back tomorrow", "Ska lämnas tillbaka i morgon", "Skal leveres tilbake i morgen")
        }
        K::Overdue => locale.pick("Overdue", "Försenad återlämning", "Forsinket innlevering"),
        K::ItemOutOfService => {
            locale.pick("Item no longer available", "Kan inte längre lånas", "Kan ikke lenger lånes")
        }
        K::ApprovalNeeded => locale.pick("Booking to approve", "Bokning att godkänna", "Booking som må godkjennes"),
        K::LoanOverdue => locale.pick("Loan overdue", "Lån inte tillbakalämnat", "Lån ikke levert tilbake"),
        K::MaintenanceDue => locale.pick("Maintenance due", "Dags för underhåll", "Tid for vedlikehold"),
        K::NeedsRepair => locale.pick("Needs repair", "Behöver lagas", "Må repareres"),
    }
}

/// The body of a notification, with instants in UTC.
pub fn notification_body(notification: &Notification, locale: Locale) -> String {
    notification_body_in(notification, locale, &TimeZone::UTC)
}

/// The body of a notification, with instants in the person's time zone (`UTC` is marked).
pub fn notification_body_in(notification: &Notification, locale: Locale, zone: &TimeZone) -> String {
    let clock = Clock { locale, zone };
    let d = &notification.detail;
    let item = d.item_name.as_str();
    let window = clock.window_suffix(d.start, d.end);
    use NotificationKind as K;
    match notification.kind {
        K::BookingConfirmed => match locale {
            Locale::En => format!("Your booking of {item}{window} is confirmed."),
            Locale::Sv => format!("Din bokning av {item}{window} är bekräftad."),
            Locale::Nb => format!("Bookingen din av {item}{window} er bekreftet."),
        },
        K::BookingDeclined => match locale {
            Locale::En => format!("Your booking of {item}{window} was declined."),
            Locale::Sv => format!("Din bokning av {item}{window} har avböjts."),
            Locale::Nb => format!("Bookingen din av {item}{window} ble avslått."),
        },
        K::Bumped => {
            let why = d.reason.map(|r| format!(": {}", bump_reason(r, locale))).unwrap_or_default();
            let who = match d.winner_member.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => locale.pick(format!(" ({m} has it)"), format!(" ({m} har den)"), format!(" ({m} har den)")),
                None => String::new(),
            };
            let next = match (d.suggested_start, d.suggested_end) {
                (Some(s), Some(e)) => {
                    let w = clock.window(s, e);
                    locale.pick(
                        format!(" Next free: {w}."),
                        format!(" Nästa lediga tid: {w}."),
                        format!(" Neste ledige tid: {w}."),
                    )
                }
                _ => locale
                    .pick(
                        " Join the waitlist to get it when it frees up.",
                        " Ställ dig i kö för att få låna när det blir ledigt.",
                        " Still deg i kø for å få låne når det blir ledig.",
                    )
                    .to_owned(),
            };
            match locale {
                Locale::En => format!("Your booking of {item}{window} was bumped{why}{who}.{next}"),
                Locale::Sv => format!("Din bokning av {item}{window} gäller inte längre{why}{who}.{next}"),
                Locale::Nb => format!("Bookingen din av {item}{window} gjelder ikke lenger{why}{who}.{next}"),
            }
        }
        K::WaitlistOffer => {
            let until = d.offer_until.map(|t| clock.instant(t));
            match locale {
                Locale::En => {
                    let by = until.map(|t| format!(" Claim it by {t}, or the offer passes to the next in line."));
                    format!("Your turn: {item} is free for your window{window}.{}", by.unwrap_or_default())
                }
                Locale::Sv => {
                    let by =
                        until.map(|t| format!(" Ta erbjudandet senast {t}, annars går det vidare till nästa i kön."));
                    format!("Din tur: {item} går att låna för din tid{window}.{}", by.unwrap_or_default())
                }
                Locale::Nb => {
                    let by =
                        until.map(|t| format!(" Ta imot tilbudet innen {t}, ellers går det videre til neste i køen."));
                    format!("Din tur: {item} kan lånes i tiden din{window}.{}", by.unwrap_or_default())
                }
            }
        }
        K::DueTomorrow => match d.end.map(|e| clock.instant(e)) {
            Some(end) => match locale {
                Locale::En => format!("{item} is due back tomorrow, by {end}."),
                Locale::Sv => format!("{item} ska lämnas tillbaka i morgon, senast {end}."),
                Locale::Nb => format!("{item} skal leveres tilbake i morgen, senest {end}."),
            },
            None => match locale {
                Locale::En => format!("{item} is due back tomorrow."),
                Locale::Sv => format!("{item} ska lämnas tillbaka i morgon."),
                Locale::Nb => format!("{item} skal leveres tilbake i morgen."),
            },
        },
        K::Overdue => match d.end.map(|e| clock.instant(e)) {
            Some(end) => match locale {
                Locale::En => format!("{item} was due back by {end}. Please bring it back as soon as you can."),
                Locale::Sv => {
                    format!("{item} skulle ha lämnats tillbaka senast {end}. Lämna tillbaka så snart du kan.")
                }
                Locale::Nb => format!("{item} skulle vært levert tilbake senest {end}. Lever tilbake så snart du kan."),
            },
            None => match locale {
                Locale::En => format!("{item} is overdue. Please bring it back as soon as you can."),
                Locale::Sv => format!("{item} är inte tillbakalämnad i tid. Lämna tillbaka så snart du kan."),
                Locale::Nb => format!("{item} er ikke levert tilbake i tide. Lever tilbake så snart du kan."),
            },
        },
        K::ItemOutOfService => {
            let why = d.reason.map(|r| format!(": {}", bump_reason(r, locale))).unwrap_or_default();
            match locale {
                Locale::En => format!("{item} can no longer be lent{why}. Your booking{window} cannot go ahead."),
                Locale::Sv => format!("{item} kan inte längre lånas ut{why}. Din bokning{window} kan inte genomföras."),
                Locale::Nb => {
                    format!("{item} kan ikke lenger lånes ut{why}. Bookingen din{window} kan ikke gjennomføres.")
                }
            }
        }
        K::ApprovalNeeded => {
            let who = d
                .member_name
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| locale.pick("A member", "En medlem", "Et medlem").to_owned());
            match locale {
                Locale::En => format!("{who} asks to borrow {item}{window}. Please confirm or decline."),
                Locale::Sv => format!("{who} vill låna {item}{window}. Godkänn eller avböj förfrågan."),
                Locale::Nb => format!("{who} vil låne {item}{window}. Godkjenn eller avslå forespørselen."),
            }
        }
        K::LoanOverdue => {
            let who = d
                .member_name
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| locale.pick("A member", "En medlem", "Et medlem").to_owned());
            let end = d.end.map(|e| clock.instant(e));
            match (locale, end) {
                (Locale::En, Some(end)) => format!("{who} has not brought back {item}, due by {end}."),
                (Locale::Sv, Some(end)) => {
                    format!("{who} har inte lämnat tillbaka {item}, som skulle tillbaka senast {end}.")
                }
                (Locale::Nb, Some(end)) => {
                    format!("{who} har ikke levert tilbake {item}, som skulle tilbake senest {end}.")
                }
                (Locale::En, None) => format!("{who} has not brought back {item} in time."),
                (Locale::Sv, None) => format!("{who} har inte lämnat tillbaka {item} i tid."),
                (Locale::Nb, None) => format!("{who} har ikke levert tilbake {item} i tide."),
            }
        }
        K::MaintenanceDue => {
            let since = d.due.map(|t| clock.instant(t));
            let todo = d.note.as_deref().filter(|n| !n.is_empty()).map(|n| format!(" ({n})")).unwrap_or_default();
            match (locale, since) {
                (Locale::En, Some(t)) => format!("{item} is due for maintenance since {t}{todo}. Log it when done."),
                (Locale::Sv, Some(t)) => {
                    format!("{item} ska underhållas sedan {t}{todo}. För in underhållet när det är gjort.")
                }
                (Locale::Nb, Some(t)) => {
                    format!("{item} skal vedlikeholdes siden {t}{todo}. Før inn vedlikeholdet når det er gjort.")
                }
                (Locale::En, None) => format!("{item} is due for maintenance{todo}. Log it when done."),
                (Locale::Sv, None) => format!("{item} ska underhållas{todo}. För in underhållet när det är gjort."),
                (Locale::Nb, None) => {
                    format!("{item} skal vedlikeholdes{todo}. Før inn vedlikeholdet når det er gjort.")
                }
            }
        }
        K::NeedsRepair => {
            let what = d.note.as_deref().filter(|n| !n.is_empty()).map(|n| format!(" ({n})")).unwrap_or_default();
            match (locale, d.start.is_some()) {
                (Locale::En, true) => format!(
                    "{item} needs repair{what} and cannot be lent until it is mended. Your booking{window} may not go ahead."
                ),
                (Locale::Sv, true) => format!(
                    "{item} behöver lagas{what} och kan inte lånas ut förrän det är lagat. Din bokning{window} kanske inte kan genomföras."
                ),
                (Locale::Nb, true) => format!(
                    "{item} må repareres{what} og kan ikke lånes ut før den er reparert. Bookingen din{window} kan kanskje ikke gjennomføres."
                ),
                (Locale::En, false) => {
                    format!("{item} needs repair{what}. It cannot be booked until maintenance is logged.")
                }
                (Locale::Sv, false) => {
                    format!("{item} behöver lagas{what}. Det kan inte bokas förrän underhållet är infört.")
                }
                (Locale::Nb, false) => {
                    format!("{item} må repareres{what}. Den kan ikke bookes før vedlikeholdet er ført inn.")
                }
            }
        }
    }
}

/// Why a booking was bumped, as a clause (`another booking of the same units came first`).
pub fn bump_reason(reason: BumpReason, locale: Locale) -> &'static str {
    use BumpReason as R;
    match reason {
        R::Overbooked => locale.pick(
            "another booking of the same units came first",
            "en annan bokning av samma exemplar kom först",
            "en annen booking av de samme eksemplarene kom først",
        ),
        R::CheckedOutTwice => locale.pick(
            "the same units were checked out twice and the other check-out came first",
            "samma exemplar lämnades ut två gånger och det andra utlämnandet kom först",
            "de samme eksemplarene ble levert ut to ganger, og det andre utlånet kom først",
        ),
        R::ItemRetired => locale.pick(
            "the item has been retired",
            "föremålet har tagits bort ur utlåningen",
            "gjenstanden er tatt ut av utlånet",
        ),
        R::ItemOutOfService => {
            locale.pick("the item is out of service", "föremålet är ur drift", "gjenstanden er ute av drift")
        }
        R::MemberRemoved => locale.pick(
            "the borrower was removed from the group",
            "låntagaren har tagits bort ur gruppen",
            "låntakeren er fjernet fra gruppen",
        ),
        R::MaintenanceDue => locale.pick(
            "the item is due for maintenance",
            "föremålet ska underhållas",
            "gjenstanden skal vedlikeholdes",
        ),
    }
}

// ---- errors ----

/// A core error as a sentence for a person, with instants in UTC.
pub fn error_message(error: &Error, locale: Locale) -> String {
    error_message_in(error, locale, &TimeZone::UTC)
}

/// A core error as a sentence for a person, with instants in the person's time zone.
pub fn error_message_in(error: &Error, locale: Locale, zone: &TimeZone) -> String {
    let clock = Clock { locale, zone };
    match error {
        Error::Domain(e) => domain_message(e, clock),
        Error::Store(e) => store_message(e, locale).to_owned(),
        Error::Sync(e) => sync_message(e, locale).to_owned(),
        Error::Net(e) => net_message(e, locale).to_owned(),
        Error::GroupNotFound { .. } => locale
            .pick(
                "This group is not on this device.",
                "Gruppen finns inte på den här enheten.",
                "Gruppen finnes ikke på denne enheten.",
            )
            .to_owned(),
        Error::ItemNotFound { .. } => {
            locale.pick("The item was not found.", "Föremålet hittades inte.", "Fant ikke gjenstanden.").to_owned()
        }
        Error::BookingNotFound { .. } => {
            locale.pick("The booking was not found.", "Bokningen hittades inte.", "Fant ikke bookingen.").to_owned()
        }
        Error::MemberNotFound { .. } => {
            locale.pick("The member was not found.", "Medlemmen hittades inte.", "Fant ikke medlemmen.").to_owned()
        }
        Error::PlanNotFound { .. } => locale
            .pick(
                "The maintenance plan was not found.",
                "Underhållsplanen hittades inte.",
                "Fant ikke vedlikeholdsplanen.",
            )
            .to_owned(),
        Error::NotAMember { .. } => locale
            .pick(
                "This device does not belong to a member of the group.",
                "Den här enheten tillhör ingen medlem i gruppen.",
                "Denne enheten tilhører ikke et medlem av gruppen.",
            )
            .to_owned(),
        Error::Inventory(e) => inventory_message(e, clock),
    }
}

// ---- inventory import, export and statistics ----

fn inventory_message(error: &InventoryError, clock: Clock) -> String {
    use InventoryError as I;
    let locale = clock.locale;
    match error {
        I::EmptyFile => locale.pick("The file is empty.", "Filen är tom.", "Filen er tom.").to_owned(),
        I::NoNameColumn { headers } => match locale {
            Locale::En => {
                format!("No column holds the names of the items (name, namn or navn). The columns are: {headers}.")
            }
            Locale::Sv => {
                format!("Ingen kolumn innehåller föremålens namn (name, namn eller navn). Kolumnerna är: {headers}.")
            }
            Locale::Nb => format!(
                "Ingen kolonne inneholder navnene på gjenstandene (name, namn eller navn). Kolonnene er: {headers}."
            ),
        },
        I::DuplicateColumn { first, second, .. } => match locale {
            Locale::En => format!(
                "The columns {} and {} mean the same thing; keep one.",
                quoted(first, locale),
                quoted(second, locale)
            ),
            Locale::Sv => format!(
                "Kolumnerna {} och {} betyder samma sak; behåll en.",
                quoted(first, locale),
                quoted(second, locale)
            ),
            Locale::Nb => {
                format!("Kolonnene {} og {} betyr det samme; behold én.", quoted(first, locale), quoted(second, locale))
            }
        },
        I::Unreadable { line, .. } => match locale {
            Locale::En => format!("The file cannot be read as CSV (line {line})."),
            Locale::Sv => format!("Filen kan inte läsas som CSV (rad {line})."),
            Locale::Nb => format!("Filen kan ikke leses som CSV (linje {line})."),
        },
        I::TooManyRows { max } => match locale {
            Locale::En => format!("The file has more than {max} rows. Split it into smaller files."),
            Locale::Sv => format!("Filen har fler än {max} rader. Dela upp den i mindre filer."),
            Locale::Nb => format!("Filen har mer enn {max} rader. Del den opp i mindre filer."),
        },
        I::InvalidRows { count, first } => {
            let problem = row_problem_in(&first.problem, locale, clock.zone);
            match locale {
                Locale::En => format!(
                    "{} cannot be imported, so nothing was saved. First, line {}: {problem}",
                    count_rows(*count, locale),
                    first.line
                ),
                Locale::Sv => format!(
                    "{} kan inte importeras, så inget sparades. Först, rad {}: {problem}",
                    count_rows(*count, locale),
                    first.line
                ),
                Locale::Nb => format!(
                    "{} kan ikke importeres, så ingenting ble lagret. Først, linje {}: {problem}",
                    count_rows(*count, locale),
                    first.line
                ),
            }
        }
        I::InvalidWindow { .. } => locale
            .pick(
                "The period must end after it starts and span at most ten years.",
                "Perioden måste sluta efter att den börjar och omfatta högst tio år.",
                "Perioden må slutte etter at den begynner og omfatte høyst ti år.",
            )
            .to_owned(),
        I::Write { .. } => locale
            .pick("The file could not be written.", "Filen kunde inte skrivas.", "Filen kunne ikke skrives.")
            .to_owned(),
    }
}

/// The title of the chart of loans per month.
pub fn loans_chart_title(locale: Locale) -> &'static str {
    locale.pick("Loans per month", "Lån per månad", "Utlån per måned")
}

fn count_rows(n: usize, locale: Locale) -> String {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    match locale {
        Locale::En => count(n, "row", "rows"),
        Locale::Sv => count(n, "rad", "rader"),
        Locale::Nb => count(n, "rad", "rader"),
    }
}

/// Why a row of an item import cannot be used, as a sentence for a person.
pub fn row_problem(problem: &RowProblem, locale: Locale) -> String {
    row_problem_in(problem, locale, &TimeZone::UTC)
}

/// Why a row of an item import cannot be used, with instants in the person's time zone.
pub fn row_problem_in(problem: &RowProblem, locale: Locale, zone: &TimeZone) -> String {
    use RowProblem as P;
    match problem {
        P::MissingName => locale.pick("The name is empty.", "Namnet är tomt.", "Navnet er tomt.").to_owned(),
        P::BadQuantity { given } => match locale {
            Locale::En => format!("{} is not a whole number of units.", quoted(given, locale)),
            Locale::Sv => format!("{} är inte ett helt antal.", quoted(given, locale)),
            Locale::Nb => format!("{} er ikke et helt antall.", quoted(given, locale)),
        },
        P::UnknownCondition { given } => match locale {
            Locale::En => {
                format!("{} is not a condition (good, worn, needs repair, out of service).", quoted(given, locale))
            }
            Locale::Sv => format!("{} är inget skick (bra, sliten, behöver lagas, ur bruk).", quoted(given, locale)),
            Locale::Nb => {
                format!("{} er ingen tilstand (god, slitt, trenger reparasjon, ute av drift).", quoted(given, locale))
            }
        },
        P::UnknownId { .. } => locale
            .pick(
                "The id belongs to no item of this group.",
                "Id:t hör inte till något föremål i gruppen.",
                "Id-en tilhører ingen gjenstand i gruppen.",
            )
            .to_owned(),
        P::AmbiguousName { name, count } => match locale {
            Locale::En => {
                format!("{count} items are named {}; add an id column to tell them apart.", quoted(name, locale))
            }
            Locale::Sv => {
                format!("{count} föremål heter {}; lägg till en id-kolumn för att skilja dem åt.", quoted(name, locale))
            }
            Locale::Nb => {
                format!("{count} gjenstander heter {}; legg til en id-kolonne for å skille dem.", quoted(name, locale))
            }
        },
        P::Duplicate { first_line } => match locale {
            Locale::En => format!("Line {first_line} already names the same item."),
            Locale::Sv => format!("Rad {first_line} anger redan samma föremål."),
            Locale::Nb => format!("Linje {first_line} angir allerede den samme gjenstanden."),
        },
        P::Invalid { error } => domain_message(error, Clock { locale, zone }),
    }
}

fn sync_message(error: &SyncError, locale: Locale) -> &'static str {
    use SyncError as S;
    match error {
        S::Truncated { .. }
        | S::NotABundle
        | S::UnsupportedVersion { .. }
        | S::Corrupted
        | S::PhotoMismatch { .. }
        | S::BadSignature { .. }
        | S::ForeignGroup { .. } => locale.pick(
            "The file is damaged or is not a Delbar file for this group; nothing of it was applied.",
            "Filen är skadad eller är ingen Delbar-fil för den här gruppen; inget av den togs in.",
            "Filen er skadet eller er ikke en Delbar-fil for denne gruppen; ingenting av den ble tatt inn.",
        ),
        S::Refused { .. } | S::NotAMemberDevice { .. } => locale.pick(
            "The other device did not accept this one as a member's device of the group.",
            "Den andra enheten godtog inte den här som en medlems enhet i gruppen.",
            "Den andre enheten godtok ikke denne som et medlems enhet i gruppen.",
        ),
        S::Handshake { .. } => locale.pick(
            "The other end did not prove it is a Delbar device; nothing was exchanged.",
            "Den andra änden visade inte att den är en Delbar-enhet; inget utbyttes.",
            "Den andre enden viste ikke at den er en Delbar-enhet; ingenting ble utvekslet.",
        ),
        S::Tampered => locale.pick(
            "Data from the other device arrived damaged, incomplete or out of order, so the sync stopped; nothing of the damaged part was applied. Try again.",
            "Data från den andra enheten kom fram skadade, ofullständiga eller i fel ordning, så synkningen avbröts; inget av den skadade delen togs in. Försök igen.",
            "Data fra den andre enheten kom frem skadet, ufullstendig eller i feil rekkefølge, så synkroniseringen stoppet; ingenting av den skadede delen ble tatt inn. Prøv igjen.",
        ),
        S::TimedOut { .. } => locale.pick(
            "The other device stopped answering, so the sync gave up. Bring the devices closer together and try again.",
            "Den andra enheten slutade svara, så synkningen gav upp. För enheterna närmare varandra och försök igen.",
            "Den andre enheten sluttet å svare, så synkroniseringen ga opp. Flytt enhetene nærmere hverandre og prøv igjen.",
        ),
        S::PipeClosed => locale.pick(
            "The connection to the other device closed before the sync was done; nothing half-received was applied. Try again.",
            "Anslutningen till den andra enheten stängdes innan synkningen var klar; inget halvt mottaget togs in. Försök igen.",
            "Forbindelsen til den andre enheten ble lukket før synkroniseringen var ferdig; ingenting halvveis mottatt ble tatt inn. Prøv igjen.",
        ),
        S::Network { .. } => locale.pick(
            "The other device could not be reached. Check that both are on the same network and try again.",
            "Det gick inte att nå den andra enheten. Kontrollera att båda är på samma nätverk och försök igen.",
            "Kunne ikke nå den andre enheten. Sjekk at begge er på samme nettverk, og prøv igjen.",
        ),
        S::NotRunning => locale.pick(
            "Syncing is turned off. Turn it on and try again.",
            "Synkningen är avstängd. Slå på den och försök igen.",
            "Synkroniseringen er slått av. Slå den på og prøv igjen.",
        ),
        S::Io { .. } => locale.pick(
            "The file could not be read or written. Check that it is there and that the storage works.",
            "Filen gick inte att läsa eller skriva. Kontrollera att den finns och att lagringen fungerar.",
            "Filen kunne ikke leses eller skrives. Sjekk at den finnes og at lagringen virker.",
        ),
        _ => locale.pick(
            "Syncing with the other device did not work; nothing of it was applied.",
            "Synkningen med den andra enheten misslyckades; inget av den togs in.",
            "Synkroniseringen med den andre enheten mislyktes; ingenting av den ble tatt inn.",
        ),
    }
}

fn net_message(error: &NetError, locale: Locale) -> &'static str {
    use NetError as N;
    match error {
        N::InviteExpired => locale.pick(
            "The invite has expired. Ask for a new one.",
            "Inbjudan har gått ut. Be om en ny.",
            "Invitasjonen er utløpt. Be om en ny.",
        ),
        N::InviteUsedUp => locale.pick(
            "The invite has already been used. Ask for a new one.",
            "Inbjudan har redan använts. Be om en ny.",
            "Invitasjonen er allerede brukt. Be om en ny.",
        ),
        N::InviteRevoked => locale.pick(
            "The invite was withdrawn. Ask for a new one.",
            "Inbjudan har dragits tillbaka. Be om en ny.",
            "Invitasjonen er trukket tilbake. Be om en ny.",
        ),
        N::InviteUnknown => locale.pick(
            "The invite is not valid. Check that it was scanned whole, or ask for a new one.",
            "Inbjudan är inte giltig. Kontrollera att hela koden lästes in, eller be om en ny.",
            "Invitasjonen er ikke gyldig. Sjekk at hele koden ble lest inn, eller be om en ny.",
        ),
        N::InvalidRelayUrl { .. } => locale.pick(
            "The relay address is not valid. It must start with https:// or http://.",
            "Reläadressen är inte giltig. Den måste börja med https:// eller http://.",
            "Reléadressen er ikke gyldig. Den må begynne med https:// eller http://.",
        ),
        N::InvalidPeerAddress { .. } => locale.pick(
            "The device address is not valid.",
            "Enhetsadressen är inte giltig.",
            "Enhetsadressen er ikke gyldig.",
        ),
        N::InvalidQrScale { .. } => locale.pick(
            "The QR code size is outside what Delbar can draw.",
            "QR-kodens storlek ligger utanför vad Delbar kan rita.",
            "QR-kodens størrelse er utenfor det Delbar kan tegne.",
        ),
        N::PhotoNotFetched { .. } => locale.pick(
            "The photo could not be fetched from that device.",
            "Fotot gick inte att hämta från den enheten.",
            "Bildet kunne ikke hentes fra den enheten.",
        ),
    }
}

/// The sentence for a failure inside Delbar itself (a bug), for the bindings' caught panics.
pub fn internal_error_message(locale: Locale) -> &'static str {
    locale.pick(
        "Something went wrong inside Delbar. Please try again.",
        "Något gick fel i Delbar. Försök igen.",
        "Noe gikk galt i Delbar. Prøv igjen.",
    )
}

fn store_message(error: &StoreError, locale: Locale) -> &'static str {
    use StoreError as S;
    match error {
        S::Storage { .. } => locale.pick(
            "Delbar could not read or save its data on this device.",
            "Delbar kunde inte läsa eller spara sina data på enheten.",
            "Delbar kunne ikke lese eller lagre dataene sine på enheten.",
        ),
        S::Io { .. } => locale.pick(
            "A file could not be read or written.",
            "En fil kunde inte läsas eller skrivas.",
            "En fil kunne ikke leses eller skrives.",
        ),
        S::Corrupt { .. } => locale.pick(
            "Delbar's saved data on this device is damaged.",
            "Delbars sparade data på enheten är skadade.",
            "Delbars lagrede data på enheten er skadet.",
        ),
        S::InUse { .. } => locale.pick(
            "Delbar is already open elsewhere on this device. Close it there first.",
            "Delbar är redan öppet någon annanstans på enheten. Stäng det där först.",
            "Delbar er allerede åpent et annet sted på enheten. Lukk det der først.",
        ),
        S::InvalidData { .. } => locale.pick(
            "The data received from another device is not valid and was not used.",
            "Uppgifterna från en annan enhet är ogiltiga och användes inte.",
            "Dataene fra en annen enhet er ugyldige og ble ikke brukt.",
        ),
        S::NewerSchema { .. } => locale.pick(
            "This data was saved by a newer version of Delbar. Please update the app.",
            "Uppgifterna har sparats av en nyare version av Delbar. Uppdatera appen.",
            "Dataene er lagret av en nyere versjon av Delbar. Oppdater appen.",
        ),
        S::Document { .. } | S::MalformedDocument { .. } => locale.pick(
            "A shared document is damaged or does not come from Delbar.",
            "Ett delat dokument är skadat eller kommer inte från Delbar.",
            "Et delt dokument er skadet eller kommer ikke fra Delbar.",
        ),
        S::Encode { .. } => internal_error_message(locale),
        S::NotAStore { .. } => locale.pick(
            "The file Delbar keeps its data in is not Delbar's. It was left untouched.",
            "Filen där Delbar sparar sina data är inte Delbars. Den har lämnats orörd.",
            "Filen Delbar lagrer dataene sine i, er ikke Delbars. Den ble ikke endret.",
        ),
    }
}

/// `n` with the singular or plural noun.
fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

fn units(n: u32, locale: Locale) -> String {
    match locale {
        Locale::En => count(n, "unit", "units"),
        Locale::Sv => count(n, "exemplar", "exemplar"),
        Locale::Nb => count(n, "eksemplar", "eksemplarer"),
    }
}

fn hours(n: i64, locale: Locale) -> String {
    match locale {
        Locale::En => count(n, "hour", "hours"),
        Locale::Sv => count(n, "timme", "timmar"),
        Locale::Nb => count(n, "time", "timer"),
    }
}

fn days(n: i64, locale: Locale) -> String {
    match locale {
        Locale::En => count(n, "day", "days"),
        Locale::Sv => count(n, "dag", "dagar"),
        Locale::Nb => count(n, "dag", "dager"),
    }
}

fn bookings(n: u32, locale: Locale) -> String {
    match locale {
        Locale::En => count(n, "booking", "bookings"),
        Locale::Sv => count(n, "bokning", "bokningar"),
        Locale::Nb => count(n, "booking", "bookinger"),
    }
}

/// The name of a text field, as the core names it in its errors.
fn field(name: &'static str, locale: Locale) -> &'static str {
    let (sv, nb) = match name {
        "name" => ("namn", "navn"),
        "group name" => ("gruppnamn", "gruppenavn"),
        "member name" => ("medlemsnamn", "medlemsnavn"),
        "maintenance note" => ("underhållsanteckning", "vedlikeholdsnotat"),
        "description" => ("beskrivning", "beskrivelse"),
        "category" => ("kategori", "kategori"),
        "device label" => ("enhetens namn", "enhetens navn"),
        "location" => ("plats", "sted"),
        "note" => ("anteckning", "notat"),
        "tag" => ("tagg", "stikkord"),
        "plan note" => ("planens anteckning", "planens notat"),
        _ => (name, name),
    };
    locale.pick(name, sv, nb)
}

/// An id kind (`item id`).
fn id_kind(kind: &'static str, locale: Locale) -> String {
    let (sv, nb) = match kind {
        "group" => ("grupp-id", "gruppe-ID"),
        "member" => ("medlems-id", "medlems-ID"),
        "item" => ("föremåls-id", "gjenstands-ID"),
        "booking" => ("boknings-id", "booking-ID"),
        "activity" => ("händelse-id", "hendelses-ID"),
        "maintenance entry" => ("underhålls-id", "vedlikeholds-ID"),
        "device" => ("enhets-id", "enhets-ID"),
        _ => return format!("{kind} id"),
    };
    locale.pick(format!("{kind} id"), sv.to_owned(), nb.to_owned())
}

/// A steward-only action as the core names it (`add items`), as an infinitive phrase.
fn action_phrase(action: &'static str, locale: Locale) -> &'static str {
    let (sv, nb) = match action {
        "add a device to another member" => {
            ("lägga till en enhet åt en annan medlem", "legge til en enhet for et annet medlem")
        }
        "add items" => ("lägga till föremål", "legge til gjenstander"),
        "add members" => ("lägga till medlemmar", "legge til medlemmer"),
        "invite members" => ("bjuda in medlemmar", "invitere medlemmer"),
        "invite stewards" => ("bjuda in gruppansvariga", "invitere gruppeansvarlige"),
        "revoke another member's invite" => {
            ("dra tillbaka en annan medlems inbjudan", "trekke tilbake et annet medlems invitasjon")
        }
        "change roles" => ("ändra roller", "endre roller"),
        "edit items" => ("redigera föremål", "redigere gjenstander"),
        "edit the group" => ("redigera gruppen", "redigere gruppen"),
        "extend another member's booking" => ("förlänga en annan medlems bokning", "forlenge et annet medlems booking"),
        "log maintenance" => ("föra underhållslogg", "føre vedlikeholdslogg"),
        "qualify members" => ("godkänna medlemmar för föremål", "godkjenne medlemmer for gjenstander"),
        "remove members" => ("ta bort medlemmar", "fjerne medlemmer"),
        "reorder a waitlist" => ("ändra ordningen i en kö", "endre rekkefølgen i en kø"),
        "book for another member" => ("boka åt en annan medlem", "booke for et annet medlem"),
        "lend gear at the shelf" => ("låna ut utrustning direkt vid hyllan", "låne ut utstyr direkte ved hylla"),
        "confirm a booking" => ("bekräfta en bokning", "bekrefte en booking"),
        "decline a booking" => ("avböja en bokning", "avslå en booking"),
        "cancel another member's booking" => ("avboka en annan medlems bokning", "avbestille et annet medlems booking"),
        "claim another member's waitlist offer" => {
            ("ta emot en annan medlems erbjudande i kön", "ta imot et annet medlems tilbud i køen")
        }
        "check out gear that is not self-service" => {
            ("lämna ut utrustning som inte har självbetjäning", "levere ut utstyr som ikke er selvbetjent")
        }
        "check out another member's booking" => {
            ("lämna ut en annan medlems bokning", "levere ut et annet medlems booking")
        }
        "check in gear that is not self-service" => {
            ("ta emot utrustning som inte har självbetjäning", "ta imot utstyr som ikke er selvbetjent")
        }
        "check in another member's booking" => {
            ("ta emot en annan medlems återlämning", "ta imot et annet medlems innlevering")
        }
        _ => (action, action),
    };
    locale.pick(action, sv, nb)
}

/// What a booking action does, as an infinitive (`confirm`).
fn booking_verb(action: BookingAction, locale: Locale) -> &'static str {
    use BookingAction as A;
    match action {
        A::Confirm => locale.pick("confirm", "bekräfta", "bekrefte"),
        A::Decline => locale.pick("decline", "avböja", "avslå"),
        A::Cancel => locale.pick("cancel", "avboka", "avbestille"),
        A::CheckOut => locale.pick("check out", "lämna ut", "levere ut"),
        A::Return => locale.pick("return", "lämna tillbaka", "levere tilbake"),
        A::Claim => locale.pick("claim the offer for", "ta emot erbjudandet för", "ta imot tilbudet for"),
    }
}

/// A relative clause saying where a booking is (`that is confirmed`).
fn state_clause(state: BookingState, locale: Locale) -> &'static str {
    use BookingState as S;
    match state {
        S::Requested => locale.pick("that is requested", "som är förfrågad", "som er forespurt"),
        S::Confirmed => locale.pick("that is confirmed", "som är bekräftad", "som er bekreftet"),
        S::Declined => locale.pick("that was declined", "som har avböjts", "som er avslått"),
        S::Cancelled => locale.pick("that is cancelled", "som är avbokad", "som er avbestilt"),
        S::CheckedOut => locale.pick("that is checked out", "som är utlämnad", "som er levert ut"),
        S::Returned => locale.pick("that is returned", "som är återlämnad", "som er levert tilbake"),
        S::Waitlisted => locale.pick("that is on the waitlist", "som står i kö", "som står i kø"),
        S::Bumped => locale.pick("that was bumped", "som inte längre gäller", "som ikke lenger gjelder"),
    }
}

/// A loan-rule setting as the core names it (`max_loan_hours`).
fn rule_name(rule: &'static str, locale: Locale) -> &'static str {
    let (en, sv, nb) = match rule {
        "max_loan_hours" => ("longest loan (hours)", "längsta lån (timmar)", "lengste lån (timer)"),
        "max_advance_days" => ("booking ahead (days)", "bokning i förväg (dagar)", "booking i forveien (dager)"),
        "max_concurrent_per_member" => ("bookings per member", "bokningar per medlem", "bookinger per medlem"),
        "min_notice_hours" => ("minimum notice (hours)", "minsta varsel (timmar)", "minste varsel (timer)"),
        "buffer_minutes" => ("time between loans (minutes)", "tid mellan lån (minuter)", "tid mellom lån (minutter)"),
        "pickup_window_hours" => ("pickup time (hours)", "tid att hämta ut (timmar)", "hentetid (timer)"),
        "every_days" => ("maintenance every N days", "underhåll var N:e dag", "vedlikehold hver N. dag"),
        "every_loans" => ("maintenance every N loans", "underhåll efter var N:e lån", "vedlikehold etter hvert N. lån"),
        "invite uses" => ("uses of the invite", "inbjudans användningar", "invitasjonens bruk"),
        "invite lifetime (hours)" => {
            ("invite lifetime (hours)", "inbjudans giltighet (timmar)", "invitasjonens gyldighet (timer)")
        }
        "waitlist position" => ("place in the waitlist", "plats i kön", "plass i køen"),
        _ => (rule, rule, rule),
    };
    locale.pick(en, sv, nb)
}

/// What [`DomainError::TooMany`] counts, in the plural (`tags`).
fn many_of(what: &'static str, locale: Locale) -> &'static str {
    let (sv, nb) = match what {
        "tags" => ("taggar", "stikkord"),
        "kit parts" => ("delar i en sats", "deler i et sett"),
        _ => (what, what),
    };
    locale.pick(what, sv, nb)
}

/// A rule's allowed range as the core words it (`at least 1`).
fn expected_range(expected: &'static str, locale: Locale) -> String {
    match expected {
        "at least 1" => locale.pick("at least 1", "minst 1", "minst 1").to_owned(),
        "0 or more" => locale.pick("0 or more", "0 eller mer", "0 eller mer").to_owned(),
        other => match other.split_once(" to ") {
            Some((a, b)) => {
                locale.pick(format!("{a} to {b}"), format!("mellan {a} och {b}"), format!("mellom {a} og {b}"))
            }
            None => other.to_owned(),
        },
    }
}

/// Why an item cannot be booked, as the core words it (`it is retired`).
fn not_bookable(reason: &'static str, locale: Locale) -> &'static str {
    match reason {
        "it is retired" => bump_reason(BumpReason::ItemRetired, locale),
        "it is out of service" => bump_reason(BumpReason::ItemOutOfService, locale),
        "it needs repair" => locale.pick("it needs repair", "det behöver lagas", "den må repareres"),
        other => locale.pick(other, other, other),
    }
}

/// What is wrong with a kit, as the core words it.
fn kit_problem(reason: &'static str, locale: Locale) -> &'static str {
    let (sv, nb) = match reason {
        "a kit cannot contain itself" => {
            ("en sats kan inte innehålla sig själv", "et sett kan ikke inneholde seg selv")
        }
        "a part cannot itself be a kit" => ("en del kan inte själv vara en sats", "en del kan ikke selv være et sett"),
        "an item that is part of a kit cannot become a kit" => (
            "ett föremål som ingår i en sats kan inte bli en sats",
            "en gjenstand som inngår i et sett, kan ikke bli et sett",
        ),
        "each part needs 1 to 1000 units per kit" => {
            ("varje del måste ha 1–1000 exemplar per sats", "hver del må ha 1–1000 eksemplarer per sett")
        }
        "each part may be listed once" => ("varje del får bara anges en gång", "hver del kan bare oppgis én gang"),
        _ => (reason, reason),
    };
    locale.pick(reason, sv, nb)
}

/// Why a waitlist action is not possible, as the core words it.
fn no_offer(reason: &'static str, locale: Locale) -> &'static str {
    match reason {
        "no units are offered to this booking right now" => locale.pick(
            "No units are offered to this booking right now.",
            "Inga exemplar erbjuds den här bokningen just nu.",
            "Ingen eksemplarer er tilbudt denne bookingen akkurat nå.",
        ),
        "only waitlisted bookings have a place in the queue" => locale.pick(
            "Only bookings on the waitlist have a place in the queue.",
            "Bara bokningar som står i kö har en plats i kön.",
            "Bare bookinger som står i kø, har en plass i køen.",
        ),
        other => other,
    }
}

/// Quotes a text the locale's way.
fn quoted(s: &str, locale: Locale) -> String {
    match locale {
        Locale::En => format!("“{s}”"),
        Locale::Sv => format!("”{s}”"),
        Locale::Nb => format!("«{s}»"),
    }
}

fn domain_message(error: &DomainError, clock: Clock) -> String {
    use DomainError as D;
    let l = clock.locale;
    match error {
        D::InvalidId { kind, given } => {
            let given = quoted(given, l);
            let kind = id_kind(kind, l);
            match l {
                Locale::En => format!("{given} is not a valid {kind}."),
                Locale::Sv => format!("{given} är inte ett giltigt {kind}."),
                Locale::Nb => format!("{given} er ikke en gyldig {kind}."),
            }
        }
        D::EmptyField { field: f } => {
            let f = quoted(field(f, l), l);
            match l {
                Locale::En => format!("The field {f} must not be empty."),
                Locale::Sv => format!("Fältet {f} får inte vara tomt."),
                Locale::Nb => format!("Feltet {f} kan ikke være tomt."),
            }
        }
        D::FieldTooLong { field: f, len, max } => {
            let f = quoted(field(f, l), l);
            match l {
                Locale::En => format!("The text in {f} is too long ({len} characters, at most {max})."),
                Locale::Sv => format!("Texten i fältet {f} är för lång ({len} tecken, högst {max})."),
                Locale::Nb => format!("Teksten i feltet {f} er for lang ({len} tegn, høyst {max})."),
            }
        }
        D::InvalidQuantity { given } => {
            let max = crate::domain::limits::MAX_QUANTITY;
            match l {
                Locale::En => format!("The quantity must be between 1 and {max} (given: {given})."),
                Locale::Sv => format!("Antalet måste vara mellan 1 och {max} (angivet: {given})."),
                Locale::Nb => format!("Antallet må være mellom 1 og {max} (oppgitt: {given})."),
            }
        }
        D::InvalidUnits { given } => {
            let max = crate::domain::limits::MAX_UNITS;
            match l {
                Locale::En => format!("A booking must be for between 1 and {max} units (given: {given})."),
                Locale::Sv => format!("En bokning måste gälla mellan 1 och {max} exemplar (angivet: {given})."),
                Locale::Nb => format!("En booking må gjelde mellom 1 og {max} eksemplarer (oppgitt: {given})."),
            }
        }
        D::OutOfRange { field: f, min, max, given } => {
            let f = quoted(rule_name(f, l), l);
            match l {
                Locale::En => format!("The value for {f} must be between {min} and {max} (given: {given})."),
                Locale::Sv => format!("Värdet för {f} måste vara mellan {min} och {max} (angivet: {given})."),
                Locale::Nb => format!("Verdien for {f} må være mellom {min} og {max} (oppgitt: {given})."),
            }
        }
        D::TooMany { what, given, max } => {
            let what = many_of(what, l);
            match l {
                Locale::En => format!("At most {max} {what} may be given ({given} given)."),
                Locale::Sv => format!("Högst {max} {what} får anges ({given} angivna)."),
                Locale::Nb => format!("Høyst {max} {what} kan oppgis ({given} oppgitt)."),
            }
        }
        D::NotEnoughUnits { item, quantity, requested } => {
            let have = units(*quantity, l);
            match l {
                Locale::En => format!("There are {have} of {item}; you asked for {requested}."),
                Locale::Sv => format!("Det finns {have} av {item}; du bad om {requested}."),
                Locale::Nb => format!("Det finnes {have} av {item}; du ba om {requested}."),
            }
        }
        D::Unavailable { item, free, requested, start, end } => {
            let window = clock.window(*start, *end);
            if *free == 0 {
                match l {
                    Locale::En => format!("{item} is already fully booked ({window})."),
                    Locale::Sv => format!("Alla exemplar av {item} är redan bokade ({window})."),
                    Locale::Nb => format!("Alle eksemplarene av {item} er allerede booket ({window})."),
                }
            } else {
                let free_units = units(*free, l);
                match l {
                    Locale::En => format!("Only {free_units} of {item} free ({window}); you asked for {requested}."),
                    Locale::Sv => format!("Bara {free_units} av {item} är lediga ({window}); du bad om {requested}."),
                    Locale::Nb => format!("Bare {free_units} av {item} er ledige ({window}); du ba om {requested}."),
                }
            }
        }
        D::BookingEndsBeforeStart { .. } => l
            .pick(
                "A booking must end after it starts.",
                "En bokning måste sluta efter att den börjar.",
                "En booking må slutte etter at den begynner.",
            )
            .to_owned(),
        D::LoanTooLong { item, max_hours, asked_hours } => {
            let (max, asked) = (hours(*max_hours, l), hours(*asked_hours, l));
            match l {
                Locale::En => format!("{item} may be borrowed for at most {max} (you asked for {asked})."),
                Locale::Sv => format!("{item} får lånas i högst {max} (du bad om {asked})."),
                Locale::Nb => format!("{item} kan lånes i høyst {max} (du ba om {asked})."),
            }
        }
        D::TooFarAhead { item, max_days } => {
            let n = days(*max_days, l);
            match l {
                Locale::En => format!("{item} can be booked at most {n} ahead."),
                Locale::Sv => format!("{item} kan bokas högst {n} i förväg."),
                Locale::Nb => format!("{item} kan bookes høyst {n} i forveien."),
            }
        }
        D::NoticeTooShort { item, min_hours } => {
            let n = hours(*min_hours, l);
            match l {
                Locale::En => format!("{item} must be booked at least {n} ahead."),
                Locale::Sv => format!("{item} måste bokas minst {n} i förväg."),
                Locale::Nb => format!("{item} må bookes minst {n} i forveien."),
            }
        }
        D::StartsInPast { .. } => l
            .pick(
                "A booking cannot start in the past.",
                "En bokning kan inte börja bakåt i tiden.",
                "En booking kan ikke starte tilbake i tid.",
            )
            .to_owned(),
        D::TooManyBookings { item, max } => {
            let n = bookings(*max, l);
            match l {
                Locale::En => format!("A member may hold at most {n} of {item} at a time."),
                Locale::Sv => format!("En medlem får ha högst {n} av {item} samtidigt."),
                Locale::Nb => format!("Et medlem kan ha høyst {n} av {item} samtidig."),
            }
        }
        D::ItemNotBookable { item, reason } => {
            let why = not_bookable(reason, l);
            match l {
                Locale::En => format!("{item} cannot be booked: {why}."),
                Locale::Sv => format!("{item} kan inte bokas: {why}."),
                Locale::Nb => format!("{item} kan ikke bookes: {why}."),
            }
        }
        D::NotPermitted { action, .. } => {
            let what = action_phrase(action, l);
            match l {
                Locale::En => format!("Only stewards may {what}."),
                Locale::Sv => format!("Bara gruppansvariga får {what}."),
                Locale::Nb => format!("Bare gruppeansvarlige kan {what}."),
            }
        }
        D::IllegalTransition { action, state } => {
            let (verb, clause) = (booking_verb(*action, l), state_clause(*state, l));
            match l {
                Locale::En => format!("You cannot {verb} a booking {clause}."),
                Locale::Sv => format!("Det går inte att {verb} en bokning {clause}."),
                Locale::Nb => format!("Det går ikke an å {verb} en booking {clause}."),
            }
        }
        D::CannotExtend { state } => {
            let clause = state_clause(*state, l);
            match l {
                Locale::En => format!("You cannot extend a booking {clause}."),
                Locale::Sv => format!("Det går inte att förlänga en bokning {clause}."),
                Locale::Nb => format!("Det går ikke an å forlenge en booking {clause}."),
            }
        }
        D::InvalidCoordinates { lat, lon } => match l {
            Locale::En => format!("The coordinates ({lat}, {lon}) are not valid."),
            Locale::Sv => format!("Koordinaterna ({lat}, {lon}) är ogiltiga."),
            Locale::Nb => format!("Koordinatene ({lat}, {lon}) er ugyldige."),
        },
        D::InvalidPhotoHash { .. } => l
            .pick("A photo reference is not valid.", "En fotoreferens är ogiltig.", "En bildereferanse er ugyldig.")
            .to_owned(),
        D::PhotoTooLarge { bytes, max } => {
            let (mb, max_mb) = (*bytes as f64 / 1_048_576.0, *max as f64 / 1_048_576.0);
            match l {
                Locale::En => format!("The photo is {mb:.1} MB; the largest accepted is {max_mb:.0} MB."),
                Locale::Sv => format!("Fotot är {mb:.1} MB; det största som tas emot är {max_mb:.0} MB."),
                Locale::Nb => format!("Bildet er {mb:.1} MB; det største som tas imot er {max_mb:.0} MB."),
            }
        }
        D::PhotoFormatNotAccepted { .. } => l
            .pick(
                "A photo must be a JPEG, PNG or WebP image.",
                "Ett foto måste vara en JPEG-, PNG- eller WebP-bild.",
                "Et bilde må være et JPEG-, PNG- eller WebP-bilde.",
            )
            .to_owned(),
        D::PhotoTooManyPixels { width, height, .. } => match l {
            Locale::En => format!("The photo is too big ({width} x {height} pixels)."),
            Locale::Sv => format!("Fotot är för stort ({width} x {height} pixlar)."),
            Locale::Nb => format!("Bildet er for stort ({width} x {height} piksler)."),
        },
        D::PhotoUnreadable { .. } => l
            .pick(
                "The photo cannot be read: the file is damaged or incomplete.",
                "Fotot går inte att läsa: filen är skadad eller ofullständig.",
                "Bildet kan ikke leses: filen er skadet eller ufullstendig.",
            )
            .to_owned(),
        D::PhotoNotOnItem { .. } => l
            .pick(
                "The item has no such photo.",
                "Föremålet har inget sådant foto.",
                "Gjenstanden har ikke noe slikt bilde.",
            )
            .to_owned(),
        D::NoReturnPhoto { .. } => l
            .pick(
                "No photo was taken when this booking came back.",
                "Inget foto togs när den här bokningen lämnades tillbaka.",
                "Det ble ikke tatt noe bilde da denne bookingen ble levert tilbake.",
            )
            .to_owned(),
        D::InvalidRule { rule, expected, given } => {
            let (rule, range) = (quoted(rule_name(rule, l), l), expected_range(expected, l));
            match l {
                Locale::En => format!("The value for {rule} must be {range} (given: {given})."),
                Locale::Sv => format!("Värdet för {rule} måste vara {range} (angivet: {given})."),
                Locale::Nb => format!("Verdien for {rule} må være {range} (oppgitt: {given})."),
            }
        }
        D::DateOutOfRange { .. } => l
            .pick(
                "The date is outside the years 1970 to 9999.",
                "Datumet ligger utanför åren 1970–9999.",
                "Datoen ligger utenfor årene 1970–9999.",
            )
            .to_owned(),
        D::InvalidKit { reason } => {
            let why = kit_problem(reason, l);
            match l {
                Locale::En => format!("Invalid kit: {why}."),
                Locale::Sv => format!("Ogiltig sats: {why}."),
                Locale::Nb => format!("Ugyldig sett: {why}."),
            }
        }
        D::NotQualified { item } => match l {
            Locale::En => format!("To borrow {item}, a steward must first qualify you for it."),
            Locale::Sv => format!("För att få låna {item} måste en gruppansvarig först ha godkänt dig."),
            Locale::Nb => format!("For å få låne {item} må en gruppeansvarlig først ha godkjent deg."),
        },
        D::NoOffer { reason } => no_offer(reason, l).to_owned(),
        D::NoNeedToWait { item } => match l {
            Locale::En => format!("{item} is free for that time: book it instead of joining the waitlist."),
            Locale::Sv => format!("{item} går att låna den tiden – boka direkt i stället för att ställa dig i kö."),
            Locale::Nb => format!("{item} kan lånes i det tidsrommet – book direkte i stedet for å stille deg i kø."),
        },
        D::LastSteward => l
            .pick(
                "A group must keep at least one steward.",
                "En grupp måste ha minst en gruppansvarig.",
                "En gruppe må ha minst én gruppeansvarlig.",
            )
            .to_owned(),
        D::InvalidDate { given } => match l {
            Locale::En => format!("{} is not a month and day; write MM-DD, such as 03-15.", quoted(given, l)),
            Locale::Sv => format!("{} är inte en månad och dag; skriv MM-DD, till exempel 03-15.", quoted(given, l)),
            Locale::Nb => format!("{} er ikke en måned og dag; skriv MM-DD, for eksempel 03-15.", quoted(given, l)),
        },
        D::MaintenanceDue { item, due } => {
            let from = clock.instant(*due);
            match l {
                Locale::En => format!(
                    "{item} is due for maintenance from {from}: it cannot be booked from then until a steward logs the maintenance."
                ),
                Locale::Sv => format!(
                    "{item} ska underhållas från {from}: det kan inte bokas från dess förrän en gruppansvarig har fört in underhållet."
                ),
                Locale::Nb => format!(
                    "{item} skal vedlikeholdes fra {from}: den kan ikke bookes fra da før en gruppeansvarlig har ført inn vedlikeholdet."
                ),
            }
        }
        D::LabelCount { given, max } => match l {
            Locale::En => format!("A label sheet holds 1 to {max} items ({given} chosen)."),
            Locale::Sv => format!("Ett etikettark rymmer 1 till {max} föremål ({given} valda)."),
            Locale::Nb => format!("Et etikettark har plass til 1 til {max} gjenstander ({given} valgt)."),
        },
        D::LabelText { .. } => l
            .pick(
                "The label's QR code could not be made.",
                "Etikettens QR-kod gick inte att skapa.",
                "Etikettens QR-kode kunne ikke lages.",
            )
            .to_owned(),
        D::DisallowedCharacter { field: f, code_point, position } => {
            let f = quoted(field(f, l), l);
            match l {
                Locale::En => format!(
                    "The field {f} must not contain the control or invisible character U+{code_point:04X} (character {position})."
                ),
                Locale::Sv => format!(
                    "Fältet {f} får inte innehålla styrtecknet eller det osynliga tecknet U+{code_point:04X} (tecken {position})."
                ),
                Locale::Nb => format!(
                    "Feltet {f} kan ikke inneholde kontrolltegnet eller det usynlige tegnet U+{code_point:04X} (tegn {position})."
                ),
            }
        }
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
        ScanNote::Retired => {
            l.pick("This item is retired.", "Föremålet är pensionerat.", "Gjenstanden er tatt ut av bruk.").to_owned()
        }
        ScanNote::OutOfService => l
            .pick("This item is out of service.", "Föremålet är ur funktion.", "Gjenstanden er ute av drift.")
            .to_owned(),
        ScanNote::NothingBooked => l
            .pick(
                "You have no booking of this item to pick up or return now.",
                "Du har ingen bokning av föremålet att hämta ut eller lämna tillbaka nu.",
                "Du har ingen booking av gjenstanden å hente eller levere tilbake nå.",
            )
            .to_owned(),
        ScanNote::BookedLater { start, .. } => {
            let at = clock.instant(*start);
            match l {
                Locale::En => format!("Your booking starts {at}; come back closer to then."),
                Locale::Sv => format!("Din bokning börjar {at}; kom tillbaka närmare den tiden."),
                Locale::Nb => format!("Bookingen din starter {at}; kom tilbake nærmere det tidspunktet."),
            }
        }
        ScanNote::AwaitingApproval { .. } => l
            .pick(
                "Your booking still waits for a steward's approval.",
                "Din bokning väntar fortfarande på att en gruppansvarig godkänner den.",
                "Bookingen din venter fortsatt på godkjenning fra en gruppeansvarlig.",
            )
            .to_owned(),
        ScanNote::NotSelfService => l
            .pick(
                "A steward hands this item out and takes it back.",
                "En gruppansvarig lämnar ut och tar emot det här föremålet.",
                "En gruppeansvarlig leverer ut og tar imot denne gjenstanden.",
            )
            .to_owned(),
        ScanNote::TakenUntilStart { start, .. } => {
            let at = clock.instant(*start);
            match l {
                Locale::En => format!("The units are taken until your booking starts ({at})."),
                Locale::Sv => format!("Exemplaren är upptagna tills din bokning börjar ({at})."),
                Locale::Nb => format!("Eksemplarene er opptatt til bookingen din starter ({at})."),
            }
        }
        ScanNote::NoFreeUnits => l
            .pick(
                "No unit is free to lend now.",
                "Inget exemplar är ledigt att låna ut nu.",
                "Ingen eksemplarer er ledige til utlån nå.",
            )
            .to_owned(),
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
