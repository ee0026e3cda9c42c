//! Server functions: thin. Each builds the [`Actor`](crate::domain::Actor) from the session,
//! calls the domain, and returns DTOs or an [`AppError`](crate::model::AppError) code.
//!
//! All of them are POST under `/fn/` with fixed, readable paths. One module per capability,
//! as in `domain/`.

pub mod consultations;
pub mod honoraria;
pub mod identity;
pub mod mentorship;

#[cfg(feature = "ssr")]
pub(crate) mod context;

/// Provided by the server for every request (see [`context::RequestActor`]).
#[cfg(feature = "ssr")]
pub use context::RequestActor;
