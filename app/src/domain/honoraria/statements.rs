//! What was earned and paid: a member's statement for a period (a printable page and CSV:
//! entries, rates, amounts, payments, yearly totals) and finance's yearly totals per person.

use chrono::{Datelike as _, NaiveDate, TimeZone as _, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::access;
use super::claims::view_of;
use super::entities::{claim, payment_preference};
use super::money::Currency;
use super::rates::{CouncilMoney, council_money};
use crate::domain::identity::entities::{council, person};
use crate::domain::platform::text::csv_safe;
use crate::domain::{Actor, AppState};
use crate::model::honoraria::{
    ClaimState, Period, PersonYear, Statement, StatementLine, YearTotals, parse_date,
};
use crate::model::ids::{CouncilId, PersonId};
use crate::model::{AppError, InputProblem};

/// The longest statement: ten years of days.
const MAX_DAYS: i64 = 3_660;

/// The most lines one statement holds.
const MAX_LINES: u64 = 5_000;

/// The period asked for, in the council's days: empty bounds mean 1 January of this year and
/// today.
fn period(p: &Period, money: &CouncilMoney) -> Result<(NaiveDate, NaiveDate), AppError> {
    let today = money.today();
    let from = if p.from.trim().is_empty() {
        NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today)
    } else {
        parse_date("from", &p.from)?
    };
    let to = if p.to.trim().is_empty() {
        today
    } else {
        parse_date("to", &p.to)?
    };
    if to < from {
        return Err(AppError::invalid("to", InputProblem::Malformed));
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err(AppError::invalid("from", InputProblem::TooLong));
    }
    Ok((from, to))
}

/// The start of a council day, in UTC.
fn start_of(day: NaiveDate, money: &CouncilMoney) -> chrono::DateTime<Utc> {
    money
        .time_zone
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map_or_else(
            || day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Adds `minor` to the entry of `key`, keeping first-seen order.
fn add<K: PartialEq>(sums: &mut Vec<(K, i64, i64)>, key: K, total: i64, paid: i64) {
    match sums.iter_mut().find(|(k, _, _)| *k == key) {
        Some(e) => {
            e.1 += total;
            e.2 += paid;
        }
        None => sums.push((key, total, paid)),
    }
}

/// The signed-in member's statement for a period: every claim past draft worked or spent in
/// it (oldest first), what was approved and paid, the payments made in it, and the totals of
/// every year. Six statements.
pub async fn statement(
    state: &AppState,
    actor: &Actor,
    asked: &Period,
) -> Result<Statement, AppError> {
    let council = access::claimant_council(actor)?;
    let me = actor.person().ok_or(AppError::Unauthenticated)?;
    let db = &state.db;
    let money = council_money(db, council).await?;
    let (from, to) = period(asked, &money)?;
    let rows = claim::Entity::find()
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::PersonId.eq(me.0))
        .filter(claim::Column::State.ne(ClaimState::Draft.code()))
        .filter(claim::Column::WorkDate.gte(day_text(from)))
        .filter(claim::Column::WorkDate.lte(day_text(to)))
        .order_by_asc(claim::Column::WorkDate)
        .order_by_asc(claim::Column::CreatedAt)
        .limit(MAX_LINES)
        .all(db)
        .await?;
    let paid_rows = claim::Entity::find()
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::PersonId.eq(me.0))
        .filter(claim::Column::State.eq(ClaimState::Paid.code()))
        .filter(claim::Column::PaidAt.gte(start_of(from, &money)))
        .filter(claim::Column::PaidAt.lt(start_of(to + chrono::Duration::days(1), &money)))
        .order_by_asc(claim::Column::PaidAt)
        .limit(MAX_LINES)
        .all(db)
        .await?;
    let years = years_of(db, council, me, money.currency).await?;
    let name = person::Entity::find_by_id(me.0)
        .one(db)
        .await?
        .map(|p| p.display_name)
        .unwrap_or_default();
    let council_name = council::Entity::find_by_id(council.0)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let mut totals: Vec<(String, i64, i64)> = Vec::new();
    let mut lines = Vec::with_capacity(rows.len());
    for c in &rows {
        let s = ClaimState::from_code(&c.state).unwrap_or(ClaimState::Draft);
        if s.locked() {
            let paid = if s == ClaimState::Paid {
                c.amount_minor
            } else {
                0
            };
            add(&mut totals, c.currency.clone(), c.amount_minor, paid);
        }
        lines.push(StatementLine {
            claim: view_of(&state.keyring, c)?,
            paid_on: c.paid_at.map(|t| {
                t.with_timezone(&money.time_zone)
                    .format("%Y-%m-%d")
                    .to_string()
            }),
        });
    }
    let mut payments: Vec<((String, String), i64, i64)> = Vec::new();
    for c in &paid_rows {
        if let Some(at) = c.paid_at {
            let day = at
                .with_timezone(&money.time_zone)
                .format("%Y-%m-%d")
                .to_string();
            add(&mut payments, (day, c.currency.clone()), c.amount_minor, 0);
        }
    }
    let fmt = |code: &str, minor: i64| -> Result<String, AppError> {
        Ok(Currency::parse("currency", code)?.format(minor))
    };
    Ok(Statement {
        name,
        council: council_name,
        from: day_text(from),
        to: day_text(to),
        made_on: day_text(money.today()),
        lines,
        totals: totals
            .into_iter()
            .map(|(c, t, p)| Ok((c.clone(), fmt(&c, t)?, fmt(&c, p)?)))
            .collect::<Result<_, AppError>>()?,
        payments: payments
            .into_iter()
            .map(|((day, c), t, _)| Ok((day, c.clone(), fmt(&c, t)?)))
            .collect::<Result<_, AppError>>()?,
        years: years
            .into_iter()
            .map(|(y, t, p)| (y, money.currency.format(t), money.currency.format(p)))
            .collect(),
    })
}

