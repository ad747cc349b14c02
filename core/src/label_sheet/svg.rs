//! Label sheets as SVG: one standalone document per A4 page, in millimetres.

use std::fmt::Write;

use super::{
    LABELS_PER_PAGE, Label, PAGE_H, PAGE_W, QR_SIDE, TEXT_X, check_count, group_line, label_origin, name_lines, place,
    qr_shape,
};
use crate::domain::DomainError;

/// The labels as SVG documents, one per A4 page of 24 labels. Each QR code is a group
/// `<g class="qr" data-item="...">` of dark rectangles on a white square; names are escaped.
pub fn svg_pages(group_name: &str, labels: &[Label]) -> Result<Vec<String>, DomainError> {
    check_count(labels.len())?;
    labels.chunks(LABELS_PER_PAGE).map(|page| svg_page(group_name, page)).collect()
}

fn svg_page(group_name: &str, labels: &[Label]) -> Result<String, DomainError> {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}mm" height="{PAGE_H}mm" viewBox="0 0 {PAGE_W} {PAGE_H}">
<rect x="0" y="0" width="{PAGE_W}" height="{PAGE_H}" fill="#ffffff"/>
"##
    );
    let group = escape(&group_line(group_name));
    for (index, label) in labels.iter().enumerate() {
        let (x, y) = label_origin(index);
        let shape = qr_shape(&label.text)?;
        let module = QR_SIDE / shape.side as f32;
        let (qx, qy) = place::QR;
        let _ = writeln!(s, r#"<g transform="translate({x} {y})">"#);
        let _ = writeln!(
            s,
            r#"<clipPath id="c{index}"><rect x="0" y="0" width="{}" height="{}"/></clipPath>"#,
            place::LABEL_W,
            place::LABEL_H
        );
        let _ = write!(
            s,
            r##"<g class="qr" data-item="{}" transform="translate({qx} {qy}) scale({module})"><rect x="0" y="0" width="{side}" height="{side}" fill="#ffffff"/><path fill="#000000" shape-rendering="crispEdges" d=""##,
            escape(label.item.as_str()),
            side = shape.side,
        );
        for (rx, ry, w) in &shape.runs {
            let _ = write!(s, "M{rx} {ry}h{w}v1h-{w}z");
        }
        s.push_str("\"/></g>\n");
        let _ = writeln!(
            s,
            r##"<g clip-path="url(#c{index})" font-family="Helvetica, Arial, sans-serif" fill="#000000">"##
        );
        for (i, line) in name_lines(&label.name).iter().enumerate() {
            let ly = place::NAME_Y + i as f32 * place::NAME_STEP;
            let _ = writeln!(
                s,
                r#"<text x="{TEXT_X}" y="{ly}" font-size="{:.3}" font-weight="bold">{}</text>"#,
                pt_to_mm(place::NAME_PT),
                escape(line)
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{TEXT_X}" y="{}" font-size="{:.3}" font-weight="bold" font-family="Courier, monospace" class="code">{}</text>"#,
            place::CODE_Y,
            pt_to_mm(place::CODE_PT),
            escape(&label.code.printed())
        );
        let _ = writeln!(
            s,
            r#"<text x="{TEXT_X}" y="{}" font-size="{:.3}">{group}</text>"#,
            place::GROUP_Y,
            pt_to_mm(place::GROUP_PT)
        );
        s.push_str("</g>\n</g>\n");
    }
    s.push_str("</svg>\n");
    Ok(s)
}

fn pt_to_mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

/// Escapes text for SVG content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::label::LabelCode;
    use crate::ids::ItemId;

    #[test]
    fn names_are_escaped() {
        let item = ItemId::generate();
        let label = Label {
            item: item.clone(),
            name: "<script>&\"Såg\"".into(),
            code: LabelCode::of_item(&item),
            text: "DELBAR:ABCDEFGH:12345678".into(),
        };
        let pages = svg_pages("Verkstad <1>", &[label]).unwrap();
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;&amp;&quot;Såg&quot;"));
        assert!(page.contains("Verkstad &lt;1&gt;"));
    }
}
