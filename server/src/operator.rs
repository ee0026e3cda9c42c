//! Operator commands: set up councils and their first admins, and check the audit chain.
//! The platform operator exists only here, on the command line; the rules are the domain's
//! (`identity::councils`), this file only words its refusals for a terminal.

use roundtable_app::domain::AppState;
pub use roundtable_app::domain::identity::councils::NewCouncil;
use roundtable_app::domain::identity::councils::{self, CouncilRefusal, CouncilSetupError};
use roundtable_app::domain::platform::audit;
use uuid::Uuid;

use crate::StartError;

fn fail(message: impl Into<String>) -> StartError {
    StartError::Operator(message.into())
}

/// One line for the terminal, naming the option at fault.
fn explain(error: CouncilSetupError, slug: &str) -> StartError {
    fail(match error {
        CouncilSetupError::Refused(refusal) => match refusal {
            CouncilRefusal::Slug => "--slug must be 1-64 characters of a-z, 0-9 and -".to_owned(),
            CouncilRefusal::SlugTaken => format!("a council with slug `{slug}` exists already"),
            CouncilRefusal::Name => "--name must be 1-200 characters".to_owned(),
            CouncilRefusal::Country => "--country must be a two-letter code such as AT".to_owned(),
            CouncilRefusal::TimeZone => {
                "--time-zone must be an IANA zone such as Europe/Vienna".to_owned()
            }
            CouncilRefusal::Currency => {
                "--currency must be a three-letter code such as EUR".to_owned()
            }
            CouncilRefusal::Languages => format!(
                "--languages must list codes from: {}",
                councils::SUPPORTED_LANGUAGES.join(", ")
            ),
        },
        CouncilSetupError::UnknownCouncil => format!("no council with slug `{slug}`"),
        CouncilSetupError::Email => "--email is not an email address".to_owned(),
        CouncilSetupError::Store(_) => "the database could not be read or written".to_owned(),
    })
}

/// Creates a council after checking every field; returns its id.
pub async fn create_council(state: &AppState, new: NewCouncil) -> Result<Uuid, StartError> {
    councils::create(&state.db, &new)
        .await
        .map(|id| id.0)
        .map_err(|e| explain(e, &new.slug))
}

/// Invites the first (or another) council admin by email. The invitation goes through the
/// outbox like any other; the running server's worker sends it.
pub async fn add_admin(state: &AppState, slug: &str, email: &str) -> Result<(), StartError> {
    councils::invite_admin(state, slug, email)
        .await
        .map_err(|e| explain(e, slug))
}

/// Walks the audit chain; the error names the first broken row.
pub async fn verify_audit(state: &AppState) -> Result<i64, StartError> {
    audit::verify(&state.db)
        .await
        .map_err(|e| fail(e.to_string()))
}
