//! Types both halves of the app share: ids, DTOs, the error enum and input validation.
//! Everything here compiles to WASM as well as for the server.

/// Declares an enum of stable codes (stored, sent by forms, written to CSV) with `ALL`,
/// `code`, `from_code` and a form `parse`.
macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code (database, forms, CSV).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a stable code.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// Parses a form value; `field` names the field in the error.
            pub fn parse(field: &str, code: &str) -> Result<Self, AppError> {
                Self::from_code(code.trim()).ok_or_else(|| AppError::invalid(field, InputProblem::Malformed))
            }
        }
    };
}

pub mod audit;
pub mod comment;
pub mod consultation;
pub mod error;
pub mod honoraria;
pub mod identity;
pub mod ids;
pub mod mentorship;
pub mod viewer;

pub use error::{AppError, InputProblem};
