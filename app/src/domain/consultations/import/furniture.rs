//! What a text carries that is not the draft: a table of contents at its top (each entry is
//! printed again as the real heading further down) and, in text extracted from a PDF, the
//! page furniture printed on every page ("5419/1/16 REV 1 12 EN", "- 12 -").

use std::collections::HashMap;

/// Titles a table of contents starts with.
const CONTENTS_TITLES: &[&str] = &[
    "contents",
    "table of contents",
    "arrangement of sections",
    "inhalt",
    "inhaltsübersicht",
    "inhaltsverzeichnis",
    "sommaire",
    "table des matières",
    "inhoud",
    "inhoudsopgave",
    "содержание",
    "оглавление",
    "зміст",
    "spis treści",
    "índice",
    "indice",
    "sumario",
    "sommario",
];

/// A line as a table of contents and the heading it lists would both print it: lower case,
/// words only, without Markdown marks, dot leaders or a page number at the end.
fn entry_key(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.chars().nth(160).is_some() {
        return None;
    }
    // Without HTML tags (`<a id="8"></a>`) and link targets (`[8](#8)`).
    let mut plain = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            rest = rest.get(end + 1..).unwrap_or("");
            continue;
        }
        if rest.starts_with("](")
            && let Some(end) = rest.find(')')
        {
            plain.push(' ');
            rest = rest.get(end + 1..).unwrap_or("");
            continue;
        }
        plain.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    let mut words: Vec<String> = plain
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | '#' | '*' | '_' | '|')
        })
        .filter(|w| !w.is_empty() && !w.starts_with("http"))
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, '.' | '…' | '—' | '–' | '-' | ':' | ','))
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    // A page number after the title.
    if words.len() > 2
        && words
            .last()
            .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()))
    {
        words.pop();
    }
    (words.len() >= 2).then(|| words.join(" "))
}

/// Removes a table of contents: a run of lines near the top whose entries are all printed
/// again later (as the headings they list), with the "Contents" title before it. Kept as is
/// when there is none.
pub(super) fn strip_contents(text: &str) -> std::borrow::Cow<'_, str> {
    let lines: Vec<&str> = text.split('\n').collect();
    let keys: Vec<Option<String>> = lines.iter().map(|l| entry_key(l)).collect();
    let mut last_seen: HashMap<&str, usize> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        if let Some(key) = key {
            last_seen.insert(key.as_str(), i);
        }
    }
    // Only the first third of a text can hold its table of contents.
    let horizon = lines.len() / 3 + 1;
    let mut i = 0;
    while i < horizon {
        let listed_later = |k: usize, after: usize| {
            keys.get(k)
                .and_then(|key| key.as_deref())
                .and_then(|key| last_seen.get(key))
                .is_some_and(|&last| last > after)
        };
        if !listed_later(i, i) {
            i += 1;
            continue;
        }
        // Extend the run while entries keep being listed later; allow a few wrapped lines.
        let mut end = i;
        let mut matched = 0usize;
        let mut misses = 0usize;
        let mut k = i;
        while k < lines.len() {
            let blank = lines.get(k).is_none_or(|l| l.trim().is_empty());
            if blank {
                k += 1;
                continue;
            }
            if listed_later(k, k) {
                matched += 1;
                misses = 0;
                end = k + 1;
            } else {
                misses += 1;
                if misses > 2 {
                    break;
                }
            }
            k += 1;
        }
        let run: Vec<usize> = (i..end)
            .filter(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty()))
            .collect();
        // The run must be a list: mostly entries, and the entries must come back after it.
        let entries_after = run.iter().filter(|&&k| listed_later(k, end)).count();
        // A list of different entries: the same line over and over is not a contents list.
        let distinct: std::collections::HashSet<&str> = run
            .iter()
            .filter_map(|&k| keys.get(k).and_then(|key| key.as_deref()))
            .collect();
        // The title above the run.
        let title = (0..i)
            .rev()
            .find(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty()))
            .filter(|&title| {
                lines.get(title).is_some_and(|l| {
                    let t = l
                        .trim()
                        .trim_matches(|c: char| c == '#' || c == '*' || c.is_whitespace());
                    CONTENTS_TITLES
                        .iter()
                        .any(|c| t.eq_ignore_ascii_case(c) || t.to_lowercase() == *c)
                })
            });
        // Without a title, only a long list of headings: a list of points printed twice
        // ("a) finansują je w ponad 50%, lub" under two points) is no contents.
        let headings = run
            .iter()
            .filter(|&&k| {
                lines.get(k).is_some_and(|l| {
                    let l = l.trim().trim_start_matches(['#', '*', ' ']);
                    super::markers::parse_keyword_heading(l, None).is_some()
                        || super::markers::bare_section(l).is_some()
                })
            })
            .count();
        let listed = title.is_some() || (matched >= 8 && headings * 10 >= run.len() * 7);
        if listed
            && matched >= 4
            && entries_after * 10 >= run.len() * 7
            && distinct.len() * 10 >= matched * 8
        {
            let start = title.unwrap_or(i);
            let mut out = String::with_capacity(text.len());
            for (k, line) in lines.iter().enumerate() {
                if k >= start && k < end {
                    out.push('\n');
                    continue;
                }
                out.push_str(line);
                out.push('\n');
            }
            return std::borrow::Cow::Owned(out);
        }
        i = end.max(i + 1);
    }
    std::borrow::Cow::Borrowed(text)
}

