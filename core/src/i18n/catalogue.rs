//! The catalogues of texts: one Project Fluent file per language (`core/i18n/<tag>.ftl`),
//! compiled into the binary and parsed once, on first use.
//!
//! A message a catalogue lacks is taken from the English one; a message no catalogue has is
//! written as its id. Neither case, nor a value a message lacks, panics: each is logged.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast::Entry;
use unic_langid::LanguageIdentifier;

use super::Locale;

/// The text of a language's catalogue, as compiled into the binary.
pub(super) fn source(locale: Locale) -> &'static str {
    match locale {
        Locale::En => include_str!("../../i18n/en.ftl"),
        Locale::Sv => include_str!("../../i18n/sv.ftl"),
        Locale::Nb => include_str!("../../i18n/nb.ftl"),
    }
}

/// One language's messages.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Every message that takes no values, written once, so such texts can be handed out as
    /// `&'static str`.
    fixed: HashMap<String, String>,
}

static CATALOGUES: LazyLock<[Catalogue; 3]> = LazyLock::new(|| Locale::ALL.map(|l| Catalogue::load(l, source(l))));

fn catalogue(locale: Locale) -> &'static Catalogue {
    let [en, sv, nb] = &*CATALOGUES;
    match locale {
        Locale::En => en,
        Locale::Sv => sv,
        Locale::Nb => nb,
    }
}

impl Catalogue {
    fn load(locale: Locale, source: &str) -> Catalogue {
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                // The entries that parsed are kept; the tests keep this from happening.
                tracing::error!(%locale, ?errors, "the catalogue has syntax errors");
                resource
            }
        };
        let ids: Vec<String> = resource
            .entries()
            .filter_map(|entry| match entry {
                Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect();
        let language: LanguageIdentifier = locale.tag().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![language]);
        // The texts go into notifications, dialogs and logs as they are: no Unicode isolation
        // marks around the values.
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(%locale, ?errors, "the catalogue names a message twice");
        }
        let mut fixed = HashMap::with_capacity(ids.len());
        for id in ids {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else { continue };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors).into_owned();
            // A message that needs values reports them missing; it is written when used.
            if errors.is_empty() {
                fixed.insert(id, text);
            }
        }
        Catalogue { bundle, fixed }
    }

    /// A message that takes no values.
    fn fixed(&self, id: &str) -> Option<&str> {
        self.fixed.get(id).map(String::as_str)
    }

    /// A message with its values, or `None` when this catalogue lacks it.
    fn format(&self, id: &str, args: &FluentArgs) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, Some(args), &mut errors).into_owned();
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "a text could not be written whole");
        }
        Some(text)
    }
}

/// The catalogues a text is looked for in: the locale's, then the English one.
fn chain(locale: Locale) -> [&'static Catalogue; 2] {
    [catalogue(locale), catalogue(Locale::En)]
}

fn lookup_in<'c>(chain: [&'c Catalogue; 2], id: &str) -> Option<&'c str> {
    chain.into_iter().find_map(|c| c.fixed(id))
}

fn format_in(chain: [&Catalogue; 2], id: &str, args: &FluentArgs) -> String {
    chain.into_iter().find_map(|c| c.format(id, args)).unwrap_or_else(|| {
        tracing::warn!(id, "no catalogue has this text");
        id.to_owned()
    })
}

/// A message that takes no values, in `locale`, else in English; `None` if no catalogue has it.
pub(super) fn lookup(locale: Locale, id: &str) -> Option<&'static str> {
    lookup_in(chain(locale), id)
}

/// A message that takes no values; a message no catalogue has is written as its id.
pub(super) fn word(locale: Locale, id: &'static str) -> &'static str {
    lookup(locale, id).unwrap_or_else(|| {
        tracing::warn!(%locale, id, "no catalogue has this text");
        id
    })
}

/// A message with its values (`$name`), in `locale`, else in English, else its id.
pub(super) fn msg<'a, const N: usize>(
    locale: Locale,
    id: &str,
    values: [(&'static str, FluentValue<'a>); N],
) -> String {
    let mut args = FluentArgs::with_capacity(N);
    for (name, value) in values {
        args.set(name, value);
    }
    format(locale, id, &args)
}

/// A message with values given as [`FluentArgs`].
pub(super) fn format(locale: Locale, id: &str, args: &FluentArgs) -> String {
    format_in(chain(locale), id, args)
}

/// The id of a message for a phrase the core words in English (`add items`), under `prefix`
/// (`action-`): lower case, every run of other characters than letters and digits one `-`
/// (`action-add-items`, `rule-max-loan-hours`).
pub(super) fn slug(prefix: &str, phrase: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + phrase.len());
    id.push_str(prefix);
    for c in phrase.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') && id.len() > prefix.len() {
        id.pop();
    }
    id
}

/// The text for a phrase the core words in English, from the message `prefix` + its
/// [`slug`]; the phrase itself where no catalogue has one.
pub(super) fn phrase(locale: Locale, prefix: &str, phrase: &'static str) -> &'static str {
    lookup(locale, &slug(prefix, phrase)).unwrap_or(phrase)
}

/// A string value.
pub(super) fn s<'a>(text: &'a str) -> FluentValue<'a> {
    FluentValue::from(text)
}

