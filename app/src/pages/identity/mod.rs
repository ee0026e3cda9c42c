//! Identity and access: sign-in, invitations, the account page, the council's members,
//! invitations and audit log.

pub mod account;
pub mod council;
pub mod invitation;
pub mod sign_in;
