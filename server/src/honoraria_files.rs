//! Paid time's routes that are files rather than pages: an expense with its receipt (a
//! multipart form, which server functions do not take without JavaScript), a receipt, and a
//! batch's CSV and SEPA XML exports, a meeting's calendar file, a member's statement as CSV. Every file is an attachment, `nosniff`, never cached.

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use roundtable_app::domain::honoraria::{batches, claims, meetings, receipts, statements};
use roundtable_app::domain::identity::session_actor;
use roundtable_app::domain::{Actor, AppState};
use roundtable_app::model::AppError;
use roundtable_app::model::honoraria::{ExpenseFields, MAX_RECEIPT_BYTES, Period};
use roundtable_app::model::ids::{BatchId, ClaimId, MeetingId};
use tower_sessions::Session;

/// The largest expense form: a 10 MB receipt and its fields, with room for the encoding.
pub(crate) const EXPENSE_LIMIT: usize = MAX_RECEIPT_BYTES + 256 * 1024;

/// Where the expense form lives.
const TIME_PAGE: &str = "/time";

pub(crate) fn status(error: &AppError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) async fn actor(state: &AppState, session: &Session) -> Result<Actor, AppError> {
    session_actor::actor_of(&state.db, session).await
}

/// A file download: attachment, `nosniff`, never cached.
pub(crate) fn attachment(media_type: &str, name: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(media_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from(body),
    )
        .into_response()
}

/// The form's error, back on the page: `?expense_error=<code>&field=<field>&problem=<problem>`.
fn back_with(error: &AppError) -> Response {
    let query = match error {
        AppError::InvalidInput { field, problem } => {
            let problem = serde_json::to_value(problem)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!("expense_error=invalid_input&field={field}&problem={problem}")
        }
        other => format!("expense_error={}", other.code()),
    };
    Redirect::to(&format!("{TIME_PAGE}?{query}#expense")).into_response()
}

/// `POST /time/expenses`: an expense with its receipt becomes a draft claim; back to the time
/// page (with the reason when it was refused).
pub(crate) async fn add_expense(
    State(state): State<AppState>,
    session: Session,
    mut form: Multipart,
) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(Actor::Anonymous) => {
            return Redirect::to(&format!("/sign-in?next={TIME_PAGE}")).into_response();
        }
        Ok(actor) => actor,
        Err(e) => return status(&e).into_response(),
    };
    session_actor::keep_alive(&session).await;
    let mut fields = ExpenseFields::default();
    let mut receipt: Vec<u8> = Vec::new();
    let too_large = || {
        back_with(&AppError::invalid(
            "receipt",
            roundtable_app::model::InputProblem::TooLong,
        ))
    };
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_owned();
                if name == "receipt" {
                    match field.bytes().await {
                        Ok(bytes) => receipt = bytes.to_vec(),
                        Err(_) => return too_large(),
                    }
                    continue;
                }
                let Ok(value) = field.text().await else {
                    return too_large();
                };
                match name.as_str() {
                    "work_date" => fields.work_date = value,
                    "category" => fields.category = value,
                    "amount" => fields.amount = value,
                    "currency" => fields.currency = value,
                    "description" => fields.description = value,
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return too_large(),
        }
    }
    match claims::add_expense(&state, &actor, &fields, &receipt).await {
        Ok(_) => Redirect::to(&format!("{TIME_PAGE}#claims")).into_response(),
        Err(e @ AppError::InvalidInput { .. }) => back_with(&e),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /time/claims/{id}/receipt`: the receipt, for its claimant and finance.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ClaimId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match receipts::open(&state, &actor, id).await {
        Ok(file) => {
            let ext = match file.media_type.as_str() {
                "application/pdf" => "pdf",
                "image/png" => "png",
                _ => "jpg",
            };
            attachment(&file.media_type, &format!("receipt.{ext}"), file.bytes)
        }
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /finance/batches/{id}/csv`.
pub(crate) async fn batch_csv(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<BatchId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match batches::export_csv(&state, &actor, id).await {
        Ok(body) => attachment("text/csv; charset=utf-8", "batch.csv", body.into_bytes()),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /finance/batches/{id}/sepa`: the SEPA credit transfer file.
pub(crate) async fn batch_sepa(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<BatchId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match batches::export_sepa(&state, &actor, id).await {
        Ok(body) => attachment("application/xml", "batch.xml", body.into_bytes()),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /meetings/{id}/calendar.ics`: the meeting as iCalendar, for everybody in its council.
pub(crate) async fn meeting_calendar(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<MeetingId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match meetings::calendar(&state, &actor, id).await {
        Ok(body) => attachment(
            "text/calendar; charset=utf-8",
            "meeting.ics",
            body.into_bytes(),
        ),
        Err(e) => status(&e).into_response(),
    }
}

/// `GET /time/statement.csv?from=&to=`: the member's statement as CSV.
pub(crate) async fn statement_csv(
    State(state): State<AppState>,
    session: Session,
    Query(period): Query<Period>,
) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match statements::statement_csv(&state, &actor, &period).await {
        Ok(body) => attachment(
            "text/csv; charset=utf-8",
            "statement.csv",
            body.into_bytes(),
        ),
        Err(e) => status(&e).into_response(),
    }
}
