//! What a pair does together, and only they see: goals both agree on, with milestones;
//! session logs (day, length, format, topics) with private notes sealed for the pair (the
//! secretariat, the auditor and the council admin read none of it: the pages they get show a
//! match's state and counts only); sessions as iCalendar; and, for the mentor of a paid
//! programme, one step from a session to a draft time entry (honoraria prices and approves
//! it as any other, linked to the session by id).

use chrono::{NaiveDate, NaiveTime, TimeZone as _, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::access;
use super::entities::{
    feedback, goal, mentorship_match, milestone, participant, programme, session,
};
use super::matches::state_of;
use super::records::{self, day_text, names, today};
use crate::domain::honoraria::claims;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{Activity, LinkKind, parse_date, parse_minutes};
use crate::model::ids::{ClaimId, CouncilId, MatchId, MentorshipSessionId};
use crate::model::mentorship::{
    FeedbackMoment, GoalView, MAX_TITLE_CHARS, MatchDetail, MatchState, ParticipantRole,
    SessionFields, SessionFormat, SessionView, SharedProfile, Visibility, line, text,
};
use crate::model::{AppError, InputProblem};

/// The most sessions a match page shows (latest first).
const SESSION_LIMIT: u64 = 200;
/// The most goals a pair keeps.
const MAX_GOALS: usize = 30;

/// Loads a match of the pair's that is active, or `Conflict` (ended, declined, completed or
/// still proposed).
async fn active_pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MatchId,
) -> Result<(mentorship_match::Model, ParticipantRole), AppError> {
    let (m, side) = access::pair(db, actor, id).await?;
    if state_of(&m) != MatchState::Active {
        return Err(AppError::Conflict);
    }
    Ok((m, side))
}

/// Whether every agreed goal of a match is met (and there is at least one).
pub(super) async fn goals_met(db: &impl ConnectionTrait, m: uuid::Uuid) -> Result<bool, AppError> {
    let goals: Vec<goal::Model> = goal::Entity::find()
        .filter(goal::Column::MatchId.eq(m))
        .filter(goal::Column::AgreedAt.is_not_null())
        .all(db)
        .await?;
    Ok(!goals.is_empty() && goals.iter().all(|g| g.met_at.is_some()))
}

