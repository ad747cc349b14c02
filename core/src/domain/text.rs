//! Text folding for search: case- and diacritic-insensitive, so `sag` finds `Såg`,
//! `jordf` finds `Jordfräs` and `oksa` finds `Øksa`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for indexing and querying: lowercase, diacritics removed, the Nordic and
/// German letters without a decomposition mapped to their base letters, and everything that
/// is not a letter or digit turned into a space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        for lc in c.to_lowercase() {
            match lc {
                'ø' => out.push('o'),
                'æ' => out.push_str("ae"),
                'œ' => out.push_str("oe"),
                'ß' => out.push_str("ss"),
                'ð' => out.push('d'),
                'þ' => out.push_str("th"),
                'ł' => out.push('l'),
                'đ' => out.push('d'),
                c if c.is_alphanumeric() => out.push(c),
                _ => out.push(' '),
            }
        }
    }
    out
}

/// Splits a query into folded words.
pub fn query_words(query: &str) -> Vec<String> {
    fold(query).split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_nordic_letters() {
        assert_eq!(fold("Såg"), "sag");
        assert_eq!(fold("Jordfräs"), "jordfras");
        assert_eq!(fold("Øksa"), "oksa");
        assert_eq!(fold("Æbleskiver-JERN"), "aebleskiver jern");
        assert_eq!(query_words("  Röj-såg! "), vec!["roj", "sag"]);
    }
}
