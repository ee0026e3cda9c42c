//! What every server function needs from the request: state, session, actor.
//! (Error codes become HTTP statuses in the server's `server_fn_status` layer.)

use leptos::prelude::*;
use tower_sessions::Session;

use crate::domain::{Actor, AppState, SessionAuth};
use crate::model::AppError;

/// The shared state provided by the server.
pub(crate) fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server-function context");
        AppError::Internal
    })
}

/// The request's session.
pub(crate) async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|_| {
        tracing::error!("session layer missing");
        AppError::Internal
    })
}

/// The acting user. A session that cannot be read acts as anonymous (and is logged).
pub(crate) async fn actor(state: &AppState, session: &Session) -> Result<Actor, AppError> {
    let auth = match session.get::<SessionAuth>(SessionAuth::KEY).await {
        Ok(auth) => auth,
        Err(err) => {
            tracing::warn!(error = %err, "unreadable session; treated as anonymous");
            None
        }
    };
    Actor::load(&state.db, auth).await
}

/// State, session and actor in one call.
pub(crate) async fn request() -> Result<(AppState, Session, Actor), AppError> {
    let state = state()?;
    let session = session().await?;
    let actor = actor(&state, &session).await?;
    Ok((state, session, actor))
}