#[derive(Debug, FromQueryResult)]
struct YearSum {
    pay_year: i32,
    state: String,
    total: i64,
}

/// One person's approved-or-paid and paid totals per year counted towards, newest first.
async fn years_of(
    db: &impl ConnectionTrait,
    council: CouncilId,
    person: PersonId,
    currency: Currency,
) -> Result<Vec<(i32, i64, i64)>, AppError> {
    let sums: Vec<YearSum> = claim::Entity::find()
        .select_only()
        .column(claim::Column::PayYear)
        .column(claim::Column::State)
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(claim::Column::AmountMinor)),
                "BIGINT",
            )),
            "total",
        )
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::PersonId.eq(person.0))
        .filter(claim::Column::Currency.eq(currency.code()))
        .filter(claim::Column::State.is_in([
            ClaimState::Approved.code(),
            ClaimState::InBatch.code(),
            ClaimState::Paid.code(),
        ]))
        .group_by(claim::Column::PayYear)
        .group_by(claim::Column::State)
        .into_model::<YearSum>()
        .all(db)
        .await?;
    let mut years: Vec<(i32, i64, i64)> = Vec::new();
    for s in sums {
        let paid = if s.state == ClaimState::Paid.code() {
            s.total
        } else {
            0
        };
        add(&mut years, s.pay_year, s.total, paid);
    }
    years.sort_by_key(|y| std::cmp::Reverse(y.0));
    Ok(years)
}

