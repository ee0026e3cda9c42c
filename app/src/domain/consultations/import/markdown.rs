//! Markdown: headings, paragraphs and list items (CommonMark, through pulldown-cmark).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::ImportError;
use super::classify::{Builder, Start, Unit, split_text};
use super::markers::{Form, Marker};

/// A Markdown list item being read.
pub(super) struct ItemState {
    /// Its list marker until its first text has used it.
    pub(super) marker: Option<Marker>,
}

/// Headings written without the space CommonMark wants ("####Title", "###I"), as published
/// texts often have them, given that space.
fn spaced_headings(text: &str) -> std::borrow::Cow<'_, str> {
    let glued = |line: &str| {
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        (1..=6).contains(&hashes)
            && line
                .get(hashes..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| !c.is_whitespace() && c != '#')
    };
    if !text.split('\n').any(glued) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split('\n') {
        if glued(line) {
            let hashes = line.bytes().take_while(|&b| b == b'#').count();
            out.push_str(line.get(..hashes).unwrap_or(""));
            out.push(' ');
            out.push_str(line.get(hashes..).unwrap_or(""));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    std::borrow::Cow::Owned(out)
}

/// Markdown: pulldown-cmark events to units; inline markup becomes plain text, HTML is dropped.
pub(super) fn markdown_units(text: &str, builder: &mut Builder<'_>) -> Result<(), ImportError> {
    let text = spaced_headings(text);
    let text = text.as_ref();
    let mut buf = String::new();
    let mut heading: Option<u8> = None;
    // Per open list: the next number (ordered) or `None` (unordered).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut items: Vec<ItemState> = Vec::new();
    // A pipe table being read: its rows of cells.
    let mut table: Option<Vec<Vec<String>>> = None;
    // A footnote definition being read: its label; its text gathers in `buf`.
    let mut note: Option<String> = None;
    // Raw HTML of a block being read (a `<table>` is kept, anything else dropped).
    let mut html = String::new();
    // How many `<table>`s of `html` are not closed yet.
    let mut open_tables: usize = 0;
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        // Inside a table, text goes to its cells.
        if let Some(rows) = &mut table {
            match event {
                Event::Start(Tag::TableRow | Tag::TableHead) => rows.push(Vec::new()),
                Event::Start(Tag::TableCell) => {
                    if rows.is_empty() {
                        rows.push(Vec::new());
                    }
                    if let Some(row) = rows.last_mut() {
                        row.push(String::new());
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                        cell.push_str(&t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                        cell.push(' ');
                    }
                }
                Event::End(TagEnd::Table) => {
                    let rows = table.take().unwrap_or_default();
                    builder.add(Unit::Table(rows))?;
                }
                _ => {}
            }
            continue;
        }
        // Inside an HTML table split by blank lines (so into several blocks, with its more
        // indented lines read as code), everything is the table's HTML until it closes.
        if open_tables > 0 {
            match event {
                Event::Html(t) | Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
                    open_tables = table_balance(open_tables, &t);
                    html.push_str(&t);
                    html.push('\n');
                }
                _ => {}
            }
            if open_tables == 0 {
                for rows in html_tables(&std::mem::take(&mut html)) {
                    builder.add(Unit::Table(rows))?;
                }
            }
            continue;
        }
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
                            // "1)" and "1." are both list markers to CommonMark, and two
                            // levels apart in Slavic and Polish law: keep the one written.
                            let closing = text
                                .get(range.start..)
                                .map(|t| {
                                    t.trim_start()
                                        .trim_start_matches(|c: char| c.is_ascii_digit())
                                })
                                .is_some_and(|t| t.starts_with(')'));
                            let (printed, form) = if closing {
                                (format!("{n})"), Form::Close)
                            } else {
                                (format!("{n}."), Form::Dot)
                            };
                            if nest == 0 {
                                Marker::Para {
                                    printed,
                                    comps: vec![u32::try_from(n).unwrap_or(u32::MAX)],
                                    form,
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
                Tag::Table(_) => {
                    md_flush(&mut buf, &mut items, builder, false)?;
                    table = Some(Vec::new());
                }
                Tag::FootnoteDefinition(label) => {
                    md_flush(&mut buf, &mut items, builder, false)?;
                    note = Some(label.to_string());
                }
                Tag::HtmlBlock => md_flush(&mut buf, &mut items, builder, false)?,
                Tag::Paragraph if note.is_some() => {}
                Tag::Paragraph
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::TableHead
                | Tag::TableRow
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
                TagEnd::FootnoteDefinition => {
                    let text = std::mem::take(&mut buf);
                    if let Some(label) = note.take() {
                        builder.add(Unit::Note { label, text })?;
                    }
                }
                TagEnd::HtmlBlock if open_tables == 0 => {
                    for rows in html_tables(&std::mem::take(&mut html)) {
                        builder.add(Unit::Table(rows))?;
                    }
                }
                TagEnd::Paragraph if note.is_some() => buf.push(' '),
                TagEnd::Paragraph
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::DefinitionList
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::MetadataBlock(_) => md_flush(&mut buf, &mut items, builder, false)?,
                _ => {}
            },
            Event::Html(t) => {
                open_tables = table_balance(open_tables, &t);
                html.push_str(&t);
                html.push('\n');
            }
            // "…as defined in Article 4[^1]": the reference stays, as "[1]"; the note is kept
            // apart (a section of its own).
            Event::FootnoteReference(label) => {
                buf.push('[');
                buf.push_str(&label);
                buf.push(']');
            }
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push('\n'),
            Event::Rule => md_flush(&mut buf, &mut items, builder, false)?,
            // Raw HTML, footnote references and the like never reach the body.
            _ => {}
        }
    }
    md_flush(&mut buf, &mut items, builder, false)
}

