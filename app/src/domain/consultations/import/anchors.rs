//! Anchors: the structural path of each section, fresh anchors from it, and carrying the
//! anchors of a previous version over to a new one ([`carry_anchors`]).

use std::collections::{HashMap, HashSet};

use super::classify::Builder;
use super::markers::strip_keyword;
use super::text::{normalise_ws, number_word};
use super::tradition::{Tradition, keyword_of, ordinal_word};
use super::{Limits, MAX_ANCHOR_LEN, ParsedSection, SectionKind};

/// A section of the previous version, for carrying anchors over.
#[derive(Debug, Clone)]
pub struct PreviousSection {
    /// Its anchor in the previous version.
    pub anchor: String,
    /// Its number as printed.
    pub number: String,
    /// Its kind.
    pub kind: SectionKind,
    /// Its heading.
    pub heading: String,
    /// Its body.
    pub body: String,
}

impl From<&ParsedSection> for PreviousSection {
    fn from(section: &ParsedSection) -> Self {
        PreviousSection {
            anchor: section.anchor.clone(),
            number: section.number.clone(),
            kind: section.kind,
            heading: section.heading.clone(),
            body: section.body.clone(),
        }
    }
}

/// Gives the sections of a new version the anchors of the previous version where they are the
/// same section:
/// 1) a section whose normalised heading+body text (and kind) equals exactly one previous
///    section's, and no other new section's, keeps that anchor (even if it moved or was
///    renumbered);
/// 2) otherwise a section with the same structural path (kind+number chain, e.g. chapter 2 /
///    article 5 / paragraph 1; unnumbered sections count by position among their siblings) as a
///    previous section keeps that anchor (its text changed). As previous sections carry no
///    depth, the nesting behind the paths is inferred from kinds and numbers alone (part >
///    chapter > section > article > "1." > "1.1" > "(a)" > "(i)"), the same way on both sides.
///    The path is followed through the matches already made: a section matches a previous one
///    when their own kind and number agree and their parents were matched to each other (or
///    both are top level), so the children of a renumbered article follow it and the children
///    of an inserted article do not take the anchors of the article it displaced;
/// 3) otherwise it gets a fresh anchor from its path, never reusing an anchor already used in the
///    new list or any anchor of the previous version (add "-2", "-3"… suffixes).
///
/// Each previous anchor is used at most once; previous anchors that are not well-formed (see
/// [`is_valid_anchor`]) are never carried. Fresh anchors follow the new list's own depths (a
/// jump deeper than one level is read as a child of the section before).
///
/// `tradition` is the one the new version was read in; numbers on both sides are read in it.
pub fn carry_anchors(
    new: &mut [ParsedSection],
    previous: &[PreviousSection],
    tradition: Option<Tradition>,
) {
    let new_nodes = build_nodes(
        new.iter().map(|s| (s.depth, s.kind, s.number.as_str())),
        tradition,
    );
    let new_inferred = build_nodes(
        infer_depths(new.iter().map(|s| (s.kind, s.number.as_str())), tradition),
        tradition,
    );
    let prev_nodes = build_nodes(
        infer_depths(
            previous.iter().map(|p| (p.kind, p.number.as_str())),
            tradition,
        ),
        tradition,
    );
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    let mut prev_used = vec![false; previous.len()];
    let mut taken: HashSet<String> = HashSet::new();

    // Rule 1: identical text, unique on both sides.
    let mut prev_by_text: HashMap<String, (usize, usize)> = HashMap::new();
    for (j, p) in previous.iter().enumerate() {
        if let Some(key) = text_key(p.kind, &p.heading, &p.body) {
            let entry = prev_by_text.entry(key).or_insert((0, j));
            entry.0 = entry.0.saturating_add(1);
        }
    }
    let new_keys: Vec<Option<String>> = new
        .iter()
        .map(|s| text_key(s.kind, &s.heading, &s.body))
        .collect();
    let mut new_text_count: HashMap<&str, usize> = HashMap::new();
    for key in new_keys.iter().flatten() {
        let count = new_text_count.entry(key.as_str()).or_insert(0);
        *count = count.saturating_add(1);
    }
    for (i, key) in new_keys.iter().enumerate() {
        let Some(key) = key else { continue };
        if new_text_count.get(key.as_str()) != Some(&1) {
            continue;
        }
        let Some(&(1, j)) = prev_by_text.get(key) else {
            continue;
        };
        try_match(i, j, previous, &mut matched, &mut prev_used, &mut taken);
    }

    // Rule 2: same structural path, followed through the matched parents.
    let mut prev_by_path: HashMap<(Option<usize>, &Seg), Vec<usize>> = HashMap::new();
    for (j, node) in prev_nodes.iter().enumerate() {
        prev_by_path
            .entry((node.parent, &node.seg))
            .or_default()
            .push(j);
    }
    for (i, node) in new_inferred.iter().enumerate() {
        if matched.get(i).copied().flatten().is_some() {
            continue;
        }
        let parent_match = match node.parent {
            None => None,
            Some(p) => match matched.get(p).copied().flatten() {
                Some(pj) => Some(pj),
                // A parent without a counterpart: its children have none either.
                None => continue,
            },
        };
        let Some(candidates) = prev_by_path.get(&(parent_match, &node.seg)) else {
            continue;
        };
        for &j in candidates {
            if try_match(i, j, previous, &mut matched, &mut prev_used, &mut taken) {
                break;
            }
        }
    }

    // Rule 3: fresh anchors, avoiding everything carried and everything the old version had.
    // A fresh anchor extends its parent's final anchor, so a subtree keeps one prefix even
    // under a carried or de-duplicated parent.
    let mut reserved = taken;
    reserved.extend(previous.iter().map(|p| p.anchor.clone()));
    let mut suffix_hints: HashMap<String, u32> = HashMap::new();
    let mut finals: Vec<String> = Vec::with_capacity(new.len());
    for (i, section) in new.iter_mut().enumerate() {
        let anchor = match matched
            .get(i)
            .copied()
            .flatten()
            .and_then(|j| previous.get(j))
        {
            Some(p) => p.anchor.clone(),
            None => {
                let base = match new_nodes.get(i) {
                    Some(node) => {
                        let parent = node.parent.and_then(|p| finals.get(p));
                        base_anchor(parent.map(String::as_str), &node.seg)
                    }
                    None => "s".to_owned(),
                };
                let anchor = unique_anchor(base, &reserved, &mut suffix_hints);
                reserved.insert(anchor.clone());
                anchor
            }
        };
        section.anchor = anchor.clone();
        finals.push(anchor);
    }
}

