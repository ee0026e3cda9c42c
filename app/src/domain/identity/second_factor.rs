//! The second factor (TOTP, RFC 6238) that finance and council admin roles require.
//!
//! Enrolment stores a new secret (encrypted) as pending and turns it on only once the person
//! proves it with a code. A pending secret waits beside an active one and never switches it
//! off; replacing an active factor also needs a code from it (or a recovery code), so a
//! stolen session cannot swap the authenticator for the thief's own. Each code is accepted once: the accepted 30-second step is stored and a code
//! of that step or an earlier one is refused. Ten single-use recovery codes are issued at
//! enrolment and shown once; they are stored as keyed hashes.

use crate::model::ids::PersonId;
use std::net::IpAddr;

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use super::entities::person;
use super::entities::recovery_code;
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::SessionAuth;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::Purpose;
use crate::model::audit::AuditAction;
use crate::model::identity::{SecondFactorCode, TotpEnrolment};
use crate::model::{AppError, InputProblem};

const STEP: u64 = 30;

fn totp(secret: Vec<u8>, issuer: &str) -> Result<TOTP, AppError> {
    // The label an authenticator app shows is the deployment's neutral name only.
    let issuer: String = issuer.chars().filter(|c| *c != ':').collect();
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        secret,
        Some(issuer.clone()),
        issuer,
    )
    .map_err(|_| AppError::Internal)
}

fn secret_of(state: &AppState, sealed: &str) -> Result<Vec<u8>, AppError> {
    let encoded = state.keyring.open(Purpose::TotpSecret, sealed)?;
    Secret::Encoded(encoded)
        .to_bytes()
        .map_err(|_| AppError::Internal)
}

fn signed_in(actor: &Actor) -> Result<&super::actor::PersonActor, AppError> {
    match actor {
        Actor::Person(p) => Ok(p),
        Actor::Anonymous => Err(AppError::Unauthenticated),
    }
}

/// Starts (or continues) enrolment: returns the pending secret, creating one if needed.
/// Someone already enrolled must pass the second factor in this session to start a
/// replacement; their active factor stays on until [`confirm_enrolment`] switches it.
pub async fn enrolment(state: &AppState, actor: &Actor) -> Result<TotpEnrolment, AppError> {
    let p = signed_in(actor)?;
    let found = person::Entity::find_by_id(p.person_id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if found.totp_enabled_at.is_some() && !p.second_factor {
        return Err(AppError::Forbidden);
    }
    let sealed = match &found.totp_pending_ciphertext {
        Some(sealed) => sealed.clone(),
        None => {
            let Secret::Encoded(encoded) = Secret::generate_secret().to_encoded() else {
                return Err(AppError::Internal);
            };
            let sealed = state.keyring.seal(Purpose::TotpSecret, &encoded);
            // Only if nothing is pending: of two simultaneous calls (one page render may ask
            // more than once) exactly one stores its secret, and both show the stored one.
            person::Entity::update_many()
                .col_expr(
                    person::Column::TotpPendingCiphertext,
                    Expr::value(Some(sealed)),
                )
                .filter(person::Column::Id.eq(p.person_id.0))
                .filter(person::Column::TotpPendingCiphertext.is_null())
                .exec(&state.db)
                .await?;
            person::Entity::find_by_id(p.person_id.0)
                .one(&state.db)
                .await?
                .and_then(|f| f.totp_pending_ciphertext)
                .ok_or(AppError::Internal)?
        }
    };
    let totp = totp(secret_of(state, &sealed)?, &state.settings.sender_name)?;
    let uri = totp.get_url();
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|_| AppError::Internal)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(180, 180)
        .build();
    Ok(TotpEnrolment {
        secret: totp.get_secret_base32(),
        uri,
        qr_svg,
    })
}

/// The step a code belongs to (current ±1), if it is right.
fn matching_step(totp: &TOTP, code: &str, now: u64) -> Option<i64> {
    let current = now / STEP;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| {
            crate::domain::platform::crypto::same_secret(&totp.generate(step * STEP), code)
        })
        .and_then(|step| i64::try_from(step).ok())
}