/// The statement as CSV: one row per claim, then a total row per currency. Text a member
/// typed is guarded against spreadsheet formulas.
pub async fn statement_csv(
    state: &AppState,
    actor: &Actor,
    asked: &Period,
) -> Result<String, AppError> {
    let s = statement(state, actor, asked).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |_| AppError::Internal;
    w.write_record([
        "date",
        "kind",
        "activity_or_category",
        "minutes",
        "rate",
        "rate_unit",
        "amount",
        "currency",
        "state",
        "corrects_earlier_entry",
        "counts_towards_year",
        "paid_on",
        "description",
    ])
    .map_err(csv_err)?;
    for l in &s.lines {
        let c = &l.claim;
        let what = c
            .activity
            .map(|a| a.code())
            .or(c.category.map(|x| x.code()))
            .unwrap_or("");
        let minutes = c.minutes.map(|m| m.to_string()).unwrap_or_default();
        let (rate, unit) = c
            .rate
            .as_ref()
            .map(|(p, u)| (p.as_str(), u.code()))
            .unwrap_or(("", ""));
        let year = c.pay_year.to_string();
        w.write_record([
            c.work_date.as_str(),
            c.kind.code(),
            what,
            minutes.as_str(),
            rate,
            unit,
            c.amount.as_str(),
            c.currency.as_str(),
            c.state.code(),
            if c.adjusts.is_some() { "yes" } else { "no" },
            year.as_str(),
            l.paid_on.as_deref().unwrap_or(""),
            &csv_safe(&c.description),
        ])
        .map_err(csv_err)?;
    }
    for (currency, total, paid) in &s.totals {
        w.write_record([
            "total",
            "",
            "",
            "",
            "",
            "",
            total,
            currency,
            "approved_or_paid",
            "",
            "",
            "",
            "",
        ])
        .map_err(csv_err)?;
        w.write_record([
            "total", "", "", "", "", "", paid, currency, "paid", "", "", "", "",
        ])
        .map_err(csv_err)?;
    }
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

#[derive(Debug, FromQueryResult)]
struct PersonSum {
    person_id: uuid::Uuid,
    state: String,
    total: i64,
}

/// Finance's yearly totals per person in the council's currency: approved, paid, pending,
/// and each person's cap. Four statements whatever the number of people.
pub async fn yearly_totals(
    state: &AppState,
    actor: &Actor,
    year: &str,
) -> Result<YearTotals, AppError> {
    let council = access::finance_council(actor)?;
    let db = &state.db;
    let money = council_money(db, council).await?;
    let year: i32 = if year.trim().is_empty() {
        money.today().year()
    } else {
        year.trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2200).contains(y))
            .ok_or_else(|| AppError::invalid("year", InputProblem::Malformed))?
    };
    let mut years: Vec<i32> = claim::Entity::find()
        .select_only()
        .column(claim::Column::PayYear)
        .filter(claim::Column::CouncilId.eq(council.0))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    if !years.contains(&year) {
        years.push(year);
    }
    years.sort_by_key(|y| std::cmp::Reverse(*y));
    let sums: Vec<PersonSum> = claim::Entity::find()
        .select_only()
        .column(claim::Column::PersonId)
        .column(claim::Column::State)
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(claim::Column::AmountMinor)),
                "BIGINT",
            )),
            "total",
        )
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::PayYear.eq(year))
        .filter(claim::Column::Currency.eq(money.currency.code()))
        .filter(claim::Column::State.is_in([
            ClaimState::Submitted.code(),
            ClaimState::FirstApproved.code(),
            ClaimState::Approved.code(),
            ClaimState::InBatch.code(),
            ClaimState::Paid.code(),
        ]))
        .group_by(claim::Column::PersonId)
        .group_by(claim::Column::State)
        .into_model::<PersonSum>()
        .all(db)
        .await?;
    // (person, approved, paid, pending)
    let mut people: Vec<(uuid::Uuid, i64, i64, i64)> = Vec::new();
    for s in &sums {
        let st = ClaimState::from_code(&s.state).unwrap_or(ClaimState::Draft);
        let (a, p, w) = match st {
            ClaimState::Paid => (s.total, s.total, 0),
            s2 if s2.locked() => (s.total, 0, 0),
            _ => (0, 0, s.total),
        };
        match people.iter_mut().find(|e| e.0 == s.person_id) {
            Some(e) => {
                e.1 += a;
                e.2 += p;
                e.3 += w;
            }
            None => people.push((s.person_id, a, p, w)),
        }
    }
    let ids: Vec<uuid::Uuid> = people.iter().map(|p| p.0).collect();
    let names: Vec<(uuid::Uuid, String)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::DisplayName)
        .filter(person::Column::Id.is_in(ids.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let caps: Vec<(uuid::Uuid, Option<i64>)> = payment_preference::Entity::find()
        .select_only()
        .column(payment_preference::Column::PersonId)
        .column(payment_preference::Column::AnnualCapMinor)
        .filter(payment_preference::Column::CouncilId.eq(council.0))
        .filter(payment_preference::Column::PersonId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let cur = money.currency;
    let mut rows: Vec<PersonYear> = people
        .iter()
        .map(|(id, a, p, w)| {
            let cap = caps.iter().find(|c| c.0 == *id).and_then(|c| c.1);
            PersonYear {
                person: PersonId(*id),
                person_name: names
                    .iter()
                    .find(|n| n.0 == *id)
                    .map(|n| n.1.clone())
                    .unwrap_or_default(),
                approved: cur.format(*a),
                paid: cur.format(*p),
                pending: cur.format(*w),
                cap: cap.map(|c| cur.format(c)),
                over_cap: cap.is_some_and(|c| *a > c),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.person_name
            .to_lowercase()
            .cmp(&b.person_name.to_lowercase())
    });
    let sum = |f: fn(&(uuid::Uuid, i64, i64, i64)) -> i64| cur.format(people.iter().map(f).sum());
    Ok(YearTotals {
        year,
        years,
        currency: cur.code().to_owned(),
        rows,
        total: (sum(|p| p.1), sum(|p| p.2), sum(|p| p.3)),
    })
}
