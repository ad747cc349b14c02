//! What text a person may type into a field that other people see: names, labels, tags,
//! places and notes. Every text field of the domain passes through here before anything is
//! written, so a refused text changes nothing.
//!
//! Refused everywhere:
//! - control characters (Unicode general category `Cc`: ESC, BEL, CR, DEL, ...), which a
//!   terminal acts on instead of showing;
//! - format characters (`Cf`): the bidirectional overrides, embeddings, isolates and marks
//!   (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C) that make text read in an
//!   order other than the one it is stored in, and the invisible ones (zero-width space
//!   U+200B, zero-width non-joiner U+200C, word joiner U+2060, byte-order mark U+FEFF, soft
//!   hyphen U+00AD, tag characters U+E0000 to U+E007F, ...) that make two names look the
//!   same. The one exception is the zero-width joiner U+200D between two emoji, which joins
//!   them into one picture (a family, a person with a tool);
//! - the line and paragraph separators U+2028 and U+2029.
//!
//! Single-line fields (names, category, tags, location, device label) also refuse line feed
//! and tab; multi-line fields (descriptions and notes) keep them, and a carriage return
//! right before a line feed (a Windows line break, as Excel writes in a quoted cell).
//!
//! The general categories come from `unicode-properties`, so the sets follow Unicode rather
//! than a hand-kept list.

use unicode_properties::{GeneralCategory, UnicodeEmoji, UnicodeGeneralCategory};

use crate::domain::DomainError;

/// Whether a field holds one line or may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A name, label, category, tag or place: one line, no tab.
    One,
    /// A description or note: line feeds and tabs allowed.
    Many,
}

/// Longest echo of a person's input in an error message, in characters.
pub const MAX_ECHO_CHARS: usize = 80;

/// Whether `c` may not appear in a field at all (line feed and tab aside): a control,
/// format (bidirectional or invisible) or line/paragraph separator character. The zero-width
/// joiner is judged by its neighbours in [`check_text`], and refused here.
pub fn is_hidden_or_control(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// Whether `c` may appear in a field of this kind, by itself.
fn allowed(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::Many,
        c => !is_hidden_or_control(c),
    }
}

/// Whether `c` is drawn as an emoji (or is a skin-tone modifier or the emoji variation
/// selector that ends one), so a zero-width joiner beside it joins two pictures.
fn is_emoji_part(c: char) -> bool {
    c != '#' && c != '*' && !c.is_ascii_digit() && (c.is_emoji_char() || c == '\u{fe0f}')
}

/// Each character of `s` with its place (from 0) and whether a field of this kind refuses it.
fn judged(s: &str, lines: Lines) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let mut previous: Option<char> = None;
    let mut chars = s.chars().enumerate().peekable();
    std::iter::from_fn(move || {
        let (i, c) = chars.next()?;
        let next = chars.peek().map(|(_, next)| *next);
        let joins_emoji = c == '\u{200d}' && previous.is_some_and(is_emoji_part) && next.is_some_and(is_emoji_part);
        // A Windows line break (CR LF) is a line break; a lone CR would let text overwrite
        // its own line on a terminal.
        let line_break = c == '\r' && lines == Lines::Many && next == Some('\n');
        previous = Some(c);
        Some((i, c, !joins_emoji && !line_break && !allowed(c, lines)))
    })
}

/// Checks that `s` holds only characters a field of this kind may hold; the error names the
/// field, the first refused character (`U+202E`) and its place (from 1).
pub fn check_text(field: &'static str, s: &str, lines: Lines) -> Result<(), DomainError> {
    match judged(s, lines).find(|(_, _, refused)| *refused) {
        Some((i, c, _)) => Err(DomainError::DisallowedCharacter { field, code_point: u32::from(c), position: i + 1 }),
        None => Ok(()),
    }
}

