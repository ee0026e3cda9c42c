//! The draft importer: turns a draft law or policy given as Markdown, plain text or DOCX into a
//! flat list of sections (a tree given by depth) with stable anchors.
//!
//! Each format is first reduced to *units* (headings and paragraphs, optionally with a list
//! marker); one shared classifier then recognises keywords ("Chapter 2", "Article 5"), paragraph
//! numbers ("1.", "3.2") and points ("(a)", "(iv)") and builds the tree. Anchors come from the
//! structural path of each section and can be carried over from a previous version
//! ([`carry_anchors`]).
//!
//! The input is untrusted: nothing here panics, recurses on input structure or allocates more
//! than the [`Limits`] allow (a DOCX is decompressed through a hard cap, whatever its headers say).

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event as XmlEvent};

/// Which kind of file was uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// CommonMark text (`.md`, `.markdown`).
    Markdown,
    /// Plain UTF-8 text (`.txt`).
    PlainText,
    /// An Office Open XML word-processing document (`.docx`).
    Docx,
}

impl Format {
    /// Guesses from the file name's extension (.md/.markdown, .txt, .docx) and, failing that,
    /// from the content (a ZIP signature "PK\x03\x04" = Docx; a line starting with '#' = Markdown;
    /// else PlainText).
    pub fn detect(file_name: &str, bytes: &[u8]) -> Format {
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, ext)| ext.trim().to_ascii_lowercase());
        match extension.as_deref() {
            Some("md" | "markdown") => return Format::Markdown,
            Some("txt") => return Format::PlainText,
            Some("docx") => return Format::Docx,
            _ => {}
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Format::Docx;
        }
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        if bytes
            .split(|&b| b == b'\n')
            .any(|line| line.starts_with(b"#"))
        {
            Format::Markdown
        } else {
            Format::PlainText
        }
    }
}

/// Section kinds, from the top of the tree down.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// "Part I", "Title II", "Partie 1".
    Part,
    /// "Chapter 2", "Chapitre 3".
    Chapter,
    /// "Section 1", or a heading without a keyword.
    Section,
    /// "Article 5", "Art. 12".
    Article,
    /// A numbered ("1.", "(1)", "3.2") or unnumbered paragraph under a heading.
    Paragraph,
    /// "(a)", "(iv)", or a bullet.
    Point,
    /// Text before the first heading (a preamble).
    Text,
}

impl SectionKind {
    /// The stable code used in storage and URLs.
    pub fn code(self) -> &'static str {
        match self {
            SectionKind::Part => "part",
            SectionKind::Chapter => "chapter",
            SectionKind::Section => "section",
            SectionKind::Article => "article",
            SectionKind::Paragraph => "paragraph",
            SectionKind::Point => "point",
            SectionKind::Text => "text",
        }
    }

    /// The kind for a code from [`SectionKind::code`], if it is one.
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "part" => SectionKind::Part,
            "chapter" => SectionKind::Chapter,
            "section" => SectionKind::Section,
            "article" => SectionKind::Article,
            "paragraph" => SectionKind::Paragraph,
            "point" => SectionKind::Point,
            "text" => SectionKind::Text,
            _ => return None,
        })
    }
}

/// One section as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSection {
    /// 0 = top level; children have depth+1 of their parent.
    pub depth: i32,
    /// What the section is.
    pub kind: SectionKind,
    /// As printed: "Part I", "Chapter 2", "Article 5", "1.", "(a)", "3.2" ("" when none).
    pub number: String,
    /// E.g. "Definitions" ("" when none).
    pub heading: String,
    /// The paragraph text, whitespace-normalised; "" for pure headings.
    pub body: String,
    /// Stable, URL- and HTML-id-safe: `[a-z0-9-]`, starts with a letter, at most
    /// [`MAX_ANCHOR_LEN`] chars, unique in the list.
    pub anchor: String,
}

/// Why a file was refused. Each variant maps to one clear, translatable message in the UI (no
/// details of the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The input is larger than [`Limits::max_bytes`].
    #[error("file_too_large")]
    TooLarge,
    /// Not valid UTF-8 text, or contains NUL / looks binary.
    #[error("not_text")]
    NotText,
    /// Nothing to import (no sections).
    #[error("empty")]
    Empty,
    /// Not a readable ZIP, or no `word/document.xml`.
    #[error("not_docx")]
    NotDocx,
    /// ZIP bomb: uncompressed content over the limit, too many entries, or a ratio attack.
    #[error("unpacked_too_large")]
    UnpackedTooLarge,
    /// `word/document.xml` (or the numbering or styles part) is not well-formed XML.
    #[error("invalid_xml")]
    InvalidXml,
    /// More sections than [`Limits::max_sections`].
    #[error("too_many_sections")]
    TooManySections,
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("too_deep")]
    TooDeep,
}

impl ImportError {
    /// The stable code of the error (the translation key in the UI).
    pub fn code(self) -> &'static str {
        match self {
            ImportError::TooLarge => "file_too_large",
            ImportError::NotText => "not_text",
            ImportError::Empty => "empty",
            ImportError::NotDocx => "not_docx",
            ImportError::UnpackedTooLarge => "unpacked_too_large",
            ImportError::InvalidXml => "invalid_xml",
            ImportError::TooManySections => "too_many_sections",
            ImportError::TooDeep => "too_deep",
        }
    }
}

/// Limits (defaults: 5 MiB input, 20 MiB unpacked XML, 2,000 ZIP entries, 5,000 sections,
/// 50,000 chars per section body).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Largest accepted `word/document.xml` once decompressed, in bytes.
    pub max_unpacked: u64,
    /// Most entries accepted in a DOCX package.
    pub max_entries: usize,
    /// Most sections accepted.
    pub max_sections: usize,
    /// Longer section bodies are cut to this many chars.
    pub max_body_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 * 1024 * 1024,
            max_unpacked: 20 * 1024 * 1024,
            max_entries: 2_000,
            max_sections: 5_000,
            max_body_chars: 50_000,
        }
    }
}

/// The deepest `depth` an import may produce; deeper nesting is refused with
/// [`ImportError::TooDeep`] (real drafts stay well below: part/chapter/section/article plus a
/// few levels of paragraphs and points).
pub const MAX_DEPTH: i32 = 16;

/// The longest anchor produced.
pub const MAX_ANCHOR_LEN: usize = 120;

/// Headings are cut to this many chars: a longer "heading" is a mis-styled paragraph.
const MAX_HEADING_CHARS: usize = 500;

/// A standalone line longer than this is never taken for a keyword heading.
const MAX_STANDALONE_HEADING_CHARS: usize = 150;

/// Below this size a well-compressed XML part is harmless, whatever its ratio.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// Real document.xml files compress about 5–20×; far beyond that is a decompression bomb.
const MAX_RATIO: u64 = 200;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a file into sections with anchors (anchors as for a first version).
pub fn import(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<ParsedSection>, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge);
    }
    let mut builder = Builder::new(limits);
    match format {
        Format::Markdown => markdown_units(decode_text(bytes)?, &mut builder)?,
        Format::PlainText => plain_units(decode_text(bytes)?, &mut builder)?,
        Format::Docx => {
            let parts = read_docx_parts(bytes, limits)?;
            let numbering = Numbering::parse(parts.numbering.as_deref(), parts.styles.as_deref())?;
            docx_units(&parts.document, &numbering, &mut builder)?;
        }
    }
    let mut sections = builder.out;
    if sections.is_empty() {
        return Err(ImportError::Empty);
    }
    carry_anchors(&mut sections, &[]);
    Ok(sections)
}

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
pub fn carry_anchors(new: &mut [ParsedSection], previous: &[PreviousSection]) {
    let new_nodes = build_nodes(new.iter().map(|s| (s.depth, s.kind, s.number.as_str())));
    let new_inferred = build_nodes(infer_depths(
        new.iter().map(|s| (s.kind, s.number.as_str())),
    ));
    let prev_nodes = build_nodes(infer_depths(
        previous.iter().map(|p| (p.kind, p.number.as_str())),
    ));
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
fn try_match(
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
fn text_key(kind: SectionKind, heading: &str, body: &str) -> Option<String> {
    let heading = normalise_ws(heading).to_lowercase();
    let body = normalise_ws(body).to_lowercase();
    if heading.is_empty() && body.is_empty() {
        return None;
    }
    Some(format!("{}\u{1f}{heading}\u{1f}{body}", kind.code()))
}

// ---------------------------------------------------------------------------------------------
// Structural paths and anchors
// ---------------------------------------------------------------------------------------------

/// One step of a structural path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Seg {
    kind: SectionKind,
    key: SegKey,
}

/// How a section is told apart from its siblings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SegKey {
    /// Its normalised number ("2", "i", "3.2", "a").
    Number(String),
    /// Its 1-based position among its unnumbered siblings of the same kind.
    Position(u32),
}

/// A section's place in the tree.
struct Node {
    parent: Option<usize>,
    seg: Seg,
}

/// Infers the depth of each section from its kind and number alone, with the classifier's
/// ranks: keyword headings by kind, numbered paragraphs by their number's prefix, points by
/// family; unnumbered paragraphs under the nearest heading, text at the top.
fn infer_depths<'a>(
    items: impl Iterator<Item = (SectionKind, &'a str)>,
) -> impl Iterator<Item = (i32, SectionKind, &'a str)> {
    let limits = Limits::default();
    let mut builder = Builder::new(&limits);
    let mut out = Vec::new();
    for (kind, number) in items {
        let depth = builder.infer_depth(kind, number);
        out.push((depth, kind, number));
    }
    out.into_iter()
}

/// Rebuilds the tree from depths (tolerating any depths) and computes each section's path step.
fn build_nodes<'a>(items: impl Iterator<Item = (i32, SectionKind, &'a str)>) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut positions: HashMap<(Option<usize>, SectionKind), u32> = HashMap::new();
    for (i, (depth, kind, number)) in items.enumerate() {
        let depth = usize::try_from(depth).unwrap_or(0).min(stack.len());
        stack.truncate(depth);
        let parent = stack.last().copied();
        let key = match number_key(number) {
            Some(key) => SegKey::Number(key),
            None => {
                let count = positions.entry((parent, kind)).or_insert(0);
                *count = count.saturating_add(1);
                SegKey::Position(*count)
            }
        };
        nodes.push(Node {
            parent,
            seg: Seg { kind, key },
        });
        stack.push(i);
    }
    nodes
}

