//! The one way from a request's session to its acting user, used by server functions
//! (`api::context`, which also shares one load per page), file routes and the OpenID callback.

use sea_orm::ConnectionTrait;
use tower_sessions::Session;

use super::actor::{Actor, RolesOfSession, SessionAuth};
use super::sign_in::safe_next;
use crate::model::AppError;

/// The session key holding the page to return to after sign-in.
const NEXT_KEY: &str = "next";

/// The session's sign-in, if any (an unreadable session counts as none, and is logged).
pub async fn sign_in_of(session: &Session) -> Option<SessionAuth> {
    match session.get::<SessionAuth>(SessionAuth::KEY).await {
        Ok(auth) => auth,
        Err(err) => {
            tracing::warn!(error = %err, "unreadable session; treated as anonymous");
            None
        }
    }
}

/// The acting user for `auth` (read from `session` by [`sign_in_of`]). A sign-in that no
/// longer holds (12 hours passed, account disabled, membership ended) is removed from the
/// session.
pub async fn actor_for(
    db: &impl ConnectionTrait,
    session: &Session,
    auth: Option<SessionAuth>,
) -> Result<Actor, AppError> {
    // The roles the session's load read with it (`sessions`), when there were any.
    let read = session
        .get::<RolesOfSession>(RolesOfSession::KEY)
        .await
        .ok()
        .flatten();
    let actor = Actor::load_with(db, auth, read).await?;
    if auth.is_some() && actor == Actor::Anonymous {
        let _ = session.remove::<SessionAuth>(SessionAuth::KEY).await;
    }
    Ok(actor)
}

/// The acting user of a session: [`sign_in_of`], then [`actor_for`]; a signed-in session is
/// kept alive ([`keep_alive`]).
pub async fn actor_of(db: &impl ConnectionTrait, session: &Session) -> Result<Actor, AppError> {
    let actor = actor_for(db, session, sign_in_of(session).await).await?;
    if actor != Actor::Anonymous {
        keep_alive(session).await;
    }
    Ok(actor)
}

/// The session key holding when a signed-in session was last kept alive (Unix seconds).
const SEEN_KEY: &str = "seen";

/// How often an active session's row is written to push its idle timeout back.
const KEEP_ALIVE_EVERY: i64 = 60;

/// Keeps a signed-in session alive while it is used. The session layer saves a session (and
/// so moves its idle expiry) only when its data changes; reading pages changes nothing, so
/// without this a person reading for half an hour would be signed out. The row is written
/// at most once a minute, not on every request, so the idle timeout counts from the last
/// request give or take a minute. A request still running when the session is ended writes
/// nothing back: the store's save only updates a row that still exists.
pub async fn keep_alive(session: &Session) {
    let now = chrono::Utc::now().timestamp();
    let seen = session.get::<i64>(SEEN_KEY).await.ok().flatten();
    if seen.is_none_or(|at| now - at >= KEEP_ALIVE_EVERY) {
        let _ = session.insert(SEEN_KEY, now).await;
    }
}

/// Remembers where to go after signing in (a local path only). An empty `next` (a sign-in
/// page opened directly) keeps what was remembered before.
pub async fn remember_next(session: &Session, next: Option<&str>) {
    if next.is_some_and(|n| !n.is_empty()) {
        let _ = session.insert(NEXT_KEY, safe_next(next)).await;
    }
}

/// Where to go once a sign-in is stored in the session: the second-factor page when roles
/// wait for it, otherwise the remembered page (once), otherwise the start page.
pub async fn after_sign_in(
    db: &impl ConnectionTrait,
    session: &Session,
) -> Result<String, AppError> {
    if let Actor::Person(p) = actor_of(db, session).await?
        && !p.waiting_roles.is_empty()
    {
        return Ok("/sign-in/second-factor".to_owned());
    }
    let next: Option<String> = session.remove(NEXT_KEY).await.ok().flatten();
    Ok(safe_next(next.as_deref()))
}
