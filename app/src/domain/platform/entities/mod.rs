//! The platform's tables (sea-orm entities).

pub mod audit_head;
pub mod audit_log;
pub mod audit_unattributed;
pub mod audit_unattributed_head;
pub mod consent_record;
pub mod outbox;
