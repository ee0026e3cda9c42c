//! Server functions for the council admin's membership page and the audit log.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::identity::{AuditPage, MemberRow};
use crate::model::ids::PersonId;

/// The council's people and roles.
#[server(prefix = "/fn", endpoint = "members/list")]
pub async fn list_members() -> Result<Vec<MemberRow>, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::members::list(&state.db, &actor).await
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
    use super::context::request;
    use crate::model::viewer::Role;
    let (state, _, actor) = request().await?;
    let roles: Vec<String> = [
        (Role::Member, member),
        (Role::Secretariat, secretariat),
        (Role::Finance, finance),
        (Role::CouncilAdmin, council_admin),
        (Role::Auditor, auditor),
    ]
    .into_iter()
    .filter(|(_, on)| on.is_some())
    .map(|(role, _)| role.code().to_owned())
    .collect();
    crate::domain::members::set_roles(&state.db, &actor, person, &roles).await
}

/// Suspends or restores a person's membership (`suspend` = "true" or "false").
#[server(prefix = "/fn", endpoint = "members/suspend")]
pub async fn set_member_suspended(person: PersonId, suspend: bool) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::members::set_suspended(&state.db, &actor, person, suspend).await
}

/// The council's audit log, filtered (empty filters mean all).
#[server(prefix = "/fn", endpoint = "audit/list")]
pub async fn list_audit(
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<AuditPage, AppError> {
    use super::context::request;
    use crate::model::InputProblem;
    let (state, _, actor) = request().await?;
    let day = |field: &str, value: Option<String>| -> Result<Option<chrono::NaiveDate>, AppError> {
        match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid(field, InputProblem::Malformed)),
        }
    };
    let filter = crate::domain::audit::Filter {
        action: action
            .filter(|a| !a.trim().is_empty())
            .map(|a| a.chars().take(64).collect()),
        from: day("from", from)?,
        to: day("to", to)?,
    };
    crate::domain::audit::list(&state.db, &actor, filter).await
}
