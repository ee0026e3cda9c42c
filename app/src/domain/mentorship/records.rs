//! Small shared pieces of the capability: the council's day, people's names, sealed profiles,
//! and the discreet notice.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::entities::participant;
use crate::domain::identity::entities::person;
use crate::domain::identity::notices::{self, Notice};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::mail::Template;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::mentorship::{CertificateName, ParticipantRole, ParticipantState, Profile};

/// The council's time zone (the one the actor acts in).
pub fn zone(actor: &Actor) -> chrono_tz::Tz {
    match actor {
        Actor::Person(p) => p.time_zone.parse().unwrap_or(chrono_tz::UTC),
        Actor::Anonymous => chrono_tz::UTC,
    }
}

/// Today in the council's time zone.
pub fn today(actor: &Actor) -> NaiveDate {
    Utc::now().with_timezone(&zone(actor)).date_naive()
}

/// A day as stored, `YYYY-MM-DD`.
pub fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The council's name (the one the actor acts in).
pub fn council_name(actor: &Actor) -> String {
    match actor {
        Actor::Person(p) => p.council_name.clone(),
        Actor::Anonymous => String::new(),
    }
}

/// Display names of `ids`, in one statement.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = uuid::Uuid>,
) -> Result<HashMap<uuid::Uuid, String>, AppError> {
    let mut ids: Vec<uuid::Uuid> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(uuid::Uuid, String)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::DisplayName)
        .filter(person::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A participant's profile, if they filled it in.
pub fn profile_of(keyring: &Keyring, p: &participant::Model) -> Result<Option<Profile>, AppError> {
    let Some(sealed) = &p.profile_sealed else {
        return Ok(None);
    };
    let json = keyring.open(Purpose::MentorshipProfile, sealed)?;
    serde_json::from_str(&json).map(Some).map_err(|_| {
        tracing::error!("a stored profile does not parse");
        AppError::Internal
    })
}

/// Seals a profile for storage.
pub fn seal_profile(keyring: &Keyring, profile: &Profile) -> Result<String, AppError> {
    let json = serde_json::to_string(profile).map_err(|_| AppError::Internal)?;
    Ok(keyring.seal(Purpose::MentorshipProfile, &json))
}

/// A stored participant role (unknown codes read as mentee, the less trusted side).
pub fn role(p: &participant::Model) -> ParticipantRole {
    ParticipantRole::from_code(&p.role).unwrap_or(ParticipantRole::Mentee)
}

/// A stored participant state.
pub fn state(p: &participant::Model) -> ParticipantState {
    ParticipantState::from_code(&p.state).unwrap_or(ParticipantState::Declined)
}

/// A stored certificate name choice.
pub fn certificate_name(p: &participant::Model) -> CertificateName {
    CertificateName::from_code(&p.certificate_name).unwrap_or(CertificateName::Display)
}

/// Queues the discreet "there is news" mail to one person, at most one per `what`, thing
/// and day. `path` is a neutral page path.
pub async fn tell(
    db: &impl ConnectionTrait,
    state: &AppState,
    council: CouncilId,
    who: PersonId,
    what: &str,
    thing: uuid::Uuid,
    path: &str,
) -> Result<(), AppError> {
    let key = format!("programme:{what}:{thing}:{}", Utc::now().format("%Y-%m-%d"));
    notices::person(
        db,
        state,
        council,
        who,
        Notice {
            template: Template::ProgrammeNews,
            key: &key,
            path,
            due: Utc::now(),
        },
    )
    .await
}
