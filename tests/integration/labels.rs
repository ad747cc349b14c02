//! Labels and scanning: label sheets rendered (SVG rasterised with resvg, PDF parsed with
//! lopdf and its QR rectangles drawn into an image) and every QR decoded with rqrr back to its
//! item; what a scan offers each member in each situation; the walk-up loan.

use std::collections::BTreeSet;

use delbar_core::domain::label::{LabelCode, ScanAction, ScanNote, ScanText, label_text};
use delbar_core::domain::{BookingState, ItemDraft, ItemPatch, LoanRules, Role};
use delbar_core::ids::{GroupId, ItemId};
use delbar_core::store::ScanOutcome;
use delbar_tests::{Fixture, at_hours, request, sync};
use proptest::prelude::*;

/// Decodes every QR code found in a grayscale image.
fn decode_all(image: &image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(image.clone());
    prepared.detect_grids().into_iter().map(|grid| grid.decode().expect("a QR code on the sheet decodes").1).collect()
}

/// A group with `n` items of varied names (one with markup characters, one very long).
fn catalogue(n: usize) -> (Fixture, Vec<ItemId>) {
    let mut f = Fixture::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let name = match i {
            0 => "Jordfräs Honda F220".to_owned(),
            1 => "<Såg> & \"Yxa\"".to_owned(),
            2 => "Stor tung trädgårdskärra med punkteringsfria hjul och extra stark ram".to_owned(),
            _ => format!("Verktyg nummer {i}"),
        };
        ids.push(f.item(&name, 1).id);
    }
    (f, ids)
}

/// Asserts that the decoded texts are exactly the labels of `items`, and that each resolves
/// to its item on the store.
fn assert_decodes_to_items(f: &Fixture, decoded: &[String], items: &[ItemId]) {
    let expected: BTreeSet<String> = items.iter().map(|i| label_text(&f.group, i)).collect();
    let got: BTreeSet<String> = decoded.iter().cloned().collect();
    assert_eq!(decoded.len(), items.len(), "one QR code per item");
    assert_eq!(got, expected);
    for text in decoded {
        match f.store.resolve_scan(None, text).unwrap() {
            ScanOutcome::Item { item, .. } => assert_eq!(label_text(&f.group, &item.id), *text),
            other => panic!("{text} resolved to {other:?}"),
        }
    }
}

