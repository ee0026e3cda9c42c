//! Text helpers: decoding untrusted text, whitespace, number words and Roman numerals.

use super::{ImportError, UTF8_BOM};

/// Checks that text input is text: UTF-8, no NUL, hardly any control characters.
pub(super) fn decode_text(bytes: &[u8]) -> Result<&str, ImportError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotText)?;
    let mut total: usize = 0;
    let mut odd: usize = 0;
    for c in text.chars() {
        total = total.saturating_add(1);
        if c == '\0' {
            return Err(ImportError::NotText);
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{b}' | '\u{c}') {
            odd = odd.saturating_add(1);
        }
    }
    // A stray control character happens in real files; many of them mean a binary file.
    if odd > 0 && odd.saturating_mul(50) > total {
        return Err(ImportError::NotText);
    }
    Ok(text)
}

/// Collapses all whitespace (and control characters) to single spaces and trims.
pub(super) fn normalise_ws(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cuts `text` to at most `max` chars.
pub(super) fn truncate_chars(mut text: String, max: usize) -> String {
    if let Some((index, _)) = text.char_indices().nth(max) {
        text.truncate(index);
        text.truncate(text.trim_end().len());
    }
    text
}

/// Characters that separate a keyword number from its heading: "Article 5. Scope",
/// "Chapter 2 – Definitions", "PART I: GENERAL".
pub(super) const SEPARATORS: &[char] = &['.', ':', '-', '–', '—', ')', ',', ';'];

/// The value of a number word ("One", "deux", "premier", "Ier").
pub(super) fn number_word(word: &str) -> Option<u32> {
    const WORDS: &[(&str, u32)] = &[
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
        ("twenty", 20),
        ("premier", 1),
        ("première", 1),
        ("premiere", 1),
        ("ier", 1),
        ("un", 1),
        ("une", 1),
        ("deux", 2),
        ("trois", 3),
        ("quatre", 4),
        ("cinq", 5),
        ("sept", 7),
        ("huit", 8),
        ("neuf", 9),
        ("dix", 10),
    ];
    let lower = word.to_lowercase();
    WORDS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|&(_, value)| value)
}

/// The value of a canonical roman numeral ("iv" → 4), any case; `None` for anything else.
pub(super) fn roman_value(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 15 {
        return None;
    }
    let mut total: u32 = 0;
    let mut highest: u32 = 0;
    for c in text.chars().rev() {
        let value = match c.to_ascii_lowercase() {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            'l' => 50,
            'c' => 100,
            'd' => 500,
            'm' => 1000,
            _ => return None,
        };
        if value < highest {
            total = total.checked_sub(value)?;
        } else {
            total = total.checked_add(value)?;
            highest = value;
        }
    }
    // Only the canonical spelling counts, so "iiii" or "vx" are not numerals.
    (to_roman(total)?.eq_ignore_ascii_case(text)).then_some(total)
}

/// The canonical lowercase roman numeral for 1..=3999.
pub(super) fn to_roman(mut n: u32) -> Option<String> {
    const TABLE: &[(u32, &str)] = &[
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    if n == 0 || n > 3999 {
        return None;
    }
    let mut out = String::new();
    for &(value, letters) in TABLE {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    Some(out)
}
