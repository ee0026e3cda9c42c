//! What every server function needs from the request: state, session, actor, client address.
//! (Error codes become HTTP statuses in the server's `server_fn_status` layer.)

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use leptos::prelude::*;
use tower_sessions::Session;

use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::SessionAuth;
use crate::domain::identity::session_actor;
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

/// The session's sign-in, if any (an unreadable session counts as none, and is logged).
pub(crate) async fn auth(session: &Session) -> Option<SessionAuth> {
    session_actor::sign_in_of(session).await
}

/// The acting user. A sign-in that no longer holds (12 hours passed, account disabled,
/// membership ended) is removed from the session.
pub(crate) async fn actor(state: &AppState, session: &Session) -> Result<Actor, AppError> {
    let auth = auth(session).await;
    // A page calls several server functions while it renders; they share one load.
    let memo = use_context::<RequestActor>();
    let mut memo = match &memo {
        Some(memo) => Some(memo.0.lock().await),
        None => None,
    };
    if let Some(Some((seen, actor))) = memo.as_deref()
        && *seen == auth
    {
        return Ok(actor.clone());
    }
    let actor = session_actor::actor_for(&state.db, session, auth).await?;
    if let Some(memo) = memo.as_deref_mut() {
        *memo = Some((auth, actor.clone()));
    }
    if actor != Actor::Anonymous {
        session_actor::keep_alive(session).await;
    }
    Ok(actor)
}

/// The acting user of one request, loaded once (provided fresh for every request by the
/// server). Keyed by the session's sign-in, so a sign-in or sign-out during the request loads
/// again.
#[derive(Debug, Clone, Default)]
pub struct RequestActor(std::sync::Arc<tokio::sync::Mutex<Option<LoadedActor>>>);

/// The sign-in an actor was loaded for, and the actor.
type LoadedActor = (Option<SessionAuth>, Actor);

/// State, session and actor in one call.
pub(crate) async fn request() -> Result<(AppState, Session, Actor), AppError> {
    let state = state()?;
    let session = session().await?;
    let actor = actor(&state, &session).await?;
    Ok((state, session, actor))
}

/// The client's address: the TCP peer, or the address a trusted proxy forwarded (see
/// `platform::client`).
pub(crate) async fn client_ip() -> IpAddr {
    let peer = leptos_axum::extract::<axum::extract::ConnectInfo<SocketAddr>>()
        .await
        .map(|info| info.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let Ok(state) = state() else {
        return peer;
    };
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .unwrap_or_default();
    crate::domain::platform::client::client_address(
        peer,
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok()),
        &state.settings.trusted_proxies,
    )
}

/// Stores a fresh sign-in in the session under a new id, so an id seen before sign-in is
/// worthless after.
pub(crate) async fn start_session(session: &Session, auth: SessionAuth) -> Result<(), AppError> {
    session.cycle_id().await.map_err(|_| AppError::Internal)?;
    save_auth(session, auth).await
}

/// Updates the sign-in stored in the session.
pub(crate) async fn save_auth(session: &Session, auth: SessionAuth) -> Result<(), AppError> {
    session
        .insert(SessionAuth::KEY, auth)
        .await
        .map_err(|_| AppError::Internal)
}

/// Remembers where to go after signing in (a local path only).
pub(crate) async fn remember_next(session: &Session, next: Option<&str>) {
    session_actor::remember_next(session, next).await;
}

/// Where to go after signing in (see [`session_actor::after_sign_in`]).
pub(crate) async fn after_sign_in(state: &AppState, session: &Session) -> Result<String, AppError> {
    session_actor::after_sign_in(&state.db, session).await
}

/// The most a signed-out visitor's stash may hold (serialized); callers cut their fields to
/// their sizes first, so this only stops what should not happen.
const MAX_STASH_BYTES: usize = 256 * 1024;

/// Keeps what someone typed into a form when their session had ended, so the form can give
/// it back after they sign in again. A visitor creates server-side state here, so it is
/// bounded: one stash per form and session, of bounded size, and at most a few new ones an
/// hour per address (beyond that nothing is kept).
pub(crate) async fn stash_form<T: serde::Serialize>(session: &Session, form: &str, fields: &T) {
    let Ok(value) = serde_json::to_value(fields) else {
        return;
    };
    if value.to_string().len() > MAX_STASH_BYTES {
        return;
    }
    let Ok(state) = state() else {
        return;
    };
    if state.limits.visitor_state_from(client_ip().await).is_err() {
        return;
    }
    let _ = session.insert_value(&stash_key(form), value).await;
}

/// The session key of `form`'s stash.
fn stash_key(form: &str) -> String {
    format!("stash:{form}")
}

/// Whether [`stash_form`] keeps something for `form` (nothing is taken).
pub(crate) async fn has_stash(session: &Session, form: &str) -> bool {
    matches!(session.get_value(&stash_key(form)).await, Ok(Some(_)))
}

/// Takes (once) what [`stash_form`] kept for `form`.
pub(crate) async fn take_stash<T: serde::de::DeserializeOwned>(
    session: &Session,
    form: &str,
) -> Option<T> {
    let key = stash_key(form);
    // Looked at first: removing marks the session changed even when the key is absent, and
    // a changed session is written back, which would make every page read a write.
    let kept = session.get_value(&key).await.ok().flatten()?;
    let _ = session.remove_value(&key).await;
    serde_json::from_value(kept).ok()
}
