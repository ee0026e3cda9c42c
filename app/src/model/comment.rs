//! Comments, answers and moderation: the codes both halves share, parsed inputs and the DTOs
//! the pages render.

use serde::{Deserialize, Serialize};

use super::error::{AppError, InputProblem};
use super::ids::{CommentId, ConsultationId, SectionId};

/// The word every pseudonym starts with (`Contributor K7QM`); display names may not.
pub const PSEUDONYM_PREFIX: &str = "Contributor";

code_enum!(
    /// What kind of contribution a comment is.
    CommentKind {
        /// A general comment.
        Comment = "comment",
        /// A concern about the text.
        Concern = "concern",
        /// A question.
        Question = "question",
        /// A proposed alternative wording of the section.
        Wording = "wording",
    }
);

code_enum!(
    /// How the author is shown.
    Attribution {
        /// By display name, to everybody who can read the comment.
        Named = "named",
        /// By a pseudonym for this consultation; the secretariat knows who it is.
        Pseudonym = "pseudonym",
        /// Nobody can learn who wrote it; only the author sees it is theirs.
        Anonymous = "anonymous",
    }
);

code_enum!(
    /// Whether a comment can be read.
    CommentStatus {
        /// Shown.
        Visible = "visible",
        /// Hidden by the secretariat with a reason; kept, and the author can edit and resubmit.
        Hidden = "hidden",
        /// Withdrawn by the author.
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    /// Why the secretariat hid a comment (a fixed list, plus free text).
    HideReason {
        /// It reveals personal details about someone (including the author).
        PersonalDetails = "personal_details",
        /// It is abusive or discriminatory.
        Abusive = "abusive",
        /// It is not about this draft.
        OffTopic = "off_topic",
        /// It is advertising or repeated without purpose.
        Spam = "spam",
        /// Another reason, explained in the text.
        Other = "other",
    }
);

code_enum!(
    /// The secretariat's decision on a comment.
    Decision {
        /// The draft was changed as proposed.
        Accepted = "accepted",
        /// The draft was changed in part.
        PartlyAccepted = "partly_accepted",
        /// The draft was not changed, for the reason given.
        NotAccepted = "not_accepted",
        /// Taken note of, or out of the draft's scope.
        Noted = "noted",
    }
);

impl Decision {
    /// Whether the decision counts as (partly) accepted in the figures.
    pub fn accepted(self) -> bool {
        matches!(self, Self::Accepted | Self::PartlyAccepted)
    }
}

/// The longest comment, reply, or proposed wording, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The longest quote, in characters.
pub const MAX_QUOTE_CHARS: usize = 1_000;
/// The longest explanation or moderation note, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;

/// Trims `input` and checks its length; `None` when empty.
pub fn optional_text(field: &str, input: &str, max: usize) -> Result<Option<String>, AppError> {
    let text = input.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(AppError::invalid(field, InputProblem::TooLong));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(AppError::invalid(field, InputProblem::Malformed));
    }
    Ok(Some(text))
}

/// Like [`optional_text`], but empty is an error.
pub fn required_text(field: &str, input: &str, max: usize) -> Result<String, AppError> {
    optional_text(field, input, max)?
        .ok_or_else(|| AppError::invalid(field, InputProblem::Required))
}

/// What a comment form sends: every field as typed (so it can be given back unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentFields {
    /// `CommentKind` code.
    #[serde(default)]
    pub kind: String,
    /// The text (Markdown subset).
    #[serde(default)]
    pub body: String,
    /// Optional quoted text from the section.
    #[serde(default)]
    pub quote: String,
    /// Proposed wording (for `wording`).
    #[serde(default)]
    pub proposal: String,
    /// `Attribution` code.
    #[serde(default)]
    pub attribution: String,
    /// "on" when the author agrees that the comment may appear in the public report.
    #[serde(default)]
    pub consent: Option<String>,
}

impl CommentFields {
    /// What is kept of typed text that could not be posted (saved as a draft, or in a
    /// signed-out visitor's session): every text cut to twice its field's largest size (room
    /// to shorten an over-long text oneself), the codes to a few characters, so an oversized
    /// paste is shortened rather than refused and never makes kept state large.
    pub fn kept(&self) -> Self {
        fn cut(text: &str, max: usize) -> String {
            match text.char_indices().nth(max) {
                Some((i, _)) => text[..i].to_owned(),
                None => text.to_owned(),
            }
        }
        Self {
            kind: cut(&self.kind, 32),
            body: cut(&self.body, 2 * MAX_TEXT_CHARS),
            quote: cut(&self.quote, 2 * MAX_QUOTE_CHARS),
            proposal: cut(&self.proposal, 2 * MAX_TEXT_CHARS),
            attribution: cut(&self.attribution, 32),
            consent: self.consent.as_deref().map(|c| cut(c, 8)),
        }
    }
}