/// The comparable part of a printed number: "Chapter 2" → "2", "(a)" → "a", "3.2." → "3.2",
/// "Article premier" / "1er" → "1".
fn number_key(number: &str) -> Option<String> {
    let last = number.split_whitespace().last()?;
    let cleaned: String = last
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '.')
        .flat_map(char::to_lowercase)
        .collect();
    let cleaned = cleaned.trim_matches('.');
    if cleaned.is_empty() {
        return None;
    }
    if let Some(n) = number_word(cleaned) {
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
fn base_anchor(parent: Option<&str>, seg: &Seg) -> String {
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
fn seg_slug(seg: &Seg, top_level: bool) -> String {
    let prefix = match seg.kind {
        SectionKind::Part => "part",
        SectionKind::Chapter => "ch",
        SectionKind::Section => "sec",
        SectionKind::Article => "art",
        SectionKind::Paragraph => "p",
        SectionKind::Point => "",
        SectionKind::Text => "t",
    };
    match &seg.key {
        SegKey::Position(n) => match seg.kind {
            SectionKind::Text if top_level => format!("intro-{n}"),
            SectionKind::Text | SectionKind::Paragraph => format!("t{n}"),
            SectionKind::Point => format!("b{n}"),
            SectionKind::Section => format!("h{n}"),
            _ => format!("{prefix}x{n}"),
        },
        SegKey::Number(key) => {
            let mut slug: String = key
                .chars()
                .filter_map(|c| match c {
                    'a'..='z' | '0'..='9' => Some(c),
                    'A'..='Z' => Some(c.to_ascii_lowercase()),
                    '.' => Some('-'),
                    _ => None,
                })
                .collect();
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
fn cut_anchor(anchor: &mut String, max: usize) {
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
fn unique_anchor(
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

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/// Checks that text input is text: UTF-8, no NUL, hardly any control characters.
fn decode_text(bytes: &[u8]) -> Result<&str, ImportError> {
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
fn normalise_ws(text: &str) -> String {
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
fn truncate_chars(mut text: String, max: usize) -> String {
    if let Some((index, _)) = text.char_indices().nth(max) {
        text.truncate(index);
        text.truncate(text.trim_end().len());
    }
    text
}

/// Characters that separate a keyword number from its heading: "Article 5. Scope",
/// "Chapter 2 – Definitions", "PART I: GENERAL".
const SEPARATORS: &[char] = &['.', ':', '-', '–', '—', ')', ',', ';'];

/// The value of a number word ("One", "deux", "premier", "Ier").
fn number_word(word: &str) -> Option<u32> {
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
fn roman_value(text: &str) -> Option<u32> {
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
fn to_roman(mut n: u32) -> Option<String> {
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

// ---------------------------------------------------------------------------------------------
// Markers and keywords
// ---------------------------------------------------------------------------------------------

/// What starts a paragraph, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Marker {
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
fn ends_token(after: &str) -> bool {
    after.is_empty() || after.starts_with(char::is_whitespace)
}

/// Reads a paragraph or point marker at the start of `line`; `bullets` also accepts "-", "*",
/// "•" bullets (plain text and DOCX, where Markdown would have made a list).
fn parse_marker(line: &str, bullets: bool) -> Option<(Marker, &str)> {
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
struct KeywordHeading {
    kind: SectionKind,
    number: String,
    heading: String,
}

/// Heading keywords, longest first where one is a prefix of another.
const KEYWORDS: &[(&str, SectionKind)] = &[
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
fn parse_keyword_heading(text: &str) -> Option<KeywordHeading> {
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
fn parse_number_token(s: &str) -> Option<(&str, &str)> {
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
fn standalone_heading(line: &str) -> Option<KeywordHeading> {
    if line.chars().nth(MAX_STANDALONE_HEADING_CHARS).is_some() {
        return None;
    }
    let heading = parse_keyword_heading(line)?;
    let sentence_like = heading.heading.starts_with(|c: char| c.is_lowercase())
        || heading.heading.ends_with([',', ';']);
    (!sentence_like).then_some(heading)
}

/// Whether `line` can be the title of a bare keyword line above it ("Article 5" / "Scope").
fn is_heading_title_line(line: &str, bullets: bool) -> bool {
    line.chars().nth(100).is_none()
        && !line.ends_with(['.', ';', ':', ','])
        && parse_marker(line, bullets).is_none()
        && parse_keyword_heading(line).is_none()
}

// ---------------------------------------------------------------------------------------------
// Units and the shared classifier
// ---------------------------------------------------------------------------------------------

/// What every format is reduced to before classification.
#[derive(Debug)]
enum Unit {
    /// A heading: styled (Markdown `#`, DOCX `Heading1`…, with a level; `Title` is level 0) or a
    /// standalone keyword line (no level).
    Heading { level: Option<u8>, text: String },
    /// A paragraph, with its marker already taken off the text; `list_nest` is the nesting of
    /// the Markdown list item it opens, if it does.
    Para {
        marker: Option<Marker>,
        text: String,
        list_nest: Option<u16>,
    },
    /// More text of the previous paragraph (a later paragraph of a Markdown list item).
    Continuation(String),
}

/// How the first line given to [`split_text`] is to be read.
enum Start {
    /// As any other line.
    Free,
    /// As the continuation of the previous unit, unless it has a marker of its own.
    Continue,
    /// As carrying this (list) marker.
    Marker(Marker),
}

/// A unit being gathered line by line.
enum Pending {
    Para(Option<Marker>, String, Option<u16>),
    Continuation(String),
}

/// Splits a block of text into units: a line starting with a paragraph or point marker starts a
/// new unit, a short keyword line is a heading, other lines continue the current unit.
fn split_text(
    text: &str,
    start: Start,
    bullets: bool,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
    let mut lines = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    let mut pending: Option<Pending> = None;
    let mut continuing = false;
    match start {
        Start::Free => {}
        Start::Continue => continuing = true,
        Start::Marker(marker) => {
            let first = lines.next().unwrap_or("");
            let list_nest = match &marker {
                Marker::Bullet { nest } | Marker::Nested { nest, .. } => Some(*nest),
                Marker::Para { .. } | Marker::Point { .. } => Some(0),
            };
            // "- (a) text": the written point beats the bullet.
            let (marker, rest) = match (&marker, parse_marker(first, false)) {
                (Marker::Bullet { .. }, Some((written, rest))) => (written, rest),
                _ => (marker, first),
            };
            pending = Some(Pending::Para(Some(marker), rest.to_owned(), list_nest));
        }
    }
    while let Some(line) = lines.next() {
        let first_continuation = std::mem::take(&mut continuing);
        if let Some(keyword) = standalone_heading(line) {
            flush_pending(pending.take(), builder)?;
            let mut text = line.to_owned();
            if keyword.heading.is_empty()
                && let Some(next) = lines.peek()
                && is_heading_title_line(next, bullets)
            {
                text.push_str(" – ");
                text.push_str(next);
                lines.next();
            }
            builder.add(Unit::Heading { level: None, text })?;
            continue;
        }
        if let Some((marker, rest)) = parse_marker(line, bullets) {
            flush_pending(pending.take(), builder)?;
            pending = Some(Pending::Para(Some(marker), rest.to_owned(), None));
            continue;
        }
        match &mut pending {
            Some(Pending::Para(_, text, _) | Pending::Continuation(text)) => {
                text.push(' ');
                text.push_str(line);
            }
            None if first_continuation => pending = Some(Pending::Continuation(line.to_owned())),
            None => pending = Some(Pending::Para(None, line.to_owned(), None)),
        }
    }
    flush_pending(pending, builder)
}

fn flush_pending(pending: Option<Pending>, builder: &mut Builder<'_>) -> Result<(), ImportError> {
    match pending {
        None => Ok(()),
        Some(Pending::Para(marker, text, list_nest)) => builder.add(Unit::Para {
            marker,
            text,
            list_nest,
        }),
        Some(Pending::Continuation(text)) => builder.add(Unit::Continuation(text)),
    }
}

/// The families of points; a point of a family already open above it becomes its sibling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Letter,
    Roman,
    Bullet(u16),
    Nested(u16),
}

/// Where an item sits in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rank {
    /// A heading: its keyword kind (if it has one) and its style level (if it has one).
    Heading {
        keyword: Option<SectionKind>,
        level: Option<u8>,
    },
    /// A numbered paragraph with its number's components ("3.2" → [3, 2]).
    Para(Vec<u32>),
    /// A point of a family.
    Point(Family),
}

/// An item that can still receive children.
struct Open {
    rank: Rank,
    /// For points: the letter's (a = 1) or the numeral's value, to continue sequences.
    value: u32,
    /// For Markdown list items: their list nesting.
    list_nest: Option<u16>,
}

/// How a new item is to be placed.
struct Placement {
    rank: Rank,
    value: u32,
    list_nest: Option<u16>,
}

impl Placement {
    fn of(rank: Rank) -> Option<Self> {
        Some(Placement {
            rank,
            value: 0,
            list_nest: None,
        })
    }
}

/// Whether an open item of rank `top` can be the parent of an item of rank `new`, for all
/// pairs but two headings (see [`Builder::heading_encloses`]).
fn encloses(top: &Rank, new: &Rank) -> bool {
    match (top, new) {
        (Rank::Heading { .. }, _) => true,
        (_, Rank::Heading { .. }) => false,
        (Rank::Para(a), Rank::Para(b)) => a.len() < b.len() && b.starts_with(a),
        (Rank::Para(_), Rank::Point(_)) => true,
        (Rank::Point(_), Rank::Para(_)) => false,
        // Same-family points were already closed by the caller.
        (Rank::Point(_), Rank::Point(_)) => true,
    }
}

/// Builds the section list from units.
struct Builder<'l> {
    limits: &'l Limits,
    out: Vec<ParsedSection>,
    stack: Vec<Open>,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            out: Vec::new(),
            stack: Vec::new(),
        }
    }

    fn add(&mut self, unit: Unit) -> Result<(), ImportError> {
        match unit {
            Unit::Heading { level, text } => {
                let text = normalise_ws(&text);
                if text.is_empty() {
                    return Ok(());
                }
                if let Some(keyword) = parse_keyword_heading(&text) {
                    let rank = Rank::Heading {
                        keyword: Some(keyword.kind),
                        level,
                    };
                    self.push(
                        keyword.kind,
                        keyword.number,
                        keyword.heading,
                        String::new(),
                        Placement::of(rank),
                    )
                } else if let Some(level) = level {
                    // "## 1. Introduction": keep the number apart from the heading.
                    let (number, heading) = match parse_marker(&text, false) {
                        Some((Marker::Para { printed, .. }, rest)) if !rest.is_empty() => {
                            (printed, rest.to_owned())
                        }
                        _ => (String::new(), text),
                    };
                    let rank = Rank::Heading {
                        keyword: None,
                        level: Some(level),
                    };
                    self.push(
                        SectionKind::Section,
                        number,
                        heading,
                        String::new(),
                        Placement::of(rank),
                    )
                } else {
                    self.plain(text)
                }
            }
            Unit::Para {
                marker,
                text,
                list_nest,
            } => {
                let body = normalise_ws(&text);
                match marker {
                    None if body.is_empty() => Ok(()),
                    None => self.plain(body),
                    Some(Marker::Para { printed, comps }) => self.push(
                        SectionKind::Paragraph,
                        printed,
                        String::new(),
                        body,
                        Placement::of(Rank::Para(comps)),
                    ),
                    Some(Marker::Point { printed, letters }) => {
                        // The list structure is authoritative: an item closes the points of
                        // its own list level and deeper before its written family is read.
                        if let Some(nest) = list_nest {
                            self.close_list_points(nest);
                        }
                        let (family, value) = self.point_family(&letters);
                        let placement = Placement {
                            rank: Rank::Point(family),
                            value,
                            list_nest,
                        };
                        self.push(
                            SectionKind::Point,
                            printed,
                            String::new(),
                            body,
                            Some(placement),
                        )
                    }
                    Some(Marker::Bullet { nest }) => {
                        self.close_list_points(nest);
                        let placement = Placement {
                            rank: Rank::Point(Family::Bullet(nest)),
                            value: 0,
                            list_nest: Some(nest),
                        };
                        self.push(
                            SectionKind::Point,
                            String::new(),
                            String::new(),
                            body,
                            Some(placement),
                        )
                    }
                    Some(Marker::Nested { printed, nest }) => {
                        self.close_list_points(nest);
                        let placement = Placement {
                            rank: Rank::Point(Family::Nested(nest)),
                            value: 0,
                            list_nest: Some(nest),
                        };
                        self.push(
                            SectionKind::Point,
                            printed,
                            String::new(),
                            body,
                            Some(placement),
                        )
                    }
                }
            }
            Unit::Continuation(text) => {
                let text = normalise_ws(&text);
                if text.is_empty() {
                    return Ok(());
                }
                let max = self.limits.max_body_chars;
                match self.out.last_mut() {
                    Some(last) => {
                        let mut body = std::mem::take(&mut last.body);
                        if !body.is_empty() {
                            body.push(' ');
                        }
                        body.push_str(&text);
                        last.body = truncate_chars(body, max);
                        Ok(())
                    }
                    None => self.plain(text),
                }
            }
        }
    }

    /// An unnumbered paragraph: a child of the nearest heading, or preamble text.
    fn plain(&mut self, body: String) -> Result<(), ImportError> {
        self.push(
            SectionKind::Paragraph,
            String::new(),
            String::new(),
            body,
            None,
        )
    }

    /// The depth a section of this kind and number gets after the ones already seen (see
    /// [`infer_depths`]). Only the stack is used; nothing is recorded.
    fn infer_depth(&mut self, kind: SectionKind, number: &str) -> i32 {
        let marker = parse_marker(number, false).map(|(marker, _)| marker);
        let placement = match kind {
            SectionKind::Part
            | SectionKind::Chapter
            | SectionKind::Section
            | SectionKind::Article => Placement::of(Rank::Heading {
                keyword: Some(kind),
                level: None,
            }),
            SectionKind::Paragraph if number.is_empty() => None,
            SectionKind::Paragraph => match marker {
                Some(Marker::Para { comps, .. }) => Placement::of(Rank::Para(comps)),
                _ => Placement::of(Rank::Para(vec![0])),
            },
            SectionKind::Point => {
                let (family, value) = match &marker {
                    _ if number.is_empty() => (Family::Bullet(0), 0),
                    Some(Marker::Point { letters, .. }) => self.point_family(letters),
                    _ => (Family::Nested(0), 0),
                };
                Some(Placement {
                    rank: Rank::Point(family),
                    value,
                    list_nest: None,
                })
            }
            SectionKind::Text => {
                self.stack.clear();
                None
            }
        };
        match &placement {
            Some(placement) => self.place(&placement.rank),
            None => {
                while self
                    .stack
                    .last()
                    .is_some_and(|top| !matches!(top.rank, Rank::Heading { .. }))
                {
                    self.stack.pop();
                }
            }
        }
        // Bounded: keyword kinds, six number components and four point families at most.
        let depth = i32::try_from(self.stack.len()).unwrap_or(i32::MAX);
        if let Some(Placement {
            rank,
            value,
            list_nest,
        }) = placement
        {
            self.stack.push(Open {
                rank,
                value,
                list_nest,
            });
        }
        depth
    }

    /// Closes the open points of Markdown list items at list level `nest` or deeper.
    fn close_list_points(&mut self, nest: u16) {
        while self.stack.last().is_some_and(|top| {
            matches!(top.rank, Rank::Point(_)) && top.list_nest.is_some_and(|n| n >= nest)
        }) {
            self.stack.pop();
        }
    }

    /// Tells "(i)" the letter (after "(h)") from "(i)" the numeral, and so on.
    fn point_family(&self, letters: &str) -> (Family, u32) {
        let roman = roman_value(letters);
        let letter = match letters.as_bytes() {
            [b] if b.is_ascii_lowercase() => Some(u32::from(b - b'a') + 1),
            _ => None,
        };
        let open_points = || {
            self.stack
                .iter()
                .rev()
                .take_while(|o| matches!(o.rank, Rank::Point(_)))
        };
        let last_of = |family: Family| {
            open_points()
                .find(|o| o.rank == Rank::Point(family))
                .map(|o| o.value)
        };
        let follows =
            |last: Option<u32>, value: u32| last.is_some_and(|v| v.checked_add(1) == Some(value));
        match (roman, letter) {
            (Some(r), Some(l)) => {
                if follows(last_of(Family::Roman), r) {
                    (Family::Roman, r)
                } else if follows(last_of(Family::Letter), l) {
                    (Family::Letter, l)
                } else if letters == "i" {
                    (Family::Roman, r)
                } else {
                    (Family::Letter, l)
                }
            }
            (Some(r), None) => (Family::Roman, r),
            (None, Some(l)) => (Family::Letter, l),
            (None, None) => (Family::Letter, 0),
        }
    }

    /// Places an item in the tree (closing what it does not belong to) and records it.
    fn push(
        &mut self,
        kind: SectionKind,
        number: String,
        heading: String,
        body: String,
        placement: Option<Placement>,
    ) -> Result<(), ImportError> {
        match &placement {
            Some(placement) => self.place(&placement.rank),
            None => {
                while self
                    .stack
                    .last()
                    .is_some_and(|top| !matches!(top.rank, Rank::Heading { .. }))
                {
                    self.stack.pop();
                }
            }
        }
        let kind = if placement.is_none() && self.stack.is_empty() {
            SectionKind::Text
        } else {
            kind
        };
        let depth = i32::try_from(self.stack.len()).map_err(|_| ImportError::TooDeep)?;
        if depth > MAX_DEPTH {
            return Err(ImportError::TooDeep);
        }
        if self.out.len() >= self.limits.max_sections {
            return Err(ImportError::TooManySections);
        }
        self.out.push(ParsedSection {
            depth,
            kind,
            number,
            heading: truncate_chars(heading, MAX_HEADING_CHARS),
            body: truncate_chars(body, self.limits.max_body_chars),
            anchor: String::new(),
        });
        if let Some(Placement {
            rank,
            value,
            list_nest,
        }) = placement
        {
            self.stack.push(Open {
                rank,
                value,
                list_nest,
            });
        }
        Ok(())
    }

    /// Closes the open items that cannot be the parent of an item of rank `rank`.
    fn place(&mut self, rank: &Rank) {
        if let Rank::Point(family) = rank {
            // A point of a family open among the innermost points is its next sibling.
            let mut k = self.stack.len();
            while let Some(open) = k.checked_sub(1).and_then(|i| self.stack.get(i)) {
                match &open.rank {
                    Rank::Point(f) if f == family => {
                        self.stack.truncate(k - 1);
                        break;
                    }
                    Rank::Point(_) => k -= 1,
                    _ => break,
                }
            }
        }
        while let Some(top) = self.stack.last() {
            let keeps = match (&top.rank, rank) {
                (
                    Rank::Heading { .. },
                    Rank::Heading {
                        keyword: new_keyword,
                        level: new_level,
                    },
                ) => self.heading_encloses(*new_keyword, *new_level),
                (top_rank, _) => encloses(top_rank, rank),
            };
            if keeps {
                break;
            }
            self.stack.pop();
        }
    }

    /// Whether the innermost open item (a heading) can be the parent of a new heading.
    ///
    /// Keywords rank by kind (Part > Chapter > Section > Article) whatever the styles; otherwise
    /// styles rank by level. A keyword line without a style (plain text, a bold Markdown line, a
    /// Normal DOCX paragraph) counts as just below the nearest styled heading it is in, and a
    /// styled heading without keyword stays open for such a line unless the line closes a
    /// keyword heading further out ("Chapter 2" after "Chapter 1 / ### Background").
    fn heading_encloses(&self, new_keyword: Option<SectionKind>, new_level: Option<u8>) -> bool {
        let Some((top, below)) = self.stack.split_last() else {
            return false;
        };
        let Rank::Heading {
            keyword: top_keyword,
            level: top_level,
        } = &top.rank
        else {
            return encloses(
                &top.rank,
                &Rank::Heading {
                    keyword: new_keyword,
                    level: new_level,
                },
            );
        };
        match (top_keyword, new_keyword) {
            (Some(a), Some(b)) => *a < b,
            _ => match (top_level, new_level) {
                (Some(a), Some(b)) => *a < b,
                (None, Some(b)) => below
                    .iter()
                    .rev()
                    .find_map(|o| match o.rank {
                        Rank::Heading { level: Some(l), .. } => Some(l),
                        _ => None,
                    })
                    .is_none_or(|l| l < b),
                (Some(_), None) => new_keyword.is_none_or(|k| {
                    !below.iter().any(|o| {
                        matches!(o.rank, Rank::Heading { keyword: Some(outer), .. } if outer >= k)
                    })
                }),
                // Two unstyled headings both have keywords, handled above.
                (None, None) => false,
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Plain text
// ---------------------------------------------------------------------------------------------

/// Plain text: blocks separated by blank lines, then split by markers and keyword lines.
fn plain_units(text: &str, builder: &mut Builder<'_>) -> Result<(), ImportError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut block = String::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !block.is_empty() {
                split_text(&block, Start::Free, true, builder)?;
                block.clear();
            }
        } else {
            block.push_str(line);
            block.push('\n');
        }
    }
    if !block.is_empty() {
        split_text(&block, Start::Free, true, builder)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// A Markdown list item being read.
struct ItemState {
    /// Its list marker until its first text has used it.
    marker: Option<Marker>,
}

/// Markdown: pulldown-cmark events to units; inline markup becomes plain text, HTML is dropped.
fn markdown_units(text: &str, builder: &mut Builder<'_>) -> Result<(), ImportError> {
    let mut buf = String::new();
    let mut heading: Option<u8> = None;
    // Per open list: the next number (ordered) or `None` (unordered).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut items: Vec<ItemState> = Vec::new();
    for event in Parser::new_ext(text, Options::empty()) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    md_flush(&mut buf, &mut items, builder, false)?;
                    heading = Some(heading_number(level));
                }
                Tag::List(start) => {
                    // An item's own text ends where its nested list begins.
                    md_flush(&mut buf, &mut items, builder, true)?;
                    lists.push(start);
                }
                Tag::Item => {
                    md_flush(&mut buf, &mut items, builder, false)?;
                    let nest = u16::try_from(lists.len().saturating_sub(1)).unwrap_or(u16::MAX);
                    let marker = match lists.last_mut() {
                        Some(Some(next)) => {
                            let n = *next;
                            *next = next.saturating_add(1);
                            let printed = format!("{n}.");
                            if nest == 0 {
                                Marker::Para {
                                    printed,
                                    comps: vec![u32::try_from(n).unwrap_or(u32::MAX)],
                                }
                            } else {
                                Marker::Nested { printed, nest }
                            }
                        }
                        _ => Marker::Bullet { nest },
                    };
                    items.push(ItemState {
                        marker: Some(marker),
                    });
                }
                Tag::Paragraph
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::MetadataBlock(_) => md_flush(&mut buf, &mut items, builder, false)?,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(_) => {
                    let text = std::mem::take(&mut buf);
                    if let Some(level) = heading.take() {
                        builder.add(Unit::Heading {
                            level: Some(level),
                            text,
                        })?;
                    }
                }
                TagEnd::List(_) => {
                    md_flush(&mut buf, &mut items, builder, false)?;
                    lists.pop();
                }
                TagEnd::Item => {
                    md_flush(&mut buf, &mut items, builder, true)?;
                    items.pop();
                }
                TagEnd::Paragraph
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionList
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::MetadataBlock(_) => md_flush(&mut buf, &mut items, builder, false)?,
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push('\n'),
            Event::Rule => md_flush(&mut buf, &mut items, builder, false)?,
            // Raw HTML, footnote references and the like never reach the body.
            _ => {}
        }
    }
    md_flush(&mut buf, &mut items, builder, false)
}

/// Hands the gathered Markdown text to the splitter. `force` emits a list item's marker even
/// without text (an item holding only a nested list).
fn md_flush(
    buf: &mut String,
    items: &mut [ItemState],
    builder: &mut Builder<'_>,
    force: bool,
) -> Result<(), ImportError> {
    let text = std::mem::take(buf);
    let has_text = !text.trim().is_empty();
    match items.last_mut() {
        Some(item) if item.marker.is_some() => {
            if (has_text || force)
                && let Some(marker) = item.marker.take()
            {
                split_text(&text, Start::Marker(marker), false, builder)?;
            }
            Ok(())
        }
        Some(_) if has_text => split_text(&text, Start::Continue, false, builder),
        None if has_text => split_text(&text, Start::Free, false, builder),
        _ => Ok(()),
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

// ---------------------------------------------------------------------------------------------
// DOCX
// ---------------------------------------------------------------------------------------------

/// The parts of a DOCX package the importer reads.
struct DocxParts {
    /// `word/document.xml`: the text.
    document: Vec<u8>,
    /// `word/numbering.xml`: list numbering (what Word prints before "automatic" numbers).
    numbering: Option<Vec<u8>>,
    /// `word/styles.xml`: styles, some of which carry list numbering (numbered headings).
    styles: Option<Vec<u8>>,
}

/// Reads the parts of the package, refusing bombs before and while decompressing; together
/// they may not unpack to more than the limit either.
fn read_docx_parts(bytes: &[u8], limits: &Limits) -> Result<DocxParts, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::NotDocx)?;
    if archive.len() > limits.max_entries {
        return Err(ImportError::UnpackedTooLarge);
    }
    let mut budget = limits.max_unpacked;
    let document =
        read_part(&mut archive, "word/document.xml", &mut budget)?.ok_or(ImportError::NotDocx)?;
    let numbering = read_part(&mut archive, "word/numbering.xml", &mut budget)?;
    let styles = read_part(&mut archive, "word/styles.xml", &mut budget)?;
    Ok(DocxParts {
        document,
        numbering,
        styles,
    })
}

/// One part of the package (`None` when absent), counted against `budget`.
fn read_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<Vec<u8>>, ImportError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(_) => return Err(ImportError::NotDocx),
    };
    let declared = file.size();
    let compressed = file.compressed_size();
    if declared > *budget || ratio_too_high(declared, compressed) {
        return Err(ImportError::UnpackedTooLarge);
    }
    // The declared size may lie: the cap is what protects us.
    let mut xml = Vec::new();
    file.take(budget.saturating_add(1))
        .read_to_end(&mut xml)
        .map_err(|_| ImportError::NotDocx)?;
    let unpacked = u64::try_from(xml.len()).unwrap_or(u64::MAX);
    if unpacked > *budget || ratio_too_high(unpacked, compressed) {
        return Err(ImportError::UnpackedTooLarge);
    }
    *budget -= unpacked;
    Ok(Some(xml))
}

fn ratio_too_high(unpacked: u64, compressed: u64) -> bool {
    unpacked > RATIO_FLOOR && unpacked / compressed.max(1) > MAX_RATIO
}

/// The heading level of a paragraph style: `Title` → 0, `Heading1`…`Heading9` → 1…9, and the
/// style ids localised versions of Word write (`Titre1`, `berschrift1`, `Ttulo1`, `Kop1`…).
fn docx_heading_level(style: &str) -> Option<u8> {
    let style: String = style
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if style == "title" || style == "titre" {
        return Some(0);
    }
    let digits = [
        "heading",
        "titre",
        "berschrift",
        "überschrift",
        "ttulo",
        "título",
        "kop",
    ]
    .iter()
    .find_map(|prefix| style.strip_prefix(prefix))?;
    let level: u8 = digits.parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

/// A DOCX paragraph being read.
#[derive(Default)]
struct DocxPara {
    style: Option<String>,
    text: String,
    /// Its list (`w:numPr/w:numId`), when numbered directly.
    num_id: Option<String>,
    /// Its list level (`w:numPr/w:ilvl`).
    level: Option<usize>,
}

/// Word's list levels per list (`w:ilvl` 0–8).
const LIST_LEVELS: usize = 9;

/// One level of a list definition (`w:abstractNum/w:lvl`).
#[derive(Debug, Clone)]
struct ListLevel {
    /// The first number (`w:start`).
    start: u32,
    /// `w:numFmt`: decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none…
    format: String,
    /// `w:lvlText`, e.g. "%1." or "(%2)" or "%1.%2".
    text: String,
    /// The paragraph style bound to this level (`w:pStyle`), for numbered heading styles.
    style: Option<String>,
}

impl Default for ListLevel {
    fn default() -> Self {
        Self {
            start: 1,
            format: "decimal".to_owned(),
            text: String::new(),
            style: None,
        }
    }
}

/// A list instance (`w:num`): its definition and where it restarts.
#[derive(Debug, Clone, Default)]
struct ListInstance {
    abstract_id: String,
    start_overrides: [Option<u32>; LIST_LEVELS],
}

/// The "automatic" numbering of a DOCX: Word prints "1.", "(a)" or "Article 3" in front of a
/// numbered paragraph, but the document holds only a reference to a list definition in
/// `word/numbering.xml` (directly, or through the paragraph's style in `word/styles.xml`).
/// Without it, a draft numbered by Word would import as unnumbered paragraphs.
#[derive(Debug, Default)]
struct Numbering {
    /// `w:abstractNumId` → its levels.
    definitions: HashMap<String, [Option<ListLevel>; LIST_LEVELS]>,
    /// `w:numId` → the list instance.
    lists: HashMap<String, ListInstance>,
    /// Paragraph style id → (`w:numId`, `w:ilvl`) the style numbers with.
    styles: HashMap<String, (String, Option<usize>)>,
    /// Per list, the current number of each level.
    counters: std::cell::RefCell<HashMap<String, [Option<u32>; LIST_LEVELS]>>,
}

/// The `w:val` (or other) attribute of an element, unescaped.
fn attribute(element: &BytesStart<'_>, name: &str) -> Result<Option<String>, ImportError> {
    match element
        .try_get_attribute(name)
        .map_err(|_| ImportError::InvalidXml)?
    {
        Some(attribute) => Ok(Some(
            attribute
                .unescape_value()
                .map_err(|_| ImportError::InvalidXml)?
                .into_owned(),
        )),
        None => Ok(None),
    }
}

/// A list level index from an attribute (levels outside 0–8 are ignored).
fn level_index(value: Option<String>) -> Option<usize> {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|l| *l < LIST_LEVELS)
}

impl Numbering {
    /// Reads `word/numbering.xml` and `word/styles.xml` (either may be absent).
    fn parse(numbering: Option<&[u8]>, styles: Option<&[u8]>) -> Result<Self, ImportError> {
        let mut out = Numbering::default();
        if let Some(xml) = numbering {
            out.read_numbering(xml)?;
        }
        if let Some(xml) = styles {
            out.read_styles(xml)?;
        }
        Ok(out)
    }

    fn read_numbering(&mut self, xml: &[u8]) -> Result<(), ImportError> {
        let xml = xml.strip_prefix(UTF8_BOM).unwrap_or(xml);
        let text = std::str::from_utf8(xml).map_err(|_| ImportError::InvalidXml)?;
        let mut reader = Reader::from_str(text);
        let mut definition: Option<String> = None;
        let mut level: Option<usize> = None;
        let mut list: Option<String> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let (element, start) = match reader.read_event().map_err(|_| ImportError::InvalidXml)? {
                XmlEvent::Start(e) => (e, true),
                XmlEvent::Empty(e) => (e, false),
                XmlEvent::End(e) => {
                    match e.name().as_ref() {
                        b"w:abstractNum" => definition = None,
                        b"w:lvl" => level = None,
                        b"w:num" => list = None,
                        b"w:lvlOverride" => override_level = None,
                        _ => {}
                    }
                    continue;
                }
                XmlEvent::Eof => return Ok(()),
                _ => continue,
            };
            check_attributes(&element)?;
            let val = || attribute(&element, "w:val");
            match element.name().as_ref() {
                b"w:abstractNum" if start => {
                    definition = attribute(&element, "w:abstractNumId")?;
                }
                b"w:lvl" if start => level = level_index(attribute(&element, "w:ilvl")?),
                b"w:num" if start => {
                    list = attribute(&element, "w:numId")?;
                    if let Some(id) = &list {
                        self.lists.entry(id.clone()).or_default();
                    }
                }
                b"w:lvlOverride" if start => {
                    override_level = level_index(attribute(&element, "w:ilvl")?);
                }
                b"w:abstractNumId" => {
                    if let (Some(id), Some(value)) = (&list, val()?) {
                        self.lists.entry(id.clone()).or_default().abstract_id = value;
                    }
                }
                b"w:startOverride" => {
                    if let (Some(id), Some(l), Some(value)) = (&list, override_level, val()?) {
                        self.lists.entry(id.clone()).or_default().start_overrides[l] =
                            value.trim().parse().ok();
                    }
                }
                name @ (b"w:start" | b"w:numFmt" | b"w:lvlText" | b"w:pStyle") => {
                    // Level properties count only inside a list definition (a `w:lvl` inside
                    // `w:lvlOverride` redefines a level; that is rare and left out).
                    let (Some(d), Some(l), None) = (&definition, level, &list) else {
                        continue;
                    };
                    let Some(value) = val()? else { continue };
                    let slot = self.definitions.entry(d.clone()).or_default()[l]
                        .get_or_insert_with(ListLevel::default);
                    match name {
                        b"w:start" => slot.start = value.trim().parse().unwrap_or(1),
                        b"w:numFmt" => slot.format = value,
                        b"w:lvlText" => slot.text = value,
                        _ => slot.style = Some(value),
                    }
                }
                _ => {}
            }
        }
    }

    fn read_styles(&mut self, xml: &[u8]) -> Result<(), ImportError> {
        let xml = xml.strip_prefix(UTF8_BOM).unwrap_or(xml);
        let text = std::str::from_utf8(xml).map_err(|_| ImportError::InvalidXml)?;
        let mut reader = Reader::from_str(text);
        let mut style: Option<String> = None;
        loop {
            let (element, start) = match reader.read_event().map_err(|_| ImportError::InvalidXml)? {
                XmlEvent::Start(e) => (e, true),
                XmlEvent::Empty(e) => (e, false),
                XmlEvent::End(e) => {
                    if e.name().as_ref() == b"w:style" {
                        style = None;
                    }
                    continue;
                }
                XmlEvent::Eof => return Ok(()),
                _ => continue,
            };
            check_attributes(&element)?;
            match element.name().as_ref() {
                b"w:style" if start => style = attribute(&element, "w:styleId")?,
                b"w:numId" => {
                    if let (Some(s), Some(id)) = (&style, attribute(&element, "w:val")?) {
                        self.styles
                            .entry(s.clone())
                            .or_insert((String::new(), None))
                            .0 = id;
                    }
                }
                b"w:ilvl" => {
                    if let Some(s) = &style {
                        let l = level_index(attribute(&element, "w:val")?);
                        self.styles
                            .entry(s.clone())
                            .or_insert((String::new(), None))
                            .1 = l;
                    }
                }
                _ => {}
            }
        }
    }

    /// The number Word prints before `para`, advancing its list's counters; `None` when the
    /// paragraph is not numbered or its level is a bullet.
    fn label(&self, para: &DocxPara) -> Option<String> {
        let (num_id, level) = match (&para.num_id, para.style.as_ref()) {
            (Some(id), _) => (id.clone(), para.level),
            (None, Some(style)) => {
                let (id, level) = self.styles.get(style)?;
                (id.clone(), *level)
            }
            (None, None) => return None,
        };
        // `w:numId` 0 switches numbering off.
        let list = self.lists.get(&num_id)?;
        let levels = self.definitions.get(&list.abstract_id)?;
        let level = level
            .or_else(|| {
                let style = para.style.as_deref()?;
                levels
                    .iter()
                    .position(|l| l.as_ref().and_then(|l| l.style.as_deref()) == Some(style))
            })
            .unwrap_or(0);
        let definition = levels.get(level)?.as_ref()?;
        let start_of = |l: usize| {
            list.start_overrides[l]
                .or_else(|| levels[l].as_ref().map(|d| d.start))
                .unwrap_or(1)
        };
        let mut counters = self.counters.borrow_mut();
        let counts = counters.entry(num_id).or_default();
        counts[level] =
            Some(counts[level].map_or_else(|| start_of(level), |n| n.saturating_add(1)));
        for deeper in counts.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        if matches!(definition.format.as_str(), "bullet" | "none") {
            return None;
        }
        // "%1.%2": each %k is level k's current number in level k's own format.
        let mut out = String::new();
        let mut chars = definition.text.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let k = usize::try_from(d - 1).unwrap_or(0);
                    let format = levels[k].as_ref().map_or("decimal", |l| l.format.as_str());
                    let n = counts[k].unwrap_or_else(|| start_of(k));
                    out.push_str(&list_number(n, format));
                }
                _ => out.push(c),
            }
        }
        let out = out.trim().to_owned();
        (!out.is_empty()).then_some(out)
    }
}

/// A list number in a Word number format.
fn list_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => to_roman(n).unwrap_or_else(|| n.to_string()),
        "upperRoman" => to_roman(n).map_or_else(|| n.to_string(), |r| r.to_uppercase()),
        _ => n.to_string(),
    }
}

/// Word's letter numbers: A…Z, then AA…ZZ, AAA…
fn letters(n: u32) -> String {
    if n == 0 {
        return "0".to_owned();
    }
    let letter = char::from(b'A' + u8::try_from((n - 1) % 26).unwrap_or(0));
    let times = usize::try_from((n - 1) / 26 + 1).unwrap_or(1).min(10);
    std::iter::repeat_n(letter, times).collect()
}

fn emit_docx_para(
    para: Option<DocxPara>,
    numbering: &Numbering,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
    let Some(mut para) = para else { return Ok(()) };
    // Counted even when empty: Word numbers an empty list paragraph too.
    let label = numbering.label(&para);
    if para.text.trim().is_empty() {
        return Ok(());
    }
    if let Some(label) = label {
        para.text = format!("{label} {}", para.text.trim_start());
    }
    match para.style.as_deref().and_then(docx_heading_level) {
        Some(level) => builder.add(Unit::Heading {
            level: Some(level),
            text: para.text,
        }),
        // `w:br` became a space, so this is one line: markers and keyword lines still count.
        None => split_text(&para.text, Start::Free, true, builder),
    }
}

fn check_attributes(element: &BytesStart<'_>) -> Result<(), ImportError> {
    for attribute in element.attributes() {
        attribute.map_err(|_| ImportError::InvalidXml)?;
    }
    Ok(())
}

fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, ImportError> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            _ => Err(ImportError::InvalidXml),
        };
    }
    let name = reference.decode().map_err(|_| ImportError::InvalidXml)?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or(ImportError::InvalidXml)
}

