//! Text from other people, made safe to print on a terminal. Names, notes and places come
//! from other members' devices by sync, and a device of an older version (or a hostile one)
//! may have written characters the core now refuses ([`delbar_core::domain::input`]): ESC
//! sequences that recolour or clear the screen, BEL, a carriage return that overwrites the
//! line, bidirectional overrides that show text in another order, invisible characters.
//! Everything the command prints passes through here, in [`crate::output`]: each such
//! character is shown as a visible escape (`\u{202e}`) instead.

use delbar_core::domain::input::{self, Lines, is_hidden_or_control};
use std::fmt::Write;

/// One line: every character a one-line field refuses (controls, line breaks and tabs
/// included, bidirectional and invisible characters) escaped.
pub fn line(s: &str) -> String {
    input::escape(s, Lines::One)
}

/// Text of several lines: as [`line`], but line feeds, tabs and the carriage return of a
/// Windows line break (CR LF) stay as they are.
pub fn text(s: &str) -> String {
    input::escape(s, Lines::Many)
}

/// A JSON document as `serde_json` writes it, with every control, format and separator
/// character it left as it is (DEL, C1 controls, bidirectional and invisible characters)
/// written as a JSON `\u` escape: the same document for a script, harmless on a terminal.
/// `serde_json` already escapes the characters below U+0020, so every one left stands
/// inside a string, where the escape means the same character.
pub fn json(s: &str) -> String {
    if !s.chars().any(|c| c >= '\u{7f}' && is_hidden_or_control(c)) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut units = [0u16; 2];
    for c in s.chars() {
        if c >= '\u{7f}' && is_hidden_or_control(c) {
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a person typed, to repeat in an error: at most 80 characters, escaped.
pub fn echo(s: &str) -> String {
    delbar_core::domain::input::echo(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nordic_text_and_emoji_print_as_they_are() {
        let s = "Röjsåg Øksa Æ 🪚 👨\u{200d}👩\u{200d}👧";
        assert_eq!(line(s), s);
        assert_eq!(text("rad 1\nrad 2\tkolumn\r\n"), "rad 1\nrad 2\tkolumn\r\n");
    }

    #[test]
    fn terminal_commands_and_bidi_overrides_are_shown_escaped() {
        assert_eq!(line("Bad\u{1b}[31mRED\u{7}"), "Bad\\u{1b}[31mRED\\u{7}");
        assert_eq!(line("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(line("two\nlines\r"), "two\\u{a}lines\\u{d}");
        assert_eq!(line("zero\u{200b}width\u{feff}"), "zero\\u{200b}width\\u{feff}");
        assert_eq!(text("over\rwrite\n\u{9b}2J"), "over\\u{d}write\n\\u{9b}2J");
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_its_tricks() {
        let value = serde_json::json!({ "name": "a\u{202e}b\u{7f}c\u{e0041}\u{1b}" });
        let printed = json(&serde_json::to_string(&value).unwrap());
        assert_eq!(printed, r#"{"name":"a\u202eb\u007fc\udb40\udc41\u001b"}"#);
        let back: serde_json::Value = serde_json::from_str(&printed).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn echoes_are_bounded() {
        let e = echo(&"A".repeat(70_000));
        assert_eq!(e.chars().count(), 81);
    }
}
