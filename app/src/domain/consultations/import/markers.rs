//! Markers and keywords: what starts a paragraph ("1.", "(a)", "(iv)") and keyword headings
//! ("Chapter 2", "Article 5").

use super::text::{SEPARATORS, number_word, roman_value};
use super::tradition::{Keyword, Style, Tradition, is_latin_suffix, keywords_for, ordinal_word};
use super::{MAX_STANDALONE_HEADING_CHARS, SectionKind};

/// How a marker is written around its number or letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// `(1)`, `(a)`.
    Paren,
    /// `1)`, `a)`.
    Close,
    /// `1.`, `a.`, `I.`, and multi-part numbers (`3.2`).
    Dot,
    /// `1°`, `1.º`.
    Degree,
    /// `§ 1.`.
    Sign,
}

/// The letters of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    /// `a`, `iv`.
    Lower,
    /// `A`, `IV` (kept in lower case in `letters`).
    Upper,
    /// `а`, `б`.
    Cyrillic,
}

/// What starts a paragraph, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Marker {
    /// A numbered paragraph: "1.", "1)", "(1)", "(1A)", "2a.", "1°", "§ 1.", "3.2", "3.2.1".
    Para {
        printed: String,
        comps: Vec<u32>,
        form: Form,
    },
    /// A lettered or roman point: "(a)", "a)", "a.", "(iv)", "i)", "(A)", "I.", "а)".
    Point {
        printed: String,
        letters: String,
        form: Form,
        script: Script,
    },
    /// A bullet ("-", "•") or an unordered Markdown list item, with its list nesting.
    Bullet { nest: u16 },
    /// An item of an ordered Markdown list nested in another list.
    Nested { printed: String, nest: u16 },
}

impl Marker {
    /// The styles this marker can be on a tradition's ladder ("(i)" is a letter or a numeral).
    pub(super) fn styles(&self) -> Vec<Style> {
        match self {
            Marker::Para { comps, form, .. } if comps.len() == 1 => vec![match form {
                Form::Paren => Style::ParenNumber,
                Form::Close => Style::CloseNumber,
                Form::Dot => Style::DotNumber,
                Form::Degree => Style::Degree,
                Form::Sign => Style::SectionSign,
            }],
            Marker::Point {
                letters,
                form,
                script,
                ..
            } => {
                let roman = roman_value(letters).is_some();
                let double = {
                    let b = letters.as_bytes();
                    b.len() == 2 && b.first() == b.get(1)
                };
                let mut out = Vec::new();
                match (script, form) {
                    (Script::Lower, Form::Paren) => {
                        out.push(Style::ParenLetter);
                        if roman {
                            out.push(Style::ParenRoman);
                        }
                    }
                    (Script::Lower, Form::Close) => {
                        if double {
                            out.push(Style::DoubleLetter);
                        }
                        out.push(Style::CloseLetter);
                        if roman {
                            out.push(Style::CloseRoman);
                        }
                    }
                    (Script::Lower, _) => out.push(Style::DotLetter),
                    (Script::Upper, Form::Paren) => out.push(Style::ParenUpper),
                    (Script::Upper, _) => out.push(Style::UpperRomanDot),
                    (Script::Cyrillic, _) => out.push(Style::Cyrillic),
                }
                out
            }
            _ => Vec::new(),
        }
    }
}

/// Whether what follows a marker lets it be a marker (a space or the end of the line).
pub(super) fn ends_token(after: &str) -> bool {
    after.is_empty() || after.starts_with(char::is_whitespace)
}

/// The Cyrillic letters used for points, in order (Russian and Ukrainian).
const CYRILLIC_POINTS: &str = "абвгґдеєжзиіїйклмнопрстуфхцчшщэюя";

/// The position of a Cyrillic point letter (а = 1), if it is one.
pub(super) fn cyrillic_value(letters: &str) -> Option<u32> {
    let mut chars = letters.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    CYRILLIC_POINTS
        .chars()
        .position(|x| x == c)
        .and_then(|p| u32::try_from(p + 1).ok())
}

/// Splits "12", "4a", "1A", "2bis", "1-bis" into the number and its inserted suffix.
fn number_and_suffix(token: &str, upper_ok: bool) -> Option<(u32, &str)> {
    let digits = token.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let n: u32 = token.get(..digits)?.parse().ok()?;
    let suffix = token.get(digits..)?;
    let bare = suffix.strip_prefix('-').unwrap_or(suffix);
    let ok = suffix.is_empty()
        || is_latin_suffix(bare)
        || (suffix.len() <= 2
            && suffix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (upper_ok && b.is_ascii_uppercase())));
    ok.then_some((n, suffix))
}

