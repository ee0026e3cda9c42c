//! The council's rate card (one row per activity and effective date, never changed: a new
//! rate is a new row, so old entries keep the price they were given) and its honoraria
//! settings (second-approval threshold, paying account).

use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::access;
use super::entities::{rate, settings};
use super::money::Currency;
use super::payment::{parse_bic, parse_iban};
use crate::domain::identity::entities::council;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::db::{self, Connection};
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{
    Activity, RateCard, RateFields, RateLine, RateUnit, SettingsFields, parse_date,
};
use crate::model::ids::CouncilId;
use crate::model::{AppError, InputProblem};

/// What honoraria needs of a council: its currency and its time zone.
#[derive(Debug, Clone, Copy)]
pub struct CouncilMoney {
    /// The council's currency.
    pub currency: Currency,
    /// The council's time zone.
    pub time_zone: chrono_tz::Tz,
}

impl CouncilMoney {
    /// Today in the council's time zone.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }
}

/// The council's currency and time zone.
pub async fn council_money(
    db: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<CouncilMoney, AppError> {
    let c = council::Entity::find_by_id(council.0)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let currency = Currency::parse("currency", &c.currency).map_err(|_| {
        tracing::error!("a council's currency is not an ISO 4217 code with an exponent");
        AppError::Internal
    })?;
    let time_zone = c.time_zone.parse().unwrap_or(chrono_tz::UTC);
    Ok(CouncilMoney {
        currency,
        time_zone,
    })
}

/// The rate in force for `activity` on `date`: the line with the latest effective date on or
/// before it.
pub async fn in_force(
    db: &impl ConnectionTrait,
    council: CouncilId,
    activity: Activity,
    date: NaiveDate,
) -> Result<Option<rate::Model>, AppError> {
    Ok(rate::Entity::find()
        .filter(rate::Column::CouncilId.eq(council.0))
        .filter(rate::Column::Activity.eq(activity.code()))
        .filter(rate::Column::EffectiveFrom.lte(date.format("%Y-%m-%d").to_string()))
        .order_by_desc(rate::Column::EffectiveFrom)
        .one(db)
        .await?)
}

/// Every line of the card, by activity, newest first within each.
async fn lines(
    db: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<Vec<rate::Model>, AppError> {
    Ok(rate::Entity::find()
        .filter(rate::Column::CouncilId.eq(council.0))
        .order_by_asc(rate::Column::Activity)
        .order_by_desc(rate::Column::EffectiveFrom)
        .all(db)
        .await?)
}

/// The activities priced on `date` (what the time form offers).
pub async fn priced_activities(
    db: &impl ConnectionTrait,
    council: CouncilId,
    date: NaiveDate,
) -> Result<Vec<Activity>, AppError> {
    let day = date.format("%Y-%m-%d").to_string();
    let mut found: Vec<Activity> = lines(db, council)
        .await?
        .iter()
        .filter(|l| l.effective_from <= day)
        .filter_map(|l| Activity::from_code(&l.activity))
        .collect();
    found.sort();
    found.dedup();
    Ok(found)
}

/// The rate card as everybody in the council may read it.
pub async fn card(db: &impl ConnectionTrait, actor: &Actor) -> Result<RateCard, AppError> {
    let council = access::council_of(actor)?;
    if !access::may_read_rates(actor, council) {
        return Err(AppError::Forbidden);
    }
    let money = council_money(db, council).await?;
    let today = money.today().format("%Y-%m-%d").to_string();
    let rows = lines(db, council).await?;
    let mut seen_current: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (Some(activity), Some(unit)) = (
            Activity::from_code(&r.activity),
            RateUnit::from_code(&r.unit),
        ) else {
            continue;
        };
        let current = r.effective_from <= today && !seen_current.contains(&r.activity);
        if current {
            seen_current.push(r.activity.clone());
        }
        let currency = Currency::parse("currency", &r.currency).unwrap_or(money.currency);
        out.push(RateLine {
            activity,
            unit,
            amount: currency.format(r.amount_minor),
            allowance: currency.format(r.allowance_minor),
            effective_from: r.effective_from,
            current,
        });
    }
    let settings = settings::Entity::find_by_id(council.0).one(db).await?;
    Ok(RateCard {
        currency: money.currency.code().to_owned(),
        lines: out,
        may_edit: access::may_edit_rates(actor, council),
        second_approval_above: settings
            .as_ref()
            .and_then(|s| s.second_approval_above_minor)
            .map(|m| money.currency.format(m)),
        debtor_set: settings
            .as_ref()
            .is_some_and(|s| s.debtor_iban_sealed.is_some() && s.debtor_name_sealed.is_some()),
    })
}

/// Adds a line to the rate card (council admin). A line for the same activity and date
/// already there is a conflict: rates are never edited, a change is a new line.
pub async fn add(db: &impl Connection, actor: &Actor, fields: &RateFields) -> Result<(), AppError> {
    let council = access::council_of(actor)?;
    if !access::may_edit_rates(actor, council) {
        return Err(AppError::Forbidden);
    }
    let money = council_money(db, council).await?;
    let activity = Activity::parse("activity", &fields.activity)?;
    let unit = RateUnit::parse("unit", &fields.unit)?;
    let amount = money.currency.parse_amount("amount", &fields.amount)?;
    let allowance = money
        .currency
        .parse_amount_or_zero("allowance", &fields.allowance)?;
    let from = parse_date("effective_from", &fields.effective_from)?;
    let from = from.format("%Y-%m-%d").to_string();
    let txn = db::begin_write(db).await?;
    let taken = rate::Entity::find()
        .filter(rate::Column::CouncilId.eq(council.0))
        .filter(rate::Column::Activity.eq(activity.code()))
        .filter(rate::Column::EffectiveFrom.eq(from.clone()))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict);
    }
    let id = db::new_id();
    rate::Entity::insert(rate::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        activity: Set(activity.code().to_owned()),
        unit: Set(unit.code().to_owned()),
        amount_minor: Set(amount),
        allowance_minor: Set(allowance),
        currency: Set(money.currency.code().to_owned()),
        effective_from: Set(from.clone()),
        created_by: Set(actor.person().map(|p| p.0)),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::RateAdded)
            .council(council)
            .by_actor(actor)
            .subject("rate", id)
            .detail("activity", activity.code())
            .detail("unit", unit.code())
            .detail("amount", money.currency.format(amount))
            .detail("allowance", money.currency.format(allowance))
            .detail("effective_from", from),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A rate line written directly (the demo seed and tests); no actor, no audit.