/// Whether `anchor` is well-formed: `[a-z0-9-]`, starts with a letter, 1 to
/// [`MAX_ANCHOR_LEN`] chars.
pub fn is_valid_anchor(anchor: &str) -> bool {
    anchor.len() <= MAX_ANCHOR_LEN
        && anchor.starts_with(|c: char| c.is_ascii_lowercase())
        && anchor
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Records that new section `i` keeps the anchor of previous section `j`, if both are free.
pub(super) fn try_match(
    i: usize,
    j: usize,
    previous: &[PreviousSection],
    matched: &mut [Option<usize>],
    prev_used: &mut [bool],
    taken: &mut HashSet<String>,
) -> bool {
    let Some(p) = previous.get(j) else {
        return false;
    };
    if prev_used.get(j).copied().unwrap_or(true) || !is_valid_anchor(&p.anchor) {
        return false;
    }
    // A duplicated anchor in the previous version must still end up on one new section only.
    if !taken.insert(p.anchor.clone()) {
        return false;
    }
    if let Some(slot) = prev_used.get_mut(j) {
        *slot = true;
    }
    if let Some(slot) = matched.get_mut(i) {
        *slot = Some(j);
    }
    true
}

/// The text identity of a section: kind plus normalised heading and body; `None` when both are
/// empty (bare "Article 7" headings are matched by path instead).
pub(super) fn text_key(kind: SectionKind, heading: &str, body: &str) -> Option<String> {
    let heading = normalise_ws(heading).to_lowercase();
    let body = normalise_ws(body).to_lowercase();
    if heading.is_empty() && body.is_empty() {
        return None;
    }
    Some(format!("{}\u{1f}{heading}\u{1f}{body}", kind.code()))
}

/// One step of a structural path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Seg {
    pub(super) kind: SectionKind,
    pub(super) key: SegKey,
    /// The anchor prefix of its keyword ("div" for Division 3), when it has its own.
    pub(super) prefix: Option<&'static str>,
}