/// Reads a paragraph or point marker at the start of `line`; `bullets` also accepts "-", "*",
/// "•" bullets (plain text and DOCX, where Markdown would have made a list). Forms that only
/// some traditions use (`§ 1.`, `(A)`, `I.`, `а)`) are read only when `tradition` has them.
pub(super) fn parse_marker(
    line: &str,
    bullets: bool,
    tradition: Option<Tradition>,
) -> Option<(Marker, &str)> {
    let s = line.trim_start();
    let mut chars = s.chars();
    let first = chars.next()?;
    let allows = |style: Style| tradition.is_some_and(|t| t.level_of(style).is_some());
    if bullets && matches!(first, '-' | '*' | '•' | '–' | '·' | '▪' | '◦') {
        let rest = chars.as_str();
        return ends_token(rest).then(|| (Marker::Bullet { nest: 0 }, rest.trim_start()));
    }
    if first == '§' && allows(Style::SectionSign) {
        let rest = chars.as_str().trim_start();
        let end = rest.find('.')?;
        let token = rest.get(..end)?;
        let (n, _) = number_and_suffix(token, false)?;
        let after = rest.get(end + 1..)?;
        if !ends_token(after) {
            return None;
        }
        let marker = Marker::Para {
            printed: format!("§ {token}."),
            comps: vec![n],
            form: Form::Sign,
        };
        return Some((marker, after.trim_start()));
    }
    // "[1]": a Swiss Absatz number as the Fedlex converter prints its superscript.
    if first == '[' && tradition == Some(Tradition::German) {
        let (token, after) = chars.as_str().split_once(']')?;
        let (n, _) = number_and_suffix(token, true)?;
        if !ends_token(after) || token.len() > 6 {
            return None;
        }
        let marker = Marker::Para {
            printed: format!("[{token}]"),
            comps: vec![n],
            form: Form::Paren,
        };
        return Some((marker, after.trim_start()));
    }
    if first == '(' {
        let (token, after) = chars.as_str().split_once(')')?;
        if !ends_token(after) || token.is_empty() || token.len() > 8 {
            return None;
        }
        let rest = after.trim_start();
        let printed = format!("({token})");
        if let Some((n, _)) = number_and_suffix(token, true) {
            let marker = Marker::Para {
                printed,
                comps: vec![n],
                form: Form::Paren,
            };
            return Some((marker, rest));
        }
        if token.len() <= 4 && token.bytes().all(|b| b.is_ascii_lowercase()) {
            let marker = Marker::Point {
                printed,
                letters: token.to_owned(),
                form: Form::Paren,
                script: Script::Lower,
            };
            return Some((marker, rest));
        }
        if token.len() <= 4
            && token.bytes().all(|b| b.is_ascii_uppercase())
            && allows(Style::ParenUpper)
        {
            let marker = Marker::Point {
                printed,
                letters: token.to_ascii_lowercase(),
                form: Form::Paren,
                script: Script::Upper,
            };
            return Some((marker, rest));
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
        // An inserted number: "2¹.", "2a.", "4b)", "1-bis.".
        while let Some(c) = s.get(i..).and_then(|t| t.chars().next())
            && is_superscript_digit(c)
            && comps.len() == 1
        {
            i += c.len_utf8();
        }
        // "12 - 1 )", "16 - 1 .": an inserted number as Ukrainian law prints it.
        if comps.len() == 1
            && let Some(tail) = s.get(i..)
            && let Some(after_dash) = tail.trim_start_matches(' ').strip_prefix('-')
            && tail.starts_with(' ')
        {
            let after_dash = after_dash.trim_start_matches(' ');
            let digits = after_dash.bytes().take_while(u8::is_ascii_digit).count();
            let close = after_dash.get(digits..).map(|t| t.trim_start_matches(' '));
            if (1..=3).contains(&digits) && close.is_some_and(|t| t.starts_with(['.', ')'])) {
                let consumed = tail.len() - close.map_or(0, str::len);
                i += consumed;
                // Printed with its spaces; the close is read below.
            }
        }
        if comps.len() == 1 {
            let tail = s.get(i..)?;
            let word_end = tail
                .find(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
                .unwrap_or(tail.len());
            let word = tail.get(..word_end)?;
            let bare = word.strip_prefix('-').unwrap_or(word);
            let letters_ok = !word.is_empty()
                && ((word.len() == 1 && word.bytes().all(|b| b.is_ascii_lowercase()))
                    || (word.starts_with('-') && is_latin_suffix(bare)));
            if letters_ok && matches!(tail.as_bytes().get(word_end), Some(b'.' | b')')) {
                i += word_end;
            }
        }
        let (form, len) = match s.get(i..)? {
            t if t.starts_with(".º") || t.starts_with(".ª") => (Form::Degree, 1 + 'º'.len_utf8()),
            // "1°", and "1°." as Dutch law writes it.
            t if t.starts_with("°.") || t.starts_with("º.") => (Form::Degree, '°'.len_utf8() + 1),
            t if t.starts_with('°') || t.starts_with('º') => (Form::Degree, '°'.len_utf8()),
            t if t.starts_with('.') => (Form::Dot, 1),
            t if t.starts_with(')') => (Form::Close, 1),
            // "3.2 Text" needs no closing dot; a bare "3 Text" is not a marker.
            _ if comps.len() >= 2 => (Form::Dot, 0),
            _ => return None,
        };
        i += len;
        // "3° bis": an inserted item.
        if form == Form::Degree
            && let Some(tail) = s.get(i..).and_then(|t| t.strip_prefix(' '))
        {
            let word_end = tail
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(tail.len());
            if tail.get(..word_end).is_some_and(is_latin_suffix) {
                i += 1 + word_end;
            }
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
                form,
            },
            after.trim_start(),
        ));
    }
    if first.is_ascii_lowercase() {
        let end = s.find(|c: char| !c.is_ascii_lowercase()).unwrap_or(s.len());
        let letters = s.get(..end)?;
        // "a-bis)", "a[bis].": an inserted point.
        let mut close_at = end;
        if let Some(tail) = s.get(end..).and_then(|t| t.strip_prefix(['-', '['])) {
            let word_end = tail
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(tail.len());
            let bracket = s.as_bytes().get(end) == Some(&b'[');
            let closer = if bracket { b']' } else { b')' };
            if tail.get(..word_end).is_some_and(is_latin_suffix)
                && tail.as_bytes().get(word_end) == Some(&closer)
            {
                close_at = end + 1 + word_end + usize::from(bracket);
            }
        }
        let closing = s.get(close_at..)?.chars().next()?;
        let after = s.get(close_at.saturating_add(1)..)?;
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
        let printed = s.get(..close_at.saturating_add(1))?.to_owned();
        let form = if closing == ')' {
            Form::Close
        } else {
            Form::Dot
        };
        return Some((
            Marker::Point {
                printed,
                letters: letters.to_owned(),
                form,
                script: Script::Lower,
            },
            after.trim_start(),
        ));
    }
    if first.is_ascii_uppercase() && allows(Style::UpperRomanDot) {
        let end = s.find(|c: char| !c.is_ascii_uppercase()).unwrap_or(s.len());
        let letters = s.get(..end)?;
        let after = s.get(end..)?.strip_prefix('.')?;
        // "I.-L'infraction…", "II. - Est puni…": French law's dash after the number.
        let dashed = after.trim_start().strip_prefix(['-', '–', '—']);
        let after = dashed.unwrap_or(after);
        if roman_value(letters).is_none() || !(dashed.is_some() || ends_token(after)) {
            return None;
        }
        let printed = s.get(..end + 1)?.to_owned();
        let marker = Marker::Point {
            printed,
            letters: letters.to_ascii_lowercase(),
            form: Form::Dot,
            script: Script::Upper,
        };
        return Some((marker, after.trim_start()));
    }
    if cyrillic_value(&first.to_string()).is_some() && allows(Style::Cyrillic) {
        // "ж¹)": an inserted point.
        let rest = chars.as_str().trim_start_matches(is_superscript_digit);
        let after = rest.strip_prefix(')')?;
        if !ends_token(after) {
            return None;
        }
        let printed = format!("{})", s.get(..s.len() - rest.len())?);
        let marker = Marker::Point {
            printed,
            letters: first.to_string(),
            form: Form::Close,
            script: Script::Cyrillic,
        };
        return Some((marker, after.trim_start()));
    }
    None
}

