//! Markers and keywords: what starts a paragraph ("1.", "(a)", "(iv)") and keyword headings
//! ("Chapter 2", "Article 5").

use super::text::{SEPARATORS, number_word, roman_value};
use super::{MAX_STANDALONE_HEADING_CHARS, SectionKind};

/// What starts a paragraph, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Marker {
    /// A numbered paragraph: "1.", "1)", "(1)", "3.2", "3.2.1".
    Para { printed: String, comps: Vec<u32> },
    /// A lettered or roman point: "(a)", "a)", "a.", "(iv)", "i)".
    Point { printed: String, letters: String },
    /// A bullet ("-", "•") or an unordered Markdown list item, with its list nesting.
    Bullet { nest: u16 },
    /// An item of an ordered Markdown list nested in another list.
    Nested { printed: String, nest: u16 },
}

/// Whether what follows a marker lets it be a marker (a space or the end of the line).
pub(super) fn ends_token(after: &str) -> bool {
    after.is_empty() || after.starts_with(char::is_whitespace)
}

/// Reads a paragraph or point marker at the start of `line`; `bullets` also accepts "-", "*",
/// "•" bullets (plain text and DOCX, where Markdown would have made a list).
pub(super) fn parse_marker(line: &str, bullets: bool) -> Option<(Marker, &str)> {
    let s = line.trim_start();
    let mut chars = s.chars();
    let first = chars.next()?;
    if bullets && matches!(first, '-' | '*' | '•' | '–' | '·' | '▪' | '◦') {
        let rest = chars.as_str();
        return ends_token(rest).then(|| (Marker::Bullet { nest: 0 }, rest.trim_start()));
    }
    if first == '(' {
        let (token, after) = chars.as_str().split_once(')')?;
        if !ends_token(after) || token.is_empty() || token.len() > 4 {
            return None;
        }
        let rest = after.trim_start();
        if token.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = token.parse().ok()?;
            let printed = format!("({token})");
            return Some((
                Marker::Para {
                    printed,
                    comps: vec![n],
                },
                rest,
            ));
        }
        if token.bytes().all(|b| b.is_ascii_lowercase()) {
            let printed = format!("({token})");
            let letters = token.to_owned();
            return Some((Marker::Point { printed, letters }, rest));
        }
        return None;
    }
    let bytes = s.as_bytes();
    if first.is_ascii_digit() {
        let mut comps = Vec::new();
        let mut i = 0usize;
        loop {
            let start = i;
            while bytes.get(i).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
            }
            if i == start || i - start > 4 || comps.len() >= 6 {
                return None;
            }
            comps.push(s.get(start..i)?.parse::<u32>().ok()?);
            let dot_then_digit =
                bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
            if !dot_then_digit {
                break;
            }
            i += 1;
        }
        match bytes.get(i) {
            Some(b'.' | b')') => i += 1,
            // "3.2 Text" needs no closing dot; a bare "3 Text" is not a marker.
            _ if comps.len() >= 2 => {}
            _ => return None,
        }
        let printed = s.get(..i)?;
        let after = s.get(i..)?;
        if !ends_token(after) {
            return None;
        }
        return Some((
            Marker::Para {
                printed: printed.to_owned(),
                comps,
            },
            after.trim_start(),
        ));
    }
    if first.is_ascii_lowercase() {
        let end = s.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(s.len());
        let letters = s.get(..end)?;
        let closing = s.get(end..)?.chars().next()?;
        let after = s.get(end.saturating_add(1)..)?;
        if !ends_token(after) || letters.len() > 4 {
            return None;
        }
        let ok = match closing {
            ')' => letters.len() <= 3 || roman_value(letters).is_some(),
            // "a." is risky in prose ("etc."), so only single letters and roman numerals.
            '.' => letters.len() == 1 || roman_value(letters).is_some(),
            _ => false,
        };
        if !ok {
            return None;
        }
        let printed = s.get(..end.saturating_add(1))?.to_owned();
        return Some((
            Marker::Point {
                printed,
                letters: letters.to_owned(),
            },
            after.trim_start(),
        ));
    }
    None
}

