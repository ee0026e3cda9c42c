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
    for event in Parser::new_ext(text, Options::ENABLE_YAML_STYLE_METADATA_BLOCKS) {
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
                                    form: Form::Dot,
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
