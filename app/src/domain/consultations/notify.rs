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
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::mail::{self, Outgoing, Params, Template};
use crate::model::AppError;
use crate::model::consultation::Visibility;
use crate::model::identity::{EmailAddress, NotifyPreference};
use crate::model::ids::{ConsultationId, CouncilId, PersonId};
use crate::model::viewer::Role;

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

/// One notice to queue: which template, its idempotency key (a keyed hash of it is stored),
/// the path its link opens, and when it may go.
#[derive(Debug, Clone, Copy)]
pub struct Notice<'a> {
    /// The template.
    pub template: Template,
    /// Unique per logical mail (the person's id is added).
    pub key: &'a str,
    /// The path the mail links to.
    pub path: &'a str,
    /// Not sent before this time.
    pub due: chrono::DateTime<chrono::Utc>,
}

/// Queues one notice to one person, unless they chose no mail, have no address, or are
/// disabled.
pub async fn person(
    db: &impl ConnectionTrait,
    state: &AppState,
    council: CouncilId,
    who: PersonId,
    notice: Notice<'_>,
) -> Result<(), AppError> {
    let Some(p) = person::Entity::find_by_id(who.0).one(db).await? else {
        return Ok(());
    };
    queue(db, state, council, &p, notice).await
}

async fn queue(
    db: &impl ConnectionTrait,
    state: &AppState,
    council: CouncilId,
    p: &person::Model,
    notice: Notice<'_>,
) -> Result<(), AppError> {
    let Notice {
        template,
        key,
        path,
        due,
    } = notice;
    let preference = NotifyPreference::from_code(&p.notify).unwrap_or(NotifyPreference::Discreet);
    if preference == NotifyPreference::None || p.disabled_at.is_some() {
        return Ok(());
    }
    let Some(sealed) = &p.email_ciphertext else {
        return Ok(());
    };
    let address = state.keyring.open(Purpose::PersonEmail, sealed)?;
    let Ok(to) = EmailAddress::parse("email", &address) else {
        return Ok(());
    };
    mail::enqueue(
        db,
        &state.keyring,
        Outgoing {
            key: format!("{key}:{}", p.id),
            due,
            council: Some(council),
            template,
            locale: &p.preferred_language,
            to: &to,
            params: Params {
                link: format!("{}{path}", state.settings.base_url),
                discreet: preference == NotifyPreference::Discreet,
            },
        },
    )
    .await
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
