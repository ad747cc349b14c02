//! Sheets of item labels to print: A4 pages of 3 x 8 labels, each with the item's QR code,
//! its name and the code a person can type. As PDF ([`pdf`], one document of as many pages as
//! needed) or SVG ([`svg_pages`], one document per page). Pure: the store gathers the
//! [`Label`]s (`Store::labels`), this module only draws them.
//!
//! The grid is the common 24-per-sheet A4 label stock (63.5 x 33.9 mm labels, 2.5 mm apart
//! across, 12.9 mm top and 7.25 mm side margins), so a sheet also prints on plain paper
//! inside every printer's unprintable edge. The QR codes are drawn as vector rectangles
//! (one per run of dark modules in a row), 27 mm wide with their quiet zone, which at QR
//! version 2 is 0.82 mm per module.

mod pdf;
mod svg;

pub use pdf::pdf;
pub use svg::svg_pages;

use qrcode::{EcLevel, QrCode};

use crate::domain::DomainError;
use crate::domain::label::LabelCode;
use crate::ids::ItemId;

/// Error correction of label QR codes: level Q (about 25 % of the code may be damaged).
pub const LABEL_EC_LEVEL: EcLevel = EcLevel::Q;
/// Labels on one page.
pub const LABELS_PER_PAGE: usize = (COLUMNS * ROWS) as usize;
/// The most labels one sheet call draws (50 pages).
pub const MAX_LABELS: usize = 50 * LABELS_PER_PAGE;

/// A4 in millimetres.
pub(crate) const PAGE_W: f32 = 210.0;
pub(crate) const PAGE_H: f32 = 297.0;
const COLUMNS: u32 = 3;
const ROWS: u32 = 8;
const LABEL_W: f32 = 63.5;
const LABEL_H: f32 = 33.9;
const PITCH_X: f32 = 66.0;
const MARGIN_LEFT: f32 = 7.25;
const MARGIN_TOP: f32 = 12.9;
/// The QR code's side with its quiet zone, and its place inside the label.
pub(crate) const QR_SIDE: f32 = 27.0;
const QR_X: f32 = 1.5;
/// Where the text starts inside the label, and how wide it may be.
pub(crate) const TEXT_X: f32 = QR_X + QR_SIDE + 1.5;
pub(crate) const TEXT_W: f32 = LABEL_W - TEXT_X - 1.5;
/// The name: at most this many lines of at most this many characters (at 9 pt bold, 16
/// characters of average width fit in the text column).
const NAME_LINES: usize = 3;
const NAME_LINE_CHARS: usize = 16;
/// Quiet zone of the QR code, in modules (the standard's 4).
const QUIET_MODULES: usize = 4;

/// One label: what is printed for an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The item.
    pub item: ItemId,
    /// The item's name.
    pub name: String,
    /// The item's code, printed under the name.
    pub code: LabelCode,
    /// The text of the QR code (`DELBAR:<group code>:<item code>`).
    pub text: String,
}

/// A label's QR code as the dark rectangles to fill, in modules (a run of dark modules in
/// one row is one rectangle), and its side in modules with the quiet zone.
pub(crate) struct QrShape {
    /// Side in modules, quiet zone included.
    pub side: usize,
    /// `(x, y, width)` of each run of dark modules (height one module), quiet zone included.
    pub runs: Vec<(usize, usize, usize)>,
}

/// The QR code of a label text, at level Q. The text is in QR's alphanumeric set, so the
/// encoder picks alphanumeric mode for all of it.
pub fn qr_code(text: &str) -> Result<QrCode, DomainError> {
    QrCode::with_error_correction_level(text.as_bytes(), LABEL_EC_LEVEL)
        .map_err(|e| DomainError::LabelText { reason: e.to_string() })
}

