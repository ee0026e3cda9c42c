//! People: preferences a person sets for themselves.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use super::Actor;
use super::entities::person;
use crate::model::AppError;

/// Saves the signed-in person's preferred language (anonymous visitors keep it in a cookie only).
/// `language` has already been parsed against the app's locales by the caller.
pub async fn set_preferred_language(
    db: &DatabaseConnection,
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