/// A heading recognised by its keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeywordHeading {
    pub(super) kind: SectionKind,
    /// Its keyword and number as printed: "Article 5", "§ 232a", "Erster Abschnitt".
    pub(super) number: String,
    pub(super) heading: String,
    /// The keyword, with its tier.
    pub(super) keyword: Keyword,
    /// The value of its main number, for telling a heading from a reference ("Article 263"
    /// among Articles 1 to 99 is a reference), when it has one.
    pub(super) value: Option<u32>,
}

/// Reads "Chapter 2 – Definitions", "Article 5. Scope", "PART I: GENERAL", "Art. 12",
/// "§ 232a Menschenhandel", "Erster Abschnitt – Das Strafgesetz", "Статья 127.1.".
pub(super) fn parse_keyword_heading(
    text: &str,
    tradition: Option<Tradition>,
) -> Option<KeywordHeading> {
    let s = text.trim_start();
    // An ordinal before the keyword: "Erster Abschnitt", "Eerste Boek", "Zweiter Teil".
    if let Some((word, after)) = s.split_once(char::is_whitespace)
        && let Some(value) = ordinal_word(word)
        && !word.is_empty()
    {
        let after = after.trim_start();
        for &keyword in keywords_for(tradition) {
            let Some(rest) = strip_keyword(after, keyword.word) else {
                continue;
            };
            if !rest.is_empty()
                && !rest.starts_with(|c: char| c.is_whitespace() || SEPARATORS.contains(&c))
            {
                continue;
            }
            let printed_keyword = after.get(..after.len() - rest.len()).unwrap_or("");
            let heading = rest
                .trim_start_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c))
                .trim();
            return Some(KeywordHeading {
                kind: keyword.kind,
                number: format!("{word} {printed_keyword}"),
                heading: heading.to_owned(),
                keyword,
                value: Some(value),
            });
        }
    }
    for &keyword in keywords_for(tradition) {
        let Some(after) = strip_keyword(s, keyword.word) else {
            continue;
        };
        let printed_keyword = s.get(..s.len() - after.len()).unwrap_or("");
        let trimmed = after.trim_start();
        // "Particle 5" is not "Part"; "Art.5" and "§232" are fine.
        let glued = keyword.word.ends_with('.') || keyword.word == "§";
        if !glued && trimmed.len() == after.len() {
            continue;
        }
        let Some((token, rest)) = parse_number_token(trimmed) else {
            continue;
        };
        let heading = rest
            .trim_start_matches(|c: char| c.is_whitespace() || SEPARATORS.contains(&c))
            .trim();
        return Some(KeywordHeading {
            kind: keyword.kind,
            number: format!("{printed_keyword} {token}"),
            heading: heading.to_owned(),
            keyword,
            value: token_value(token),
        });
    }
    named_heading(s, tradition)
}

