//! Identity's tables (sea-orm entities).

pub mod council;
pub mod invitation;
pub mod login_token;
pub mod membership;
pub mod person;
pub mod recovery_code;
pub mod session;