#[test]
fn svg_sheet_rasterised_decodes_back_to_every_item() {
    let (f, items) = catalogue(27);
    let pages = f.store.label_sheet_svg(&f.group, &items).unwrap();
    assert_eq!(pages.len(), 2, "24 labels a page");
    let mut decoded = Vec::new();
    for page in &pages {
        assert!(page.contains(r#"width="210mm" height="297mm""#));
        let tree = resvg::usvg::Tree::from_str(page, &resvg::usvg::Options::default()).unwrap();
        // 12 pixels per millimetre: about 10 pixels per QR module, then thresholded, so the
        // anti-aliased edges of modules that do not fall on whole pixels read as one colour.
        let (w, h) = (210 * 12, 297 * 12);
        let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).unwrap();
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        let scale = w as f32 / tree.size().width();
        resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
        let gray = image::GrayImage::from_fn(w, h, |x, y| {
            let p = pixmap.pixel(x, y).unwrap();
            image::Luma([if p.red() < 128 { 0 } else { 255 }])
        });
        // Each label's cell on its own (3 columns of 63.5 mm at a 66 mm pitch from 7.25 mm,
        // 8 rows of 33.9 mm from 12.9 mm), as a scanner sees one label at a time.
        for row in 0..8u32 {
            for col in 0..3u32 {
                let x = ((7.25 + 66.0 * col as f32) * 12.0) as u32;
                let y = ((12.9 + 33.9 * row as f32) * 12.0) as u32;
                let cell = image::imageops::crop_imm(&gray, x, y, (63.5 * 12.0) as u32, (33.9 * 12.0) as u32);
                decoded.extend(decode_all(&cell.to_image()));
            }
        }
    }
    assert_decodes_to_items(&f, &decoded, &items);
    assert!(pages[0].contains("&lt;Såg&gt; &amp; &quot;Yxa&quot;"), "names are escaped");
}

/// The QR codes of a PDF page: the rectangles inside each `/QR BMC ... EMC`, drawn into an
/// image (8 pixels per module) and decoded.
fn pdf_page_codes(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<String> {
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let mut codes = Vec::new();
    let mut runs: Option<Vec<(f32, f32, f32)>> = None;
    let num = |o: &lopdf::Object| o.as_float().unwrap();
    for op in &content.operations {
        match op.operator.as_str() {
            "BMC" if op.operands[0].as_name().unwrap() == b"QR" => runs = Some(Vec::new()),
            "re" => {
                if let Some(r) = runs.as_mut() {
                    assert_eq!(num(&op.operands[3]), 1.0, "one module high");
                    r.push((num(&op.operands[0]), num(&op.operands[1]), num(&op.operands[2])));
                }
            }
            "EMC" => {
                if let Some(r) = runs.take() {
                    let side = r.iter().map(|(x, _, w)| x + w).fold(0.0f32, f32::max) as u32 + 4;
                    let scale = 8;
                    let mut img = image::GrayImage::from_pixel(side * scale, side * scale, image::Luma([255]));
                    for (x, y, w) in r {
                        for py in (y as u32 * scale)..((y as u32 + 1) * scale) {
                            for px in (x as u32 * scale)..((x + w) as u32 * scale) {
                                img.put_pixel(px, py, image::Luma([0]));
                            }
                        }
                    }
                    let found = decode_all(&img);
                    assert_eq!(found.len(), 1);
                    codes.extend(found);
                }
            }
            _ => {}
        }
    }
    codes
}

#[test]
fn pdf_sheet_has_a4_pages_and_one_decodable_qr_per_item() {
    let (f, items) = catalogue(27);
    let bytes = f.store.label_sheet_pdf(&f.group, &items).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 2);
    let mut decoded = Vec::new();
    for &page in pages.values() {
        let dict = doc.get_dictionary(page).unwrap();
        let media: Vec<f32> =
            dict.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|o| o.as_float().unwrap()).collect();
        assert_eq!(media[0], 0.0);
        assert!((media[2] - 595.28).abs() < 0.01 && (media[3] - 841.89).abs() < 0.01, "A4: {media:?}");
        decoded.extend(pdf_page_codes(&doc, page));
    }
    assert_eq!(pdf_page_codes(&doc, pages[&1]).len(), 24);
    assert_decodes_to_items(&f, &decoded, &items);
    // Names (WinAnsi), and each item's code, are on the first page.
    let text = String::from_utf8_lossy(&doc.get_page_content(pages[&1])).into_owned();
    let first = f.store.item(&f.group, &items[0]).unwrap();
    assert!(text.contains(&LabelCode::of_item(&first.id).printed()));
    // "ä" is 0xE4 in WinAnsi; the string may be literal (the byte, or `\344`) or hex.
    let latin1 = doc.get_page_content(pages[&1]);
    let found = |needle: &[u8]| latin1.windows(needle.len()).any(|w| w == needle);
    assert!(
        found(b"Jordfr\xe4s Honda") || found(b"Jordfr\\344s Honda") || found(b"<4A6F72646672E47320486F6E6461"),
        "the first item's name on the page"
    );
}

#[test]
fn sheets_refuse_no_items_and_unknown_items() {
    let (f, _) = catalogue(1);
    assert!(f.store.label_sheet_pdf(&f.group, &[]).is_err());
    let unknown = ItemId::generate();
    assert!(matches!(f.store.label_sheet_svg(&f.group, &[unknown]), Err(delbar_core::Error::ItemNotFound { .. })));
}

fn self_service() -> LoanRules {
    LoanRules { self_service: true, ..LoanRules::default() }
}

