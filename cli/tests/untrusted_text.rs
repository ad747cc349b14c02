//! Text from people through the `delbar` binary: a name with terminal commands or a
//! bidirectional override is refused and changes nothing; a hostile invite gets a short
//! message; a name that arrives by a document merge (from a device of an older version, or a
//! hostile one) is printed with its control characters escaped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a step that fails should stop the test with its message"
)]

mod common;
mod data_dir;
use common::Runs;
use data_dir::DataDir as Delbar;

use delbar_core::Store;
use delbar_core::docs::{DocKey, Entity, EntityRef, actor_of, read_entity, write_entity};
use delbar_core::ids::ItemId;
use delbar_core::store::DocumentExport;
use delbar_core::trust::attest::attest_document;

/// Characters that must never reach the terminal raw.
fn has_raw_tricks(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{202e}' | '\u{200b}' | '\u{9b}'))
}

/// What the group holds, as scripts see it.
fn snapshot(d: &Delbar) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    (d.json(&["item", "list", "--all"]), d.json(&["member", "list"]), d.json(&["history", "--limit", "100"]))
}

#[test]
fn a_name_with_esc_or_a_bidi_override_is_refused_with_its_code_point_and_changes_nothing() {
    let d = Delbar::with_group("Karin");
    d.add_item("Jordfräs", &[]);
    let before = snapshot(&d);

    let err = d.fails(&["item", "add", "Bad\u{1b}[31mRED"]);
    assert_eq!(err, "error: name must not contain the control or invisible character U+001B (character 4)\n");
    let err = d.fails(&["item", "add", "invoice\u{202e}fdp.exe"]);
    assert!(err.contains("U+202E (character 8)"), "{err}");
    let err = d.fails(&["item", "edit", "Jordfräs", "--tag", "ok", "--tag", "zero\u{200b}width"]);
    assert!(err.contains("tag must not contain the control or invisible character U+200B"), "{err}");
    let err = d.fails(&["member", "add", "Eve\u{202e}"]);
    assert!(err.contains("member name must not contain the control or invisible character U+202E"), "{err}");
    let err = d.fails(&["group", "edit", "--name", "Ring\u{7}"]);
    assert!(err.contains("U+0007"), "{err}");
    assert_eq!(snapshot(&d), before, "a refused name changed the group");

    // Nordic letters and emoji stay welcome.
    let id = d.add_item("Röjsåg Øksa 🪚", &["--category", "skog", "--tag", "kedja"]);
    assert_eq!(d.json(&["item", "show", &id])["name"], "Röjsåg Øksa 🪚");
}

/// An invite whose group field holds 70,000 characters: the error repeats at most 80 of
/// them.
#[test]
fn a_70000_character_invite_field_gets_a_short_message() {
    let d = Delbar::new();
    let inviter = iroh::SecretKey::from_bytes(&[7; 32]).public();
    let invite = delbar_core::net::Invite {
        group: delbar_core::ids::GroupId::parse("aaaaaaaaaaaaaaaa").unwrap(),
        inviter: iroh::EndpointAddr::new(inviter),
        secret: [9; 32],
        role: delbar_core::domain::Role::Member,
        expires: delbar_core::time::Timestamp(4_102_444_800_000),
        uses: 1,
    };
    let code = invite.to_code().unwrap();
    let body = data_encoding::BASE32_NOPAD.decode(code.strip_prefix("DELBAR1").unwrap().as_bytes()).unwrap();
    // postcard: the group id is the first field, a varint length (16) and its bytes.
    assert_eq!(body[0], 16);
    let long = format!("\u{1b}[2J{}", "A".repeat(70_000));
    let mut hostile = Vec::new();
    let mut n = long.len();
    while n >= 0x80 {
        hostile.push((n as u8) | 0x80);
        n >>= 7;
    }
    hostile.push(n as u8);
    hostile.extend_from_slice(long.as_bytes());
    hostile.extend_from_slice(&body[17..]);
    let hostile = format!("DELBAR1{}", data_encoding::BASE32_NOPAD.encode(&hostile));
    assert!(hostile.len() > 100_000);

    let err = d.fails(&["invite", "redeem", &hostile, "--name", "Nils", "--listen", "loopback"]);
    assert!(err.len() < 300, "the error is {} bytes long: {}", err.len(), &err[..300.min(err.len())]);
    assert!(err.contains("is not a valid group id"), "{err}");
    assert!(err.contains("\\u{1b}[2JAAAA"), "{err}");
    assert!(err.contains('…'), "{err}");
    assert!(!has_raw_tricks(&err), "{err:?}");
}

