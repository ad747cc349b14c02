//! Item search: case- and diacritic-insensitive word prefixes, words inside compounds,
//! several words at once, and the catalogue filters.

use delbar_core::domain::{Condition, ItemDraft, ItemPatch, Location};
use delbar_core::store::ItemFilter;
use delbar_tests::Fixture;

/// A catalogue of a Swedish/Norwegian tool library.
fn catalogue() -> Fixture {
    let mut fx = Fixture::new();
    let items = [
        ("Såg", "woodwork", &["handverktyg"][..], "Förrådet, hylla 2"),
        ("Motorsåg Husqvarna 135", "woodwork", &["motor", "bensin"][..], "Ladan på Lövåsen"),
        ("Jordfräs Honda F220", "garden", &["motor"][..], "Ladan på Lövåsen"),
        ("Øksa", "woodwork", &["handverktyg"][..], "Förrådet, hylla 1"),
        ("Skottkärra", "garden", &[][..], "Förrådet"),
        ("Äppelpress", "kitchen", &["höst"][..], "Köket"),
    ];
    for (name, category, tags, location) in items {
        fx.item_from(ItemDraft {
            category: category.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            location: Location { text: location.into(), lat: None, lon: None },
            ..ItemDraft::named(name)
        });
    }
    fx
}

fn names(fx: &Fixture, filter: ItemFilter) -> Vec<String> {
    fx.store.items(&fx.group, &filter).unwrap().into_iter().map(|i| i.name).collect()
}

fn search(fx: &Fixture, text: &str) -> Vec<String> {
    fx.store.search_items(&fx.group, text, 50).unwrap().into_iter().map(|i| i.name).collect()
}

#[test]
fn search_ignores_case_and_diacritics() {
    let fx = catalogue();
    assert_eq!(search(&fx, "jordf"), ["Jordfräs Honda F220"]);
    assert_eq!(search(&fx, "JORDFRÄS"), ["Jordfräs Honda F220"]);
    assert_eq!(search(&fx, "oksa"), ["Øksa"]);
    assert_eq!(search(&fx, "ØKSA"), ["Øksa"]);
    assert_eq!(search(&fx, "appelp"), ["Äppelpress"]);
    assert_eq!(search(&fx, "skottkarra"), ["Skottkärra"]);
}

#[test]
fn search_finds_words_inside_compounds_after_whole_words() {
    let fx = catalogue();
    // "Såg" itself matches as a word, "Motorsåg" inside the compound: word matches first.
    assert_eq!(search(&fx, "sag"), ["Såg", "Motorsåg Husqvarna 135"]);
    assert_eq!(search(&fx, "Såg"), ["Såg", "Motorsåg Husqvarna 135"]);
    assert_eq!(search(&fx, "fras"), ["Jordfräs Honda F220"]);
}

#[test]
fn items_named_by_the_first_word_come_before_items_that_only_mention_it() {
    let mut fx = catalogue();
    // "Motor" is a tag of the saw and the tiller, and this one's name.
    fx.item("Motorkultivator", 1);
    assert_eq!(search(&fx, "motor"), ["Motorkultivator", "Motorsåg Husqvarna 135", "Jordfräs Honda F220"]);
    // Two names begin with "sag": by name, then the compound that only contains it.
    fx.item("Sågblad", 1);
    assert_eq!(search(&fx, "sag"), ["Såg", "Sågblad", "Motorsåg Husqvarna 135"]);
}

#[test]
fn search_with_several_words_needs_all_of_them() {
    let fx = catalogue();
    assert_eq!(search(&fx, "jordf honda"), ["Jordfräs Honda F220"]);
    assert_eq!(search(&fx, "honda  JORDFRÄS"), ["Jordfräs Honda F220"]);
    assert_eq!(search(&fx, "sag husq"), ["Motorsåg Husqvarna 135"]);
    assert!(search(&fx, "jordf husqvarna").is_empty());
    assert!(search(&fx, "kanot").is_empty());
}

#[test]
fn search_covers_category_tags_and_location_text() {
    let fx = catalogue();
    assert_eq!(search(&fx, "bensin"), ["Motorsåg Husqvarna 135"]);
    assert_eq!(search(&fx, "lovasen"), ["Jordfräs Honda F220", "Motorsåg Husqvarna 135"]);
    assert_eq!(search(&fx, "kitchen"), ["Äppelpress"]);
}

#[test]
fn search_text_with_query_syntax_is_just_text() {
    let fx = catalogue();
    for text in ["\"", "sag\"*", "NEAR(a b)", "a OR b", "*", "-sag", "' OR 1=1 --", "🙂"] {
        let found = fx.store.search_items(&fx.group, text, 50);
        assert!(found.is_ok(), "{text:?}: {found:?}");
    }
    assert_eq!(search(&fx, "\"sag\""), ["Såg", "Motorsåg Husqvarna 135"]);
}

