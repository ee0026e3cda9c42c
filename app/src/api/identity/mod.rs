//! Identity and access: sign-in, the second factor, accounts, invitations, members and roles,
//! the audit log.

pub mod account;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod session;