/// Renames an item in the store's catalogue document the way a device that does not check
/// names would, and merges the change in as received from that device.
fn rename_by_raw_merge(store_file: &std::path::Path, item: &str, name: &str) {
    let mut store = Store::open(store_file).unwrap();
    let group = store.groups().unwrap().remove(0).id;
    let catalogue = store.export_group(&group).unwrap().into_iter().find(|d| d.key == "catalogue").unwrap();
    let mut doc = automerge::AutoCommit::load(&catalogue.data).unwrap().with_actor(actor_of(store.device_id()));
    let id = ItemId::parse(item).unwrap();
    let Some(Entity::Item(mut raw)) = read_entity(&doc, &DocKey::Catalogue, &EntityRef::Item(id)).unwrap() else {
        panic!("no item {item}")
    };
    raw.name = name.to_owned();
    raw.description = "rad 1\nrad 2\u{1b}[2J".to_owned();
    write_entity(&mut doc, &DocKey::Catalogue, &Entity::Item(raw)).unwrap();
    doc.commit();
    let attestation =
        attest_document(&mut doc, &group, DocKey::Catalogue, store.device_signing_key()).expect("a new change");
    let export = DocumentExport { key: "catalogue".into(), data: doc.save(), attestations: vec![attestation] };
    let report = store.merge_documents(&group, &[export]).unwrap();
    assert_eq!(report.documents_changed, 1);
}

#[test]
fn a_name_with_control_characters_from_a_raw_document_merge_is_printed_escaped() {
    let d = Delbar::with_group("Karin");
    let id = d.add_item("Såg", &[]);
    let evil = "Evil\u{1b}[2J\u{7}\u{202e}gpj.exe\nFAKE: line\u{200b}";
    rename_by_raw_merge(&d.store(), &id, evil);

    let list = d.ok(&["item", "list"]);
    assert!(!has_raw_tricks(&list), "{list:?}");
    assert!(list.contains("Evil\\u{1b}[2J\\u{7}\\u{202e}gpj.exe FAKE: line\\u{200b}"), "{list}");
    let show = d.ok(&["item", "show", &id]);
    assert!(!has_raw_tricks(&show), "{show:?}");
    assert!(show.contains("Evil\\u{1b}[2J\\u{7}\\u{202e}gpj.exe"), "{show}");
    assert!(!show.lines().any(|l| l.starts_with("FAKE")), "a name made a line of its own: {show}");
    assert!(show.contains("rad 1\n"), "a description keeps its lines: {show}");
    assert!(show.contains("rad 2\\u{1b}[2J"), "{show}");
    let history = d.ok(&["history"]);
    assert!(!has_raw_tricks(&history), "{history:?}");

    // Scripts get the name as it is, written with JSON escapes.
    let raw_json = d.ok(&["--json", "item", "show", &id]);
    assert!(!has_raw_tricks(&raw_json), "{raw_json:?}");
    let parsed: serde_json::Value = serde_json::from_str(&raw_json).unwrap();
    assert_eq!(parsed["name"], evil);

    // An error naming the item escapes it too.
    let err = d.fails(&["book", &id, "--from", "2026-11-24T10:00", "--to", "2026-11-24T12:00", "--units", "2"]);
    assert!(!has_raw_tricks(&err), "{err:?}");
    assert!(err.contains("\\u{202e}"), "{err}");
}
