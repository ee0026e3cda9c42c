//! Who may do what with paid time: the one access rule of the capability. Everything else in
//! `honoraria` loads claims and batches through [`readable`] (unknown, another council's and
//! another person's all answer `NotFound`, so ids cannot be probed), [`owned`] (`Forbidden`
//! for finance touching a member's claim as if it were theirs) and [`decidable`] (`Forbidden`
//! for anybody but finance, `OwnClaim` for finance's own claim: nobody decides their own).

use sea_orm::{ConnectionTrait, EntityTrait};

use super::entities::{claim, meeting, payment_batch};
use crate::domain::Actor;
use crate::model::AppError;
use crate::model::ids::{BatchId, ClaimId, CouncilId, MeetingId};
use crate::model::viewer::Role;

/// The council the actor acts in, or `Unauthenticated`.
pub fn council_of(actor: &Actor) -> Result<CouncilId, AppError> {
    actor.council().ok_or(AppError::Unauthenticated)
}

/// Members log time and expenses (for themselves only).
pub fn may_claim(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::Member)
}

/// Finance decides claims, makes batches and reads bank details (after the second factor,
/// which [`Actor::load`] enforces).
pub fn is_finance(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::Finance)
}

/// The council admin keeps the rate card and the honoraria settings.
pub fn may_edit_rates(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::CouncilAdmin)
}

/// Everybody in the council reads the rate card (members see what their time is worth).
pub fn may_read_rates(actor: &Actor, council: CouncilId) -> bool {
    actor.belongs_to(council)
}

/// What one actor may do with one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimAccess {
    /// It is the actor's own claim, in the council they act in.
    pub own: bool,
    /// The actor is finance of the claim's council.
    pub finance: bool,
}

/// The rule: the claimant, in the council they act in, and finance of that council. Secretariat,
/// council admin and auditor never read single claims (they see figures).
pub fn access(actor: &Actor, c: &claim::Model) -> ClaimAccess {
    let council = CouncilId(c.council_id);
    ClaimAccess {
        own: actor.belongs_to(council) && actor.person().is_some_and(|p| p.0 == c.person_id),
        finance: is_finance(actor, council),
    }
}

/// Loads a claim the actor may read, or `NotFound`.
pub async fn readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ClaimId,
) -> Result<(claim::Model, ClaimAccess), AppError> {
    let Some(c) = claim::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    let access = access(actor, &c);
    if !(access.own || access.finance) {
        return Err(AppError::NotFound);
    }
    Ok((c, access))
}

/// Loads the actor's own claim: `NotFound` when they may not read it, `Forbidden` when they
/// read it as finance but it is somebody else's.
pub async fn owned(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ClaimId,
) -> Result<claim::Model, AppError> {
    let (c, access) = readable(db, actor, id).await?;
    if !access.own {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

/// Loads a claim finance may decide: `NotFound` when the actor may not read it, `Forbidden`
/// when they read it but are not finance (its author), `OwnClaim` when it is their own.
pub async fn decidable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ClaimId,
) -> Result<claim::Model, AppError> {
    let (c, access) = readable(db, actor, id).await?;
    if !access.finance {
        return Err(AppError::Forbidden);
    }
    if access.own {
        return Err(AppError::OwnClaim);
    }
    Ok(c)
}

/// Loads a batch of the actor's council for finance; `NotFound` for anybody else.
pub async fn batch(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: BatchId,
) -> Result<payment_batch::Model, AppError> {
    let Some(b) = payment_batch::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    if !is_finance(actor, CouncilId(b.council_id)) {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

/// The council finance works in, or `Forbidden` (`Unauthenticated` when signed out).
pub fn finance_council(actor: &Actor) -> Result<CouncilId, AppError> {
    let council = council_of(actor)?;
    if !is_finance(actor, council) {
        return Err(AppError::Forbidden);
    }
    Ok(council)
}

/// The council a member claims in, or `Forbidden` (`Unauthenticated` when signed out).
pub fn claimant_council(actor: &Actor) -> Result<CouncilId, AppError> {
    let council = council_of(actor)?;
    if !may_claim(actor, council) {
        return Err(AppError::Forbidden);
    }
    Ok(council)
}

/// The secretariat and the council admin record meetings and who attended.
pub fn may_record_meetings(actor: &Actor, council: CouncilId) -> bool {
    actor.is_staff_of(council)
}

/// Loads a meeting of the council the actor acts in (everybody in it reads meetings), or
/// `NotFound`.
pub async fn meeting_readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MeetingId,
) -> Result<meeting::Model, AppError> {
    let Some(m) = meeting::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    if !actor.belongs_to(CouncilId(m.council_id)) {
        return Err(AppError::NotFound);
    }
    Ok(m)
}

/// Loads a meeting the actor may record attendance for: `NotFound` as [`meeting_readable`],
/// `Forbidden` for anybody in the council but its staff.
pub async fn meeting_managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MeetingId,
) -> Result<meeting::Model, AppError> {
    let m = meeting_readable(db, actor, id).await?;
    if !may_record_meetings(actor, CouncilId(m.council_id)) {
        return Err(AppError::Forbidden);
    }
    Ok(m)
}
