//! DOCX: the package read through a hard decompression cap, paragraphs with their styles and
//! Word's automatic numbering (`word/numbering.xml`, numbered heading styles).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event as XmlEvent};

use super::classify::{Builder, Start, Unit, split_text};
use super::text::to_roman;
use super::{ImportError, Limits, MAX_RATIO, RATIO_FLOOR, UTF8_BOM};

/// The parts of a DOCX package the importer reads.
pub(super) struct DocxParts {
    /// `word/document.xml`: the text.
    pub(super) document: Vec<u8>,
    /// `word/numbering.xml`: list numbering (what Word prints before "automatic" numbers).
    pub(super) numbering: Option<Vec<u8>>,
    /// `word/styles.xml`: styles, some of which carry list numbering (numbered headings).
    pub(super) styles: Option<Vec<u8>>,
    /// `word/footnotes.xml`: the footnotes' text.
    pub(super) footnotes: Option<Vec<u8>>,
}

/// Reads the parts of the package, refusing bombs before and while decompressing; together
/// they may not unpack to more than the limit either.
pub(super) fn read_docx_parts(bytes: &[u8], limits: &Limits) -> Result<DocxParts, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::NotDocx)?;
    if archive.len() > limits.max_entries {
        return Err(ImportError::UnpackedTooLarge);
    }
    let mut budget = limits.max_unpacked;
    let document =
        read_part(&mut archive, "word/document.xml", &mut budget)?.ok_or(ImportError::NotDocx)?;
    let numbering = read_part(&mut archive, "word/numbering.xml", &mut budget)?;
    let styles = read_part(&mut archive, "word/styles.xml", &mut budget)?;
    let footnotes = read_part(&mut archive, "word/footnotes.xml", &mut budget)?;
    Ok(DocxParts {
        document,
        numbering,
        styles,
        footnotes,
    })
}

