//! Who may read a council's audit log: its council admins and auditors, never across councils.

use sea_orm::ConnectionTrait;

use super::actor::Actor;
use crate::domain::platform::audit::{self, Filter};
use crate::model::AppError;
use crate::model::identity::AuditPage;
use crate::model::ids::CouncilId;
use crate::model::viewer::Role;

/// Whether the actor may read `council`'s audit log.
pub fn may_read(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::CouncilAdmin) || actor.has_role(council, Role::Auditor)
}

/// The actor's council's audit rows, newest first (at most 200), for council admins and
/// auditors.
pub async fn page(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: Filter,
) -> Result<AuditPage, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !may_read(actor, council) {
        return Err(AppError::Forbidden);
    }
    audit::list(db, council, filter).await
}