/// A number written as Rust writes it (no rounding through `f64`, no grouping), for values
/// that are not counts.
pub(super) fn n(number: impl std::fmt::Display) -> FluentValue<'static> {
    FluentValue::from(number.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::str::FromStr;

    use fluent_bundle::types::FluentNumber;
    use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};

    use super::*;

    /// Every message of a catalogue with the names of the values it uses.
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        fn pattern_values(pattern: &Pattern<&str>, values: &mut BTreeSet<String>) {
            for element in &pattern.elements {
                if let PatternElement::Placeable { expression } = element {
                    expression_values(expression, values);
                }
            }
        }
        fn expression_values(expression: &Expression<&str>, values: &mut BTreeSet<String>) {
            match expression {
                Expression::Select { selector, variants } => {
                    inline_values(selector, values);
                    for variant in variants {
                        pattern_values(&variant.value, values);
                    }
                }
                Expression::Inline(inline) => inline_values(inline, values),
            }
        }
        fn inline_values(inline: &InlineExpression<&str>, values: &mut BTreeSet<String>) {
            match inline {
                InlineExpression::VariableReference { id } => {
                    values.insert(id.name.to_owned());
                }
                InlineExpression::Placeable { expression } => expression_values(expression, values),
                _ => {}
            }
        }
        let resource = match fluent_syntax::parser::parse(source) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("{errors:?}"),
        };
        let mut messages = BTreeMap::new();
        for entry in &resource.body {
            if let Entry::Message(message) = entry {
                let mut values = BTreeSet::new();
                if let Some(pattern) = &message.value {
                    pattern_values(pattern, &mut values);
                }
                assert!(messages.insert(message.id.name.to_owned(), values).is_none(), "{} twice", message.id.name);
            }
        }
        messages
    }

    #[test]
    fn every_catalogue_parses_without_errors() {
        for locale in Locale::ALL {
            if let Err((_, errors)) = fluent_syntax::parser::parse(source(locale)) {
                panic!("{locale}.ftl: {errors:?}");
            }
            if let Err((_, errors)) = FluentResource::try_new(source(locale).to_owned()) {
                panic!("{locale}.ftl: {errors:?}");
            }
            let mut bundle = FluentBundle::new_concurrent(vec![locale.tag().parse().unwrap()]);
            bundle.add_resource(FluentResource::try_new(source(locale).to_owned()).unwrap()).unwrap();
            assert!(catalogue(locale).fixed.len() > 150, "{locale}");
        }
    }

    #[test]
    fn every_catalogue_has_the_same_messages_with_the_same_values() {
        let en = messages(source(Locale::En));
        assert!(en.len() > 200);
        for locale in [Locale::Sv, Locale::Nb] {
            let other = messages(source(locale));
            let missing: Vec<_> = en.keys().filter(|id| !other.contains_key(*id)).collect();
            let extra: Vec<_> = other.keys().filter(|id| !en.contains_key(*id)).collect();
            assert!(missing.is_empty(), "{locale}.ftl lacks {missing:?}");
            assert!(extra.is_empty(), "{locale}.ftl has {extra:?}, which en.ftl lacks");
            for (id, values) in &en {
                assert_eq!(other.get(id), Some(values), "{locale}.ftl: the values of {id}");
            }
        }
    }

    /// The message ids the code names: every string literal of `i18n.rs` (outside its tests)
    /// that has the form of an id with a `-`, and the few without one.
    fn ids_in_code() -> BTreeSet<String> {
        let code = include_str!("../i18n.rs");
        let code = code.split("#[cfg(test)]").next().unwrap_or(code);
        let is_id = |t: &str| {
            t.starts_with(|c: char| c.is_ascii_lowercase())
                && t.ends_with(|c: char| c.is_ascii_alphanumeric())
                && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let mut ids: BTreeSet<String> =
            code.split('"').skip(1).step_by(2).filter(|t| is_id(t) && t.contains('-')).map(str::to_owned).collect();
        ids.extend(["date", "quoted", "units", "hours", "days", "bookings", "rows"].map(str::to_owned));
        ids
    }

    #[test]
    fn every_message_the_code_names_is_in_every_catalogue_and_every_message_is_named() {
        let ids = ids_in_code();
        assert!(ids.len() > 150, "{ids:?}");
        for locale in Locale::ALL {
            let catalogue = messages(source(locale));
            for id in &ids {
                assert!(catalogue.contains_key(id), "{locale}.ftl lacks {id}");
            }
        }
        // The messages for phrases the core words in English are found by prefix + slug.
        let families =
            ["field-", "action-", "rule-", "many-", "range-", "not-bookable-", "kit-problem-", "no-offer-", "id-kind-"];
        for id in messages(source(Locale::En)).keys() {
            assert!(ids.contains(id) || families.iter().any(|f| id.starts_with(f)), "en.ftl: nothing uses {id}");
        }
    }

    #[test]
    fn phrases_find_their_messages_by_slug() {
        assert_eq!(slug("action-", "revoke another member's invite"), "action-revoke-another-member-s-invite");
        assert_eq!(slug("rule-", "max_loan_hours"), "rule-max-loan-hours");
        assert_eq!(slug("rule-", "invite lifetime (hours)"), "rule-invite-lifetime-hours");
        assert_eq!(slug("range-", "0 or more"), "range-0-or-more");
        assert_eq!(phrase(Locale::Nb, "rule-", "invite lifetime (hours)"), "invitasjonens gyldighet (timer)");
        assert_eq!(phrase(Locale::Sv, "field-", "a field the catalogues lack"), "a field the catalogues lack");
    }

    fn count(locale: Locale, id: &str, count: impl Into<FluentValue<'static>>) -> String {
        msg(locale, id, [("count", count.into())])
    }

    #[test]
    fn counts_follow_the_cldr_plural_rules_of_each_language() {
        for (locale, counts) in [
            (Locale::En, ["0 units", "1 unit", "2 units", "21 units"]),
            (Locale::Sv, ["0 exemplar", "1 exemplar", "2 exemplar", "21 exemplar"]),
            (Locale::Nb, ["0 eksemplarer", "1 eksemplar", "2 eksemplarer", "21 eksemplarer"]),
        ] {
            assert_eq!([0u32, 1, 2, 21].map(|n| count(locale, "units", n)), counts, "{locale}");
        }
        for (locale, counts) in [
            (Locale::En, ["0 hours", "1 hour", "21 hours", "1.5 hours", "1.0 hours"]),
            (Locale::Sv, ["0 timmar", "1 timme", "21 timmar", "1.5 timmar", "1.0 timmar"]),
            // Bokmål's `one` is n = 1, so 1.0 is singular; English and Swedish ask for
            // i = 1 and v = 0 (no written decimals).
            (Locale::Nb, ["0 timer", "1 time", "21 timer", "1.5 timer", "1.0 time"]),
        ] {
            let one_point_zero = FluentNumber::from_str("1.0").unwrap();
            let written = [
                count(locale, "hours", 0),
                count(locale, "hours", 1),
                count(locale, "hours", 21),
                count(locale, "hours", 1.5),
                count(locale, "hours", one_point_zero),
            ];
            assert_eq!(written, counts, "{locale}");
        }
        assert_eq!(count(Locale::Sv, "rows", 1usize), "1 rad");
        assert_eq!(count(Locale::Nb, "days", 2i64), "2 dager");
        assert_eq!(count(Locale::En, "bookings", 1u32), "1 booking");
    }

    #[test]
    fn a_new_language_brings_its_own_plural_rules() {
        // The rules come with the language id, not from Delbar: Russian's 21 is `one`, 2 `few`,
        // 5 `many`; French's 0 is `one`.
        let forms = "n = { $count ->\n    [one] one\n    [few] few\n    [many] many\n   *[other] other\n}\n";
        let plural = |language: &str, n: f64| {
            let mut bundle = FluentBundle::new_concurrent(vec![language.parse().unwrap()]);
            bundle.add_resource(FluentResource::try_new(forms.to_owned()).unwrap()).unwrap();
            let mut args = FluentArgs::new();
            args.set("count", n);
            Catalogue { bundle, fixed: HashMap::new() }.format("n", &args).unwrap()
        };
        assert_eq!([1.0, 2.0, 5.0, 21.0, 1.5].map(|n| plural("ru", n)), ["one", "few", "many", "one", "other"]);
        assert_eq!([0.0, 1.0, 2.0].map(|n| plural("fr", n)), ["one", "one", "other"]);
    }

    #[test]
    fn a_missing_text_falls_back_to_english_then_to_its_id() {
        let en = Catalogue::load(Locale::En, "greeting = Hello, { $name }.\nbye = Bye.\nonly-english = Only here.");
        let sv = Catalogue::load(Locale::Sv, "greeting = Hej, { $name }.\nbye = Hej då.\nbroken = { $");
        let mut args = FluentArgs::new();
        args.set("name", "Bo");
        assert_eq!(format_in([&sv, &en], "greeting", &args), "Hej, Bo.");
        assert_eq!(lookup_in([&sv, &en], "bye"), Some("Hej då."));
        assert_eq!(lookup_in([&sv, &en], "only-english"), Some("Only here."));
        assert_eq!(format_in([&sv, &en], "only-english", &args), "Only here.");
        assert_eq!(format_in([&sv, &en], "nowhere", &args), "nowhere");
        assert_eq!(lookup_in([&sv, &en], "nowhere"), None);
        // A value left out is marked, not a panic.
        assert_eq!(format_in([&sv, &en], "greeting", &FluentArgs::new()), "Hej, {$name}.");
        // The real catalogues: an unknown id is its own text.
        assert_eq!(word(Locale::Nb, "no-such-text"), "no-such-text");
        assert_eq!(msg(Locale::Sv, "no-such-text", [("x", s("y"))]), "no-such-text");
    }
}
