//! The secretariat's answer to every comment: decision, explanation, and which sections the
//! comment changed.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::access::phase_of;
use super::entities::comment;
use super::entities::comment_change;
use super::entities::draft_version;
use super::entities::response;
use super::entities::section;
use super::threads::ViewContext;
use super::{access, store};
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::platform::audit::{self, Event};
use crate::model::audit::AuditAction;
use crate::model::comment::{
    AnswerQueue, CommentStatus, Decision, MAX_NOTE_CHARS, QueueItem, ResponseFields, required_text,
};
use crate::model::consultation::Phase;
use crate::model::ids::{CommentId, ConsultationId, CouncilId};
use crate::model::{AppError, InputProblem};

/// Comments that count (visible ones: withdrawn are gone, hidden were moderated) and how
/// many of them have no answer.
pub async fn counts(
    db: &impl ConnectionTrait,
    consultation: ConsultationId,
) -> Result<(i64, i64), AppError> {
    let consultation = consultation.0;
    let total = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(consultation))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .count(db)
        .await?;
    let answered = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation))
        .filter(
            response::Column::CommentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(comment::Column::Id)
                    .from(comment::Entity)
                    .and_where(comment::Column::ConsultationId.eq(consultation))
                    .and_where(comment::Column::Status.eq(CommentStatus::Visible.code()))
                    .to_owned(),
            ),
        )
        .count(db)
        .await?;
    let total = i64::try_from(total).unwrap_or(i64::MAX);
    let answered = i64::try_from(answered).unwrap_or(i64::MAX);
    Ok((total, total - answered))
}

/// Records (or changes) the answer to a comment. The first answer tells the author by mail.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    id: CommentId,
    fields: &ResponseFields,
) -> Result<(), AppError> {
    let db = &state.db;
    let c = comment::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let consultation = access::managed(db, actor, ConsultationId(c.consultation_id)).await?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let decision = Decision::parse("decision", &fields.decision)?;
    let explanation = required_text("explanation", &fields.explanation, MAX_NOTE_CHARS)?;
    if c.status == CommentStatus::Withdrawn.code() {
        return Err(AppError::Conflict);
    }
    let phase = phase_of(&consultation);
    if phase == Phase::Draft || phase == Phase::OutcomePublished {
        return Err(AppError::Conflict);
    }
    let mut changed = fields.changed.as_deref().is_some_and(|v| !v.is_empty());
    // Another section the comment changed: one of this consultation's (any version).
    let also = match fields
        .also
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        None => None,
        Some(a) if a == c.anchor => {
            changed = true;
            None
        }
        Some(a) => {
            if !section_anchors(db, c.consultation_id)
                .await?
                .iter()
                .any(|(anchor, _)| anchor == a)
            {
                return Err(AppError::invalid("also", InputProblem::Incorrect));
            }
            Some(a.to_owned())
        }
    };
    let now = Utc::now();
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let first = response::Entity::find()
        .filter(response::Column::CommentId.eq(c.id))
        .one(&txn)
        .await?
        .is_none();
    response::Entity::insert(response::ActiveModel {
        id: Set(crate::domain::platform::db::new_id()),
        comment_id: Set(c.id),
        consultation_id: Set(c.consultation_id),
        decision: Set(decision.code().to_owned()),
        explanation: Set(explanation.clone()),
        answered_by: Set(person.0),
        answered_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(response::Column::CommentId)
            .update_columns([
                response::Column::Decision,
                response::Column::Explanation,
                response::Column::AnsweredBy,
                response::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    comment_change::Entity::delete_many()
        .filter(comment_change::Column::CommentId.eq(c.id))
        .exec(&txn)
        .await?;
    for anchor in changed.then(|| c.anchor.clone()).into_iter().chain(also) {
        comment_change::Entity::insert(comment_change::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            consultation_id: Set(c.consultation_id),
            comment_id: Set(c.id),
            anchor: Set(anchor),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Event::new(AuditAction::CommentAnswered)
            .council(CouncilId(consultation.council_id))
            .by_actor(actor)
            .subject("comment", c.id)
            .detail("decision", decision.code()),
    )
    .await?;
    if first {
        let author = super::authorship::sealed_author(&state.keyring, &c)?;
        super::notify::person(
            &txn,
            state,
            CouncilId(consultation.council_id),
            author,
            crate::domain::platform::mail::Template::CommentAnswered,
            &format!("answered:{}", c.id),
            &super::notify::link(ConsultationId(c.id)),
        )
        .await?;
    }
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Every comment of a consultation for the secretariat, unanswered first, in reading order.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
) -> Result<AnswerQueue, AppError> {
    let db = &state.db;
    let c = access::managed(db, actor, id).await?;
    let tz = store::time_zone(db, CouncilId(c.council_id)).await?;
    let rows = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Status.ne(CommentStatus::Withdrawn.code()))
        .order_by_asc(comment::Column::CreatedAt)
        .all(db)
        .await?;
    let ctx = ViewContext::load(db, &rows, &tz, true, actor.person()).await?;
    let section_ids: Vec<Uuid> = rows.iter().map(|r| r.section_id).collect();
    let sections: std::collections::HashMap<Uuid, section::Model> = section::Entity::find()
        .filter(section::Column::Id.is_in(section_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut items: Vec<(bool, i32, QueueItem)> = rows
        .iter()
        .filter_map(|r| {
            let s = sections.get(&r.section_id);
            let view = ctx.view(&state.keyring, r, s.map(|s| s.body.as_str()), 0)?;
            let answered = view.response.is_some();
            Some((
                answered,
                s.map_or(i32::MAX, |s| s.position),
                QueueItem {
                    section_title: s.map_or_else(|| r.anchor.clone(), store::section_title),
                    anchor: r.anchor.clone(),
                    comment: view,
                },
            ))
        })
        .collect();
    items.sort_by_key(|(answered, position, _)| (*answered, *position));
    let (_, unanswered) = counts(db, ConsultationId(c.id)).await?;
    Ok(AnswerQueue {
        consultation: id,
        title: c.title,
        unanswered,
        items: items.into_iter().map(|(_, _, i)| i).collect(),
        sections: section_anchors(db, c.id).await?,
    })
}

/// Every section anchor of a consultation, across its versions, with the newest title of
/// each, in the reading order of the newest version that has it (two queries).
async fn section_anchors(
    db: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let versions: Vec<(Uuid, i32)> = draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(consultation))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.number))
        .collect();
    let number: std::collections::HashMap<Uuid, i32> = versions.iter().copied().collect();
    let mut rows = section::Entity::find()
        .filter(section::Column::VersionId.is_in(versions.iter().map(|(id, _)| *id)))
        .all(db)
        .await?;
    // Newest version first, then reading order: the first row of each anchor wins.
    rows.sort_by_key(|s| {
        (
            std::cmp::Reverse(number.get(&s.version_id).copied().unwrap_or(0)),
            s.position,
        )
    });
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .iter()
        .filter(|s| seen.insert(s.anchor.clone()))
        .map(|s| (s.anchor.clone(), store::section_title(s)))
        .collect())
}
