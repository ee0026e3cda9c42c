//! Matches: the secretariat proposes a pair (from the suggestions, or any two participants of
//! a cohort); the match starts only when both accept. Either can decline without a reason,
//! and either can end an active match at any time in one step without explaining. Nothing
//! records who declined or ended: the row keeps only that it happened, the audit entry goes
//! to the unattributed chain, and both people get the same discreet notice, so neither the
//! other person nor the secretariat learns who it was.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QuerySelect,
};

use super::access;
use super::entities::{cohort, mentorship_match, participant, session};
use super::matching::{self, Format, Reason, Wish};
use super::records::{self, profile_of};
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::InputProblem;
use crate::model::audit::AuditAction;
use crate::model::ids::{CohortId, CouncilId, MatchId, PersonId, ProgrammeId};
use crate::model::mentorship::{
    MatchState, ParticipantRole, ParticipantState, Profile, ProgrammeState, ReasonView,
    SuggestionView,
};

/// A stored match state.
pub fn state_of(m: &mentorship_match::Model) -> MatchState {
    MatchState::from_code(&m.state).unwrap_or(MatchState::Ended)
}

/// Whether `side` accepted the proposal.
pub fn accepted(m: &mentorship_match::Model, side: ParticipantRole) -> bool {
    match side {
        ParticipantRole::Mentor => m.mentor_accepted,
        ParticipantRole::Mentee => m.mentee_accepted,
    }
}

/// States in which a match holds a mentor's place and a mentee's.
const HOLDING: [MatchState; 2] = [MatchState::Proposed, MatchState::Active];

#[derive(Debug, FromQueryResult)]
struct Totals {
    match_id: uuid::Uuid,
    sessions: i64,
    minutes: Option<i64>,
}

/// Sessions and minutes per match of a programme, in one statement.
pub async fn session_totals(
    db: &impl ConnectionTrait,
    programme: uuid::Uuid,
) -> Result<HashMap<uuid::Uuid, (u64, i64)>, AppError> {
    use sea_orm::sea_query::Func;
    let rows = session::Entity::find()
        .select_only()
        .column(session::Column::MatchId)
        .column_as(session::Column::Id.count(), "sessions")
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(session::Column::Minutes)),
                "BIGINT",
            )),
            "minutes",
        )
        .filter(
            session::Column::MatchId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(mentorship_match::Column::Id)
                    .from(mentorship_match::Entity)
                    .and_where(mentorship_match::Column::ProgrammeId.eq(programme))
                    .to_owned(),
            ),
        )
        .group_by(session::Column::MatchId)
        .into_model::<Totals>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.match_id,
                (
                    u64::try_from(r.sessions).unwrap_or(0),
                    r.minutes.unwrap_or(0),
                ),
            )
        })
        .collect())
}

fn to_matching(person: uuid::Uuid, p: &Profile) -> matching::Profile {
    matching::Profile {
        person: PersonId(person),
        languages: p.languages.clone(),
        topics: p.topics.clone(),
        region: (!p.region.is_empty()).then(|| p.region.clone()),
        online: p.online,
        in_person: p.in_person,
        gender: (!p.gender.is_empty()).then(|| p.gender.clone()),
    }
}

fn wishes(p: &Profile) -> Vec<Wish> {
    let mut out = Vec::new();
    if !p.wish_gender.is_empty() {
        out.push(Wish::MentorGender(p.wish_gender.clone()));
    }
    if !p.wish_language.is_empty() {
        out.push(Wish::Language(p.wish_language.clone()));
    }
    out
}

fn wish_text(w: &Wish) -> String {
    match w {
        Wish::MentorGender(g) => format!("gender:{g}"),
        Wish::Language(l) => format!("language:{l}"),
    }
}

/// A reason as the page shows it: a code and what it is about.
pub fn reason_view(r: &Reason) -> ReasonView {
    let (code, value) = match r {
        Reason::SharedLanguage(l) => ("shared_language", l.clone()),
        Reason::GoalCovered(g) => ("goal_covered", g.clone()),
        Reason::SharedFormat(Format::Online) => ("shared_format", "online".to_owned()),
        Reason::SharedFormat(Format::InPerson) => ("shared_format", "in_person".to_owned()),
        Reason::SameRegion(r) => ("same_region", r.clone()),
        Reason::WishMet(w) => ("wish_met", wish_text(w)),
        Reason::WishNotMet(w) => ("wish_not_met", wish_text(w)),
        Reason::PlacesLeft(n) => ("places_left", n.to_string()),
        Reason::NobodyWorkable => ("nobody_workable", String::new()),
        Reason::MentorsFull => ("mentors_full", String::new()),
    };
    ReasonView {
        code: code.to_owned(),
        value,
    }
}

