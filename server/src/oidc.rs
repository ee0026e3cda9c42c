//! Sign-in through an OpenID Connect provider: authorization code flow with PKCE, state and
//! nonce, exact redirect URI. The provider is found by discovery from its issuer URL. A
//! verified email address signs in the person invited with it; nobody is created here.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use roundtable_app::domain::AppState;
use roundtable_app::domain::SessionAuth;
use roundtable_app::domain::identity::session_actor;
use roundtable_app::model::AppError;
use roundtable_app::model::identity::EmailAddress;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::config::OidcConfig;

/// The provider settings plus this deployment's callback address.
#[derive(Debug, Clone)]
pub(crate) struct Oidc {
    config: OidcConfig,
    redirect: String,
}

/// What the session keeps between the redirect to the provider and the callback.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    started: i64,
}

const PENDING_KEY: &str = "oidc";

/// The path the provider sends people back to.
pub(crate) const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// The path that starts the flow.
pub(crate) const START_PATH: &str = "/auth/oidc/start";

impl Oidc {
    pub(crate) fn new(config: OidcConfig, base_url: &url::Url) -> Self {
        let redirect = format!("{}{CALLBACK_PATH}", base_url.as_str().trim_end_matches('/'));
        Self { config, redirect }
    }

    async fn client(
        &self,
    ) -> Result<
        (
            openidconnect::core::CoreClient<
                openidconnect::EndpointSet,
                openidconnect::EndpointNotSet,
                openidconnect::EndpointNotSet,
                openidconnect::EndpointNotSet,
                openidconnect::EndpointMaybeSet,
                openidconnect::EndpointMaybeSet,
            >,
            openidconnect::reqwest::Client,
        ),
        AppError,
    > {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects here would let a provider send us anywhere (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|_| AppError::Internal)?;
        let issuer = IssuerUrl::new(self.config.issuer.as_str().trim_end_matches('/').to_owned())
            .map_err(|_| AppError::Internal)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "OpenID provider discovery failed");
                AppError::Transport
            })?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(self.redirect.clone()).map_err(|_| AppError::Internal)?);
        Ok((client, http))
    }
}

/// Where a failed attempt lands: the sign-in page with the error's code.
fn back_to_sign_in(error: &AppError) -> Response {
    Redirect::to(&format!("/sign-in?error={}", error.code())).into_response()
}

/// Where to go after signing in (`?next=/path`).
#[derive(Debug, Deserialize)]
pub(crate) struct Start {
    next: Option<String>,
}

/// `GET /auth/oidc/start`: remembers state, nonce and PKCE verifier, then goes to the provider.
pub(crate) async fn start(
    State((state, oidc)): State<(AppState, Option<Oidc>)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    session: Session,
    Query(start): Query<Start>,
) -> Response {
    let Some(oidc) = oidc else {
        return AppErrorResponse(AppError::NotFound).into_response();
    };
    if let Err(e) = state.limits.oidc_from(client(&state, peer, &headers)) {
        return back_to_sign_in(&e);
    }
    let (client, _) = match oidc.client().await {
        Ok(c) => c,
        Err(e) => return back_to_sign_in(&e),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = Pending {
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        started: chrono::Utc::now().timestamp(),
    };
    session_actor::remember_next(&session, start.next.as_deref()).await;
    if session.insert(PENDING_KEY, pending).await.is_err() {
        return back_to_sign_in(&AppError::Internal);
    }
    Redirect::to(url.as_str()).into_response()
}

/// The provider's answer.
#[derive(Debug, Deserialize)]
pub(crate) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/oidc/callback`: checks state, exchanges the code (with the PKCE verifier),
/// verifies the ID token (signature, issuer, audience, expiry, nonce), and signs in the
/// person with that verified address.
pub(crate) async fn callback(
    State((state, oidc)): State<(AppState, Option<Oidc>)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    session: Session,
    Query(answer): Query<Callback>,
) -> Response {
    let Some(oidc) = oidc else {
        return AppErrorResponse(AppError::NotFound).into_response();
    };
    let peer = client(&state, peer, &headers);
    match finish(&state, &oidc, peer, &session, answer).await {
        Ok(auth) => {
            if session.cycle_id().await.is_err()
                || session.insert(SessionAuth::KEY, auth).await.is_err()
            {
                return back_to_sign_in(&AppError::Internal);
            }
            let Ok(target) = session_actor::after_sign_in(&state.db, &session).await else {
                return back_to_sign_in(&AppError::Internal);
            };
            Redirect::to(&target).into_response()
        }
        Err(e) => back_to_sign_in(&e),
    }
}

/// The client's address (behind a trusted proxy, the one it forwarded).
fn client(state: &AppState, peer: SocketAddr, headers: &axum::http::HeaderMap) -> std::net::IpAddr {
    roundtable_app::domain::platform::client::client_address(
        peer.ip(),
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok()),
        &state.settings.trusted_proxies,
    )
}

async fn finish(
    state: &AppState,
    oidc: &Oidc,
    peer: std::net::IpAddr,
    session: &Session,
    answer: Callback,
) -> Result<SessionAuth, AppError> {
    state.limits.oidc_from(peer)?;
    // Single use: the pending state leaves the session whatever happens next.
    let pending: Pending = session
        .remove(PENDING_KEY)
        .await
        .ok()
        .flatten()
        .ok_or(AppError::LinkInvalid)?;
    if answer.error.is_some() {
        return Err(AppError::Forbidden);
    }
    let (Some(code), Some(returned_state)) = (answer.code, answer.state) else {
        return Err(AppError::LinkInvalid);
    };
    if !roundtable_app::domain::platform::crypto::same_secret(&returned_state, &pending.state)
        || chrono::Utc::now().timestamp() - pending.started > 600
    {
        return Err(AppError::LinkInvalid);
    }
    let (client, http) = oidc.client().await?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| AppError::Internal)?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(&http)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID token exchange failed");
            AppError::LinkInvalid
        })?;
    let id_token = token.id_token().ok_or(AppError::LinkInvalid)?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID ID token refused");
            AppError::LinkInvalid
        })?;
    if claims.email_verified() != Some(true) {
        return Err(AppError::NoAccount);
    }
    let email = claims.email().ok_or(AppError::NoAccount)?;
    let email = EmailAddress::parse("email", email.as_str()).map_err(|_| AppError::NoAccount)?;
    roundtable_app::domain::identity::sign_in::sign_in_verified_email(state, &email).await
}

/// An error as a plain response with its status (for the two routes above).
struct AppErrorResponse(AppError);

impl IntoResponse for AppErrorResponse {
    fn into_response(self) -> Response {
        let status = axum::http::StatusCode::from_u16(self.0.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.0.code()).into_response()
    }
}
