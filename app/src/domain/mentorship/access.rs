//! Who may do what in mentorship: the one access rule of the capability. Everything else in
//! `mentorship` loads programmes, places, matches and cases through the functions here.
//!
//! - A council's programmes are read by everybody in the council; only its staff (secretariat
//!   and council admin) run them ([`programme_readable`] answers 404 outside the council,
//!   [`programme_managed`] 403 inside it for anybody but staff).
//! - A place in a cohort is its own person's ([`own_place`]: 404 for anybody else).
//! - A match's content (profile shared with the partner, goals, sessions, private notes,
//!   feedback, certificate) is the pair's alone: [`pair`] answers 404 for everybody else,
//!   the secretariat, the auditor and the council admin included. Staff see a match's state
//!   on the programme page and act on it through [`match_managed`] (403 for the rest of the
//!   council, 404 outside it).
//! - A safeguarding case is read by the council's safeguarding lead (a secretariat member the
//!   council admin names) and the council admins only ([`case_readable`]: 404 for everybody
//!   else, the rest of the secretariat included; the list refuses them with 403).

use sea_orm::{ConnectionTrait, EntityTrait};

use super::entities::{mentorship_match, participant, programme, safeguarding_case, settings};
use crate::domain::Actor;
use crate::model::AppError;
use crate::model::ids::{CaseId, CouncilId, MatchId, ParticipantId, PersonId, ProgrammeId};
use crate::model::mentorship::ParticipantRole;
use crate::model::viewer::Role;

/// The council the actor acts in, or `Unauthenticated`.
pub fn council_of(actor: &Actor) -> Result<CouncilId, AppError> {
    actor.council().ok_or(AppError::Unauthenticated)
}

/// The signed-in person, or `Unauthenticated`.
pub fn person_of(actor: &Actor) -> Result<PersonId, AppError> {
    actor.person().ok_or(AppError::Unauthenticated)
}

/// The secretariat and the council admin run programmes.
pub fn may_manage(actor: &Actor, council: CouncilId) -> bool {
    actor.is_staff_of(council)
}

/// Members take part, as mentors or mentees.
pub fn may_take_part(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::Member)
}

/// Whether the council admin role is held (names the safeguarding lead, reads cases).
pub fn is_council_admin(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::CouncilAdmin)
}

/// Whether `person` may be the safeguarding lead: they hold the secretariat role.
pub fn may_lead(roles: &[Role]) -> bool {
    roles.contains(&Role::Secretariat)
}

/// The council staff work in, or `Forbidden` (`Unauthenticated` when signed out).
pub fn staff_council(actor: &Actor) -> Result<CouncilId, AppError> {
    let council = council_of(actor)?;
    if !may_manage(actor, council) {
        return Err(AppError::Forbidden);
    }
    Ok(council)
}

/// The council a member takes part in, or `Forbidden`.
pub fn member_council(actor: &Actor) -> Result<CouncilId, AppError> {
    let council = council_of(actor)?;
    if !may_take_part(actor, council) {
        return Err(AppError::Forbidden);
    }
    Ok(council)
}

