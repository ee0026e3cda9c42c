//! Programmes and cohorts: the secretariat creates a programme (aims, dates, expected hours,
//! whether mentors' session time is paid and at which rate card activity) and its cohorts,
//! invites members as mentors or mentees, and decides members' applications. What each
//! person and the secretariat see of them.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::access;
use super::entities::{cohort, mentorship_match, participant, programme};
use super::records::{self, day_text, names, today};
use super::{feedback, matches};
use crate::domain::honoraria::rates;
use crate::domain::identity::entities::membership;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{Activity, parse_date};
use crate::model::ids::{CohortId, CouncilId, MatchId, ParticipantId, PersonId, ProgrammeId};
use crate::model::mentorship::{
    CertificateName, CohortView, MAX_TITLE_CHARS, MatchRow, MatchState, MyMatch, MyPlace, Overview,
    ParticipantRole, ParticipantRow, ParticipantState, ProgrammeDetail, ProgrammeFields,
    ProgrammeRow, ProgrammeState, line, parse_decision, text,
};
use crate::model::viewer::Role;
use crate::model::{AppError, InputProblem};

/// The most programmes a list shows.
const LIST_LIMIT: u64 = 200;

/// A programme, parsed.
struct ProgrammeInput {
    title: String,
    aims: String,
    starts_on: String,
    ends_on: String,
    expected_hours: i32,
    activity: Option<Activity>,
}

fn parse(fields: &ProgrammeFields) -> Result<ProgrammeInput, AppError> {
    let title = line("title", &fields.title, MAX_TITLE_CHARS, false)?;
    let aims = text("aims", &fields.aims, true)?;
    let starts = parse_date("starts_on", &fields.starts_on)?;
    let ends = parse_date("ends_on", &fields.ends_on)?;
    if ends < starts {
        return Err(AppError::invalid("ends_on", InputProblem::Malformed));
    }
    if (ends - starts).num_days() > 3 * 366 {
        return Err(AppError::invalid("ends_on", InputProblem::TooLong));
    }
    let hours = fields.expected_hours.trim();
    let expected_hours: i32 = if hours.is_empty() {
        return Err(AppError::invalid("expected_hours", InputProblem::Required));
    } else {
        hours
            .parse()
            .map_err(|_| AppError::invalid("expected_hours", InputProblem::Malformed))?
    };
    if !(1..=500).contains(&expected_hours) {
        return Err(AppError::invalid("expected_hours", InputProblem::Malformed));
    }
    let activity = if fields.paid {
        Some(Activity::parse("activity", &fields.activity)?)
    } else {
        None
    };
    Ok(ProgrammeInput {
        title,
        aims,
        starts_on: day_text(starts),
        ends_on: day_text(ends),
        expected_hours,
        activity,
    })
}

/// Creates a programme (staff). Paid time needs an activity the rate card prices today.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    fields: &ProgrammeFields,
) -> Result<ProgrammeId, AppError> {
    let council = access::staff_council(actor)?;
    let me = access::person_of(actor)?;
    let input = parse(fields)?;
    if let Some(activity) = input.activity {
        let priced = rates::priced_activities(&state.db, council, today(actor)).await?;
        if !priced.contains(&activity) {
            return Err(AppError::invalid("activity", InputProblem::Unavailable));
        }
    }
    let id = db::new_id();
    let txn = db::begin_write(&state.db).await?;
    programme::Entity::insert(programme::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        title: Set(input.title),
        aims: Set(input.aims),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        expected_hours: Set(input.expected_hours),
        paid: Set(input.activity.is_some()),
        activity: Set(input.activity.map(|a| a.code().to_owned())),
        state: Set(ProgrammeState::Open.code().to_owned()),
        created_by: Set(me.0),
        created_at: Set(Utc::now()),
        ended_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ProgrammeCreated)
            .council(council)
            .by(me)
            .subject("programme", id),
    )
    .await?;
    txn.commit().await?;
    Ok(ProgrammeId(id))
}

