//! Councils: creating one (by the platform operator), which council a page is about, and the
//! council's local time.

use crate::domain::platform::db::Connection;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::entities::council;
use super::{audit_log, invitations, members};
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::identity::EmailAddress;
use crate::model::ids::CouncilId;
use crate::model::viewer::Role;
use crate::model::viewer::{CouncilSummary, Navigation, PageContext, ViewerSummary};

/// The languages the interface is offered in (a council's languages are a subset).
pub const SUPPORTED_LANGUAGES: &[&str] = &["en", "fr"];

/// A new council, as the operator gives it.
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

/// Why a new council was refused: each names its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouncilRefusal {
    /// The slug is not 1–64 characters of `a-z`, `0-9` and `-`.
    Slug,
    /// Another council has this slug.
    SlugTaken,
    /// The name is empty or longer than 200 characters.
    Name,
    /// The country is not a two-letter code.
    Country,
    /// The time zone is not an IANA zone.
    TimeZone,
    /// The currency is not a three-letter code.
    Currency,
    /// No language, or one that is not offered.
    Languages,
}

/// Why creating a council or inviting its admin failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouncilSetupError {
    /// A field was refused.
    Refused(CouncilRefusal),
    /// No council has this slug.
    UnknownCouncil,
    /// The email address is not one.
    Email,
    /// The database failed (logged).
    Store(AppError),
}

impl From<AppError> for CouncilSetupError {
    fn from(err: AppError) -> Self {
        Self::Store(err)
    }
}

impl From<sea_orm::DbErr> for CouncilSetupError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Store(err.into())
    }
}

impl NewCouncil {
    /// Checks every field.
    fn check(&self) -> Result<(), CouncilRefusal> {
        let slug_ok = !self.slug.is_empty()
            && self.slug.len() <= 64
            && self
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_ok {
            return Err(CouncilRefusal::Slug);
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(CouncilRefusal::Name);
        }
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(CouncilRefusal::Country);
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(CouncilRefusal::TimeZone);
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(CouncilRefusal::Currency);
        }
        if self.languages.is_empty()
            || self
                .languages
                .iter()
                .any(|l| !SUPPORTED_LANGUAGES.contains(&l.as_str()))
        {
            return Err(CouncilRefusal::Languages);
        }
        Ok(())
    }
}

/// Creates a council after checking every field (the platform operator, from the command
/// line); the row and its audit entry commit together.
pub async fn create(
    db: &impl Connection,
    new: &NewCouncil,
) -> Result<CouncilId, CouncilSetupError> {
    new.check().map_err(CouncilSetupError::Refused)?;
    let txn = db::begin_write(db).await?;
    let exists = council::Entity::find()
        .filter(council::Column::Slug.eq(new.slug.clone()))
        .one(&txn)
        .await?;
    if exists.is_some() {
        return Err(CouncilSetupError::Refused(CouncilRefusal::SlugTaken));
    }
    let id = crate::domain::platform::db::new_id();
    council::Entity::insert(council::ActiveModel {
        id: Set(id),
        slug: Set(new.slug.clone()),
        name: Set(new.name.trim().to_owned()),
        country: Set(new.country.to_uppercase()),
        default_language: Set(new.languages[0].clone()),
        time_zone: Set(new.time_zone.clone()),
        currency: Set(new.currency.to_uppercase()),
        created_at: Set(Utc::now()),
        languages: Set(new.languages.join(",")),
        settings: Set("{}".to_owned()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::CouncilCreated)
            .council(CouncilId(id))
            .subject("council", id)
            .detail("by", "operator"),
    )
    .await?;
    txn.commit().await?;
    Ok(CouncilId(id))
}

/// Invites a council admin by email (the platform operator, from the command line). The
/// invitation goes through the outbox like any other; the running server's worker sends it.
pub async fn invite_admin(
    state: &AppState,
    slug: &str,
    email: &str,
) -> Result<(), CouncilSetupError> {
    let email = EmailAddress::parse("email", email).map_err(|_| CouncilSetupError::Email)?;
    let found = council::Entity::find()
        .filter(council::Column::Slug.eq(slug))
        .one(&state.db)
        .await?
        .ok_or(CouncilSetupError::UnknownCouncil)?;
    let txn = db::begin_write(&state.db).await?;
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
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::InvitationCreated)
            .council(council)
            .subject("invitation", id)
            .detail("role", Role::CouncilAdmin.code())
            .detail("by", "operator"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The council a request is about: the one the actor acts in. A signed-out visitor has none:
/// no page names a council to somebody who has not signed in.
pub async fn current(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Option<council::Model>, AppError> {
    match actor.council() {
        Some(id) => Ok(council::Entity::find_by_id(id.0).one(db).await?),
        None => Ok(None),
    }
}

/// What the page chrome shows: council name and the signed-in person (a visitor is shown no
/// council). The actor already carries what it needs, so this runs no query.
pub fn page_context(actor: &Actor, demo: bool) -> Result<PageContext, AppError> {
    let council = match actor {
        Actor::Person(p) => Some(CouncilSummary {
            id: p.council_id,
            name: p.council_name.clone(),
        }),
        Actor::Anonymous => None,
    };
    let viewer = match actor {
        Actor::Anonymous => None,
        Actor::Person(p) => Some(ViewerSummary {
            id: p.person_id,
            display_name: p.display_name.clone(),
            roles: p.roles.iter().copied().collect(),
            nav: Navigation {
                members: members::may_administer(actor, p.council_id),
                new_consultation: actor.is_staff_of(p.council_id),
                invitations: invitations::may_manage(actor, p.council_id),
                audit: audit_log::may_read(actor, p.council_id),
                // The same role checks as `honoraria::access` (identity cannot call it).
                time: actor.has_role(p.council_id, Role::Member),
                finance: actor.has_role(p.council_id, Role::Finance),
                rates: actor.has_role(p.council_id, Role::CouncilAdmin),
                meetings: actor.has_role(p.council_id, Role::Member)
                    || actor.is_staff_of(p.council_id),
                payment_times: actor.has_role(p.council_id, Role::Finance)
                    || actor.has_role(p.council_id, Role::CouncilAdmin)
                    || actor.has_role(p.council_id, Role::Auditor),
                // The same role checks as `mentorship::access`.
                programmes: actor.has_role(p.council_id, Role::Member)
                    || actor.is_staff_of(p.council_id),
                cases: actor.has_role(p.council_id, Role::CouncilAdmin),
            },
        }),
    };
    Ok(PageContext {
        council,
        viewer,
        demo,
    })
}

/// The list form of a council.
pub fn summary(c: &council::Model) -> CouncilSummary {
    CouncilSummary {
        id: CouncilId(c.id),
        name: c.name.clone(),
    }
}

/// Formats an instant in the council's time zone, e.g. `2026-12-19 17:00 (Europe/Vienna)`.
/// An unknown zone name falls back to UTC rather than failing the page.
pub fn local_time(at: DateTime<Utc>, time_zone: &str) -> String {
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => format!(
            "{} ({})",
            at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
            tz
        ),
        Err(_) => format!("{} (UTC)", at.format("%Y-%m-%d %H:%M")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_time_in_the_council_zone() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 19, 16, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(
            local_time(at, "Europe/Vienna"),
            "2026-12-19 17:00 (Europe/Vienna)"
        );
        assert_eq!(local_time(at, "Not/AZone"), "2026-12-19 16:00 (UTC)");
    }
}
