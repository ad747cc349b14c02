//! The person's language and time zone, read once from the environment.
//!
//! Language: the first non-empty of `LC_ALL`, `LC_MESSAGES` and `LANG` (`sv_SE.UTF-8` gives
//! Swedish; `nb_NO`, `no_NO` and `nn_NO` give Norwegian Bokmål; anything else English). Time
//! zone: `TZ` (an IANA name such as `Europe/Stockholm`, a zoneinfo path or a POSIX rule), else
//! the system's zone (`/etc/localtime`), else UTC. Tables, messages and notifications show
//! instants in that zone; `--json` keeps UTC instants.

use delbar_core::i18n::{self, Locale, TimeZone};
use std::sync::OnceLock;

/// The language of the texts the command prints for a person.
pub fn locale() -> Locale {
    static LOCALE: OnceLock<Locale> = OnceLock::new();
    *LOCALE.get_or_init(|| locale_from(|name| std::env::var(name).ok()))
}

/// The locale the POSIX variables name; `var` reads one.
pub fn locale_from(var: impl Fn(&str) -> Option<String>) -> Locale {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.trim().is_empty()))
        .map(|tag| Locale::parse(&tag))
        .unwrap_or_default()
}

/// The time zone instants are shown in.
pub fn zone() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| TimeZone::try_system().unwrap_or(TimeZone::UTC))
}

/// A core error as a sentence for the person, in their language, with instants in their zone.
/// In English the core's own wording stays (scripts and logs read its details), except for
/// the refusals that name instants, which the core writes in UTC: those are the translated
/// sentence with local times, as in every other language.
pub fn error_text(error: &delbar_core::Error) -> String {
    match locale() {
        Locale::En if !names_an_instant(error) => error.to_string(),
        locale => i18n::error_message_in(error, locale, zone()),
    }
}

/// Whether the core's English text of `error` names an instant.
fn names_an_instant(error: &delbar_core::Error) -> bool {
    use delbar_core::domain::DomainError as D;
    matches!(
        error,
        delbar_core::Error::Domain(
            D::Unavailable { .. }
                | D::BookingEndsBeforeStart { .. }
                | D::StartsInPast { .. }
                | D::MaintenanceDue { .. }
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Locale {
        locale_from(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn the_posix_variables_choose_the_language_in_their_order() {
        assert_eq!(with(&[("LANG", "sv_SE.UTF-8")]), Locale::Sv);
        assert_eq!(with(&[("LANG", "nb_NO.UTF-8")]), Locale::Nb);
        assert_eq!(with(&[("LANG", "no_NO")]), Locale::Nb);
        assert_eq!(with(&[("LANG", "nn_NO.UTF-8")]), Locale::Nb);
        assert_eq!(with(&[("LANG", "de_DE.UTF-8")]), Locale::En);
        assert_eq!(with(&[("LANG", "C.UTF-8")]), Locale::En);
        assert_eq!(with(&[]), Locale::En);
        assert_eq!(with(&[("LANG", "sv_SE.UTF-8"), ("LC_MESSAGES", "nb_NO.UTF-8")]), Locale::Nb);
        assert_eq!(with(&[("LANG", "sv_SE.UTF-8"), ("LC_MESSAGES", "nb_NO"), ("LC_ALL", "C")]), Locale::En);
        assert_eq!(with(&[("LANG", "sv_SE.UTF-8"), ("LC_ALL", "")]), Locale::Sv);
    }
}
