//! Identity and access: invitations, sign-in by link and OpenID, the second factor, sessions,
//! members and roles, the audit log.

mod browser;
mod http;