/// The text of a table cell, without what a browser would not show as text (scripts,
/// styles, templates).
fn cell_text(cell: scraper::ElementRef<'_>) -> String {
    cell.descendants()
        .filter(|node| {
            !node
                .ancestors()
                .take_while(|a| a.id() != cell.id())
                .any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "script" | "style" | "template"))
                })
        })
        .filter_map(|node| node.value().as_text().map(|t| t.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text without the backslashes converters put before punctuation ("1\\." → "1."), which
/// CommonMark leaves in place inside HTML.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    out
}

/// How many tables are open after a chunk of raw HTML, given how many were before it.
fn table_balance(open: usize, chunk: &str) -> usize {
    let lower = chunk.to_ascii_lowercase();
    (open + lower.matches("<table").count()).saturating_sub(lower.matches("</table").count())
}

/// The tables of a block of raw HTML (as Markdown converters write legal tables), each as
/// rows of cell text; everything else in the HTML is dropped, as before. Cells are read as
/// text only: no markup of the source survives.
fn html_tables(html: &str) -> Vec<Vec<Vec<String>>> {
    if !html.contains("<table") && !html.contains("<TABLE") {
        return Vec::new();
    }
    let document = scraper::Html::parse_fragment(html);
    let (Ok(tables), Ok(rows), Ok(cells)) = (
        scraper::Selector::parse("table"),
        scraper::Selector::parse("tr"),
        scraper::Selector::parse("td, th"),
    ) else {
        return Vec::new();
    };
    document
        .select(&tables)
        // A table inside a table is read as part of its cell.
        .filter(|t| {
            !t.ancestors()
                .skip(1)
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "table"))
        })
        .map(|table| {
            table
                .select(&rows)
                .filter(|row| {
                    row.ancestors()
                        .find(|a| a.value().as_element().is_some_and(|e| e.name() == "table"))
                        .is_some_and(|owner| owner.id() == table.id())
                })
                .map(|row| {
                    row.select(&cells)
                        .filter(|cell| {
                            cell.ancestors()
                                .find(|a| a.value().as_element().is_some_and(|e| e.name() == "tr"))
                                .is_some_and(|owner| owner.id() == row.id())
                        })
                        .map(|cell| unescape(&cell_text(cell)))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Hands the gathered Markdown text to the splitter. `force` emits a list item's marker even
/// without text (an item holding only a nested list).
pub(super) fn md_flush(
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

pub(super) fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
