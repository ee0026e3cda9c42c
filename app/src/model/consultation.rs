//! Consultation DTOs.

use serde::{Deserialize, Serialize};

use super::comment::{CommentView, Decision, DiffPart, ResponseView};
use super::error::{AppError, InputProblem};
use super::ids::{CommentId, ConsultationId, SectionId};
use super::viewer::CouncilSummary;

code_enum!(
    /// Who may read a consultation.
    Visibility {
        /// Everybody with a role in the council.
        Council = "council",
        /// Only the members the secretariat invited to it (and the staff).
        Invited = "invited",
    }
);

code_enum!(
    /// A step the secretariat takes to move a consultation on (the phase form's `step`).
    PhaseStep {
        /// Open the comment period now.
        Open = "open",
        /// Close the comment period now.
        Close = "close",
        /// Mark every comment answered.
        Responded = "responded",
        /// Publish the outcome report.
        Outcome = "outcome",
        /// Make the published outcome public.
        OutcomePublic = "outcome_public",
        /// Make the published outcome private again.
        OutcomePrivate = "outcome_private",
    }
);

code_enum!(
    /// Why an imported draft file was refused: each has one clear, translated message (nothing
    /// about the file's content). The codes travel in the management page's URL.
    ImportRefusal {
        /// Larger than the importer takes (5 MiB).
        TooLarge = "file_too_large",
        /// Not UTF-8 text, or binary.
        NotText = "not_text",
        /// Nothing to import.
        Empty = "empty",
        /// Not a readable Word (DOCX) file.
        NotDocx = "not_docx",
        /// Unpacks to more than the limit (a "zip bomb").
        UnpackedTooLarge = "unpacked_too_large",
        /// Broken XML inside the Word file.
        InvalidXml = "invalid_xml",
        /// More sections than a draft may have.
        TooManySections = "too_many_sections",
        /// Nested deeper than a draft may be.
        TooDeep = "too_deep",
    }
);

/// The phases a consultation moves through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Being prepared by the secretariat; only staff see it.
    Draft,
    /// Members may comment.
    Open,
    /// Comments are closed; answers are being written.
    Closed,
    /// Every comment has an answer.
    Responded,
    /// The outcome report is published.
    OutcomePublished,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 5] = [
        Phase::Draft,
        Phase::Open,
        Phase::Closed,
        Phase::Responded,
        Phase::OutcomePublished,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Open => "open",
            Phase::Closed => "closed",
            Phase::Responded => "responded",
            Phase::OutcomePublished => "outcome_published",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// One line of the consultation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationSummary {
    /// The consultation's id.
    pub id: ConsultationId,
    /// Its title.
    pub title: String,
    /// Its plain-language summary.
    pub summary: String,
    /// Its current phase.
    pub phase: Phase,
    /// When comments close, if set, already shown in the council's time zone
    /// (formatted on the server so the browser needs no time-zone database).
    pub closes_at_local: Option<String>,
}

/// The home page: the council and its consultations the viewer may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationList {
    /// The council shown, if any exists yet.
    pub council: Option<CouncilSummary>,
    /// The consultations, newest first.
    pub consultations: Vec<ConsultationSummary>,
    /// Whether the reader is signed in (a visitor is only invited to sign in).
    pub signed_in: bool,
    /// The reader's own comments that have an answer, newest first.
    pub answers: Vec<super::comment::OwnAnswer>,
}

/// One section of a draft, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionView {
    /// The section's id.
    pub id: SectionId,
    /// Depth in the tree (0 = top level).
    pub depth: i32,
    /// Kind: part, chapter, article, paragraph, point.
    pub kind: String,
    /// Stable anchor for links.
    pub anchor: String,
    /// Number as printed ("Article 3", "1.", "(a)").
    pub number: String,
    /// Heading, may be empty.
    pub heading: String,
    /// Body text, may be empty.
    pub body: String,
    /// Content note shown before the text, if any.
    pub content_note: Option<String>,
    /// Visible comments and replies on this section (all versions).
    pub comment_count: i32,
    /// The top-level section (chapter) this one belongs to, for links to the chapter view.
    pub chapter: String,
}

/// What the reader may do on a consultation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permissions {
    /// May post comments now (signed in, may read, phase open and not past the close time).
    pub comment: bool,
    /// Runs the consultation (secretariat or council admin of its council).
    pub manage: bool,
    /// May read the outcome report.
    pub outcome: bool,
    /// A member who reads it, offered "log time for this" (the time page takes the link).
    pub log_time: bool,
}