fn item_with(f: &mut Fixture, name: &str, quantity: i64, rules: LoanRules) -> ItemId {
    let mut draft = ItemDraft::named(name);
    draft.quantity = quantity;
    draft.rules = rules;
    f.item_from(draft).id
}

fn found(outcome: ScanOutcome) -> (Vec<ScanAction>, Option<ScanNote>) {
    match outcome {
        ScanOutcome::Item { actions, note, .. } => (actions, note),
        other => panic!("not an item: {other:?}"),
    }
}

#[test]
fn a_members_booking_within_the_pickup_window_is_offered_for_checkout_then_return() {
    let mut f = Fixture::new();
    let tiller = item_with(&mut f, "Jordfräs", 1, self_service());
    let mut nils = f.join("Nils", Role::Member);
    let booking = nils.store.book(&f.group, &request(&tiller, at_hours(2), at_hours(8), 1)).unwrap();
    let text = label_text(&f.group, &tiller);

    let (actions, note) = found(nils.store.resolve_scan(None, &text).unwrap());
    assert_eq!(note, None);
    assert!(matches!(&actions[..], [ScanAction::CheckOut { booking: b }] if b.id == booking.id));
    let out = nils.store.perform_scan_action(&f.group, &tiller, &actions[0], None, None).unwrap();
    assert_eq!(out.state, BookingState::CheckedOut);

    // The typed code, in any case, finds the same item; its loan is offered for return.
    let typed = LabelCode::of_item(&tiller).printed().to_lowercase();
    let (actions, _) = found(nils.store.resolve_scan(Some(&f.group), &typed).unwrap());
    assert!(matches!(&actions[..], [ScanAction::Return { booking: b }] if b.id == booking.id));
    let out = nils.store.perform_scan_action(&f.group, &tiller, &actions[0], None, None).unwrap();
    assert_eq!(out.state, BookingState::Returned);
    let (actions, note) = found(nils.store.resolve_scan(None, &text).unwrap());
    assert!(actions.is_empty());
    assert_eq!(note, Some(ScanNote::NothingBooked));
}

#[test]
fn a_booking_beyond_the_pickup_window_waits() {
    let mut f = Fixture::new();
    let tiller = item_with(&mut f, "Jordfräs", 1, self_service());
    let mut nils = f.join("Nils", Role::Member);
    let booking = nils.store.book(&f.group, &request(&tiller, at_hours(30), at_hours(32), 1)).unwrap();
    let (actions, note) = found(nils.store.resolve_scan(None, &label_text(&f.group, &tiller)).unwrap());
    assert!(actions.is_empty());
    assert_eq!(note, Some(ScanNote::BookedLater { booking: booking.id, start: at_hours(30) }));
}

#[test]
fn an_early_pickup_is_not_offered_while_someone_else_holds_the_unit() {
    let mut f = Fixture::new();
    let saw = item_with(&mut f, "Såg", 1, self_service());
    f.book(&saw, 0, 2, 1).unwrap();
    let mut nils = f.join("Nils", Role::Member);
    let later = nils.store.book(&f.group, &request(&saw, at_hours(2), at_hours(6), 1)).unwrap();
    let (actions, note) = found(nils.store.resolve_scan(None, &label_text(&f.group, &saw)).unwrap());
    assert!(actions.is_empty(), "{actions:?}");
    assert_eq!(note, Some(ScanNote::TakenUntilStart { booking: later.id, start: at_hours(2) }));
}

