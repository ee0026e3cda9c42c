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

use crate::model::consultation::ImportRefusal;

mod anchors;
mod classify;
#[cfg(test)]
mod corpus;
mod docx;
mod furniture;
mod markdown;
mod markers;
mod plain;
#[cfg(test)]
mod tests;
mod text;
mod tradition;

pub use anchors::{PreviousSection, carry_anchors, is_valid_anchor};
use classify::Builder;
use docx::{Numbering, docx_units, read_docx_parts};
use markdown::markdown_units;
use plain::plain_units;
use text::decode_text;
pub use tradition::Tradition;

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
    /// A table of the draft, kept as text: rows separated by `\n`, cells by `\t`.
    Table,
    /// A footnote, kept apart from the text that refers to it; its number is its label.
    Note,
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
            SectionKind::Table => "table",
            SectionKind::Note => "note",
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
            "table" => SectionKind::Table,
            "note" => SectionKind::Note,
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
    /// What the person is told.
    pub fn refusal(self) -> ImportRefusal {
        match self {
            ImportError::TooLarge => ImportRefusal::TooLarge,
            ImportError::NotText => ImportRefusal::NotText,
            ImportError::Empty => ImportRefusal::Empty,
            ImportError::NotDocx => ImportRefusal::NotDocx,
            ImportError::UnpackedTooLarge => ImportRefusal::UnpackedTooLarge,
            ImportError::InvalidXml => ImportRefusal::InvalidXml,
            ImportError::TooManySections => ImportRefusal::TooManySections,
            ImportError::TooDeep => ImportRefusal::TooDeep,
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

/// A parsed draft: its sections, and the tradition they were read in.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The sections, with anchors as for a first version.
    pub sections: Vec<ParsedSection>,
    /// The tradition the draft was read in (`None`: none was recognised).
    pub tradition: Option<Tradition>,
    /// Whether that tradition was found in the text (rather than chosen).
    pub detected: bool,
}

/// Parses a file into sections with anchors (anchors as for a first version), in the
/// tradition it is found to be written in.
pub fn import(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<ParsedSection>, ImportError> {
    import_as(format, bytes, limits, None).map(|i| i.sections)
}

/// Parses a file in the tradition `chosen` (by the secretariat), or in the one it is found
/// to be written in.
pub fn import_as(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
    chosen: Option<Tradition>,
) -> Result<Imported, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge);
    }
    let reading = |sample: &str| match chosen {
        Some(t) => (Some(t), false),
        None => {
            let found = Tradition::detect(sample);
            (found, found.is_some())
        }
    };
    let (sections, tradition, detected) = match format {
        Format::Markdown => {
            let text = furniture::strip_contents(decode_text(bytes)?);
            let (tradition, detected) = reading(&text);
            let mut builder = Builder::new(limits, tradition);
            markdown_units(&text, &mut builder)?;
            (builder.finish(), tradition, detected)
        }
        Format::PlainText => {
            let text = decode_text(bytes)?;
            let text = furniture::strip_page_furniture(text);
            let text = furniture::strip_contents(&text);
            let (tradition, detected) = reading(&text);
            let mut builder = Builder::new(limits, tradition);
            plain_units(&text, &mut builder)?;
            (builder.finish(), tradition, detected)
        }
        Format::Docx => {
            let parts = read_docx_parts(bytes, limits)?;
            // Word's list counters run while reading: each pass gets fresh ones.
            let numbering =
                || Numbering::parse(parts.numbering.as_deref(), parts.styles.as_deref());
            let footnotes = docx::read_footnotes(parts.footnotes.as_deref())?;
            let mut sampler = Builder::sampler(limits);
            docx_units(&parts.document, &numbering()?, &footnotes, &mut sampler)?;
            let (tradition, detected) = reading(sampler.sample.as_deref().unwrap_or(""));
            let mut builder = Builder::new(limits, tradition);
            docx_units(&parts.document, &numbering()?, &footnotes, &mut builder)?;
            (builder.finish(), tradition, detected)
        }
    };
    let mut sections = sections;
    if sections.is_empty() {
        return Err(ImportError::Empty);
    }
    carry_anchors(&mut sections, &[], tradition);
    Ok(Imported {
        sections,
        tradition,
        detected,
    })
}
