//! Types both halves of the app share: ids, DTOs, the error enum and input validation.
//! Everything here compiles to WASM as well as for the server.

pub mod consultation;
pub mod error;
pub mod identity;
pub mod ids;
pub mod viewer;

pub use error::{AppError, InputProblem};
