//! Operator commands: set up councils and their first admins, and check the audit chain.
//! The platform operator exists only here, on the command line.

use chrono::Utc;
use roundtable_app::domain::audit::{self, Event};
use roundtable_app::domain::entities::council;
use roundtable_app::domain::{AppState, invitations};
use roundtable_app::model::identity::EmailAddress;
use roundtable_app::model::ids::CouncilId;
use roundtable_app::model::viewer::Role;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use crate::StartError;

fn fail(message: impl Into<String>) -> StartError {
    StartError::Operator(message.into())
}

/// What `council create` needs.
#[derive(Debug, Clone)]
pub struct NewCouncil {
    /// Short unique name used on the command line (`a-z`, `0-9`, `-`).
    pub slug: String,
    /// The council's name.
    pub name: String,
    /// ISO 3166 country code (two letters).
    pub country: String,
    /// Language codes, the first being the default.
    pub languages: Vec<String>,
    /// IANA time zone, e.g. `Europe/Vienna`.
    pub time_zone: String,
    /// ISO 4217 currency, e.g. `EUR`.
    pub currency: String,
}

/// Creates a council after checking every field; returns its id.
pub async fn create_council(state: &AppState, new: NewCouncil) -> Result<Uuid, StartError> {
    if new.slug.is_empty()
        || new.slug.len() > 64
        || !new
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(fail("--slug must be 1-64 characters of a-z, 0-9 and -"));
    }
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(fail("--name must be 1-200 characters"));
    }
    if new.country.len() != 2 || !new.country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(fail("--country must be a two-letter code such as AT"));
    }
    if new.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err(fail(
            "--time-zone must be an IANA zone such as Europe/Vienna",
        ));
    }
    if new.currency.len() != 3 || !new.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(fail("--currency must be a three-letter code such as EUR"));
    }
    let supported = ["en", "fr"];
    if new.languages.is_empty()
        || new
            .languages
            .iter()
            .any(|l| !supported.contains(&l.as_str()))
    {
        return Err(fail(format!(
            "--languages must list codes from: {}",
            supported.join(", ")
        )));
    }
    let exists = council::Entity::find()
        .filter(council::Column::Slug.eq(new.slug.clone()))
        .one(&state.db)
        .await
        .map_err(|_| fail("the database could not be read"))?;
    if exists.is_some() {
        return Err(fail(format!(
            "a council with slug `{}` exists already",
            new.slug
        )));
    }
    let id = Uuid::now_v7();
    let txn = state
        .db
        .begin()
        .await
        .map_err(|_| fail("the database could not be written"))?;
    council::Entity::insert(council::ActiveModel {
        id: Set(id),
        slug: Set(new.slug.clone()),
        name: Set(name.to_owned()),
        country: Set(new.country.to_uppercase()),
        default_language: Set(new.languages[0].clone()),
        time_zone: Set(new.time_zone.clone()),
        currency: Set(new.currency.to_uppercase()),
        created_at: Set(Utc::now()),
        languages: Set(new.languages.join(",")),
        settings: Set("{}".to_owned()),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|_| fail("the council could not be saved"))?;
    audit::record(
        &txn,
        Event::new("council.created")
            .council(CouncilId(id))
            .subject("council", id)
            .detail("by", "operator"),
    )
    .await
    .map_err(|_| fail("the audit row could not be written"))?;
    txn.commit()
        .await
        .map_err(|_| fail("the database could not be written"))?;
    Ok(id)
}

/// Invites the first (or another) council admin by email. The invitation goes through the
/// outbox like any other; the running server's worker sends it.
pub async fn add_admin(state: &AppState, slug: &str, email: &str) -> Result<(), StartError> {
    let email =
        EmailAddress::parse("email", email).map_err(|_| fail("--email is not an email address"))?;
    let found = council::Entity::find()
        .filter(council::Column::Slug.eq(slug))
        .one(&state.db)
        .await
        .map_err(|_| fail("the database could not be read"))?
        .ok_or_else(|| fail(format!("no council with slug `{slug}`")))?;
    let txn = state
        .db
        .begin()
        .await
        .map_err(|_| fail("the database could not be written"))?;
    let council = CouncilId(found.id);
    let id = invitations::issue(
        &txn,
        state,
        council,
        &found.default_language,
        &email,
        Role::CouncilAdmin,
        None,
    )
    .await
    .map_err(|_| fail("the invitation could not be saved"))?;
    audit::record(
        &txn,
        Event::new("invitation.created")
            .council(council)
            .subject("invitation", id)
            .detail("role", Role::CouncilAdmin.code())
            .detail("by", "operator"),
    )
    .await
    .map_err(|_| fail("the audit row could not be written"))?;
    txn.commit()
        .await
        .map_err(|_| fail("the database could not be written"))?;
    Ok(())
}

/// Walks the audit chain; the error names the first broken row.
pub async fn verify_audit(state: &AppState) -> Result<i64, StartError> {
    audit::verify(&state.db)
        .await
        .map_err(|e| fail(e.to_string()))
}
