//! Chapter pages sent as kept, without rendering them again (see
//! `chapter_cache::KeptPages` for what a kept page depends on).
//!
//! Reading a chapter is the most frequent request by far. Its chapter is kept rendered
//! already (`chapter_cache::RenderedCache`), but the page around it was rendered on every
//! request. Here, before the page renders, the reader and their view of the chapter are worked
//! out with the page's own reads (`api::consultations::prepare_chapter`: the session, the
//! consultation with its revision, nothing else for a kept view); when a kept page shows
//! exactly that view in exactly that frame, it is sent with this response's nonce. Otherwise
//! the page renders as ever, from what was just read (handed to it in the request, so nothing
//! is read twice), and is kept for the next time.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use roundtable_app::api::consultations::prepare_chapter;
use roundtable_app::domain::AppState;
use roundtable_app::domain::consultations::chapter_cache::{
    KeptPage, NonceTemplate, PageKey, RenderedKey,
};
use roundtable_app::model::ids::ConsultationId;
use tower_sessions::Session;

/// The largest page kept (a chapter page is bounded far below this; see `threads`).
const KEEP_AT_MOST: usize = 1024 * 1024;

/// The most of a rendered page read to keep it; a larger one would be a fault (500).
const READ_AT_MOST: usize = 64 * 1024 * 1024;

/// Sends a kept chapter page when one shows what this request's page would; renders and
/// keeps it otherwise. Every other request passes through.
pub(crate) async fn chapter_pages(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some((id, anchor)) = chapter_address(&req) else {
        return next.run(req).await;
    };
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let (cookie, accept_language) = (
        header_text(&req, header::COOKIE),
        header_text(&req, header::ACCEPT_LANGUAGE),
    );
    let path = req.uri().path().to_owned();
    let Some(prepared) = prepare_chapter(&state, &session, id, &anchor).await else {
        return next.run(req).await;
    };
    let shown = RenderedKey::of_request(&prepared.view, &cookie, &accept_language);
    let key = PageKey {
        path,
        reader: prepared.view.reader,
        cookie,
        accept_language,
    };
    let context = prepared.context.clone();
    if let Some(shown) = &shown
        && let Some(kept) = state.pages.get(&key, shown, &context)
    {
        return send(&kept);
    }
    req.extensions_mut().insert(prepared);
    let res = next.run(req).await;
    match shown {
        Some(shown) if res.status() == StatusCode::OK => {
            keep(&state, key, shown, context, res).await
        }
        _ => res,
    }
}

/// The consultation and anchor of a plain chapter address
/// (`/consultations/{id}/part/{anchor}`, GET, no query), else `None`. An anchor with anything
/// but letters, digits, `-`, `_` and `.` is left to the page (no decoding here).
fn chapter_address(req: &Request) -> Option<(ConsultationId, String)> {
    if req.method() != Method::GET
        || req.uri().query().is_some()
        || req.headers().contains_key("islands-router")
    {
        return None;
    }
    let mut parts = req.uri().path().strip_prefix("/consultations/")?.split('/');
    let (id, part, anchor) = (parts.next()?, parts.next()?, parts.next()?);
    if part != "part" || parts.next().is_some() || anchor.is_empty() {
        return None;
    }
    if !anchor
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return None;
    }
    Some((id.parse().ok()?, anchor.to_owned()))
}

/// A request header's value as text ("" when absent or not text).
fn header_text(req: &Request, name: header::HeaderName) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A kept page with a fresh nonce.
fn send(kept: &KeptPage) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let mut res = Response::new(Body::from(kept.body.fill(&nonce)));
    for (name, value) in &kept.headers {
        match HeaderValue::from_str(&value.fill(&nonce)) {
            Ok(value) => {
                res.headers_mut().append(name.clone(), value);
            }
            // Kept values were valid with the old nonce, and a nonce is URL-safe base64.
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
    res
}

/// Reads a rendered page and keeps it, split where its nonce stood; sends it on unchanged.
async fn keep(
    state: &AppState,
    key: PageKey,
    chapter: RenderedKey,
    context: roundtable_app::model::viewer::PageContext,
    res: Response,
) -> Response {
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, READ_AT_MOST).await else {
        tracing::error!("a chapter page could not be read to keep it");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let nonce = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(nonce_of);
    if let (Some(nonce), Ok(page)) = (nonce, std::str::from_utf8(&bytes))
        && bytes.len() <= KEEP_AT_MOST
    {
        let headers: Option<Vec<_>> = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = value.to_str().ok()?;
                Some((name.clone(), NonceTemplate::split(value, nonce)))
            })
            .collect();
        if let Some(headers) = headers {
            let body = NonceTemplate::split(page, nonce);
            state.pages.put(
                key,
                KeptPage {
                    chapter,
                    context,
                    headers,
                    body,
                },
            );
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The nonce a Content-Security-Policy allows scripts by (`'nonce-…'`), if any.
fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(&policy[start..start + len]).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{chapter_address, nonce_of};
    use axum::extract::Request;

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        assert_eq!(
            nonce_of("default-src 'self'; script-src 'self' 'nonce-AbC_-9' 'wasm-unsafe-eval'"),
            Some("AbC_-9")
        );
        assert_eq!(nonce_of("script-src 'self'"), None);
        assert_eq!(nonce_of("script-src 'nonce-'"), None);
        assert_eq!(nonce_of("script-src 'nonce-abc"), None);
    }

    #[test]
    fn only_plain_chapter_addresses_are_kept() {
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        let get = |uri: &str| {
            Request::get(uri)
                .body(axum::body::Body::empty())
                .expect("request")
        };
        let found = chapter_address(&get(&format!("/consultations/{id}/part/s-1"))).expect("kept");
        assert_eq!(
            (found.0.to_string().as_str(), found.1.as_str()),
            (id, "s-1")
        );
        for other in [
            format!("/consultations/{id}/part/s-1?on=x"),
            format!("/consultations/{id}/part/s-1/"),
            format!("/consultations/{id}/part/"),
            format!("/consultations/{id}/part/s%201"),
            format!("/consultations/{id}/comments/s-1"),
            format!("/consultations/{id}"),
            "/consultations/not-an-id/part/s-1".to_owned(),
        ] {
            assert!(chapter_address(&get(&other)).is_none(), "{other}");
        }
        let post = Request::post(format!("/consultations/{id}/part/s-1"))
            .body(axum::body::Body::empty())
            .expect("request");
        assert!(chapter_address(&post).is_none());
    }
}