#[test]
fn filters_by_category_tag_condition_and_location() {
    let mut fx = catalogue();
    let f =
        |category: Option<&str>, tag: Option<&str>, condition: Option<Condition>, location: Option<&str>| ItemFilter {
            category: category.map(str::to_owned),
            tag: tag.map(str::to_owned),
            condition,
            location: location.map(str::to_owned),
            ..ItemFilter::default()
        };
    assert_eq!(names(&fx, f(Some("garden"), None, None, None)), ["Jordfräs Honda F220", "Skottkärra"]);
    assert_eq!(names(&fx, f(Some(" Garden "), None, None, None)), ["Jordfräs Honda F220", "Skottkärra"]);
    assert_eq!(names(&fx, f(None, Some("motor"), None, None)), ["Jordfräs Honda F220", "Motorsåg Husqvarna 135"]);
    assert_eq!(names(&fx, f(None, Some("HÖST"), None, None)), ["Äppelpress"]);
    assert_eq!(names(&fx, f(None, None, None, Some("lövåsen"))), ["Jordfräs Honda F220", "Motorsåg Husqvarna 135"]);
    assert_eq!(names(&fx, f(None, None, None, Some("forradet hylla"))), ["Såg", "Øksa"]);
    assert_eq!(names(&fx, f(Some("woodwork"), Some("handverktyg"), None, Some("hylla 1"))), ["Øksa"]);
    let saw = fx.store.search_items(&fx.group, "motorsag", 1).unwrap().remove(0);
    let g = fx.group.clone();
    fx.store.log_maintenance(&g, &saw.id, "kedjan slö", Condition::NeedsRepair, None).unwrap();
    assert_eq!(names(&fx, f(None, None, Some(Condition::NeedsRepair), None)), ["Motorsåg Husqvarna 135"]);
    assert_eq!(names(&fx, f(None, None, Some(Condition::Good), None)).len(), 5);
    let text = ItemFilter { text: Some("sag".into()), ..f(None, None, Some(Condition::Good), None) };
    assert_eq!(names(&fx, text), ["Såg"]);
    assert_eq!(fx.store.categories(&g).unwrap(), [("garden".into(), 2), ("kitchen".into(), 1), ("woodwork".into(), 3)]);
}

#[test]
fn retired_items_are_hidden_unless_asked_for() {
    let mut fx = catalogue();
    let g = fx.group.clone();
    let saw = fx.store.search_items(&g, "sag", 1).unwrap().remove(0);
    assert_eq!(saw.name, "Såg");
    fx.store.update_item(&g, &saw.id, &ItemPatch { retired: Some(true), ..ItemPatch::default() }).unwrap();
    assert_eq!(search(&fx, "sag"), ["Motorsåg Husqvarna 135"]);
    assert_eq!(names(&fx, ItemFilter::default()).len(), 5);
    let with_retired = ItemFilter { text: Some("sag".into()), include_retired: true, ..ItemFilter::default() };
    assert_eq!(names(&fx, with_retired), ["Såg", "Motorsåg Husqvarna 135"]);
    assert_eq!(names(&fx, ItemFilter { include_retired: true, ..ItemFilter::default() }).len(), 6);
    // Back in the catalogue, found again.
    fx.store.update_item(&g, &saw.id, &ItemPatch { retired: Some(false), ..ItemPatch::default() }).unwrap();
    assert_eq!(search(&fx, "sag"), ["Såg", "Motorsåg Husqvarna 135"]);
}

#[test]
fn renamed_items_are_found_by_their_new_name_only() {
    let mut fx = catalogue();
    let g = fx.group.clone();
    let press = fx.store.search_items(&g, "appelpress", 1).unwrap().remove(0);
    fx.store
        .update_item(&g, &press.id, &ItemPatch { name: Some("Fruktpress".into()), ..ItemPatch::default() })
        .unwrap();
    assert!(search(&fx, "appel").is_empty());
    assert_eq!(search(&fx, "frukt"), ["Fruktpress"]);
    fx.reopen();
    assert_eq!(search(&fx, "frukt"), ["Fruktpress"]);
    fx.assert_clean();
}

#[test]
fn limit_and_offset_page_through_results() {
    let mut fx = Fixture::new();
    for n in 0..7 {
        fx.item(&format!("Spade {n}"), 1);
    }
    let page = |offset| ItemFilter { text: Some("spade".into()), limit: 3, offset, ..ItemFilter::default() };
    let mut all = Vec::new();
    for offset in [0, 3, 6] {
        all.extend(names(&fx, page(offset)));
    }
    let expected: Vec<String> = (0..7).map(|n| format!("Spade {n}")).collect();
    assert_eq!(all, expected);
}
