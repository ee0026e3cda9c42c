//! Routes that are files rather than pages: the draft upload (a multipart form, which server
//! functions do not take without JavaScript), the outcome report as CSV and its print view
//! (both streamed).

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use roundtable_app::domain::Actor;
use roundtable_app::domain::AppState;
use roundtable_app::domain::consultations::drafts;
use roundtable_app::domain::consultations::outcome;
use roundtable_app::domain::identity::session_actor;
use roundtable_app::model::AppError;
use roundtable_app::model::consultation::ImportRefusal;
use roundtable_app::model::ids::ConsultationId;
use tower_sessions::Session;

/// The largest upload body; the importer itself refuses files over 5 MiB with a clear
/// message, this only stops abuse.
pub(crate) const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

async fn actor(state: &AppState, session: &Session) -> Result<Actor, AppError> {
    session_actor::actor_of(&state.db, session).await
}

fn status(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `POST /consultations/{id}/import`: a draft file becomes the version being prepared; back
/// to the management page (with the reason when the file was refused).
pub(crate) async fn import(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    mut form: Multipart,
) -> Response {
    let Ok(id) = id.parse::<ConsultationId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let manage = format!("/consultations/{id}/manage");
    let actor = match actor(&state, &session).await {
        Ok(Actor::Anonymous) => {
            return Redirect::to(&format!("/sign-in?next={manage}")).into_response();
        }
        Ok(actor) => actor,
        Err(e) => return status(&e).into_response(),
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut tradition = String::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return refused(&manage, ImportRefusal::TooLarge),
                }
            }
            Ok(Some(field)) if field.name() == Some("tradition") => match field.text().await {
                // A code is a few letters; anything longer is not one.
                Ok(text) => tradition = text.chars().take(16).collect(),
                Err(_) => return refused(&manage, ImportRefusal::TooLarge),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return refused(&manage, ImportRefusal::TooLarge),
        }
    }
    // An empty or missing file is refused by the importer, after the access check.
    let (name, bytes) = file.unwrap_or_default();
    match drafts::import_file(&state, &actor, id, &name, &bytes, &tradition).await {
        Ok(_) => Redirect::to(&format!("{manage}#pending")).into_response(),
        Err(AppError::FileRefused { reason }) => refused(&manage, reason),
        // Only a tampered form sends an unknown tradition: the choice is a list.
        Err(AppError::InvalidInput { .. }) => StatusCode::BAD_REQUEST.into_response(),
        Err(e) => status(&e).into_response(),
    }
}

fn refused(manage: &str, reason: ImportRefusal) -> Response {
    Redirect::to(&format!("{manage}?import_error={}", reason.code())).into_response()
}

/// The report's CSV, streamed from the database a page of comments at a time (the memory
/// it needs does not grow with the number of comments).
fn csv_response(id: ConsultationId, export: outcome::CsvExport) -> Response {
    let disposition = format!("attachment; filename=\"outcome-{id}.csv\"");
    let chunks = futures_util::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(bytes)) => Some((Ok::<_, std::io::Error>(bytes), Some(export))),
            Ok(None) => None,
            // The status is sent already: the download ends short, never as a whole file.
            Err(_) => Some((Err(std::io::Error::other("export failed")), None)),
        }
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        // Fused: a body may be polled again after its end (the compression layer does).
        Body::from_stream(futures_util::StreamExt::fuse(chunks)),
    )
        .into_response()
}

/// `GET /consultations/{id}/outcome.csv`: the report as the signed-in reader may read it.
pub(crate) async fn outcome_csv(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ConsultationId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match outcome::CsvExport::open(&state, &actor, id).await {
        Ok(export) => csv_response(id, export),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /outcome/{id}/csv`: the public report as CSV.
pub(crate) async fn public_outcome_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ConsultationId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match outcome::CsvExport::open_public(&state, id).await {
        Ok(export) => csv_response(id, export),
        Err(e) => status(&e).into_response(),
    }
}

/// The print view, streamed: the document's start, then each part of the report as it is
/// read from the database, then the end (the memory it needs does not grow with the number
/// of comments). No scripts: the policy allows the stylesheet and nothing else.
fn print_response(headers: &HeaderMap, stream: outcome::ReportStream) -> Response {
    use roundtable_app::pages::consultations::outcome::print;
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let locale = roundtable_app::i18n::request_locale(cookie, accept);
    // 0: the start; 1: the parts; 2: done.
    let chunks = futures_util::stream::unfold(Some((0u8, stream)), move |at| async move {
        let (step, mut stream) = at?;
        let failed = || Some((Err(std::io::Error::other("print view failed")), None));
        match step {
            0 => match stream.front().await {
                Ok(front) => Some((Ok(print::print_start(locale, front)), Some((1, stream)))),
                Err(_) => failed(),
            },
            1 => match stream.next_part().await {
                Ok(Some(part)) => Some((Ok(print::print_part(locale, part)), Some((1, stream)))),
                Ok(None) => Some((Ok(print::print_end().to_owned()), Some((2, stream)))),
                // The status is sent already: the page ends short, never as a whole report.
                Err(_) => failed(),
            },
            _ => None,
        }
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                     frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                ),
            ),
        ],
        // Fused: a body may be polled again after its end (the compression layer does).
        Body::from_stream(futures_util::StreamExt::fuse(chunks)),
    )
        .into_response()
}

/// `GET /consultations/{id}/outcome/print`: the whole report, for printing or saving as PDF.
pub(crate) async fn outcome_print(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ConsultationId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match outcome::ReportReader::open(&state, &actor, id).await {
        Ok(reader) => print_response(&headers, reader.stream()),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /outcome/{id}/print`: the public report, for printing.
pub(crate) async fn public_outcome_print(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ConsultationId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match outcome::ReportReader::open_public(&state, id).await {
        Ok(reader) => print_response(&headers, reader.stream()),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /go/{id}`: the neutral link in mails, on to the page it stands for.
pub(crate) async fn go(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match roundtable_app::domain::consultations::notify::target(&state.db, &actor, id).await {
        Ok(Some(path)) => Redirect::to(&path).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => status(&e).into_response(),
    }
}
