//! Consultation DTOs.

use serde::{Deserialize, Serialize};

use super::ids::{ConsultationId, SectionId};
use super::viewer::CouncilSummary;

/// The phases a consultation moves through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// A consultation with its current draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationDetail {
    /// List data.
    pub summary: ConsultationSummary,
    /// Number of the draft version shown.
    pub version: i32,
    /// Sections in reading order.
    pub sections: Vec<SectionView>,
}
