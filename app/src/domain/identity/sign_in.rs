//! Signing in and out: one-time email links, verified emails from OpenID Connect, council
//! choice, logging out everywhere, and ending a person's sessions.

use crate::domain::platform::db::Connection;
use std::net::IpAddr;

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::entities::login_token;
use super::entities::membership;
use super::entities::person;
use super::entities::session;
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::SessionAuth;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{self, Purpose};
use crate::domain::platform::mail::{self, Outgoing, Params, Template};
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::identity::EmailAddress;
use crate::model::ids::{CouncilId, PersonId};

/// How long a sign-in link works.
pub const LINK_LIFETIME: Duration = Duration::minutes(15);

/// A local path to go to after signing in; anything else (another site, `//host`, a
/// backslash trick) becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && path.len() <= 512 =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Finds the enabled person who owns `email`, under any key of the keyring.
pub async fn person_by_email(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: &EmailAddress,
) -> Result<Option<person::Model>, AppError> {
    let hashes = state
        .keyring
        .lookup_hashes(Purpose::PersonEmail, email.as_str());
    Ok(person::Entity::find()
        .filter(person::Column::EmailHash.is_in(hashes))
        .one(db)
        .await?)
}

/// The council a person acts in after signing in: the one they joined first.
pub async fn first_council(
    db: &impl ConnectionTrait,
    person: PersonId,
) -> Result<Option<CouncilId>, AppError> {
    Ok(membership::Entity::find()
        .filter(membership::Column::PersonId.eq(person.0))
        .filter(membership::Column::SuspendedAt.is_null())
        .order_by_asc(membership::Column::CreatedAt)
        .order_by_asc(membership::Column::Id)
        .one(db)
        .await?
        .map(|m| CouncilId(m.council_id)))
}

/// Asks for a sign-in link. The answer is the same whether or not the address has an
/// account, so nobody can find out who is registered, and it takes the same time: the request
/// only checks the address's form and the per-address limit, then hands the rest (looking the
/// address up, the link, the mail, the audit row) to a task of its own. Per-address abuse
/// gets 429; too many requests for one account quietly stop new mails (the links already
/// sent keep working).
pub async fn request_link(
    state: &AppState,
    ip: IpAddr,
    email_input: &str,
    locale: &str,
) -> Result<(), AppError> {
    let email = EmailAddress::parse("email", email_input)?;
    state.limits.link_request_from(ip)?;
    let state = state.clone();
    let locale = locale.to_owned();
    tokio::spawn(async move {
        if send_link(&state, &email, &locale).await.is_err() {
            tracing::warn!("a sign-in link could not be prepared");
        }
    });
    Ok(())
}

