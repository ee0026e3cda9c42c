//! Mentorship's routes that are files rather than pages: a session's calendar file, for the
//! pair only (an attachment, `nosniff`, never cached, like every file).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use roundtable_app::domain::AppState;
use roundtable_app::domain::mentorship::together;
use roundtable_app::model::ids::MentorshipSessionId;
use tower_sessions::Session;

use crate::honoraria_files::{actor, attachment, status};

/// `GET /sessions/{id}/calendar.ics`: a session of the pair's as iCalendar.
pub(crate) async fn session_calendar(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<MentorshipSessionId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = match actor(&state, &session).await {
        Ok(a) => a,
        Err(e) => return status(&e).into_response(),
    };
    match together::calendar(&state, &actor, id).await {
        Ok(body) => attachment(
            "text/calendar; charset=utf-8",
            "appointment.ics",
            body.into_bytes(),
        ),
        Err(e) => status(&e).into_response(),
    }
}
