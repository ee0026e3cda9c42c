//! The one closed error enum that crosses from the domain to the UI.
//!
//! Only stable codes cross the wire; the UI turns a code into translated text. Details of
//! internal failures are logged on the server and never sent to the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What is wrong with one input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputProblem {
    /// The field is required and was empty.
    Required,
    /// The field is longer than allowed.
    TooLong,
    /// The value is not one of the accepted forms.
    Malformed,
    /// The value is well-formed but wrong (e.g. a second-factor code).
    Incorrect,
    /// The value imitates something the product itself shows (e.g. a display name that
    /// reads like the anonymous label or a pseudonym).
    Reserved,
    /// A date that lies in the future where only past days count (time worked).
    InFuture,
    /// A file of a type that is not accepted (told from its bytes, not its name).
    WrongType,
    /// A choice that is not offered here (an activity the rate card does not price on that
    /// day, a payment date already past).
    Unavailable,
    /// A correction that changes nothing (the same minutes or amount as already approved).
    Unchanged,
}

/// Every error the application reports, as a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// The thing does not exist, or the actor may not know that it exists.
    #[error("not_found")]
    NotFound,
    /// The actor is signed in but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The actor must sign in first (or the session expired).
    #[error("unauthenticated")]
    Unauthenticated,
    /// One input field is not acceptable.
    #[error("invalid_input")]
    InvalidInput {
        /// The field's name as the form knows it.
        field: String,
        /// What is wrong with it.
        problem: InputProblem,
    },
    /// The request conflicts with the current state (e.g. a closed period).
    #[error("conflict")]
    Conflict,
    /// An uploaded draft file was refused by the importer.
    #[error("file_refused")]
    FileRefused {
        /// Why.
        reason: crate::model::consultation::ImportRefusal,
    },
    /// Some comments still have no answer, so the consultation cannot move on.
    #[error("unanswered")]
    Unanswered {
        /// How many.
        count: i64,
    },
    /// The comment period has closed (what was typed is kept as a draft).
    #[error("closed")]
    Closed,
    /// Too many attempts; try again later.
    #[error("rate_limited")]
    RateLimited,
    /// The person posted too many comments in a short time (a council's posting limit);
    /// what they typed is kept.
    #[error("posting_limit")]
    PostingLimit {
        /// Whole minutes until a post would pass.
        minutes: i64,
        /// Whether it is the cap per section and hour (else the person's rate).
        section: bool,
    },
    /// A sign-in or invitation link is unknown, used already, or expired.
    #[error("link_invalid")]
    LinkInvalid,
    /// The verified address has no account here (it must be invited first), or the account
    /// is disabled.
    #[error("no_account")]
    NoAccount,
    /// Finance cannot decide their own claim (separation of duties).
    #[error("own_claim")]
    OwnClaim,
    /// The second approval must come from another finance officer than the first.
    #[error("same_approver")]
    SameApprover,
    /// The claim is approved or paid and cannot change; a correction is a new claim.
    #[error("locked")]
    Locked,
    /// The council's paying account is not set, so no bank file can be made.
    #[error("account_missing")]
    AccountMissing,
    /// The mentor has no place left for another mentee (their own limit).
    #[error("mentor_full")]
    MentorFull,
    /// A server-side failure; the details are in the server log only.
    #[error("internal")]
    Internal,
    /// The request or response could not be carried (network, malformed request).
    #[error("transport")]
    Transport,
}

impl AppError {
    /// The stable code of this error, as used in translations and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidInput { .. } => "invalid_input",
            Self::Conflict => "conflict",
            Self::Closed => "closed",
            Self::Unanswered { .. } => "unanswered",
            Self::FileRefused { .. } => "file_refused",
            Self::RateLimited => "rate_limited",
            Self::PostingLimit { .. } => "posting_limit",
            Self::LinkInvalid => "link_invalid",
            Self::NoAccount => "no_account",
            Self::OwnClaim => "own_claim",
            Self::SameApprover => "same_approver",
            Self::Locked => "locked",
            Self::AccountMissing => "account_missing",
            Self::MentorFull => "mentor_full",
            Self::Internal => "internal",
            Self::Transport => "transport",
        }
    }

    /// The error for a code carried in a URL (`?error=link_invalid`); input errors and
    /// unknown codes give `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::NotFound,
            Self::Forbidden,
            Self::Unauthenticated,
            Self::Conflict,
            Self::Closed,
            Self::RateLimited,
            Self::LinkInvalid,
            Self::NoAccount,
            Self::OwnClaim,
            Self::SameApprover,
            Self::Locked,
            Self::AccountMissing,
            Self::MentorFull,
            Self::Internal,
            Self::Transport,
        ]
        .into_iter()
        .find(|e| e.code() == code)
    }

    /// The HTTP status that goes with this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Forbidden => 403,
            Self::Unauthenticated => 401,
            Self::InvalidInput { .. } | Self::Transport | Self::FileRefused { .. } => 400,
            Self::Conflict | Self::Closed | Self::Unanswered { .. } => 409,
            Self::RateLimited | Self::PostingLimit { .. } => 429,
            Self::LinkInvalid => 410,
            Self::NoAccount | Self::OwnClaim => 403,
            Self::SameApprover | Self::Locked | Self::AccountMissing | Self::MentorFull => 409,
            Self::Internal => 500,
        }
    }

    /// Shorthand for an [`AppError::InvalidInput`].
    pub fn invalid(field: &str, problem: InputProblem) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            problem,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A request that does not decode into the function's arguments is the caller's
            // fault: a 400, never a 500.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::Request(_)
            | ServerFnErrorErr::Response(_) => Self::Transport,
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_on_the_wire() {
        let json = serde_json::to_string(&AppError::invalid("lang", InputProblem::Malformed))
            .expect("serializes");
        assert_eq!(
            json,
            r#"{"code":"invalid_input","field":"lang","problem":"malformed"}"#
        );
        assert_eq!(
            serde_json::to_string(&AppError::NotFound).expect("serializes"),
            r#"{"code":"not_found"}"#
        );
    }

    #[test]
    fn statuses_are_client_errors_except_internal() {
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Transport.status(), 400);
        assert_eq!(AppError::Internal.status(), 500);
    }
}
