//! Payment batches: finance gathers approved claims of one currency into a batch (one
//! conditional update moves each claim at most once, so two officers making batches at the
//! same moment never put a claim in both), exports it as CSV and as a SEPA credit transfer
//! file, and marks it paid (idempotent). What each payee is paid and how is kept with the
//! batch as it stood when it was made, so every export of a batch is the same file.

use chrono::{Datelike as _, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::access;
use super::entities::{batch_payee, claim, payment_batch, payment_preference};
use super::money::Currency;
use super::rates::{self, council_money};
use super::sepa;
use crate::domain::identity::entities::person;
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::crypto::Purpose;
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::audit::AuditAction;
use crate::model::honoraria::{
    BatchDetail, BatchState, BatchSummary, ClaimState, PayeeLine, PaymentMethod, parse_date,
};
use crate::model::ids::{BatchId, CouncilId, PersonId};
use crate::model::{AppError, InputProblem};

/// How a payee of a batch is paid.
const MISSING: &str = "missing";

/// A short random reference (the SEPA message id): 16 characters, says nothing of time.
fn reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..16)
        .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
        .collect()
}

/// Makes a batch of every approved claim of `currency` not yet in one (and not deferred to
/// a later year). `Conflict` when there is none.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    currency: &str,
    execution_date: &str,
) -> Result<BatchId, AppError> {
    let council = access::finance_council(actor)?;
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let money = council_money(&state.db, council).await?;
    let currency = if currency.trim().is_empty() {
        money.currency
    } else {
        Currency::parse("currency", currency)?
    };
    let today = money.today();
    let execution = if execution_date.trim().is_empty() {
        today.succ_opt().unwrap_or(today)
    } else {
        let d = parse_date("execution_date", execution_date)?;
        if d < today {
            return Err(AppError::invalid(
                "execution_date",
                InputProblem::Unavailable,
            ));
        }
        d
    };
    let id = db::new_id();
    let reference = reference();
    let txn = db::begin_write(&state.db).await?;
    let now = Utc::now();
    payment_batch::Entity::insert(payment_batch::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        reference: Set(reference.clone()),
        currency: Set(currency.code().to_owned()),
        state: Set(BatchState::Created.code().to_owned()),
        execution_date: Set(execution.format("%Y-%m-%d").to_string()),
        item_count: Set(0),
        total_minor: Set(0),
        created_by: Set(me.0),
        created_at: Set(now),
        paid_by: Set(None),
        paid_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    // The one step that decides which claims are in: a claim another batch took meanwhile no
    // longer matches (PostgreSQL re-checks the row after waiting for the other transaction;
    // SQLite runs write transactions one at a time).
    claim::Entity::update_many()
        .col_expr(claim::Column::BatchId, Expr::value(id))
        .col_expr(
            claim::Column::State,
            Expr::value(ClaimState::InBatch.code()),
        )
        .col_expr(claim::Column::UpdatedAt, Expr::value(now))
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::Currency.eq(currency.code()))
        .filter(claim::Column::State.eq(ClaimState::Approved.code()))
        .filter(claim::Column::BatchId.is_null())
        .filter(claim::Column::PayYear.lte(today.year()))
        .exec(&txn)
        .await?;
    let sums = payee_sums(&txn, id).await?;
    if sums.is_empty() {
        // Dropping the transaction rolls the empty batch back.
        return Err(AppError::Conflict);
    }
    let preferences: Vec<payment_preference::Model> = payment_preference::Entity::find()
        .filter(payment_preference::Column::CouncilId.eq(council.0))
        .filter(payment_preference::Column::PersonId.is_in(sums.iter().map(|s| s.person_id)))
        .all(&txn)
        .await?;
    let (mut items, mut total) = (0_i64, 0_i64);
    let mut payees = Vec::with_capacity(sums.len());
    for (n, s) in sums.iter().enumerate() {
        let p = preferences.iter().find(|p| p.person_id == s.person_id);
        let method = match p.map(|p| (p.method.as_str(), p.iban_sealed.is_some())) {
            Some(("bank", true)) => PaymentMethod::Bank.code(),
            Some(("voucher", _)) => PaymentMethod::Voucher.code(),
            Some(("decline", _)) => PaymentMethod::Decline.code(),
            _ => MISSING,
        };
        let bank = method == PaymentMethod::Bank.code();
        items += s.n;
        total += s.total;
        payees.push(batch_payee::ActiveModel {
            batch_id: Set(id),
            person_id: Set(s.person_id),
            end_to_end_id: Set(format!("{reference}-{}", n + 1)),
            method: Set(method.to_owned()),
            holder_sealed: Set(p.filter(|_| bank).and_then(|p| p.holder_sealed.clone())),
            iban_sealed: Set(p.filter(|_| bank).and_then(|p| p.iban_sealed.clone())),
            bic_sealed: Set(p.filter(|_| bank).and_then(|p| p.bic_sealed.clone())),
            item_count: Set(i32::try_from(s.n).unwrap_or(i32::MAX)),
            total_minor: Set(s.total),
        });
    }
    for chunk in payees.chunks(500) {
        batch_payee::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    payment_batch::Entity::update_many()
        .col_expr(
            payment_batch::Column::ItemCount,
            Expr::value(i32::try_from(items).unwrap_or(i32::MAX)),
        )
        .col_expr(payment_batch::Column::TotalMinor, Expr::value(total))
        .filter(payment_batch::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::BatchCreated)
            .council(council)
            .by(me)
            .subject("batch", id)
            .detail("currency", currency.code())
            .detail("items", items)
            .detail("payees", payees.len()),
    )
    .await?;
    txn.commit().await?;
    Ok(BatchId(id))
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct PayeeSum {
    person_id: uuid::Uuid,
    n: i64,
    total: i64,
}

/// What the batch's claims add up to per person, by person id.
async fn payee_sums(
    db: &impl ConnectionTrait,
    batch: uuid::Uuid,
) -> Result<Vec<PayeeSum>, AppError> {
    Ok(claim::Entity::find()
        .select_only()
        .column(claim::Column::PersonId)
        .column_as(Expr::from(Func::count(Expr::col(claim::Column::Id))), "n")
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(claim::Column::AmountMinor)),
                "BIGINT",
            )),
            "total",
        )
        .filter(claim::Column::BatchId.eq(batch))
        .group_by(claim::Column::PersonId)
        .order_by_asc(claim::Column::PersonId)
        .into_model::<PayeeSum>()
        .all(db)
        .await?)
}