#[test]
fn a_member_without_booking_or_self_service_is_told_why() {
    let mut f = Fixture::new();
    let drill = item_with(&mut f, "Borrmaskin", 1, LoanRules::default());
    let mut nils = f.join("Nils", Role::Member);
    let text = label_text(&f.group, &drill);
    let (actions, note) = found(nils.store.resolve_scan(None, &text).unwrap());
    assert!(actions.is_empty());
    assert_eq!(note, Some(ScanNote::NothingBooked));
    // Booked, but the item is not self-service: a steward hands it out.
    nils.store.book(&f.group, &request(&drill, at_hours(1), at_hours(3), 1)).unwrap();
    let (actions, note) = found(nils.store.resolve_scan(None, &text).unwrap());
    assert!(actions.is_empty());
    assert_eq!(note, Some(ScanNote::NotSelfService));
    // The steward, scanning the same label, is offered Nils's booking and a walk-up loan is
    // not (the one unit is promised from hour 1).
    sync(&mut nils.store, &mut f.store, &f.group);
    let (actions, note) = found(f.store.resolve_scan(None, &text).unwrap());
    assert!(matches!(&actions[..], [ScanAction::CheckOut { booking: b }] if b.member == nils.member));
    assert_eq!(note, Some(ScanNote::NoFreeUnits));
}

#[test]
fn a_steward_lends_on_the_spot_when_a_unit_is_free_and_is_refused_when_none_is() {
    let mut f = Fixture::new();
    let ladder = item_with(&mut f, "Stege", 1, LoanRules { max_loan_hours: Some(4), ..LoanRules::default() });
    let nils = f.join("Nils", Role::Member);
    let text = label_text(&f.group, &ladder);
    let (actions, note) = found(f.store.resolve_scan(None, &text).unwrap());
    assert_eq!(note, None);
    let [ScanAction::WalkUp { free_units: 1, until }] = &actions[..] else { panic!("{actions:?}") };
    assert_eq!(*until, at_hours(4), "the item's longest loan, shorter than a day");
    let loan = f.store.perform_scan_action(&f.group, &ladder, &actions[0], Some(&nils.member), None).unwrap();
    assert_eq!(loan.state, BookingState::CheckedOut);
    assert_eq!(loan.member, nils.member);
    assert_eq!((loan.start, loan.end), (at_hours(0), at_hours(4)));
    f.assert_clean();

    // Now nothing is free: the scan offers taking Nils's loan back, not another walk-up.
    let (actions, note) = found(f.store.resolve_scan(None, &text).unwrap());
    assert!(matches!(&actions[..], [ScanAction::Return { booking: b }] if b.id == loan.id));
    assert_eq!(note, Some(ScanNote::NoFreeUnits));
    let refused = f.store.walk_up_loan(&f.group, &ladder, 1, None, None);
    assert!(matches!(refused, Err(delbar_core::Error::Domain(delbar_core::domain::DomainError::Unavailable { .. }))));
    // A walk-up beyond the item's rules is refused by them.
    let other = item_with(&mut f, "Skottkärra", 1, LoanRules { max_loan_hours: Some(4), ..LoanRules::default() });
    assert!(f.store.walk_up_loan(&f.group, &other, 1, Some(at_hours(10)), None).is_err());
}

#[test]
fn a_walk_up_loan_reaches_the_borrowers_device_checked_out() {
    let mut f = Fixture::new();
    let kayak = item_with(&mut f, "Kajak", 2, self_service());
    let mut nils = f.join("Nils", Role::Member);
    let loan = f.store.walk_up_loan(&f.group, &kayak, 1, None, Some(&nils.member)).unwrap();
    sync(&mut f.store, &mut nils.store, &f.group);
    assert_eq!(nils.store.booking(&f.group, &loan.id).unwrap().state, BookingState::CheckedOut);
    let (actions, _) = found(nils.store.resolve_scan(None, &label_text(&f.group, &kayak)).unwrap());
    assert!(matches!(&actions[..], [ScanAction::Return { booking: b }] if b.id == loan.id));
    delbar_tests::assert_clean(&mut nils.store);
}