/// How a section is told apart from its siblings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum SegKey {
    /// Its normalised number ("2", "i", "3.2", "a").
    Number(String),
    /// Its 1-based position among its unnumbered siblings of the same kind.
    Position(u32),
}

/// A section's place in the tree.
pub(super) struct Node {
    pub(super) parent: Option<usize>,
    pub(super) seg: Seg,
}

/// Infers the depth of each section from its kind and number alone, with the classifier's
/// ranks: keyword headings by kind, numbered paragraphs by their number's prefix, points by
/// family; unnumbered paragraphs under the nearest heading, text at the top.
pub(super) fn infer_depths<'a>(
    items: impl Iterator<Item = (SectionKind, &'a str)>,
    tradition: Option<Tradition>,
) -> impl Iterator<Item = (i32, SectionKind, &'a str)> {
    let limits = Limits::default();
    let mut builder = Builder::new(&limits, tradition);
    let mut out = Vec::new();
    for (kind, number) in items {
        let depth = builder.infer_depth(kind, number);
        out.push((depth, kind, number));
    }
    out.into_iter()
}

/// Rebuilds the tree from depths (tolerating any depths) and computes each section's path step.
pub(super) fn build_nodes<'a>(
    items: impl Iterator<Item = (i32, SectionKind, &'a str)>,
    tradition: Option<Tradition>,
) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut positions: HashMap<(Option<usize>, SectionKind), u32> = HashMap::new();
    for (i, (depth, kind, number)) in items.enumerate() {
        let depth = usize::try_from(depth).unwrap_or(0).min(stack.len());
        stack.truncate(depth);
        let parent = stack.last().copied();
        let key = match number_key(number, tradition) {
            Some(key) => SegKey::Number(key),
            None => {
                let count = positions.entry((parent, kind)).or_insert(0);
                *count = count.saturating_add(1);
                SegKey::Position(*count)
            }
        };
        let prefix = match kind {
            SectionKind::Part
            | SectionKind::Chapter
            | SectionKind::Section
            | SectionKind::Article => keyword_of(tradition, number).map(|k| k.slug),
            _ => None,
        };
        nodes.push(Node {
            parent,
            seg: Seg { kind, key, prefix },
        });
        stack.push(i);
    }
    nodes
}

/// The comparable part of a printed number, in ASCII: "Chapter 2" → "2", "(a)" → "a",
/// "3.2." → "3.2", "Article premier" / "1er" → "1", "§ 232a" → "232a", "Article 5 bis" →
/// "5bis", "Erster Abschnitt" → "1", "Статья 127.1" → "127.1", "а)" → "a", "(1A)" → "1a".
pub(super) fn number_key(number: &str, tradition: Option<Tradition>) -> Option<String> {
    let number = number.trim();
    // "Erster Abschnitt": the ordinal is the number.
    if let Some((word, after)) = number.split_once(char::is_whitespace)
        && let Some(value) = ordinal_word(word)
        && keyword_of(tradition, after.trim()).is_some()
    {
        return Some(value.to_string());
    }
    // "The Schedule": the keyword's article is no part of the name.
    let bare = number
        .strip_prefix("The ")
        .or_else(|| number.strip_prefix("THE "))
        .filter(|b| keyword_of(tradition, b).is_some())
        .unwrap_or(number);
    let rest = match keyword_of(tradition, bare) {
        Some(k) => {
            let rest = strip_keyword(bare, k.word).unwrap_or(bare);
            // A unit named by its keyword alone.
            if rest
                .trim_matches(|c: char| c.is_whitespace() || c == '.')
                .is_empty()
            {
                return Some(String::new());
            }
            rest
        }
        None => number,
    };
    // "127¹" is 127-1, not 1271.
    let mut spelled = String::with_capacity(rest.len());
    let mut in_superscript = false;
    for c in rest.chars() {
        let sup = super::markers::is_superscript_digit(c);
        if sup && !in_superscript {
            spelled.push('-');
        }
        in_superscript = sup;
        spelled.push(c);
    }
    let ascii = deunicode::deunicode(&spelled);
    let cleaned: String = ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let cleaned = cleaned.trim_matches(['.', '-']);
    if cleaned.is_empty() {
        return None;
    }
    if let Some(n) = number_word(cleaned).or_else(|| ordinal_word(cleaned)) {
        return Some(n.to_string());
    }
    if let Some(digits) = cleaned.strip_suffix("er")
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(digits.to_owned());
    }
    Some(cleaned.to_owned())
}

