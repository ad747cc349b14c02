//! The time zone the texts the bindings hand to apps write instants in (notification bodies,
//! error texts, scan notes), by its IANA name, with the zone's summer time.
//!
//! Like the language, the choice is process-wide: one `setTimeZone("Europe/Stockholm")` at
//! start (and again when the device's zone changes) covers every store. Until then texts are
//! written in UTC, marked `UTC`. The zone rules come from the time zone database compiled into
//! the core, so every device writes the same local hour for the same instant.

use std::sync::RwLock;

use delbar_core::i18n::{self, TimeZone};

use crate::locale;

static ZONE: RwLock<TimeZone> = RwLock::new(TimeZone::UTC);

/// Why a time zone was not set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum TimeZoneError {
    /// The name is not an IANA time zone the core knows (`Europe/Stockholm`, `UTC`).
    #[error("unknown time zone {name:?}")]
    Unknown {
        /// The name given.
        name: String,
        /// The sentence for a person, in the locale set with `setLocale`.
        text: String,
    },
}

/// The zone texts write instants in now.
pub(crate) fn current() -> TimeZone {
    match ZONE.read() {
        Ok(zone) => zone.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// Sets the time zone texts write instants in, by its IANA name (`Europe/Stockholm`,
/// `Europe/Oslo`, `UTC`; any case), as the platform gives it (`ZoneId.systemDefault().id`,
/// `TimeZone.current.identifier`). Returns the name as the database spells it. An unknown
/// name is refused and the zone stays as it was.
#[uniffi::export]
pub fn set_time_zone(name: String) -> Result<String, TimeZoneError> {
    let zone = i18n::time_zone(&name).map_err(|e| TimeZoneError::Unknown {
        text: i18n::unknown_time_zone_message(&e, locale::current()),
        name: e.name,
    })?;
    let spelled = zone.iana_name().unwrap_or("UTC").to_owned();
    match ZONE.write() {
        Ok(mut current) => *current = zone,
        Err(poisoned) => *poisoned.into_inner() = zone,
    }
    Ok(spelled)
}

/// The IANA name of the zone texts write instants in now (`UTC` until `setTimeZone`).
#[uniffi::export]
pub fn current_time_zone() -> String {
    current().iana_name().unwrap_or("UTC").to_owned()
}
