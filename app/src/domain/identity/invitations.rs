//! Invitations: staff invite by address and role; the invitee picks a display name (a
//! pseudonym by default), language and notifications, and is signed in. Links are single use
//! and work for 7 days. Nothing here asks for a legal name.

use crate::domain::platform::db::Connection;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::entities::council;
use super::entities::invitation;
use super::entities::membership;
use super::entities::person;
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::SessionAuth;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{self, Purpose};
use crate::domain::platform::mail::{self, Outgoing, Params, Template};
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::identity::{
    DisplayName, EmailAddress, InvitationPreview, NotifyPreference, PendingInvitation,
};
use crate::model::ids::{CouncilId, InvitationId, PersonId};
use crate::model::viewer::Role;

/// How long an invitation link works.
pub const LIFETIME: Duration = Duration::days(7);

/// Who may invite to which role: the council admin to any role, the secretariat members only.
pub fn may_invite(actor: &Actor, council: CouncilId, role: Role) -> bool {
    actor.has_role(council, Role::CouncilAdmin)
        || (role == Role::Member && actor.has_role(council, Role::Secretariat))
}

/// Who may see and revoke the council's pending invitations.
pub fn may_manage(actor: &Actor, council: CouncilId) -> bool {
    actor.has_role(council, Role::CouncilAdmin) || actor.has_role(council, Role::Secretariat)
}

/// Invites `email` to the actor's council in `role`, and queues the mail.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    email_input: &str,
    role_code: &str,
) -> Result<(), AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !may_manage(actor, council) {
        return Err(AppError::Forbidden);
    }
    let email = EmailAddress::parse("email", email_input)?;
    let role = Role::from_code(role_code)
        .ok_or_else(|| AppError::invalid("role", crate::model::InputProblem::Malformed))?;
    if !may_invite(actor, council, role) {
        return Err(AppError::Forbidden);
    }
    let found_council = council::Entity::find_by_id(council.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    let id = issue(
        &txn,
        state,
        council,
        &found_council.default_language,
        &email,
        role,
        actor.person(),
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::InvitationCreated)
            .council(council)
            .by_actor(actor)
            .subject("invitation", id)
            .detail("role", role.code()),
    )
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Stores an invitation and queues its mail (inside the caller's transaction). Also used by
/// the operator's `council add-admin` command. Returns the invitation's id.
pub async fn issue(
    db: &impl ConnectionTrait,
    state: &AppState,
    council: CouncilId,
    locale: &str,
    email: &EmailAddress,
    role: Role,
    invited_by: Option<PersonId>,
) -> Result<Uuid, AppError> {
    let token = crypto::new_token();
    let token_hash = crypto::token_hash(&token);
    let now = Utc::now();
    let id = crate::domain::platform::db::new_id();
    invitation::Entity::insert(invitation::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        role: Set(role.code().to_owned()),
        email_ciphertext: Set(state.keyring.seal(Purpose::InvitationEmail, email.as_str())),
        email_hash: Set(state
            .keyring
            .lookup_hash(Purpose::InvitationEmail, email.as_str())),
        token_hash: Set(token_hash),
        invited_by: Set(invited_by.map(|p| p.0)),
        created_at: Set(now),
        expires_at: Set(now + LIFETIME),
        accepted_at: Set(None),
        accepted_by: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    mail::enqueue(
        db,
        &state.keyring,
        Outgoing {
            due: chrono::Utc::now(),
            key: format!("invitation:{id}"),
            council: Some(council),
            template: Template::Invitation,
            locale,
            to: email,
            params: Params {
                link: format!("{}/invitation?token={token}", state.settings.base_url),
                discreet: false,
            },
        },
    )
    .await?;
    Ok(id)
}

async fn open_invitation(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<invitation::Model, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Err(AppError::LinkInvalid);
    }
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(crypto::token_hash(token)))
        .one(db)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    if found.accepted_at.is_some() || found.revoked_at.is_some() || found.expires_at <= Utc::now() {
        return Err(AppError::LinkInvalid);
    }
    Ok(found)
}