/// `s` with every character a field of this kind refuses written as a visible escape
/// (`\u{202e}`), for showing text that did not pass [`check_text`] (it came from a device
/// of an older version, or a hostile one) where a person reads it.
pub fn escape(s: &str, lines: Lines) -> String {
    let mut out = String::with_capacity(s.len());
    for (_, c, refused) in judged(s, lines) {
        if refused {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks a field's characters and its length in characters.
pub fn check_field(field: &'static str, s: &str, lines: Lines, max_chars: usize) -> Result<(), DomainError> {
    let len = s.chars().count();
    if len > max_chars {
        return Err(DomainError::FieldTooLong { field, len, max: max_chars });
    }
    check_text(field, s, lines)
}

/// A person's input as an error message may repeat it: at most [`MAX_ECHO_CHARS`]
/// characters (then `…`), with every control, format and separator character written as a
/// visible escape (`\u{202e}`), so an error never carries a screenful of text or a terminal
/// command.
pub fn echo(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO_CHARS) {
        Some((cut, _)) => escape(s.get(..cut).unwrap_or_default(), Lines::One) + "…",
        None => escape(s, Lines::One),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(s: &str, lines: Lines) -> Option<(u32, usize)> {
        match check_text("name", s, lines) {
            Ok(()) => None,
            Err(DomainError::DisallowedCharacter { code_point, position, .. }) => Some((code_point, position)),
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }

    #[test]
    fn nordic_names_and_emoji_pass() {
        for ok in [
            "Jordfräs Honda F220",
            "Øksa & sag (Åsa's)",
            "Æbleskiver-jern ß ð þ",
            "Röjsåg 🪚",
            "Familjens cykel 👨\u{200d}👩\u{200d}👧",
            "Snickare 🧑🏽\u{200d}🔧",
            "❤\u{fe0f}\u{200d}🔥 grill",
            "Стол 桌子 طاولة",
        ] {
            assert_eq!(refused(ok, Lines::One), None, "{ok}");
        }
    }

    #[test]
    fn controls_bidi_and_invisible_characters_are_refused_with_their_code_point() {
        let cases = [
            ("Bad\u{1b}[31mRED", 0x1b, 4),
            ("bell\u{7}", 0x7, 5),
            ("two\nlines", 0xa, 4),
            ("tab\there", 0x9, 4),
            ("cr\r", 0xd, 3),
            ("del\u{7f}", 0x7f, 4),
            ("c1\u{9b}", 0x9b, 3),
            ("exe.\u{202e}gpj", 0x202e, 5),
            ("\u{202a}embed", 0x202a, 1),
            ("iso\u{2066}late", 0x2066, 4),
            ("pop\u{2069}", 0x2069, 4),
            ("lrm\u{200e}", 0x200e, 4),
            ("rlm\u{200f}", 0x200f, 4),
            ("alm\u{61c}", 0x61c, 4),
            ("zero\u{200b}width", 0x200b, 5),
            ("zwnj\u{200c}", 0x200c, 5),
            ("a\u{200d}b", 0x200d, 2),
            ("word\u{2060}joiner", 0x2060, 5),
            ("\u{feff}bom", 0xfeff, 1),
            ("soft\u{ad}hyphen", 0xad, 5),
            ("tag\u{e0041}", 0xe0041, 4),
            ("line\u{2028}sep", 0x2028, 5),
            ("para\u{2029}sep", 0x2029, 5),
            ("🪚\u{200d}", 0x200d, 2),
        ];
        for (s, code_point, position) in cases {
            assert_eq!(refused(s, Lines::One), Some((code_point, position)), "{s:?}");
        }
    }

    #[test]
    fn notes_keep_line_feeds_and_tabs_but_nothing_else() {
        assert_eq!(refused("first line\nsecond\tcolumn", Lines::Many), None);
        assert_eq!(refused("crlf\r\nnext", Lines::Many), None);
        assert_eq!(refused("lone cr\rover", Lines::Many), Some((0xd, 8)));
        assert_eq!(refused("crlf\r\n", Lines::One), Some((0xd, 5)));
        assert_eq!(refused("note \u{202e}", Lines::Many), Some((0x202e, 6)));
        assert_eq!(refused("ring \u{7}", Lines::Many), Some((0x7, 6)));
    }

    #[test]
    fn the_error_names_field_and_code_point() {
        let e = check_text("member name", "Eve\u{202e}", Lines::One).unwrap_err();
        assert_eq!(e, DomainError::DisallowedCharacter { field: "member name", code_point: 0x202e, position: 4 });
        assert_eq!(
            e.to_string(),
            "member name must not contain the control or invisible character U+202E (character 4)"
        );
        let e = check_text("tag", "\u{7}", Lines::One).unwrap_err();
        assert!(e.to_string().contains("U+0007"), "{e}");
    }

    #[test]
    fn length_is_checked_before_the_characters() {
        let long = "\u{1b}".repeat(300);
        assert_eq!(
            check_field("name", &long, Lines::One, 200),
            Err(DomainError::FieldTooLong { field: "name", len: 300, max: 200 })
        );
        assert_eq!(check_field("name", "Såg", Lines::One, 3), Ok(()));
        assert_eq!(
            check_field("name", "Såga", Lines::One, 3),
            Err(DomainError::FieldTooLong { field: "name", len: 4, max: 3 })
        );
    }

    #[test]
    fn echoes_are_short_and_escaped() {
        assert_eq!(echo("Såg"), "Såg");
        assert_eq!(echo("a\u{1b}[2Jb\u{202e}c\nd"), "a\\u{1b}[2Jb\\u{202e}c\\u{a}d");
        let long = "x".repeat(70_000);
        let e = echo(&long);
        assert_eq!(e.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(echo(&"y".repeat(MAX_ECHO_CHARS)), "y".repeat(MAX_ECHO_CHARS));
        assert_eq!(echo("👨\u{200d}👩"), "👨\u{200d}👩");
        assert_eq!(escape("a\r\nb\rc", Lines::Many), "a\r\nb\\u{d}c");
    }
}