fn is_open(p: &programme::Model) -> bool {
    p.state == ProgrammeState::Open.code()
}

/// Adds a cohort to an open programme (staff).
pub async fn add_cohort(
    state: &AppState,
    actor: &Actor,
    id: ProgrammeId,
    name: &str,
) -> Result<CohortId, AppError> {
    let p = access::programme_managed(&state.db, actor, id).await?;
    if !is_open(&p) {
        return Err(AppError::Conflict);
    }
    let name = line("name", name, MAX_TITLE_CHARS, false)?;
    let cohort_id = db::new_id();
    let txn = db::begin_write(&state.db).await?;
    cohort::Entity::insert(cohort::ActiveModel {
        id: Set(cohort_id),
        programme_id: Set(p.id),
        name: Set(name),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::CohortCreated)
            .council(CouncilId(p.council_id))
            .by_actor(actor)
            .subject("cohort", cohort_id)
            .detail("programme", p.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(CohortId(cohort_id))
}

/// Ends a programme (staff): its active matches are complete, so both people can download
/// their certificates; nothing new starts in it.
pub async fn end(state: &AppState, actor: &Actor, id: ProgrammeId) -> Result<(), AppError> {
    let p = access::programme_managed(&state.db, actor, id).await?;
    let council = CouncilId(p.council_id);
    let txn = db::begin_write(&state.db).await?;
    let now = Utc::now();
    let ended = programme::Entity::update_many()
        .col_expr(
            programme::Column::State,
            Expr::value(ProgrammeState::Ended.code()),
        )
        .col_expr(programme::Column::EndedAt, Expr::value(now))
        .filter(programme::Column::Id.eq(p.id))
        .filter(programme::Column::State.eq(ProgrammeState::Open.code()))
        .exec(&txn)
        .await?;
    if ended.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    let active: Vec<mentorship_match::Model> = mentorship_match::Entity::find()
        .filter(mentorship_match::Column::ProgrammeId.eq(p.id))
        .filter(mentorship_match::Column::State.eq(MatchState::Active.code()))
        .all(&txn)
        .await?;
    mentorship_match::Entity::update_many()
        .col_expr(
            mentorship_match::Column::State,
            Expr::value(MatchState::Completed.code()),
        )
        .col_expr(mentorship_match::Column::ClosedAt, Expr::value(now))
        .filter(mentorship_match::Column::ProgrammeId.eq(p.id))
        .filter(mentorship_match::Column::State.eq(MatchState::Active.code()))
        .exec(&txn)
        .await?;
    // Proposals nobody answered lapse, as if declined (nobody is named).
    mentorship_match::Entity::update_many()
        .col_expr(
            mentorship_match::Column::State,
            Expr::value(MatchState::Declined.code()),
        )
        .col_expr(mentorship_match::Column::MentorAccepted, Expr::value(false))
        .col_expr(mentorship_match::Column::MenteeAccepted, Expr::value(false))
        .col_expr(mentorship_match::Column::ClosedAt, Expr::value(now))
        .filter(mentorship_match::Column::ProgrammeId.eq(p.id))
        .filter(mentorship_match::Column::State.eq(MatchState::Proposed.code()))
        .exec(&txn)
        .await?;
    for m in &active {
        for who in [m.mentor_id, m.mentee_id] {
            records::tell(
                &txn,
                state,
                council,
                PersonId(who),
                "completed",
                m.id,
                &format!("/pairs/{}", m.id),
            )
            .await?;
        }
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ProgrammeEnded)
            .council(council)
            .by_actor(actor)
            .subject("programme", p.id)
            .detail("completed", active.len()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Loads a cohort and its programme for staff: `NotFound` outside the council, `Forbidden`
/// inside it for anybody but staff.
async fn cohort_managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: CohortId,
) -> Result<(cohort::Model, programme::Model), AppError> {
    let c = cohort::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = access::programme_managed(db, actor, ProgrammeId(c.programme_id)).await?;
    Ok((c, p))
}

/// Loads a cohort and its programme for anybody in the council, or `NotFound`.
pub(super) async fn cohort_readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: CohortId,
) -> Result<(cohort::Model, programme::Model), AppError> {
    let c = cohort::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = access::programme_readable(db, actor, ProgrammeId(c.programme_id)).await?;
    Ok((c, p))
}

/// Whether `person` is an active (not suspended) member of `council`.
async fn is_member(
    db: &impl ConnectionTrait,
    council: CouncilId,
    person: PersonId,
) -> Result<bool, AppError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(council.0))
        .filter(membership::Column::PersonId.eq(person.0))
        .filter(membership::Column::Role.eq(Role::Member.code()))
        .filter(membership::Column::SuspendedAt.is_null())
        .count(db)
        .await?
        > 0)
}