fn summary(b: &payment_batch::Model) -> Result<BatchSummary, AppError> {
    let currency = Currency::parse("currency", &b.currency)?;
    Ok(BatchSummary {
        id: BatchId(b.id),
        reference: b.reference.clone(),
        currency: b.currency.clone(),
        state: BatchState::from_code(&b.state).unwrap_or(BatchState::Created),
        items: b.item_count,
        total: currency.format(b.total_minor),
        execution_date: b.execution_date.clone(),
    })
}

/// The council's batches, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<BatchSummary>, AppError> {
    let council = access::finance_council(actor)?;
    payment_batch::Entity::find()
        .filter(payment_batch::Column::CouncilId.eq(council.0))
        .order_by_desc(payment_batch::Column::CreatedAt)
        .limit(200)
        .all(&state.db)
        .await?
        .iter()
        .map(summary)
        .collect()
}

#[derive(Debug)]
struct PayeeRead {
    payee: batch_payee::Model,
    display_name: String,
}

impl sea_orm::FromQueryResult for PayeeRead {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            payee: batch_payee::Model::from_query_result(row, pre)?,
            display_name: row.try_get(pre, "display_name")?,
        })
    }
}

async fn payees(db: &impl ConnectionTrait, batch: uuid::Uuid) -> Result<Vec<PayeeRead>, AppError> {
    Ok(batch_payee::Entity::find()
        .column_as(person::Column::DisplayName, "display_name")
        .join(
            sea_orm::JoinType::InnerJoin,
            batch_payee::Entity::belongs_to(person::Entity)
                .from(batch_payee::Column::PersonId)
                .to(person::Column::Id)
                .into(),
        )
        .filter(batch_payee::Column::BatchId.eq(batch))
        .order_by_asc(batch_payee::Column::EndToEndId)
        .into_model::<PayeeRead>()
        .all(db)
        .await?)
}

