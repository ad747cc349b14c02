//! Label sheets as PDF (with `pdf-writer`): A4 pages, the QR codes as filled vector
//! rectangles, text in the standard Helvetica and Courier fonts (WinAnsi encoding: a
//! character outside it prints as `?`).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::{
    LABELS_PER_PAGE, Label, PAGE_H, PAGE_W, QR_SIDE, TEXT_W, TEXT_X, check_count, group_line, label_origin, name_lines,
    place, qr_shape,
};
use crate::domain::DomainError;

/// The marked-content tag around each QR code's rectangles (`/QR BMC ... EMC`), so a reader
/// can find every code on a page.
pub const QR_TAG: &[u8] = b"QR";

const FONT_NAME: Name<'static> = Name(b"F1");
const FONT_CODE: Name<'static> = Name(b"F2");
const FONT_GROUP: Name<'static> = Name(b"F3");

fn pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

/// The labels as one PDF document of A4 pages, 24 labels a page.
pub fn pdf(group_name: &str, labels: &[Label]) -> Result<Vec<u8>, DomainError> {
    check_count(labels.len())?;
    let pages: Vec<&[Label]> = labels.chunks(LABELS_PER_PAGE).collect();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let fonts = [
        (FONT_NAME, Ref::new(4), "Helvetica-Bold"),
        (FONT_CODE, Ref::new(5), "Courier-Bold"),
        (FONT_GROUP, Ref::new(6), "Helvetica"),
    ];
    let first_page = 7;
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(first_page + 2 * i as i32)).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id).kids(page_ids.iter().copied()).count(pages.len() as i32);
    let title = format!("Delbar labels: {group_name}");
    pdf.document_info(info_id).title(TextStr(&title)).creator(TextStr("Delbar"));
    for (_, id, base) in fonts {
        pdf.type1_font(id).base_font(Name(base.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let group = win_ansi(&group_line(group_name));
    for (page, page_id) in pages.iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut p = pdf.page(*page_id);
        p.parent(tree_id).media_box(Rect::new(0.0, 0.0, pt(PAGE_W), pt(PAGE_H))).contents(content_id);
        let mut resources = p.resources();
        let mut font_dict = resources.fonts();
        for (name, id, _) in fonts {
            font_dict.pair(name, id);
        }
        font_dict.finish();
        resources.finish();
        p.finish();
        let content = page_content(page, &group)?;
        pdf.stream(content_id, &content);
    }
    Ok(pdf.finish())
}

fn page_content(labels: &[Label], group: &[u8]) -> Result<Vec<u8>, DomainError> {
    let mut c = Content::new();
    for (index, label) in labels.iter().enumerate() {
        let (lx, ly) = label_origin(index);
        // The label's box in PDF space (origin at the page's bottom-left).
        let left = pt(lx);
        let top = pt(PAGE_H - ly);
        c.save_state();
        c.rect(left, top - pt(place::LABEL_H), pt(place::LABEL_W), pt(place::LABEL_H)).clip_nonzero().end_path();

        let shape = qr_shape(&label.text)?;
        let module = pt(QR_SIDE) / shape.side as f32;
        let (qx, qy) = place::QR;
        c.begin_marked_content(Name(QR_TAG));
        c.save_state();
        // Module coordinates, y growing downwards from the code's top-left corner.
        c.transform([module, 0.0, 0.0, -module, left + pt(qx), top - pt(qy)]);
        c.set_fill_gray(0.0);
        for (x, y, w) in &shape.runs {
            c.rect(*x as f32, *y as f32, *w as f32, 1.0);
        }
        c.fill_nonzero();
        c.restore_state();
        c.end_marked_content();

        c.save_state();
        c.rect(left + pt(TEXT_X), top - pt(place::LABEL_H), pt(TEXT_W), pt(place::LABEL_H)).clip_nonzero().end_path();
        c.set_fill_gray(0.0);
        for (i, line) in name_lines(&label.name).iter().enumerate() {
            let y = place::NAME_Y + i as f32 * place::NAME_STEP;
            text(&mut c, FONT_NAME, place::NAME_PT, left + pt(TEXT_X), top - pt(y), &win_ansi(line));
        }
        text(
            &mut c,
            FONT_CODE,
            place::CODE_PT,
            left + pt(TEXT_X),
            top - pt(place::CODE_Y),
            label.code.printed().as_bytes(),
        );
        text(&mut c, FONT_GROUP, place::GROUP_PT, left + pt(TEXT_X), top - pt(place::GROUP_Y), group);
        c.restore_state();
        c.restore_state();
    }
    Ok(c.finish().into_vec())
}

fn text(c: &mut Content, font: Name<'_>, size: f32, x: f32, y: f32, bytes: &[u8]) {
    c.begin_text().set_font(font, size).next_line(x, y).show(Str(bytes)).end_text();
}

/// Text in the standard fonts' WinAnsi encoding (Windows-1252); a character it lacks becomes
/// `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(ch.encode_utf8(&mut buf));
        if unmappable || ch.is_control() {
            out.push(b'?');
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_outside_win_ansi_prints_as_question_marks() {
        assert_eq!(win_ansi("Såg ø…"), vec![b'S', 0xe5, b'g', b' ', 0xf8, 0x85]);
        assert_eq!(win_ansi("锯"), b"?".to_vec());
    }
}
