//! Memberships: the council admin sees the council's people, changes their roles, and
//! disables or re-enables accounts. A role change or disablement ends the person's sessions.

use crate::domain::platform::db::Connection;
use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::membership;
use super::entities::person;
use crate::domain::Actor;
use crate::domain::platform::audit::{self, Event};
use crate::model::audit::AuditAction;
use crate::model::identity::MemberRow;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::viewer::Role;
use crate::model::{AppError, InputProblem};

/// Whether the actor administers `council`'s members and roles (its council admins).
pub fn may_administer(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::CouncilAdmin)
}

fn admin_council(actor: &Actor) -> Result<CouncilId, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if may_administer(actor, council) {
        Ok(council)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The council's people with their roles, by display name.
pub async fn list(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<MemberRow>, AppError> {
    let council = admin_council(actor)?;
    let memberships = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(council.0))
        .all(db)
        .await?;
    let mut roles: BTreeMap<Uuid, BTreeSet<Role>> = BTreeMap::new();
    let suspended: BTreeSet<Uuid> = memberships
        .iter()
        .filter(|m| m.suspended_at.is_some())
        .map(|m| m.person_id)
        .collect();
    for m in &memberships {
        if let Some(role) = Role::from_code(&m.role) {
            roles.entry(m.person_id).or_default().insert(role);
        }
    }
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(roles.keys().copied().collect::<Vec<_>>()))
        .all(db)
        .await?;
    let mut rows: Vec<MemberRow> = people
        .into_iter()
        .map(|p| MemberRow {
            id: PersonId(p.id),
            roles: roles
                .get(&p.id)
                .map(|r| r.iter().copied().collect())
                .unwrap_or_default(),
            display_name: p.display_name,
            disabled: p.disabled_at.is_some() || suspended.contains(&p.id),
            second_factor: p.totp_enabled_at.is_some(),
        })
        .collect();
    rows.sort_by(|a, b| {
        a.display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase())
    });
    Ok(rows)
}

async fn ensure_member(
    db: &impl sea_orm::ConnectionTrait,
    council: CouncilId,
    person: PersonId,
) -> Result<(), AppError> {
    let any = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(council.0))
        .filter(membership::Column::PersonId.eq(person.0))
        .one(db)
        .await?;
    any.map(|_| ()).ok_or(AppError::NotFound)
}

/// Sets a person's roles in the admin's council (at least one). Admins cannot remove their
/// own admin role, so a council is never left without one by accident.
pub async fn set_roles(
    db: &impl Connection,
    actor: &Actor,
    person: PersonId,
    roles: &[Role],
) -> Result<(), AppError> {
    let council = admin_council(actor)?;
    let wanted: BTreeSet<Role> = roles.iter().copied().collect();
    if wanted.is_empty() {
        return Err(AppError::invalid("roles", InputProblem::Required));
    }
    if actor.person() == Some(person) && !wanted.contains(&Role::CouncilAdmin) {
        return Err(AppError::Conflict);
    }
    let txn = crate::domain::platform::db::begin_write(db).await?;
    ensure_member(&txn, council, person).await?;
    let current: BTreeSet<Role> = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(council.0))
        .filter(membership::Column::PersonId.eq(person.0))
        .all(&txn)
        .await?
        .iter()
        .filter_map(|m| Role::from_code(&m.role))
        .collect();
    if current == wanted {
        return Ok(());
    }
    let removed: Vec<&str> = current.difference(&wanted).map(|r| r.code()).collect();
    let added: Vec<&str> = wanted.difference(&current).map(|r| r.code()).collect();
    if !removed.is_empty() {
        membership::Entity::delete_many()
            .filter(membership::Column::CouncilId.eq(council.0))
            .filter(membership::Column::PersonId.eq(person.0))
            .filter(membership::Column::Role.is_in(removed.clone()))
            .exec(&txn)
            .await?;
    }
    let now = Utc::now();
    for role in &added {
        membership::Entity::insert(membership::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            council_id: Set(council.0),
            person_id: Set(person.0),
            role: Set((*role).to_owned()),
            created_at: Set(now),
            suspended_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    super::sign_in::end_sessions_of(&txn, person).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::RolesChanged)
            .council(council)
            .by_actor(actor)
            .subject("person", person)
            .detail("added", added)
            .detail("removed", removed),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Suspends (or restores) a person's membership of the admin's council. Suspension ends
/// their sessions at once; other councils they belong to are not affected. Admins cannot
/// suspend themselves.
pub async fn set_suspended(
    db: &impl Connection,
    actor: &Actor,
    person: PersonId,
    suspended: bool,
) -> Result<(), AppError> {
    let council = admin_council(actor)?;
    if actor.person() == Some(person) {
        return Err(AppError::Conflict);
    }
    let txn = crate::domain::platform::db::begin_write(db).await?;
    ensure_member(&txn, council, person).await?;
    let value = suspended.then(Utc::now);
    membership::Entity::update_many()
        .col_expr(membership::Column::SuspendedAt, Expr::value(value))
        .filter(membership::Column::CouncilId.eq(council.0))
        .filter(membership::Column::PersonId.eq(person.0))
        .exec(&txn)
        .await?;
    if suspended {
        super::sign_in::end_sessions_of(&txn, person).await?;
    }
    audit::record(
        &txn,
        Event::new(if suspended {
            AuditAction::MembershipSuspended
        } else {
            AuditAction::MembershipRestored
        })
        .council(council)
        .by_actor(actor)
        .subject("person", person),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