/// A unit that has a name instead of a number: "SCHEDULE", "The Schedule—Persons whose
/// consent…", "CZĘŚĆ OGÓLNA", "Disposición derogatoria.". The keyword stands alone, or before
/// a dash and the title, or (outside articles) with at most three more words in capitals.
fn named_heading(s: &str, tradition: Option<Tradition>) -> Option<KeywordHeading> {
    let body = s
        .strip_prefix("The ")
        .or_else(|| s.strip_prefix("THE "))
        .unwrap_or(s);
    for &keyword in keywords_for(tradition) {
        if keyword.word.ends_with('.') || keyword.word == "§" {
            continue;
        }
        let Some(after) = strip_keyword(body, keyword.word) else {
            continue;
        };
        let rest = after.trim_end_matches('.').trim();
        let (number, heading) = if rest.is_empty() {
            (s.trim_end_matches('.').trim(), "")
        } else if let Some(title) = rest.strip_prefix(['—', '–']) {
            let at = s.len() - after.len();
            (s.get(..at)?.trim(), title.trim())
        } else if !after.starts_with(char::is_whitespace) {
            continue;
        } else {
            let capitals = s.chars().any(char::is_alphabetic)
                && !s.chars().any(char::is_lowercase)
                && rest.split_whitespace().count() <= 3
                && rest.chars().all(|c| c.is_alphabetic() || c == ' ');
            if !capitals || keyword.tier >= super::tradition::TIER_ARTICLE {
                continue;
            }
            (s.trim(), "")
        };
        return Some(KeywordHeading {
            kind: keyword.kind,
            number: number.to_owned(),
            heading: heading.to_owned(),
            keyword,
            value: None,
        });
    }
    None
}

