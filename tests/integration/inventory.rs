//! Inventory in and out, and the steward's numbers: CSV files as spreadsheet programs write
//! them imported (dry run first, then all or nothing), exports read back, and `stats` checked
//! against a scenario computed by hand.

use delbar_core::Error;
use delbar_core::domain::{BookingAction, Condition, ItemPatch, Role};
use delbar_core::inventory::stats::{AttentionReason, loans_chart_svg};
use delbar_core::inventory::{ExportKind, InventoryError, RowAction, RowProblem};
use delbar_core::time::{HOUR_MS, Timestamp};
use delbar_tests::{Fixture, request};

/// Text as Windows-1252 bytes, what an older Excel writes on a Swedish or Norwegian Windows
/// (the letters used here are all in Latin-1's upper half, where Windows-1252 is the same).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 letter")).collect()
}

/// A Swedish inventory as "CSV (semikolonavgränsad)" from Excel: `;`, CRLF, Windows-1252,
/// a description with a line break inside quotes, a column Delbar does not read.
const SWEDISH: &str = "Namn;Antal;Plats;Kategori;Taggar;Beskrivning;Inköpspris\r\n\
    Gräsklippare;2;Förråd Lövåsen;Trädgård;gräs, motor;\"Bensin.\r\nKolla oljan först\";2500\r\n\
    Jordfräs Honda;1;Ladan;Trädgård;;Tung;8000\r\n\
    Stämjärn, set;3;Verkstad hylla 3;Snickeri;trä;\"Sex storlekar; slipade\";\r\n\
    Ølkasse-vogn;1;Gården;Transport;;Norsk gåva;\r\n\
    ;;;;;;\r\n";

fn item_named<'a>(items: &'a [delbar_core::domain::Item], name: &str) -> &'a delbar_core::domain::Item {
    items.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("no item {name}"))
}

#[test]
fn a_swedish_excel_file_is_planned_then_imported_in_one_step() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let bytes = windows_1252(SWEDISH);
    let before = fx.fingerprint();

    let plan = fx.store.plan_item_import(&g, &bytes).unwrap();
    assert_eq!(plan.encoding, "windows-1252");
    assert_eq!(plan.separator, ';');
    assert_eq!(plan.ignored_columns, ["Inköpspris"]);
    let rows: Vec<(u64, &str, &str)> = plan.rows.iter().map(|r| (r.line, r.name.as_str(), r.action.kind())).collect();
    // The quoted line break makes the third row start on line 4.
    assert_eq!(
        rows,
        [
            (2, "Gräsklippare", "add"),
            (4, "Jordfräs Honda", "add"),
            (5, "Stämjärn, set", "add"),
            (6, "Ølkasse-vogn", "add")
        ]
    );
    assert_eq!(fx.fingerprint(), before, "a dry run writes nothing");

    let done = fx.store.import_items(&g, &bytes).unwrap();
    assert_eq!(done.counts().added, 4);
    let items = fx.view().items;
    assert_eq!(items.len(), 4);
    let mower = item_named(&items, "Gräsklippare");
    assert_eq!(mower.quantity, 2);
    assert_eq!(mower.location.text, "Förråd Lövåsen");
    assert_eq!(mower.category, "trädgård");
    assert_eq!(mower.tags, ["gräs", "motor"]);
    assert_eq!(mower.description, "Bensin.\r\nKolla oljan först");
    assert_eq!(item_named(&items, "Stämjärn, set").description, "Sex storlekar; slipade");
    assert_eq!(item_named(&items, "Ølkasse-vogn").description, "Norsk gåva");
    // One activity entry per item, all from the one write.
    let added = delbar_tests::all_activity(&fx.store, &g, &delbar_core::store::ActivityFilter::default(), 100)
        .into_iter()
        .filter(|e| e.action == delbar_core::domain::ActivityAction::ItemAdded)
        .count();
    assert_eq!(added, 4);
    fx.assert_clean();

    // The same file again changes nothing and duplicates nothing.
    let again = fx.store.import_items(&g, &bytes).unwrap();
    assert_eq!(again.counts().unchanged, 4);
    assert_eq!(fx.view().items, items);
}

