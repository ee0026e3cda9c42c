//! Safeguarding: the council admin names a safeguarding lead (a secretariat member); either
//! of a pair can report a concern about their match, which opens a confidential case that
//! only the lead and the council admins read, with its own notes and status. The concern,
//! who reported it and the notes are sealed; every read of a case is audited; the report
//! itself goes to the unattributed audit chain (the case, sealed, says who reported it).

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::access;
use super::entities::{
    mentorship_match, programme, safeguarding_case, safeguarding_note, settings,
};
use super::records::{self, names, zone};
use crate::domain::identity::entities::membership;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::ids::{CaseId, CouncilId, MatchId, PersonId};
use crate::model::mentorship::{CaseDetail, CaseRow, CaseStatus, Safeguarding, text};
use crate::model::viewer::Role;
use crate::model::{AppError, InputProblem};

/// The most cases the list shows.
const LIST_LIMIT: u64 = 500;

/// Names the council's safeguarding lead (council admin): a person's id, or empty for
/// nobody. The lead must hold the secretariat role in the council.
pub async fn set_lead(state: &AppState, actor: &Actor, person: &str) -> Result<(), AppError> {
    let council = access::council_of(actor)?;
    if !access::is_council_admin(actor, council) {
        return Err(AppError::Forbidden);
    }
    let person = crate::model::mentorship::parse_person("person", person)?;
    if let Some(person) = person {
        let roles: Vec<String> = membership::Entity::find()
            .select_only()
            .column(membership::Column::Role)
            .filter(membership::Column::CouncilId.eq(council.0))
            .filter(membership::Column::PersonId.eq(person.0))
            .filter(membership::Column::SuspendedAt.is_null())
            .into_tuple()
            .all(&state.db)
            .await?;
        let roles: Vec<Role> = roles.iter().filter_map(|r| Role::from_code(r)).collect();
        if !access::may_lead(&roles) {
            return Err(AppError::invalid("person", InputProblem::Unavailable));
        }
    }
    let txn = db::begin_write(&state.db).await?;
    settings::Entity::insert(settings::ActiveModel {
        council_id: Set(council.0),
        safeguarding_lead: Set(person.map(|p| p.0)),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(settings::Column::CouncilId)
            .update_columns([
                settings::Column::SafeguardingLead,
                settings::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::SafeguardingLeadSet)
            .council(council)
            .by_actor(actor)
            .detail("lead", person.map(|p| p.0.to_string()).unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One of a pair reports a concern about their match (whatever its state). The lead, or
/// when none is named the council admins, are told there is news. Returns the case's id.
pub async fn report(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
    concern: &str,
) -> Result<CaseId, AppError> {
    let (m, _) = access::pair(&state.db, actor, id).await?;
    let me = access::person_of(actor)?;
    let council = CouncilId(m.council_id);
    let concern = text("concern", concern, false)?;
    let lead = access::lead_of(&state.db, council).await?;
    let admins: Vec<uuid::Uuid> = if lead.is_none() {
        membership::Entity::find()
            .select_only()
            .column(membership::Column::PersonId)
            .filter(membership::Column::CouncilId.eq(council.0))
            .filter(membership::Column::Role.eq(Role::CouncilAdmin.code()))
            .filter(membership::Column::SuspendedAt.is_null())
            .into_tuple()
            .all(&state.db)
            .await?
    } else {
        Vec::new()
    };
    let case_id = db::new_id();
    let now = Utc::now();
    let txn = db::begin_write(&state.db).await?;
    safeguarding_case::Entity::insert(safeguarding_case::ActiveModel {
        id: Set(case_id),
        council_id: Set(council.0),
        match_id: Set(Some(m.id)),
        reporter_sealed: Set(state.keyring.seal(Purpose::Safeguarding, &me.0.to_string())),
        concern_sealed: Set(state.keyring.seal(Purpose::Safeguarding, &concern)),
        status: Set(CaseStatus::Open.code().to_owned()),
        reported_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    let path = format!("/cases/{case_id}");
    for who in lead.map(|l| vec![l.0]).unwrap_or(admins) {
        records::tell(&txn, state, council, PersonId(who), "case", case_id, &path).await?;
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ConcernReported)
            .unattributed()
            .council(council)
            .subject("case", case_id),
    )
    .await?;
    txn.commit().await?;
    Ok(CaseId(case_id))
}

fn case_row(c: &safeguarding_case::Model, tz: chrono_tz::Tz) -> CaseRow {
    CaseRow {
        id: CaseId(c.id),
        reported: c
            .reported_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        status: CaseStatus::from_code(&c.status).unwrap_or(CaseStatus::Open),
    }
}

/// The safeguarding page: the council's cases (their status only), the lead, and for the
/// council admin the secretariat members who may be named lead.
pub async fn overview(state: &AppState, actor: &Actor) -> Result<Safeguarding, AppError> {
    let council = access::case_council(&state.db, actor).await?;
    let tz = zone(actor);
    let cases: Vec<safeguarding_case::Model> = safeguarding_case::Entity::find()
        .filter(safeguarding_case::Column::CouncilId.eq(council.0))
        .order_by_desc(safeguarding_case::Column::ReportedAt)
        .limit(LIST_LIMIT)
        .all(&state.db)
        .await?;
    let lead = access::lead_of(&state.db, council).await?;
    let may_set_lead = access::is_council_admin(actor, council);
    let candidates: Vec<uuid::Uuid> = if may_set_lead {
        membership::Entity::find()
            .select_only()
            .column(membership::Column::PersonId)
            .filter(membership::Column::CouncilId.eq(council.0))
            .filter(membership::Column::Role.eq(Role::Secretariat.code()))
            .filter(membership::Column::SuspendedAt.is_null())
            .into_tuple()
            .all(&state.db)
            .await?
    } else {
        Vec::new()
    };
    let people = names(
        &state.db,
        candidates.iter().copied().chain(lead.map(|l| l.0)),
    )
    .await?;
    let mut candidates: Vec<(PersonId, String)> = candidates
        .into_iter()
        .map(|p| (PersonId(p), people.get(&p).cloned().unwrap_or_default()))
        .collect();
    candidates.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Safeguarding {
        cases: cases.iter().map(|c| case_row(c, tz)).collect(),
        lead: lead.and_then(|l| people.get(&l.0).cloned()),
        candidates,
        may_set_lead,
    })
}

/// One case, for the lead and the council admins; the read is audited.
pub async fn case(state: &AppState, actor: &Actor, id: CaseId) -> Result<CaseDetail, AppError> {
    let c = access::case_readable(&state.db, actor, id).await?;
    let tz = zone(actor);
    let open = |sealed: &str| state.keyring.open(Purpose::Safeguarding, sealed);
    let reporter: uuid::Uuid = open(&c.reporter_sealed)?
        .parse()
        .map_err(|_| AppError::Internal)?;
    let notes: Vec<safeguarding_note::Model> = safeguarding_note::Entity::find()
        .filter(safeguarding_note::Column::CaseId.eq(c.id))
        .order_by_asc(safeguarding_note::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let m = match c.match_id {
        Some(m) => {
            mentorship_match::Entity::find_by_id(m)
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let programme_title = match &m {
        Some(m) => programme::Entity::find_by_id(m.programme_id)
            .one(&state.db)
            .await?
            .map(|p| p.title),
        None => None,
    };
    let people = names(
        &state.db,
        [reporter]
            .into_iter()
            .chain(notes.iter().map(|n| n.author_id))
            .chain(m.iter().flat_map(|m| [m.mentor_id, m.mentee_id])),
    )
    .await?;
    let name = |p: uuid::Uuid| people.get(&p).cloned().unwrap_or_default();
    let detail = CaseDetail {
        row: case_row(&c, tz),
        reporter: name(reporter),
        programme: programme_title,
        pair: m.as_ref().map(|m| (name(m.mentor_id), name(m.mentee_id))),
        concern: open(&c.concern_sealed)?,
        notes: notes
            .iter()
            .map(|n| {
                Ok((
                    n.created_at
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    name(n.author_id),
                    open(&n.body_sealed)?,
                ))
            })
            .collect::<Result<_, AppError>>()?,
    };
    let txn = db::begin_write(&state.db).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::CaseRead)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("case", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(detail)
}

/// Adds a note to a case and, if given, sets its status (the lead or a council admin).
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: CaseId,
    note: &str,
    status: &str,
) -> Result<(), AppError> {
    let c = access::case_readable(&state.db, actor, id).await?;
    let me = access::person_of(actor)?;
    let note = text("note", note, true)?;
    let status = if status.trim().is_empty() {
        None
    } else {
        Some(CaseStatus::parse("status", status)?)
    };
    if note.is_empty() && status.is_none() {
        return Err(AppError::invalid("note", InputProblem::Required));
    }
    let now = Utc::now();
    let txn = db::begin_write(&state.db).await?;
    if !note.is_empty() {
        safeguarding_note::Entity::insert(safeguarding_note::ActiveModel {
            id: Set(db::new_id()),
            case_id: Set(c.id),
            author_id: Set(me.0),
            body_sealed: Set(state.keyring.seal(Purpose::Safeguarding, &note)),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let mut update = safeguarding_case::Entity::update_many()
        .col_expr(safeguarding_case::Column::UpdatedAt, Expr::value(now))
        .filter(safeguarding_case::Column::Id.eq(c.id));
    if let Some(status) = status {
        update = update.col_expr(
            safeguarding_case::Column::Status,
            Expr::value(status.code()),
        );
    }
    update.exec(&txn).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::CaseUpdated)
            .council(CouncilId(c.council_id))
            .by(me)
            .subject("case", c.id)
            .detail("note", !note.is_empty())
            .detail("status", status.map(|s| s.code()).unwrap_or_default()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
