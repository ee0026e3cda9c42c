//! What every server function needs from the request: state, session, actor; and how an
//! error becomes a status code.

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

/// Gives a failed call its HTTP status. A plain form post (no JavaScript) keeps leptos'
/// redirect back to the form, which carries the error code to the page instead.
pub(crate) fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let is_form_post = use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false);
        if !is_form_post {
            if let (Some(options), Ok(status)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::StatusCode::from_u16(err.status()),
            ) {
                options.set_status(status);
            }
        }
    }
    result
}