#[test]
fn a_norwegian_utf8_file_with_a_bom_updates_by_code_and_by_name() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let saw = fx.item("Motorsag", 1);
    let ladder = fx.item("Stige", 1);
    let csv = format!(
        "\u{feff}Kode,Navn,Antall,Plassering,Stikkord,Beskrivelse,Tilstand\n\
         {},Motorsag Stihl,2,Låven,\"skog,motor\",\"Kjede byttet\nvår 2026\",slitt\n\
         ,STIGE,1,Garasjen,,,\n\
         T-17,Øks,1,Låven,,,god\n",
        saw.id
    );
    let plan = fx.store.plan_item_import(&g, csv.as_bytes()).unwrap();
    assert_eq!((plan.encoding, plan.separator), ("UTF-8", ','));
    let actions: Vec<&RowAction> = plan.rows.iter().map(|r| &r.action).collect();
    match actions.as_slice() {
        [
            RowAction::Update { item: a, changed: ca, .. },
            RowAction::Update { item: b, changed: cb, .. },
            RowAction::Add { .. },
        ] => {
            assert_eq!(a, &saw.id);
            assert_eq!(ca, &["name", "quantity", "condition", "location", "tags", "description"]);
            assert_eq!(b, &ladder.id, "matched by folded name");
            assert_eq!(cb, &["location"], "a name that differs only in case is not a change");
        }
        other => panic!("unexpected plan {other:?}"),
    }
    fx.store.import_items(&g, csv.as_bytes()).unwrap();
    let saw = fx.store.item(&g, &saw.id).unwrap();
    assert_eq!(saw.name, "Motorsag Stihl");
    assert_eq!((saw.quantity, saw.condition), (2, Condition::Worn));
    assert_eq!(saw.description, "Kjede byttet\nvår 2026");
    assert_eq!(fx.store.item(&g, &ladder.id).unwrap().location.text, "Garasjen");
    assert_eq!(fx.view().items.len(), 3, "the host's own code T-17 added one item");
}

#[test]
fn bad_rows_are_reported_by_line_and_a_commit_writes_nothing() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    fx.item("Stege", 1);
    fx.item("Stege", 2);
    let csv = "name;quantity;condition;description\n\
               Kratta;tre;;\n\
               Spade;1;;\"två\nrader\"\n\
               ;1;;\n\
               Hink;1;trasig-ish;\n\
               Stege;1;;\n\
               Spade;2;;\n\
               Såg;0;;\n\
               Hammare;1;;\n";
    let plan = fx.store.plan_item_import(&g, csv.as_bytes()).unwrap();
    let errors: Vec<(u64, RowProblem)> = plan.errors().into_iter().map(|e| (e.line, e.problem)).collect();
    assert_eq!(
        errors,
        [
            (2, RowProblem::BadQuantity { given: "tre".into() }),
            (5, RowProblem::MissingName),
            (6, RowProblem::UnknownCondition { given: "trasig-ish".into() }),
            (7, RowProblem::AmbiguousName { name: "Stege".into(), count: 2 }),
            (8, RowProblem::Duplicate { first_line: 3 }),
            (9, RowProblem::Invalid { error: delbar_core::domain::DomainError::InvalidQuantity { given: 0 } }),
        ]
    );
    assert_eq!(plan.counts().added, 2);
    let before = fx.fingerprint();
    match fx.store.import_items(&g, csv.as_bytes()) {
        Err(Error::Inventory(InventoryError::InvalidRows { count: 6, first })) => assert_eq!(first.line, 2),
        other => panic!("expected the import refused, got {other:?}"),
    }
    assert_eq!(fx.fingerprint(), before, "a refused import writes nothing");
    let message = delbar_core::i18n::error_message(
        &Error::Inventory(InventoryError::InvalidRows { count: 6, first: plan.errors().into_iter().next().unwrap() }),
        delbar_core::i18n::Locale::Sv,
    );
    assert!(message.contains("rad 2") && message.contains("tre"), "{message}");
}

#[test]
fn files_that_are_not_item_lists_are_refused() {
    let fx = Fixture::new();
    let g = &fx.group;
    assert!(matches!(fx.store.plan_item_import(g, b""), Err(Error::Inventory(InventoryError::EmptyFile))));
    assert!(matches!(
        fx.store.plan_item_import(g, b"pris;antal\n1;2\n"),
        Err(Error::Inventory(InventoryError::NoNameColumn { .. }))
    ));
    assert!(matches!(
        fx.store.plan_item_import(g, "namn;navn\nx;y\n".as_bytes()),
        Err(Error::Inventory(InventoryError::DuplicateColumn { field: "name", .. }))
    ));
}