/// Suggested pairs, unmatched mentees with the reason, and how many profiles were read.
pub(super) type Suggestions = (Vec<SuggestionView>, Vec<(String, ReasonView)>, usize);

/// Suggested pairs and unmatched mentees of one cohort, from its active participants'
/// profiles; also how many profiles were read (the caller audits the read).
pub(super) fn suggestions_for(
    keyring: &Keyring,
    places: &[&participant::Model],
    matches: &[&mentorship_match::Model],
    people: &HashMap<uuid::Uuid, String>,
) -> Result<Suggestions, AppError> {
    let holding = |m: &&&mentorship_match::Model| HOLDING.contains(&state_of(m));
    let mut mentors = Vec::new();
    let mut mentees = Vec::new();
    let mut read = 0;
    for place in places
        .iter()
        .filter(|p| records::state(p) == ParticipantState::Active)
    {
        let Some(profile) = profile_of(keyring, place)? else {
            continue;
        };
        read += 1;
        match records::role(place) {
            ParticipantRole::Mentor => {
                let current = matches
                    .iter()
                    .filter(holding)
                    .filter(|m| m.mentor_id == place.person_id)
                    .count();
                mentors.push(matching::Mentor {
                    profile: to_matching(place.person_id, &profile),
                    capacity: u32::try_from(place.capacity).unwrap_or(1),
                    current: u32::try_from(current).unwrap_or(u32::MAX),
                });
            }
            ParticipantRole::Mentee => {
                let placed = matches.iter().any(|m| {
                    m.mentee_id == place.person_id
                        && matches!(
                            state_of(m),
                            MatchState::Proposed | MatchState::Active | MatchState::Completed
                        )
                });
                if !placed {
                    mentees.push(matching::Mentee {
                        profile: to_matching(place.person_id, &profile),
                        wishes: wishes(&profile),
                    });
                }
            }
        }
    }
    let found = matching::suggest(&mentors, &mentees);
    let name = |p: PersonId| people.get(&p.0).cloned().unwrap_or_default();
    let pairs = found
        .pairs
        .iter()
        .map(|s| SuggestionView {
            mentor: s.mentor,
            mentor_name: name(s.mentor),
            mentee: s.mentee,
            mentee_name: name(s.mentee),
            score: s.score,
            reasons: s.reasons.iter().map(reason_view).collect(),
        })
        .collect();
    let unmatched = found
        .unmatched
        .iter()
        .map(|(p, r)| (name(*p), reason_view(r)))
        .collect();
    Ok((pairs, unmatched, read))
}

