//! Council meetings: the secretariat records one (local date and time, length, online or a
//! place, agenda; place and agenda sealed) and afterwards who attended; each attendee then
//! finds a prefilled draft time entry to confirm or correct and submit. Offered as
//! iCalendar.

use chrono::{NaiveDateTime, TimeZone as _, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::access;
use super::claims;
use super::entities::{meeting, meeting_attendee};
use super::rates::council_money;
use crate::domain::identity::entities::membership;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{MAX_DESCRIPTION_CHARS, MeetingFields, parse_minutes};
use crate::model::ids::{CouncilId, MeetingId, PersonId};
use crate::model::viewer::Role;
use crate::model::{AppError, InputProblem};

/// Records a meeting (secretariat or council admin). Returns its id.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    fields: &MeetingFields,
) -> Result<MeetingId, AppError> {
    let council = access::council_of(actor)?;
    if !actor.is_staff_of(council) {
        return Err(AppError::Forbidden);
    }
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let money = council_money(&state.db, council).await?;
    let local = NaiveDateTime::parse_from_str(fields.starts_at.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::invalid("starts_at", InputProblem::Malformed))?;
    let starts_at = money
        .time_zone
        .from_local_datetime(&local)
        .earliest()
        .ok_or_else(|| AppError::invalid("starts_at", InputProblem::Malformed))?
        .with_timezone(&Utc);
    let minutes = parse_minutes("minutes", &fields.minutes)?;
    let place = fields.place.trim();
    if place.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid("place", InputProblem::TooLong));
    }
    let agenda = fields.agenda.trim();
    if agenda.chars().count() > 5_000 {
        return Err(AppError::invalid("agenda", InputProblem::TooLong));
    }
    let id = db::new_id();
    let txn = db::begin_write(&state.db).await?;
    meeting::Entity::insert(meeting::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        starts_at: Set(starts_at),
        minutes: Set(minutes),
        online: Set(fields.online),
        place_sealed: Set(state.keyring.seal(Purpose::MeetingText, place)),
        agenda_sealed: Set(state.keyring.seal(Purpose::MeetingText, agenda)),
        created_by: Set(me.0),
        created_at: Set(Utc::now()),
        attendance_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::MeetingRecorded)
            .council(council)
            .by(me)
            .subject("meeting", id),
    )
    .await?;
    txn.commit().await?;
    Ok(MeetingId(id))
}

/// Records who attended (members of the council only) and prefills each attendee's draft
/// time entry, once per person. Returns how many entries were prefilled.
pub async fn attendance(
    state: &AppState,
    actor: &Actor,
    id: MeetingId,
    people: &[PersonId],
) -> Result<usize, AppError> {
    let council = access::council_of(actor)?;
    let Some(m) = meeting::Entity::find_by_id(id.0).one(&state.db).await? else {
        return Err(AppError::NotFound);
    };
    if m.council_id != council.0 || !actor.belongs_to(council) {
        return Err(AppError::NotFound);
    }
    if !actor.is_staff_of(council) {
        return Err(AppError::Forbidden);
    }
    if m.starts_at > Utc::now() {
        return Err(AppError::invalid("starts_at", InputProblem::InFuture));
    }
    let members: Vec<uuid::Uuid> = membership::Entity::find()
        .select_only()
        .column(membership::Column::PersonId)
        .filter(membership::Column::CouncilId.eq(council.0))
        .filter(membership::Column::Role.eq(Role::Member.code()))
        .filter(membership::Column::PersonId.is_in(people.iter().map(|p| p.0)))
        .into_tuple()
        .all(&state.db)
        .await?;
    if members.len() != {
        let mut ids: Vec<_> = people.iter().map(|p| p.0).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    } {
        return Err(AppError::invalid("people", InputProblem::Malformed));
    }
    let money = council_money(&state.db, council).await?;
    let day = m.starts_at.with_timezone(&money.time_zone).date_naive();
    let txn = db::begin_write(&state.db).await?;
    let already: Vec<uuid::Uuid> = meeting_attendee::Entity::find()
        .select_only()
        .column(meeting_attendee::Column::PersonId)
        .filter(meeting_attendee::Column::MeetingId.eq(m.id))
        .into_tuple()
        .all(&txn)
        .await?;
    let mut prefilled = 0;
    for person in members.iter().filter(|p| !already.contains(p)) {
        meeting_attendee::Entity::insert(meeting_attendee::ActiveModel {
            meeting_id: Set(m.id),
            person_id: Set(*person),
        })
        .exec_without_returning(&txn)
        .await?;
        if claims::prefill_meeting(
            &txn,
            &state.keyring,
            CouncilId(council.0),
            PersonId(*person),
            m.id,
            day,
            m.minutes,
        )
        .await?
        .is_some()
        {
            prefilled += 1;
        }
    }
    meeting::Entity::update_many()
        .col_expr(
            meeting::Column::AttendanceAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(meeting::Column::Id.eq(m.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::AttendanceRecorded)
            .council(council)
            .by_actor(actor)
            .subject("meeting", m.id)
            .detail("attendees", members.len())
            .detail("prefilled", prefilled),
    )
    .await?;
    txn.commit().await?;
    Ok(prefilled)
}

/// The council's meetings, newest first (for everybody in the council): id, start in UTC,
/// minutes.
pub async fn list(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<(MeetingId, chrono::DateTime<Utc>, i32)>, AppError> {
    let council = access::council_of(actor)?;
    Ok(meeting::Entity::find()
        .filter(meeting::Column::CouncilId.eq(council.0))
        .order_by_desc(meeting::Column::StartsAt)
        .limit(100)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| (MeetingId(m.id), m.starts_at, m.minutes))
        .collect())
}
