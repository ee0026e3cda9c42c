//! Units and the shared classifier: every format is reduced to units, which one builder
//! classifies into the section tree, within the [`Limits`](super::Limits).

use super::markers::{
    KeywordHeading, Marker, Script, bare_section, cyrillic_value, is_heading_title_line,
    parse_keyword_heading, parse_marker, standalone_heading, token_value,
};
use super::text::{normalise_ws, roman_value, truncate_chars};
use super::tradition::{TIER_ARTICLE, Tradition, default_tier, keyword_of};
use super::{ImportError, Limits, MAX_DEPTH, MAX_HEADING_CHARS, ParsedSection, SectionKind};

/// The longest line taken as the title of a keyword heading above it.
const MAX_TITLE_LINE_CHARS: usize = 160;

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
    /// A section written as its bare number and title ("8  Are you entitled to an ABN?").
    BareSection { number: String, title: String },
    /// A table: its rows of cells, as text.
    Table(Vec<Vec<String>>),
    /// A footnote: its label and text.
    Note { label: String, text: String },
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

/// A numbered marker's printed form and value ("(c)" → 3, "iv)" → 4, "2." → 2).
fn marker_value(marker: &Marker) -> Option<(String, u32)> {
    match marker {
        Marker::Para { printed, comps, .. } => {
            Some((printed.clone(), comps.last().copied().unwrap_or(0)))
        }
        Marker::Point {
            printed,
            letters,
            script: Script::Cyrillic,
            ..
        } => Some((printed.clone(), cyrillic_value(letters).unwrap_or(0))),
        Marker::Point {
            printed, letters, ..
        } => {
            let letter = letters
                .bytes()
                .next()
                .map_or(0, |b| u32::from(b.saturating_sub(b'a')) + 1);
            let value = roman_value(letters)
                .filter(|_| letters.len() > 1)
                .unwrap_or(letter);
            Some((printed.clone(), value))
        }
        Marker::Bullet { .. } | Marker::Nested { .. } => None,
    }
}

/// A table as a section body: rows separated by `\n`, cells by `\t`, each cell's text on one
/// line; empty rows are left out.
pub(super) fn table_body(rows: &[Vec<String>]) -> String {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|cell| normalise_ws(cell))
                .collect::<Vec<_>>()
        })
        .filter(|row| row.iter().any(|c| !c.is_empty()))
        .map(|row| row.join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Abbreviations that end a line in the middle of a sentence, before the number they refer
/// to ("w ust." / "1.", "S." / "17)"), in the region's languages.
const ABBREVIATIONS: &[&str] = &[
    // English
    "no.", "nos.", "art.", "arts.", "s.", "ss.", "sec.", "p.", "pp.", "para.", "paras.", "cf.",
    // German
    "abs.", "nr.", "vgl.", "bzw.", "ff.", "bgbl.", "abl.", "satz", "buchst.",
    // French, Spanish, Italian
    "al.", "n°", "núm.", "n.", "apartado", "comma", // Polish
    "ust.", "pkt", "pkt.", "poz.", "lit.", "dz.u.", "zm.", // Russian, Ukrainian
    "ст.", "п.", "ч.", "пп.", "№",
];

/// How the line before ended, for telling a heading or a list item at the start of a line
/// from a wrapped line of running text ("…referred to in" / "Article 62.").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineEnd {
    /// Nothing before it in the block.
    Start,
    /// A heading.
    Heading,
    /// The end of a sentence (`.`, `:`, `;`, `!`, `?`).
    Sentence,
    /// A list separator (`,`, `—`, "; and", "oder").
    List,
    /// A word: the sentence goes on.
    Open,
}

impl LineEnd {
    fn of(line: &str, tradition: Option<Tradition>) -> LineEnd {
        let trimmed = line.trim_end_matches(['"', '\'', '»', '”', '’', '*', '_']);
        // "(ABl. L 155 vom 18.6.2009, S.": a parenthesis still open, the sentence goes on.
        let opened = trimmed.matches('(').count();
        if opened > trimmed.matches(')').count() && !trimmed.ends_with(':') {
            return LineEnd::Open;
        }
        let last_word = trimmed
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .to_lowercase();
        // "…o których mowa w ust." / "1.": an abbreviation, not the end of a sentence.
        if ABBREVIATIONS.contains(&last_word.as_str()) {
            return LineEnd::Open;
        }
        match trimmed.chars().last() {
            Some('.' | ':' | ';' | '!' | '?') => LineEnd::Sentence,
            Some(',' | '—' | '–' | '-') => LineEnd::List,
            // "…; (в ред. Закона … № 1-ФКЗ)": a remark closes the item.
            Some(')') if trimmed.contains(" (") => LineEnd::List,
            // "{Стаття 80 в редакції Закону …}": an editor's note.
            Some('}') => LineEnd::Sentence,
            _ => {
                let last = trimmed
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let connector = tradition
                    .map_or(&["and", "or"][..], Tradition::connectors)
                    .contains(&last.as_str());
                if connector {
                    LineEnd::List
                } else {
                    LineEnd::Open
                }
            }
        }
    }

    /// Whether a heading may start the next line.
    fn heading_may_follow(self) -> bool {
        matches!(self, LineEnd::Start | LineEnd::Heading | LineEnd::Sentence)
    }

    /// Whether a list item may start the next line.
    fn item_may_follow(self) -> bool {
        self != LineEnd::Open
    }
}

