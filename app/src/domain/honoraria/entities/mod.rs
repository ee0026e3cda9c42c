//! Honoraria's tables (sea-orm entities). Amounts are whole minor units; `*_sealed` columns
//! are field-encrypted and read only through `platform::crypto`.

pub mod batch_payee;
pub mod claim;
pub mod meeting;
pub mod meeting_attendee;
pub mod payment_batch;
pub mod payment_preference;
pub mod rate;
pub mod receipt;
pub mod settings;
