//! The platform's tables (sea-orm entities).

pub mod audit_head;
pub mod audit_log;
pub mod consent_record;
pub mod outbox;