#[test]
fn members_may_not_lend_on_the_spot() {
    let mut f = Fixture::new();
    let spade = item_with(&mut f, "Spade", 3, self_service());
    let mut nils = f.join("Nils", Role::Member);
    let refused = nils.store.walk_up_loan(&f.group, &spade, 1, None, None);
    assert!(matches!(refused, Err(delbar_core::Error::Domain(delbar_core::domain::DomainError::NotPermitted { .. }))));
    let (actions, _) = found(nils.store.resolve_scan(None, &label_text(&f.group, &spade)).unwrap());
    assert!(actions.is_empty(), "no walk-up offered to a member");
}

#[test]
fn retired_items_other_groups_and_garbage_get_clear_answers() {
    let mut f = Fixture::new();
    let old = item_with(&mut f, "Gammal såg", 1, LoanRules::default());
    f.store.update_item(&f.group, &old, &ItemPatch { retired: Some(true), ..ItemPatch::default() }).unwrap();
    let (actions, note) = found(f.store.resolve_scan(None, &label_text(&f.group, &old)).unwrap());
    assert!(actions.is_empty());
    assert_eq!(note, Some(ScanNote::Retired));

    // Another group's label (a group on another device), and a label of this group naming
    // no item here.
    let mut other = Fixture::new();
    let theirs = other.item("Stege", 1);
    assert_eq!(f.store.resolve_scan(None, &label_text(&other.group, &theirs.id)).unwrap(), ScanOutcome::OtherGroup);
    assert_eq!(f.store.resolve_scan(None, &label_text(&GroupId::generate(), &old)).unwrap(), ScanOutcome::OtherGroup);
    assert_eq!(
        f.store.resolve_scan(None, &label_text(&f.group, &ItemId::generate())).unwrap(),
        ScanOutcome::UnknownItem { group: Some(f.group.clone()) }
    );
    for garbage in ["", "hello world", "DELBAR1ABCDEF", "https://example.org/", "DELBAR:XX:YY", "\u{0}\u{1}"] {
        assert_eq!(f.store.resolve_scan(None, garbage).unwrap(), ScanOutcome::NotALabel, "{garbage:?}");
    }
    // A typed code nobody has.
    assert_eq!(f.store.resolve_scan(None, "0000-0000").unwrap(), ScanOutcome::UnknownItem { group: None });
}

#[test]
fn a_removed_members_device_is_told_it_is_no_longer_a_member() {
    let mut f = Fixture::new();
    let saw = item_with(&mut f, "Såg", 1, self_service());
    let mut nils = f.join("Nils", Role::Member);
    f.store.remove_member(&f.group, &nils.member).unwrap();
    sync(&mut f.store, &mut nils.store, &f.group);
    assert_eq!(
        nils.store.resolve_scan(None, &label_text(&f.group, &saw)).unwrap(),
        ScanOutcome::NotAMember { group: f.group.clone() }
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// However a person types an item's code (any case, dashes and spaces anywhere, O for
    /// 0, I or L for 1), it reads as the code, and a label's text reads as its codes.
    #[test]
    fn typed_codes_and_label_texts_read_back(seed in any::<u64>(), mask in any::<u32>()) {
        let item = ItemId::parse(&format!("{seed:016x}")).unwrap();
        let group = GroupId::parse(&format!("g{seed:x}")).unwrap();
        let code = LabelCode::of_item(&item);
        let mut typed = String::new();
        for (i, c) in code.as_str().chars().enumerate() {
            let bit = |k: u32| mask >> ((i as u32 * 3 + k) % 32) & 1 == 1;
            let c = match c {
                '0' if bit(0) => 'o',
                '1' if bit(0) => if bit(1) { 'l' } else { 'I' },
                c if bit(1) => c.to_ascii_lowercase(),
                c => c,
            };
            typed.push(c);
            if bit(2) {
                typed.push(if i % 2 == 0 { '-' } else { ' ' });
            }
        }
        prop_assert_eq!(LabelCode::parse(&typed), Some(code.clone()));
        let text = label_text(&group, &item);
        prop_assert_eq!(ScanText::parse(&text.to_lowercase()), ScanText::Label { group: LabelCode::of_group(&group), item: code });
    }
}
