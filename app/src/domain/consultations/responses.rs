//! The secretariat's answer to every comment: decision, explanation, and which sections the
//! comment changed.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::access::phase_of;
use super::entities::comment;
use super::entities::comment_change;
use super::entities::draft_version;
use super::entities::response;
use super::entities::section;
use super::{access, store};
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::platform::audit::{self, Event};
use crate::model::audit::AuditAction;
use crate::model::comment::{
    Attribution, CommentStatus, Decision, MAX_NOTE_CHARS, ResponseFields, required_text,
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

/// [`counts`], kept while the consultation `c` is at the revision it was read at
/// ([`super::aggregates`]).
pub async fn counts_kept(
    state: &AppState,
    c: &super::entities::consultation::Model,
) -> Result<(i64, i64), AppError> {
    use super::aggregates::{Aggregate, Key};
    let key = Key {
        consultation: c.id,
        revision: c.revision,
        what: "counts".to_owned(),
    };
    if let Some(Aggregate::Counts(total, unanswered)) = state.aggregates.get(&key) {
        return Ok((total, unanswered));
    }
    let (total, unanswered) = counts(&state.db, ConsultationId(c.id)).await?;
    state
        .aggregates
        .put(key, Aggregate::Counts(total, unanswered));
    Ok((total, unanswered))
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
    if c.status == CommentStatus::Withdrawn.code() {
        return Err(AppError::Conflict);
    }
    answer_rows(state, actor, &consultation, &[c], fields, None).await?;
    Ok(())
}

/// Records one answer on every comment of `rows` (all of `consultation`, none withdrawn), in
/// one transaction: each comment gets its own answer row, change links and audit entry, and
/// its author the mail of a first answer. `group` names the group of near-identical
/// comments answered together: its named authors get one mail for the group. Returns how
/// many comments were answered.
pub(super) async fn answer_rows(
    state: &AppState,
    actor: &Actor,
    consultation: &super::entities::consultation::Model,
    rows: &[comment::Model],
    fields: &ResponseFields,
    group: Option<Uuid>,
) -> Result<usize, AppError> {
    use std::collections::{HashMap, HashSet};
    let db = &state.db;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let decision = Decision::parse("decision", &fields.decision)?;
    let explanation = required_text("explanation", &fields.explanation, MAX_NOTE_CHARS)?;
    let phase = phase_of(consultation);
    if phase == Phase::Draft || phase == Phase::OutcomePublished {
        return Err(AppError::Conflict);
    }
    if rows.is_empty() {
        return Ok(0);
    }
    let changed = fields.changed.as_deref().is_some_and(|v| !v.is_empty());
    // Another section the comments changed: one of this consultation's (any version).
    let also = match fields
        .also
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        None => None,
        Some(a) => {
            if !section_anchors(db, consultation.id)
                .await?
                .iter()
                .any(|(anchor, _)| anchor == a)
            {
                return Err(AppError::invalid("also", InputProblem::Incorrect));
            }
            Some(a.to_owned())
        }
    };
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let now = Utc::now();
    let council = CouncilId(consultation.council_id);
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let mut answered_before: HashSet<Uuid> = HashSet::new();
    for chunk in ids.chunks(500) {
        answered_before.extend(
            response::Entity::find()
                .select_only()
                .column(response::Column::CommentId)
                .filter(response::Column::CommentId.is_in(chunk.to_vec()))
                .into_tuple::<Uuid>()
                .all(&txn)
                .await?,
        );
    }
    for chunk in rows.chunks(200) {
        response::Entity::insert_many(chunk.iter().map(|c| response::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            comment_id: Set(c.id),
            consultation_id: Set(c.consultation_id),
            decision: Set(decision.code().to_owned()),
            explanation: Set(explanation.clone()),
            answered_by: Set(person.0),
            answered_at: Set(now),
            updated_at: Set(now),
        }))
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
    }
    for chunk in ids.chunks(500) {
        comment_change::Entity::delete_many()
            .filter(comment_change::Column::CommentId.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    let links: Vec<comment_change::ActiveModel> = rows
        .iter()
        .flat_map(|c| {
            let own =
                (changed || also.as_deref() == Some(c.anchor.as_str())).then(|| c.anchor.clone());
            let other = also.clone().filter(|a| *a != c.anchor);
            own.into_iter()
                .chain(other)
                .map(|anchor| comment_change::ActiveModel {
                    id: Set(crate::domain::platform::db::new_id()),
                    consultation_id: Set(c.consultation_id),
                    comment_id: Set(c.id),
                    anchor: Set(anchor),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for chunk in links.chunks(200) {
        comment_change::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for c in rows {
        let mut event = Event::new(AuditAction::CommentAnswered)
            .council(council)
            .by_actor(actor)
            .subject("comment", c.id)
            .detail("decision", decision.code());
        if let Some(g) = group {
            event = event.detail("group", g.to_string());
        }
        audit::record(&txn, event).await?;
    }
    // The authors of first answers: named ones by comment (or once for the group),
    // anonymous and pseudonymous ones in the day's notice.
    let template = crate::domain::platform::mail::Template::CommentAnswered;
    let mut notices: HashMap<crate::model::ids::PersonId, (String, String, chrono::DateTime<Utc>)> =
        HashMap::new();
    let mut unattributed_due = None;
    for c in rows.iter().filter(|c| !answered_before.contains(&c.id)) {
        let author = super::authorship::sealed_author(&state.keyring, c)?;
        if c.attribution == Attribution::Named.code() {
            let key = match group {
                Some(g) => format!("answered-group:{g}"),
                None => format!("answered:{}", c.id),
            };
            notices
                .entry(author)
                .or_insert_with(|| (key, super::notify::link_to_comment(CommentId(c.id)), now));
        } else {
            // Nothing in the mail, its link, headers, key or time may point at the comment:
            // one notice per person and day, sent at the day's fixed hour, linking to the
            // start page where the author (signed in) finds their answers.
            let due = match unattributed_due {
                Some(due) => due,
                None => {
                    let tz = store::time_zone(&txn, council).await?;
                    let due = unattributed_notice_time(now, &tz);
                    unattributed_due = Some(due);
                    due
                }
            };
            notices.entry(author).or_insert_with(|| {
                (
                    format!("answers:{}", now.format("%Y-%m-%d")),
                    "/".to_owned(),
                    due,
                )
            });
        }
    }
    let people: Vec<Uuid> = notices.keys().map(|p| p.0).collect();
    let mut loaded = Vec::new();
    for chunk in people.chunks(500) {
        loaded.extend(
            crate::domain::identity::entities::person::Entity::find()
                .filter(crate::domain::identity::entities::person::Column::Id.is_in(chunk.to_vec()))
                .all(&txn)
                .await?,
        );
    }
    for p in &loaded {
        if let Some((key, path, due)) = notices.get(&crate::model::ids::PersonId(p.id)) {
            crate::domain::identity::notices::queue(
                &txn,
                state,
                council,
                p,
                super::notify::Notice {
                    template,
                    key,
                    path,
                    due: *due,
                },
            )
            .await?;
        }
    }
    txn.commit().await?;
    if !notices.is_empty() {
        state.mail_wakeup.notify_one();
    }
    Ok(rows.len())
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

/// Every section anchor of a consultation, across its versions, with the newest title of
/// each, in the reading order of the newest version that has it (two queries).
pub(super) async fn section_anchors(
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
