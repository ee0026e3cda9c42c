//! Mail to one person about news of theirs: the person's choice honoured (no mail, discreet
//! or plain), nothing queued for a disabled person or one without an address. Every
//! capability that tells a person something queues it here.

use sea_orm::{ConnectionTrait, EntityTrait};

use super::entities::person;
use crate::domain::AppState;
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::mail::{self, Outgoing, Params, Template};
use crate::model::AppError;
use crate::model::identity::{EmailAddress, NotifyPreference};
use crate::model::ids::{CouncilId, PersonId};

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

/// Queues one notice to a person already loaded.
pub async fn queue(
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