/// A consultation with its current draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationDetail {
    /// List data.
    pub summary: ConsultationSummary,
    /// Number of the draft version shown.
    pub version: i32,
    /// Every published version number, oldest first.
    pub versions: Vec<i32>,
    /// Sections in reading order.
    pub sections: Vec<SectionView>,
    /// What the reader may do.
    pub may: Permissions,
}

/// One chapter (top-level section and everything under it) with its comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterView {
    /// The consultation.
    pub summary: ConsultationSummary,
    /// The version shown.
    pub version: i32,
    /// The sections of this chapter, in reading order (shared with the server's kept view).
    pub sections: std::sync::Arc<Vec<SectionView>>,
    /// Comments on these sections (threads: replies follow their parent), in order: per
    /// section the newest threads, each with its first replies.
    pub comments: std::sync::Arc<Vec<CommentView>>,
    /// Per section, how many threads the chapter leaves out (shown on the section's own
    /// page of comments).
    pub more: Vec<(super::ids::SectionId, i64)>,
    /// The previous and next chapter (anchor, title), for moving through the draft.
    pub previous: Option<(String, String)>,
    /// See `previous`.
    pub next: Option<(String, String)>,
    /// What the reader may do.
    pub may: Permissions,
    /// The reader's saved, unposted comment texts: (slot, fields).
    pub drafts: Vec<(String, super::comment::CommentFields)>,
    /// The reader (the server keeps rendered chapters per reader).
    pub reader: Option<super::ids::PersonId>,
    /// The consultation's revision this view shows: equal revisions, equal views for a
    /// reader (the server keeps rendered chapters under it).
    pub revision: i64,
}

/// The council's posting limits, as shown and typed in their form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingRulesFields {
    /// Comments one may post in a row.
    #[serde(default)]
    pub burst: String,
    /// Comments an hour after that.
    #[serde(default)]
    pub per_hour: String,
    /// Comments and replies on one section in any hour.
    #[serde(default)]
    pub section_per_hour: String,
}

/// How a section's threads are ordered on its page of comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadSort {
    /// Newest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Most replies first.
    Replies,
}

impl ThreadSort {
    /// Every order, as offered.
    pub const ALL: [Self; 3] = [Self::Newest, Self::Oldest, Self::Replies];

    /// Stable code (in the address).
    pub fn code(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Replies => "replies",
        }
    }

    /// From its code; anything else is the default.
    pub fn from_code(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or_default()
    }
}

/// All comments on one section, a page at a time (or one thread with all its replies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionComments {
    /// The consultation.
    pub summary: ConsultationSummary,
    /// The version shown.
    pub version: i32,
    /// The section.
    pub section: SectionView,
    /// This page's comments, threaded.
    pub comments: Vec<CommentView>,
    /// Visible threads on the section (or, for one thread, its replies).
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Pages in all (at least 1).
    pub pages: i64,
    /// The order.
    pub sort: ThreadSort,
    /// The one thread shown, if the page shows one.
    pub thread: Option<super::ids::CommentId>,
    /// What the reader may do.
    pub may: Permissions,
    /// The reader's kept texts for this page's boxes: (slot, fields).
    pub drafts: Vec<(String, super::comment::CommentFields)>,
}

/// The create / edit form of a consultation, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationFields {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Plain-language summary.
    #[serde(default)]
    pub summary: String,
    /// Language codes, comma-separated ("en,fr").
    #[serde(default)]
    pub languages: String,
    /// `Visibility` code.
    #[serde(default)]
    pub visibility: String,
    /// Opening time in the council's time zone, `YYYY-MM-DDTHH:MM` (empty: opened by hand).
    #[serde(default)]
    pub opens_at: String,
    /// Closing time, same form.
    #[serde(default)]
    pub closes_at: String,
}

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// The longest summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 5_000;

/// A consultation form, parsed (times still local; the domain applies the time zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationInput {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Visibility.
    pub visibility: Visibility,
    /// Local opening time.
    pub opens_at: Option<chrono::NaiveDateTime>,
    /// Local closing time.
    pub closes_at: Option<chrono::NaiveDateTime>,
}

