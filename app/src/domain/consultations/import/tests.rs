use std::collections::HashSet;
use std::io::{Cursor, Write};

use proptest::prelude::*;

use super::anchors::{PreviousSection, carry_anchors, is_valid_anchor};
use super::docx::{docx_heading_level, letters, list_number};
use super::text::normalise_ws;
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
        for text in [&s.number, &s.heading] {
            assert_eq!(text.as_str(), normalise_ws(text), "not normalised: {s:?}");
        }
        // A table's body is rows of cells; each cell is normalised.
        let body_parts: Vec<&str> = if s.kind == SectionKind::Table {
            s.body.split(['\n', '\t']).collect()
        } else {
            vec![s.body.as_str()]
        };
        for text in body_parts {
            assert_eq!(text, normalise_ws(text), "not normalised: {s:?}");
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
            // A table is kept as a table: its cells are not read as units.
            (1, SectionKind::Table, "", "", "(a) cell"),
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
    // The document's title above everything is preamble text, not a unit.
    assert_eq!(
        rows(&sections),
        vec![
            (0, Text, "", "Draft law on openness", ""),
            (0, Section, "", "Background", ""),
            (1, Paragraph, "", "", "Why."),
            (0, Section, "2.", "Aims", ""),
            (1, Point, "", "", "first aim"),
            (1, Point, "", "", "second aim"),
            (2, Point, "", "", "detail"),
            (1, Paragraph, "10.", "", "ten"),
            (1, Paragraph, "11.", "", "eleven"),
            (1, Chapter, "Chapter 1", "", ""),
        ]
    );
    assert_eq!(sections[4].anchor, "sec2-b1");
    assert_eq!(sections[7].anchor, "sec2-p10");
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
            // The document's title: preamble text.
            (0, "", "Draft"),
            (0, "", "Background"),
            (1, "Article 1", "Scope"),
            (2, "", ""),
            (0, "", "Next"),
            // A deeper styled heading right under a keyword heading is its title, as
            // treaties print them ("### Article 1" / "#### Purposes of the Convention").
            (0, "Chapter 1", "Notes"),
            (0, "Chapter 2", ""),
            (1, "Article 2", ""),
            (2, "", "Deep"),
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
    let sections = import(Format::PlainText, "é".repeat(50).as_bytes(), &limits).expect("import");
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
    assert_eq!(ImportError::TooLarge.refusal().code(), "file_too_large");
    // Each error's message is the code of what the person is told.
    for e in [
        ImportError::TooLarge,
        ImportError::NotText,
        ImportError::Empty,
        ImportError::NotDocx,
        ImportError::UnpackedTooLarge,
        ImportError::InvalidXml,
        ImportError::TooManySections,
        ImportError::TooDeep,
    ] {
        assert_eq!(e.to_string(), e.refusal().code());
    }
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
    carry_anchors(&mut v2, &previous(&v1), None);
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
    carry_anchors(&mut new, &old, None);
    assert_eq!(anchors(&new), vec!["art2", "art2-2"]);

    // Two new sections with the text of one old one: no text match; the path decides.
    let mut new = vec![
        section(0, Article, "Article 2", "Scope"),
        section(0, Article, "Article 1", "Scope"),
        section(0, Article, "Article 1", "Scope"),
    ];
    carry_anchors(&mut new, &old, None);
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
    carry_anchors(&mut new, &bad, None);
    assert_eq!(anchors(&new), vec!["same", "art2", "art3"]);
}

#[test]
fn carry_onto_itself_changes_nothing() {
    let v1 = ok(Format::Markdown, MARKDOWN_DRAFT.as_bytes());
    let mut again = v1.clone();
    for s in &mut again {
        s.anchor.clear();
    }
    carry_anchors(&mut again, &previous(&v1), None);
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
            carry_anchors(&mut same, &previous(&sections), None);
            prop_assert_eq!(&same, &sections);
            // …and carrying onto another version still gives unique, well-formed anchors.
            if let Ok(mut next) = import(format, other.as_bytes(), &limits) {
                carry_anchors(&mut next, &previous(&sections), None);
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
        carry_anchors(&mut new_sections, &old, None);
        check_invariants(&new_sections, &Limits::default());
    }
}

#[test]
fn tables_are_kept_as_rows_of_cells() {
    // A pipe table, and an HTML table split by blank lines as converters write them, with
    // markup in its cells that does not survive.
    let text = "## Article 1\n\nFees:\n\n| Service | Fee |\n|---|---|\n| Copy | 5 |\n| Seal\
                 | 10 |\n\n## Article 2\n\n<table>\n<thead>\n  <tr>\n    <th>Who</th>\n    \
                 <th>Consents</th>\n  </tr>\n</thead>\n\n<tbody>\n  <tr>\n\n      \
                 <td><div>Minor <b>alone</b></div></td>\n      <td><script>x()</script>A \
                 parent</td>\n  </tr>\n</tbody>\n</table>\n\nAfter the table.\n";
    let sections = ok(Format::Markdown, text.as_bytes());
    use SectionKind::*;
    let tables: Vec<(i32, &str, &str)> = sections
        .iter()
        .filter(|s| s.kind == Table)
        .map(|s| (s.depth, s.body.as_str(), s.anchor.as_str()))
        .collect();
    assert_eq!(
        tables,
        vec![
            (1, "Service\tFee\nCopy\t5\nSeal\t10", "art1-tbl1"),
            (1, "Who\tConsents\nMinor alone\tA parent", "art2-tbl1"),
        ]
    );
    assert!(sections.iter().any(|s| s.body == "After the table."));
    assert!(!sections.iter().any(|s| s.body.contains('<')));
}

