//! Mentorship's tables (sea-orm entities); `*_sealed` columns are field-encrypted and read
//! only through `platform::crypto`.

pub mod cohort;
pub mod feedback;
pub mod goal;
pub mod mentorship_match;
pub mod milestone;
pub mod participant;
pub mod programme;
pub mod safeguarding_case;
pub mod safeguarding_note;
pub mod session;
pub mod settings;
