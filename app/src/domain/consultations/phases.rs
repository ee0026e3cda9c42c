//! Phases: draft → open → closed → responded → outcome published. Moved by the secretariat or
//! by time (the background job's [`tick`]). Every move is one conditional UPDATE, so when two
//! processes try the same move only one succeeds and only that one queues the mails.

use crate::domain::platform::db::Connection;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::access;
use super::access::phase_of;
use super::entities::consultation;
use super::store;
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::identity::entities::council;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::mail::Template;
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::consultation::{Phase, PhaseStep};
use crate::model::ids::{ConsultationId, CouncilId};

/// Days before closing when members get a reminder, unless the council sets
/// `reminder_days` in its settings.
pub const DEFAULT_REMINDER_DAYS: i64 = 3;

/// Moves `c` from `from` to `to` if it is still in `from`; true when this call moved it.
async fn advance(
    txn: &impl sea_orm::ConnectionTrait,
    c: &consultation::Model,
    from: Phase,
    to: Phase,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut update = consultation::Entity::update_many()
        .col_expr(consultation::Column::Phase, Expr::value(to.code()));
    match to {
        Phase::Open => {
            update = update
                .col_expr(consultation::Column::OpenedAt, Expr::value(Some(now)))
                .col_expr(
                    consultation::Column::OpensAt,
                    Expr::value(Some(c.opens_at.map_or(now, |o| o.min(now)))),
                );
        }
        Phase::Closed => {
            update = update
                .col_expr(consultation::Column::ClosedAt, Expr::value(Some(now)))
                .col_expr(
                    consultation::Column::ClosesAt,
                    Expr::value(Some(c.closes_at.map_or(now, |close| close.min(now)))),
                );
        }
        _ => {}
    }
    let done = update
        .filter(consultation::Column::Id.eq(c.id))
        .filter(consultation::Column::Phase.eq(from.code()))
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

async fn opened(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    c: &consultation::Model,
    by: Option<&Actor>,
) -> Result<(), AppError> {
    let mut event = Event::new(AuditAction::ConsultationOpened)
        .council(CouncilId(c.council_id))
        .subject("consultation", c.id);
    if let Some(actor) = by {
        event = event.by_actor(actor);
    }
    audit::record(txn, event).await?;
    super::notify::consultation_readers(
        txn,
        state,
        c,
        Template::ConsultationOpened,
        &format!("opened:{}", c.id),
    )
    .await
}

/// The secretariat opens a consultation now. It needs a published version.
pub async fn open(state: &AppState, actor: &Actor, id: ConsultationId) -> Result<(), AppError> {
    let db = &state.db;
    let c = access::managed(db, actor, id).await?;
    if phase_of(&c) != Phase::Draft {
        return Err(AppError::Conflict);
    }
    if store::latest_published(db, ConsultationId(c.id))
        .await?
        .is_none()
    {
        return Err(AppError::Conflict);
    }
    let now = Utc::now();
    if c.closes_at.is_some_and(|close| close <= now) {
        return Err(AppError::invalid(
            "closes_at",
            crate::model::InputProblem::Incorrect,
        ));
    }
    let txn = crate::domain::platform::db::begin_write(db).await?;
    if !advance(&txn, &c, Phase::Draft, Phase::Open, now).await? {
        return Err(AppError::Conflict);
    }
    opened(&txn, state, &c, Some(actor)).await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// The secretariat closes the comment period now.
pub async fn close(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<(), AppError> {
    let c = access::managed(db, actor, id).await?;
    let txn = crate::domain::platform::db::begin_write(db).await?;
    if !advance(&txn, &c, Phase::Open, Phase::Closed, Utc::now()).await? {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ConsultationClosed)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Marks a closed consultation as responded: only when every comment has an answer.
pub async fn mark_responded(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<(), AppError> {
    let c = access::managed(db, actor, id).await?;
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let (_, unanswered) = super::responses::counts(&txn, ConsultationId(c.id)).await?;
    if unanswered > 0 {
        return Err(AppError::Unanswered { count: unanswered });
    }
    if !advance(&txn, &c, Phase::Closed, Phase::Responded, Utc::now()).await? {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ConsultationResponded)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes the outcome report (optionally readable without signing in). Refused while any
/// comment has no answer.
pub async fn publish_outcome(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
    public: bool,
) -> Result<(), AppError> {
    let c = access::managed(db, actor, id).await?;
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let (_, unanswered) = super::responses::counts(&txn, ConsultationId(c.id)).await?;
    if unanswered > 0 {
        return Err(AppError::Unanswered { count: unanswered });
    }
    let now = Utc::now();
    // A closed consultation whose comments are all answered may go straight on.
    let from = phase_of(&c);
    if from == Phase::Closed {
        advance(&txn, &c, Phase::Closed, Phase::Responded, now).await?;
    }
    if !advance(&txn, &c, Phase::Responded, Phase::OutcomePublished, now).await? {
        return Err(AppError::Conflict);
    }
    consultation::Entity::update_many()
        .col_expr(consultation::Column::OutcomePublic, Expr::value(public))
        .filter(consultation::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    // Nobody can edit any more: what ties anonymous and pseudonymous comments to their
    // authors is destroyed in the same transaction.
    let forgotten = super::authorship::forget_authors(&txn, ConsultationId(c.id)).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::OutcomePublished)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id)
            .detail("public", public)
            .detail("authors_forgotten", forgotten),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Makes a published outcome report public or takes it back.
pub async fn set_outcome_public(
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
    public: bool,
) -> Result<(), AppError> {
    let c = access::managed(db, actor, id).await?;
    if phase_of(&c) != Phase::OutcomePublished {
        return Err(AppError::Conflict);
    }
    let txn = crate::domain::platform::db::begin_write(db).await?;
    consultation::Entity::update_many()
        .col_expr(consultation::Column::OutcomePublic, Expr::value(public))
        .filter(consultation::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::OutcomeVisibility)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id)
            .detail("public", public),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A phase step asked for by the secretariat's form: `open`, `close`, `responded`, `outcome`
/// (with `public`), `outcome_public`, `outcome_private`. Access is checked before the step.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    step: &str,
    public: bool,
) -> Result<(), AppError> {
    let db = &state.db;
    access::managed(db, actor, id).await?;
    // Parsed once the caller may run it, so nobody else learns anything from the answer.
    match PhaseStep::parse("step", step)? {
        PhaseStep::Open => open(state, actor, id).await,
        PhaseStep::Close => close(db, actor, id).await,
        PhaseStep::Responded => mark_responded(db, actor, id).await,
        PhaseStep::Outcome => publish_outcome(db, actor, id, public).await,
        PhaseStep::OutcomePublic => set_outcome_public(db, actor, id, true).await,
        PhaseStep::OutcomePrivate => set_outcome_public(db, actor, id, false).await,
    }
}

/// What one run of the job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Consultations opened by time.
    pub opened: usize,
    /// Consultations closed by time.
    pub closed: usize,
    /// Reminders queued (consultations).
    pub reminded: usize,
}

fn reminder_days(settings: &str) -> i64 {
    serde_json::from_str::<serde_json::Value>(settings)
        .ok()
        .and_then(|v| v.get("reminder_days").and_then(serde_json::Value::as_i64))
        .filter(|d| (0..=60).contains(d))
        .unwrap_or(DEFAULT_REMINDER_DAYS)
}

/// The background job: opens consultations whose opening time came (if a version is
/// published), closes those whose closing time passed, and queues "closing soon" reminders.
/// Safe to run in several processes at once.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<Tick, AppError> {
    let db = &state.db;
    let mut done = Tick::default();
    let due_to_open = consultation::Entity::find()
        .filter(consultation::Column::Phase.eq(Phase::Draft.code()))
        .filter(consultation::Column::OpensAt.lte(now))
        .all(db)
        .await?;
    for c in due_to_open {
        if store::latest_published(db, ConsultationId(c.id))
            .await?
            .is_none()
            || c.closes_at.is_some_and(|close| close <= now)
        {
            continue;
        }
        let txn = crate::domain::platform::db::begin_write(db).await?;
        if advance(&txn, &c, Phase::Draft, Phase::Open, now).await? {
            opened(&txn, state, &c, None).await?;
            done.opened += 1;
        }
        txn.commit().await?;
    }
    let due_to_close = consultation::Entity::find()
        .filter(consultation::Column::Phase.eq(Phase::Open.code()))
        .filter(consultation::Column::ClosesAt.lte(now))
        .all(db)
        .await?;
    for c in due_to_close {
        let txn = crate::domain::platform::db::begin_write(db).await?;
        if advance(&txn, &c, Phase::Open, Phase::Closed, now).await? {
            audit::record(
                &txn,
                Event::new(AuditAction::ConsultationClosed)
                    .council(CouncilId(c.council_id))
                    .subject("consultation", c.id)
                    .detail("by", "time"),
            )
            .await?;
            done.closed += 1;
        }
        txn.commit().await?;
    }
    let open = consultation::Entity::find()
        .filter(consultation::Column::Phase.eq(Phase::Open.code()))
        .filter(consultation::Column::ReminderSentAt.is_null())
        .filter(consultation::Column::ClosesAt.is_not_null())
        .all(db)
        .await?;
    for c in open {
        let Some(close) = c.closes_at else { continue };
        let days = match council::Entity::find_by_id(c.council_id).one(db).await? {
            Some(council) => reminder_days(&council.settings),
            None => DEFAULT_REMINDER_DAYS,
        };
        if days == 0 || now < close - Duration::days(days) || now >= close {
            continue;
        }
        let txn = crate::domain::platform::db::begin_write(db).await?;
        let claimed = consultation::Entity::update_many()
            .col_expr(consultation::Column::ReminderSentAt, Expr::value(Some(now)))
            .filter(consultation::Column::Id.eq(c.id))
            .filter(consultation::Column::ReminderSentAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            super::notify::consultation_readers(
                &txn,
                state,
                &c,
                Template::ClosingSoon,
                &format!("closing:{}:{}", c.id, close.timestamp()),
            )
            .await?;
            done.reminded += 1;
        }
        txn.commit().await?;
    }
    if done.opened + done.reminded > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_days_come_from_the_council_settings() {
        assert_eq!(reminder_days("{}"), DEFAULT_REMINDER_DAYS);
        assert_eq!(reminder_days(r#"{"reminder_days": 5}"#), 5);
        assert_eq!(
            reminder_days(r#"{"reminder_days": -1}"#),
            DEFAULT_REMINDER_DAYS
        );
        assert_eq!(reminder_days("not json"), DEFAULT_REMINDER_DAYS);
    }
}
