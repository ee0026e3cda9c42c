//! Identity and access: who someone is and what they may do in which council.
//!
//! Owns councils ([`councils`]: creating one, its settings, the page context), people and
//! their accounts ([`people`]), memberships and roles ([`members`]), invitations
//! ([`invitations`]), sign-in by email link or OpenID ([`sign_in`]), the second factor
//! ([`second_factor`]), database sessions ([`sessions`]), the acting user of a request
//! ([`actor`]), and who may read the audit log ([`audit_log`]). Its tables: `council`,
//! `person`, `membership`, `invitation`, `login_token`, `recovery_code`, `session`.
//!
//! Depends on [`super::platform`] only; knows nothing of consultations, honoraria or
//! mentorship. Other capabilities use [`Actor`] (the roles) and the typed ids.

pub mod actor;
pub mod audit_log;
pub mod councils;
pub mod entities;
pub mod invitations;
pub mod members;
pub mod notices;
pub mod people;
pub mod second_factor;
pub mod session_actor;
pub mod sessions;
pub mod sign_in;

pub use actor::{Actor, PersonActor, SessionAuth};