/// The XML of a DOCX body to units: `w:t` text per `w:p`, `w:tab`/`w:br` as spaces, the
/// paragraph style from `w:pPr/w:pStyle/@w:val`. Streaming, so nesting costs no recursion.
fn docx_units(
    xml: &[u8],
    numbering: &Numbering,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
    let xml = xml.strip_prefix(UTF8_BOM).unwrap_or(xml);
    let text = std::str::from_utf8(xml).map_err(|_| ImportError::InvalidXml)?;
    let mut reader = Reader::from_str(text);
    let mut depth: usize = 0;
    let mut seen_root = false;
    let mut in_text = false;
    let mut in_properties = false;
    let mut para: Option<DocxPara> = None;

    let push_text = |para: &mut Option<DocxPara>, s: &str| {
        para.get_or_insert_with(DocxPara::default).text.push_str(s);
    };

    loop {
        let event = reader.read_event().map_err(|_| ImportError::InvalidXml)?;
        match event {
            XmlEvent::Start(element) => {
                if depth == 0 {
                    if seen_root {
                        return Err(ImportError::InvalidXml);
                    }
                    seen_root = true;
                }
                depth = depth.saturating_add(1);
                check_attributes(&element)?;
                match element.name().as_ref() {
                    b"w:p" => {
                        // A paragraph inside a paragraph (text box): end the outer part first.
                        emit_docx_para(para.take(), numbering, builder)?;
                        para = Some(DocxPara::default());
                        in_text = false;
                    }
                    b"w:pPr" => in_properties = true,
                    b"w:t" => in_text = true,
                    // Usually empty elements (below), but `<w:numId …></w:numId>` is valid too.
                    b"w:numId" if in_properties => {
                        para.get_or_insert_with(DocxPara::default).num_id =
                            attribute(&element, "w:val")?;
                    }
                    b"w:ilvl" if in_properties => {
                        para.get_or_insert_with(DocxPara::default).level =
                            level_index(attribute(&element, "w:val")?);
                    }
                    b"w:pStyle" => {
                        if let Some(style) = attribute(&element, "w:val")? {
                            para.get_or_insert_with(DocxPara::default).style = Some(style);
                        }
                    }
                    b"w:tab" | b"w:br" | b"w:cr" if !in_properties => push_text(&mut para, " "),
                    _ => {}
                }
            }
            XmlEvent::Empty(element) => {
                if depth == 0 {
                    if seen_root {
                        return Err(ImportError::InvalidXml);
                    }
                    seen_root = true;
                }
                check_attributes(&element)?;
                match element.name().as_ref() {
                    b"w:pStyle" => {
                        if let Some(style) = attribute(&element, "w:val")? {
                            para.get_or_insert_with(DocxPara::default).style = Some(style);
                        }
                    }
                    b"w:numId" if in_properties => {
                        para.get_or_insert_with(DocxPara::default).num_id =
                            attribute(&element, "w:val")?;
                    }
                    b"w:ilvl" if in_properties => {
                        para.get_or_insert_with(DocxPara::default).level =
                            level_index(attribute(&element, "w:val")?);
                    }
                    // Tab stops are declared as `w:tab` inside `w:pPr`; they are not text.
                    b"w:tab" | b"w:br" | b"w:cr" if !in_properties => push_text(&mut para, " "),
                    b"w:noBreakHyphen" if !in_properties => push_text(&mut para, "-"),
                    _ => {}
                }
            }
            XmlEvent::End(element) => {
                depth = depth.checked_sub(1).ok_or(ImportError::InvalidXml)?;
                match element.name().as_ref() {
                    b"w:p" => {
                        emit_docx_para(para.take(), numbering, builder)?;
                        in_text = false;
                    }
                    b"w:pPr" => in_properties = false,
                    b"w:t" => in_text = false,
                    _ => {}
                }
            }
            XmlEvent::Text(content) => {
                let content = content.decode().map_err(|_| ImportError::InvalidXml)?;
                if in_text {
                    push_text(&mut para, &content);
                } else if depth == 0 && !content.trim().is_empty() {
                    return Err(ImportError::InvalidXml);
                }
            }
            XmlEvent::CData(content) => {
                if depth == 0 {
                    return Err(ImportError::InvalidXml);
                }
                if in_text {
                    let content = content.decode().map_err(|_| ImportError::InvalidXml)?;
                    push_text(&mut para, &content);
                }
            }
            XmlEvent::GeneralRef(reference) => {
                // Resolved even outside text, so an undefined entity anywhere is an error.
                let resolved = resolve_reference(&reference)?;
                if depth == 0 {
                    return Err(ImportError::InvalidXml);
                }
                if in_text {
                    push_text(&mut para, &resolved);
                }
            }
            XmlEvent::Eof => {
                if depth != 0 || !seen_root {
                    return Err(ImportError::InvalidXml);
                }
                return emit_docx_para(para.take(), numbering, builder);
            }
            XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) | XmlEvent::DocType(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;

    use super::*;

    type Row<'a> = (i32, SectionKind, &'a str, &'a str, &'a str);

    fn rows(sections: &[ParsedSection]) -> Vec<Row<'_>> {
        sections
            .iter()
            .map(|s| {
                (
                    s.depth,
                    s.kind,
                    s.number.as_str(),
                    s.heading.as_str(),
                    s.body.as_str(),
                )
            })
            .collect()
    }

    fn anchors(sections: &[ParsedSection]) -> Vec<&str> {
        sections.iter().map(|s| s.anchor.as_str()).collect()
    }

    /// The invariants every successful import keeps.
    fn check_invariants(sections: &[ParsedSection], limits: &Limits) {
        let mut seen = HashSet::new();
        let mut previous_depth = -1;
        for s in sections {
            assert!(is_valid_anchor(&s.anchor), "bad anchor {:?}", s.anchor);
            assert!(
                seen.insert(s.anchor.clone()),
                "duplicate anchor {:?}",
                s.anchor
            );
            assert!(
                s.depth >= 0 && s.depth <= previous_depth + 1,
                "bad depth in {s:?}"
            );
            assert!(s.depth <= MAX_DEPTH);
            previous_depth = s.depth;
            assert!(s.body.chars().count() <= limits.max_body_chars);
            for text in [&s.number, &s.heading, &s.body] {
                assert_eq!(text.as_str(), normalise_ws(text), "not normalised: {s:?}");
            }
        }
        assert!(sections.len() <= limits.max_sections);
    }

    fn ok(format: Format, bytes: &[u8]) -> Vec<ParsedSection> {
        let limits = Limits::default();
        let sections = import(format, bytes, &limits).expect("import failed");
        check_invariants(&sections, &limits);
        sections
    }

    fn err(format: Format, bytes: &[u8], limits: &Limits) -> ImportError {
        import(format, bytes, limits).expect_err("import should have failed")
    }

    // ---- fixtures ---------------------------------------------------------------------------

    const MARKDOWN_DRAFT: &str = "\
## Chapter 1 – General provisions

### Article 1 – Subject matter

This Regulation lays down rules
on public consultations.

<div class=\"note\">Raw HTML is dropped.</div>

### Article 2 – Definitions

For the purposes of this Regulation:

1. 'consultation' means a process in which *members* may comment on a [draft](https://example.org);
2. 'member' means any of the following:
   (a) a natural person;
   (b) a <b>legal</b> `person`.

## Chapter 2 – Procedure

### Article 3 – Publication

1. The draft shall be published.
2. Comments may be submitted within 30 days.
";

    const PLAIN_DRAFT: &str = "\
Chapter 1 – General provisions\r
\r
Article 1 – Subject matter\r
\r
This Regulation lays down rules\r
on public consultations.\r
\r
Article 2 – Definitions\r
\r
For the purposes of this Regulation:\r
1. 'consultation' means a process in which members may comment on a draft;\r
2. 'member' means any of the following:\r
(a) a natural person;\r
(b) a legal person.\r
\r
Chapter 2 – Procedure\r
Article 3 – Publication\r
1. The draft shall be published.\r
2. Comments may be submitted within 30 days.\r
";

    const DOCX_DRAFT: &[(&str, &str)] = &[
        ("Heading1", "Chapter 1 – General provisions"),
        ("Heading2", "Article 1 – Subject matter"),
        (
            "",
            "This Regulation lays down rules on public consultations.",
        ),
        ("Heading2", "Article 2 – Definitions"),
        ("", "For the purposes of this Regulation:"),
        (
            "ListParagraph",
            "1. 'consultation' means a process in which members may comment on a draft;",
        ),
        ("", "2. 'member' means any of the following:"),
        ("", "(a) a natural person;"),
        ("", "(b) a legal person."),
        ("Heading1", "Chapter 2 – Procedure"),
        ("Heading2", "Article 3 – Publication"),
        ("", "1. The draft shall be published."),
        ("", "2. Comments may be submitted within 30 days."),
    ];

    fn expected_draft() -> Vec<Row<'static>> {
        use SectionKind::*;
        vec![
            (0, Chapter, "Chapter 1", "General provisions", ""),
            (1, Article, "Article 1", "Subject matter", ""),
            (
                2,
                Paragraph,
                "",
                "",
                "This Regulation lays down rules on public consultations.",
            ),
            (1, Article, "Article 2", "Definitions", ""),
            (2, Paragraph, "", "", "For the purposes of this Regulation:"),
            (
                2,
                Paragraph,
                "1.",
                "",
                "'consultation' means a process in which members may comment on a draft;",
            ),
            (
                2,
                Paragraph,
                "2.",
                "",
                "'member' means any of the following:",
            ),
            (3, Point, "(a)", "", "a natural person;"),
            (3, Point, "(b)", "", "a legal person."),
            (0, Chapter, "Chapter 2", "Procedure", ""),
            (1, Article, "Article 3", "Publication", ""),
            (2, Paragraph, "1.", "", "The draft shall be published."),
            (
                2,
                Paragraph,
                "2.",
                "",
                "Comments may be submitted within 30 days.",
            ),
        ]
    }

    const EXPECTED_ANCHORS: &[&str] = &[
        "ch1",
        "ch1-art1",
        "ch1-art1-t1",
        "ch1-art2",
        "ch1-art2-t1",
        "ch1-art2-p1",
        "ch1-art2-p2",
        "ch1-art2-p2-a",
        "ch1-art2-p2-b",
        "ch2",
        "ch2-art3",
        "ch2-art3-p1",
        "ch2-art3-p2",
    ];

    fn xml_escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&apos;")
    }

    /// A minimal `word/document.xml`: the first space of each paragraph becomes a tab in a run
    /// of its own, and the rest is split over two runs, as Word does.
    fn document_xml(paragraphs: &[(&str, &str)]) -> String {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
             <w:body>",
        );
        for (style, text) in paragraphs {
            xml.push_str("<w:p><w:pPr>");
            if !style.is_empty() {
                xml.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
            }
            // A tab stop declaration: not text.
            xml.push_str("<w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>");
            let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
            let middle = rest
                .char_indices()
                .nth(rest.chars().count() / 2)
                .map_or(0, |(i, _)| i);
            let (a, b) = rest.split_at(middle);
            xml.push_str(&format!(
                "<w:r><w:t>{}</w:t></w:r><w:r><w:tab/></w:r>\
                 <w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>\
                 <w:r><w:t>{}</w:t></w:r>",
                xml_escape(first),
                xml_escape(a),
                xml_escape(b)
            ));
            xml.push_str("</w:p>");
        }
        xml.push_str("<w:sectPr/></w:body></w:document>");
        xml
    }

    fn zip_entries(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in entries {
            writer.start_file(*name, options).expect("start_file");
            writer.write_all(data).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
        </Types>";

    fn docx_from_xml(xml: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
        zip_entries(
            &[
                ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
                ("word/document.xml", xml),
            ],
            method,
        )
    }

    fn docx(paragraphs: &[(&str, &str)]) -> Vec<u8> {
        docx_from_xml(
            document_xml(paragraphs).as_bytes(),
            zip::CompressionMethod::Deflated,
        )
    }

    /// A raw deflate stream of `1 + 258 * runs` zero bytes: one literal, then back-references
    /// of length 258 at distance 1 (13 bits each in the fixed Huffman code). Built by hand
    /// because compressing 100 MB in a debug build would take long.
    fn deflate_zeros(runs: u64) -> Vec<u8> {
        struct Bits {
            out: Vec<u8>,
            acc: u32,
            n: u32,
        }
        impl Bits {
            fn put(&mut self, value: u32, count: u32) {
                for i in 0..count {
                    self.acc |= ((value >> i) & 1) << self.n;
                    self.n += 1;
                    if self.n == 8 {
                        self.out.push(self.acc as u8);
                        self.acc = 0;
                        self.n = 0;
                    }
                }
            }
            /// Huffman codes go most significant bit first.
            fn code(&mut self, code: u32, len: u32) {
                for i in (0..len).rev() {
                    self.put((code >> i) & 1, 1);
                }
            }
        }
        let mut bits = Bits {
            out: Vec::new(),
            acc: 0,
            n: 0,
        };
        bits.put(1, 1); // final block
        bits.put(1, 2); // fixed Huffman codes
        bits.code(0x30, 8); // literal 0
        for _ in 0..runs {
            bits.code(0xC5, 8); // length 258 (symbol 285)
            bits.code(0, 5); // distance 1
        }
        bits.code(0, 7); // end of block
        if bits.n > 0 {
            bits.out.push(bits.acc as u8);
        }
        bits.out
    }

    /// A one-entry ZIP written by hand, so the sizes in its headers can lie.
    fn raw_zip(name: &str, deflated: &[u8], declared_size: u32) -> Vec<u8> {
        let name_len = u16::try_from(name.len()).expect("short name");
        let csize = u32::try_from(deflated.len()).expect("small");
        let mut zip = Vec::new();
        zip.extend_from_slice(b"PK\x03\x04");
        zip.extend_from_slice(&20u16.to_le_bytes()); // version needed
        zip.extend_from_slice(&0u16.to_le_bytes()); // flags
        zip.extend_from_slice(&8u16.to_le_bytes()); // deflate
        zip.extend_from_slice(&[0; 4]); // time, date
        zip.extend_from_slice(&0u32.to_le_bytes()); // crc (never reached)
        zip.extend_from_slice(&csize.to_le_bytes());
        zip.extend_from_slice(&declared_size.to_le_bytes());
        zip.extend_from_slice(&name_len.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(name.as_bytes());
        zip.extend_from_slice(deflated);
        let central_offset = u32::try_from(zip.len()).expect("small");
        zip.extend_from_slice(b"PK\x01\x02");
        zip.extend_from_slice(&20u16.to_le_bytes()); // made by
        zip.extend_from_slice(&20u16.to_le_bytes()); // needed
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(&8u16.to_le_bytes());
        zip.extend_from_slice(&[0; 4]);
        zip.extend_from_slice(&0u32.to_le_bytes());
        zip.extend_from_slice(&csize.to_le_bytes());
        zip.extend_from_slice(&declared_size.to_le_bytes());
        zip.extend_from_slice(&name_len.to_le_bytes());
        zip.extend_from_slice(&[0; 4]); // extra, comment
        zip.extend_from_slice(&[0; 4]); // disk, internal attributes
        zip.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
        zip.extend_from_slice(name.as_bytes());
        let central_size = u32::try_from(zip.len()).expect("small") - central_offset;
        zip.extend_from_slice(b"PK\x05\x06");
        zip.extend_from_slice(&[0; 4]);
        zip.extend_from_slice(&1u16.to_le_bytes());
        zip.extend_from_slice(&1u16.to_le_bytes());
        zip.extend_from_slice(&central_size.to_le_bytes());
        zip.extend_from_slice(&central_offset.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip
    }

    fn previous(sections: &[ParsedSection]) -> Vec<PreviousSection> {
        sections.iter().map(PreviousSection::from).collect()
    }

    // ---- the three formats --------------------------------------------------------------------

    #[test]
    fn markdown_draft_gives_the_expected_tree() {
        let sections = ok(Format::Markdown, MARKDOWN_DRAFT.as_bytes());
        assert_eq!(rows(&sections), expected_draft());
        assert_eq!(anchors(&sections), EXPECTED_ANCHORS);
    }

    #[test]
    fn plain_text_draft_gives_the_same_tree() {
        let sections = ok(Format::PlainText, PLAIN_DRAFT.as_bytes());
        assert_eq!(rows(&sections), expected_draft());
        assert_eq!(anchors(&sections), EXPECTED_ANCHORS);
    }

    #[test]
    fn docx_draft_gives_the_same_tree() {
        let sections = ok(Format::Docx, &docx(DOCX_DRAFT));
        assert_eq!(rows(&sections), expected_draft());
        assert_eq!(anchors(&sections), EXPECTED_ANCHORS);
    }

    /// `word/numbering.xml`: list 1 is "1." / "(a)" / "(i)"; list 2 restarts it at 1; list 3 is
    /// "Article 1" bound to the style `Heading2`; list 4 is bullets.
    const NUMBERING_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
        <w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:abstractNum w:abstractNumId=\"10\">\
          <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>\
          <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"(%2)\"/></w:lvl>\
          <w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerRoman\"/><w:lvlText w:val=\"(%3)\"/></w:lvl>\
        </w:abstractNum>\
        <w:abstractNum w:abstractNumId=\"11\">\
          <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:pStyle w:val=\"Heading2\"/>\
          <w:lvlText w:val=\"Article %1\"/></w:lvl>\
        </w:abstractNum>\
        <w:abstractNum w:abstractNumId=\"12\">\
          <w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{2022}\"/></w:lvl>\
        </w:abstractNum>\
        <w:num w:numId=\"1\"><w:abstractNumId w:val=\"10\"/></w:num>\
        <w:num w:numId=\"2\"><w:abstractNumId w:val=\"10\"/>\
          <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>\
        <w:num w:numId=\"3\"><w:abstractNumId w:val=\"11\"/></w:num>\
        <w:num w:numId=\"4\"><w:abstractNumId w:val=\"12\"/></w:num>\
        </w:numbering>";

    /// `word/styles.xml`: `Heading2` is numbered by list 3.
    const STYLES_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>\
          <w:pPr><w:numPr><w:numId w:val=\"3\"/></w:numPr></w:pPr></w:style>\
        </w:styles>";

    /// One paragraph of [`numbered_docx`]: style, (list, level), text.
    type NumberedPara<'a> = (&'a str, Option<(&'a str, usize)>, &'a str);

    /// A document whose numbers come from Word's lists.
    fn numbered_docx(paragraphs: &[NumberedPara<'_>]) -> Vec<u8> {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
        );
        for (style, list, text) in paragraphs {
            xml.push_str("<w:p><w:pPr>");
            if !style.is_empty() {
                xml.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
            }
            if let Some((id, level)) = list {
                xml.push_str(&format!(
                    "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{id}\"/></w:numPr>"
                ));
            }
            xml.push_str(&format!(
                "</w:pPr><w:r><w:t>{}</w:t></w:r></w:p>",
                xml_escape(text)
            ));
        }
        xml.push_str("</w:body></w:document>");
        zip_entries(
            &[
                ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
                ("word/document.xml", xml.as_bytes()),
                ("word/numbering.xml", NUMBERING_XML.as_bytes()),
                ("word/styles.xml", STYLES_XML.as_bytes()),
            ],
            zip::CompressionMethod::Deflated,
        )
    }

    #[test]
    fn docx_automatic_numbering_gives_the_same_tree() {
        let sections = ok(
            Format::Docx,
            &numbered_docx(&[
                ("Heading1", None, "Chapter 1 – General provisions"),
                ("Heading2", None, "Subject matter"),
                (
                    "",
                    None,
                    "This Regulation lays down rules on public consultations.",
                ),
                ("Heading2", None, "Definitions"),
                ("", None, "For the purposes of this Regulation:"),
                (
                    "",
                    Some(("1", 0)),
                    "'consultation' means a process in which members may comment on a draft;",
                ),
                ("", Some(("1", 0)), "'member' means any of the following:"),
                ("", Some(("1", 1)), "a natural person;"),
                // An empty list paragraph still takes its number, as in Word.
                ("", Some(("1", 1)), ""),
                ("", Some(("1", 1)), "a legal person."),
                ("Heading1", None, "Chapter 2 – Procedure"),
                ("Heading2", None, "Publication"),
                ("", Some(("2", 0)), "The draft shall be published."),
                (
                    "",
                    Some(("2", 0)),
                    "Comments may be submitted within 30 days.",
                ),
            ]),
        );
        let mut expected = expected_draft();
        // The empty paragraph took "(b)", so the legal person is "(c)".
        expected[8].2 = "(c)";
        assert_eq!(rows(&sections), expected);
    }

    #[test]
    fn docx_list_numbers_nest_restart_and_skip_bullets() {
        let sections = ok(
            Format::Docx,
            &numbered_docx(&[
                ("", Some(("1", 0)), "First."),
                ("", Some(("1", 1)), "point;"),
                ("", Some(("1", 2)), "sub-point;"),
                ("", Some(("1", 2)), "another sub-point;"),
                ("", Some(("1", 0)), "Second."),
                // A deeper level starts again under a new parent.
                ("", Some(("1", 1)), "new point."),
                // Bullets and list 0 (numbering switched off) add no number.
                ("", Some(("4", 0)), "A bullet."),
                ("", Some(("0", 0)), "No number."),
                // An unknown list adds nothing either.
                ("", Some(("99", 0)), "Unknown list."),
            ]),
        );
        let numbers: Vec<&str> = sections.iter().map(|s| s.number.as_str()).collect();
        assert_eq!(
            numbers,
            ["1.", "(a)", "(i)", "(ii)", "2.", "(a)", "", "", ""],
            "{:?}",
            rows(&sections)
        );
    }

    #[test]
    fn list_numbers_in_word_formats() {
        assert_eq!(list_number(3, "decimal"), "3");
        assert_eq!(list_number(3, "lowerLetter"), "c");
        assert_eq!(list_number(28, "upperLetter"), "BB");
        assert_eq!(list_number(4, "lowerRoman"), "iv");
        assert_eq!(list_number(9, "upperRoman"), "IX");
        assert_eq!(list_number(5000, "upperRoman"), "5000");
        assert_eq!(letters(0), "0");
    }

    #[test]
    fn a_malformed_numbering_part_is_refused() {
        let document = document_xml(&[("", "1. Text.")]);
        let bytes = zip_entries(
            &[
                ("word/document.xml", document.as_bytes()),
                ("word/numbering.xml", b"<w:numbering><w:num></w:numbering>"),
            ],
            zip::CompressionMethod::Deflated,
        );
        assert_eq!(
            err(Format::Docx, &bytes, &Limits::default()),
            ImportError::InvalidXml
        );
    }

    #[test]
    fn docx_uses_only_run_text() {
        let xml = "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\" xmlns:a=\"a\"><w:body>\
            <w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>Draft &amp; law</w:t></w:r></w:p>\
            <w:p><w:r><w:t>Before</w:t><w:br/><w:t>after&#x20AC;</w:t></w:r>\
            <w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>\
            <w:r><w:instrText>PAGE</w:instrText></w:r><a:t>drawing</a:t></w:p>\
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>(a) cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
            </w:body></w:document>";
        let sections = ok(
            Format::Docx,
            &docx_from_xml(xml.as_bytes(), zip::CompressionMethod::Stored),
        );
        assert_eq!(
            rows(&sections),
            vec![
                (0, SectionKind::Section, "", "Draft & law", ""),
                (1, SectionKind::Paragraph, "", "", "Before after€"),
                (1, SectionKind::Point, "(a)", "", "cell"),
            ]
        );
    }

    // ---- structure ----------------------------------------------------------------------------

    #[test]
    fn decimal_numbers_nest_under_their_parent() {
        let text = "Article 1\n\n3. Main rule.\n3.1 First detail.\n3.2 Second detail.\n\
                    3.2.1 Sub detail.\n4. Next rule.\n4.1. Detail of four.";
        let sections = ok(Format::PlainText, text.as_bytes());
        let shape: Vec<(i32, &str)> = sections
            .iter()
            .map(|s| (s.depth, s.number.as_str()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, "Article 1"),
                (1, "3."),
                (2, "3.1"),
                (2, "3.2"),
                (3, "3.2.1"),
                (1, "4."),
                (2, "4.1."),
            ]
        );
        assert_eq!(sections[4].anchor, "art1-p3-p3-2-p3-2-1");
    }

    #[test]
    fn roman_points_nest_under_letters() {
        let text = "Article 1\n\n1. The following:\n(a) first;\n(i) one;\n(ii) two;\n(iii) three;\n\
                    (iv) four;\n(b) second;\n(h) eighth;\n(i) ninth;\nv) five";
        let sections = ok(Format::PlainText, text.as_bytes());
        let shape: Vec<(i32, SectionKind, &str)> = sections
            .iter()
            .map(|s| (s.depth, s.kind, s.number.as_str()))
            .collect();
        use SectionKind::*;
        assert_eq!(
            shape,
            vec![
                (0, Article, "Article 1"),
                (1, Paragraph, "1."),
                (2, Point, "(a)"),
                (3, Point, "(i)"),
                (3, Point, "(ii)"),
                (3, Point, "(iii)"),
                (3, Point, "(iv)"),
                (2, Point, "(b)"),
                (2, Point, "(h)"),
                // After "(h)", "(i)" is the ninth letter, not a numeral.
                (2, Point, "(i)"),
                // "v)" is not the letter after "(i)", nor does a numeral run here: a letter.
                (2, Point, "v)"),
            ]
        );
    }

    #[test]
    fn french_keywords() {
        let text = "TITRE I – DISPOSITIONS GÉNÉRALES\n\nChapitre premier – Objet\n\n\
                    Article 1er – Champ d'application\n\nLe présent règlement s'applique.\n\n\
                    Art. 2\n\n1) Premier alinéa.\n2) Second alinéa.\n\nPartie 2\nMise en œuvre\n\n\
                    Chapitre II\n\nArticle 3";
        let sections = ok(Format::PlainText, text.as_bytes());
        use SectionKind::*;
        assert_eq!(
            rows(&sections),
            vec![
                (0, Part, "TITRE I", "DISPOSITIONS GÉNÉRALES", ""),
                (1, Chapter, "Chapitre premier", "Objet", ""),
                (2, Article, "Article 1er", "Champ d'application", ""),
                (3, Paragraph, "", "", "Le présent règlement s'applique."),
                (2, Article, "Art. 2", "", ""),
                (3, Paragraph, "1)", "", "Premier alinéa."),
                (3, Paragraph, "2)", "", "Second alinéa."),
                (0, Part, "Partie 2", "Mise en œuvre", ""),
                (1, Chapter, "Chapitre II", "", ""),
                (2, Article, "Article 3", "", ""),
            ]
        );
        assert_eq!(sections[0].anchor, "part-i");
        assert_eq!(sections[1].anchor, "part-i-ch1");
        assert_eq!(sections[2].anchor, "part-i-ch1-art1");
    }

    #[test]
    fn english_keyword_variants() {
        for (line, kind, number, heading) in [
            ("PART I: GENERAL", SectionKind::Part, "PART I", "GENERAL"),
            ("Part One - Scope", SectionKind::Part, "Part One", "Scope"),
            (
                "Chapter 2 – Definitions",
                SectionKind::Chapter,
                "Chapter 2",
                "Definitions",
            ),
            (
                "Section 3 — Fees",
                SectionKind::Section,
                "Section 3",
                "Fees",
            ),
            (
                "Article 5. Scope",
                SectionKind::Article,
                "Article 5",
                "Scope",
            ),
            ("Art. 12", SectionKind::Article, "Art. 12", ""),
            (
                "article 7a: Transitional",
                SectionKind::Article,
                "article 7a",
                "Transitional",
            ),
        ] {
            let sections = ok(Format::PlainText, line.as_bytes());
            assert_eq!(
                rows(&sections),
                vec![(0, kind, number, heading, "")],
                "for {line:?}"
            );
        }
        // Sentences that start with a keyword are not headings.
        let sections = ok(Format::PlainText, b"Article 5 applies to all members.");
        assert_eq!(sections[0].kind, SectionKind::Text);
        let sections = ok(Format::PlainText, b"Particle 5 is small.");
        assert_eq!(sections[0].kind, SectionKind::Text);
    }

    #[test]
    fn preamble_before_the_first_heading() {
        let text =
            "The Council,\n\nHaving regard to the Treaty,\n\n# Chapter 1\n\n## Article 1\n\nText.";
        let sections = ok(Format::Markdown, text.as_bytes());
        use SectionKind::*;
        assert_eq!(
            rows(&sections),
            vec![
                (0, Text, "", "", "The Council,"),
                (0, Text, "", "", "Having regard to the Treaty,"),
                (0, Chapter, "Chapter 1", "", ""),
                (1, Article, "Article 1", "", ""),
                (2, Paragraph, "", "", "Text."),
            ]
        );
        assert_eq!(
            anchors(&sections),
            vec!["intro-1", "intro-2", "ch1", "ch1-art1", "ch1-art1-t1"]
        );
    }

    #[test]
    fn markdown_headings_without_keywords_nest_by_level() {
        let text = "# Draft law on openness\n\n## Background\n\nWhy.\n\n## 2. Aims\n\n\
                    - first aim\n- second aim\n  - detail\n\n10. ten\n11. eleven\n\n### Chapter 1\n";
        let sections = ok(Format::Markdown, text.as_bytes());
        use SectionKind::*;
        assert_eq!(
            rows(&sections),
            vec![
                (0, Section, "", "Draft law on openness", ""),
                (1, Section, "", "Background", ""),
                (2, Paragraph, "", "", "Why."),
                (1, Section, "2.", "Aims", ""),
                (2, Point, "", "", "first aim"),
                (2, Point, "", "", "second aim"),
                (3, Point, "", "", "detail"),
                (2, Paragraph, "10.", "", "ten"),
                (2, Paragraph, "11.", "", "eleven"),
                (2, Chapter, "Chapter 1", "", ""),
            ]
        );
        assert_eq!(sections[4].anchor, "h1-sec2-b1");
        assert_eq!(sections[7].anchor, "h1-sec2-p10");
    }

    #[test]
    fn markdown_is_plain_text_without_html() {
        let text = "## Article 1 – *Scope*\n\nThe **rules** apply to `code` and [links](x)\n\
                    <span>inline</span> html.\n<script>alert(1)</script>\n\n<p>block html</p>\n\n\
                    - item one\n\n  second paragraph of item one\n- item two\n\n\
                    - (a) lettered item\n- (b) another\n";
        let sections = ok(Format::Markdown, text.as_bytes());
        use SectionKind::*;
        assert_eq!(
            rows(&sections),
            vec![
                (0, Article, "Article 1", "Scope", ""),
                (
                    1,
                    Paragraph,
                    "",
                    "",
                    "The rules apply to code and links inline html."
                ),
                (1, Point, "", "", "item one second paragraph of item one"),
                (1, Point, "", "", "item two"),
                // A written point beats the bullet it is written in.
                (1, Point, "(a)", "", "lettered item"),
                (1, Point, "(b)", "", "another"),
            ]
        );
    }

    #[test]
    fn unstyled_keyword_lines_among_styled_headings() {
        let text = "# Draft\n\n## Background\n\n**Article 1 – Scope**\n\nText.\n\n## Next\n\n\
                    ## Chapter 1\n\n### Notes\n\nChapter 2\n\nArticle 2\n\n#### Deep\n";
        let sections = ok(Format::Markdown, text.as_bytes());
        let shape: Vec<(i32, &str, &str)> = sections
            .iter()
            .map(|s| (s.depth, s.number.as_str(), s.heading.as_str()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (0, "", "Draft"),
                (1, "", "Background"),
                (2, "Article 1", "Scope"),
                (3, "", ""),
                (1, "", "Next"),
                (1, "Chapter 1", ""),
                (2, "", "Notes"),
                (1, "Chapter 2", ""),
                (2, "Article 2", ""),
                (3, "", "Deep"),
            ]
        );
    }

    #[test]
    fn markdown_lists_keep_their_structure() {
        let text = "## Article 1\n\n- (a) first\n  - (i) one\n  - (ii) two\n- (b) second\n\n\
                    1. Para one\n   1. nested ordered\n2. Para two\n";
        let sections = ok(Format::Markdown, text.as_bytes());
        let shape: Vec<(i32, SectionKind, &str)> = sections
            .iter()
            .map(|s| (s.depth, s.kind, s.number.as_str()))
            .collect();
        use SectionKind::*;
        assert_eq!(
            shape,
            vec![
                (0, Article, "Article 1"),
                (1, Point, "(a)"),
                (2, Point, "(i)"),
                (2, Point, "(ii)"),
                (1, Point, "(b)"),
                (1, Paragraph, "1."),
                (2, Point, "1."),
                (1, Paragraph, "2."),
            ]
        );
        assert_eq!(sections[6].anchor, "art1-p1-n1");
    }

    #[test]
    fn docx_style_names() {
        assert_eq!(docx_heading_level("Heading1"), Some(1));
        assert_eq!(docx_heading_level("heading 9"), Some(9));
        assert_eq!(docx_heading_level("Title"), Some(0));
        assert_eq!(docx_heading_level("Titre2"), Some(2));
        assert_eq!(docx_heading_level("berschrift3"), Some(3));
        assert_eq!(docx_heading_level("Heading10"), None);
        assert_eq!(docx_heading_level("Normal"), None);
        assert_eq!(docx_heading_level("ListParagraph"), None);
    }

    #[test]
    fn long_bodies_are_cut() {
        let limits = Limits {
            max_body_chars: 10,
            ..Limits::default()
        };
        let sections =
            import(Format::PlainText, "é".repeat(50).as_bytes(), &limits).expect("import");
        assert_eq!(sections[0].body.chars().count(), 10);
    }

    #[test]
    fn detect_formats() {
        assert_eq!(Format::detect("draft.MD", b""), Format::Markdown);
        assert_eq!(Format::detect("draft.markdown", b""), Format::Markdown);
        assert_eq!(Format::detect("draft.txt", b"# x"), Format::PlainText);
        assert_eq!(Format::detect("Draft.DOCX", b""), Format::Docx);
        assert_eq!(Format::detect("upload", b"PK\x03\x04rest"), Format::Docx);
        assert_eq!(
            Format::detect("upload", b"intro\n# Title\n"),
            Format::Markdown
        );
        assert_eq!(
            Format::detect("upload.bin", b"just text"),
            Format::PlainText
        );
    }

    #[test]
    fn codes_round_trip() {
        for kind in [
            SectionKind::Part,
            SectionKind::Chapter,
            SectionKind::Section,
            SectionKind::Article,
            SectionKind::Paragraph,
            SectionKind::Point,
            SectionKind::Text,
        ] {
            assert_eq!(SectionKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(SectionKind::from_code("nope"), None);
        assert_eq!(ImportError::TooLarge.code(), "file_too_large");
        assert_eq!(
            ImportError::TooDeep.to_string(),
            ImportError::TooDeep.code()
        );
    }

    // ---- anchors across versions --------------------------------------------------------------

    const PLAIN_DRAFT_V2: &str = "\
Chapter 1 – General provisions

Article 1 – Subject matter

This Regulation lays down rules on public consultations.

Article 2 – Purpose

This Regulation aims at openness.

Article 3 – Definitions

For the purposes of this Regulation:
1. 'consultation' means a process in which members may comment on a draft;
2. 'member' means any of the following:
(a) a natural person;
(b) a legal person.

Chapter 2 – Procedure

Article 4 – Publication

1. The draft shall be published online.
2. Comments may be submitted within 30 days.
3. Late comments are not considered.
";

    #[test]
    fn carry_keeps_anchors_through_insertion_and_edits() {
        let v1 = ok(Format::PlainText, PLAIN_DRAFT.as_bytes());
        let mut v2 = ok(Format::PlainText, PLAIN_DRAFT_V2.as_bytes());
        carry_anchors(&mut v2, &previous(&v1));
        let limits = Limits::default();
        check_invariants(&v2, &limits);
        let got: Vec<(&str, &str)> = v2
            .iter()
            .map(|s| (s.number.as_str(), s.anchor.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Chapter 1", "ch1"),
                ("Article 1", "ch1-art1"),
                ("", "ch1-art1-t1"),
                // Inserted: fresh, and not the displaced article's old anchors.
                ("Article 2", "ch1-art2-2"),
                ("", "ch1-art2-2-t1"),
                // Renumbered but unchanged: keeps its anchors, and so do its children.
                ("Article 3", "ch1-art2"),
                ("", "ch1-art2-t1"),
                ("1.", "ch1-art2-p1"),
                ("2.", "ch1-art2-p2"),
                ("(a)", "ch1-art2-p2-a"),
                ("(b)", "ch1-art2-p2-b"),
                ("Chapter 2", "ch2"),
                ("Article 4", "ch2-art3"),
                // Changed text: kept by path (through its renumbered parent).
                ("1.", "ch2-art3-p1"),
                ("2.", "ch2-art3-p2"),
                // New paragraph: fresh.
                ("3.", "ch2-art3-p3"),
            ]
        );
        let old: HashSet<&str> = v1.iter().map(|s| s.anchor.as_str()).collect();
        for s in &v2[3..5] {
            assert!(!old.contains(s.anchor.as_str()));
        }
    }

    fn section(depth: i32, kind: SectionKind, number: &str, heading: &str) -> ParsedSection {
        ParsedSection {
            depth,
            kind,
            number: number.to_owned(),
            heading: heading.to_owned(),
            body: String::new(),
            anchor: String::new(),
        }
    }

    fn prev(anchor: &str, kind: SectionKind, number: &str, heading: &str) -> PreviousSection {
        PreviousSection {
            anchor: anchor.to_owned(),
            number: number.to_owned(),
            kind,
            heading: heading.to_owned(),
            body: String::new(),
        }
    }

    #[test]
    fn carry_never_uses_a_previous_anchor_twice() {
        use SectionKind::Article;
        let old = vec![
            prev("art1", Article, "Article 1", "Scope"),
            prev("art2", Article, "Article 2", "Definitions"),
        ];
        // "Definitions" moved to the front; the article now numbered 2 is new.
        let mut new = vec![
            section(0, Article, "Article 1", "Definitions"),
            section(0, Article, "Article 2", "Other"),
        ];
        carry_anchors(&mut new, &old);
        assert_eq!(anchors(&new), vec!["art2", "art2-2"]);

        // Two new sections with the text of one old one: no text match; the path decides.
        let mut new = vec![
            section(0, Article, "Article 2", "Scope"),
            section(0, Article, "Article 1", "Scope"),
            section(0, Article, "Article 1", "Scope"),
        ];
        carry_anchors(&mut new, &old);
        assert_eq!(anchors(&new), vec!["art2", "art1", "art1-2"]);

        // Duplicated or malformed anchors in the old version are never handed out twice.
        let bad = vec![
            prev("same", Article, "Article 1", "A"),
            prev("same", Article, "Article 2", "B"),
            prev("Not Valid!", Article, "Article 3", "C"),
        ];
        let mut new = vec![
            section(0, Article, "Article 1", "A"),
            section(0, Article, "Article 2", "B"),
            section(0, Article, "Article 3", "C"),
        ];
        carry_anchors(&mut new, &bad);
        assert_eq!(anchors(&new), vec!["same", "art2", "art3"]);
    }

    #[test]
    fn carry_onto_itself_changes_nothing() {
        let v1 = ok(Format::Markdown, MARKDOWN_DRAFT.as_bytes());
        let mut again = v1.clone();
        for s in &mut again {
            s.anchor.clear();
        }
        carry_anchors(&mut again, &previous(&v1));
        assert_eq!(again, v1);
    }

    #[test]
    fn anchors_stay_short_and_unique() {
        let mut text = String::new();
        for _ in 0..14 {
            text.push_str("- x\n");
            text.insert_str(0, "");
        }
        let mut deep = String::from("# Article 123456\n\n");
        for level in 0..12 {
            deep.push_str(&"  ".repeat(level));
            deep.push_str("- item\n");
        }
        deep.push_str(&deep.clone());
        let sections = ok(Format::Markdown, deep.as_bytes());
        assert!(sections.iter().any(|s| s.depth == 12));
        let many = "Article 1\n\n".repeat(300);
        let sections = ok(Format::PlainText, many.as_bytes());
        assert_eq!(sections[1].anchor, "art1-2");
        assert_eq!(sections[299].anchor, "art1-300");
    }

    // ---- refusals -----------------------------------------------------------------------------

    #[test]
    fn refuses_too_large_input() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        for format in [Format::Markdown, Format::PlainText, Format::Docx] {
            assert_eq!(err(format, &[b'a'; 11], &limits), ImportError::TooLarge);
        }
        assert!(import(Format::PlainText, &[b'a'; 10], &limits).is_ok());
    }

    #[test]
    fn refuses_binary_and_invalid_text() {
        let limits = Limits::default();
        for format in [Format::Markdown, Format::PlainText] {
            assert_eq!(err(format, b"abc\0def", &limits), ImportError::NotText);
            assert_eq!(err(format, b"\xff\xfeA\x00", &limits), ImportError::NotText);
            assert_eq!(err(format, b"caf\xe9", &limits), ImportError::NotText);
            assert_eq!(
                err(format, &[1, 2, 3, 4, 5, 65], &limits),
                ImportError::NotText
            );
        }
        // One stray control character in real text is tolerated.
        let mut text = "Some text. ".repeat(20);
        text.push('\u{7}');
        assert!(import(Format::PlainText, text.as_bytes(), &limits).is_ok());
    }

    #[test]
    fn refuses_empty_input() {
        let limits = Limits::default();
        for format in [Format::Markdown, Format::PlainText] {
            assert_eq!(err(format, b"", &limits), ImportError::Empty);
            assert_eq!(err(format, b" \n\r\n\t \n", &limits), ImportError::Empty);
            assert_eq!(err(format, b"\xEF\xBB\xBF", &limits), ImportError::Empty);
        }
        assert_eq!(
            err(Format::Markdown, b"<div>only html</div>\n", &limits),
            ImportError::Empty
        );
        assert_eq!(err(Format::Docx, &docx(&[]), &limits), ImportError::Empty);
    }

    #[test]
    fn refuses_non_docx() {
        let limits = Limits::default();
        let random: Vec<u8> = (0u32..2000)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(err(Format::Docx, &random, &limits), ImportError::NotDocx);
        assert_eq!(err(Format::Docx, b"", &limits), ImportError::NotDocx);
        assert_eq!(
            err(Format::Docx, b"PK\x03\x04", &limits),
            ImportError::NotDocx
        );
        let no_document = zip_entries(
            &[("word/other.xml", b"<x/>")],
            zip::CompressionMethod::Deflated,
        );
        assert_eq!(
            err(Format::Docx, &no_document, &limits),
            ImportError::NotDocx
        );
    }

    #[test]
    fn refuses_zip_bombs() {
        let limits = Limits::default();
        let zeros = deflate_zeros(387_597); // 100,000,027 bytes of zeros, ~630 KB compressed
        let started = std::time::Instant::now();
        // Honest headers: refused from the declared size, before decompressing anything.
        let honest = raw_zip("word/document.xml", &zeros, 100_000_027);
        assert_eq!(
            err(Format::Docx, &honest, &limits),
            ImportError::UnpackedTooLarge
        );
        // Lying headers: refused by the cap while decompressing.
        let lying = raw_zip("word/document.xml", &zeros, 1_000);
        assert_eq!(
            err(Format::Docx, &lying, &limits),
            ImportError::UnpackedTooLarge
        );
        let small = Limits {
            max_unpacked: 64 * 1024,
            ..Limits::default()
        };
        assert_eq!(
            err(Format::Docx, &lying, &small),
            ImportError::UnpackedTooLarge
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(30));

        // Too many entries.
        let names: Vec<String> = (0..10).map(|i| format!("f{i}.xml")).collect();
        let mut entries: Vec<(&str, &[u8])> =
            names.iter().map(|n| (n.as_str(), &b"<x/>"[..])).collect();
        let xml = document_xml(DOCX_DRAFT);
        entries.push(("word/document.xml", xml.as_bytes()));
        let package = zip_entries(&entries, zip::CompressionMethod::Deflated);
        let few = Limits {
            max_entries: 5,
            ..Limits::default()
        };
        assert_eq!(
            err(Format::Docx, &package, &few),
            ImportError::UnpackedTooLarge
        );
        assert!(import(Format::Docx, &package, &limits).is_ok());

        // A highly compressible part just over the ratio floor.
        let padding = " ".repeat(3 * 1024 * 1024);
        let padded = format!(
            "<w:document xmlns:w=\"w\"><w:body>{padding}<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"
        );
        let bomb = docx_from_xml(padded.as_bytes(), zip::CompressionMethod::Deflated);
        assert_eq!(
            err(Format::Docx, &bomb, &limits),
            ImportError::UnpackedTooLarge
        );
    }

    #[test]
    fn refuses_malformed_xml() {
        let limits = Limits::default();
        for xml in [
            "<w:document><w:body><w:p><w:r><w:t>x</w:t></w:r></w:body></w:document>",
            "<w:document><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body>",
            "<w:document><w:body><w:p><w:r><w:t>&nope;</w:t></w:r></w:p></w:body></w:document>",
            "<w:document><w:p w:a=\"1\" w:a=\"2\"/></w:document>",
            "<w:document/><w:document/>",
            "text<w:document/>",
            "",
            "<w:document><w:t>\u{0}</w:t",
        ] {
            let package = docx_from_xml(xml.as_bytes(), zip::CompressionMethod::Deflated);
            assert_eq!(
                err(Format::Docx, &package, &limits),
                ImportError::InvalidXml,
                "for {xml:?}"
            );
        }
        let package = docx_from_xml(
            b"<w:document>\xff</w:document>",
            zip::CompressionMethod::Stored,
        );
        assert_eq!(
            err(Format::Docx, &package, &limits),
            ImportError::InvalidXml
        );
    }

    #[test]
    fn refuses_too_many_sections() {
        let limits = Limits {
            max_sections: 3,
            ..Limits::default()
        };
        let text = "1. a\n2. b\n3. c\n4. d\n";
        assert_eq!(
            err(Format::PlainText, text.as_bytes(), &limits),
            ImportError::TooManySections
        );
        assert_eq!(
            err(Format::Markdown, text.as_bytes(), &limits),
            ImportError::TooManySections
        );
        assert_eq!(
            err(Format::Docx, &docx(DOCX_DRAFT), &limits),
            ImportError::TooManySections
        );
        assert!(import(Format::PlainText, b"1. a\n2. b\n3. c\n", &limits).is_ok());
    }

    #[test]
    fn refuses_too_deep_nesting() {
        let mut text = String::new();
        for level in 0..40 {
            text.push_str(&"  ".repeat(level));
            text.push_str("- item\n");
        }
        assert_eq!(
            err(Format::Markdown, text.as_bytes(), &Limits::default()),
            ImportError::TooDeep
        );
    }

    // ---- fuzzing ------------------------------------------------------------------------------

    /// Pieces of drafts, glued at random into documents that look almost real.
    fn draft_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(vec![
                "# ",
                "## ",
                "### ",
                "###### ",
                "Chapter ",
                "CHAPTER ",
                "Chapitre ",
                "Part ",
                "Partie ",
                "Title ",
                "Titre ",
                "Section ",
                "Article ",
                "Art. ",
                "Art.",
                "1",
                "2",
                "12",
                "IV",
                "I",
                "One",
                "premier",
                "1er",
                "Ier",
                "(a) ",
                "(i) ",
                "(iv) ",
                "(h) ",
                "a) ",
                "i. ",
                "v) ",
                "1. ",
                "2) ",
                "(3) ",
                "3.2 ",
                "3.2.1 ",
                "9999. ",
                "1.1.1.1.1.1.1 ",
                "- ",
                "* ",
                "• ",
                "+ ",
                "  ",
                "    ",
                "\t",
                "\n",
                "\n",
                "\n",
                "\n\n",
                "\r\n",
                "\r",
                " – ",
                ": ",
                ". ",
                "—",
                "Definitions",
                "scope",
                "text ",
                "Le présent ",
                "<b>",
                "</b>",
                "<div>",
                "`",
                "*",
                "_",
                "[x](y)",
                "> ",
                "&amp;",
                "\\",
                "|",
                "é",
                "\u{a0}",
                "\u{200b}",
                "\u{7}",
                "```",
                "---",
                "===",
                "1.\n",
                "- - - ",
                "<!-- ",
                " -->",
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z]{1,6}",
        ];
        prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
    }

    fn sample_docx() -> &'static [u8] {
        static DOCX: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        DOCX.get_or_init(|| docx(DOCX_DRAFT))
    }

    fn mutate(mut bytes: Vec<u8>, flips: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
        if !bytes.is_empty() {
            for &(at, value) in flips {
                let len = bytes.len();
                bytes[at % len] = value;
            }
            if let Some(cut) = cut {
                let len = bytes.len();
                bytes.truncate(cut % len);
            }
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
            for format in [Format::Markdown, Format::PlainText, Format::Docx] {
                if let Ok(sections) = import(format, &bytes, &Limits::default()) {
                    check_invariants(&sections, &Limits::default());
                }
            }
            let mut zip_like = b"PK\x03\x04".to_vec();
            zip_like.extend_from_slice(&bytes);
            let _ = import(Format::Docx, &zip_like, &Limits::default());
        }

        #[test]
        fn arbitrary_strings_never_panic(text in any::<String>()) {
            for format in [Format::Markdown, Format::PlainText] {
                if let Ok(sections) = import(format, text.as_bytes(), &Limits::default()) {
                    check_invariants(&sections, &Limits::default());
                }
            }
        }

        #[test]
        fn draft_like_text_gives_well_formed_sections(text in draft_text(), other in draft_text()) {
            let limits = Limits { max_sections: 60, max_body_chars: 40, ..Limits::default() };
            for format in [Format::Markdown, Format::PlainText] {
                let Ok(sections) = import(format, text.as_bytes(), &limits) else { continue };
                check_invariants(&sections, &limits);
                // Carrying a version onto itself changes nothing…
                let mut same = sections.clone();
                carry_anchors(&mut same, &previous(&sections));
                prop_assert_eq!(&same, &sections);
                // …and carrying onto another version still gives unique, well-formed anchors.
                if let Ok(mut next) = import(format, other.as_bytes(), &limits) {
                    carry_anchors(&mut next, &previous(&sections));
                    check_invariants(&next, &limits);
                }
            }
        }

        #[test]
        fn damaged_docx_never_panics(
            flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let bytes = mutate(sample_docx().to_vec(), &flips, cut);
            if let Ok(sections) = import(Format::Docx, &bytes, &Limits::default()) {
                check_invariants(&sections, &Limits::default());
            }
        }

        #[test]
        fn damaged_document_xml_never_panics(
            flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let xml = mutate(document_xml(DOCX_DRAFT).into_bytes(), &flips, cut);
            let package = docx_from_xml(&xml, zip::CompressionMethod::Stored);
            if let Ok(sections) = import(Format::Docx, &package, &Limits::default()) {
                check_invariants(&sections, &Limits::default());
            }
        }

        #[test]
        fn carry_tolerates_any_previous_version(
            shape in prop::collection::vec(
                (
                    prop::sample::select(vec![
                        SectionKind::Part, SectionKind::Chapter, SectionKind::Section,
                        SectionKind::Article, SectionKind::Paragraph, SectionKind::Point,
                        SectionKind::Text,
                    ]),
                    prop::sample::select(vec![
                        "", "1", "1.", "(1)", "3.2", "(a)", "(i)", "b)", "Article 2", "Chapter 1",
                        "Part I", "x y z", "é", "--", "1.1.1.1.1.1.1",
                    ]),
                    prop::sample::select(vec![
                        "a", "art1", "ch1", "ch1-art1", "", "X", "a-2", "ch1-art1-t1",
                    ]),
                    prop::sample::select(vec!["", "The draft shall be published.", "Definitions"]),
                ),
                0..40,
            ),
        ) {
            let mut new_sections = ok(Format::Markdown, MARKDOWN_DRAFT.as_bytes());
            let old: Vec<PreviousSection> = shape
                .iter()
                .map(|(kind, number, anchor, text)| PreviousSection {
                    anchor: (*anchor).to_owned(),
                    number: (*number).to_owned(),
                    kind: *kind,
                    heading: String::new(),
                    body: (*text).to_owned(),
                })
                .collect();
            carry_anchors(&mut new_sections, &old);
            check_invariants(&new_sections, &Limits::default());
        }
    }
}