/// Accepts `step` for `person` once: true if no code of this or a later step was used.
async fn use_step(db: &impl ConnectionTrait, person: Uuid, step: i64) -> Result<bool, AppError> {
    let done = person::Entity::update_many()
        .col_expr(person::Column::TotpLastStep, Expr::value(Some(step)))
        .filter(person::Column::Id.eq(person))
        .filter(
            Condition::any()
                .add(person::Column::TotpLastStep.is_null())
                .add(person::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

fn now_secs() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or_default()
}

/// Finishes enrolment with a code from the new authenticator. Returns the recovery codes
/// (shown once) and marks this session as having passed the second factor. When a factor is
/// already on, `current` must be a code from it (or one of its recovery codes): only then does
/// the new one replace it, with new recovery codes.
pub async fn confirm_enrolment(
    state: &AppState,
    ip: IpAddr,
    actor: &Actor,
    auth: SessionAuth,
    code_input: &str,
    current_input: &str,
) -> Result<(SessionAuth, Vec<String>), AppError> {
    let p = signed_in(actor)?;
    state.limits.second_factor(ip, &p.person_id.0.to_string())?;
    let SecondFactorCode::Totp(code) = SecondFactorCode::parse("code", code_input)? else {
        return Err(AppError::invalid("code", InputProblem::Malformed));
    };
    let found = person::Entity::find_by_id(p.person_id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let Some(pending) = &found.totp_pending_ciphertext else {
        return Err(AppError::Conflict);
    };
    let active = match (&found.totp_ciphertext, found.totp_enabled_at) {
        (Some(sealed), Some(_)) => Some(sealed),
        _ => None,
    };
    if active.is_some() && !p.second_factor {
        return Err(AppError::Forbidden);
    }
    let current = match active {
        Some(_) => Some(SecondFactorCode::parse("current", current_input)?),
        None => None,
    };
    let fresh = totp(secret_of(state, pending)?, &state.settings.sender_name)?;
    let step = matching_step(&fresh, &code, now_secs())
        .ok_or_else(|| AppError::invalid("code", InputProblem::Incorrect))?;
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    let last_step = match (active, current) {
        (Some(sealed), Some(current)) => {
            let (_, used) = spend(&txn, state, found.id, sealed, current, "current").await?;
            // The new secret's codes were never used; the guard moves forward only.
            Some(
                step.max(used.unwrap_or(step))
                    .max(found.totp_last_step.unwrap_or(step)),
            )
        }
        _ => {
            if !use_step(&txn, found.id, step).await? {
                return Err(AppError::invalid("code", InputProblem::Incorrect));
            }
            None
        }
    };
    let mut switch = person::Entity::update_many()
        .col_expr(
            person::Column::TotpCiphertext,
            Expr::value(Some(pending.clone())),
        )
        .col_expr(
            person::Column::TotpPendingCiphertext,
            Expr::value(Option::<String>::None),
        )
        .col_expr(person::Column::TotpEnabledAt, Expr::value(Some(Utc::now())));
    if let Some(last) = last_step {
        switch = switch.col_expr(person::Column::TotpLastStep, Expr::value(Some(last)));
    }
    // Only the secret the code was checked against: a newer pending one waits its turn.
    let switched = switch
        .filter(person::Column::Id.eq(found.id))
        .filter(person::Column::TotpPendingCiphertext.eq(pending.clone()))
        .exec(&txn)
        .await?;
    if switched.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::PersonId.eq(found.id))
        .exec(&txn)
        .await?;
    let codes: Vec<String> = (0..10).map(|_| new_recovery_code()).collect();
    for code in &codes {
        recovery_code::Entity::insert(recovery_code::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            person_id: Set(found.id),
            code_hash: Set(recovery_hash(state, code)),
            used_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let action = if active.is_some() {
        AuditAction::SecondFactorReplaced
    } else {
        AuditAction::SecondFactorEnrolled
    };
    audit::record(
        &txn,
        Event::new(action)
            .council(p.council_id)
            .by(PersonId(found.id)),
    )
    .await?;
    tell_of_change(&txn, state, &found).await?;
    txn.commit().await?;
    Ok((
        SessionAuth {
            second_factor: true,
            ..auth
        },
        codes,
    ))
}

/// Mails the person that their sign-in changed, whatever their mail preference: if it was
/// not them, this is how they learn of it. The key is random (no person id in it).
async fn tell_of_change(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    found: &person::Model,
) -> Result<(), AppError> {
    use crate::domain::platform::mail::{self, Outgoing, Params, Template};
    let Some(sealed) = &found.email_ciphertext else {
        return Ok(());
    };
    let address = state.keyring.open(Purpose::PersonEmail, sealed)?;
    let Ok(to) = crate::model::identity::EmailAddress::parse("email", &address) else {
        return Ok(());
    };
    let locale = if found.preferred_language.is_empty() {
        "en"
    } else {
        found.preferred_language.as_str()
    };
    mail::enqueue(
        txn,
        &state.keyring,
        Outgoing {
            due: chrono::Utc::now(),
            key: format!("security:{}", crate::domain::platform::db::new_id()),
            council: None,
            template: Template::SecurityChanged,
            locale,
            to: &to,
            params: Params {
                link: format!("{}/account", state.settings.base_url),
                discreet: false,
            },
        },
    )
    .await
}

/// Spends a code of the active factor once: a TOTP code of a step not used before, or an
/// unused recovery code. Returns how it was proven and the TOTP step; a wrong code is
/// refused as `field`.
async fn spend(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    person: Uuid,
    sealed: &str,
    code: SecondFactorCode,
    field: &str,
) -> Result<(&'static str, Option<i64>), AppError> {
    let wrong = || AppError::invalid(field, InputProblem::Incorrect);
    match code {
        SecondFactorCode::Totp(code) => {
            let totp = totp(secret_of(state, sealed)?, &state.settings.sender_name)?;
            let step = matching_step(&totp, &code, now_secs()).ok_or_else(wrong)?;
            if !use_step(txn, person, step).await? {
                return Err(wrong());
            }
            Ok(("totp", Some(step)))
        }
        SecondFactorCode::Recovery(code) => {
            let used = recovery_code::Entity::update_many()
                .col_expr(recovery_code::Column::UsedAt, Expr::value(Some(Utc::now())))
                .filter(recovery_code::Column::PersonId.eq(person))
                .filter(recovery_code::Column::CodeHash.eq(recovery_hash(state, &code)))
                .filter(recovery_code::Column::UsedAt.is_null())
                .exec(txn)
                .await?;
            if used.rows_affected != 1 {
                return Err(wrong());
            }
            Ok(("recovery_code", None))
        }
    }
}

/// Passes the second factor at sign-in with a TOTP code or a recovery code.
pub async fn verify(
    state: &AppState,
    ip: IpAddr,
    actor: &Actor,
    auth: SessionAuth,
    code_input: &str,
) -> Result<SessionAuth, AppError> {
    let p = signed_in(actor)?;
    state.limits.second_factor(ip, &p.person_id.0.to_string())?;
    let code = SecondFactorCode::parse("code", code_input)?;
    let found = person::Entity::find_by_id(p.person_id.0)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let (Some(sealed), Some(_)) = (&found.totp_ciphertext, found.totp_enabled_at) else {
        return Err(AppError::Conflict);
    };
    let txn = crate::domain::platform::db::begin_write(&state.db).await?;
    let (method, _) = spend(&txn, state, found.id, sealed, code, "code").await?;
    audit::record(
        &txn,
        Event::new(AuditAction::SecondFactorPassed)
            .council(p.council_id)
            .by(PersonId(found.id))
            .detail("method", method),
    )
    .await?;
    txn.commit().await?;
    Ok(SessionAuth {
        second_factor: true,
        ..auth
    })
}

/// Whether the person has a second factor turned on.
pub async fn enrolled(db: &impl ConnectionTrait, actor: &Actor) -> Result<bool, AppError> {
    let p = signed_in(actor)?;
    Ok(person::Entity::find_by_id(p.person_id.0)
        .one(db)
        .await?
        .is_some_and(|f| f.totp_enabled_at.is_some()))
}

fn new_recovery_code() -> String {
    // No 0/o, 1/l/i: easy to copy from paper.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let raw: String = (0..12)
        .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

fn recovery_hash(state: &AppState, code: &str) -> String {
    let compact: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    state.keyring.lookup_hash(Purpose::RecoveryCode, &compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_only() {
        let totp = totp(vec![1u8; 20], "Roundtable").expect("valid");
        let now = 1_800_000_000;
        let code = totp.generate(now);
        assert_eq!(
            matching_step(&totp, &code, now),
            Some(i64::try_from(now / STEP).expect("fits"))
        );
        assert_eq!(matching_step(&totp, &code, now + 3 * STEP), None);
        assert_eq!(
            matching_step(&totp, "000000", now).is_some(),
            totp.generate(now) == "000000"
        );
    }

    #[test]
    fn recovery_codes_look_right() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 14);
        assert!(matches!(
            SecondFactorCode::parse("code", &code),
            Ok(SecondFactorCode::Recovery(_))
        ));
    }
}
