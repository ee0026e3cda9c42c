//! The HTTP router: Leptos pages and server functions, health checks, quick exit, static files.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use roundtable_app::app::{App, shell};
use roundtable_app::domain;
use roundtable_app::domain::AppState;
use roundtable_app::domain::identity::sessions::DbSessionStore;
use tower_sessions::{Expiry, Session, SessionManagerLayer, cookie::SameSite};
use url::Url;

use crate::http_layers;

/// Every route outside Leptos (pages and server functions are listed by Leptos itself), as
/// (method, path); the authorization-matrix test checks each one is in its table.
pub const PLAIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/exit"),
    ("GET", crate::oidc::START_PATH),
    ("GET", crate::oidc::CALLBACK_PATH),
    ("POST", "/consultations/{id}/import"),
    ("GET", "/consultations/{id}/outcome.csv"),
    ("GET", "/outcome/{id}/csv"),
    ("GET", "/consultations/{id}/outcome/print"),
    ("GET", "/outcome/{id}/print"),
    ("GET", "/go/{id}"),
    ("POST", "/time/expenses"),
    ("GET", "/time/claims/{id}/receipt"),
    ("GET", "/time/statement.csv"),
    ("GET", "/meetings/{id}/calendar.ics"),
    ("GET", "/sessions/{id}/calendar.ics"),
    ("GET", "/finance/batches/{id}/csv"),
    ("GET", "/finance/batches/{id}/sepa"),
];

/// Idle time after which a session ends.
const SESSION_IDLE: time::Duration = time::Duration::minutes(30);

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed through a process-wide flag, and a resource of a page being served at
/// that moment never finishes (leptos-rs/leptos#4773): with several servers in one process (the
/// tests) a request could hang. Generated once, before any server of the process serves, the
/// window never meets a request.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application router.
pub(crate) fn router(
    state: AppState,
    leptos_options: LeptosOptions,
    base_url: &Url,
    oidc: Option<crate::oidc::Oidc>,
) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // Fresh for each request: the actor is loaded once per request, not per call.
            provide_context(roundtable_app::api::RequestActor::default());
        }
    };
    let leptos = Router::new()
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            LeptosOptions,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(
            http_layers::finish_without_the_client,
        ))
        // Outside the task a page renders in: a kept page renders nothing.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::kept_pages::chapter_pages,
        ))
        .with_state(leptos_options);

    let plain = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/exit", get(quick_exit))
        .route(
            "/consultations/{id}/import",
            axum::routing::post(crate::files::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::files::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/consultations/{id}/outcome.csv",
            get(crate::files::outcome_csv),
        )
        .route("/outcome/{id}/csv", get(crate::files::public_outcome_csv))
        .route(
            "/consultations/{id}/outcome/print",
            get(crate::files::outcome_print),
        )
        .route(
            "/outcome/{id}/print",
            get(crate::files::public_outcome_print),
        )
        .route("/go/{id}", get(crate::files::go))
        .route(
            "/time/expenses",
            axum::routing::post(crate::honoraria_files::add_expense).layer(
                axum::extract::DefaultBodyLimit::max(crate::honoraria_files::EXPENSE_LIMIT),
            ),
        )
        .route(
            "/time/claims/{id}/receipt",
            get(crate::honoraria_files::receipt),
        )
        .route(
            "/time/statement.csv",
            get(crate::honoraria_files::statement_csv),
        )
        .route(
            "/meetings/{id}/calendar.ics",
            get(crate::honoraria_files::meeting_calendar),
        )
        .route(
            "/sessions/{id}/calendar.ics",
            get(crate::mentorship_files::session_calendar),
        )
        .route(
            "/finance/batches/{id}/csv",
            get(crate::honoraria_files::batch_csv),
        )
        .route(
            "/finance/batches/{id}/sepa",
            get(crate::honoraria_files::batch_sepa),
        )
        .with_state(state.clone());
    let sign_in = Router::new()
        .route(crate::oidc::START_PATH, get(crate::oidc::start))
        .route(crate::oidc::CALLBACK_PATH, get(crate::oidc::callback))
        .with_state((state.clone(), oidc));

    let secure = base_url.scheme() == "https";
    // `__Host-` pins the cookie to this exact host and path, but browsers accept it only
    // with `Secure`, which needs HTTPS.
    let cookie_name = if secure {
        "__Host-rt_session"
    } else {
        "rt_session"
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(cookie_name)
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE));

    // The status mapping sits inside the session layer: that layer does not save a session
    // on a 5xx, and a server function's error leaves Leptos as a 500 until mapped.
    let app = plain
        .merge(sign_in)
        .merge(leptos)
        .layer(axum::middleware::from_fn(http_layers::server_fn_status))
        .layer(sessions);
    http_layers::wrap(app, base_url)
}

async fn readyz(State(state): State<AppState>) -> StatusCode {
    if domain::platform::db::is_ready(&state.db).await {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Quick exit: ends the session, asks the browser to forget this site, and leaves.
async fn quick_exit(State(state): State<AppState>, session: Session) -> Response {
    if let Err(err) = session.flush().await {
        tracing::warn!(error = %err, "quick exit could not delete the session");
    }
    let location = HeaderValue::from_str(&state.settings.exit_url)
        .unwrap_or_else(|_| HeaderValue::from_static("https://www.bbc.com/weather"));
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (
                http::HeaderName::from_static("clear-site-data"),
                HeaderValue::from_static("\"cache\", \"cookies\", \"storage\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}