/// A heading recognised by its keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeywordHeading {
    pub(super) kind: SectionKind,
    pub(super) number: String,
    pub(super) heading: String,
}

/// Heading keywords, longest first where one is a prefix of another.
pub(super) const KEYWORDS: &[(&str, SectionKind)] = &[
    ("partie", SectionKind::Part),
    ("part", SectionKind::Part),
    ("titre", SectionKind::Part),
    ("title", SectionKind::Part),
    ("chapitre", SectionKind::Chapter),
    ("chapter", SectionKind::Chapter),
    ("chap.", SectionKind::Chapter),
    ("section", SectionKind::Section),
    ("article", SectionKind::Article),
    ("art.", SectionKind::Article),
    ("art", SectionKind::Article),
];

/// Reads "Chapter 2 – Definitions", "Article 5. Scope", "PART I: GENERAL", "Art. 12".
pub(super) fn parse_keyword_heading(text: &str) -> Option<KeywordHeading> {
    let s = text.trim_start();
    for &(keyword, kind) in KEYWORDS {
        let Some(printed_keyword) = s.get(..keyword.len()) else {
            continue;
        };
        if !printed_keyword.eq_ignore_ascii_case(keyword) {
            continue;
        }
        let after = s.get(keyword.len()..).unwrap_or("");
        let trimmed = after.trim_start();
        // "Particle 5" is not "Part"; "Art.5" is fine.
        if !keyword.ends_with('.') && trimmed.len() == after.len() {
            continue;
        }
        let Some((token, rest)) = parse_number_token(trimmed) else {
            continue;
        };
        let heading = rest
            .trim_start_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c))
            .trim();
        return Some(KeywordHeading {
            kind,
            number: format!("{printed_keyword} {token}"),
            heading: heading.to_owned(),
        });
    }
    None
}

/// Reads the number after a keyword: "5", "5.2", "1er", "5bis", "IV", "One", "premier", "A".
pub(super) fn parse_number_token(s: &str) -> Option<(&str, &str)> {
    let first = s.chars().next()?;
    let bytes = s.as_bytes();
    let end = if first.is_ascii_digit() {
        let mut i = 0usize;
        loop {
            let start = i;
            while bytes.get(i).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
            }
            if i - start > 6 {
                return None;
            }
            let dot_then_digit =
                bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
            if !dot_then_digit {
                break;
            }
            i += 1;
        }
        let suffix_start = i;
        while bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
            i += 1;
        }
        if i - suffix_start > 6 {
            return None;
        }
        i
    } else if first.is_alphabetic() {
        let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
        let word = s.get(..end)?;
        let single_letter = word.len() == 1 && first.is_ascii_alphabetic();
        let roman = word.is_ascii() && roman_value(word).is_some();
        if !(single_letter || roman || number_word(word).is_some()) {
            return None;
        }
        end
    } else {
        return None;
    };
    let token = s.get(..end)?;
    let rest = s.get(end..)?;
    let terminated =
        rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || SEPARATORS.contains(&c));
    terminated.then_some((token, rest))
}

/// A keyword heading written as a short line of its own ("Article 5 – Scope"), as opposed to a
/// sentence that happens to start with a keyword ("Article 5 applies to…").
pub(super) fn standalone_heading(line: &str) -> Option<KeywordHeading> {
    if line.chars().nth(MAX_STANDALONE_HEADING_CHARS).is_some() {
        return None;
    }
    let heading = parse_keyword_heading(line)?;
    let sentence_like = heading.heading.starts_with(|c: char| c.is_lowercase())
        || heading.heading.ends_with([',', ';']);
    (!sentence_like).then_some(heading)
}

/// Whether `line` can be the title of a bare keyword line above it ("Article 5" / "Scope").
pub(super) fn is_heading_title_line(line: &str, bullets: bool) -> bool {
    line.chars().nth(100).is_none()
        && !line.ends_with(['.', ';', ':', ','])
        && parse_marker(line, bullets).is_none()
        && parse_keyword_heading(line).is_none()
}
