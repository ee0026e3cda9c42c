//! Demo data and the demo sign-in that stands in for real login on a developer's machine.
//!
//! Demo sign-in exists only when the server runs with `--demo` on a loopback address
//! ([`super::Settings::demo`]), and only ever signs in people created here (`is_demo`).
//!
//! The top of the domain: it may use every capability, and nothing uses it but the server's
//! demo mode. One seed function per capability, each through that capability's own rules
//! where it has them (comments are posted, answered and published as people would).

mod consultations;
mod honoraria;
mod identity;
mod mentorship;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::domain::identity::entities::{council, membership, person};
use crate::domain::{AppState, SessionAuth};
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::viewer::{DemoPerson, Role};

/// The slug of the demo council.
pub const DEMO_COUNCIL_SLUG: &str = "demo";

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo council was created.
    Created,
    /// The database already had the demo council; nothing changed.
    AlreadyPresent,
}

/// Seeds the demo council only if the database has no council at all (first start).
pub async fn seed_if_empty(state: &AppState) -> Result<Option<SeedOutcome>, AppError> {
    if council::Entity::find().count(&state.db).await? > 0 {
        return Ok(None);
    }
    seed(state).await.map(Some)
}

/// Creates the demo council, one function per capability: its people ([`identity::seed`]),
/// a consultation in full swing ([`consultations::seed`]), paid time on its way to being
/// paid ([`honoraria::seed`]) and a mentorship programme under way ([`mentorship::seed`]). Idempotent: a database that has
/// the demo council is left as it is.
pub async fn seed(state: &AppState) -> Result<SeedOutcome, AppError> {
    if demo_council(&state.db).await?.is_some() {
        return Ok(SeedOutcome::AlreadyPresent);
    }
    let people = identity::seed(&state.db).await?;
    consultations::seed(state, &people).await?;
    honoraria::seed(state, &people).await?;
    mentorship::seed(state, &people).await?;
    Ok(SeedOutcome::Created)
}

/// The demo people, in the order the demo page lists them.
pub async fn people(state: &AppState) -> Result<Vec<DemoPerson>, AppError> {
    ensure_enabled(state)?;
    let Some(demo) = demo_council(&state.db).await? else {
        return Ok(Vec::new());
    };
    let memberships = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(demo.id))
        .all(&state.db)
        .await?;
    let demo_people = person::Entity::find()
        .filter(person::Column::IsDemo.eq(true))
        .order_by_asc(person::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut out: Vec<DemoPerson> = memberships
        .iter()
        .filter_map(|m| {
            let p = demo_people.iter().find(|p| p.id == m.person_id)?;
            Some(DemoPerson {
                id: PersonId(p.id),
                display_name: p.display_name.clone(),
                role: Role::from_code(&m.role)?,
            })
        })
        .collect();
    // By role, then in the order they were created (two members: Amina first).
    let created = |id: PersonId| demo_people.iter().position(|p| p.id == id.0);
    out.sort_by_key(|p| (p.role, created(p.id)));
    Ok(out)
}

/// Signs in as a demo person. Refused unless demo mode is on and the person is a demo person.
pub async fn sign_in(state: &AppState, person_id: PersonId) -> Result<SessionAuth, AppError> {
    ensure_enabled(state)?;
    let Some(demo) = demo_council(&state.db).await? else {
        return Err(AppError::NotFound);
    };
    let is_demo_person = person::Entity::find_by_id(person_id.0)
        .one(&state.db)
        .await?
        .is_some_and(|p| p.is_demo);
    if !is_demo_person {
        return Err(AppError::NotFound);
    }
    // Demo people have no second factor to pass; demo mode exists only on loopback.
    let mut auth = SessionAuth::new(person_id, CouncilId(demo.id));
    auth.second_factor = true;
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    crate::domain::platform::audit::record(
        &txn,
        crate::domain::platform::audit::Event::new(AuditAction::SignIn)
            .council(auth.council_id)
            .by(person_id)
            .detail("method", "demo"),
    )
    .await?;
    txn.commit().await?;
    Ok(auth)
}

/// The demo page does not exist outside demo mode: a 404, not a 403, so it cannot be found.
fn ensure_enabled(state: &AppState) -> Result<(), AppError> {
    if state.settings.demo {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

async fn demo_council(db: &impl ConnectionTrait) -> Result<Option<council::Model>, AppError> {
    Ok(council::Entity::find()
        .filter(council::Column::Slug.eq(DEMO_COUNCIL_SLUG))
        .one(db)
        .await?)
}