#[expect(clippy::too_many_arguments, reason = "one row's columns, each named")]
async fn insert_place(
    txn: &sea_orm::DatabaseTransaction,
    council: CouncilId,
    p: &programme::Model,
    c: &cohort::Model,
    person: PersonId,
    role: ParticipantRole,
    state: ParticipantState,
    capacity: i32,
) -> Result<uuid::Uuid, AppError> {
    let taken = participant::Entity::find()
        .filter(participant::Column::CohortId.eq(c.id))
        .filter(participant::Column::PersonId.eq(person.0))
        .count(txn)
        .await?;
    if taken > 0 {
        return Err(AppError::Conflict);
    }
    let id = db::new_id();
    let now = Utc::now();
    participant::Entity::insert(participant::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        programme_id: Set(p.id),
        cohort_id: Set(c.id),
        person_id: Set(person.0),
        role: Set(role.code().to_owned()),
        state: Set(state.code().to_owned()),
        capacity: Set(capacity),
        profile_sealed: Set(None),
        certificate_name: Set(CertificateName::Display.code().to_owned()),
        certificate_other_sealed: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}

/// Invites a member of the council to a cohort as mentor or mentee (staff). Anybody who is
/// not an active member of the council cannot be chosen; nobody is in a cohort twice.
pub async fn invite(
    state: &AppState,
    actor: &Actor,
    cohort: CohortId,
    person: PersonId,
    role: &str,
) -> Result<ParticipantId, AppError> {
    let (c, p) = cohort_managed(&state.db, actor, cohort).await?;
    let council = CouncilId(p.council_id);
    if !is_open(&p) {
        return Err(AppError::Conflict);
    }
    let role = ParticipantRole::parse("role", role)?;
    if !is_member(&state.db, council, person).await? {
        return Err(AppError::invalid("person", InputProblem::Unavailable));
    }
    let txn = db::begin_write(&state.db).await?;
    let id = insert_place(
        &txn,
        council,
        &p,
        &c,
        person,
        role,
        ParticipantState::Invited,
        1,
    )
    .await?;
    records::tell(
        &txn,
        state,
        council,
        person,
        "invited",
        id,
        &format!("/places/{id}"),
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ParticipantInvited)
            .council(council)
            .by_actor(actor)
            .subject("participant", id)
            .detail("role", role.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(ParticipantId(id))
}

/// A member applies to a cohort of an open programme, as mentor or mentee.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    cohort: CohortId,
    role: &str,
) -> Result<ParticipantId, AppError> {
    let council = access::member_council(actor)?;
    let me = access::person_of(actor)?;
    let (c, p) = cohort_readable(&state.db, actor, cohort).await?;
    if !is_open(&p) {
        return Err(AppError::Conflict);
    }
    let role = ParticipantRole::parse("role", role)?;
    let txn = db::begin_write(&state.db).await?;
    let id = insert_place(
        &txn,
        council,
        &p,
        &c,
        me,
        role,
        ParticipantState::Applied,
        1,
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ParticipantApplied)
            .council(council)
            .by(me)
            .subject("participant", id)
            .detail("role", role.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(ParticipantId(id))
}

/// Moves a place from `from` to active or declined, once.
async fn settle(
    txn: &sea_orm::DatabaseTransaction,
    place: &participant::Model,
    from: ParticipantState,
    accept: bool,
) -> Result<(), AppError> {
    let to = if accept {
        ParticipantState::Active
    } else {
        ParticipantState::Declined
    };
    let done = participant::Entity::update_many()
        .col_expr(participant::Column::State, Expr::value(to.code()))
        .col_expr(participant::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(participant::Column::Id.eq(place.id))
        .filter(participant::Column::State.eq(from.code()))
        .exec(txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    audit::record(
        txn,
        Event::new(AuditAction::ParticipantAnswered)
            .council(CouncilId(place.council_id))
            .subject("participant", place.id)
            .detail("state", to.code()),
    )
    .await
}

/// The invited person accepts or declines their invitation (`accept` or `decline`).
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    id: ParticipantId,
    decision: &str,
) -> Result<(), AppError> {
    let place = access::own_place(&state.db, actor, id).await?;
    let accept = parse_decision("decision", decision)?;
    let txn = db::begin_write(&state.db).await?;
    settle(&txn, &place, ParticipantState::Invited, accept).await?;
    txn.commit().await?;
    Ok(())
}

/// Staff accept or decline an application (`accept` or `decline`); the applicant is told
/// there is news.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: ParticipantId,
    decision: &str,
) -> Result<(), AppError> {
    let place = access::place_managed(&state.db, actor, id).await?;
    let accept = parse_decision("decision", decision)?;
    let txn = db::begin_write(&state.db).await?;
    settle(&txn, &place, ParticipantState::Applied, accept).await?;
    records::tell(
        &txn,
        state,
        CouncilId(place.council_id),
        PersonId(place.person_id),
        "decided",
        place.id,
        &format!("/places/{}", place.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

fn row(p: &programme::Model) -> ProgrammeRow {
    ProgrammeRow {
        id: ProgrammeId(p.id),
        title: p.title.clone(),
        starts_on: p.starts_on.clone(),
        ends_on: p.ends_on.clone(),
        state: ProgrammeState::from_code(&p.state).unwrap_or(ProgrammeState::Ended),
        paid: p.paid,
    }
}

/// The mentorship start page: a member's places, matches and the cohorts open to them; staff
/// also get every programme. A fixed number of statements.
pub async fn overview(state: &AppState, actor: &Actor) -> Result<Overview, AppError> {
    let council = access::council_of(actor)?;
    let me = access::person_of(actor)?;
    let may_manage = access::may_manage(actor, council);
    let may_take_part = access::may_take_part(actor, council);
    if !may_manage && !may_take_part {
        return Err(AppError::Forbidden);
    }
    let all: Vec<programme::Model> = programme::Entity::find()
        .filter(programme::Column::CouncilId.eq(council.0))
        .order_by_desc(programme::Column::StartsOn)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    let by_id: HashMap<uuid::Uuid, &programme::Model> = all.iter().map(|p| (p.id, p)).collect();
    let mut places = Vec::new();
    let mut matches_out = Vec::new();
    let mut open_cohorts = Vec::new();
    if may_take_part {
        let mine: Vec<participant::Model> = participant::Entity::find()
            .filter(participant::Column::PersonId.eq(me.0))
            .filter(participant::Column::CouncilId.eq(council.0))
            .all(&state.db)
            .await?;
        let cohorts: Vec<cohort::Model> = cohort::Entity::find()
            .filter(cohort::Column::ProgrammeId.is_in(all.iter().map(|p| p.id)))
            .order_by_asc(cohort::Column::CreatedAt)
            .all(&state.db)
            .await?;
        let cohort_names: HashMap<uuid::Uuid, String> =
            cohorts.iter().map(|c| (c.id, c.name.clone())).collect();
        for place in &mine {
            if let Some(p) = by_id.get(&place.programme_id) {
                places.push(MyPlace {
                    participant: ParticipantId(place.id),
                    programme: row(p),
                    cohort: cohort_names
                        .get(&place.cohort_id)
                        .cloned()
                        .unwrap_or_default(),
                    role: records::role(place),
                    state: records::state(place),
                    has_profile: place.profile_sealed.is_some(),
                });
            }
        }
        for c in &cohorts {
            let Some(p) = by_id.get(&c.programme_id) else {
                continue;
            };
            if is_open(p) && !mine.iter().any(|m| m.cohort_id == c.id) {
                open_cohorts.push((row(p), CohortId(c.id), c.name.clone()));
            }
        }
        let pairs: Vec<mentorship_match::Model> = mentorship_match::Entity::find()
            .filter(mentorship_match::Column::CouncilId.eq(council.0))
            .filter(
                sea_orm::Condition::any()
                    .add(mentorship_match::Column::MentorId.eq(me.0))
                    .add(mentorship_match::Column::MenteeId.eq(me.0)),
            )
            .order_by_desc(mentorship_match::Column::ProposedAt)
            .limit(LIST_LIMIT)
            .all(&state.db)
            .await?;
        let people = names(
            &state.db,
            pairs.iter().flat_map(|m| [m.mentor_id, m.mentee_id]),
        )
        .await?;
        for m in &pairs {
            let Some(side) = access::side_of(actor, m) else {
                continue;
            };
            let partner = if side == ParticipantRole::Mentor {
                m.mentee_id
            } else {
                m.mentor_id
            };
            let st = matches::state_of(m);
            matches_out.push(MyMatch {
                id: MatchId(m.id),
                programme: by_id
                    .get(&m.programme_id)
                    .map(|p| p.title.clone())
                    .unwrap_or_default(),
                role: side,
                partner: people.get(&partner).cloned().unwrap_or_default(),
                state: st,
                awaiting_me: st == MatchState::Proposed && !matches::accepted(m, side),
            });
        }
    }
    let activities = if may_manage {
        rates::priced_activities(&state.db, council, today(actor))
            .await?
            .into_iter()
            .map(|a| a.code().to_owned())
            .collect()
    } else {
        Vec::new()
    };
    Ok(Overview {
        places,
        matches: matches_out,
        open_cohorts,
        programmes: if may_manage {
            all.iter().map(row).collect()
        } else {
            Vec::new()
        },
        may_manage,
        may_take_part,
        activities,
        today: day_text(today(actor)),
        default_end: day_text(today(actor) + chrono::Duration::days(182)),
    })
}

/// A programme's page. Everybody in the council reads its aims and cohorts; staff also get
/// the participants, the suggested matches with their reasons (an audited read of the
/// profiles), the matches' states and the feedback figures, never a pair's content.
pub async fn detail(
    state: &AppState,
    actor: &Actor,
    id: ProgrammeId,
) -> Result<ProgrammeDetail, AppError> {
    let p = access::programme_readable(&state.db, actor, id).await?;
    let council = CouncilId(p.council_id);
    let may_manage = access::may_manage(actor, council);
    let cohorts: Vec<cohort::Model> = cohort::Entity::find()
        .filter(cohort::Column::ProgrammeId.eq(p.id))
        .order_by_asc(cohort::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut views: Vec<CohortView> = cohorts
        .iter()
        .map(|c| CohortView {
            id: CohortId(c.id),
            name: c.name.clone(),
            participants: Vec::new(),
            suggestions: Vec::new(),
            unmatched: Vec::new(),
            matches: Vec::new(),
        })
        .collect();
    let mut members = Vec::new();
    let mut figures = Vec::new();
    if may_manage {
        let places: Vec<participant::Model> = participant::Entity::find()
            .filter(participant::Column::ProgrammeId.eq(p.id))
            .order_by_asc(participant::Column::CreatedAt)
            .all(&state.db)
            .await?;
        let all_matches: Vec<mentorship_match::Model> = mentorship_match::Entity::find()
            .filter(mentorship_match::Column::ProgrammeId.eq(p.id))
            .order_by_asc(mentorship_match::Column::ProposedAt)
            .all(&state.db)
            .await?;
        let totals = matches::session_totals(&state.db, p.id).await?;
        let member_rows: Vec<(uuid::Uuid, String)> =
            crate::domain::identity::entities::person::Entity::find()
                .select_only()
                .column(crate::domain::identity::entities::person::Column::Id)
                .column(crate::domain::identity::entities::person::Column::DisplayName)
                .filter(
                    crate::domain::identity::entities::person::Column::Id.in_subquery(
                        sea_orm::sea_query::Query::select()
                            .column(membership::Column::PersonId)
                            .from(membership::Entity)
                            .and_where(membership::Column::CouncilId.eq(council.0))
                            .and_where(membership::Column::Role.eq(Role::Member.code()))
                            .and_where(membership::Column::SuspendedAt.is_null())
                            .to_owned(),
                    ),
                )
                .order_by_asc(crate::domain::identity::entities::person::Column::DisplayName)
                .limit(2_000)
                .into_tuple()
                .all(&state.db)
                .await?;
        let people: HashMap<uuid::Uuid, String> = {
            let mut known: HashMap<uuid::Uuid, String> = member_rows.iter().cloned().collect();
            let missing: Vec<uuid::Uuid> = places
                .iter()
                .map(|x| x.person_id)
                .filter(|id| !known.contains_key(id))
                .collect();
            known.extend(names(&state.db, missing).await?);
            known
        };
        members = member_rows
            .into_iter()
            .map(|(id, name)| (PersonId(id), name))
            .collect();
        let mut read_profiles = 0usize;
        for view in &mut views {
            let cohort_places: Vec<&participant::Model> =
                places.iter().filter(|x| x.cohort_id == view.id.0).collect();
            let cohort_matches: Vec<&mentorship_match::Model> = all_matches
                .iter()
                .filter(|m| m.cohort_id == view.id.0)
                .collect();
            view.participants = cohort_places
                .iter()
                .map(|x| ParticipantRow {
                    id: ParticipantId(x.id),
                    person: PersonId(x.person_id),
                    name: people.get(&x.person_id).cloned().unwrap_or_default(),
                    role: records::role(x),
                    state: records::state(x),
                    capacity: x.capacity,
                    has_profile: x.profile_sealed.is_some(),
                })
                .collect();
            view.matches = cohort_matches
                .iter()
                .map(|m| {
                    let (sessions, minutes) = totals.get(&m.id).copied().unwrap_or((0, 0));
                    MatchRow {
                        id: MatchId(m.id),
                        mentor: people.get(&m.mentor_id).cloned().unwrap_or_default(),
                        mentee: people.get(&m.mentee_id).cloned().unwrap_or_default(),
                        state: matches::state_of(m),
                        sessions,
                        minutes,
                    }
                })
                .collect();
            if is_open(&p) {
                let (suggestions, unmatched, read) = matches::suggestions_for(
                    &state.keyring,
                    &cohort_places,
                    &cohort_matches,
                    &people,
                )?;
                read_profiles += read;
                view.suggestions = suggestions;
                view.unmatched = unmatched;
            }
        }
        if read_profiles > 0 {
            let txn = db::begin_write(&state.db).await?;
            audit::record(
                &txn,
                Event::new(AuditAction::SuggestionsViewed)
                    .council(council)
                    .by_actor(actor)
                    .subject("programme", p.id)
                    .detail("profiles", read_profiles),
            )
            .await?;
            txn.commit().await?;
        }
        figures = feedback::figures(&state.db, p.id).await?;
    }
    Ok(ProgrammeDetail {
        programme: row(&p),
        aims: p.aims.clone(),
        expected_hours: p.expected_hours,
        activity: p.activity.clone(),
        cohorts: views,
        may_manage,
        members,
        feedback: figures,
    })
}
