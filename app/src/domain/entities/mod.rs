//! sea-orm entities, one per table. Only the domain layer uses them.

pub mod audit_head;
pub mod audit_log;
pub mod consultation;
pub mod council;
pub mod draft_version;
pub mod invitation;
pub mod login_token;
pub mod membership;
pub mod outbox;
pub mod person;
pub mod recovery_code;
pub mod section;
pub mod session;