/// A batch with its payees (display names and methods; no bank details).
pub async fn detail(state: &AppState, actor: &Actor, id: BatchId) -> Result<BatchDetail, AppError> {
    let b = access::batch(&state.db, actor, id).await?;
    let currency = Currency::parse("currency", &b.currency)?;
    let (mut transfers, mut others) = (Vec::new(), Vec::new());
    for p in payees(&state.db, b.id).await? {
        let line = PayeeLine {
            person_name: p.display_name,
            method: p.payee.method.clone(),
            items: p.payee.item_count,
            amount: currency.format(p.payee.total_minor),
        };
        if p.payee.method == PaymentMethod::Bank.code() {
            transfers.push(line);
        } else {
            others.push(line);
        }
    }
    Ok(BatchDetail {
        summary: summary(&b)?,
        transfers,
        others,
    })
}

/// Records that finance read a batch's bank details (an export), in its own transaction.
async fn audit_export(
    state: &AppState,
    actor: &Actor,
    b: &payment_batch::Model,
    format: &str,
    bank_payees: usize,
) -> Result<(), AppError> {
    let council = CouncilId(b.council_id);
    let txn = db::begin_write(&state.db).await?;
    audit::record(
        &txn,
        Event::new(AuditAction::BatchExported)
            .council(council)
            .by_actor(actor)
            .subject("batch", b.id)
            .detail("format", format.to_owned()),
    )
    .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::PaymentDetailsViewed)
            .council(council)
            .by_actor(actor)
            .subject("batch", b.id)
            .detail("payees", bank_payees),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One payee with its bank details opened.
struct Opened {
    end_to_end_id: String,
    method: String,
    name: String,
    holder: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    items: i32,
    total_minor: i64,
}

async fn opened(state: &AppState, b: &payment_batch::Model) -> Result<Vec<Opened>, AppError> {
    let open = |v: &Option<String>| {
        v.as_deref()
            .map(|s| state.keyring.open(Purpose::PayeeAccount, s))
            .transpose()
    };
    payees(&state.db, b.id)
        .await?
        .into_iter()
        .map(|p| {
            Ok(Opened {
                holder: open(&p.payee.holder_sealed)?,
                iban: open(&p.payee.iban_sealed)?,
                bic: open(&p.payee.bic_sealed)?,
                end_to_end_id: p.payee.end_to_end_id,
                method: p.payee.method,
                name: p.display_name,
                items: p.payee.item_count,
                total_minor: p.payee.total_minor,
            })
        })
        .collect()
}

/// The batch as CSV: one row per payee (every method, so nobody is dropped), then a total
/// row. Audited as a read of bank details.
pub async fn export_csv(state: &AppState, actor: &Actor, id: BatchId) -> Result<String, AppError> {
    let b = access::batch(&state.db, actor, id).await?;
    let currency = Currency::parse("currency", &b.currency)?;
    let rows = opened(state, &b).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |_| AppError::Internal;
    w.write_record([
        "end_to_end_id",
        "payee",
        "account_holder",
        "method",
        "iban",
        "bic",
        "items",
        "amount",
        "currency",
    ])
    .map_err(csv_err)?;
    for r in &rows {
        let items = r.items.to_string();
        let amount = currency.format(r.total_minor);
        w.write_record([
            r.end_to_end_id.as_str(),
            &crate::domain::platform::text::csv_safe(&r.name),
            &crate::domain::platform::text::csv_safe(r.holder.as_deref().unwrap_or("")),
            r.method.as_str(),
            r.iban.as_deref().unwrap_or(""),
            r.bic.as_deref().unwrap_or(""),
            items.as_str(),
            amount.as_str(),
            currency.code(),
        ])
        .map_err(csv_err)?;
    }
    let items = b.item_count.to_string();
    let total = currency.format(b.total_minor);
    w.write_record([
        "total",
        "",
        "",
        "",
        "",
        "",
        items.as_str(),
        total.as_str(),
        currency.code(),
    ])
    .map_err(csv_err)?;
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    let body = String::from_utf8(bytes).map_err(|_| AppError::Internal)?;
    let bank = rows.iter().filter(|r| r.iban.is_some()).count();
    audit_export(state, actor, &b, "csv", bank).await?;
    Ok(body)
}