/// A line with its digits masked, for finding lines printed on every page.
fn masked(line: &str) -> String {
    line.trim()
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Whether a repeated line looks like page furniture rather than text: short, with a number,
/// and not a sentence.
fn furniture_like(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.chars().nth(80).is_some() {
        return false;
    }
    let digits = line.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        // "AV/NT/sr", "EN": a typist's reference or a language code, a word of its own.
        let token = !line.contains(char::is_whitespace) && line.chars().count() <= 12;
        let code = line.contains('/')
            || (line.chars().count() <= 3 && line.chars().all(|c| c.is_ascii_uppercase()));
        return token && code;
    }
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let lower_words = line
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_lowercase))
        .count();
    // "12", "- 12 -", "5419/1/16 REV 1 12 EN", "L 101/4 EN Official Journal of the European Union 15.4.2011".
    letters == 0
        || lower_words == 0
        || digits * 4 >= line.chars().count()
        || line.contains(" EN ")
        || line.ends_with(" EN")
}

/// Removes page furniture from text extracted from a PDF: lines printed on at least three
/// pages (the same once their numbers are masked) that look like headers, footers or page
/// numbers. Lines that start a unit ("1.", "Article 5") are never removed.
pub(super) fn strip_page_furniture(text: &str) -> std::borrow::Cow<'_, str> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in text.split('\n') {
        if furniture_like(line) {
            *counts.entry(masked(line)).or_insert(0) += 1;
        }
    }
    if counts.values().all(|&n| n < 3) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let drop = furniture_like(line)
            && counts.get(&masked(line)).is_some_and(|&n| n >= 3)
            && !starts_like_a_unit(line);
        if !drop {
            out.push_str(line);
        }
        out.push('\n');
    }
    std::borrow::Cow::Owned(out)
}

/// "1. Member States…", "(a) the…", "(1)" on a line of its own, "Article 5": never furniture.
fn starts_like_a_unit(line: &str) -> bool {
    super::markers::parse_marker(line, false, None).is_some()
        || super::markers::parse_keyword_heading(line, None).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_of_contents_is_removed_and_the_headings_stay() {
        let text = "An Act about things\n\nContents\nPart 1—Preliminary\n1 Short title\n2 Commencement\n3 Definitions\nPart 2—Registering\n4 Who may register\n\nThe Parliament enacts:\n\nPart 1—Preliminary\n1  Short title\nThis Act is the Things Act.\n2  Commencement\nThis Act commences on Royal Assent.\n3  Definitions\nIn this Act: thing means a thing.\nPart 2—Registering\n4  Who may register\nAnyone may.\n";
        let out = strip_contents(text);
        assert!(!out.contains("Contents"), "{out}");
        assert_eq!(out.matches("Part 1—Preliminary").count(), 1, "{out}");
        assert!(out.contains("This Act is the Things Act."));
        assert!(out.contains("An Act about things"));
    }

    #[test]
    fn a_text_without_contents_is_kept() {
        let text = "Article 1\nScope\nThis applies.\nArticle 2\nDefinitions\nWords mean things.\n";
        assert_eq!(strip_contents(text), text);
    }

    #[test]
    fn page_furniture_goes_and_text_stays() {
        let mut text = String::new();
        for page in 1..=4 {
            text.push_str(&format!(
                "Member States shall act on page {page}.\n5419/1/16 REV 1 {page} EN\n"
            ));
        }
        text.push_str("1. Article 2 applies.\n1. Article 2 applies.\n1. Article 2 applies.\n");
        let out = strip_page_furniture(&text);
        assert!(!out.contains("REV 1"), "{out}");
        assert_eq!(out.matches("Member States shall act").count(), 4);
        assert_eq!(out.matches("1. Article 2 applies.").count(), 3);
    }
}
