//! Server functions for the council admin's membership page and the audit log.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::identity::{AuditPage, MemberRow};
use crate::model::ids::PersonId;

/// The council's people and roles.
#[server(prefix = "/fn", endpoint = "members/list")]
pub async fn list_members() -> Result<Vec<MemberRow>, AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::members::list(&state.db, &actor).await
}

/// Sets a person's roles: one checkbox per role (present = held).
#[server(prefix = "/fn", endpoint = "members/roles")]
pub async fn set_member_roles(
    person: PersonId,
    member: Option<String>,
    secretariat: Option<String>,
    finance: Option<String>,
    council_admin: Option<String>,
    auditor: Option<String>,
) -> Result<(), AppError> {
    use crate::api::context::request;
    use crate::model::viewer::Role;
    let (state, _, actor) = request().await?;
    let roles: Vec<Role> = [
        (Role::Member, member),
        (Role::Secretariat, secretariat),
        (Role::Finance, finance),
        (Role::CouncilAdmin, council_admin),
        (Role::Auditor, auditor),
    ]
    .into_iter()
    .filter(|(_, on)| on.is_some())
    .map(|(role, _)| role)
    .collect();
    crate::domain::identity::members::set_roles(&state.db, &actor, person, &roles).await
}

/// Suspends or restores a person's membership (`suspend` = "true" or "false").
#[server(prefix = "/fn", endpoint = "members/suspend")]
pub async fn set_member_suspended(person: PersonId, suspend: bool) -> Result<(), AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::members::set_suspended(&state.db, &actor, person, suspend).await
}

/// The council's audit log, filtered (empty filters mean all).
#[server(prefix = "/fn", endpoint = "audit/list")]
pub async fn list_audit(
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<AuditPage, AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    let filter = crate::domain::platform::audit::Filter::parse(
        action.as_deref(),
        from.as_deref(),
        to.as_deref(),
    )?;
    crate::domain::identity::audit_log::page(&state.db, &actor, filter).await
}