/// The batch's bank transfers as a SEPA credit transfer file (`pain.001.001.03`). Needs the
/// council's paying account (`AccountMissing`) and at least one payee paid by bank
/// (`Conflict`). Audited as a read of bank details.
pub async fn export_sepa(state: &AppState, actor: &Actor, id: BatchId) -> Result<String, AppError> {
    let b = access::batch(&state.db, actor, id).await?;
    let council = CouncilId(b.council_id);
    let currency = Currency::parse("currency", &b.currency)?;
    let settings = rates::settings_of(&state.db, council)
        .await?
        .ok_or(AppError::AccountMissing)?;
    let (name, iban, bic) =
        rates::debtor(&state.keyring, &settings)?.ok_or(AppError::AccountMissing)?;
    let rows = opened(state, &b).await?;
    let transfers: Vec<sepa::Transfer> = rows
        .iter()
        .filter(|r| r.method == PaymentMethod::Bank.code() && r.total_minor > 0)
        .filter_map(|r| {
            Some(sepa::Transfer {
                end_to_end_id: r.end_to_end_id.clone(),
                amount: currency.format(r.total_minor),
                name: r.holder.clone()?,
                iban: r.iban.clone()?,
                bic: r.bic.clone(),
                remittance: format!("Payment {}", b.reference),
            })
        })
        .collect();
    if transfers.is_empty() {
        return Err(AppError::Conflict);
    }
    let sum: i64 = rows
        .iter()
        .filter(|r| r.method == PaymentMethod::Bank.code() && r.total_minor > 0)
        .filter(|r| r.holder.is_some() && r.iban.is_some())
        .map(|r| r.total_minor)
        .sum();
    let control_sum = currency.format(sum);
    let created = b.created_at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let debtor = sepa::Debtor { name, iban, bic };
    let xml = sepa::document(&sepa::Payment {
        message_id: &b.reference,
        created: &created,
        execution_date: &b.execution_date,
        currency: currency.code(),
        control_sum: &control_sum,
        debtor: &debtor,
        transfers: &transfers,
    });
    audit_export(state, actor, &b, "sepa", transfers.len()).await?;
    Ok(xml)
}

/// Marks a batch paid and its claims with it; a second call changes nothing and succeeds.
pub async fn mark_paid(state: &AppState, actor: &Actor, id: BatchId) -> Result<(), AppError> {
    let b = access::batch(&state.db, actor, id).await?;
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let council = CouncilId(b.council_id);
    let now = Utc::now();
    let txn = db::begin_write(&state.db).await?;
    let done = payment_batch::Entity::update_many()
        .col_expr(
            payment_batch::Column::State,
            Expr::value(BatchState::Paid.code()),
        )
        .col_expr(payment_batch::Column::PaidBy, Expr::value(me.0))
        .col_expr(payment_batch::Column::PaidAt, Expr::value(now))
        .filter(payment_batch::Column::Id.eq(b.id))
        .filter(payment_batch::Column::State.eq(BatchState::Created.code()))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Ok(());
    }
    claim::Entity::update_many()
        .col_expr(claim::Column::State, Expr::value(ClaimState::Paid.code()))
        .col_expr(claim::Column::PaidAt, Expr::value(now))
        .col_expr(claim::Column::UpdatedAt, Expr::value(now))
        .filter(claim::Column::BatchId.eq(b.id))
        .filter(claim::Column::State.eq(ClaimState::InBatch.code()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::BatchPaid)
            .council(council)
            .by(me)
            .subject("batch", b.id),
    )
    .await?;
    let people: Vec<uuid::Uuid> = batch_payee::Entity::find()
        .select_only()
        .column(batch_payee::Column::PersonId)
        .filter(batch_payee::Column::BatchId.eq(b.id))
        .into_tuple()
        .all(&txn)
        .await?;
    for p in people {
        super::claims::tell(&txn, state, council, PersonId(p), ClaimState::Paid).await?;
    }
    txn.commit().await?;
    Ok(())
}
