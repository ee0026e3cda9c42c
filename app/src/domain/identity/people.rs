//! People: their own account and the preferences they set for themselves.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::entities::council;
use super::entities::membership;
use super::entities::person;
use crate::domain::Actor;
use crate::model::identity::{AccountView, DisplayName, NotifyPreference};
use crate::model::{AppError, InputProblem};

/// Saves the signed-in person's preferred language (anonymous visitors keep it in a cookie only).
/// `language` has already been parsed against the app's locales by the caller.
pub async fn set_preferred_language(
    db: &impl ConnectionTrait,
    actor: &Actor,
    language: &str,
) -> Result<(), AppError> {
    let Actor::Person(p) = actor else {
        return Ok(());
    };
    let Some(found) = person::Entity::find_by_id(p.person_id.0).one(db).await? else {
        return Ok(());
    };
    let mut active: person::ActiveModel = found.into();
    active.preferred_language = Set(language.to_owned());
    active.update(db).await?;
    Ok(())
}

/// The signed-in person's account page.
pub async fn account(
    db: &impl ConnectionTrait,
    actor: &Actor,
    auth: Option<super::SessionAuth>,
) -> Result<AccountView, AppError> {
    let (Actor::Person(p), Some(auth)) = (actor, auth) else {
        return Err(AppError::Unauthenticated);
    };
    let found = person::Entity::find_by_id(p.person_id.0)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let council_ids: Vec<uuid::Uuid> = membership::Entity::find()
        .filter(membership::Column::PersonId.eq(p.person_id.0))
        .filter(membership::Column::SuspendedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.council_id)
        .collect();
    let councils = council::Entity::find()
        .filter(council::Column::Id.is_in(council_ids))
        .order_by_asc(council::Column::Name)
        .all(db)
        .await?
        .iter()
        .map(super::councils::summary)
        .collect();
    Ok(AccountView {
        display_name: found.display_name,
        preferred_language: found.preferred_language,
        notify: NotifyPreference::from_code(&found.notify).unwrap_or(NotifyPreference::Discreet),
        second_factor_enrolled: found.totp_enabled_at.is_some(),
        second_factor_passed: auth.second_factor,
        roles_waiting_for_second_factor: p.waiting_roles.iter().copied().collect(),
        councils,
        current_council: p.council_id,
    })
}

/// Saves the signed-in person's display name and notification choice.
pub async fn update_account(
    db: &impl ConnectionTrait,
    actor: &Actor,
    display_name: &str,
    notify: &str,
) -> Result<(), AppError> {
    let Actor::Person(p) = actor else {
        return Err(AppError::Unauthenticated);
    };
    let name = DisplayName::parse("display_name", display_name)?;
    let notify = NotifyPreference::from_code(notify)
        .ok_or_else(|| AppError::invalid("notify", InputProblem::Malformed))?;
    let Some(found) = person::Entity::find_by_id(p.person_id.0).one(db).await? else {
        return Err(AppError::Unauthenticated);
    };
    let mut active: person::ActiveModel = found.into();
    active.display_name = Set(name.as_str().to_owned());
    active.notify = Set(notify.code().to_owned());
    active.update(db).await?;
    Ok(())
}