/// A pseudonym suggestion: two neutral words and a number, e.g. "Quiet River 42".
pub fn suggest_name() -> String {
    const FIRST: &[&str] = &[
        "Quiet", "Bright", "Calm", "Steady", "Clear", "Kind", "Brave", "Gentle", "Swift", "Warm",
    ];
    const SECOND: &[&str] = &[
        "River", "Harbour", "Meadow", "Cedar", "Lantern", "Summit", "Willow", "Compass", "Bridge",
        "Orchard",
    ];
    let pick = |list: &[&'static str]| list[rand::random_range(0..list.len())];
    format!(
        "{} {} {}",
        pick(FIRST),
        pick(SECOND),
        rand::random_range(10..100)
    )
}

/// What the invitee sees before accepting. Viewing spends no rate allowance (a mail client
/// or a reload may open the link many times); the token is unguessable, and accepting is
/// limited.
pub async fn preview(state: &AppState, token: &str) -> Result<InvitationPreview, AppError> {
    let found = open_invitation(&state.db, token).await?;
    let council = council::Entity::find_by_id(found.council_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let email = EmailAddress::parse(
        "email",
        &state
            .keyring
            .open(Purpose::InvitationEmail, &found.email_ciphertext)?,
    )?;
    let existing = super::sign_in::person_by_email(&state.db, state, &email).await?;
    Ok(InvitationPreview {
        council: super::councils::summary(&council),
        role: Role::from_code(&found.role).ok_or(AppError::Internal)?,
        suggested_name: suggest_name(),
        existing_account: existing.is_some(),
    })
}

/// What the invitee chose.
#[derive(Debug, Clone)]
pub struct Acceptance<'a> {
    /// The token from the link.
    pub token: &'a str,
    /// The display name typed (ignored when the address already has an account).
    pub display_name: &'a str,
    /// The language code (already checked against the app's locales).
    pub language: &'a str,
    /// The notification choice code.
    pub notify: &'a str,
}

/// Accepts an invitation: creates the person (or adds the role to the existing account of
/// the same address), marks the invitation used, and signs the person in.
pub async fn accept(
    state: &AppState,
    ip: std::net::IpAddr,
    input: Acceptance<'_>,
) -> Result<SessionAuth, AppError> {
    state.limits.link_use_from(ip)?;
    let notify = NotifyPreference::from_code(input.notify)
        .ok_or_else(|| AppError::invalid("notify", crate::model::InputProblem::Malformed))?;
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    let found = open_invitation(&txn, input.token).await?;
    let role = Role::from_code(&found.role).ok_or(AppError::Internal)?;
    let email = EmailAddress::parse(
        "email",
        &state
            .keyring
            .open(Purpose::InvitationEmail, &found.email_ciphertext)?,
    )?;
    let now = Utc::now();
    // Mark used first, conditionally: two simultaneous acceptances cannot both pass.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Some(now)))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::LinkInvalid);
    }
    let person_id = match super::sign_in::person_by_email(&txn, state, &email).await? {
        Some(existing) => {
            if existing.disabled_at.is_some() {
                return Err(AppError::NoAccount);
            }
            existing.id
        }
        None => {
            let name = DisplayName::parse("display_name", input.display_name)?;
            let id = crate::domain::platform::db::new_id();
            person::Entity::insert(person::ActiveModel {
                id: Set(id),
                display_name: Set(name.as_str().to_owned()),
                preferred_language: Set(input.language.to_owned()),
                is_demo: Set(false),
                created_at: Set(now),
                email_ciphertext: Set(Some(
                    state.keyring.seal(Purpose::PersonEmail, email.as_str()),
                )),
                email_hash: Set(Some(
                    state
                        .keyring
                        .lookup_hash(Purpose::PersonEmail, email.as_str()),
                )),
                notify: Set(notify.code().to_owned()),
                disabled_at: Set(None),
                totp_ciphertext: Set(None),
                totp_enabled_at: Set(None),
                totp_last_step: Set(None),
                totp_pending_ciphertext: Set(None),
            })
            .exec_without_returning(&txn)
            .await?;
            id
        }
    };
    let already = membership::Entity::find()
        .filter(membership::Column::PersonId.eq(person_id))
        .filter(membership::Column::CouncilId.eq(found.council_id))
        .filter(membership::Column::Role.eq(role.code()))
        .one(&txn)
        .await?;
    if already.is_none() {
        membership::Entity::insert(membership::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            council_id: Set(found.council_id),
            person_id: Set(person_id),
            role: Set(role.code().to_owned()),
            created_at: Set(now),
            suspended_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedBy, Expr::value(Some(person_id)))
        .filter(invitation::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    let council = CouncilId(found.council_id);
    audit::record(
        &txn,
        Event::new(AuditAction::InvitationAccepted)
            .council(council)
            .by(PersonId(person_id))
            .subject("invitation", found.id)
            .detail("role", role.code()),
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::SignIn)
            .council(council)
            .by(PersonId(person_id))
            .detail("method", "invitation"),
    )
    .await?;
    txn.commit().await?;
    Ok(SessionAuth::new(PersonId(person_id), council))
}

/// The council's pending invitations, newest first.
pub async fn pending(
    db: &impl ConnectionTrait,
    actor: &Actor,
) -> Result<Vec<PendingInvitation>, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !may_manage(actor, council) {
        return Err(AppError::Forbidden);
    }
    let zone = council::Entity::find_by_id(council.0)
        .one(db)
        .await?
        .map(|c| c.time_zone)
        .unwrap_or_default();
    let rows = invitation::Entity::find()
        .filter(invitation::Column::CouncilId.eq(council.0))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(PendingInvitation {
                id: InvitationId(r.id),
                role: Role::from_code(&r.role)?,
                created: super::councils::local_time(r.created_at, &zone),
                expires: super::councils::local_time(r.expires_at, &zone),
            })
        })
        .collect())
}

/// Revokes a pending invitation of the actor's council.
pub async fn revoke(db: &impl Connection, actor: &Actor, id: InvitationId) -> Result<(), AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !may_manage(actor, council) {
        return Err(AppError::Forbidden);
    }
    let txn = crate::domain::platform::db::begin_write(db).await?;
    let done = invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(invitation::Column::Id.eq(id.0))
        .filter(invitation::Column::CouncilId.eq(council.0))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::InvitationRevoked)
            .council(council)
            .by_actor(actor)
            .subject("invitation", id.0),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
