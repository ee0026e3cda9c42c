//! Server functions for invitations.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::identity::{InvitationPreview, PendingInvitation};

/// What an invitation link offers (before accepting).
#[server(prefix = "/fn", endpoint = "invitations/preview")]
pub async fn preview_invitation(token: String) -> Result<InvitationPreview, AppError> {
    use crate::api::context::state;
    let state = state()?;
    crate::domain::identity::invitations::preview(&state, &token).await
}

/// Accepts an invitation and signs the person in.
#[server(prefix = "/fn", endpoint = "invitations/accept")]
pub async fn accept_invitation(
    token: String,
    display_name: String,
    language: String,
    notify: String,
) -> Result<(), AppError> {
    use crate::api::context::{after_sign_in, client_ip, session, start_session, state};
    use crate::model::InputProblem;
    use leptos_i18n::Locale as _;
    let language: crate::i18n::Locale = language
        .parse()
        .map_err(|_| AppError::invalid("language", InputProblem::Malformed))?;
    let state = state()?;
    let session = session().await?;
    let auth = crate::domain::identity::invitations::accept(
        &state,
        client_ip().await,
        crate::domain::identity::invitations::Acceptance {
            token: &token,
            display_name: &display_name,
            language: language.as_str(),
            notify: &notify,
        },
    )
    .await?;
    start_session(&session, auth).await?;
    leptos_axum::redirect(&after_sign_in(&state, &session).await?);
    Ok(())
}

/// Invites an address to the actor's council in a role.
#[server(prefix = "/fn", endpoint = "invitations/create")]
pub async fn create_invitation(email: String, role: String) -> Result<(), AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::invitations::create(&state, &actor, &email, &role).await
}

/// The council's pending invitations.
#[server(prefix = "/fn", endpoint = "invitations/pending")]
pub async fn pending_invitations() -> Result<Vec<PendingInvitation>, AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::invitations::pending(&state.db, &actor).await
}

/// Revokes a pending invitation.
#[server(prefix = "/fn", endpoint = "invitations/revoke")]
pub async fn revoke_invitation(id: crate::model::ids::InvitationId) -> Result<(), AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::invitations::revoke(&state.db, &actor, id).await
}