pub async fn seed_line(
    db: &impl ConnectionTrait,
    council: CouncilId,
    activity: Activity,
    unit: RateUnit,
    amount_minor: i64,
    allowance_minor: i64,
    effective_from: NaiveDate,
) -> Result<(), AppError> {
    let money = council_money(db, council).await?;
    rate::Entity::insert(rate::ActiveModel {
        id: Set(db::new_id()),
        council_id: Set(council.0),
        activity: Set(activity.code().to_owned()),
        unit: Set(unit.code().to_owned()),
        amount_minor: Set(amount_minor),
        allowance_minor: Set(allowance_minor),
        currency: Set(money.currency.code().to_owned()),
        effective_from: Set(effective_from.format("%Y-%m-%d").to_string()),
        created_by: Set(None),
        created_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The council's settings, if set.
pub async fn settings_of(
    db: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<Option<settings::Model>, AppError> {
    Ok(settings::Entity::find_by_id(council.0).one(db).await?)
}

/// The paying account, opened (for the SEPA file): name, IBAN, BIC.
pub fn debtor(
    keyring: &Keyring,
    s: &settings::Model,
) -> Result<Option<(String, String, Option<String>)>, AppError> {
    let (Some(name), Some(iban)) = (&s.debtor_name_sealed, &s.debtor_iban_sealed) else {
        return Ok(None);
    };
    let bic = s
        .debtor_bic_sealed
        .as_deref()
        .map(|b| keyring.open(Purpose::DebtorAccount, b))
        .transpose()?;
    Ok(Some((
        keyring.open(Purpose::DebtorAccount, name)?,
        keyring.open(Purpose::DebtorAccount, iban)?,
        bic,
    )))
}

/// Sets the threshold and the paying account (council admin). Empty fields clear them.
pub async fn set_settings(
    state: &AppState,
    actor: &Actor,
    fields: &SettingsFields,
) -> Result<(), AppError> {
    let db = &state.db;
    let council = access::council_of(actor)?;
    if !access::may_edit_rates(actor, council) {
        return Err(AppError::Forbidden);
    }
    let money = council_money(db, council).await?;
    let threshold = if fields.second_approval_above.trim().is_empty() {
        None
    } else {
        Some(
            money
                .currency
                .parse_amount_or_zero("second_approval_above", &fields.second_approval_above)?,
        )
    };
    let name = fields.debtor_name.trim();
    if name.chars().count() > 70 {
        return Err(AppError::invalid("debtor_name", InputProblem::TooLong));
    }
    let iban = if fields.debtor_iban.trim().is_empty() {
        None
    } else {
        Some(parse_iban("debtor_iban", &fields.debtor_iban)?)
    };
    if iban.is_some() && name.is_empty() {
        return Err(AppError::invalid("debtor_name", InputProblem::Required));
    }
    let bic = parse_bic("debtor_bic", &fields.debtor_bic)?;
    let seal = |v: &str| state.keyring.seal(Purpose::DebtorAccount, v);
    let txn = db::begin_write(db).await?;
    // The account is never shown again, so a form that leaves all its fields empty keeps it.
    let keep = name.is_empty() && iban.is_none() && bic.is_none();
    let before = settings_of(&txn, council).await?;
    let (name_sealed, iban_sealed, bic_sealed) = match (&before, keep) {
        (Some(b), true) => (
            b.debtor_name_sealed.clone(),
            b.debtor_iban_sealed.clone(),
            b.debtor_bic_sealed.clone(),
        ),
        _ => (
            (!name.is_empty()).then(|| seal(name)),
            iban.as_deref().map(seal),
            bic.as_deref().map(seal),
        ),
    };
    let account_set = iban_sealed.is_some();
    settings::Entity::delete_by_id(council.0).exec(&txn).await?;
    settings::Entity::insert(settings::ActiveModel {
        council_id: Set(council.0),
        second_approval_above_minor: Set(threshold),
        debtor_name_sealed: Set(name_sealed),
        debtor_iban_sealed: Set(iban_sealed),
        debtor_bic_sealed: Set(bic_sealed),
        updated_at: Set(chrono::Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::HonorariaSettingsChanged)
            .council(council)
            .by_actor(actor)
            .detail(
                "second_approval_above",
                threshold.map(|t| money.currency.format(t)),
            )
            .detail("debtor_account_set", account_set),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
