//! Server functions for signing in and out: email links, second factor, council choice.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::identity::{SignInOptions, TotpEnrolment};
use crate::model::ids::CouncilId;

/// What the sign-in page offers (the OpenID Connect button, if configured).
#[server(prefix = "/fn", endpoint = "auth/options")]
pub async fn get_sign_in_options() -> Result<SignInOptions, AppError> {
    let state = crate::api::context::state()?;
    Ok(SignInOptions {
        oidc_label: state.settings.oidc_label.clone(),
    })
}

/// Asks for a sign-in link by email. Always answers the same way (then shows the "check your
/// mail" page), whether or not the address has an account.
#[server(prefix = "/fn", endpoint = "auth/request-link")]
pub async fn request_sign_in_link(email: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::context::{client_ip, remember_next, session, state};
    use leptos_i18n::Locale as _;
    let state = state()?;
    let session = session().await?;
    let locale = crate::i18n::Locale::default();
    let locale = leptos_axum::extract::<http::HeaderMap>()
        .await
        .ok()
        .and_then(|h| {
            h.get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::i18n::locale_from_cookie)
        })
        .unwrap_or(locale);
    crate::domain::identity::sign_in::request_link(
        &state,
        client_ip().await,
        &email,
        locale.as_str(),
    )
    .await?;
    remember_next(&session, next.as_deref()).await;
    leptos_axum::redirect("/sign-in/sent");
    Ok(())
}

/// Uses a sign-in link (the token from the mail), then goes on.
#[server(prefix = "/fn", endpoint = "auth/use-link")]
pub async fn use_sign_in_link(token: String) -> Result<(), AppError> {
    use crate::api::context::{after_sign_in, client_ip, session, start_session, state};
    let state = state()?;
    let session = session().await?;
    let auth =
        crate::domain::identity::sign_in::use_link(&state, client_ip().await, &token).await?;
    start_session(&session, auth).await?;
    leptos_axum::redirect(&after_sign_in(&state, &session).await?);
    Ok(())
}

/// Ends this session and goes to the start page.
#[server(prefix = "/fn", endpoint = "session/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::api::context::request;
    let (state, session, actor) = request().await?;
    crate::domain::identity::sign_in::record_sign_out(&state.db, &actor).await?;
    session.flush().await.map_err(|_| AppError::Internal)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends every session of the signed-in person, on all devices, then goes to the start page.
#[server(prefix = "/fn", endpoint = "session/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::api::context::request;
    let (state, session, actor) = request().await?;
    crate::domain::identity::sign_in::sign_out_everywhere(&state.db, &actor).await?;
    session.flush().await.map_err(|_| AppError::Internal)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Switches the council the person acts in.
#[server(prefix = "/fn", endpoint = "session/council")]
pub async fn switch_council(council: CouncilId) -> Result<(), AppError> {
    use crate::api::context::{auth, request, save_auth};
    let (state, session, actor) = request().await?;
    let current = auth(&session).await.ok_or(AppError::Unauthenticated)?;
    let next =
        crate::domain::identity::sign_in::switch_council(&state.db, &actor, current, council)
            .await?;
    save_auth(&session, next).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The pending TOTP secret to enrol (created on first call).
#[server(prefix = "/fn", endpoint = "auth/second-factor/enrolment")]
pub async fn second_factor_enrolment() -> Result<TotpEnrolment, AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::second_factor::enrolment(&state, &actor).await
}

/// Whether the signed-in person has a second factor turned on.
#[server(prefix = "/fn", endpoint = "auth/second-factor/status")]
pub async fn second_factor_status() -> Result<bool, AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::second_factor::enrolled(&state.db, &actor).await
}

/// Confirms enrolment with a code, then shows the recovery codes (once) on their page.
#[server(prefix = "/fn", endpoint = "auth/second-factor/confirm")]
pub async fn confirm_second_factor(code: String, current: Option<String>) -> Result<(), AppError> {
    use crate::api::context::{auth, client_ip, request, save_auth};
    let (state, session, actor) = request().await?;
    let signed_in = auth(&session).await.ok_or(AppError::Unauthenticated)?;
    let (next, codes) = crate::domain::identity::second_factor::confirm_enrolment(
        &state,
        client_ip().await,
        &actor,
        signed_in,
        &code,
        current.as_deref().unwrap_or_default(),
    )
    .await?;
    session.cycle_id().await.map_err(|_| AppError::Internal)?;
    save_auth(&session, next).await?;
    session
        .insert(RECOVERY_CODES_KEY, codes)
        .await
        .map_err(|_| AppError::Internal)?;
    leptos_axum::redirect("/sign-in/recovery-codes");
    Ok(())
}

/// Where the fresh recovery codes wait to be shown once.
#[cfg(feature = "ssr")]
const RECOVERY_CODES_KEY: &str = "recovery_codes";

/// The recovery codes from a just-finished enrolment; a second call finds none (404).
#[server(prefix = "/fn", endpoint = "auth/second-factor/recovery-codes")]
pub async fn take_recovery_codes() -> Result<Vec<String>, AppError> {
    use crate::api::context::request;
    let (_, session, actor) = request().await?;
    if actor == crate::domain::Actor::Anonymous {
        return Err(AppError::Unauthenticated);
    }
    session
        .remove::<Vec<String>>(RECOVERY_CODES_KEY)
        .await
        .ok()
        .flatten()
        .ok_or(AppError::NotFound)
}

/// Passes the second factor with a code from the app or a recovery code, then goes on.
#[server(prefix = "/fn", endpoint = "auth/second-factor/verify")]
pub async fn verify_second_factor(code: String) -> Result<(), AppError> {
    use crate::api::context::{after_sign_in, auth, client_ip, request, save_auth};
    let (state, session, actor) = request().await?;
    let current = auth(&session).await.ok_or(AppError::Unauthenticated)?;
    let next = crate::domain::identity::second_factor::verify(
        &state,
        client_ip().await,
        &actor,
        current,
        &code,
    )
    .await?;
    // A new id once the session gains its elevated roles.
    session.cycle_id().await.map_err(|_| AppError::Internal)?;
    save_auth(&session, next).await?;
    leptos_axum::redirect(&after_sign_in(&state, &session).await?);
    Ok(())
}
