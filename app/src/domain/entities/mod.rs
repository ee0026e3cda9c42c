//! sea-orm entities, one per table. Only the domain layer uses them.

pub mod audit_head;
pub mod audit_log;
pub mod comment;
pub mod comment_change;
pub mod comment_draft;
pub mod consent_record;
pub mod consultation;
pub mod council;
pub mod draft_version;
pub mod invitation;
pub mod login_token;
pub mod membership;
pub mod outbox;
pub mod participant;
pub mod person;
pub mod pseudonym;
pub mod recovery_code;
pub mod response;
pub mod section;
pub mod session;
