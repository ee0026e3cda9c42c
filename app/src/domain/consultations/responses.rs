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
    AnswerQueue, Attribution, CommentStatus, Decision, MAX_NOTE_CHARS, QueueItem, ResponseFields,
    required_text,
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
        let council = CouncilId(consultation.council_id);
        let template = crate::domain::platform::mail::Template::CommentAnswered;
        if c.attribution == Attribution::Named.code() {
            super::notify::person(
                &txn,
                state,
                council,
                author,
                super::notify::Notice {
                    template,
                    key: &format!("answered:{}", c.id),
                    path: &super::notify::link_to_comment(CommentId(c.id)),
                    due: now,
                },
            )
            .await?;
        } else {
            // Nothing in the mail, its link, headers, key or time may point at the comment:
            // one notice per person and day, sent at the day's fixed hour, linking to the
            // start page where the author (signed in) finds their answers.
            let tz = store::time_zone(&txn, council).await?;
            super::notify::person(
                &txn,
                state,
                council,
                author,
                super::notify::Notice {
                    template,
                    key: &format!("answers:{}", now.format("%Y-%m-%d")),
                    path: "/",
                    due: unattributed_notice_time(now, &tz),
                },
            )
            .await?;
        }
    }
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// The hour (council time) at which the day's answer notices of anonymous and pseudonymous
/// comments go out together.
pub const UNATTRIBUTED_NOTICE_HOUR: u32 = 17;

/// When a notice queued at `now` about an anonymous or pseudonymous comment is sent: the next
/// [`UNATTRIBUTED_NOTICE_HOUR`] o'clock in the council's time zone, so that its sending time
/// says nothing about when the comment was answered.
pub fn unattributed_notice_time(
    now: chrono::DateTime<Utc>,
    time_zone: &str,
) -> chrono::DateTime<Utc> {
    use chrono::{Days, NaiveTime, TimeZone as _};
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    let at = NaiveTime::from_hms_opt(UNATTRIBUTED_NOTICE_HOUR, 0, 0).unwrap_or_default();
    for day in [
        local.date_naive(),
        local.date_naive() + Days::new(1),
        local.date_naive() + Days::new(2),
    ] {
        if let Some(due) = tz.from_local_datetime(&day.and_time(at)).earliest()
            && due > now
        {
            return due.with_timezone(&Utc);
        }
    }
    now + chrono::Duration::days(1)
}

/// The reader's own comments that have an answer, newest answer first (at most 20), among
/// `consultations` (the ones the reader may read). Anonymous and pseudonymous comments are
/// recognised by their keyed author tag, so only the author ever sees them listed.
pub async fn own_answered(
    db: &impl ConnectionTrait,
    keyring: &crate::domain::platform::crypto::Keyring,
    actor: &Actor,
    consultations: &[(ConsultationId, String)],
    time_zone: &str,
) -> Result<Vec<crate::model::comment::OwnAnswer>, AppError> {
    let Some(person) = actor.person() else {
        return Ok(Vec::new());
    };
    if consultations.is_empty() {
        return Ok(Vec::new());
    }
    let titles: std::collections::HashMap<Uuid, &str> = consultations
        .iter()
        .map(|(id, t)| (id.0, t.as_str()))
        .collect();
    let answers = response::Entity::find()
        .filter(response::Column::ConsultationId.is_in(titles.keys().copied()))
        .order_by_desc(response::Column::AnsweredAt)
        .all(db)
        .await?;
    if answers.is_empty() {
        return Ok(Vec::new());
    }
    let comments: std::collections::HashMap<Uuid, comment::Model> = comment::Entity::find()
        .filter(comment::Column::Id.is_in(answers.iter().map(|a| a.comment_id)))
        .filter(comment::Column::Status.ne(CommentStatus::Withdrawn.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(answers
        .iter()
        .filter_map(|a| {
            let c = comments.get(&a.comment_id)?;
            super::authorship::is_author(keyring, person, c).then(|| {
                crate::model::comment::OwnAnswer {
                    comment: CommentId(c.id),
                    consultation_title: titles
                        .get(&c.consultation_id)
                        .map(|t| (*t).to_owned())
                        .unwrap_or_default(),
                    decision: Decision::from_code(&a.decision).unwrap_or(Decision::Noted),
                    answered_local: crate::domain::identity::councils::local_time(
                        a.answered_at,
                        time_zone,
                    ),
                }
            })
        })
        .take(20)
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn unattributed_notices_wait_for_the_days_fixed_hour() {
        let at = |h, m| {
            Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
                .single()
                .expect("time")
        };
        // Vienna is UTC+1 in December: 17:00 there is 16:00 UTC.
        assert_eq!(
            unattributed_notice_time(at(9, 30), "Europe/Vienna"),
            at(16, 0)
        );
        assert_eq!(
            unattributed_notice_time(at(15, 59), "Europe/Vienna"),
            at(16, 0)
        );
        // At or after the hour: the next day's.
        let next = Utc
            .with_ymd_and_hms(2026, 12, 2, 16, 0, 0)
            .single()
            .expect("time");
        assert_eq!(unattributed_notice_time(at(16, 0), "Europe/Vienna"), next);
        assert_eq!(unattributed_notice_time(at(23, 50), "Europe/Vienna"), next);
        // Every answer of one day leaves at the same moment, whatever its own time.
        let day: std::collections::HashSet<_> = (0..16)
            .map(|h| unattributed_notice_time(at(h, 7), "Europe/Vienna"))
            .collect();
        assert_eq!(day.len(), 1);
        // An unknown zone counts as UTC.
        assert_eq!(
            unattributed_notice_time(at(9, 0), "Nowhere/Else"),
            at(17, 0)
        );
    }
}
