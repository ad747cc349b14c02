//! The language of the texts the bindings hand to apps: notification titles and bodies, and
//! the `text` of every `DelbarError`. The translations live in the core
//! ([`delbar_core::i18n`]); this module only keeps the app's choice. The time zone of the
//! instants in those texts is set apart, with `setTimeZone` (`zone`).
//!
//! The choice is process-wide, like the UI language of an app: one `setLocale("sv")` at start
//! (and again when the person changes language) covers every store and every error,
//! including those of `DelbarStore.open`.

use std::sync::atomic::{AtomicU8, Ordering};

use delbar_core::i18n::{self, Locale};

use crate::records::{BumpReason, Notification, NotificationText};
use crate::{DelbarError, error::guard};

static LOCALE: AtomicU8 = AtomicU8::new(0);

fn encode(locale: Locale) -> u8 {
    match locale {
        Locale::En => 0,
        Locale::Sv => 1,
        Locale::Nb => 2,
    }
}

/// The locale texts are written in now.
pub(crate) fn current() -> Locale {
    match LOCALE.load(Ordering::Relaxed) {
        1 => Locale::Sv,
        2 => Locale::Nb,
        _ => Locale::En,
    }
}

/// Sets the language of the texts Delbar writes (notification titles and bodies, error
/// texts) from a language tag such as `sv`, `sv-SE`, `nb-NO` or `en`; a language Delbar does
/// not have falls back to English. Instants in texts are written in the zone set with
/// `setTimeZone`. Returns the tag of the language chosen: `en`, `sv` or `nb`.
#[uniffi::export]
pub fn set_locale(tag: String) -> String {
    let locale = Locale::parse(&tag);
    LOCALE.store(encode(locale), Ordering::Relaxed);
    locale.tag().to_owned()
}

/// The tag of the language texts are written in now: `en`, `sv` or `nb`.
#[uniffi::export]
pub fn current_locale() -> String {
    current().tag().to_owned()
}

/// A notification's title and body in a given language (whatever `setLocale` says), with
/// instants in the zone set with `setTimeZone` (UTC, marked so, until then).
#[uniffi::export]
pub fn notification_text(notification: Notification, locale: String) -> Result<NotificationText, DelbarError> {
    guard(|| {
        let core = delbar_core::store::Notification::try_from(notification)?;
        Ok(NotificationText::of(&core, Locale::parse(&locale), &crate::zone::current()))
    })
}

/// Why a booking was bumped, as a clause in a given language
/// (`en annan bokning av samma exemplar kom först`).
#[uniffi::export]
pub fn bump_reason_text(reason: BumpReason, locale: String) -> String {
    i18n::bump_reason(reason, Locale::parse(&locale)).to_owned()
}
