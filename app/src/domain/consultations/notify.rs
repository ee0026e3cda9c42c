//! Who is told about consultation news, and queueing their mails (discreet templates, each
//! person's choice honoured, one idempotency key per person and event so a mail is queued
//! once even when two processes notice the same event).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::consultation;
use super::entities::participant;
use crate::domain::AppState;
use crate::domain::identity::entities::membership;
use crate::domain::identity::entities::person;
use crate::domain::platform::mail::Template;
use crate::model::AppError;
use crate::model::consultation::Visibility;
use crate::model::ids::{ConsultationId, CouncilId};
use crate::model::viewer::Role;

use crate::domain::identity::notices::queue;
pub use crate::domain::identity::notices::{Notice, person};

/// The neutral path mails link to: `/go/<id>`, so no topic word appears in a mail, not even
/// in its link. [`target`] resolves it.
pub fn link(id: ConsultationId) -> String {
    format!("/go/{id}")
}

/// The neutral path to a named comment (never used for anonymous or pseudonymous ones: a mail
/// must not tie their author to them).
pub fn link_to_comment(id: crate::model::ids::CommentId) -> String {
    format!("/go/{id}")
}

/// Where a mail's `/go/<id>` leads: a consultation, or the chapter holding a comment, for a
/// reader who may read it (`None` otherwise, the same as for an unknown id). A signed-out
/// visitor is sent to sign in first, whatever the id: nothing is looked up for them, so the
/// link tells a stranger nothing.
pub async fn target(
    db: &impl ConnectionTrait,
    actor: &crate::domain::Actor,
    id: Uuid,
) -> Result<Option<String>, AppError> {
    use super::entities::comment;
    use super::entities::section;
    use sea_orm::QueryOrder;
    if actor.person().is_none() {
        return Ok(Some(format!("/sign-in?next=/go/{id}")));
    }
    let readable = |consultation: Uuid| async move {
        match super::access::readable(db, actor, ConsultationId(consultation)).await {
            Ok(_) => Ok(true),
            Err(AppError::NotFound | AppError::Forbidden) => Ok(false),
            Err(e) => Err(e),
        }
    };
    if consultation::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(readable(id).await?.then(|| format!("/consultations/{id}")));
    }
    let Some(c) = comment::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if !readable(c.consultation_id).await? {
        return Ok(None);
    }
    // The comment's thread on its section's page of comments: there whatever the number
    // of comments (a chapter shows only each section's newest threads).
    if let Some(thread) = c.thread_id {
        return Ok(Some(format!(
            "/consultations/{}/comments/{}?thread={thread}#comment-{id}",
            c.consultation_id, c.anchor
        )));
    }
    let chapter = match section::Entity::find_by_id(c.section_id).one(db).await? {
        Some(s) => section::Entity::find()
            .filter(section::Column::VersionId.eq(s.version_id))
            .filter(section::Column::Position.lte(s.position))
            .filter(section::Column::Depth.eq(0))
            .order_by_desc(section::Column::Position)
            .one(db)
            .await?
            .map_or(s.anchor, |h| h.anchor),
        None => c.anchor.clone(),
    };
    Ok(Some(format!(
        "/consultations/{}/part/{chapter}#comment-{id}",
        c.consultation_id
    )))
}

/// Queues a mail to everybody who may read the consultation as a member (council members
/// for "council" consultations, invited members for "invited" ones).
pub async fn consultation_readers(
    db: &impl ConnectionTrait,
    state: &AppState,
    c: &consultation::Model,
    template: Template,
    key: &str,
) -> Result<(), AppError> {
    let mut ids: Vec<Uuid> = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(c.council_id))
        .filter(membership::Column::Role.eq(Role::Member.code()))
        .filter(membership::Column::SuspendedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect();
    if Visibility::from_code(&c.visibility) != Some(Visibility::Council) {
        let invited: Vec<Uuid> = participant::Entity::find()
            .filter(participant::Column::ConsultationId.eq(c.id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.person_id)
            .collect();
        ids.retain(|id| invited.contains(id));
    }
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let path = link(ConsultationId(c.id));
    for p in person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
    {
        queue(
            db,
            state,
            CouncilId(c.council_id),
            &p,
            Notice {
                template,
                key,
                path: &path,
                due: chrono::Utc::now(),
            },
        )
        .await?;
    }
    Ok(())
}