/// The anchor a section gets from its parent's anchor and its own path step (before
/// de-duplication).
pub(super) fn base_anchor(parent: Option<&str>, seg: &Seg) -> String {
    let slug = seg_slug(seg, parent.is_none());
    let mut anchor = match parent {
        Some(parent) => format!("{parent}-{slug}"),
        None => slug,
    };
    cut_anchor(&mut anchor, MAX_ANCHOR_LEN);
    if anchor.is_empty() {
        anchor.push('s');
    }
    anchor
}

/// The anchor fragment of one path step, always starting with a letter.
pub(super) fn seg_slug(seg: &Seg, top_level: bool) -> String {
    let prefix = seg.prefix.unwrap_or(match seg.kind {
        SectionKind::Part => "part",
        SectionKind::Chapter => "ch",
        SectionKind::Section => "sec",
        SectionKind::Article => "art",
        SectionKind::Paragraph => "p",
        SectionKind::Point => "",
        SectionKind::Text => "t",
        SectionKind::Table => "tbl",
        SectionKind::Note => "fn",
    });
    match &seg.key {
        SegKey::Position(n) => match seg.kind {
            SectionKind::Text if top_level => format!("intro-{n}"),
            SectionKind::Text | SectionKind::Paragraph => format!("t{n}"),
            SectionKind::Point => format!("b{n}"),
            SectionKind::Section => format!("h{n}"),
            SectionKind::Table | SectionKind::Note => format!("{prefix}{n}"),
            _ => format!("{prefix}x{n}"),
        },
        SegKey::Number(key) => {
            let mut slug: String = key
                .chars()
                .filter_map(|c| match c {
                    'a'..='z' | '0'..='9' => Some(c),
                    'A'..='Z' => Some(c.to_ascii_lowercase()),
                    '.' | '-' => Some('-'),
                    _ => None,
                })
                .collect();
            // A unit named by its keyword alone ("SCHEDULE", "Disposición final"): the
            // keyword's prefix.
            if key.is_empty() && !prefix.is_empty() {
                return prefix.to_owned();
            }
            // Non-ASCII numbering leaves nothing usable; keep the step visible anyway.
            if slug.trim_matches('-').is_empty() {
                slug = "x".to_owned();
            }
            let slug = slug.trim_matches('-');
            let starts_with_digit = slug.starts_with(|c: char| c.is_ascii_digit());
            match (prefix.is_empty(), starts_with_digit) {
                (true, true) => format!("n{slug}"),
                (true, false) => slug.to_owned(),
                (false, true) => format!("{prefix}{slug}"),
                (false, false) => format!("{prefix}-{slug}"),
            }
        }
    }
}

/// Cuts an ASCII anchor to `max` bytes without leaving a trailing dash.
pub(super) fn cut_anchor(anchor: &mut String, max: usize) {
    if anchor.len() > max {
        // Anchors are ASCII, but stay safe if they are not.
        let mut cut = max;
        while cut > 0 && !anchor.is_char_boundary(cut) {
            cut -= 1;
        }
        anchor.truncate(cut);
    }
    while anchor.ends_with('-') {
        anchor.pop();
    }
}

/// `base`, or `base-2`, `base-3`… whichever is not reserved yet.
pub(super) fn unique_anchor(
    base: String,
    reserved: &HashSet<String>,
    hints: &mut HashMap<String, u32>,
) -> String {
    if !reserved.contains(&base) {
        return base;
    }
    // The hint makes many collisions on one base linear instead of quadratic.
    let start = hints.get(&base).copied().unwrap_or(2);
    for k in start..=u32::MAX {
        let suffix = format!("-{k}");
        let mut candidate = base.clone();
        cut_anchor(&mut candidate, MAX_ANCHOR_LEN.saturating_sub(suffix.len()));
        candidate.push_str(&suffix);
        if !reserved.contains(&candidate) {
            hints.insert(base, k.saturating_add(1));
            return candidate;
        }
    }
    // Unreachable in practice (there are never 4 billion sections), but stay total.
    "s".to_owned()
}