#[test]
fn docx_tables_and_footnotes_are_kept_apart() {
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document {w}><w:body>\
         <w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Article 1</w:t></w:r></w:p>\
         <w:p><w:r><w:t>The fees apply</w:t></w:r><w:r><w:footnoteReference w:id=\"2\"/></w:r>\
         <w:r><w:t xml:space=\"preserve\"> to everyone.</w:t></w:r></w:p>\
         <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Service</w:t></w:r></w:p></w:tc>\
         <w:tc><w:p><w:r><w:t>Fee</w:t></w:r></w:p><w:p><w:r><w:t>(EUR)</w:t></w:r></w:p></w:tc></w:tr>\
         <w:tr><w:tc><w:p><w:r><w:t>Copy</w:t></w:r></w:p>\
         <w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>\
         <w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
         <w:p><w:r><w:t>After the table.</w:t></w:r></w:p>\
         </w:body></w:document>"
    );
    let footnotes = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:footnotes {w}>\
         <w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
         <w:footnote w:id=\"2\"><w:p><w:r><w:t>OJ L 101, 15.4.2011, p. 1.</w:t></w:r></w:p></w:footnote>\
         </w:footnotes>"
    );
    let bytes = zip_entries(
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("word/document.xml", document.as_bytes()),
            ("word/footnotes.xml", footnotes.as_bytes()),
        ],
        zip::CompressionMethod::Deflated,
    );
    let sections = ok(Format::Docx, &bytes);
    use SectionKind::*;
    assert_eq!(
        rows(&sections),
        vec![
            (0, Article, "Article 1", "", ""),
            (1, Paragraph, "", "", "The fees apply[1] to everyone."),
            (1, Note, "1", "", "OJ L 101, 15.4.2011, p. 1."),
            (1, Table, "", "", "Service\tFee (EUR)\nCopy inner\t5"),
            (1, Paragraph, "", "", "After the table."),
        ]
    );
    assert_eq!(anchors(&sections)[2], "art1-fn1");
}

#[test]
fn markdown_footnotes_are_notes_of_their_own() {
    let text = "## Article 1\n\nAs defined in the Convention[^cets].\n\n\
                [^cets]: Council of Europe Treaty Series No. 197.\n";
    let sections = ok(Format::Markdown, text.as_bytes());
    use SectionKind::*;
    assert_eq!(
        rows(&sections),
        vec![
            (0, Article, "Article 1", "", ""),
            (1, Paragraph, "", "", "As defined in the Convention[cets]."),
            (
                1,
                Note,
                "cets",
                "",
                "Council of Europe Treaty Series No. 197."
            ),
        ]
    );
}

#[test]
fn units_named_by_their_keyword() {
    let text = "Part 1\n\nSection 1\n\nThis Act applies.\n\nSCHEDULE\n\nFORMS\n\n\
                1. A form.\n\nThe Schedule—Fees\n\n2. A fee.\n";
    let imported = import_as(
        Format::PlainText,
        text.as_bytes(),
        &Limits::default(),
        Some(Tradition::English),
    )
    .expect("imports");
    let shape: Vec<(i32, SectionKind, &str, &str, &str)> = imported
        .sections
        .iter()
        .map(|s| {
            (
                s.depth,
                s.kind,
                s.number.as_str(),
                s.heading.as_str(),
                s.anchor.as_str(),
            )
        })
        .collect();
    use SectionKind::*;
    assert_eq!(
        shape,
        vec![
            (0, Part, "Part 1", "", "part1"),
            (1, Article, "Section 1", "", "part1-sec1"),
            (2, Paragraph, "", "", "part1-sec1-t1"),
            (0, Part, "SCHEDULE", "FORMS", "sch"),
            (1, Paragraph, "1.", "", "sch-p1"),
            (0, Part, "The Schedule", "Fees", "sch-2"),
            (1, Paragraph, "2.", "", "sch-2-p2"),
        ]
    );
}

#[test]
fn us_subparagraphs_and_clauses_nest_in_either_order() {
    // The U.S. Code: (a) > (1) > (A) > (i); the CFR: (a) > (1) > (i) > (A).
    let code = "§ 1589. Forced labor\n\n(a) Whoever\n\n(1) by force;\n\n(A) threats;\n\n\
                (i) of harm;\n\n(ii) of restraint;\n\n(B) schemes;\n\n(2) by harm.\n";
    let cfr = "§ 214.11 Alien victims\n\n(a) Definitions\n\n(1) Abuse;\n\n(i) of law;\n\n\
               (A) civil;\n\n(B) criminal;\n\n(ii) of process;\n\n(2) Harm.\n";
    for (text, want) in [
        (
            code,
            vec![
                (0, "§ 1589"),
                (1, "(a)"),
                (2, "(1)"),
                (3, "(A)"),
                (4, "(i)"),
                (4, "(ii)"),
                (3, "(B)"),
                (2, "(2)"),
            ],
        ),
        (
            cfr,
            vec![
                (0, "§ 214.11"),
                (1, "(a)"),
                (2, "(1)"),
                (3, "(i)"),
                (4, "(A)"),
                (4, "(B)"),
                (3, "(ii)"),
                (2, "(2)"),
            ],
        ),
    ] {
        let imported = import_as(
            Format::PlainText,
            text.as_bytes(),
            &Limits::default(),
            Some(Tradition::Us),
        )
        .expect("imports");
        let shape: Vec<(i32, &str)> = imported
            .sections
            .iter()
            .filter(|s| !s.number.is_empty())
            .map(|s| (s.depth, s.number.as_str()))
            .collect();
        assert_eq!(shape, want, "{text}");
    }
}