impl ConsultationInput {
    /// Parses the form.
    pub fn parse(fields: &ConsultationFields) -> Result<Self, AppError> {
        use super::comment::{optional_text, required_text};
        let title = required_text("title", &fields.title, MAX_TITLE_CHARS)?;
        if title.contains('\n') {
            return Err(AppError::invalid("title", InputProblem::Malformed));
        }
        let summary =
            optional_text("summary", &fields.summary, MAX_SUMMARY_CHARS)?.unwrap_or_default();
        let mut languages = Vec::new();
        for code in fields
            .languages
            .split([',', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let ok = (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase());
            if !ok || languages.len() >= 8 {
                return Err(AppError::invalid("languages", InputProblem::Malformed));
            }
            if !languages.iter().any(|l| l == code) {
                languages.push(code.to_owned());
            }
        }
        if languages.is_empty() {
            languages.push("en".to_owned());
        }
        let visibility = if fields.visibility.trim().is_empty() {
            Visibility::Council
        } else {
            Visibility::parse("visibility", &fields.visibility)?
        };
        let time = |field: &str, text: &str| -> Result<Option<chrono::NaiveDateTime>, AppError> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
                .map(Some)
                .map_err(|_| AppError::invalid(field, InputProblem::Malformed))
        };
        let opens_at = time("opens_at", &fields.opens_at)?;
        let closes_at = time("closes_at", &fields.closes_at)?;
        if let (Some(open), Some(close)) = (opens_at, closes_at)
            && close <= open
        {
            return Err(AppError::invalid("closes_at", InputProblem::Incorrect));
        }
        Ok(Self {
            title,
            summary,
            languages,
            visibility,
            opens_at,
            closes_at,
        })
    }
}

/// A section of a version being prepared, as the secretariat sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSection {
    /// The section (comment count and chapter unused).
    pub section: SectionView,
    /// Whether the text differs from the same anchor in the published version (or is new).
    pub changed: bool,
}

/// A version being prepared, as the secretariat reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingVersion {
    /// Its number.
    pub number: i32,
    /// Its sections, each marked when it differs from the published version.
    pub sections: Vec<DraftSection>,
    /// The drafting tradition it was read in (one of [`TRADITIONS`]), when it was imported.
    pub tradition: Option<String>,
    /// Whether that tradition was found in the text rather than chosen.
    pub detected: bool,
}

/// The drafting traditions the importer knows, by code, in the order they are offered (the
/// importer's `Tradition` has the same codes).
pub const TRADITIONS: [&str; 11] = [
    "en", "eu", "us", "fr", "de", "nl", "ru", "uk", "pl", "es", "it",
];

/// The view of a consultation for the secretariat running it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManageView {
    /// The consultation.
    pub summary: ConsultationSummary,
    /// The form as stored (times in the council's time zone).
    pub fields: ConsultationFields,
    /// The council's time zone name.
    pub time_zone: String,
    /// The newest published version (0 when none).
    pub published_version: i32,
    /// The published sections: (id, label, content note), for adding a note later.
    pub notes: Vec<(String, String, Option<String>)>,
    /// A version being prepared.
    pub pending: Option<PendingVersion>,
    /// Comments (not withdrawn) and how many have no answer.
    pub comments: i64,
    /// See `comments`.
    pub unanswered: i64,
    /// Whether the outcome report is readable without signing in.
    pub outcome_public: bool,
    /// Invited members (for "invited members only"): (person id, display name).
    pub participants: Vec<(String, String)>,
    /// Council members who could be invited: (person id, display name).
    pub members: Vec<(String, String)>,
    /// When the posting limits stopped someone (newest first, at most 50 rows): never who.
    pub limit_stops: Vec<LimitStop>,
    /// The council's posting limits.
    pub posting: PostingRulesFields,
}

/// How often a posting limit stopped someone in one hour on one section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitStop {
    /// The hour, in the council's time zone.
    pub hour_local: String,
    /// The section's number and heading.
    pub section: String,
    /// Whether it was the cap per section (else a person's rate).
    pub section_cap: bool,
    /// How many posts were stopped.
    pub count: i32,
}

/// One section in the difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDiff {
    /// The anchor.
    pub anchor: String,
    /// Number and heading in the newer version (or the older one when removed).
    pub title: String,
    /// added | removed | changed | same
    pub change: String,
    /// The text difference, word by word.
    pub parts: Vec<DiffPart>,
    /// The comments the secretariat linked to this change: (id, kind, excerpt, author).
    pub comments: Vec<LinkedComment>,
}

