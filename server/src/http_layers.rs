//! Request safety and response headers around every route.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use roundtable_app::model::AppError;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use url::Url;

/// The origin (`scheme://host[:port]`) requests must come from.
#[derive(Debug, Clone)]
struct Expected {
    origin: Arc<str>,
}

/// Wraps the router in the safety layers, outermost first: tracing, panic catching,
/// timeout, response headers, compression, the Origin check and `return_to`.
pub(crate) fn wrap(router: Router, base_url: &Url) -> Router {
    let expected = Expected {
        origin: base_url.origin().ascii_serialization().into(),
    };
    // HSTS only when people reach us over HTTPS (a plain-HTTP dev server must stay reachable).
    let router = if base_url.scheme() == "https" {
        router.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        ))
    } else {
        router
    };
    router
        .layer(middleware::from_fn_with_state(expected.clone(), return_to_referer))
        .layer(middleware::from_fn_with_state(expected, origin_check))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(response_headers))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
        }))
        .layer(
            // Method and path only: query strings may one day carry tokens, and no
            // personal data ever goes into a path.
            TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
}

/// Refuses state-changing requests from other sites (server functions have no CSRF
/// protection of their own). Browsers send `Sec-Fetch-Site` or at least `Origin` on every
/// POST; a request with neither is refused too.
async fn origin_check(
    axum::extract::State(expected): axum::extract::State<Expected>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let allowed = match (fetch_site, origin) {
        (Some("same-origin"), _) => true,
        (Some(_), _) => false,
        (None, Some(origin)) => origin == &*expected.origin,
        (None, None) => false,
    };
    if allowed {
        next.run(req).await
    } else {
        (StatusCode::FORBIDDEN, "Cross-origin request refused").into_response()
    }
}

/// Pages send `Referrer-Policy: no-referrer`, so a plain form post does not say where it
/// came from. Forms name their page in `?return_to=/path`; this turns that into the
/// `Referer` that leptos uses to send the visitor back (with any error code).
async fn return_to_referer(
    axum::extract::State(expected): axum::extract::State<Expected>,
    mut req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::POST && req.uri().path().starts_with("/fn/") {
        let back = req.uri().query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "return_to")
                .map(|(_, v)| v.into_owned())
        });
        if let Some(back) = back.filter(|b| is_local_path(b))
            && let Ok(value) = HeaderValue::from_str(&format!("{}{back}", expected.origin))
        {
            req.headers_mut().insert(header::REFERER, value);
        }
    }
    next.run(req).await
}

/// Runs a Leptos request in its own task, so that a client leaving does not drop a page half
/// rendered. Leptos cleans a page's reactive owner up when it is dropped, and its Suspense
/// effect can still run afterwards on the disposed values (panics in the benchmark when wrk
/// closed its connections). A render that finishes pauses those effects first
/// (`app::pause_effects_once_rendered`). A panic in the task is a 500, as `CatchPanicLayer`
/// makes it elsewhere.
pub(crate) async fn finish_without_the_client(req: Request, next: Next) -> Response {
    use tracing::Instrument as _;
    match tokio::spawn(next.run(req).in_current_span()).await {
        Ok(response) => response,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Server functions answer every error with 500; this gives each error code its own status
/// (`AppError::status`): 400 for malformed arguments, 404, 403, … — 500 only for real faults.
pub(crate) async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res
            .headers()
            .contains_key(server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Only paths on this site: `/x`, never `//host` or `/\host` (open redirects).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
}

/// Security headers on every response, and no caching of anything dynamic.
async fn response_headers(req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/pkg/") || req.uri().path() == "/favicon.svg";
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        http::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    // Pages set their own policy with the script nonce; everything else gets the strictest.
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ));
    // Assets revalidate (their names carry no hash); pages and data are never stored.
    headers.entry(header::CACHE_CONTROL).or_insert(if is_asset {
        HeaderValue::from_static("no-cache")
    } else {
        HeaderValue::from_static("no-store")
    });
    res
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_return_targets() {
        assert!(is_local_path("/consultations/1"));
        assert!(is_local_path("/"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/a\nb"));
    }
}