/// Proposes a match in a cohort (staff). Both must be active participants of this cohort, in
/// these roles (anybody else, from this council or another, is not a choice here); the
/// mentee must not already have a match in it; the mentor must have a place left
/// (`MentorFull`). Both are told there is news.
pub async fn propose(
    state: &AppState,
    actor: &Actor,
    cohort_id: CohortId,
    mentor: PersonId,
    mentee: PersonId,
) -> Result<MatchId, AppError> {
    let c = cohort::Entity::find_by_id(cohort_id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = access::programme_managed(&state.db, actor, ProgrammeId(c.programme_id)).await?;
    let council = CouncilId(p.council_id);
    if p.state != ProgrammeState::Open.code() {
        return Err(AppError::Conflict);
    }
    if mentor == mentee {
        return Err(AppError::invalid("mentee", InputProblem::Unavailable));
    }
    let txn = db::begin_write(&state.db).await?;
    let places: Vec<participant::Model> = participant::Entity::find()
        .filter(participant::Column::CohortId.eq(c.id))
        .filter(participant::Column::PersonId.is_in([mentor.0, mentee.0]))
        .filter(participant::Column::State.eq(ParticipantState::Active.code()))
        .all(&txn)
        .await?;
    let find = |who: PersonId, role: ParticipantRole| {
        places
            .iter()
            .find(|x| x.person_id == who.0 && records::role(x) == role)
    };
    let mentor_place = find(mentor, ParticipantRole::Mentor)
        .ok_or_else(|| AppError::invalid("mentor", InputProblem::Unavailable))?;
    let mentee_place = find(mentee, ParticipantRole::Mentee)
        .ok_or_else(|| AppError::invalid("mentee", InputProblem::Unavailable))?;
    // Takes the mentor's row lock (PostgreSQL; SQLite's write lock is already held), so two
    // proposals at once count each other.
    participant::Entity::update_many()
        .col_expr(participant::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(participant::Column::Id.eq(mentor_place.id))
        .exec(&txn)
        .await?;
    let holding: Vec<&str> = HOLDING.iter().map(|s| s.code()).collect();
    let mentor_has = mentorship_match::Entity::find()
        .filter(mentorship_match::Column::CohortId.eq(c.id))
        .filter(mentorship_match::Column::MentorId.eq(mentor.0))
        .filter(mentorship_match::Column::State.is_in(holding.clone()))
        .count(&txn)
        .await?;
    if mentor_has >= u64::try_from(mentor_place.capacity).unwrap_or(0) {
        return Err(AppError::MentorFull);
    }
    let mentee_has = mentorship_match::Entity::find()
        .filter(mentorship_match::Column::CohortId.eq(c.id))
        .filter(mentorship_match::Column::MenteeId.eq(mentee.0))
        .filter(
            mentorship_match::Column::State.is_in(
                holding
                    .iter()
                    .copied()
                    .chain([MatchState::Completed.code()]),
            ),
        )
        .count(&txn)
        .await?;
    if mentee_has > 0 {
        return Err(AppError::Conflict);
    }
    let (score, reasons) = match (
        profile_of(&state.keyring, mentor_place)?,
        profile_of(&state.keyring, mentee_place)?,
    ) {
        (Some(a), Some(b)) => {
            let assessed = matching::assess(
                &matching::Mentor {
                    profile: to_matching(mentor.0, &a),
                    capacity: u32::try_from(mentor_place.capacity).unwrap_or(1),
                    current: u32::try_from(mentor_has).unwrap_or(0),
                },
                &matching::Mentee {
                    profile: to_matching(mentee.0, &b),
                    wishes: wishes(&b),
                },
            );
            match assessed {
                Some(s) => (s.score, s.reasons.iter().map(reason_view).collect()),
                None => (0, vec![reason_view(&Reason::NobodyWorkable)]),
            }
        }
        _ => (0, Vec::<ReasonView>::new()),
    };
    let id = db::new_id();
    let reasons_json = serde_json::to_string(&reasons).map_err(|_| AppError::Internal)?;
    mentorship_match::Entity::insert(mentorship_match::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        programme_id: Set(p.id),
        cohort_id: Set(c.id),
        mentor_id: Set(mentor.0),
        mentee_id: Set(mentee.0),
        state: Set(MatchState::Proposed.code().to_owned()),
        mentor_accepted: Set(false),
        mentee_accepted: Set(false),
        score: Set(i32::try_from(score).unwrap_or(0)),
        reasons_sealed: Set(state
            .keyring
            .seal(Purpose::MentorshipProfile, &reasons_json)),
        proposed_by: Set(access::person_of(actor)?.0),
        proposed_at: Set(Utc::now()),
        started_at: Set(None),
        closed_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    for who in [mentor, mentee] {
        records::tell(
            &txn,
            state,
            council,
            who,
            "proposed",
            id,
            &format!("/pairs/{id}"),
        )
        .await?;
    }
    audit::record(
        &txn,
        Event::new(AuditAction::MatchProposed)
            .council(council)
            .by_actor(actor)
            .subject("match", id)
            .detail("cohort", c.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(MatchId(id))
}

/// Tells both people of a match the same thing (so the mail says nothing of who did it).
async fn tell_both(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    m: &mentorship_match::Model,
    what: &str,
) -> Result<(), AppError> {
    for who in [m.mentor_id, m.mentee_id] {
        records::tell(
            txn,
            state,
            CouncilId(m.council_id),
            PersonId(who),
            what,
            m.id,
            &format!("/pairs/{}", m.id),
        )
        .await?;
    }
    Ok(())
}

/// One of the pair accepts or declines a proposal (`accept` or `decline`). Accepting records the side; when both
/// have, the match is active. Declining needs no reason and forgets both answers, so the
/// record shows only that the match did not go ahead.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
    decision: &str,
) -> Result<MatchState, AppError> {
    let (m, side) = access::pair(&state.db, actor, id).await?;
    let accept = crate::model::mentorship::parse_decision("decision", decision)?;
    let txn = db::begin_write(&state.db).await?;
    let now = Utc::now();
    let proposed = mentorship_match::Column::State.eq(MatchState::Proposed.code());
    let to = if accept {
        let column = match side {
            ParticipantRole::Mentor => mentorship_match::Column::MentorAccepted,
            ParticipantRole::Mentee => mentorship_match::Column::MenteeAccepted,
        };
        let done = mentorship_match::Entity::update_many()
            .col_expr(column, Expr::value(true))
            .filter(mentorship_match::Column::Id.eq(m.id))
            .filter(proposed.clone())
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AppError::Conflict);
        }
        let both = mentorship_match::Entity::update_many()
            .col_expr(
                mentorship_match::Column::State,
                Expr::value(MatchState::Active.code()),
            )
            .col_expr(mentorship_match::Column::StartedAt, Expr::value(now))
            .filter(mentorship_match::Column::Id.eq(m.id))
            .filter(proposed)
            .filter(mentorship_match::Column::MentorAccepted.eq(true))
            .filter(mentorship_match::Column::MenteeAccepted.eq(true))
            .exec(&txn)
            .await?;
        if both.rows_affected == 1 {
            tell_both(&txn, state, &m, "started").await?;
            MatchState::Active
        } else {
            MatchState::Proposed
        }
    } else {
        let done = mentorship_match::Entity::update_many()
            .col_expr(
                mentorship_match::Column::State,
                Expr::value(MatchState::Declined.code()),
            )
            .col_expr(mentorship_match::Column::MentorAccepted, Expr::value(false))
            .col_expr(mentorship_match::Column::MenteeAccepted, Expr::value(false))
            .col_expr(mentorship_match::Column::ClosedAt, Expr::value(now))
            .filter(mentorship_match::Column::Id.eq(m.id))
            .filter(proposed)
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(AppError::Conflict);
        }
        tell_both(&txn, state, &m, "closed").await?;
        MatchState::Declined
    };
    audit::record(
        &txn,
        Event::new(AuditAction::MatchAnswered)
            .unattributed()
            .council(CouncilId(m.council_id))
            .subject("match", m.id)
            .detail("state", to.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

/// Either of the pair ends the match, at once and without a reason; both are told only that
/// it has ended.
pub async fn end(state: &AppState, actor: &Actor, id: MatchId) -> Result<(), AppError> {
    let (m, _) = access::pair(&state.db, actor, id).await?;
    let txn = db::begin_write(&state.db).await?;
    let done = mentorship_match::Entity::update_many()
        .col_expr(
            mentorship_match::Column::State,
            Expr::value(MatchState::Ended.code()),
        )
        .col_expr(mentorship_match::Column::MentorAccepted, Expr::value(false))
        .col_expr(mentorship_match::Column::MenteeAccepted, Expr::value(false))
        .col_expr(mentorship_match::Column::ClosedAt, Expr::value(Utc::now()))
        .filter(mentorship_match::Column::Id.eq(m.id))
        .filter(
            mentorship_match::Column::State
                .is_in([MatchState::Proposed.code(), MatchState::Active.code()]),
        )
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    tell_both(&txn, state, &m, "closed").await?;
    audit::record(
        &txn,
        Event::new(AuditAction::MatchEnded)
            .unattributed()
            .council(CouncilId(m.council_id))
            .subject("match", m.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Completes an active match: the secretariat may at any time; either of the pair once every
/// agreed goal (at least one) is met. Both can then download their certificates.
pub async fn complete(state: &AppState, actor: &Actor, id: MatchId) -> Result<(), AppError> {
    let m = match access::pair(&state.db, actor, id).await {
        Ok((m, _)) => {
            if !super::together::goals_met(&state.db, m.id).await? {
                return Err(AppError::Conflict);
            }
            m
        }
        Err(AppError::NotFound) => access::match_managed(&state.db, actor, id).await?,
        Err(e) => return Err(e),
    };
    let txn = db::begin_write(&state.db).await?;
    let done = mentorship_match::Entity::update_many()
        .col_expr(
            mentorship_match::Column::State,
            Expr::value(MatchState::Completed.code()),
        )
        .col_expr(mentorship_match::Column::ClosedAt, Expr::value(Utc::now()))
        .filter(mentorship_match::Column::Id.eq(m.id))
        .filter(mentorship_match::Column::State.eq(MatchState::Active.code()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    tell_both(&txn, state, &m, "completed").await?;
    audit::record(
        &txn,
        Event::new(AuditAction::MatchCompleted)
            .council(CouncilId(m.council_id))
            .by_actor(actor)
            .subject("match", m.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
