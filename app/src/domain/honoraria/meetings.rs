//! Council meetings: the secretariat records one (local date and time, length, online or a
//! place, agenda; place and agenda sealed) and afterwards who attended; each attendee then
//! finds a prefilled draft time entry to confirm or correct and submit. Offered as
//! iCalendar.

use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::access;
use super::claims;
use super::entities::{meeting, meeting_attendee};
use super::rates::council_money;
use crate::domain::identity::entities::{membership, person};
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{
    MAX_DESCRIPTION_CHARS, MeetingDetail, MeetingFields, MeetingRow, Meetings, parse_minutes,
};
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
    if !access::may_record_meetings(actor, council) {
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
    let m = access::meeting_managed(&state.db, actor, id).await?;
    let council = CouncilId(m.council_id);
    if people.is_empty() {
        return Err(AppError::invalid("people", InputProblem::Required));
    }
    if people.len() > 1_000 {
        return Err(AppError::invalid("people", InputProblem::TooLong));
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

fn local(at: DateTime<Utc>, tz: chrono_tz::Tz) -> chrono::DateTime<chrono_tz::Tz> {
    at.with_timezone(&tz)
}

fn row(
    keyring: &Keyring,
    m: &meeting::Model,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    attended: bool,
) -> Result<MeetingRow, AppError> {
    let starts = local(m.starts_at, tz);
    let ends = local(
        m.starts_at + chrono::Duration::minutes(i64::from(m.minutes)),
        tz,
    );
    Ok(MeetingRow {
        id: MeetingId(m.id),
        starts: starts.format("%Y-%m-%d %H:%M").to_string(),
        ends: if ends.date_naive() == starts.date_naive() {
            ends.format("%H:%M").to_string()
        } else {
            ends.format("%Y-%m-%d %H:%M").to_string()
        },
        minutes: m.minutes,
        online: m.online,
        place: keyring.open(Purpose::MeetingText, &m.place_sealed)?,
        agenda: keyring.open(Purpose::MeetingText, &m.agenda_sealed)?,
        past: m.starts_at <= now,
        attendance_recorded: m.attendance_at.is_some(),
        attended,
    })
}

/// The meetings the viewer attended, among `ids`.
async fn attended_by(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    ids: Vec<uuid::Uuid>,
) -> Result<Vec<uuid::Uuid>, AppError> {
    let Some(me) = actor.person() else {
        return Ok(Vec::new());
    };
    Ok(meeting_attendee::Entity::find()
        .select_only()
        .column(meeting_attendee::Column::MeetingId)
        .filter(meeting_attendee::Column::PersonId.eq(me.0))
        .filter(meeting_attendee::Column::MeetingId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?)
}

/// The most meetings the list shows on each side of now.
const LIST_LIMIT: u64 = 50;

/// The council's meetings for everybody in the council: upcoming ones soonest first, then
/// the past ones latest first (at most 50 of each). Four statements.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Meetings, AppError> {
    let council = access::council_of(actor)?;
    let money = council_money(&state.db, council).await?;
    let now = Utc::now();
    let mut rows = meeting::Entity::find()
        .filter(meeting::Column::CouncilId.eq(council.0))
        .filter(meeting::Column::StartsAt.gt(now))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    rows.extend(
        meeting::Entity::find()
            .filter(meeting::Column::CouncilId.eq(council.0))
            .filter(meeting::Column::StartsAt.lte(now))
            .order_by_desc(meeting::Column::StartsAt)
            .limit(LIST_LIMIT)
            .all(&state.db)
            .await?,
    );
    let attended = attended_by(&state.db, actor, rows.iter().map(|m| m.id).collect()).await?;
    Ok(Meetings {
        rows: rows
            .iter()
            .map(|m| {
                row(
                    &state.keyring,
                    m,
                    money.time_zone,
                    now,
                    attended.contains(&m.id),
                )
            })
            .collect::<Result<_, _>>()?,
        may_record: access::may_record_meetings(actor, council),
        time_zone: money.time_zone.name().to_owned(),
        default_start: {
            use chrono::Timelike as _;
            let here = now.with_timezone(&money.time_zone);
            format!(
                "{}T{:02}:{:02}",
                here.format("%Y-%m-%d"),
                here.hour(),
                here.minute() / 15 * 15
            )
        },
    })
}

/// One meeting; its staff also get the council's members, ticked where recorded.
pub async fn detail(
    state: &AppState,
    actor: &Actor,
    id: MeetingId,
) -> Result<MeetingDetail, AppError> {
    let m = access::meeting_readable(&state.db, actor, id).await?;
    let council = CouncilId(m.council_id);
    let money = council_money(&state.db, council).await?;
    let may_record = access::may_record_meetings(actor, council);
    let attended = attended_by(&state.db, actor, vec![m.id]).await?;
    let mut members = Vec::new();
    if may_record {
        let present: Vec<uuid::Uuid> = meeting_attendee::Entity::find()
            .select_only()
            .column(meeting_attendee::Column::PersonId)
            .filter(meeting_attendee::Column::MeetingId.eq(m.id))
            .into_tuple()
            .all(&state.db)
            .await?;
        let people: Vec<(uuid::Uuid, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::DisplayName)
            .filter(
                person::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(membership::Column::PersonId)
                        .from(membership::Entity)
                        .and_where(membership::Column::CouncilId.eq(council.0))
                        .and_where(membership::Column::Role.eq(Role::Member.code()))
                        .to_owned(),
                ),
            )
            .order_by_asc(person::Column::DisplayName)
            .into_tuple()
            .all(&state.db)
            .await?;
        members = people
            .into_iter()
            .map(|(p, name)| (PersonId(p), name, present.contains(&p)))
            .collect();
    }
    Ok(MeetingDetail {
        meeting: row(
            &state.keyring,
            &m,
            money.time_zone,
            Utc::now(),
            attended.contains(&m.id),
        )?,
        may_record,
        members,
    })
}

/// One meeting as an iCalendar file. Discreet like the mails: the summary is a neutral
/// "Meeting" in the viewer's language, the agenda stays on the site (the description is only
/// the link to the meeting), and the place is given so people can get there.
pub async fn calendar(state: &AppState, actor: &Actor, id: MeetingId) -> Result<String, AppError> {
    use crate::i18n::Locale;
    use icalendar::{Calendar, Component as _, Event, EventLike as _};
    use leptos_i18n::td_string;
    let m = access::meeting_readable(&state.db, actor, id).await?;
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let locale: Locale = person::Entity::find_by_id(me.0)
        .one(&state.db)
        .await?
        .and_then(|p| p.preferred_language.parse().ok())
        .unwrap_or_default();
    let summary = td_string!(locale, meetings.calendar_summary).to_string();
    let place = state.keyring.open(Purpose::MeetingText, &m.place_sealed)?;
    let link = format!("{}/meetings/{}", state.settings.base_url, m.id);
    let mut event = Event::new();
    event
        .uid(&format!("{}@roundtable", m.id))
        .timestamp(m.created_at)
        .starts(m.starts_at)
        .ends(m.starts_at + chrono::Duration::minutes(i64::from(m.minutes)))
        .summary(&summary)
        .description(&link)
        .url(&link);
    if !place.is_empty() {
        event.location(&place);
    }
    let mut cal = Calendar::new();
    cal.push(event.done());
    Ok(cal.done().to_string())
}
