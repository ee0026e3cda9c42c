//! sea-orm entities, one per table. Only the domain layer uses them.

pub mod consultation;
pub mod council;
pub mod draft_version;
pub mod membership;
pub mod person;
pub mod section;
pub mod session;