/// `text` without `keyword` at its start (any case), if it starts with it.
pub(super) fn strip_keyword<'t>(text: &'t str, keyword: &str) -> Option<&'t str> {
    let mut rest = text;
    for k in keyword.chars() {
        let c = rest.chars().next()?;
        if !c.to_lowercase().eq(k.to_lowercase()) {
            return None;
        }
        rest = rest.get(c.len_utf8()..)?;
    }
    Some(rest)
}

/// The value of a number token: "5" → 5, "127.1" → 127, "IV" → 4, "premier" → 1, "A" → 1.
pub(super) fn token_value(token: &str) -> Option<u32> {
    let digits: String = token
        .trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '.' || c == ' ')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    let word = token.split([' ', '-']).next().unwrap_or(token);
    if let Some(v) = roman_value(word).or_else(|| inserted_roman(word)) {
        return Some(v);
    }
    if let Some(v) = number_word(word).or_else(|| ordinal_word(word)) {
        return Some(v);
    }
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => {
            Some(u32::from(c.to_ascii_lowercase()) - u32::from('a') + 1)
        }
        _ => None,
    }
}

/// The value of an inserted unit numbered in capital roman numerals and a letter: "IA" → 1,
/// "XIXA" → 19 (Part IA, Titel XIXA).
fn inserted_roman(word: &str) -> Option<u32> {
    let (numeral, letter) = word.split_at_checked(word.len().checked_sub(1)?)?;
    let capitals = word.len() >= 2 && word.bytes().all(|b| b.is_ascii_uppercase());
    if !capitals || !letter.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    roman_value(numeral)
}

/// Reads the number after a keyword: "5", "5.2", "1er", "5bis", "5 bis", "18-ter", "IV",
/// "One", "premier", "A", "225-4-1", "L. 111-1", "127.1", "1-1".
pub(super) fn parse_number_token(s: &str) -> Option<(&str, &str)> {
    let first = s.chars().next()?;
    let bytes = s.as_bytes();
    // French code articles: "L. 111-1", "R111-2", "D. 4".
    let mut start = 0usize;
    if matches!(first, 'L' | 'R' | 'D' | 'A') {
        let mut j = 1usize;
        if bytes.get(j) == Some(&b'*') {
            j += 1;
        }
        if bytes.get(j) == Some(&b'.') {
            j += 1;
        }
        if bytes.get(j) == Some(&b' ') {
            j += 1;
        }
        // "L. 425-1", "L*425-1", and glued "L425-1" (a hyphen inside tells it from "A1").
        let glued_code = j == 1
            && s.get(1..)
                .map(|t| t.split(|c: char| c.is_whitespace()).next().unwrap_or(""))
                .is_some_and(|t| t.contains('-') && t.starts_with(|c: char| c.is_ascii_digit()));
        if (j > 1 || glued_code) && bytes.get(j).is_some_and(u8::is_ascii_digit) {
            start = j;
        }
    }
    let lead = s.get(start..)?.chars().next()?;
    let mut end = if lead.is_ascii_digit() {
        let mut i = start;
        loop {
            let from = i;
            while bytes.get(i).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
            }
            if i - from > 6 {
                return None;
            }
            let joined = matches!(bytes.get(i), Some(b'.' | b'-'))
                && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
            if !joined {
                break;
            }
            i += 1;
        }
        // "127¹": an inserted number printed as a superscript.
        while let Some(c) = s.get(i..).and_then(|t| t.chars().next())
            && is_superscript_digit(c)
        {
            i += c.len_utf8();
        }
        // "146 - 1": an inserted number with spaces around its hyphen.
        if let Some(tail) = s.get(i..) {
            let spaced = tail.trim_start_matches(' ');
            if let Some(after_dash) = spaced.strip_prefix('-') {
                let after_dash = after_dash.trim_start_matches(' ');
                let digits = after_dash.bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 && digits <= 4 && spaced.len() != tail.len() {
                    i = s.len() - after_dash.len() + digits;
                }
            }
        }
        // "1.ª", "2.º": a Spanish ordinal.
        for ordinal in [".ª", ".º", "ª", "º"] {
            if s.get(i..).is_some_and(|t| t.starts_with(ordinal)) {
                i += ordinal.len();
                break;
            }
        }
        // "185[bis]": the Fedlex converter's bracketed suffix.
        if bytes.get(i) == Some(&b'[')
            && let Some(close) = s.get(i + 1..).and_then(|t| t.find(']'))
            && s.get(i + 1..i + 1 + close).is_some_and(is_latin_suffix)
        {
            i += close + 2;
        }
        let suffix_start = i;
        while bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
            i += 1;
        }
        if i - suffix_start > 6 {
            return None;
        }
        i
    } else if lead.is_alphabetic() {
        let end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
        let word = s.get(..end)?;
        let single_letter = word.chars().count() == 1;
        let roman =
            word.is_ascii() && (roman_value(word).is_some() || inserted_roman(word).is_some());
        if !(single_letter || roman || number_word(word).is_some() || ordinal_word(word).is_some())
        {
            return None;
        }
        end
    } else {
        return None;
    };
    // "5 bis", "18-ter", "IV bis".
    if let Some(tail) = s.get(end..)
        && let Some(sep) = tail.chars().next()
        && (sep == ' ' || sep == '-')
    {
        let word_start = end + 1;
        let word_end = s
            .get(word_start..)?
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(s.len(), |k| word_start + k);
        if s.get(word_start..word_end).is_some_and(is_latin_suffix) {
            end = word_end;
        }
    }
    let token = s.get(..end)?;
    let rest = s.get(end..)?;
    let terminated =
        rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || SEPARATORS.contains(&c));
    terminated.then_some((token, rest))
}

