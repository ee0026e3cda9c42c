//! The consultations' tables (sea-orm entities).

pub mod author_pseudonym;
pub mod comment;
pub mod comment_band;
pub mod comment_change;
pub mod comment_draft;
pub mod consultation;
pub mod draft_version;
pub mod participant;
pub mod posting_limit_hit;
/// The old pseudonym table (person ids in clear), emptied by `authorship::upgrade`.
pub mod pseudonym;
pub mod response;
pub mod section;
