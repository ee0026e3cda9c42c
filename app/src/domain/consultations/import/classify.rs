//! Units and the shared classifier: every format is reduced to units, which one builder
//! classifies into the section tree, within the [`Limits`](super::Limits).

use super::markers::{
    Marker, is_heading_title_line, parse_keyword_heading, parse_marker, standalone_heading,
};
use super::text::{normalise_ws, roman_value, truncate_chars};
use super::{ImportError, Limits, MAX_DEPTH, MAX_HEADING_CHARS, ParsedSection, SectionKind};

/// What every format is reduced to before classification.
#[derive(Debug)]
pub(super) enum Unit {
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
pub(super) enum Start {
    /// As any other line.
    Free,
    /// As the continuation of the previous unit, unless it has a marker of its own.
    Continue,
    /// As carrying this (list) marker.
    Marker(Marker),
}

/// A unit being gathered line by line.
pub(super) enum Pending {
    Para(Option<Marker>, String, Option<u16>),
    Continuation(String),
}

/// Splits a block of text into units: a line starting with a paragraph or point marker starts a
/// new unit, a short keyword line is a heading, other lines continue the current unit.
pub(super) fn split_text(
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

pub(super) fn flush_pending(
    pending: Option<Pending>,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
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
pub(super) enum Family {
    Letter,
    Roman,
    Bullet(u16),
    Nested(u16),
}

/// Where an item sits in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Rank {
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
pub(super) struct Open {
    pub(super) rank: Rank,
    /// For points: the letter's (a = 1) or the numeral's value, to continue sequences.
    pub(super) value: u32,
    /// For Markdown list items: their list nesting.
    pub(super) list_nest: Option<u16>,
}

/// How a new item is to be placed.
pub(super) struct Placement {
    pub(super) rank: Rank,
    pub(super) value: u32,
    pub(super) list_nest: Option<u16>,
}

impl Placement {
    pub(super) fn of(rank: Rank) -> Option<Self> {
        Some(Placement {
            rank,
            value: 0,
            list_nest: None,
        })
    }
}

/// Whether an open item of rank `top` can be the parent of an item of rank `new`, for all
/// pairs but two headings (see [`Builder::heading_encloses`]).
pub(super) fn encloses(top: &Rank, new: &Rank) -> bool {
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
pub(super) struct Builder<'l> {
    pub(super) limits: &'l Limits,
    pub(super) out: Vec<ParsedSection>,
    pub(super) stack: Vec<Open>,
}

impl<'l> Builder<'l> {
    pub(super) fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            out: Vec::new(),
            stack: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, unit: Unit) -> Result<(), ImportError> {
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
    pub(super) fn plain(&mut self, body: String) -> Result<(), ImportError> {
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
    pub(super) fn infer_depth(&mut self, kind: SectionKind, number: &str) -> i32 {
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
    pub(super) fn close_list_points(&mut self, nest: u16) {
        while self.stack.last().is_some_and(|top| {
            matches!(top.rank, Rank::Point(_)) && top.list_nest.is_some_and(|n| n >= nest)
        }) {
            self.stack.pop();
        }
    }

    /// Tells "(i)" the letter (after "(h)") from "(i)" the numeral, and so on.
    pub(super) fn point_family(&self, letters: &str) -> (Family, u32) {
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
    pub(super) fn push(
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
    pub(super) fn place(&mut self, rank: &Rank) {
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
    pub(super) fn heading_encloses(
        &self,
        new_keyword: Option<SectionKind>,
        new_level: Option<u8>,
    ) -> bool {
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