/// Loads a programme of the actor's council, or `NotFound`.
pub async fn programme_readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ProgrammeId,
) -> Result<programme::Model, AppError> {
    let Some(p) = programme::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    if !actor.belongs_to(CouncilId(p.council_id)) {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// The one check for anything staff manage, once it is loaded: `NotFound` outside its
/// council (nobody can probe for ids), `Forbidden` for anybody in it but staff.
fn managed<T>(actor: &Actor, council: uuid::Uuid, row: T) -> Result<T, AppError> {
    let council = CouncilId(council);
    if !actor.belongs_to(council) {
        return Err(AppError::NotFound);
    }
    if !may_manage(actor, council) {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Loads a programme the actor runs: `NotFound` as [`programme_readable`], `Forbidden` for
/// anybody in the council but its staff.
pub async fn programme_managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ProgrammeId,
) -> Result<programme::Model, AppError> {
    let p = programme::Entity::find_by_id(id.0).one(db).await?;
    let p = p.ok_or(AppError::NotFound)?;
    managed(actor, p.council_id, p)
}

/// Loads the actor's own place in a cohort, or `NotFound` (anybody else's, or in another
/// council than the one they act in).
pub async fn own_place(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ParticipantId,
) -> Result<participant::Model, AppError> {
    let Some(p) = participant::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    let me = actor.person();
    if !actor.belongs_to(CouncilId(p.council_id)) || me.map(|m| m.0) != Some(p.person_id) {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// Loads a place the actor's staff manage (an application to decide): `NotFound` outside
/// the council, `Forbidden` for anybody in it but staff.
pub async fn place_managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ParticipantId,
) -> Result<participant::Model, AppError> {
    let p = participant::Entity::find_by_id(id.0).one(db).await?;
    let p = p.ok_or(AppError::NotFound)?;
    managed(actor, p.council_id, p)
}

/// The side of a match the actor is on.
pub fn side_of(actor: &Actor, m: &mentorship_match::Model) -> Option<ParticipantRole> {
    if !actor.belongs_to(CouncilId(m.council_id)) {
        return None;
    }
    let me = actor.person()?.0;
    if me == m.mentor_id {
        Some(ParticipantRole::Mentor)
    } else if me == m.mentee_id {
        Some(ParticipantRole::Mentee)
    } else {
        None
    }
}

/// Loads a match the actor is one of the pair of, with their side; `NotFound` for anybody
/// else (staff included).
pub async fn pair(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MatchId,
) -> Result<(mentorship_match::Model, ParticipantRole), AppError> {
    let Some(m) = mentorship_match::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    let side = side_of(actor, &m).ok_or(AppError::NotFound)?;
    Ok((m, side))
}

/// Loads a match for its council's staff: `NotFound` outside the council, `Forbidden` for
/// anybody in it but staff.
pub async fn match_managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MatchId,
) -> Result<mentorship_match::Model, AppError> {
    let m = mentorship_match::Entity::find_by_id(id.0).one(db).await?;
    let m = m.ok_or(AppError::NotFound)?;
    managed(actor, m.council_id, m)
}

/// The council's safeguarding lead, if one is named.
pub async fn lead_of(
    db: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<Option<PersonId>, AppError> {
    Ok(settings::Entity::find_by_id(council.0)
        .one(db)
        .await?
        .and_then(|s| s.safeguarding_lead)
        .map(PersonId))
}

/// Whether the actor reads the council's cases: its lead (who must still hold the
/// secretariat role) or a council admin.
pub async fn reads_cases(
    db: &impl ConnectionTrait,
    actor: &Actor,
    council: CouncilId,
) -> Result<bool, AppError> {
    if is_council_admin(actor, council) {
        return Ok(true);
    }
    if !actor.has_role(council, Role::Secretariat) {
        return Ok(false);
    }
    let lead = lead_of(db, council).await?;
    Ok(lead.is_some() && lead == actor.person())
}

/// The council whose case list the actor reads, or `Forbidden` (the list's address is no
/// secret; each case answers 404 to anybody else, see [`case_readable`]; `Unauthenticated`
/// when signed out).
pub async fn case_council(db: &impl ConnectionTrait, actor: &Actor) -> Result<CouncilId, AppError> {
    let council = council_of(actor)?;
    if !reads_cases(db, actor, council).await? {
        return Err(AppError::Forbidden);
    }
    Ok(council)
}

/// Loads a case the actor reads, or `NotFound`.
pub async fn case_readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: CaseId,
) -> Result<safeguarding_case::Model, AppError> {
    let Some(c) = safeguarding_case::Entity::find_by_id(id.0).one(db).await? else {
        return Err(AppError::NotFound);
    };
    let council = CouncilId(c.council_id);
    if !actor.belongs_to(council) || !reads_cases(db, actor, council).await? {
        return Err(AppError::NotFound);
    }
    Ok(c)
}