/// A comment as parsed from [`CommentFields`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentInput {
    /// Kind.
    pub kind: CommentKind,
    /// Text.
    pub body: String,
    /// Quote, if any.
    pub quote: Option<String>,
    /// Proposed wording, if any.
    pub proposal: Option<String>,
    /// How the author is shown.
    pub attribution: Attribution,
    /// Consent to appear in the public outcome report.
    pub consent_public: bool,
}

impl CommentInput {
    /// Parses a form. A reply is always a plain comment (no quote, no proposal).
    pub fn parse(fields: &CommentFields, reply: bool) -> Result<Self, AppError> {
        let kind = if reply || fields.kind.trim().is_empty() {
            CommentKind::Comment
        } else {
            CommentKind::parse("kind", &fields.kind)?
        };
        let attribution = if fields.attribution.trim().is_empty() {
            Attribution::Named
        } else {
            Attribution::parse("attribution", &fields.attribution)?
        };
        let proposal = if reply {
            None
        } else {
            optional_text("proposal", &fields.proposal, MAX_TEXT_CHARS)?
        };
        if kind == CommentKind::Wording && proposal.is_none() {
            return Err(AppError::invalid("proposal", InputProblem::Required));
        }
        // A proposal may stand alone; otherwise the text is required.
        let body = match optional_text("body", &fields.body, MAX_TEXT_CHARS)? {
            Some(body) => body,
            None if kind == CommentKind::Wording => String::new(),
            None => return Err(AppError::invalid("body", InputProblem::Required)),
        };
        let quote = if reply {
            None
        } else {
            optional_text("quote", &fields.quote, MAX_QUOTE_CHARS)?
        };
        Ok(Self {
            kind,
            body,
            quote,
            proposal: if kind == CommentKind::Wording {
                proposal
            } else {
                None
            },
            attribution,
            consent_public: fields.consent.as_deref().is_some_and(|v| !v.is_empty()),
        })
    }
}

/// How a comment's author is shown to the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", content = "name", rename_all = "snake_case")]
pub enum AuthorLabel {
    /// By display name.
    Named(String),
    /// By pseudonym.
    Pseudonym(String),
    /// Anonymous.
    Anonymous,
}

/// One word-level piece of a difference between two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
pub enum DiffPart {
    /// Unchanged text.
    Same(String),
    /// Text only in the newer text.
    Added(String),
    /// Text only in the older text.
    Removed(String),
}

/// One of the reader's own comments that has an answer (the start page lists them, for their
/// author only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnAnswer {
    /// The comment.
    pub comment: CommentId,
    /// The consultation's title.
    pub consultation_title: String,
    /// The decision.
    pub decision: Decision,
    /// When it was answered, in the council's time zone.
    pub answered_local: String,
}

/// The secretariat's answer as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseView {
    /// The decision.
    pub decision: Decision,
    /// The explanation (plain text).
    pub explanation: String,
    /// When, in the council's time zone.
    pub answered_local: String,
    /// Anchors of the sections changed because of the comment.
    pub changed: Vec<String>,
}

/// A comment as one reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    /// Id.
    pub id: CommentId,
    /// The section commented on.
    pub section: SectionId,
    /// The comment this replies to.
    pub parent: Option<CommentId>,
    /// Kind.
    pub kind: CommentKind,
    /// The text as sanitized HTML (Markdown subset); empty when not shown.
    pub body_html: String,
    /// The quoted text.
    pub quote: Option<String>,
    /// The proposed wording as a diff against the section's text.
    pub proposal: Option<Vec<DiffPart>>,
    /// Who wrote it, as the reader may know.
    pub author: AuthorLabel,
    /// Whether the reader wrote it (also true for their anonymous comments).
    pub mine: bool,
    /// Status.
    pub status: CommentStatus,
    /// Why it was hidden (shown to its author and to staff).
    pub hidden_reason: Option<HideReason>,
    /// The secretariat's note on hiding (author and staff only).
    pub hidden_note: Option<String>,
    /// When written, in the council's time zone.
    pub created_local: String,
    /// Whether it was edited after posting.
    pub edited: bool,
    /// The answer, if any.
    pub response: Option<ResponseView>,
    /// The fields as typed, for the author's edit form (only for the author).
    pub own_fields: Option<CommentFields>,
    /// Which draft version it was written on.
    pub version: i32,
    /// Nesting level in its thread (0 = top level).
    pub depth: i32,
    /// For a top-level comment on a bounded page: how many of its replies the page leaves
    /// out (shown on the section's page of comments).
    #[serde(default)]
    pub more_replies: i64,
}

/// The secretariat's answer form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseFields {
    /// `Decision` code.
    #[serde(default)]
    pub decision: String,
    /// Explanation.
    #[serde(default)]
    pub explanation: String,
    /// "on" when the comment led to a change of its own section.
    #[serde(default)]
    pub changed: Option<String>,
    /// The anchor of another section the comment led to change (empty: none).
    #[serde(default)]
    pub also: Option<String>,
}