/// Sends a sign-in link to `email` if it belongs to an active account (see [`request_link`]).
async fn send_link(state: &AppState, email: &EmailAddress, locale: &str) -> Result<(), AppError> {
    let Some(found) = person_by_email(&state.db, state, email).await? else {
        return Ok(());
    };
    if found.disabled_at.is_some() {
        return Ok(());
    }
    let person = PersonId(found.id);
    let Some(council) = first_council(&state.db, person).await? else {
        return Ok(());
    };
    if !state.limits.link_mail_allowed(&found.id.to_string()) {
        tracing::info!("sign-in link not sent: per-account limit reached");
        return Ok(());
    }
    let token = crypto::new_token();
    let token_hash = crypto::token_hash(&token);
    let now = Utc::now();
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    login_token::Entity::insert(login_token::ActiveModel {
        token_hash: Set(token_hash.clone()),
        person_id: Set(found.id),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        used_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    let locale = if found.preferred_language.is_empty() {
        locale.to_owned()
    } else {
        found.preferred_language.clone()
    };
    mail::enqueue(
        &txn,
        &state.keyring,
        Outgoing {
            due: chrono::Utc::now(),
            key: format!("sign-in:{token_hash}"),
            council: Some(council),
            template: Template::SignInLink,
            locale: &locale,
            to: email,
            params: Params {
                link: format!("{}/sign-in/link?token={token}", state.settings.base_url),
                discreet: false,
            },
        },
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::LinkRequested)
            .council(council)
            .subject("person", found.id),
    )
    .await?;
    txn.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

/// Uses a sign-in link: valid, unused and not expired, once. Returns the new session's auth.
pub async fn use_link(state: &AppState, ip: IpAddr, token: &str) -> Result<SessionAuth, AppError> {
    state.limits.link_use_from(ip)?;
    if token.is_empty() || token.len() > 100 {
        return Err(AppError::LinkInvalid);
    }
    let hash = crypto::token_hash(token);
    let now = Utc::now();
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    // One conditional UPDATE marks it used: of two simultaneous uses, exactly one wins.
    let claimed = login_token::Entity::update_many()
        .col_expr(login_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(login_token::Column::TokenHash.eq(hash.clone()))
        .filter(login_token::Column::UsedAt.is_null())
        .filter(login_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::LinkInvalid);
    }
    let row = login_token::Entity::find_by_id(hash)
        .one(&txn)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let auth = start_session(&txn, PersonId(row.person_id), "link").await?;
    txn.commit().await?;
    Ok(auth)
}

/// Signs in the person whose address an OpenID provider verified. It never creates anyone:
/// an address without an account (not invited yet) is refused.
pub async fn sign_in_verified_email(
    state: &AppState,
    email: &EmailAddress,
) -> Result<SessionAuth, AppError> {
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    let found = person_by_email(&txn, state, email)
        .await?
        .ok_or(AppError::NoAccount)?;
    let auth = start_session(&txn, PersonId(found.id), "oidc").await?;
    txn.commit().await?;
    Ok(auth)
}

/// Checks the person may sign in, picks their council and records the sign-in.
pub(crate) async fn start_session(
    db: &sea_orm::DatabaseTransaction,
    person_id: PersonId,
    method: &'static str,
) -> Result<SessionAuth, AppError> {
    let found = person::Entity::find_by_id(person_id.0)
        .one(db)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    if found.disabled_at.is_some() {
        return Err(AppError::NoAccount);
    }
    let council = first_council(db, person_id)
        .await?
        .ok_or(AppError::NoAccount)?;
    audit::record(
        db,
        Event::new(AuditAction::SignIn)
            .council(council)
            .by(person_id)
            .detail("method", method),
    )
    .await?;
    Ok(SessionAuth::new(person_id, council))
}

/// Records a sign-out (the caller ends the session itself).
pub async fn record_sign_out(db: &impl Connection, actor: &Actor) -> Result<(), AppError> {
    if let Actor::Person(p) = actor {
        let txn = crate::domain::platform::db::begin_write(db).await?;
        audit::record(
            &txn,
            Event::new(AuditAction::SignOut)
                .council(p.council_id)
                .by(p.person_id),
        )
        .await?;
        txn.commit().await?;
    }
    Ok(())
}

/// Ends every session of the signed-in person, on every device.
pub async fn sign_out_everywhere(db: &impl Connection, actor: &Actor) -> Result<(), AppError> {
    let Actor::Person(p) = actor else {
        return Err(AppError::Unauthenticated);
    };
    let txn = crate::domain::platform::db::begin_write(db).await?;
    end_sessions_of(&txn, p.person_id).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::SignOutEverywhere)
            .council(p.council_id)
            .by(p.person_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes every stored session of a person (role change, disablement, logout everywhere).
pub async fn end_sessions_of(db: &impl ConnectionTrait, person: PersonId) -> Result<u64, AppError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::PersonId.eq(person.0))
        .exec(db)
        .await?
        .rows_affected)
}

/// Switches the council the person acts in; they must belong to it.
pub async fn switch_council(
    db: &impl Connection,
    actor: &Actor,
    auth: SessionAuth,
    council: CouncilId,
) -> Result<SessionAuth, AppError> {
    let Actor::Person(p) = actor else {
        return Err(AppError::Unauthenticated);
    };
    let member = membership::Entity::find()
        .filter(membership::Column::PersonId.eq(p.person_id.0))
        .filter(membership::Column::CouncilId.eq(council.0))
        .filter(membership::Column::SuspendedAt.is_null())
        .one(db)
        .await?;
    if member.is_none() {
        return Err(AppError::NotFound);
    }
    let txn = crate::domain::platform::db::begin_write(db).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::CouncilSwitched)
            .council(council)
            .by(p.person_id),
    )
    .await?;
    txn.commit().await?;
    Ok(SessionAuth {
        council_id: council,
        ..auth
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/account")), "/account");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