/// One part of the package (`None` when absent), counted against `budget`.
pub(super) fn read_part(
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

pub(super) fn ratio_too_high(unpacked: u64, compressed: u64) -> bool {
    unpacked > RATIO_FLOOR && unpacked / compressed.max(1) > MAX_RATIO
}

/// The heading level of a paragraph style: `Title` → 0, `Heading1`…`Heading9` → 1…9, and the
/// style ids localised versions of Word write (`Titre1`, `berschrift1`, `Ttulo1`, `Kop1`…).
pub(super) fn docx_heading_level(style: &str) -> Option<u8> {
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

/// Whether a paragraph style is one of a table of contents (`TOC1`…`TOC9`, `TOCHeading`,
/// and the ids localised versions of Word write: `Verzeichnis1`, `TM1`, `Inhopg1`).
pub(super) fn is_contents_style(style: &str) -> bool {
    let style: String = style
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if style == "tocheading" || style == "inhaltsverzeichnisberschrift" {
        return true;
    }
    [
        "toc",
        "verzeichnis",
        "tm",
        "inhopg",
        "spistreci",
        "оглавление",
    ]
    .iter()
    .filter_map(|prefix| style.strip_prefix(prefix))
    .any(|digits| {
        !digits.is_empty() && digits.len() <= 1 && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// A DOCX paragraph being read.
#[derive(Default)]
pub(super) struct DocxPara {
    pub(super) style: Option<String>,
    pub(super) text: String,
    /// The footnotes it refers to: the label printed in its text and the footnote's id.
    pub(super) notes: Vec<(String, String)>,
    /// Its list (`w:numPr/w:numId`), when numbered directly.
    pub(super) num_id: Option<String>,
    /// Its list level (`w:numPr/w:ilvl`).
    pub(super) level: Option<usize>,
}

/// Word's list levels per list (`w:ilvl` 0–8).
pub(super) const LIST_LEVELS: usize = 9;

/// One level of a list definition (`w:abstractNum/w:lvl`).
#[derive(Debug, Clone)]
pub(super) struct ListLevel {
    /// The first number (`w:start`).
    pub(super) start: u32,
    /// `w:numFmt`: decimal, lowerLetter, upperLetter, lowerRoman, upperRoman, bullet, none…
    pub(super) format: String,
    /// `w:lvlText`, e.g. "%1." or "(%2)" or "%1.%2".
    pub(super) text: String,
    /// The paragraph style bound to this level (`w:pStyle`), for numbered heading styles.
    pub(super) style: Option<String>,
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
pub(super) struct ListInstance {
    pub(super) abstract_id: String,
    pub(super) start_overrides: [Option<u32>; LIST_LEVELS],
}

/// The "automatic" numbering of a DOCX: Word prints "1.", "(a)" or "Article 3" in front of a
/// numbered paragraph, but the document holds only a reference to a list definition in
/// `word/numbering.xml` (directly, or through the paragraph's style in `word/styles.xml`).
/// Without it, a draft numbered by Word would import as unnumbered paragraphs.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// `w:abstractNumId` → its levels.
    pub(super) definitions: HashMap<String, [Option<ListLevel>; LIST_LEVELS]>,
    /// `w:numId` → the list instance.
    pub(super) lists: HashMap<String, ListInstance>,
    /// Paragraph style id → (`w:numId`, `w:ilvl`) the style numbers with.
    pub(super) styles: HashMap<String, (String, Option<usize>)>,
    /// Per list, the current number of each level.
    pub(super) counters: std::cell::RefCell<HashMap<String, [Option<u32>; LIST_LEVELS]>>,
}

/// The `w:val` (or other) attribute of an element, unescaped.
pub(super) fn attribute(
    element: &BytesStart<'_>,
    name: &str,
) -> Result<Option<String>, ImportError> {
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
pub(super) fn level_index(value: Option<String>) -> Option<usize> {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|l| *l < LIST_LEVELS)
}

impl Numbering {
    /// Reads `word/numbering.xml` and `word/styles.xml` (either may be absent).
    pub(super) fn parse(
        numbering: Option<&[u8]>,
        styles: Option<&[u8]>,
    ) -> Result<Self, ImportError> {
        let mut out = Numbering::default();
        if let Some(xml) = numbering {
            out.read_numbering(xml)?;
        }
        if let Some(xml) = styles {
            out.read_styles(xml)?;
        }
        Ok(out)
    }

    pub(super) fn read_numbering(&mut self, xml: &[u8]) -> Result<(), ImportError> {
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

    pub(super) fn read_styles(&mut self, xml: &[u8]) -> Result<(), ImportError> {
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
    pub(super) fn label(&self, para: &DocxPara) -> Option<String> {
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
pub(super) fn list_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => to_roman(n).unwrap_or_else(|| n.to_string()),
        "upperRoman" => to_roman(n).map_or_else(|| n.to_string(), |r| r.to_uppercase()),
        _ => n.to_string(),
    }
}

/// Word's letter numbers: A…Z, then AA…ZZ, AAA…
pub(super) fn letters(n: u32) -> String {
    if n == 0 {
        return "0".to_owned();
    }
    let letter = char::from(b'A' + u8::try_from((n - 1) % 26).unwrap_or(0));
    let times = usize::try_from((n - 1) / 26 + 1).unwrap_or(1).min(10);
    std::iter::repeat_n(letter, times).collect()
}

pub(super) fn emit_docx_para(
    para: Option<DocxPara>,
    numbering: &Numbering,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
    let Some(mut para) = para else { return Ok(()) };
    // A table of contents lists headings printed again below: never part of the draft.
    if para.style.as_deref().is_some_and(is_contents_style) {
        return Ok(());
    }
    // Counted even when empty: Word numbers an empty list paragraph too.
    let label = numbering.label(&para);
    if para.text.trim().is_empty() {
        return Ok(());
    }
    if builder.sampled(&para.text) {
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

/// The text of each footnote of `word/footnotes.xml`, by id (the separators Word keeps there
/// are left out).
pub(super) fn read_footnotes(xml: Option<&[u8]>) -> Result<HashMap<String, String>, ImportError> {
    let mut notes = HashMap::new();
    let Some(xml) = xml else {
        return Ok(notes);
    };
    let xml = xml.strip_prefix(UTF8_BOM).unwrap_or(xml);
    let text = std::str::from_utf8(xml).map_err(|_| ImportError::InvalidXml)?;
    let mut reader = Reader::from_str(text);
    let mut current: Option<(String, String)> = None;
    let mut in_text = false;
    loop {
        match reader.read_event().map_err(|_| ImportError::InvalidXml)? {
            XmlEvent::Start(element) => {
                check_attributes(&element)?;
                match element.name().as_ref() {
                    b"w:footnote" => {
                        let separator =
                            attribute(&element, "w:type")?.is_some_and(|t| t != "normal");
                        current = match (separator, attribute(&element, "w:id")?) {
                            (false, Some(id)) => Some((id, String::new())),
                            _ => None,
                        };
                    }
                    b"w:t" => in_text = true,
                    _ => {}
                }
            }
            XmlEvent::Empty(element) => {
                check_attributes(&element)?;
                if matches!(element.name().as_ref(), b"w:tab" | b"w:br")
                    && let Some((_, text)) = &mut current
                {
                    text.push(' ');
                }
            }
            XmlEvent::End(element) => match element.name().as_ref() {
                b"w:footnote" => {
                    if let Some((id, text)) = current.take() {
                        notes.insert(id, text);
                    }
                }
                b"w:t" => in_text = false,
                b"w:p" => {
                    if let Some((_, text)) = &mut current {
                        text.push(' ');
                    }
                }
                _ => {}
            },
            XmlEvent::Text(content) => {
                if in_text && let Some((_, text)) = &mut current {
                    let content = content.decode().map_err(|_| ImportError::InvalidXml)?;
                    text.push_str(&content);
                }
            }
            XmlEvent::GeneralRef(reference) => {
                let resolved = resolve_reference(&reference)?;
                if in_text && let Some((_, text)) = &mut current {
                    text.push_str(&resolved);
                }
            }
            XmlEvent::Eof => return Ok(notes),
            _ => {}
        }
    }
}

/// A Word table being read (`w:tbl`): its rows of cells; a table inside a cell is read as
/// part of that cell.
#[derive(Default)]
struct DocxTable {
    rows: Vec<Vec<String>>,
    nested: usize,
}

impl DocxTable {
    fn cell_text(&mut self, text: &str) {
        if self.rows.is_empty() {
            self.rows.push(Vec::new());
        }
        let Some(row) = self.rows.last_mut() else {
            return;
        };
        if row.is_empty() {
            row.push(String::new());
        }
        if let Some(cell) = row.last_mut() {
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(text.trim());
        }
    }
}

/// Emits a paragraph, then the footnotes it refers to, each as a note of its own.
fn emit_with_notes(
    para: Option<DocxPara>,
    numbering: &Numbering,
    footnotes: &HashMap<String, String>,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
    let notes = para.as_ref().map(|p| p.notes.clone()).unwrap_or_default();
    emit_docx_para(para, numbering, builder)?;
    for (label, id) in notes {
        if let Some(text) = footnotes.get(&id)
            && builder.sample.is_none()
        {
            builder.add(Unit::Note {
                label,
                text: text.clone(),
            })?;
        }
    }
    Ok(())
}

pub(super) fn check_attributes(element: &BytesStart<'_>) -> Result<(), ImportError> {
    for attribute in element.attributes() {
        attribute.map_err(|_| ImportError::InvalidXml)?;
    }
    Ok(())
}

pub(super) fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, ImportError> {
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
pub(super) fn docx_units(
    xml: &[u8],
    numbering: &Numbering,
    footnotes: &HashMap<String, String>,
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
    let mut table: Option<DocxTable> = None;
    // Footnotes are labelled in the order they are referred to, as Word prints them.
    let mut note_count: usize = 0;

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
                        if table.is_none() {
                            emit_with_notes(para.take(), numbering, footnotes, builder)?;
                        }
                        para = Some(DocxPara::default());
                        in_text = false;
                    }
                    b"w:tbl" => match &mut table {
                        Some(t) => t.nested += 1,
                        None => {
                            emit_with_notes(para.take(), numbering, footnotes, builder)?;
                            table = Some(DocxTable::default());
                        }
                    },
                    b"w:tr" => {
                        if let Some(t) = table.as_mut().filter(|t| t.nested == 0) {
                            t.rows.push(Vec::new());
                        }
                    }
                    b"w:tc" => {
                        if let Some(t) = table.as_mut().filter(|t| t.nested == 0) {
                            if t.rows.is_empty() {
                                t.rows.push(Vec::new());
                            }
                            if let Some(row) = t.rows.last_mut() {
                                row.push(String::new());
                            }
                        }
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
                    b"w:footnoteReference" => {
                        if let Some(id) = attribute(&element, "w:id")?
                            && footnotes.contains_key(&id)
                        {
                            note_count += 1;
                            let label = note_count.to_string();
                            push_text(&mut para, &format!("[{label}]"));
                            para.get_or_insert_with(DocxPara::default)
                                .notes
                                .push((label, id));
                        }
                    }
                    _ => {}
                }
            }
            XmlEvent::End(element) => {
                depth = depth.checked_sub(1).ok_or(ImportError::InvalidXml)?;
                match element.name().as_ref() {
                    b"w:p" => {
                        match &mut table {
                            // In a table, a paragraph's text goes to its cell.
                            Some(t) => {
                                if let Some(p) = para.take()
                                    && !builder.sampled(&p.text)
                                {
                                    t.cell_text(&p.text);
                                }
                            }
                            None => emit_with_notes(para.take(), numbering, footnotes, builder)?,
                        }
                        in_text = false;
                    }
                    b"w:tbl" => {
                        if let Some(t) = &mut table
                            && t.nested > 0
                        {
                            t.nested -= 1;
                        } else if let Some(t) = table.take()
                            && builder.sample.is_none()
                        {
                            builder.add(Unit::Table(t.rows))?;
                        }
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
                return emit_with_notes(para.take(), numbering, footnotes, builder);
            }
            XmlEvent::Decl(_) | XmlEvent::PI(_) | XmlEvent::Comment(_) | XmlEvent::DocType(_) => {}
        }
    }
}
