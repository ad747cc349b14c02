//! What a person may type: text fields refuse control, bidirectional and invisible
//! characters (naming the field and the character), and every number has a stated range.
//! A refusal changes nothing, checked on the store file and on what queries answer.

use delbar_core::domain::{Condition, DomainError, ItemDraft, ItemPatch, Location, Role, Schedule};
use delbar_core::ids::{DeviceId, GroupId, ItemId};
use delbar_core::{Error, Store};
use delbar_tests::{Fixture, assert_clean, at_hours, request};

/// Runs `op` on the steward's store, asserts that the store file and every query answer are
/// the same afterwards, and returns the domain error `op` must have failed with.
fn refused<T: std::fmt::Debug>(
    fx: &mut Fixture,
    op: impl FnOnce(&mut Store, &GroupId) -> delbar_core::Result<T>,
) -> DomainError {
    let (before, view) = (fx.fingerprint(), fx.view());
    let group = fx.group.clone();
    let err = op(&mut fx.store, &group).expect_err("the operation should have been refused");
    assert_eq!(fx.fingerprint(), before, "a refused operation changed the store file ({err})");
    assert_eq!(fx.view(), view, "a refused operation changed what queries answer ({err})");
    match err {
        Error::Domain(d) => d,
        other => panic!("expected a domain error, got {other:?}"),
    }
}

fn bad_char(field: &'static str, code_point: u32, position: usize) -> DomainError {
    DomainError::DisallowedCharacter { field, code_point, position }
}

/// A device id nobody uses.
fn some_device() -> DeviceId {
    DeviceId::parse_key(&"ab".repeat(32)).unwrap()
}

#[test]
fn control_bidi_and_invisible_characters_are_refused_in_every_text_field() {
    let mut fx = Fixture::new();
    let item = fx.item("Såg", 1);
    let id = item.id.clone();
    let patch = |p: ItemPatch| {
        let id = id.clone();
        move |s: &mut Store, g: &GroupId| s.update_item(g, &id, &p)
    };

    let e = refused(&mut fx, |s, g| s.add_item(g, ItemDraft::named("Bad\u{1b}[31mRED")));
    assert_eq!(e, bad_char("name", 0x1b, 4));
    assert_eq!(e.to_string(), "name must not contain the control or invisible character U+001B (character 4)");
    let e = refused(&mut fx, |s, g| s.add_item(g, ItemDraft::named("invoice\u{202e}fdp.exe")));
    assert_eq!(e, bad_char("name", 0x202e, 8));
    assert!(e.to_string().contains("U+202E"), "{e}");
    let e = refused(&mut fx, patch(ItemPatch { name: Some("Ring\u{7}".into()), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("name", 0x7, 5));
    let e = refused(&mut fx, patch(ItemPatch { name: Some("Två\nrader".into()), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("name", 0xa, 4));
    let e = refused(&mut fx, patch(ItemPatch { category: Some("träd\u{200b}gård".into()), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("category", 0x200b, 5));
    let e = refused(
        &mut fx,
        patch(ItemPatch { tags: Some(vec!["ok".into(), "\u{feff}bom".into()]), ..ItemPatch::default() }),
    );
    assert_eq!(e, bad_char("tag", 0xfeff, 1));
    let location = Location { text: "Ladan\u{2066}".into(), lat: None, lon: None };
    let e = refused(&mut fx, patch(ItemPatch { location: Some(location), ..ItemPatch::default() }));
    assert_eq!(e, bad_char("location", 0x2066, 6));
    let e = refused(
        &mut fx,
        patch(ItemPatch { description: Some("rad 1\n\u{1b}]0;title\u{7}".into()), ..ItemPatch::default() }),
    );
    assert_eq!(e, bad_char("description", 0x1b, 7));

    let e = refused(&mut fx, |s, g| s.update_group(g, Some("Grupp\u{200f}"), None, None));
    assert_eq!(e, bad_char("group name", 0x200f, 6));
    let e = refused(&mut fx, |s, g| s.update_group(g, None, Some("om oss\rxx"), None));
    assert_eq!(e, bad_char("description", 0xd, 7));
    let e = refused(&mut fx, |s, g| s.add_member(g, "Eve\u{202e}", Role::Member, None));
    assert_eq!(e, bad_char("member name", 0x202e, 4));
    let e = refused(&mut fx, |s, g| s.add_member(g, "Eva", Role::Member, Some((some_device(), "tele\tfon"))));
    assert_eq!(e, bad_char("device label", 0x9, 5));

    let id = item.id.clone();
    let e = refused(&mut fx, |s, g| {
        s.book(
            g,
            &delbar_core::domain::NewBooking { note: "\u{9b}2J".into(), ..request(&id, at_hours(24), at_hours(26), 1) },
        )
    });
    assert_eq!(e, bad_char("note", 0x9b, 1));
    let e = refused(&mut fx, |s, g| s.log_maintenance(g, &id, "olj\u{2028}at", Condition::Good, None));
    assert_eq!(e, bad_char("maintenance note", 0x2028, 4));
    let e = refused(&mut fx, |s, g| s.add_maintenance_plan(g, &id, Schedule::AfterEachLoan, false, "\u{61c}vässa"));
    assert_eq!(e, bad_char("plan note", 0x61c, 1));

    let dir = tempfile::tempdir().unwrap();
    let mut other = delbar_tests::open_store(&dir.path().join("s.db"), &fx.clock);
    assert_eq!(
        other.create_group("G\u{2069}", "", "Karin").unwrap_err().to_string(),
        "group name must not contain the control or invisible character U+2069 (character 2)"
    );
    assert!(other.groups().unwrap().is_empty());
    assert_clean(&mut fx.store);
}

#[test]
fn nordic_text_emoji_and_multi_line_notes_are_kept() {
    let mut fx = Fixture::new();
    let g = fx.group.clone();
    let name = "Røjsåg Æ 🪚 👨\u{200d}👩\u{200d}👧";
    let item = fx.item(name, 1);
    assert_eq!(item.name, name);
    let note = "Kedjan slipad.\n\tOljad, ny svärd.";
    let item = fx.store.log_maintenance(&g, &item.id, note, Condition::Good, None).unwrap();
    assert_eq!(item.maintenance_log()[0].note, note);
    let member = fx.store.add_member(&g, "Åsa Øberg 🧑🏽\u{200d}🔧", Role::Member, None).unwrap();
    assert_eq!(member.name, "Åsa Øberg 🧑🏽\u{200d}🔧");
    assert_clean(&mut fx.store);
}

/// An id that is not one comes back in the error cut short and with its control
/// characters escaped, however long it is.
#[test]
fn a_bad_id_is_echoed_short_and_escaped() {
    let long = format!("\u{1b}[2J{}", "x".repeat(70_000));
    let e = ItemId::parse(&long).unwrap_err();
    let DomainError::InvalidId { given, .. } = &e else { panic!("{e:?}") };
    // 80 characters of the input (ESC shown as its escape), then an ellipsis.
    assert_eq!(given, &format!("\\u{{1b}}[2J{}…", "x".repeat(76)));
    assert!(e.to_string().len() < 200, "{e}");
}