/// Whether `c` is a superscript digit ("127¹", "2¹.").
pub(super) fn is_superscript_digit(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴' | '⁵' | '⁶' | '⁷' | '⁸' | '⁹')
}

/// A keyword heading written as a short line of its own ("Article 5 – Scope"), as opposed to a
/// sentence that happens to start with a keyword ("Article 5 applies to…", "Article 263 TFEU.
/// As addressees…", "Chapter II (principles), …").
pub(super) fn standalone_heading(
    line: &str,
    tradition: Option<Tradition>,
) -> Option<KeywordHeading> {
    if line.chars().nth(MAX_STANDALONE_HEADING_CHARS).is_some() {
        return None;
    }
    let heading = parse_keyword_heading(line, tradition)?;
    let title = heading.heading.as_str();
    let sentence_like = title.starts_with(|c: char| c.is_lowercase())
        || title.ends_with([',', ';', '…'])
        || title.ends_with("...")
        || title.contains("), ")
        // "Article 263 TFEU. As addressees…": a sentence goes on after a short word.
        || title
            .split_once(". ")
            .is_some_and(|(head, tail)| head.len() <= 12 && !tail.is_empty() && !head.contains(' '));
    (!sentence_like).then_some(heading)
}

/// Whether `line` can be the title of a bare keyword line above it ("Article 5" / "Scope").
pub(super) fn is_heading_title_line(
    line: &str,
    bullets: bool,
    tradition: Option<Tradition>,
) -> bool {
    line.chars().nth(100).is_none()
        && !line.ends_with(['.', ';', ':', ','])
        && parse_marker(line, bullets, tradition).is_none()
        && parse_keyword_heading(line, tradition).is_none()
}

/// A Commonwealth section written as its bare number and title: "8  Are you entitled to an
/// ABN?", "1 Slavery, servitude and forced or compulsory labour", "12A Meaning of…". Returns
/// the number and the title.
pub(super) fn bare_section(line: &str) -> Option<(&str, &str)> {
    if line.chars().nth(MAX_STANDALONE_HEADING_CHARS).is_some() {
        return None;
    }
    let end = line
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(line.len());
    let number = line.get(..end)?;
    let digits = number.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = number.get(digits..)?;
    if digits == 0
        || digits > 4
        || suffix.len() > 2
        || !suffix.bytes().all(|b| b.is_ascii_uppercase())
    {
        return None;
    }
    let rest = line.get(end..)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let title = rest.trim_start();
    let title_like = title.starts_with(|c: char| c.is_uppercase())
        && !title.ends_with(['.', ';', ',', ':'])
        && title.split_whitespace().count() <= 20;
    title_like.then_some((number, title))
}