pub(crate) fn qr_shape(text: &str) -> Result<QrShape, DomainError> {
    let code = qr_code(text)?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (y, row) in colors.chunks(width.max(1)).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row.get(x) == Some(&qrcode::Color::Dark) {
                let start = x;
                while row.get(x) == Some(&qrcode::Color::Dark) {
                    x += 1;
                }
                runs.push((start + QUIET_MODULES, y + QUIET_MODULES, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(QrShape { side: width + 2 * QUIET_MODULES, runs })
}

/// The top-left corner (mm from the page's top-left) of the label at `index` on its page.
pub(crate) fn label_origin(index: usize) -> (f32, f32) {
    let col = (index % COLUMNS as usize) as f32;
    let row = (index / COLUMNS as usize % ROWS as usize) as f32;
    (MARGIN_LEFT + col * PITCH_X, MARGIN_TOP + row * LABEL_H)
}

/// Where a label's parts go, in mm from the label's top-left corner.
pub(crate) mod place {
    /// The QR code's top-left corner.
    pub const QR: (f32, f32) = (super::QR_X, (super::LABEL_H - super::QR_SIDE) / 2.0);
    /// Baseline of the first name line, and the distance between name lines.
    pub const NAME_Y: f32 = 7.5;
    pub const NAME_STEP: f32 = 3.9;
    pub const NAME_PT: f32 = 9.0;
    /// Baseline and size of the code.
    pub const CODE_Y: f32 = 25.0;
    pub const CODE_PT: f32 = 12.0;
    /// Baseline and size of the group's name.
    pub const GROUP_Y: f32 = 30.0;
    pub const GROUP_PT: f32 = 6.0;
    /// Characters of the group's name that fit at its size.
    pub const GROUP_CHARS: usize = 28;
    pub const LABEL_W: f32 = super::LABEL_W;
    pub const LABEL_H: f32 = super::LABEL_H;
}

/// Checks how many labels a sheet is asked for.
pub(crate) fn check_count(n: usize) -> Result<(), DomainError> {
    if n == 0 || n > MAX_LABELS {
        return Err(DomainError::LabelCount { given: n, max: MAX_LABELS });
    }
    Ok(())
}

/// A name as at most `lines` lines of at most `width` characters: broken at spaces where it
/// can, cut inside a word that is longer than a line, the last line ending in `…` when
/// something did not fit. Control characters are dropped.
pub fn wrap(name: &str, width: usize, lines: usize) -> Vec<String> {
    let width = width.max(2);
    let lines = lines.max(1);
    let clean: String = name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    // Words, a word longer than a line cut into pieces of a line each.
    let pieces: Vec<String> = clean
        .split_whitespace()
        .flat_map(|word| {
            word.chars().collect::<Vec<char>>().chunks(width).map(|c| c.iter().collect()).collect::<Vec<String>>()
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut pieces = pieces.into_iter().peekable();
    while let Some(piece) = pieces.peek() {
        let used = current.chars().count();
        if used == 0 {
            current.push_str(piece);
            pieces.next();
        } else if used + 1 + piece.chars().count() <= width {
            current.push(' ');
            current.push_str(piece);
            pieces.next();
        } else {
            out.push(std::mem::take(&mut current));
            if out.len() == lines {
                break;
            }
        }
    }
    let truncated = pieces.peek().is_some();
    if !current.is_empty() && out.len() < lines {
        out.push(current);
    }
    if truncated && let Some(last) = out.last_mut() {
        let mut chars: Vec<char> = last.chars().collect();
        chars.truncate(width - 1);
        while chars.last() == Some(&' ') {
            chars.pop();
        }
        *last = chars.into_iter().collect::<String>() + "\u{2026}";
    }
    out
}

/// The name lines of a label.
pub(crate) fn name_lines(name: &str) -> Vec<String> {
    wrap(name, NAME_LINE_CHARS, NAME_LINES)
}

/// The group's name line of a label.
pub(crate) fn group_line(group_name: &str) -> String {
    wrap(group_name, place::GROUP_CHARS, 1).into_iter().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_texts_encode_in_alphanumeric_mode_at_version_2() {
        let text = crate::domain::label::label_text(&crate::ids::GroupId::generate(), &ItemId::generate());
        let code = qr_code(&text).unwrap();
        assert_eq!(code.version(), qrcode::Version::Normal(2));
        assert_eq!(code.error_correction_level(), EcLevel::Q);
        // The encoder's optimal segmentation is one alphanumeric segment over the whole text.
        let segments: Vec<_> =
            qrcode::optimize::Parser::new(text.as_bytes()).optimize(qrcode::Version::Normal(2)).collect();
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].mode, qrcode::types::Mode::Alphanumeric);
        assert_eq!((segments[0].begin, segments[0].end), (0, text.len()));
        // Version 2 at level Q holds 22 data codewords: the text fits in alphanumeric mode
        // and would not in byte mode.
        let capacity = 22 * 8;
        let mut byte_mode = qrcode::bits::Bits::new(qrcode::Version::Normal(2));
        byte_mode.push_byte_data(text.as_bytes()).unwrap();
        let mut alnum = qrcode::bits::Bits::new(qrcode::Version::Normal(2));
        alnum.push_alphanumeric_data(text.as_bytes()).unwrap();
        assert!(alnum.len() <= capacity && byte_mode.len() > capacity, "{} / {}", alnum.len(), byte_mode.len());
        let shape = qr_shape(&text).unwrap();
        assert_eq!(shape.side, 25 + 8);
    }

    #[test]
    fn names_wrap_at_spaces_and_end_in_an_ellipsis_when_cut() {
        assert_eq!(wrap("Jordfräs Honda F220", 16, 3), vec!["Jordfräs Honda", "F220"]);
        assert_eq!(wrap("Spade", 16, 3), vec!["Spade"]);
        assert_eq!(wrap("", 16, 3), Vec::<String>::new());
        assert_eq!(wrap("Motorsågskedjeslipmaskin", 16, 3), vec!["Motorsågskedjesl", "ipmaskin"]);
        let long = "Stor tung trädgårdskärra med punkteringsfria hjul och extra stark ram";
        let lines = wrap(long, 16, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() <= 16), "{lines:?}");
        assert!(lines[2].ends_with('…'), "{lines:?}");
        assert_eq!(wrap("a\u{7}b\nc", 16, 1), vec!["a b c"]);
        assert_eq!(wrap("Odlingsakademin Storsjöbygden", 10, 1), vec!["Odlingsak…"]);
    }
}
