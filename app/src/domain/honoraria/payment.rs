//! How a member is paid: bank transfer (holder, IBAN checked by country length and mod-97,
//! optional BIC; all sealed, read only by finance in a batch export, each read audited),
//! voucher, or decline payment; and an optional annual cap.

use iban::IbanLike as _;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::access;
use super::entities::payment_preference;
use super::rates::council_money;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{PaymentFields, PaymentMethod, PaymentView};
use crate::model::ids::{CouncilId, PersonId};
use crate::model::{AppError, InputProblem};

/// The longest account holder name a SEPA file carries.
pub const MAX_HOLDER_CHARS: usize = 70;

/// Parses an IBAN (spaces allowed, any case) into its electronic form; the crate checks the
/// country's length and format and the mod-97 check digits.
pub fn parse_iban(field: &str, text: &str) -> Result<String, AppError> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.is_empty() {
        return Err(AppError::invalid(field, InputProblem::Required));
    }
    let iban: iban::Iban = compact
        .parse()
        .map_err(|_| AppError::invalid(field, InputProblem::Malformed))?;
    Ok(iban.electronic_str().to_owned())
}

/// Parses an optional BIC: 8 or 11 characters, the form the SEPA schema accepts
/// (`[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?`).
pub fn parse_bic(field: &str, text: &str) -> Result<Option<String>, AppError> {
    let bic: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if bic.is_empty() {
        return Ok(None);
    }
    let b = bic.as_bytes();
    let ok = matches!(b.len(), 8 | 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && (b[6].is_ascii_uppercase() || (b'2'..=b'9').contains(&b[6]))
        && ((b[7].is_ascii_uppercase() && b[7] != b'O') || b[7].is_ascii_digit())
        && b[8..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !ok {
        return Err(AppError::invalid(field, InputProblem::Malformed));
    }
    Ok(Some(bic))
}

/// A member's preference as stored.
pub async fn of(
    db: &impl ConnectionTrait,
    council: CouncilId,
    person: PersonId,
) -> Result<Option<payment_preference::Model>, AppError> {
    Ok(
        payment_preference::Entity::find_by_id((council.0, person.0))
            .one(db)
            .await?,
    )
}

/// What the member sees of their own preference: the method and the cap, and whether bank
/// details are kept, never the details themselves (nothing to read over a shoulder, and no
/// read of them to audit).
pub async fn view(state: &AppState, actor: &Actor) -> Result<PaymentView, AppError> {
    let council = access::claimant_council(actor)?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let money = council_money(&state.db, council).await?;
    let found = of(&state.db, council, person).await?;
    Ok(PaymentView {
        method: found
            .as_ref()
            .and_then(|p| PaymentMethod::from_code(&p.method)),
        holder: String::new(),
        iban_end: String::new(),
        bic: found.as_ref().is_some_and(|p| p.iban_sealed.is_some()),
        annual_cap: found
            .as_ref()
            .and_then(|p| p.annual_cap_minor)
            .map(|m| money.currency.format(m)),
        currency: money.currency.code().to_owned(),
    })
}

/// Sets how the member is paid. Bank transfer needs the holder and a valid IBAN; voucher and
/// decline keep no bank details (any kept before are deleted).
pub async fn set(state: &AppState, actor: &Actor, fields: &PaymentFields) -> Result<(), AppError> {
    let council = access::claimant_council(actor)?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let money = council_money(&state.db, council).await?;
    let method = PaymentMethod::parse("method", &fields.method)?;
    let annual_cap = if fields.annual_cap.trim().is_empty() {
        None
    } else {
        Some(
            money
                .currency
                .parse_amount("annual_cap", &fields.annual_cap)?,
        )
    };
    let (holder, iban, bic) = if method == PaymentMethod::Bank {
        let holder = fields
            .holder
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if holder.is_empty() {
            return Err(AppError::invalid("holder", InputProblem::Required));
        }
        if holder.chars().count() > MAX_HOLDER_CHARS {
            return Err(AppError::invalid("holder", InputProblem::TooLong));
        }
        let iban = parse_iban("iban", &fields.iban)?;
        let bic = parse_bic("bic", &fields.bic)?;
        let seal = |v: &str| state.keyring.seal(Purpose::PayeeAccount, v);
        (
            Some(seal(&holder)),
            Some(seal(&iban)),
            bic.as_deref().map(seal),
        )
    } else {
        (None, None, None)
    };
    let txn = db::begin_write(&state.db).await?;
    payment_preference::Entity::delete_by_id((council.0, person.0))
        .exec(&txn)
        .await?;
    payment_preference::Entity::insert(payment_preference::ActiveModel {
        council_id: Set(council.0),
        person_id: Set(person.0),
        method: Set(method.code().to_owned()),
        holder_sealed: Set(holder),
        iban_sealed: Set(iban),
        bic_sealed: Set(bic),
        annual_cap_minor: Set(annual_cap),
        updated_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::PaymentDetailsChanged)
            .council(council)
            .by(person)
            .subject("person", person)
            .detail("method", method.code())
            .detail("annual_cap", annual_cap.is_some()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_checked_by_country_length_and_mod_97() {
        assert_eq!(
            parse_iban("iban", "de89 3704 0044 0532 0130 00"),
            Ok("DE89370400440532013000".to_owned())
        );
        assert_eq!(
            parse_iban("iban", "FR14 2004 1010 0505 0001 3M02 606"),
            Ok("FR1420041010050500013M02606".to_owned())
        );
        for bad in [
            "DE89 3704 0044 0532 0130 01", // check digits
            "DE89 3704 0044 0532 0130",    // length for DE
            "ZZ12 3456",                   // country
            "not an iban",
        ] {
            assert_eq!(
                parse_iban("iban", bad),
                Err(AppError::invalid("iban", InputProblem::Malformed)),
                "{bad}"
            );
        }
        assert_eq!(
            parse_iban("iban", "  "),
            Err(AppError::invalid("iban", InputProblem::Required))
        );
    }

    #[test]
    fn bics_follow_the_sepa_pattern() {
        assert_eq!(
            parse_bic("bic", "cobadeffxxx"),
            Ok(Some("COBADEFFXXX".into()))
        );
        assert_eq!(parse_bic("bic", "BNPAFRPP"), Ok(Some("BNPAFRPP".into())));
        assert_eq!(parse_bic("bic", ""), Ok(None));
        for bad in ["COBADEF", "COBADE1FXXX", "COBADEFOXXX", "COBADEFF-XX"] {
            assert!(parse_bic("bic", bad).is_err(), "{bad}");
        }
    }
}
