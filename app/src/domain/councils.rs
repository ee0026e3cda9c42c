//! Councils: which council a page is about, and the council's local time.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::Actor;
use super::entities::council;
use crate::model::AppError;
use crate::model::ids::CouncilId;
use crate::model::viewer::{CouncilSummary, PageContext, ViewerSummary};

/// The council a request is about: the one the actor acts in, otherwise the deployment's
/// first council (what an anonymous visitor of a one-council deployment expects).
pub async fn current(
    db: &DatabaseConnection,
    actor: &Actor,
) -> Result<Option<council::Model>, AppError> {
    if let Some(id) = actor.council()
        && let Some(found) = council::Entity::find_by_id(id.0).one(db).await?
    {
        return Ok(Some(found));
    }
    Ok(council::Entity::find()
        .order_by_asc(council::Column::CreatedAt)
        .order_by_asc(council::Column::Id)
        .one(db)
        .await?)
}

/// What the page chrome shows: council name and the signed-in person.
pub async fn page_context(
    db: &DatabaseConnection,
    actor: &Actor,
    demo: bool,
) -> Result<PageContext, AppError> {
    // The actor already carries their council's name; only visitors need a query.
    let council = match actor {
        Actor::Person(p) => Some(CouncilSummary {
            id: p.council_id,
            name: p.council_name.clone(),
        }),
        Actor::Anonymous => current(db, actor).await?.map(|c| summary(&c)),
    };
    let viewer = match actor {
        Actor::Anonymous => None,
        Actor::Person(p) => Some(ViewerSummary {
            id: p.person_id,
            display_name: p.display_name.clone(),
            roles: p.roles.iter().copied().collect(),
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