/// What the answer queue shows, as the address (a GET form) gives it. Unknown values mean
/// "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QueueFilter {
    /// A section's anchor.
    #[serde(default)]
    pub section: String,
    /// A `CommentKind` code.
    #[serde(default)]
    pub kind: String,
    /// An `Attribution` code.
    #[serde(default)]
    pub attribution: String,
    /// "no" (without an answer) or "yes" (answered).
    #[serde(default)]
    pub answered: String,
    /// "only" (hidden comments only) or "with" (visible and hidden); else visible only.
    #[serde(default)]
    pub hidden: String,
    /// "on": only comments that propose wording.
    #[serde(default)]
    pub wording: String,
    /// Words the comment contains.
    #[serde(default)]
    pub q: String,
    /// A `QueueSort` code.
    #[serde(default)]
    pub sort: String,
    /// The page, from 1.
    #[serde(default)]
    pub page: i64,
}

impl QueueFilter {
    /// The address of the queue with these filters (page included when beyond the first).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("section", &self.section),
            ("kind", &self.kind),
            ("attribution", &self.attribution),
            ("answered", &self.answered),
            ("hidden", &self.hidden),
            ("wording", &self.wording),
            ("q", &self.q),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                parts.push(format!("{key}={}", encode_query_value(value)));
            }
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Percent-encodes a value for an address's query.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The orders of the answer queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueSort {
    /// Unanswered first, then in the draft's reading order.
    #[default]
    Reading,
    /// Oldest first.
    Oldest,
    /// Newest first.
    Newest,
    /// Largest groups first.
    Largest,
}

impl QueueSort {
    /// Every order, as offered.
    pub const ALL: [Self; 4] = [Self::Reading, Self::Oldest, Self::Newest, Self::Largest];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Reading => "reading",
            Self::Oldest => "oldest",
            Self::Newest => "newest",
            Self::Largest => "largest",
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

/// One page of the secretariat's answer queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerQueue {
    /// The consultation.
    pub consultation: ConsultationId,
    /// Its title.
    pub title: String,
    /// Comments that count (visible), and how many of them have no answer yet.
    pub comments: i64,
    /// See `comments`.
    pub unanswered: i64,
    /// The filters, as understood (unknown values cleared).
    pub filter: QueueFilter,
    /// Items (single comments and groups) matching the filters.
    pub total: i64,
    /// Pages in all (at least 1).
    pub pages: i64,
    /// This page's items.
    pub items: Vec<QueueItem>,
    /// Every section a comment may have changed, in reading order: (anchor, number and
    /// heading), from all versions (the newest title of each anchor).
    pub sections: Vec<(String, String)>,
    /// The consultation's revision the page was read at (the server keeps the rendered
    /// page under it).
    pub revision: i64,
    /// The council's time zone the times are shown in.
    pub time_zone: String,
    /// The reader (the server keeps rendered pages per reader).
    pub reader: Option<crate::model::ids::PersonId>,
}

/// One line of the answering queue: a comment, or a group of near-identical ones shown by
/// its first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// The section's number and heading.
    pub section_title: String,
    /// The section's anchor.
    pub anchor: String,
    /// The comment (a group's first).
    pub comment: CommentView,
    /// The group, when near-identical comments are shown as one item.
    pub group: Option<CommentId>,
    /// Comments in the item matching the filters (1 for a single comment).
    pub size: i64,
    /// Of those, without an answer.
    pub unanswered: i64,
}

impl QueueItem {
    /// What the item is known by on its page: its group, or else its comment.
    pub fn key(&self) -> CommentId {
        self.group.unwrap_or(self.comment.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: &str, body: &str, proposal: &str) -> CommentFields {
        CommentFields {
            kind: kind.into(),
            body: body.into(),
            proposal: proposal.into(),
            attribution: "anonymous".into(),
            ..Default::default()
        }
    }

    #[test]
    fn comment_inputs_are_checked() {
        assert_eq!(
            CommentInput::parse(&fields("comment", "  ", ""), false),
            Err(AppError::invalid("body", InputProblem::Required))
        );
        assert_eq!(
            CommentInput::parse(&fields("comment", &"x".repeat(10_001), ""), false),
            Err(AppError::invalid("body", InputProblem::TooLong))
        );
        assert_eq!(
            CommentInput::parse(&fields("wording", "", ""), false),
            Err(AppError::invalid("proposal", InputProblem::Required))
        );
        assert_eq!(
            CommentInput::parse(&fields("nonsense", "x", ""), false),
            Err(AppError::invalid("kind", InputProblem::Malformed))
        );
        let ok = CommentInput::parse(&fields("wording", "", " new words "), false).expect("valid");
        assert_eq!(ok.proposal.as_deref(), Some("new words"));
        assert_eq!(ok.attribution, Attribution::Anonymous);
        // Replies are plain comments whatever the form says.
        let reply = CommentInput::parse(&fields("wording", "yes", "x"), true).expect("valid");
        assert_eq!(reply.kind, CommentKind::Comment);
        assert_eq!(reply.proposal, None);
    }

    #[test]
    fn codes_round_trip() {
        for d in Decision::ALL {
            assert_eq!(Decision::from_code(d.code()), Some(*d));
        }
        assert_eq!(HideReason::from_code("x"), None);
    }
}
