//! Server functions: thin. Each builds the [`Actor`](crate::domain::Actor) from the session,
//! calls the domain, and returns DTOs or an [`AppError`](crate::model::AppError) code.
//!
//! All of them are POST under `/fn/` with fixed, readable paths.

pub mod account;
pub mod auth;
pub mod consultations;
pub mod invitations;
pub mod members;
pub mod session;

#[cfg(feature = "ssr")]
pub(crate) mod context;

/// Provided by the server for every request (see [`context::RequestActor`]).
#[cfg(feature = "ssr")]
pub use context::RequestActor;