/// A comment linked to a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedComment {
    /// Id.
    pub id: CommentId,
    /// The first words of the comment (or of the proposal).
    pub excerpt: String,
    /// The decision.
    pub decision: Option<Decision>,
    /// The author, as the reader may know.
    pub author: super::comment::AuthorLabel,
}

/// The difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionDiff {
    /// The consultation.
    pub summary: ConsultationSummary,
    /// Every published version number.
    pub versions: Vec<i32>,
    /// Older version.
    pub from: i32,
    /// Newer version.
    pub to: i32,
    /// Every section of either version, in the newer version's order (removed ones where they were).
    pub sections: Vec<SectionDiff>,
}

/// The accountability figures of one consultation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Comments and replies received (not withdrawn).
    pub received: i64,
    /// How many have an answer.
    pub answered: i64,
    /// Share answered, in whole percent.
    pub answered_pct: i64,
    /// Median hours from comment to answer (None before any answer).
    pub median_hours_to_answer: Option<f64>,
    /// Share of answered comments accepted or partly accepted, in whole percent.
    pub accepted_pct: i64,
    /// Sections changed between the first and the newest version.
    pub sections_changed: i64,
}

/// One comment in the outcome report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportComment {
    /// Kind.
    pub kind: super::comment::CommentKind,
    /// Author as the report may show it.
    pub author: super::comment::AuthorLabel,
    /// The text (plain).
    pub body: String,
    /// Proposed wording.
    pub proposal: Option<String>,
    /// The answer.
    pub response: Option<ResponseView>,
}

/// One section in the outcome report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSection {
    /// Anchor.
    pub anchor: String,
    /// Number and heading.
    pub title: String,
    /// The comments on it.
    pub comments: Vec<ReportComment>,
    /// How the section changed from the first to the newest version.
    pub change: Vec<DiffPart>,
    /// Whether it changed.
    pub changed: bool,
    /// Whether an earlier page or part already began this section.
    #[serde(default)]
    pub continued: bool,
    /// The number of its comments in the whole report.
    #[serde(default)]
    pub total: u64,
}

/// "You said, we did".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeReport {
    /// The consultation.
    pub summary: ConsultationSummary,
    /// Whether this is the public version (only consented comments).
    pub public: bool,
    /// The figures.
    pub figures: Figures,
    /// Sections with comments or changes (on this page).
    pub sections: Vec<ReportSection>,
    /// This page (1-based) and the number of pages.
    #[serde(default)]
    pub page: u32,
    /// The number of pages.
    #[serde(default)]
    pub pages: u32,
}

/// The edit form of one section of a version being prepared, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFields {
    /// Number as printed.
    #[serde(default)]
    pub number: String,
    /// Heading.
    #[serde(default)]
    pub heading: String,
    /// Text.
    #[serde(default)]
    pub body: String,
    /// Content note ("describes sexual violence"); empty for none.
    #[serde(default)]
    pub content_note: String,
}

/// A parsed [`SectionFields`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionInput {
    /// Number.
    pub number: String,
    /// Heading.
    pub heading: String,
    /// Text.
    pub body: String,
    /// Content note.
    pub content_note: Option<String>,
}

impl SectionFields {
    /// Parses the form.
    pub fn parse(&self) -> Result<SectionInput, AppError> {
        use super::comment::optional_text;
        let one_line = |field: &str, text: &str, max: usize| -> Result<String, AppError> {
            let text = optional_text(field, text, max)?.unwrap_or_default();
            if text.contains('\n') {
                return Err(AppError::invalid(field, InputProblem::Malformed));
            }
            Ok(text)
        };
        let number = one_line("number", &self.number, 32)?;
        let heading = one_line("heading", &self.heading, 300)?;
        let body = optional_text("body", &self.body, 50_000)?.unwrap_or_default();
        if number.is_empty() && heading.is_empty() && body.is_empty() {
            return Err(AppError::invalid("body", InputProblem::Required));
        }
        let content_note = parse_content_note(&self.content_note)?;
        Ok(SectionInput {
            number,
            heading,
            body,
            content_note,
        })
    }
}

/// A content note as typed: one line of at most 300 characters; empty means none.
pub fn parse_content_note(text: &str) -> Result<Option<String>, AppError> {
    let note = super::comment::optional_text("content_note", text, 300)?;
    if note.as_deref().is_some_and(|n| n.contains('\n')) {
        return Err(AppError::invalid("content_note", InputProblem::Malformed));
    }
    Ok(note.filter(|n| !n.is_empty()))
}
