//! Claims from draft to approved: logging time (priced by the rate in force on its day, the
//! rate kept with the entry), expenses with receipts, submitting and withdrawing, and
//! finance's decisions with separation of duties (nobody decides their own claim; above the
//! council's threshold a second, different approver). Each transition is one conditional
//! update (so two decisions at once cannot both apply), audited and told to the claimant by a
//! discreet mail, in one transaction.

use chrono::{Datelike as _, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::access;
use super::entities::claim;
use super::money::{Currency, price};
use super::rates::{self, CouncilMoney, council_money};
use super::receipts;
use crate::domain::identity::entities::person;
use crate::domain::identity::notices::{self, Notice};
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::{Keyring, Purpose};
use crate::domain::platform::db;
use crate::domain::platform::mail::Template;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{
    Activity, ClaimKind, ClaimState, ClaimView, Decision, DecisionReport, ExpenseCategory,
    ExpenseFields, LinkKind, MyClaims, Queue, QueueFilter, QueueRow, RateUnit, TimeFields,
    TimeInput, description, note, parse_date,
};
use crate::model::ids::{ClaimId, CouncilId, PersonId};
use crate::model::{AppError, InputProblem};

/// The oldest day a claim may be for: the year before last (older work is settled by hand).
fn earliest(today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year() - 2, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Refuses a day in the future (in the council's time zone) or long past.
fn check_day(field: &str, day: NaiveDate, money: &CouncilMoney) -> Result<(), AppError> {
    let today = money.today();
    if day > today {
        return Err(AppError::invalid(field, InputProblem::InFuture));
    }
    if day < earliest(today) {
        return Err(AppError::invalid(field, InputProblem::Malformed));
    }
    Ok(())
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A time entry priced: the rate used and the amount.
struct Priced {
    rate_id: uuid::Uuid,
    unit: RateUnit,
    rate_minor: i64,
    allowance_minor: i64,
    amount_minor: i64,
}

async fn priced(
    db: &impl ConnectionTrait,
    council: CouncilId,
    input: &TimeInput,
) -> Result<Priced, AppError> {
    let rate = rates::in_force(db, council, input.activity, input.work_date)
        .await?
        .ok_or_else(|| AppError::invalid("activity", InputProblem::Unavailable))?;
    let unit = RateUnit::from_code(&rate.unit).unwrap_or(RateUnit::Hour);
    let amount_minor = price(rate.amount_minor, unit, input.minutes) + rate.allowance_minor;
    Ok(Priced {
        rate_id: rate.id,
        unit,
        rate_minor: rate.amount_minor,
        allowance_minor: rate.allowance_minor,
        amount_minor,
    })
}

/// Logs time for the signed-in member, as a draft. Returns its id.
pub async fn log_time(
    state: &AppState,
    actor: &Actor,
    fields: &TimeFields,
) -> Result<ClaimId, AppError> {
    let council = access::claimant_council(actor)?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let input = TimeInput::parse(fields)?;
    let money = council_money(&state.db, council).await?;
    check_day("work_date", input.work_date, &money)?;
    let txn = db::begin_write(&state.db).await?;
    let p = priced(&txn, council, &input).await?;
    let id = insert_time(
        &txn,
        &state.keyring,
        council,
        person,
        &input,
        &p,
        &money,
        None,
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ClaimCreated)
            .council(council)
            .by(person)
            .subject("claim", id)
            .detail("kind", ClaimKind::Time.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(ClaimId(id))
}

#[expect(clippy::too_many_arguments, reason = "one row's columns, each named")]
async fn insert_time(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    council: CouncilId,
    person: PersonId,
    input: &TimeInput,
    p: &Priced,
    money: &CouncilMoney,
    meeting: Option<uuid::Uuid>,
) -> Result<uuid::Uuid, AppError> {
    let id = db::new_id();
    let now = Utc::now();
    let link = meeting.map(|m| (LinkKind::Meeting, m)).or(input.link);
    claim::Entity::insert(claim::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        person_id: Set(person.0),
        kind: Set(ClaimKind::Time.code().to_owned()),
        state: Set(ClaimState::Draft.code().to_owned()),
        work_date: Set(day_text(input.work_date)),
        pay_year: Set(input.work_date.year()),
        minutes: Set(Some(input.minutes)),
        activity: Set(Some(input.activity.code().to_owned())),
        category: Set(None),
        link_kind: Set(link.map(|(k, _)| k.code().to_owned())),
        link_id: Set(link.map(|(_, i)| i)),
        description_sealed: Set(keyring.seal(Purpose::ClaimText, &input.description)),
        amount_minor: Set(p.amount_minor),
        currency: Set(money.currency.code().to_owned()),
        rate_id: Set(Some(p.rate_id)),
        rate_unit: Set(Some(p.unit.code().to_owned())),
        rate_minor: Set(Some(p.rate_minor)),
        allowance_minor: Set(p.allowance_minor),
        receipt_id: Set(None),
        adjusts_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        first_approver: Set(None),
        first_approved_at: Set(None),
        second_approver: Set(None),
        decided_at: Set(None),
        note_sealed: Set(None),
        batch_id: Set(None),
        paid_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// A draft time entry for work another capability recorded and links by id (a mentor's
/// session), for the signed-in member: checked and priced like any other entry (the rate in
/// force on its day for `activity`), then through the normal approval. Written in the
/// caller's transaction, so the link and the entry are made together.
pub async fn log_linked(
    txn: &sea_orm::DatabaseTransaction,
    keyring: &Keyring,
    actor: &Actor,
    activity: Activity,
    day: NaiveDate,
    minutes: i32,
    link: (LinkKind, uuid::Uuid),
) -> Result<ClaimId, AppError> {
    let council = access::claimant_council(actor)?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let money = council_money(txn, council).await?;
    check_day("work_date", day, &money)?;
    let input = TimeInput {
        work_date: day,
        minutes,
        activity,
        description: String::new(),
        link: Some(link),
    };
    let p = priced(txn, council, &input).await?;
    let id = insert_time(txn, keyring, council, person, &input, &p, &money, None).await?;
    audit::record(
        txn,
        Event::new(AuditAction::ClaimCreated)
            .council(council)
            .by(person)
            .subject("claim", id)
            .detail("kind", ClaimKind::Time.code())
            .detail("link", link.0.code()),
    )
    .await?;
    Ok(ClaimId(id))
}

/// A prefilled draft time entry for a meeting's attendee (priced like any other); `None`
/// when the rate card prices no meeting on that day.
pub(super) async fn prefill_meeting(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    council: CouncilId,
    person: PersonId,
    meeting: uuid::Uuid,
    day: NaiveDate,
    minutes: i32,
) -> Result<Option<uuid::Uuid>, AppError> {
    let money = council_money(db, council).await?;
    let input = TimeInput {
        work_date: day,
        minutes,
        activity: Activity::Meeting,
        description: String::new(),
        link: None,
    };
    let p = match priced(db, council, &input).await {
        Ok(p) => p,
        Err(AppError::InvalidInput { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    insert_time(
        db,
        keyring,
        council,
        person,
        &input,
        &p,
        &money,
        Some(meeting),
    )
    .await
    .map(Some)
}

/// Corrects a draft or returned time entry (repriced by the rate of its new day).
pub async fn edit_time(
    state: &AppState,
    actor: &Actor,
    id: ClaimId,
    fields: &TimeFields,
) -> Result<(), AppError> {
    let c = access::owned(&state.db, actor, id).await?;
    let council = CouncilId(c.council_id);
    editable(&c)?;
    // A correction holds a difference, not a duration to reprice: it is deleted and made
    // again instead.
    if c.kind != ClaimKind::Time.code() || c.adjusts_id.is_some() {
        return Err(AppError::Conflict);
    }
    let mut input = TimeInput::parse(fields)?;
    if input.link.is_none()
        && let (Some(kind), Some(link)) = (
            c.link_kind.as_deref().and_then(LinkKind::from_code),
            c.link_id,
        )
    {
        input.link = Some((kind, link));
    }
    let money = council_money(&state.db, council).await?;
    check_day("work_date", input.work_date, &money)?;
    let txn = db::begin_write(&state.db).await?;
    let p = priced(&txn, council, &input).await?;
    let updated = claim::Entity::update_many()
        .col_expr(
            claim::Column::WorkDate,
            Expr::value(day_text(input.work_date)),
        )
        .col_expr(claim::Column::PayYear, Expr::value(input.work_date.year()))
        .col_expr(claim::Column::Minutes, Expr::value(input.minutes))
        .col_expr(claim::Column::Activity, Expr::value(input.activity.code()))
        .col_expr(
            claim::Column::DescriptionSealed,
            Expr::value(state.keyring.seal(Purpose::ClaimText, &input.description)),
        )
        .col_expr(claim::Column::AmountMinor, Expr::value(p.amount_minor))
        .col_expr(claim::Column::RateId, Expr::value(p.rate_id))
        .col_expr(claim::Column::RateUnit, Expr::value(p.unit.code()))
        .col_expr(claim::Column::RateMinor, Expr::value(p.rate_minor))
        .col_expr(
            claim::Column::AllowanceMinor,
            Expr::value(p.allowance_minor),
        )
        .col_expr(claim::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(claim::Column::Id.eq(c.id))
        .filter(claim::Column::State.is_in([ClaimState::Draft.code(), ClaimState::Returned.code()]))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ClaimEdited)
            .council(council)
            .by_actor(actor)
            .subject("claim", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// `Locked` for approved and paid claims, `Conflict` for any other state that is not a draft
/// or returned.
fn editable(c: &claim::Model) -> Result<ClaimState, AppError> {
    let state = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Paid);
    if state.locked() {
        return Err(AppError::Locked);
    }
    if !matches!(state, ClaimState::Draft | ClaimState::Returned) {
        return Err(AppError::Conflict);
    }
    Ok(state)
}

/// Adds an expense with its receipt, as a draft. Returns its id.
pub async fn add_expense(
    state: &AppState,
    actor: &Actor,
    fields: &ExpenseFields,
    receipt: &[u8],
) -> Result<ClaimId, AppError> {
    let council = access::claimant_council(actor)?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let money = council_money(&state.db, council).await?;
    let day = parse_date("work_date", &fields.work_date)?;
    check_day("work_date", day, &money)?;
    let category = ExpenseCategory::parse("category", &fields.category)?;
    let currency = if fields.currency.trim().is_empty() {
        money.currency
    } else {
        Currency::parse("currency", &fields.currency)?
    };
    let amount = currency.parse_amount("amount", &fields.amount)?;
    let text = description("description", &fields.description)?;
    let media_type = receipts::sniff(receipt)?;
    let txn = db::begin_write(&state.db).await?;
    let receipt_id =
        receipts::store(&txn, &state.keyring, council, person, media_type, receipt).await?;
    let id = db::new_id();
    let now = Utc::now();
    claim::Entity::insert(claim::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        person_id: Set(person.0),
        kind: Set(ClaimKind::Expense.code().to_owned()),
        state: Set(ClaimState::Draft.code().to_owned()),
        work_date: Set(day_text(day)),
        pay_year: Set(day.year()),
        minutes: Set(None),
        activity: Set(None),
        category: Set(Some(category.code().to_owned())),
        link_kind: Set(None),
        link_id: Set(None),
        description_sealed: Set(state.keyring.seal(Purpose::ClaimText, &text)),
        amount_minor: Set(amount),
        currency: Set(currency.code().to_owned()),
        rate_id: Set(None),
        rate_unit: Set(None),
        rate_minor: Set(None),
        allowance_minor: Set(0),
        receipt_id: Set(Some(receipt_id)),
        adjusts_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        first_approver: Set(None),
        first_approved_at: Set(None),
        second_approver: Set(None),
        decided_at: Set(None),
        note_sealed: Set(None),
        batch_id: Set(None),
        paid_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ClaimCreated)
            .council(council)
            .by(person)
            .subject("claim", id)
            .detail("kind", ClaimKind::Expense.code()),
    )
    .await?;
    txn.commit().await?;
    Ok(ClaimId(id))
}

/// Deletes a draft claim of the actor's (never one finance has seen).
pub async fn delete_draft(state: &AppState, actor: &Actor, id: ClaimId) -> Result<(), AppError> {
    let c = access::owned(&state.db, actor, id).await?;
    if editable(&c)? != ClaimState::Draft {
        return Err(AppError::Conflict);
    }
    let txn = db::begin_write(&state.db).await?;
    let deleted = claim::Entity::delete_many()
        .filter(claim::Column::Id.eq(c.id))
        .filter(claim::Column::State.eq(ClaimState::Draft.code()))
        .exec(&txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    if let Some(r) = c.receipt_id {
        super::entities::receipt::Entity::delete_by_id(r)
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ClaimDeleted)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("claim", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One state change: applied only if the claim is still in one of `from` (so two changes at
/// once cannot both apply), audited and told to the claimant, in one transaction.
struct Transition<'a> {
    claim: &'a claim::Model,
    from: &'a [ClaimState],
    to: ClaimState,
    action: AuditAction,
    columns: Vec<(claim::Column, sea_orm::sea_query::SimpleExpr)>,
    details: Vec<(&'static str, serde_json::Value)>,
}

async fn apply(state: &AppState, actor: &Actor, t: Transition<'_>) -> Result<(), AppError> {
    let council = CouncilId(t.claim.council_id);
    let txn = db::begin_write(&state.db).await?;
    let mut update = claim::Entity::update_many()
        .col_expr(claim::Column::State, Expr::value(t.to.code()))
        .col_expr(claim::Column::UpdatedAt, Expr::value(Utc::now()));
    for (col, value) in t.columns {
        update = update.col_expr(col, value);
    }
    let done = update
        .filter(claim::Column::Id.eq(t.claim.id))
        .filter(claim::Column::State.is_in(t.from.iter().map(|s| s.code())))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    let mut event = Event::new(t.action)
        .council(council)
        .by_actor(actor)
        .subject("claim", t.claim.id)
        .detail("state", t.to.code());
    for (key, value) in t.details {
        event = event.detail(key, value);
    }
    audit::record(&txn, event).await?;
    tell(&txn, state, council, PersonId(t.claim.person_id), t.to).await?;
    txn.commit().await?;
    Ok(())
}

/// Queues the discreet "there is news" mail to the claimant: one per person, kind of change
/// and day, so approving twenty claims at once sends one mail.
pub(super) async fn tell(
    db: &impl ConnectionTrait,
    state: &AppState,
    council: CouncilId,
    person: PersonId,
    to: ClaimState,
) -> Result<(), AppError> {
    let key = format!("claims:{}:{}", to.code(), Utc::now().format("%Y-%m-%d"));
    notices::person(
        db,
        state,
        council,
        person,
        Notice {
            template: Template::ClaimUpdated,
            key: &key,
            path: "/time",
            due: Utc::now(),
        },
    )
    .await
}

/// Submits a draft or returned claim of the actor's.
pub async fn submit(state: &AppState, actor: &Actor, id: ClaimId) -> Result<(), AppError> {
    let c = access::owned(&state.db, actor, id).await?;
    editable(&c)?;
    apply(
        state,
        actor,
        Transition {
            claim: &c,
            from: &[ClaimState::Draft, ClaimState::Returned],
            to: ClaimState::Submitted,
            action: AuditAction::ClaimSubmitted,
            columns: vec![
                (claim::Column::SubmittedAt, Expr::value(Utc::now())),
                (
                    claim::Column::FirstApprover,
                    Expr::value(Option::<uuid::Uuid>::None),
                ),
                (
                    claim::Column::FirstApprovedAt,
                    Expr::value(Option::<chrono::DateTime<Utc>>::None),
                ),
            ],
            details: vec![],
        },
    )
    .await
}

/// Takes back a submitted claim (also one waiting for its second approval) to draft.
pub async fn withdraw(state: &AppState, actor: &Actor, id: ClaimId) -> Result<(), AppError> {
    let c = access::owned(&state.db, actor, id).await?;
    let current = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Paid);
    if current.locked() {
        return Err(AppError::Locked);
    }
    apply(
        state,
        actor,
        Transition {
            claim: &c,
            from: &[ClaimState::Submitted, ClaimState::FirstApproved],
            to: ClaimState::Draft,
            action: AuditAction::ClaimWithdrawn,
            columns: vec![
                (
                    claim::Column::SubmittedAt,
                    Expr::value(Option::<chrono::DateTime<Utc>>::None),
                ),
                (
                    claim::Column::FirstApprover,
                    Expr::value(Option::<uuid::Uuid>::None),
                ),
                (
                    claim::Column::FirstApprovedAt,
                    Expr::value(Option::<chrono::DateTime<Utc>>::None),
                ),
            ],
            details: vec![],
        },
    )
    .await
}

/// Counts a claim not yet approved towards next year instead of this one: the member defers
/// what would pass this year's cap. Only a claim of this year, only once; finance does not
/// put it in a batch before next year.
pub async fn defer(state: &AppState, actor: &Actor, id: ClaimId) -> Result<(), AppError> {
    let c = access::owned(&state.db, actor, id).await?;
    let current = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Paid);
    if current.locked() {
        return Err(AppError::Locked);
    }
    let open = [
        ClaimState::Draft,
        ClaimState::Returned,
        ClaimState::Submitted,
        ClaimState::FirstApproved,
    ];
    let money = council_money(&state.db, CouncilId(c.council_id)).await?;
    let this_year = money.today().year();
    if !open.contains(&current) || c.pay_year != this_year {
        return Err(AppError::Conflict);
    }
    let txn = db::begin_write(&state.db).await?;
    let done = claim::Entity::update_many()
        .col_expr(claim::Column::PayYear, Expr::value(this_year + 1))
        .col_expr(claim::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(claim::Column::Id.eq(c.id))
        .filter(claim::Column::PayYear.eq(this_year))
        .filter(claim::Column::State.is_in(open.iter().map(|s| s.code())))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict);
    }
    audit::record(
        &txn,
        Event::new(AuditAction::ClaimDeferred)
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("claim", c.id)
            .detail("pay_year", this_year + 1),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Corrects an approved or paid claim, which is locked: a new adjusting entry, a draft the
/// member submits like any other, holding the difference (negative when less is owed).
/// `corrected` is the right total: minutes for a time entry (priced by the rate the original
/// used), the amount for an expense. It is measured against the original together with its
/// corrections already approved. Returns the new entry's id.
pub async fn adjust(
    state: &AppState,
    actor: &Actor,
    id: ClaimId,
    corrected: &str,
    reason: &str,
) -> Result<ClaimId, AppError> {
    let c = access::owned(&state.db, actor, id).await?;
    let council = CouncilId(c.council_id);
    let current = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Draft);
    if !current.locked() || c.adjusts_id.is_some() {
        // Open claims are edited; a correction is corrected through its original.
        return Err(AppError::Conflict);
    }
    let text = description("description", reason)?;
    if text.is_empty() {
        return Err(AppError::invalid("description", InputProblem::Required));
    }
    let currency = Currency::parse("currency", &c.currency)?;
    let money = council_money(&state.db, council).await?;
    let txn = db::begin_write(&state.db).await?;
    let family = claim::Entity::find()
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(
            sea_orm::Condition::any()
                .add(claim::Column::Id.eq(c.id))
                .add(claim::Column::AdjustsId.eq(c.id)),
        )
        .all(&txn)
        .await?;
    if family.iter().any(|f| {
        let s = ClaimState::from_code(&f.state).unwrap_or(ClaimState::Draft);
        f.adjusts_id.is_some() && s != ClaimState::Rejected && !s.locked()
    }) {
        // One correction at a time: the open one is edited or withdrawn first.
        return Err(AppError::Conflict);
    }
    let settled: Vec<&claim::Model> = family
        .iter()
        .filter(|f| ClaimState::from_code(&f.state).is_some_and(ClaimState::locked))
        .collect();
    let amount_now: i64 = settled.iter().map(|f| f.amount_minor).sum();
    let minutes_now: i32 = settled.iter().filter_map(|f| f.minutes).sum();
    let (delta_minutes, delta_amount) = if c.kind == ClaimKind::Time.code() {
        let minutes = if corrected.trim() == "0" {
            0
        } else {
            crate::model::honoraria::parse_minutes("corrected", corrected)?
        };
        let unit = c
            .rate_unit
            .as_deref()
            .and_then(RateUnit::from_code)
            .unwrap_or(RateUnit::Hour);
        let amount = if minutes == 0 {
            0
        } else {
            price(c.rate_minor.unwrap_or(0), unit, minutes) + c.allowance_minor
        };
        (Some(minutes - minutes_now), amount - amount_now)
    } else {
        let amount = currency.parse_amount_or_zero("corrected", corrected)?;
        (None, amount - amount_now)
    };
    if delta_amount == 0 && delta_minutes.unwrap_or(0) == 0 {
        return Err(AppError::invalid("corrected", InputProblem::Unchanged));
    }
    let new = db::new_id();
    let now = Utc::now();
    claim::Entity::insert(claim::ActiveModel {
        id: Set(new),
        council_id: Set(council.0),
        person_id: Set(c.person_id),
        kind: Set(c.kind.clone()),
        state: Set(ClaimState::Draft.code().to_owned()),
        work_date: Set(c.work_date.clone()),
        pay_year: Set(c.pay_year.max(money.today().year())),
        minutes: Set(delta_minutes),
        activity: Set(c.activity.clone()),
        category: Set(c.category.clone()),
        link_kind: Set(c.link_kind.clone()),
        link_id: Set(c.link_id),
        description_sealed: Set(state.keyring.seal(Purpose::ClaimText, &text)),
        amount_minor: Set(delta_amount),
        currency: Set(c.currency.clone()),
        rate_id: Set(c.rate_id),
        rate_unit: Set(c.rate_unit.clone()),
        rate_minor: Set(c.rate_minor),
        allowance_minor: Set(0),
        receipt_id: Set(None),
        adjusts_id: Set(Some(c.id)),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set(None),
        first_approver: Set(None),
        first_approved_at: Set(None),
        second_approver: Set(None),
        decided_at: Set(None),
        note_sealed: Set(None),
        batch_id: Set(None),
        paid_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ClaimCreated)
            .council(council)
            .by_actor(actor)
            .subject("claim", new)
            .detail("kind", c.kind.as_str())
            .detail("adjusts", c.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(ClaimId(new))
}

/// Whether a claim needs a second approver: above the council's threshold (in the council's
/// currency), and always for a claim in another currency once a threshold is set.
fn needs_second(c: &claim::Model, threshold: Option<i64>, council_currency: Currency) -> bool {
    threshold.is_some_and(|t| c.currency != council_currency.code() || c.amount_minor > t)
}

/// Finance decides one claim. Approving: the first approval, or the second by another
/// officer when the claim is above the threshold. Rejecting and returning need a reason.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: ClaimId,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let c = access::decidable(&state.db, actor, id).await?;
    let council = CouncilId(c.council_id);
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let current = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Paid);
    if current.locked() {
        return Err(AppError::Locked);
    }
    if !matches!(current, ClaimState::Submitted | ClaimState::FirstApproved) {
        return Err(AppError::Conflict);
    }
    let now = Utc::now();
    let t = match decision {
        Decision::Approve if current == ClaimState::FirstApproved => {
            if c.first_approver == Some(me.0) {
                return Err(AppError::SameApprover);
            }
            Transition {
                claim: &c,
                from: &[ClaimState::FirstApproved],
                to: ClaimState::Approved,
                action: AuditAction::ClaimApproved,
                columns: vec![
                    (claim::Column::SecondApprover, Expr::value(me.0)),
                    (claim::Column::DecidedAt, Expr::value(now)),
                ],
                details: vec![("approval", 2.into())],
            }
        }
        Decision::Approve => {
            let money = council_money(&state.db, council).await?;
            let threshold = rates::settings_of(&state.db, council)
                .await?
                .and_then(|s| s.second_approval_above_minor);
            let second = needs_second(&c, threshold, money.currency);
            let mut columns = vec![
                (claim::Column::FirstApprover, Expr::value(me.0)),
                (claim::Column::FirstApprovedAt, Expr::value(now)),
            ];
            if !second {
                columns.push((claim::Column::DecidedAt, Expr::value(now)));
            }
            Transition {
                claim: &c,
                from: &[ClaimState::Submitted],
                to: if second {
                    ClaimState::FirstApproved
                } else {
                    ClaimState::Approved
                },
                action: AuditAction::ClaimApproved,
                columns,
                details: vec![("approval", 1.into())],
            }
        }
        Decision::Reject | Decision::Return => {
            let text = note("reason", reason)?;
            let (to, action) = if decision == Decision::Reject {
                (ClaimState::Rejected, AuditAction::ClaimRejected)
            } else {
                (ClaimState::Returned, AuditAction::ClaimReturned)
            };
            Transition {
                claim: &c,
                from: &[ClaimState::Submitted, ClaimState::FirstApproved],
                to,
                action,
                columns: vec![
                    (
                        claim::Column::NoteSealed,
                        Expr::value(state.keyring.seal(Purpose::ClaimText, &text)),
                    ),
                    (claim::Column::DecidedAt, Expr::value(now)),
                ],
                details: vec![],
            }
        }
    };
    apply(state, actor, t).await
}

/// Finance decides several claims at once; each is checked by the rules on its own, and
/// the report says which were decided and why the others were not.
pub async fn decide_many(
    state: &AppState,
    actor: &Actor,
    ids: &[ClaimId],
    decision: &str,
    reason: &str,
) -> Result<DecisionReport, AppError> {
    access::finance_council(actor)?;
    let decision = Decision::parse("decision", decision)?;
    if ids.is_empty() {
        return Err(AppError::invalid("claims", InputProblem::Required));
    }
    if ids.len() > 500 {
        return Err(AppError::invalid("claims", InputProblem::TooLong));
    }
    let mut report = DecisionReport {
        done: Vec::new(),
        refused: Vec::new(),
    };
    for id in ids {
        match decide(state, actor, *id, decision, reason).await {
            Ok(()) => report.done.push(*id),
            Err(AppError::Internal) => return Err(AppError::Internal),
            Err(e) => report.refused.push((*id, e.code().to_owned())),
        }
    }
    Ok(report)
}

/// A claim row as a view (its text opened).
pub(super) fn view_of(keyring: &Keyring, c: &claim::Model) -> Result<ClaimView, AppError> {
    let currency = Currency::parse("currency", &c.currency)?;
    let unit = c.rate_unit.as_deref().and_then(RateUnit::from_code);
    Ok(ClaimView {
        id: ClaimId(c.id),
        kind: ClaimKind::from_code(&c.kind).unwrap_or(ClaimKind::Time),
        state: ClaimState::from_code(&c.state).unwrap_or(ClaimState::Draft),
        work_date: c.work_date.clone(),
        minutes: c.minutes,
        activity: c.activity.as_deref().and_then(Activity::from_code),
        category: c.category.as_deref().and_then(ExpenseCategory::from_code),
        description: keyring.open(Purpose::ClaimText, &c.description_sealed)?,
        amount: currency.format(c.amount_minor),
        currency: c.currency.clone(),
        rate: c.rate_minor.zip(unit).map(|(m, u)| (currency.format(m), u)),
        allowance: (c.allowance_minor != 0).then(|| currency.format(c.allowance_minor)),
        note: c
            .note_sealed
            .as_deref()
            .map(|n| keyring.open(Purpose::ClaimText, n))
            .transpose()?,
        receipt: c.receipt_id.is_some(),
        adjusts: c.adjusts_id.map(ClaimId),
        link: c.link_kind.as_deref().and_then(LinkKind::from_code),
        pay_year: c.pay_year,
    })
}

/// The member's own claims in the council they act in, newest first, with yearly totals.
pub async fn mine(state: &AppState, actor: &Actor) -> Result<MyClaims, AppError> {
    let council = access::claimant_council(actor)?;
    let person = actor.person().ok_or(AppError::Unauthenticated)?;
    let db = &state.db;
    let money = council_money(db, council).await?;
    let rows = claim::Entity::find()
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::PersonId.eq(person.0))
        .order_by_desc(claim::Column::WorkDate)
        .order_by_desc(claim::Column::CreatedAt)
        .limit(1_000)
        .all(db)
        .await?;
    let preference = super::payment::of(db, council, person).await?;
    let mut years: Vec<(i32, i64, i64)> = Vec::new();
    for c in rows.iter().filter(|c| c.currency == money.currency.code()) {
        let state = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Draft);
        if !state.locked() {
            continue;
        }
        let paid = if state == ClaimState::Paid {
            c.amount_minor
        } else {
            0
        };
        match years.iter_mut().find(|(y, _, _)| *y == c.pay_year) {
            Some(entry) => {
                entry.1 += c.amount_minor;
                entry.2 += paid;
            }
            None => years.push((c.pay_year, c.amount_minor, paid)),
        }
    }
    years.sort_by_key(|y| std::cmp::Reverse(y.0));
    let this_year = money.today().year();
    // Waiting for finance this year: what approving it would add to the year's total.
    let waiting: i64 = rows
        .iter()
        .filter(|c| c.currency == money.currency.code() && c.pay_year == this_year)
        .filter(|c| {
            c.state == ClaimState::Submitted.code() || c.state == ClaimState::FirstApproved.code()
        })
        .map(|c| c.amount_minor)
        .sum();
    let approved_this_year = years
        .iter()
        .find(|(y, _, _)| *y == this_year)
        .map_or(0, |(_, total, _)| *total);
    let over_cap = preference
        .as_ref()
        .and_then(|p| p.annual_cap_minor)
        .is_some_and(|cap| approved_this_year + waiting > cap);
    let cap = preference
        .as_ref()
        .and_then(|p| p.annual_cap_minor)
        .map(|cap| {
            let used = years
                .iter()
                .find(|(y, _, _)| *y == this_year)
                .map_or(0, |(_, total, _)| *total);
            (
                money.currency.format(cap),
                money.currency.format((cap - used).max(0)),
            )
        });
    Ok(MyClaims {
        claims: rows
            .iter()
            .map(|c| view_of(&state.keyring, c))
            .collect::<Result<_, _>>()?,
        activities: rates::priced_activities(db, council, money.today()).await?,
        currency: money.currency.code().to_owned(),
        method: preference
            .as_ref()
            .and_then(|p| crate::model::honoraria::PaymentMethod::from_code(&p.method)),
        years: years
            .into_iter()
            .map(|(y, total, paid)| (y, money.currency.format(total), money.currency.format(paid)))
            .collect(),
        cap,
        over_cap,
        today: day_text(money.today()),
        this_year,
        may_log: true,
    })
}

/// A queue row as read: the claim and its author's display name.
#[derive(Debug)]
struct QueueRead {
    claim: claim::Model,
    display_name: String,
}

impl FromQueryResult for QueueRead {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            claim: claim::Model::from_query_result(row, pre)?,
            display_name: row.try_get(pre, "display_name")?,
        })
    }
}

/// The most rows one queue page shows.
pub const QUEUE_PAGE: u64 = 50;

/// Finance's queue: claims of the council, by state (submitted and waiting for a second
/// approval unless another state is asked for), person and period. Claims waiting for a second
/// approval come first (a colleague has already looked at them), then the rest, oldest
/// submission first: the order of the `claim_queue` index (council, state, submitted), so the
/// page reads its rows from the index instead of sorting every open claim. The same number of
/// statements whatever the number of rows.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    filter: &QueueFilter,
) -> Result<Queue, AppError> {
    let council = access::finance_council(actor)?;
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let db = &state.db;
    let states: Vec<&str> = if filter.state.trim().is_empty() {
        vec![
            ClaimState::Submitted.code(),
            ClaimState::FirstApproved.code(),
        ]
    } else {
        vec![ClaimState::parse("state", &filter.state)?.code()]
    };
    let person = if filter.person.trim().is_empty() {
        None
    } else {
        Some(
            uuid::Uuid::parse_str(filter.person.trim())
                .map_err(|_| AppError::invalid("person", InputProblem::Malformed))?,
        )
    };
    let from = (!filter.from.trim().is_empty())
        .then(|| parse_date("from", &filter.from))
        .transpose()?;
    let to = (!filter.to.trim().is_empty())
        .then(|| parse_date("to", &filter.to))
        .transpose()?;
    let page: u64 = if filter.page.trim().is_empty() {
        0
    } else {
        filter
            .page
            .trim()
            .parse()
            .ok()
            .filter(|p| *p < 10_000)
            .ok_or_else(|| AppError::invalid("page", InputProblem::Malformed))?
    };
    let settings = rates::settings_of(db, council).await?;
    let threshold = settings
        .as_ref()
        .and_then(|s| s.second_approval_above_minor);
    let money = council_money(db, council).await?;
    let mut query = claim::Entity::find()
        .column_as(person::Column::DisplayName, "display_name")
        .join(
            JoinType::InnerJoin,
            claim::Entity::belongs_to(person::Entity)
                .from(claim::Column::PersonId)
                .to(person::Column::Id)
                .into(),
        )
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::State.is_in(states));
    if let Some(p) = person {
        query = query.filter(claim::Column::PersonId.eq(p));
    }
    if let Some(from) = from {
        query = query.filter(claim::Column::WorkDate.gte(day_text(from)));
    }
    if let Some(to) = to {
        query = query.filter(claim::Column::WorkDate.lte(day_text(to)));
    }
    // `first_approved` sorts before `submitted` (a unit test holds the codes to it).
    let rows = query
        .order_by_asc(claim::Column::State)
        .order_by_asc(claim::Column::SubmittedAt)
        .order_by_asc(claim::Column::Id)
        .offset(page * QUEUE_PAGE)
        // One more than a page: whether there is a next page, without counting.
        .limit(QUEUE_PAGE + 1)
        .into_model::<QueueRead>()
        .all(db)
        .await?;
    let more = rows.len() as u64 > QUEUE_PAGE;
    let rows: Vec<QueueRead> = rows.into_iter().take(QUEUE_PAGE as usize).collect();
    let caps = caps_of(db, council, money.currency, &rows).await?;
    let mut totals: Vec<(String, i64)> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let crosses_cap = r.claim.currency == money.currency.code()
            && caps
                .iter()
                .find(|(p, y, _, _)| *p == r.claim.person_id && *y == r.claim.pay_year)
                .is_some_and(|(_, _, cap, used)| used + r.claim.amount_minor > *cap);
        match totals.iter_mut().find(|(c, _)| *c == r.claim.currency) {
            Some(t) => t.1 += r.claim.amount_minor,
            None => totals.push((r.claim.currency.clone(), r.claim.amount_minor)),
        }
        out.push(QueueRow {
            person: PersonId(r.claim.person_id),
            person_name: r.display_name,
            own: r.claim.person_id == me.0,
            needs_second: needs_second(&r.claim, threshold, money.currency),
            crosses_cap,
            claim: view_of(&state.keyring, &r.claim)?,
        });
    }
    let approved = approved_totals(db, council).await?;
    Ok(Queue {
        rows: out,
        people: people_with_claims(db, council).await?,
        totals: totals
            .into_iter()
            .map(|(c, t)| {
                let cur = Currency::parse("currency", &c)?;
                Ok((c, cur.format(t)))
            })
            .collect::<Result<_, AppError>>()?,
        approved,
        page,
        more,
        tomorrow: day_text(money.today().succ_opt().unwrap_or(money.today())),
    })
}

#[derive(Debug, FromQueryResult)]
struct Used {
    person_id: uuid::Uuid,
    pay_year: i32,
    total: i64,
}

/// For the people on a queue page who set a yearly cap: (person, year, cap, already approved
/// or paid that year), in the council's currency. Two statements, whatever the page holds.
async fn caps_of(
    db: &impl ConnectionTrait,
    council: CouncilId,
    currency: Currency,
    rows: &[QueueRead],
) -> Result<Vec<(uuid::Uuid, i32, i64, i64)>, AppError> {
    use super::entities::payment_preference;
    let mut people: Vec<uuid::Uuid> = rows.iter().map(|r| r.claim.person_id).collect();
    people.sort();
    people.dedup();
    let capped: Vec<(uuid::Uuid, i64)> = payment_preference::Entity::find()
        .filter(payment_preference::Column::CouncilId.eq(council.0))
        .filter(payment_preference::Column::PersonId.is_in(people))
        .filter(payment_preference::Column::AnnualCapMinor.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter_map(|p| p.annual_cap_minor.map(|cap| (p.person_id, cap)))
        .collect();
    let used: Vec<Used> = claim::Entity::find()
        .select_only()
        .column(claim::Column::PersonId)
        .column(claim::Column::PayYear)
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(claim::Column::AmountMinor)),
                "BIGINT",
            )),
            "total",
        )
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::Currency.eq(currency.code()))
        .filter(claim::Column::PersonId.is_in(capped.iter().map(|(p, _)| *p)))
        .filter(claim::Column::State.is_in([
            ClaimState::Approved.code(),
            ClaimState::InBatch.code(),
            ClaimState::Paid.code(),
        ]))
        .group_by(claim::Column::PersonId)
        .group_by(claim::Column::PayYear)
        .into_model::<Used>()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let Some((_, cap)) = capped.iter().find(|(p, _)| *p == r.claim.person_id) else {
            continue;
        };
        if out
            .iter()
            .any(|(p, y, _, _)| *p == r.claim.person_id && *y == r.claim.pay_year)
        {
            continue;
        }
        let already = used
            .iter()
            .find(|u| u.person_id == r.claim.person_id && u.pay_year == r.claim.pay_year)
            .map_or(0, |u| u.total);
        out.push((r.claim.person_id, r.claim.pay_year, *cap, already));
    }
    Ok(out)
}

