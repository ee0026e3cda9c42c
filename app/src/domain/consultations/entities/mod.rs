//! The consultations' tables (sea-orm entities).

pub mod comment;
pub mod comment_change;
pub mod comment_draft;
pub mod consultation;
pub mod draft_version;
pub mod participant;
pub mod pseudonym;
pub mod response;
pub mod section;