#[test]
fn members_may_plan_but_only_stewards_import() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let mut olle = fx.join("Olle", Role::Member);
    let csv = b"name\nKratta\n";
    assert_eq!(olle.store.plan_item_import(&g, csv).unwrap().counts().added, 1);
    assert!(matches!(olle.store.import_items(&g, csv), Err(Error::Domain(_))));
}

#[test]
fn exported_items_read_back_unchanged_in_both_separators() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    fx.store.import_items(&g, &windows_1252(SWEDISH)).unwrap();
    let retired = fx.item("Gammal kärra", 1);
    fx.store.update_item(&g, &retired.id, &ItemPatch { retired: Some(true), ..ItemPatch::default() }).unwrap();
    let table = fx.store.export_table(&g, ExportKind::Items, None).unwrap();
    assert_eq!(table.rows.len(), 4, "retired items are not exported");
    for separator in [',', ';'] {
        let csv = table.to_csv(separator).unwrap();
        assert!(csv.starts_with(b"\xef\xbb\xbf"), "UTF-8 with a BOM");
        let plan = fx.store.plan_item_import(&g, &csv).unwrap();
        assert_eq!(plan.separator, separator);
        assert_eq!(plan.ignored_columns, Vec::<String>::new());
        assert_eq!(plan.counts().unchanged, 4, "{:?}", plan.rows);
    }
}

#[test]
fn bookings_and_history_export_every_row_of_the_window() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let saw = fx.item("Motorsåg", 1);
    let first = fx.book(&saw.id, 24, 30, 1).unwrap();
    let second = fx.book(&saw.id, 48, 50, 1).unwrap();
    fx.store.act_on_booking(&g, &second.id, BookingAction::Cancel).unwrap();
    let all = fx.store.export_table(&g, ExportKind::Bookings, None).unwrap();
    let csv = String::from_utf8(all.to_csv(',').unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let read: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&r[0], &r[2], &r[8])).collect();
    assert_eq!(read, [(first.id.as_str(), "Motorsåg", "confirmed"), (second.id.as_str(), "Motorsåg", "cancelled")]);
    assert_eq!(&rows[0][6], "2026-11-23 12:00:00");
    let window = Some((delbar_tests::at_hours(40), delbar_tests::at_hours(60)));
    assert_eq!(fx.store.export_table(&g, ExportKind::Bookings, window).unwrap().rows.len(), 1);

    let history = fx.store.export_table(&g, ExportKind::History, None).unwrap();
    let entries = delbar_tests::all_activity(&fx.store, &g, &delbar_core::store::ActivityFilter::default(), 100);
    assert_eq!(history.rows.len(), entries.len());
    let json = history.to_json();
    let actions: Vec<&str> = json.as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions.first(), Some(&"group_created"));
    assert_eq!(actions.last(), Some(&"booking_cancelled"));
}

/// Hours after 2026-11-25 00:00 UTC, the start of the hand-computed window.
fn w(hours: i64) -> Timestamp {
    Timestamp::from_civil(2026, 11, 25, 0, 0).unwrap().plus_ms(hours * HOUR_MS)
}