/// Proposes a goal; it counts once the other one agrees.
pub async fn propose_goal(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
    title: &str,
) -> Result<(), AppError> {
    let (m, side) = active_pair(&state.db, actor, id).await?;
    let title = line("title", title, MAX_TITLE_CHARS, false)?;
    let txn = db::begin_write(&state.db).await?;
    let count = goal::Entity::find()
        .filter(goal::Column::MatchId.eq(m.id))
        .all(&txn)
        .await?
        .len();
    if count >= MAX_GOALS {
        return Err(AppError::invalid("title", InputProblem::TooLong));
    }
    goal::Entity::insert(goal::ActiveModel {
        id: Set(db::new_id()),
        match_id: Set(m.id),
        title_sealed: Set(state.keyring.seal(Purpose::MentorshipPair, &title)),
        proposed_by: Set(side.code().to_owned()),
        agreed_at: Set(None),
        met_at: Set(None),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Loads a goal of the actor's active match.
async fn goal_of_pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    goal_id: uuid::Uuid,
) -> Result<(goal::Model, ParticipantRole), AppError> {
    let g = goal::Entity::find_by_id(goal_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, side) = active_pair(db, actor, MatchId(g.match_id)).await?;
    Ok((g, side))
}

/// The other one of the pair agrees to a proposed goal (its proposer cannot).
pub async fn agree_goal(
    state: &AppState,
    actor: &Actor,
    goal_id: uuid::Uuid,
) -> Result<(), AppError> {
    let (g, side) = goal_of_pair(&state.db, actor, goal_id).await?;
    if g.proposed_by == side.code() {
        return Err(AppError::Forbidden);
    }
    let done = goal::Entity::update_many()
        .col_expr(goal::Column::AgreedAt, Expr::value(Utc::now()))
        .filter(goal::Column::Id.eq(g.id))
        .filter(goal::Column::AgreedAt.is_null())
        .exec(&state.db)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Marks an agreed goal met (either of the pair).
pub async fn goal_met(
    state: &AppState,
    actor: &Actor,
    goal_id: uuid::Uuid,
) -> Result<(), AppError> {
    let (g, _) = goal_of_pair(&state.db, actor, goal_id).await?;
    let done = goal::Entity::update_many()
        .col_expr(goal::Column::MetAt, Expr::value(Utc::now()))
        .filter(goal::Column::Id.eq(g.id))
        .filter(goal::Column::AgreedAt.is_not_null())
        .filter(goal::Column::MetAt.is_null())
        .exec(&state.db)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Adds a milestone to a goal (either of the pair); the day is optional.
pub async fn add_milestone(
    state: &AppState,
    actor: &Actor,
    goal_id: uuid::Uuid,
    title: &str,
    due_on: &str,
) -> Result<(), AppError> {
    let (g, _) = goal_of_pair(&state.db, actor, goal_id).await?;
    let title = line("milestone", title, MAX_TITLE_CHARS, false)?;
    let due = if due_on.trim().is_empty() {
        None
    } else {
        Some(day_text(parse_date("due_on", due_on)?))
    };
    milestone::Entity::insert(milestone::ActiveModel {
        id: Set(db::new_id()),
        goal_id: Set(g.id),
        match_id: Set(g.match_id),
        title_sealed: Set(state.keyring.seal(Purpose::MentorshipPair, &title)),
        due_on: Set(due),
        done_at: Set(None),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&state.db)
    .await?;
    Ok(())
}

/// Ticks a milestone off (either of the pair).
pub async fn milestone_done(
    state: &AppState,
    actor: &Actor,
    milestone_id: uuid::Uuid,
) -> Result<(), AppError> {
    let ms = milestone::Entity::find_by_id(milestone_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    active_pair(&state.db, actor, MatchId(ms.match_id)).await?;
    let done = milestone::Entity::update_many()
        .col_expr(milestone::Column::DoneAt, Expr::value(Utc::now()))
        .filter(milestone::Column::Id.eq(ms.id))
        .filter(milestone::Column::DoneAt.is_null())
        .exec(&state.db)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// A session, parsed.
struct SessionInput {
    held_on: NaiveDate,
    starts_at: Option<NaiveTime>,
    minutes: i32,
    format: SessionFormat,
    topics: String,
    notes: String,
}

fn parse_session(fields: &SessionFields, today: NaiveDate) -> Result<SessionInput, AppError> {
    let held_on = parse_date("held_on", &fields.held_on)?;
    // Planned sessions may lie ahead (for the calendar); a year either way is a typing error.
    if (held_on - today).num_days().abs() > 366 {
        return Err(AppError::invalid("held_on", InputProblem::Malformed));
    }
    let starts_at = match fields.starts_at.trim() {
        "" => None,
        t => Some(
            NaiveTime::parse_from_str(t, "%H:%M")
                .map_err(|_| AppError::invalid("starts_at", InputProblem::Malformed))?,
        ),
    };
    Ok(SessionInput {
        held_on,
        starts_at,
        minutes: parse_minutes("minutes", &fields.minutes)?,
        format: SessionFormat::parse("format", &fields.format)?,
        topics: text("topics", &fields.topics, true)?,
        notes: text("notes", &fields.notes, true)?,
    })
}

/// Logs a session of the actor's active match (either of the pair). Topics and private
/// notes are sealed for the pair.
pub async fn log_session(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
    fields: &SessionFields,
) -> Result<MentorshipSessionId, AppError> {
    let (m, _) = active_pair(&state.db, actor, id).await?;
    let input = parse_session(fields, today(actor))?;
    let session_id = db::new_id();
    let txn = db::begin_write(&state.db).await?;
    session::Entity::insert(session::ActiveModel {
        id: Set(session_id),
        match_id: Set(m.id),
        council_id: Set(m.council_id),
        held_on: Set(day_text(input.held_on)),
        starts_at: Set(input.starts_at.map(|t| t.format("%H:%M").to_string())),
        minutes: Set(input.minutes),
        format: Set(input.format.code().to_owned()),
        topics_sealed: Set(state.keyring.seal(Purpose::MentorshipPair, &input.topics)),
        notes_sealed: Set(state.keyring.seal(Purpose::MentorshipPair, &input.notes)),
        logged_by: Set(access::person_of(actor)?.0),
        claim_id: Set(None),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::SessionLogged)
            .council(CouncilId(m.council_id))
            .by_actor(actor)
            .subject("session", session_id)
            .detail("match", m.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(MentorshipSessionId(session_id))
}

/// Loads a session of the actor's pair (`NotFound` for anybody else), with its match.
async fn session_of_pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MentorshipSessionId,
) -> Result<(session::Model, mentorship_match::Model, ParticipantRole), AppError> {
    let s = session::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (m, side) = access::pair(db, actor, MatchId(s.match_id)).await?;
    Ok((s, m, side))
}

/// The mentor of a paid programme turns a session into a draft time entry, once: priced by
/// the programme's rate card activity on the session's day, linked to the session, then
/// submitted and approved as any other entry. The mentee cannot (`Forbidden`); an unpaid
/// programme or a session already claimed is a `Conflict`; a session ahead is `in_future`.
pub async fn claim_session(
    state: &AppState,
    actor: &Actor,
    id: MentorshipSessionId,
) -> Result<ClaimId, AppError> {
    let (s, m, side) = session_of_pair(&state.db, actor, id).await?;
    if side != ParticipantRole::Mentor {
        return Err(AppError::Forbidden);
    }
    let p = programme::Entity::find_by_id(m.programme_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let activity = match (p.paid, p.activity.as_deref().and_then(Activity::from_code)) {
        (true, Some(a)) => a,
        _ => return Err(AppError::Conflict),
    };
    if s.claim_id.is_some() {
        return Err(AppError::Conflict);
    }
    let day = parse_date("held_on", &s.held_on)?;
    let txn = db::begin_write(&state.db).await?;
    let claim = claims::log_linked(
        &txn,
        &state.keyring,
        actor,
        activity,
        day,
        s.minutes,
        (LinkKind::Mentorship, s.id),
    )
    .await?;
    let done = session::Entity::update_many()
        .col_expr(session::Column::ClaimId, Expr::value(claim.0))
        .filter(session::Column::Id.eq(s.id))
        .filter(session::Column::ClaimId.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::SessionClaimed)
            .council(CouncilId(m.council_id))
            .by_actor(actor)
            .subject("session", s.id)
            .detail("claim", claim.0.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(claim)
}

/// A session as iCalendar, for the pair. Discreet like the mails: a neutral summary in the
/// viewer's language, no topics or notes, only the link to the pair's page.
pub async fn calendar(
    state: &AppState,
    actor: &Actor,
    id: MentorshipSessionId,
) -> Result<String, AppError> {
    use crate::i18n::Locale;
    use icalendar::{Calendar, Component as _, Event as IcsEvent, EventLike as _};
    use leptos_i18n::td_string;
    let (s, m, _) = session_of_pair(&state.db, actor, id).await?;
    let me = access::person_of(actor)?;
    let locale: Locale = crate::domain::identity::entities::person::Entity::find_by_id(me.0)
        .one(&state.db)
        .await?
        .and_then(|p| p.preferred_language.parse().ok())
        .unwrap_or_default();
    let summary = td_string!(locale, meetings.calendar_summary).to_string();
    let link = format!("{}/pairs/{}", state.settings.base_url, m.id);
    let day = parse_date("held_on", &s.held_on)?;
    let mut event = IcsEvent::new();
    event
        .uid(&format!("{}@roundtable", s.id))
        .timestamp(s.created_at)
        .summary(&summary)
        .description(&link)
        .url(&link);
    let start = s
        .starts_at
        .as_deref()
        .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
        .and_then(|t| {
            records::zone(actor)
                .from_local_datetime(&day.and_time(t))
                .earliest()
        });
    match start {
        Some(start) => {
            let start = start.with_timezone(&Utc);
            event
                .starts(start)
                .ends(start + chrono::Duration::minutes(i64::from(s.minutes)));
        }
        None => {
            event.all_day(day);
        }
    }
    let mut cal = Calendar::new();
    cal.push(event.done());
    Ok(cal.done().to_string())
}

fn shared(value: String, visibility: Option<Visibility>) -> Option<String> {
    match visibility {
        Some(Visibility::Partner | Visibility::Cohort) if !value.is_empty() => Some(value),
        _ => None,
    }
}

/// A match's page, for the pair only: the partner's shared profile, goals and milestones,
/// sessions with their private notes (each opening of notes is audited), feedback given and
/// the certificate. A fixed number of statements.
pub async fn detail(state: &AppState, actor: &Actor, id: MatchId) -> Result<MatchDetail, AppError> {
    let (m, side) = access::pair(&state.db, actor, id).await?;
    let council = CouncilId(m.council_id);
    let p = programme::Entity::find_by_id(m.programme_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (me, partner) = match side {
        ParticipantRole::Mentor => (m.mentor_id, m.mentee_id),
        ParticipantRole::Mentee => (m.mentee_id, m.mentor_id),
    };
    let places: Vec<participant::Model> = participant::Entity::find()
        .filter(participant::Column::CohortId.eq(m.cohort_id))
        .filter(participant::Column::PersonId.is_in([me, partner]))
        .all(&state.db)
        .await?;
    let mine = places.iter().find(|x| x.person_id == me);
    let theirs = places.iter().find(|x| x.person_id == partner);
    let people = names(&state.db, [partner]).await?;
    let live = matches!(state_of(&m), MatchState::Active | MatchState::Completed);
    let partner_profile = match theirs {
        Some(t) if live => match records::profile_of(&state.keyring, t)? {
            Some(pr) => SharedProfile {
                languages: shared(pr.languages.join(", "), pr.languages_visibility),
                topics: shared(pr.topics.join(", "), pr.topics_visibility),
                region: shared(pr.region, pr.region_visibility),
                availability: shared(pr.availability, pr.availability_visibility),
                gender: shared(pr.gender, pr.gender_visibility),
            },
            None => SharedProfile::default(),
        },
        _ => SharedProfile::default(),
    };
    let goals: Vec<goal::Model> = goal::Entity::find()
        .filter(goal::Column::MatchId.eq(m.id))
        .order_by_asc(goal::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let milestones: Vec<milestone::Model> = milestone::Entity::find()
        .filter(milestone::Column::MatchId.eq(m.id))
        .order_by_asc(milestone::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let sessions: Vec<session::Model> = session::Entity::find()
        .filter(session::Column::MatchId.eq(m.id))
        .order_by_desc(session::Column::HeldOn)
        .order_by_desc(session::Column::CreatedAt)
        .limit(SESSION_LIMIT)
        .all(&state.db)
        .await?;
    let given: Vec<String> = feedback::Entity::find()
        .select_only()
        .column(feedback::Column::Slot)
        .filter(feedback::Column::MatchId.eq(m.id))
        .filter(feedback::Column::Side.eq(side.code()))
        .into_tuple()
        .all(&state.db)
        .await?;
    let has_lead = access::lead_of(&state.db, council).await?.is_some();
    let open = |sealed: &str| state.keyring.open(Purpose::MentorshipPair, sealed);
    let goal_views = goals
        .iter()
        .map(|g| {
            Ok(GoalView {
                id: g.id,
                title: open(&g.title_sealed)?,
                agreed: g.agreed_at.is_some(),
                proposed_by_me: g.proposed_by == side.code(),
                met: g.met_at.is_some(),
                milestones: milestones
                    .iter()
                    .filter(|ms| ms.goal_id == g.id)
                    .map(|ms| {
                        Ok((
                            ms.id,
                            open(&ms.title_sealed)?,
                            ms.due_on.clone().unwrap_or_default(),
                            ms.done_at.is_some(),
                        ))
                    })
                    .collect::<Result<_, AppError>>()?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let session_views = sessions
        .iter()
        .map(|s| {
            Ok(SessionView {
                id: MentorshipSessionId(s.id),
                held_on: s.held_on.clone(),
                starts_at: s.starts_at.clone().unwrap_or_default(),
                minutes: s.minutes,
                format: SessionFormat::from_code(&s.format).unwrap_or(SessionFormat::Online),
                topics: open(&s.topics_sealed)?,
                notes: open(&s.notes_sealed)?,
                claim: s.claim_id.map(ClaimId),
                feedback_given: given.contains(&s.id.to_string()),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    if session_views.iter().any(|s| !s.notes.is_empty()) {
        let txn = db::begin_write(&state.db).await?;
        audit::record(
            &txn,
            Event::new(AuditAction::PairNotesRead)
                .council(council)
                .by_actor(actor)
                .subject("match", m.id),
        )
        .await?;
        txn.commit().await?;
    }
    Ok(MatchDetail {
        id: MatchId(m.id),
        programme: p.title.clone(),
        role: side,
        partner: people.get(&partner).cloned().unwrap_or_default(),
        partner_profile,
        state: state_of(&m),
        accepted_by_me: super::matches::accepted(&m, side),
        goals: goal_views,
        sessions: session_views,
        may_claim_time: side == ParticipantRole::Mentor && p.paid,
        end_feedback_given: given.iter().any(|s| s == FeedbackMoment::End.code()),
        certificate: state_of(&m) == MatchState::Completed,
        certificate_name: mine
            .map(records::certificate_name)
            .unwrap_or(crate::model::mentorship::CertificateName::Display),
        has_lead,
        today: day_text(today(actor)),
    })
}