#[derive(Debug, FromQueryResult)]
struct Total {
    currency: String,
    n: i64,
    total: i64,
}

/// Approved claims waiting for a batch, per currency.
async fn approved_totals(
    db: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<Vec<(String, i64, String)>, AppError> {
    let rows = claim::Entity::find()
        .select_only()
        .column(claim::Column::Currency)
        .column_as(Expr::from(Func::count(Expr::col(claim::Column::Id))), "n")
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(claim::Column::AmountMinor)),
                "BIGINT",
            )),
            "total",
        )
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::State.eq(ClaimState::Approved.code()))
        .filter(claim::Column::BatchId.is_null())
        .group_by(claim::Column::Currency)
        .order_by_asc(claim::Column::Currency)
        .into_model::<Total>()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|r| {
            let cur = Currency::parse("currency", &r.currency)?;
            Ok((r.currency, r.n, cur.format(r.total)))
        })
        .collect()
}

#[derive(Debug, FromQueryResult)]
struct Person {
    id: uuid::Uuid,
    display_name: String,
}

/// The people who have claims in the council, by name (the queue's filter).
async fn people_with_claims(
    db: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<Vec<(PersonId, String)>, AppError> {
    use sea_orm::sea_query::ExprTrait as _;
    let rows = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::DisplayName)
        // One index probe per person (`claim_person`), not a pass over every claim the
        // council ever had: the list stays cheap as the years of claims grow.
        .filter(Expr::exists(
            sea_orm::sea_query::Query::select()
                .expr(Expr::val(1))
                .from(claim::Entity)
                .and_where(
                    Expr::col((claim::Entity, claim::Column::PersonId))
                        .equals((person::Entity, person::Column::Id)),
                )
                .and_where(Expr::col((claim::Entity, claim::Column::CouncilId)).eq(council.0))
                .to_owned(),
        ))
        .order_by_asc(person::Column::DisplayName)
        .into_model::<Person>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| (PersonId(p.id), p.display_name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue reads its rows in index order, state first: a claim waiting for a second
    /// approval must sort before a submitted one.
    #[test]
    fn claims_waiting_for_a_second_approval_sort_first() {
        assert!(ClaimState::FirstApproved.code() < ClaimState::Submitted.code());
    }
}
