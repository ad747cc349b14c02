//! `delbar label` and `delbar scan`, run for real on temporary data directories: sheets
//! written as PDF and SVG, and the steward at the shelf scanning a label, lending on the spot
//! and taking the loan back.

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

#[test]
fn label_writes_a_pdf_and_svg_pages_of_every_item() {
    let d = Delbar::with_group("Karin");
    for i in 0..25 {
        d.add_item(&format!("Verktøy {i}"), &[]);
    }
    let pdf = d.path().join("labels.pdf");
    let out = d.ok(&["label", "--all", "--out", pdf.to_str().unwrap()]);
    assert!(out.starts_with("Wrote 25 labels on 2 A4 pages to "), "{out}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains("/Count 2"), "two pages");
    let svg = d.path().join("labels.svg");
    let json = d.json(&["label", "--all", "--out", svg.to_str().unwrap()]);
    assert_eq!(json["files"].as_array().unwrap().len(), 2);
    assert_eq!(json["labels"].as_array().unwrap().len(), 25);
    let first = std::fs::read_to_string(&svg).unwrap();
    let second = std::fs::read_to_string(d.path().join("labels-2.svg")).unwrap();
    assert_eq!(first.matches(r#"class="qr""#).count(), 24);
    assert_eq!(second.matches(r#"class="qr""#).count(), 1);
    // One item by name; a file name that says no format is refused.
    d.ok(&["label", "Verktøy 3", "--out", d.path().join("one.svg").to_str().unwrap()]);
    let err = d.fails(&["label", "--all", "--out", d.path().join("labels.png").to_str().unwrap()]);
    assert!(err.contains(".pdf or .svg"), "{err}");
}

#[test]
fn scan_at_the_shelf_lends_on_the_spot_and_takes_it_back() {
    let d = Delbar::with_group("Karin");
    let id = d.add_item("Stige", &["--max-loan-hours", "4"]);
    let labels = d.json(&["label", &id, "--out", d.path().join("l.pdf").to_str().unwrap()]);
    let text = labels["labels"][0]["text"].as_str().unwrap().to_owned();
    let code = labels["labels"][0]["code"].as_str().unwrap().to_owned();
    assert!(text.starts_with("DELBAR:") && text.len() == 24, "{text}");

    let out = d.ok(&["scan", &text]);
    assert!(out.contains(&format!("Item:  Stige ({code})")), "{out}");
    assert!(out.contains("1. lend it now (walk-up) until 2026-11-23 13:00; 1 unit free [--do walk-up]"), "{out}");

    let member = d.json(&["member", "add", "Nils"])["id"].as_str().unwrap().to_owned();
    let out = d.ok(&["scan", &code.to_lowercase(), "--do", "walk-up", "--for", "Nils"]);
    assert!(out.starts_with("Lent (walk-up): Stige for Nils, 1 unit, due 2026-11-23 13:00."), "{out}");

    let scanned = d.json(&["scan", &text]);
    assert_eq!(scanned["outcome"], "item");
    assert_eq!(scanned["actions"][0]["action"], "return");
    assert_eq!(scanned["actions"][0]["booking"]["member"], member.as_str());
    assert_eq!(scanned["note"], "No unit is free to lend now.");
    let out = d.ok(&["scan", &text, "--do"]);
    assert!(out.starts_with("Returned: Stige for Nils"), "{out}");
    d.ok(&["check"]);
}

#[test]
fn scan_answers_text_that_is_no_label_and_refuses_to_do_anything_with_it() {
    let d = Delbar::with_group("Karin");
    let out = d.ok(&["scan", "hello"]);
    assert_eq!(out, "This is not a Delbar label or item code.\n");
    assert_eq!(d.json(&["scan", "DELBAR:ABCDEFGH:12345678"])["outcome"], "other_group");
    let err = d.fails(&["scan", "hello", "--do"]);
    assert!(err.contains("nothing to do"), "{err}");
    let id = d.add_item("Øks", &[]);
    d.ok(&["item", "edit", &id, "--retire"]);
    let code = d.json(&["label", &id, "--out", d.path().join("l.svg").to_str().unwrap()])["labels"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = d.ok(&["scan", &code]);
    assert!(out.contains("Nothing to do with it now.\nNote: This item is retired."), "{out}");
}