/// Splits a block of text into units: a line starting with a paragraph or point marker starts a
/// new unit, a short keyword line is a heading, other lines continue the current unit. Only a
/// line that follows the end of a sentence (or a heading, or the start of the block) can be a
/// heading, and only one that follows a sentence or a list separator can be a list item.
pub(super) fn split_text(
    text: &str,
    start: Start,
    bullets: bool,
    builder: &mut Builder<'_>,
) -> Result<(), ImportError> {
    let tradition = builder.tradition;
    let mut lines = text
        .split('\n')
        .map(|l| without_line_block(l.trim()))
        .filter(|l| !l.is_empty())
        .peekable();
    let mut pending: Option<Pending> = None;
    let mut continuing = false;
    let mut before = LineEnd::Start;
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
            let (marker, rest) = match (&marker, parse_marker(first, false, tradition)) {
                (Marker::Bullet { .. }, Some((written, rest))) => (written, rest),
                _ => (marker, first),
            };
            before = LineEnd::of(rest, tradition);
            pending = Some(Pending::Para(Some(marker), rest.to_owned(), list_nest));
        }
    }
    // The rest of a line after a heading on it ("Art. 189a. § 1. Kto…"), read as a line.
    let mut carried: Option<String> = None;
    // Whether the line before ended with a dash after a space (see `ends_with_list_dash`).
    let mut dash_ended = false;
    loop {
        let owned;
        let line: &str = match carried.take() {
            Some(rest) => {
                owned = rest;
                &owned
            }
            None => match lines.next() {
                Some(line) => line,
                None => break,
            },
        };
        let first_continuation = std::mem::take(&mut continuing);
        let prev_dash = std::mem::replace(&mut dash_ended, ends_with_list_dash(line));
        let may_head = before.heading_may_follow();
        if may_head
            && let Some((keyword, rest)) = inline_article(line, tradition)
            && builder.plausible(&keyword)
        {
            flush_pending(pending.take(), builder)?;
            let text = line
                .get(..line.len() - rest.len())
                .unwrap_or(line)
                .trim()
                .to_owned();
            builder.add(Unit::Heading { level: None, text })?;
            before = LineEnd::Heading;
            carried = Some(rest.to_owned());
            continue;
        }
        if may_head
            && let Some(keyword) = standalone_heading(line, tradition)
            && builder.plausible(&keyword)
        {
            flush_pending(pending.take(), builder)?;
            let mut text = line.to_owned();
            // Polish articles have no titles: the line after "Art. 206." is its text.
            let titled = !(keyword.keyword.tier >= TIER_ARTICLE
                && tradition.is_some_and(Tradition::untitled_articles));
            if keyword.heading.is_empty()
                && titled
                && let Some(next) = lines.peek()
                && is_heading_title_line(next, bullets, tradition)
            {
                text.push_str(" – ");
                let mut title = (*next).to_owned();
                lines.next();
                // A title wrapped over lines: "…and modalities" / "for the exercise of…",
                // "PROVISIONS RELATING" / "TO SPECIFIC PROCESSING SITUATIONS".
                while let Some(more) = lines.peek()
                    && wraps_title(&title, more, bullets, tradition)
                {
                    title.push(' ');
                    title.push_str(more);
                    lines.next();
                }
                text.push_str(&title);
            }
            builder.add(Unit::Heading { level: None, text })?;
            before = LineEnd::Heading;
            continue;
        }
        if may_head
            && tradition.is_some_and(Tradition::bare_sections)
            && let Some((number, title)) = bare_section(line)
            && builder.plausible_bare(number)
        {
            flush_pending(pending.take(), builder)?;
            builder.add(Unit::BareSection {
                number: number.to_owned(),
                title: title.to_owned(),
            })?;
            before = LineEnd::Heading;
            continue;
        }
        let item_ok = before.item_may_follow()
            || parse_marker(line, bullets, tradition).is_some_and(|(marker, rest)| {
                let open = match &pending {
                    Some(Pending::Para(Some(m), ..)) => Some(m),
                    _ => None,
                };
                builder.continues_list(&marker, rest, open)
            });
        if item_ok {
            // "(a)(1) The term…": (a) opens, its (1) begins the text.
            if let Some((outer, inner)) = compound_marker(line, tradition)
                && let Some((marker, _)) = parse_marker(outer, false, tradition)
            {
                flush_pending(pending.take(), builder)?;
                if !builder.is_open(&marker) {
                    builder.add(Unit::Para {
                        marker: Some(marker),
                        text: String::new(),
                        list_nest: None,
                    })?;
                }
                before = LineEnd::List;
                carried = Some(inner.to_owned());
                continue;
            }
            if let Some((marker, rest)) = parse_marker(line, bullets, tradition) {
                flush_pending(pending.take(), builder)?;
                before = LineEnd::of(line, tradition);
                pending = Some(Pending::Para(Some(marker), rest.to_owned(), None));
                continue;
            }
        }
        // "в) совершенные организованной группой, -" / "наказываются…": the dash closes
        // the list; what follows is the unit's text after its points.
        // Russian and Ukrainian criminal law: the sanction after the points ("наказываются
        // лишением свободы…", "караються позбавленням волі…") applies to all of them.
        let sanction = matches!(tradition, Some(Tradition::Russian | Tradition::Ukrainian))
            && ["наказыва", "карає", "караю", "карают"]
                .iter()
                .any(|w| line.starts_with(w));
        let after_list = matches!(
            &pending,
            Some(Pending::Para(Some(Marker::Point { .. }), ..))
        ) && ((prev_dash && !line.starts_with(char::is_uppercase)) || sanction);
        before = LineEnd::of(line, tradition);
        if after_list {
            flush_pending(pending.take(), builder)?;
            pending = Some(Pending::Para(None, line.to_owned(), None));
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

/// A line without the marks around it that are not text: the bar of a Markdown line block
/// ("|    a. der Ehegatte…"; a table row "| a | b |" is left as it is) and the double
/// parentheses of amended text.
fn without_line_block(line: &str) -> &str {
    let line = match line.strip_prefix('|') {
        Some(rest) if !rest.trim_end().ends_with('|') => rest.trim(),
        _ => line,
    };
    // "((2-bis. I rapporti…))": Normattiva's marks around amended text.
    let line = line.strip_prefix("((").map_or(line, str::trim_start);
    match line.strip_suffix("))") {
        Some(rest) if line.matches(')').count() >= line.matches('(').count() + 2 => rest.trim_end(),
        _ => line,
    }
}

/// "…организованной группой, -", "…des faits, –": a list's last item, before the text that
/// applies to all of them.
fn ends_with_list_dash(line: &str) -> bool {
    let t = line.trim_end();
    [" -", " –", " —"].iter().any(|d| t.ends_with(d))
}

/// Whether `next` goes on with the heading title `title` wrapped above it: it starts in lower
/// case, or both are in capitals, and it could itself be a title line.
fn wraps_title(title: &str, next: &str, bullets: bool, tradition: Option<Tradition>) -> bool {
    let capitals =
        |t: &str| t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
    is_heading_title_line(next, bullets, tradition)
        && !title.ends_with(['.', ';', ':', ','])
        && (next.starts_with(char::is_lowercase) || (capitals(title) && capitals(next)))
        && title.chars().count() + next.chars().count() <= MAX_TITLE_LINE_CHARS
}

/// An article whose text follows its number on the same line: "Art. 189a. § 1. Kto…",
/// "§ 104a. (1) Wer…", or in Polish law any "Art. 5. Text". Returns the heading and the text.
fn inline_article(line: &str, tradition: Option<Tradition>) -> Option<(KeywordHeading, &str)> {
    let heading = parse_keyword_heading(line, tradition)?;
    if heading.keyword.tier < TIER_ARTICLE || heading.heading.is_empty() {
        return None;
    }
    // Where the text starts: after the number and its closing dot.
    let at = line.find(heading.heading.as_str())?;
    let between = line.get(..at)?.trim_end();
    if !between.ends_with('.') {
        return None;
    }
    let rest = line.get(at..)?;
    let starts_with_marker = parse_marker(rest, false, tradition).is_some();
    // Polish articles never have titles; Russian and Ukrainian ones may ("Стаття 149.
    // Торгівля людьми"), but a title never ends a sentence ("Стаття 5. Україна є
    // республікою.").
    let sentence = rest.trim_end().ends_with(['.', ':', ';', '!', '?']);
    let untitled = rest.starts_with(|c: char| c.is_uppercase())
        && match tradition {
            Some(t) if t.untitled_articles() => true,
            Some(Tradition::Russian | Tradition::Ukrainian) => sentence,
            _ => false,
        };
    (starts_with_marker || untitled).then_some((heading, rest))
}

/// "(a)(1) text" → ("(a)", "(1) text"), in the traditions that write compound numbers.
fn compound_marker(line: &str, tradition: Option<Tradition>) -> Option<(&str, &str)> {
    if !matches!(tradition, Some(Tradition::Us | Tradition::English)) || !line.starts_with('(') {
        return None;
    }
    let close = line.find(')')?;
    let rest = line.get(close + 1..)?;
    if !rest.starts_with('(') {
        return None;
    }
    let outer = line.get(..=close)?;
    parse_marker(rest, false, tradition).map(|_| (outer, rest))
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
    /// A heading: its keyword's tier (if it has a keyword) and its style level (if it has one).
    Heading {
        keyword: Option<u8>,
        level: Option<u8>,
    },
    /// A unit numbered in the style of a level of the tradition's ladder.
    Level(u8),
    /// A numbered paragraph with its number's components ("3.2" → [3, 2]).
    Para(Vec<u32>),
    /// A point of a family.
    Point(Family),
}

/// An item that can still receive children.
pub(super) struct Open {
    pub(super) rank: Rank,
    /// Its number as printed.
    pub(super) number: String,
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
        (Rank::Level(a), Rank::Level(b)) => a < b,
        (Rank::Level(_), Rank::Para(_) | Rank::Point(_)) => true,
        (Rank::Para(_), Rank::Level(b)) => *b > 0,
        (Rank::Point(_), Rank::Level(_)) => false,
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
    /// The tradition the draft is read in (`None`: none known).
    pub(super) tradition: Option<Tradition>,
    /// Whether Chapters stand outside Parts (Australian Acts) or inside them (UK Acts):
    /// whichever of the two comes first.
    chapter_first: Option<bool>,
    /// Per heading tier: the keyword and value of the last heading accepted, and how many
    /// headings of outer tiers there were then.
    last: Vec<(u8, &'static str, u32, usize)>,
    /// Headings accepted so far, per tier.
    pushed: Vec<(u8, usize)>,
    /// When only sampling text for detection (DOCX): the text so far; nothing is built.
    pub(super) sample: Option<String>,
    /// The style level of each section of `out` that is a styled heading.
    levels: Vec<Option<u8>>,
    /// Inside a signature block (see [`Builder::signature_line`]).
    signature: bool,
}

impl<'l> Builder<'l> {
    pub(super) fn new(limits: &'l Limits, tradition: Option<Tradition>) -> Self {
        Builder {
            limits,
            out: Vec::new(),
            stack: Vec::new(),
            tradition,
            chapter_first: None,
            last: Vec::new(),
            pushed: Vec::new(),
            sample: None,
            levels: Vec::new(),
            signature: false,
        }
    }

    /// A builder that only gathers the first 60,000 bytes of text, for detection.
    pub(super) fn sampler(limits: &'l Limits) -> Self {
        let mut builder = Builder::new(limits, None);
        builder.sample = Some(String::new());
        builder
    }

    /// Adds a paragraph's text to the sample; `true` while sampling.
    pub(super) fn sampled(&mut self, text: &str) -> bool {
        let Some(sample) = &mut self.sample else {
            return false;
        };
        if sample.len() < 60_000 {
            sample.push_str(text);
            sample.push('\n');
        }
        true
    }

    /// The tier of a keyword heading, with Chapters placed by [`Builder::chapter_first`].
    fn tier_of(&mut self, word: &str, tier: u8) -> u8 {
        if self.tradition != Some(Tradition::English) || !matches!(word, "chapter" | "part") {
            return tier;
        }
        let first = *self.chapter_first.get_or_insert(word == "chapter");
        match (word, first) {
            ("chapter", true) => 9,
            _ => tier,
        }
    }

    /// How many headings of tiers further out than `tier` were accepted.
    fn outer_count(&self, tier: u8) -> usize {
        self.pushed
            .iter()
            .filter(|(t, _)| *t < tier)
            .map(|(_, n)| *n)
            .sum()
    }

    /// Records an accepted heading, for [`Builder::plausible`].
    fn note_heading(&mut self, tier: u8, word: &'static str, value: Option<u32>) {
        match self.pushed.iter_mut().find(|(t, _)| *t == tier) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => self.pushed.push((tier, 1)),
        }
        let Some(value) = value else { return };
        let outer = self.outer_count(tier);
        match self.last.iter_mut().find(|(t, ..)| *t == tier) {
            Some(entry) => *entry = (tier, word, value, outer),
            None => self.last.push((tier, word, value, outer)),
        }
    }

    /// Whether a keyword line in running text is a heading rather than a reference: its number
    /// follows the last heading of its tier (the same or a little higher, as inserted and
    /// repealed units allow), or starts again at 1 under a new outer heading or keyword.
    pub(super) fn plausible(&self, heading: &KeywordHeading) -> bool {
        let Some(value) = heading.value else {
            return true;
        };
        self.plausible_value(heading.keyword.tier, heading.keyword.word, value)
    }

    fn plausible_value(&self, tier: u8, word: &str, value: u32) -> bool {
        let Some(&(_, last_word, last, outer)) = self.last.iter().find(|(t, ..)| *t == tier) else {
            return true;
        };
        if value >= last && value <= last.saturating_add(30) {
            return true;
        }
        value <= 1 && (last_word != word || self.outer_count(tier) != outer)
    }

    /// Whether a bare "8  Title" line is the next section (see [`Builder::plausible`]).
    pub(super) fn plausible_bare(&self, number: &str) -> bool {
        let Some(value) = token_value(number) else {
            return false;
        };
        let known = self.last.iter().any(|(t, ..)| *t == TIER_ARTICLE);
        // The first bare section must start a run (1, or a first section of a cut).
        (known || value <= 1 || self.out.iter().all(|s| s.kind == SectionKind::Text))
            && self.plausible_value(TIER_ARTICLE, "", value)
    }

    /// Whether a marker at the start of a line that goes on from a sentence ("…referred to
    /// in\n(a) of…", "…S.\n17) erteilt") is still an item: it has text of its own that does
    /// not go on in lower case, or it is the next of an open sequence ("2." after "1."), or
    /// the first of a new one.
    pub(super) fn continues_list(
        &self,
        marker: &Marker,
        rest: &str,
        pending: Option<&Marker>,
    ) -> bool {
        if rest.is_empty() {
            return false;
        }
        if !rest.starts_with(char::is_lowercase) {
            return true;
        }
        let Some((printed, value)) = marker_value(marker) else {
            return true;
        };
        let shape = |p: &str| {
            p.chars()
                .filter(|c| !c.is_alphanumeric())
                .collect::<String>()
        };
        let mine = shape(&printed);
        // The item being gathered, else the innermost open item of the same shape.
        let last = pending
            .and_then(marker_value)
            .filter(|(p, _)| shape(p) == mine)
            .map(|(_, v)| v)
            .or_else(|| {
                self.stack
                    .iter()
                    .rev()
                    .find(|o| shape(&o.number) == mine)
                    .map(|o| o.value)
            });
        // "ж¹)" after "ж)": inserted between two.
        let inserted = printed.chars().any(super::markers::is_superscript_digit);
        match last {
            Some(v) => v.checked_add(1) == Some(value) || (inserted && v == value),
            None => value <= 1,
        }
    }

    /// Whether `marker` is already the open item of its level (compound numbers).
    pub(super) fn is_open(&self, marker: &Marker) -> bool {
        let printed = match marker {
            Marker::Para { printed, .. } | Marker::Point { printed, .. } => printed,
            _ => return false,
        };
        let Some((level, _)) = self.ladder_rank(marker) else {
            return false;
        };
        self.stack
            .iter()
            .any(|o| o.rank == Rank::Level(level) && o.number == *printed)
    }

    /// The ladder level and value of a marker in the tradition, if it is on its ladder; a
    /// letter that is also a roman numeral ("(i)", "(v)") is told by what is open. In U.S.
    /// law "(A)" and "(i)" share level 2, and one of them under the other is level 3.
    pub(super) fn ladder_rank(&self, marker: &Marker) -> Option<(u8, u32)> {
        let (level, value) = self.ladder_rank_static(marker)?;
        if self.tradition != Some(Tradition::Us) || level != 2 {
            return Some((level, value));
        }
        let upper = |printed: &str| {
            printed
                .chars()
                .nth(1)
                .is_some_and(|c| c.is_ascii_uppercase())
        };
        let mine = match marker {
            Marker::Point { printed, .. } | Marker::Para { printed, .. } => upper(printed),
            _ => return Some((level, value)),
        };
        let other_above = self
            .stack
            .iter()
            .any(|o| o.rank == Rank::Level(2) && upper(&o.number) != mine);
        Some((if other_above { 3 } else { 2 }, value))
    }

    fn ladder_rank_static(&self, marker: &Marker) -> Option<(u8, u32)> {
        let tradition = self.tradition?;
        let styles = marker.styles();
        let on: Vec<(super::tradition::Style, u8)> = styles
            .iter()
            .filter_map(|s| tradition.level_of(*s).map(|l| (*s, l)))
            .collect();
        let value_as = |style: super::tradition::Style| -> u32 {
            use super::tradition::Style as S;
            match marker {
                Marker::Para { comps, .. } => comps.first().copied().unwrap_or(0),
                Marker::Point {
                    letters, script, ..
                } => match (style, script) {
                    (_, Script::Cyrillic) => cyrillic_value(letters).unwrap_or(0),
                    (S::ParenRoman | S::CloseRoman | S::UpperRomanDot, _) => {
                        roman_value(letters).unwrap_or(0)
                    }
                    _ => letters
                        .bytes()
                        .next()
                        .map_or(0, |b| u32::from(b.saturating_sub(b'a')) + 1),
                },
                _ => 0,
            }
        };
        match on.as_slice() {
            [] => None,
            [(style, level)] => Some((*level, value_as(*style))),
            [(first, first_level), rest @ ..] => {
                use super::tradition::Style as S;
                // A doubled letter in a tradition that has them is one ("aa)").
                if *first == S::DoubleLetter {
                    return Some((*first_level, value_as(*first)));
                }
                // U.S. law's level 2 may have moved to 3 (see `ladder_rank`).
                let us = tradition == Tradition::Us;
                let open_value = |level: u8| {
                    self.stack
                        .iter()
                        .rev()
                        .find(|o| {
                            o.rank == Rank::Level(level)
                                || (us && level == 2 && o.rank == Rank::Level(3))
                        })
                        .map(|o| o.value)
                };
                let follows = |level: u8, value: u32| {
                    open_value(level).is_some_and(|v| v.checked_add(1) == Some(value))
                };
                let letter = (*first, *first_level);
                let roman = rest
                    .iter()
                    .copied()
                    .find(|(s, _)| matches!(s, S::ParenRoman | S::CloseRoman))
                    .unwrap_or(letter);
                let (lv, rv) = (value_as(letter.0), value_as(roman.0));
                // "(vi)" is a numeral even when "(v)" was repealed; "(i)" and "(v)" are told
                // by what is open.
                let many = match marker {
                    Marker::Point { letters, .. } => letters.chars().count() > 1,
                    _ => false,
                };
                let pick = if (many && roman.0 != letter.0) || follows(roman.1, rv) {
                    roman
                } else if follows(letter.1, lv) {
                    letter
                } else if rv == 1 {
                    // "(i)" not after "(h)": the first numeral.
                    roman
                } else {
                    letter
                };
                Some((pick.1, value_as(pick.0)))
            }
        }
    }

    /// The placement and kind of a paragraph marker on the tradition's ladder.
    fn ladder_placement(&self, marker: &Marker) -> Option<(SectionKind, Placement)> {
        let (level, value) = self.ladder_rank(marker)?;
        let kind = if level == 0 {
            SectionKind::Paragraph
        } else {
            SectionKind::Point
        };
        Some((
            kind,
            Placement {
                rank: Rank::Level(level),
                value,
                list_nest: None,
            },
        ))
    }

    pub(super) fn add(&mut self, unit: Unit) -> Result<(), ImportError> {
        match unit {
            Unit::Heading { level, text } => {
                self.signature = false;
                let text = normalise_ws(&text);
                if text.is_empty() {
                    return Ok(());
                }
                if let Some(mut keyword) = parse_keyword_heading(&text, self.tradition) {
                    let tier = self.tier_of(keyword.keyword.word, keyword.keyword.tier);
                    if level.is_none() && tier >= TIER_ARTICLE && keyword.heading.is_empty() {
                        keyword.heading = self.take_marginal_title().unwrap_or_default();
                    }
                    self.note_heading(tier, keyword.keyword.word, keyword.value);
                    let rank = Rank::Heading {
                        keyword: Some(tier),
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
                    // "### Article 1" / "#### Purposes of the Convention": the title of the
                    // heading just above, when it has none yet.
                    let above = self.levels.last().copied().flatten();
                    if above.is_some_and(|a| a < level)
                        && let Some(last) = self.out.last_mut()
                        && matches!(
                            last.kind,
                            SectionKind::Part
                                | SectionKind::Chapter
                                | SectionKind::Section
                                | SectionKind::Article
                        )
                        && !last.number.is_empty()
                        && last.heading.is_empty()
                        && last.body.is_empty()
                        && parse_marker(&text, false, self.tradition).is_none()
                        && bare_section(&text).is_none()
                    {
                        last.heading = truncate_chars(text, MAX_HEADING_CHARS);
                        return Ok(());
                    }
                    // "###### (a) Whoever knowingly provides…": a paragraph styled as a
                    // heading is still the paragraph its marker says.
                    if let Some((marker, rest)) = parse_marker(&text, false, self.tradition)
                        && rest.split_whitespace().count() > 8
                        && self.ladder_placement(&marker).is_some()
                    {
                        let rest = rest.to_owned();
                        return self.add(Unit::Para {
                            marker: Some(marker),
                            text: rest,
                            list_nest: None,
                        });
                    }
                    // "###I" / "####General Provisions": a chapter numbered in bare roman
                    // numerals (treaties), which holds the articles styled like it.
                    if text.len() <= 8
                        && text.bytes().all(|b| b.is_ascii_uppercase())
                        && roman_value(&text.to_lowercase()).is_some()
                    {
                        let rank = Rank::Heading {
                            keyword: Some(super::tradition::TIER_CHAPTER),
                            level: Some(level),
                        };
                        return self.push(
                            SectionKind::Chapter,
                            text,
                            String::new(),
                            String::new(),
                            Placement::of(rank),
                        );
                    }
                    // "## 1. Introduction", "### 8  Are you entitled to an ABN?": keep the
                    // number apart from the heading.
                    let (number, heading) = match parse_marker(&text, false, None) {
                        Some((Marker::Para { printed, .. }, rest)) if !rest.is_empty() => {
                            (printed, rest.to_owned())
                        }
                        _ => match bare_section(&text) {
                            Some((number, title)) => {
                                // Known, so that "Section 14" under a Schedule reads as the
                                // reference it is.
                                self.note_heading(TIER_ARTICLE, "", token_value(number));
                                (number.to_owned(), title.to_owned())
                            }
                            None => (String::new(), text),
                        },
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
            Unit::BareSection { number, title } => {
                self.note_heading(TIER_ARTICLE, "", token_value(&number));
                let rank = Rank::Heading {
                    keyword: Some(TIER_ARTICLE),
                    level: None,
                };
                self.push(
                    SectionKind::Section,
                    number,
                    normalise_ws(&title),
                    String::new(),
                    Placement::of(rank),
                )
            }
            Unit::Para {
                marker,
                text,
                list_nest,
            } => {
                let body = normalise_ws(&text);
                // Polish law: "- zamawiający może…" after the points of a unit is the text
                // common to all of them (część wspólna), not another point.
                let common_part = self.tradition == Some(Tradition::Polish)
                    && matches!(marker, Some(Marker::Bullet { .. }))
                    && body.starts_with(char::is_lowercase)
                    && self
                        .stack
                        .last()
                        .is_some_and(|o| matches!(o.rank, Rank::Level(l) if l > 0));
                let marker = if common_part { None } else { marker };
                if let Some(marker) = &marker
                    && let Some((kind, mut placement)) = self.ladder_placement(marker)
                {
                    if let Some(nest) = list_nest {
                        self.close_list_points(nest);
                    }
                    placement.list_nest = list_nest;
                    let printed = match marker {
                        Marker::Para { printed, .. } | Marker::Point { printed, .. } => {
                            printed.clone()
                        }
                        Marker::Bullet { .. } | Marker::Nested { .. } => String::new(),
                    };
                    return self.push(kind, printed, String::new(), body, Some(placement));
                }
                if marker.is_some() {
                    self.signature = false;
                }
                match marker {
                    None if body.is_empty() => Ok(()),
                    None if self.signature_line(&body) => {
                        self.stack.clear();
                        self.push(SectionKind::Text, String::new(), String::new(), body, None)
                    }
                    None if self.took_as_title(&body) => Ok(()),
                    None if self.took_as_body(&body) => Ok(()),
                    None => self.plain(body),
                    Some(Marker::Para { printed, comps, .. }) => self.push(
                        SectionKind::Paragraph,
                        printed,
                        String::new(),
                        body,
                        Placement::of(Rank::Para(comps)),
                    ),
                    Some(Marker::Point {
                        printed, letters, ..
                    }) => {
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
            Unit::Table(rows) => {
                let body = table_body(&rows);
                if body.is_empty() {
                    return Ok(());
                }
                self.push_here(SectionKind::Table, String::new(), body)
            }
            Unit::Note { label, text } => {
                let text = normalise_ws(&text);
                if text.is_empty() {
                    return Ok(());
                }
                self.push_here(SectionKind::Note, normalise_ws(&label), text)
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

    /// The title printed above an article ("### Nötigung" / "**Art. 181**", Swiss marginal
    /// titles): the last section, when it is an unnumbered styled heading with nothing under
    /// it yet; it is taken out of the tree.
    fn take_marginal_title(&mut self) -> Option<String> {
        let k = self.out.len().checked_sub(1)?;
        let last = self.out.get(k)?;
        let styled = self.levels.get(k).copied().flatten().is_some();
        let bare = last.kind == SectionKind::Section
            && last.number.is_empty()
            && last.body.is_empty()
            && !last.heading.is_empty();
        let open = self.stack.last().is_some_and(|o| {
            matches!(o.rank, Rank::Heading { keyword: None, .. }) && o.number.is_empty()
        });
        if !(styled && bare && open) {
            return None;
        }
        self.stack.pop();
        self.levels.pop();
        self.out.pop().map(|s| s.heading)
    }

    /// Whether an unmarked paragraph belongs to the signature block of a Commonwealth
    /// instrument ("Signed and sealed with the / Great Seal of Australia on / 4 April 2019 /
    /// Peter Cosgrove / Governor-General"): the opening words start it, short lines without a
    /// full stop go on with it. Such a block is text, not part of the clause above it.
    fn signature_line(&mut self, text: &str) -> bool {
        const OPENINGS: &[&str] = &[
            "Signed and sealed",
            "By His Excellency",
            "By Her Excellency",
            "Given under my hand",
            "Dated this",
        ];
        if self.tradition != Some(Tradition::English) {
            return false;
        }
        if OPENINGS.iter().any(|o| text.starts_with(o)) {
            self.signature = true;
            return true;
        }
        let short = text.split_whitespace().count() <= 6 && !text.ends_with(['.', ';', ':']);
        if !short {
            self.signature = false;
        }
        self.signature && short
    }

    /// Whether unmarked text was taken as the text of the numbered unit just before it, which
    /// has none: "(1)" on a line of its own, its definition in the next block.
    fn took_as_body(&mut self, text: &str) -> bool {
        let Some(last) = self.out.last_mut() else {
            return false;
        };
        let open = self
            .stack
            .last()
            .is_some_and(|o| !matches!(o.rank, Rank::Heading { .. }) && o.number == last.number);
        if !(open
            && matches!(last.kind, SectionKind::Paragraph | SectionKind::Point)
            && !last.number.is_empty()
            && last.heading.is_empty())
        {
            return false;
        }
        // U.S. Code: "(3) Coercion" / "The term “coercion” means…": the marker's line is the
        // paragraph's heading.
        let heading_line = self.tradition == Some(Tradition::Us)
            && last.body.chars().nth(80).is_none()
            && last.body.starts_with(char::is_uppercase)
            && !last.body.ends_with(['.', ';', ':', ',', '—', '-']);
        if heading_line {
            last.heading = std::mem::take(&mut last.body);
        } else if !last.body.is_empty() {
            return false;
        }
        last.body = truncate_chars(text.to_owned(), self.limits.max_body_chars);
        true
    }

    /// Whether a short unmarked line right after a keyword heading that has no title yet
    /// ("CHAPTER I" / "GENERAL PROVISIONS", "Article 4" / "Definitions", "SCHEDULE" /
    /// "ADMINISTRATIVE ARRANGEMENTS") was taken as that title.
    fn took_as_title(&mut self, text: &str) -> bool {
        let Some(last) = self.out.last_mut() else {
            return false;
        };
        let open = self
            .stack
            .last()
            .is_some_and(|o| matches!(o.rank, Rank::Heading { .. }) && o.number == last.number);
        let untitled =
            open && matches!(
                last.kind,
                SectionKind::Part
                    | SectionKind::Chapter
                    | SectionKind::Section
                    | SectionKind::Article
            ) && !last.number.is_empty()
                && last.heading.is_empty()
                && last.body.is_empty()
                && !(last.kind == SectionKind::Article
                    && self.tradition.is_some_and(Tradition::untitled_articles));
        let title_like = text.chars().nth(MAX_TITLE_LINE_CHARS).is_none()
            && !text.starts_with(|c: char| c.is_lowercase())
            && !text.ends_with(['.', ';', ':', ','])
            && parse_keyword_heading(text, self.tradition).is_none()
            && bare_section(text).is_none();
        if !(untitled && title_like) {
            return false;
        }
        last.heading = truncate_chars(text.to_owned(), MAX_HEADING_CHARS);
        true
    }

    /// An unnumbered paragraph: a child of the nearest heading, or preamble text.
    pub(super) fn plain(&mut self, body: String) -> Result<(), ImportError> {
        // Text after the points of a numbered unit ("…, shall be punished") belongs to that
        // unit, not to the heading above it.
        if self.tradition.is_some()
            && self.stack.last().is_some_and(|top| {
                matches!(top.rank, Rank::Level(l) if l > 0) || matches!(top.rank, Rank::Point(_))
            })
            && self.stack.iter().any(|o| matches!(o.rank, Rank::Level(_)))
        {
            while self.stack.last().is_some_and(|top| {
                matches!(top.rank, Rank::Level(l) if l > 0) || matches!(top.rank, Rank::Point(_))
            }) && self
                .stack
                .iter()
                .rev()
                .skip(1)
                .any(|o| matches!(o.rank, Rank::Level(_)))
            {
                self.stack.pop();
            }
            return self.push_here(SectionKind::Paragraph, String::new(), body);
        }
        if self.tradition.is_some()
            && self
                .stack
                .last()
                .is_some_and(|top| top.rank == Rank::Level(0))
        {
            return self.push_here(SectionKind::Paragraph, String::new(), body);
        }
        self.push(
            SectionKind::Paragraph,
            String::new(),
            String::new(),
            body,
            None,
        )
    }

    /// An unnumbered section as a child of the innermost open item (closing nothing).
    fn push_here(
        &mut self,
        kind: SectionKind,
        number: String,
        body: String,
    ) -> Result<(), ImportError> {
        let depth = i32::try_from(self.stack.len()).map_err(|_| ImportError::TooDeep)?;
        if depth > MAX_DEPTH {
            return Err(ImportError::TooDeep);
        }
        if self.out.len() >= self.limits.max_sections {
            return Err(ImportError::TooManySections);
        }
        self.levels.push(None);
        self.out.push(ParsedSection {
            depth,
            kind,
            number,
            heading: String::new(),
            body: truncate_chars(body, self.limits.max_body_chars),
            anchor: String::new(),
        });
        Ok(())
    }

    /// Ends the build: the document's title block is preamble, not units. Before the first
    /// keyword unit, an unnumbered styled heading without text of its own is a title when it
    /// is styled further out than every keyword unit (or the keyword units are unstyled) and
    /// no heading like it follows among the units (then it is a group), or when it has
    /// nothing under it ("## An Act to…").
    pub(super) fn finish(mut self) -> Vec<ParsedSection> {
        let is_title = |s: &ParsedSection| {
            s.kind == SectionKind::Section && s.number.is_empty() && s.body.is_empty()
        };
        let tradition = self.tradition;
        let is_unit = |s: &ParsedSection| {
            matches!(
                s.kind,
                SectionKind::Part
                    | SectionKind::Chapter
                    | SectionKind::Section
                    | SectionKind::Article
            ) && (keyword_of(tradition, &s.number).is_some()
                || (s.kind == SectionKind::Section
                    && s.number.starts_with(|c: char| c.is_ascii_digit())))
        };
        let Some(first_unit) = self.out.iter().position(is_unit) else {
            return self.out;
        };
        let levels = std::mem::take(&mut self.levels);
        let level_of = |k: usize| levels.get(k).copied().flatten();
        // The outermost style of the numbered units (`None`: all unstyled); a Schedule at
        // the end may be styled like the title.
        let unit_level = self
            .out
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                is_unit(s)
                    && super::anchors::number_key(&s.number, tradition)
                        .is_some_and(|k| !k.is_empty())
            })
            .filter_map(|(k, _)| level_of(k))
            .min();
        let has_children = |k: usize| {
            let depth = self.out.get(k).map_or(0, |s| s.depth);
            self.out.get(k + 1).is_some_and(|n| n.depth > depth)
        };
        let mut titles = vec![false; self.out.len()];
        for (k, s) in self.out.iter().enumerate().take(first_unit) {
            let Some(level) = level_of(k) else { continue };
            if !is_title(s) {
                continue;
            }
            let outside = unit_level.is_none_or(|u| level < u);
            // A subtitle straight under the title ("## Verdrag…" / "#### Council of Europe
            // Convention…"), styled deeper than the units.
            let subtitle = unit_level.is_some_and(|u| level > u)
                && k.checked_sub(1)
                    .is_some_and(|p| titles.get(p).copied().unwrap_or(false));
            let group_follows = self
                .out
                .iter()
                .enumerate()
                .skip(first_unit)
                .any(|(j, o)| o.depth <= s.depth && is_title(o) && level_of(j) == Some(level));
            if ((outside && !group_follows) || subtitle || !has_children(k))
                && let Some(t) = titles.get_mut(k)
            {
                *t = true;
            }
        }
        // The titles become preamble text; what was under them moves out.
        let mut lifted: Vec<i32> = Vec::new();
        for (k, s) in self.out.iter_mut().enumerate() {
            while lifted.last().is_some_and(|&d| d >= s.depth) {
                lifted.pop();
            }
            if titles.get(k).copied().unwrap_or(false) {
                lifted.push(s.depth);
                s.kind = SectionKind::Text;
                s.depth = 0;
                continue;
            }
            let lift = i32::try_from(lifted.len()).unwrap_or(0);
            s.depth = (s.depth - lift).max(0);
            // Before the first unit: preamble text, and an EU act's numbered recitals.
            let recital = tradition == Some(Tradition::Eu)
                && matches!(s.kind, SectionKind::Paragraph | SectionKind::Point);
            if k < first_unit
                && s.depth == 0
                && ((s.number.is_empty() && s.kind == SectionKind::Paragraph) || recital)
            {
                s.kind = SectionKind::Text;
            }
        }
        self.out
    }

    /// The depth a section of this kind and number gets after the ones already seen (see
    /// [`infer_depths`]). Only the stack is used; nothing is recorded.
    pub(super) fn infer_depth(&mut self, kind: SectionKind, number: &str) -> i32 {
        let marker = parse_marker(number, false, self.tradition).map(|(marker, _)| marker);
        let placement = match kind {
            SectionKind::Part
            | SectionKind::Chapter
            | SectionKind::Section
            | SectionKind::Article => {
                let tier = match keyword_of(self.tradition, number) {
                    Some(k) => self.tier_of(k.word, k.tier),
                    // A Commonwealth section is its bare number.
                    None if kind == SectionKind::Section
                        && self.tradition.is_some_and(Tradition::bare_sections)
                        && number.starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        TIER_ARTICLE
                    }
                    None => default_tier(kind),
                };
                Placement::of(Rank::Heading {
                    keyword: Some(tier),
                    level: None,
                })
            }
            SectionKind::Paragraph if number.is_empty() => None,
            SectionKind::Paragraph | SectionKind::Point
                if let Some(m) = &marker
                    && let Some((_, placement)) = self.ladder_placement(m) =>
            {
                Some(placement)
            }
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
            // Tables and notes sit in the innermost open unit, closing nothing.
            SectionKind::Table | SectionKind::Note => {
                return i32::try_from(self.stack.len()).unwrap_or(i32::MAX);
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
                number: number.to_owned(),
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
        self.levels.push(match &placement {
            Some(Placement {
                rank: Rank::Heading { level, .. },
                ..
            }) => *level,
            _ => None,
        });
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
                number: self
                    .out
                    .last()
                    .map(|o| o.number.clone())
                    .unwrap_or_default(),
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
    pub(super) fn heading_encloses(&self, new_keyword: Option<u8>, new_level: Option<u8>) -> bool {
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