#[test]
fn stats_match_a_scenario_computed_by_hand() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let olle = fx.store.add_member(&g, "Olle", Role::Member, None).unwrap();
    let mut draft = delbar_core::domain::ItemDraft::named("Jordfräs");
    draft.quantity = 2;
    draft.category = "garden".into();
    let tiller = fx.item_from(draft);
    let mut draft = delbar_core::domain::ItemDraft::named("Stege");
    draft.category = "tools".into();
    let ladder = fx.item_from(draft);
    let sled = fx.item("Kälke", 1);
    let book = |fx: &mut Fixture, item, from: Timestamp, to: Timestamp, units| {
        let mut r = request(item, from, to, units);
        r.for_member = Some(olle.id.clone());
        fx.store.book(&g, &r).unwrap()
    };
    // The window is 2026-11-25 00:00 to 2026-12-11 00:00 UTC: 384 hours.
    // Jordfräs, 2 units: 1 unit for 24 h, 2 units for 36 h = 96 of 768 unit-hours = 0.125.
    let late = book(&mut fx, &tiller.id, w(7 * 24), w(8 * 24), 1);
    book(&mut fx, &tiller.id, w(10 * 24), w(10 * 24 + 36), 2);
    // Stege, 1 unit: 6 h inside from a loan that started before the window (not counted as
    // a loan of the window), 24 h, and 6 h of a loan running past its end = 36 of 384 = 0.09375.
    book(&mut fx, &ladder.id, w(-6), w(6), 1);
    book(&mut fx, &ladder.id, w(5 * 24 + 12), w(6 * 24 + 12), 1);
    book(&mut fx, &ladder.id, w(15 * 24 + 18), w(16 * 24 + 6), 1);
    // Cancelled and after the window: not counted.
    let cancelled = book(&mut fx, &ladder.id, w(2 * 24), w(3 * 24), 1);
    fx.store.act_on_booking(&g, &cancelled.id, BookingAction::Cancel).unwrap();
    book(&mut fx, &sled.id, w(17 * 24), w(18 * 24), 1);
    // Kälke needs repair; the tiller's first loan goes out and is not back in time.
    fx.store
        .update_item(&g, &sled.id, &ItemPatch { condition: Some(Condition::NeedsRepair), ..ItemPatch::default() })
        .unwrap();
    fx.store.act_on_booking(&g, &late.id, BookingAction::CheckOut).unwrap();
    fx.clock.set(w(9 * 24));

    let stats = fx.store.stats(&g, w(0), w(16 * 24)).unwrap();
    assert_eq!(stats.loans, 4);
    let months: Vec<(String, u32)> = stats.per_month.iter().map(|m| (m.label(), m.loans)).collect();
    assert_eq!(months, [("2026-11".to_owned(), 1), ("2026-12".to_owned(), 3)]);
    let usage: Vec<(&str, u32, f64, f64)> =
        stats.items.iter().map(|u| (u.name.as_str(), u.loans, u.booked_unit_hours(), u.utilisation())).collect();
    assert_eq!(usage, [("Jordfräs", 2, 96.0, 0.125), ("Kälke", 0, 0.0, 0.0), ("Stege", 2, 36.0, 0.09375)]);
    let categories: Vec<(&str, u32, f64)> =
        stats.categories.iter().map(|c| (c.category.as_str(), c.items, c.utilisation())).collect();
    assert_eq!(categories, [("", 1, 0.0), ("garden", 1, 0.125), ("tools", 1, 0.09375)]);
    let most: Vec<&str> = stats.most_used.iter().map(|u| u.name.as_str()).collect();
    let least: Vec<&str> = stats.least_used.iter().map(|u| u.name.as_str()).collect();
    assert_eq!((most, least), (vec!["Jordfräs", "Stege", "Kälke"], vec!["Kälke", "Stege", "Jordfräs"]));
    let overdue: Vec<(&str, u32, Timestamp)> =
        stats.overdue_members.iter().map(|m| (m.name.as_str(), m.loans, m.oldest_end)).collect();
    assert_eq!(overdue, [("Olle", 1, w(8 * 24))]);
    let attention: Vec<(&str, Vec<AttentionReason>)> =
        stats.attention.iter().map(|a| (a.name.as_str(), a.reasons.clone())).collect();
    assert_eq!(
        attention,
        [("Jordfräs", vec![AttentionReason::Overdue]), ("Kälke", vec![AttentionReason::NeedsRepair])]
    );

    let svg = loans_chart_svg(&stats.per_month, "Loans per month").unwrap();
    assert!(svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
    assert!(svg.contains("2026-11") && svg.contains("2026-12") && svg.contains("Loans per month"), "{svg}");
    assert_eq!(svg.matches("<rect").count(), 3, "the background and one bar per month");
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count(), "every label is closed");
}

#[test]
fn a_window_that_ends_before_it_starts_is_refused() {
    let fx = Fixture::new();
    assert!(matches!(
        fx.store.stats(&fx.group, w(10), w(10)),
        Err(Error::Inventory(InventoryError::InvalidWindow { .. }))
    ));
}
