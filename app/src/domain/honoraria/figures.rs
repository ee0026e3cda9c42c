//! How long people wait for their money: median and 90th-percentile days from submission to
//! approval and from approval to payment, per month, and what waits now. For finance, the
//! council admin and the auditor; no names anywhere, and for the auditor no figure built on
//! fewer than five people.

use chrono::{DateTime, Datelike as _, Months, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

use super::access;
use super::entities::claim;
use super::money::Currency;
use super::rates::council_money;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::honoraria::{ClaimState, MonthFigures, PaymentFigures, StepFigure};
use crate::model::viewer::Role;

/// The fewest people a figure may rest on in the auditor's view.
pub const MIN_PEOPLE: usize = 5;

/// The months shown.
const MONTHS: u32 = 12;

/// Whether the actor reads the payment figures: finance, the council admin, the auditor.
pub fn may_read(actor: &Actor, council: crate::model::ids::CouncilId) -> bool {
    access::is_finance(actor, council)
        || actor.has_role(council, Role::CouncilAdmin)
        || actor.has_role(council, Role::Auditor)
}

/// Whether small figures are held back for the actor (the auditor, unless also finance or
/// council admin, who see the claims themselves).
fn suppressed(actor: &Actor, council: crate::model::ids::CouncilId) -> bool {
    !(access::is_finance(actor, council) || actor.has_role(council, Role::CouncilAdmin))
}

/// Days in tenths, rounded half up, as text (`"2.5"`); whole seconds in, no floating point.
fn days(seconds: i64) -> String {
    let tenths = (seconds.max(0) * 10 + 43_200) / 86_400;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The nearest-rank percentile `p` (1 to 100) of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The median by the usual rule (the mean of the two middle values for an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        sorted.get(n / 2).copied()
    } else {
        Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2)
    }
}

/// One step's figure from (person, seconds) samples.
fn figure(samples: &mut [(uuid::Uuid, i64)], hold_back: bool) -> StepFigure {
    let mut people: Vec<uuid::Uuid> = samples.iter().map(|s| s.0).collect();
    people.sort();
    people.dedup();
    let shown = !(hold_back && people.len() < MIN_PEOPLE);
    let mut values: Vec<i64> = samples.iter().map(|s| s.1).collect();
    values.sort_unstable();
    StepFigure {
        claims: if shown {
            u32::try_from(values.len()).unwrap_or(u32::MAX)
        } else {
            0
        },
        median: shown.then(|| median(&values).map(days)).flatten(),
        p90: shown.then(|| percentile(&values, 90).map(days)).flatten(),
    }
}

#[derive(Debug, FromQueryResult)]
struct Timing {
    person_id: uuid::Uuid,
    submitted_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct Waiting {
    person_id: uuid::Uuid,
    currency: String,
    state: String,
    n: i64,
    total: i64,
}

/// The council's payment figures. Two statements (and the council's currency and time zone).
pub async fn payment_figures(state: &AppState, actor: &Actor) -> Result<PaymentFigures, AppError> {
    let council = access::council_of(actor)?;
    if !may_read(actor, council) {
        return Err(AppError::Forbidden);
    }
    let hold_back = suppressed(actor, council);
    let db = &state.db;
    let money = council_money(db, council).await?;
    let today = money.today();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|d| d.checked_sub_months(Months::new(MONTHS - 1)))
        .unwrap_or(today);
    let since =
        first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::days(1);
    let timings: Vec<Timing> = claim::Entity::find()
        .select_only()
        .column(claim::Column::PersonId)
        .column(claim::Column::SubmittedAt)
        .column(claim::Column::DecidedAt)
        .column(claim::Column::PaidAt)
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::State.is_in([
            ClaimState::Approved.code(),
            ClaimState::InBatch.code(),
            ClaimState::Paid.code(),
        ]))
        .filter(claim::Column::DecidedAt.gte(since))
        .into_model::<Timing>()
        .all(db)
        .await?;
    let month_of = |t: DateTime<Utc>| {
        t.with_timezone(&money.time_zone)
            .format("%Y-%m")
            .to_string()
    };
    let mut months = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    for _ in 0..MONTHS {
        let key = m.format("%Y-%m").to_string();
        let mut approval: Vec<(uuid::Uuid, i64)> = timings
            .iter()
            .filter_map(|t| {
                let (s, d) = (t.submitted_at?, t.decided_at?);
                (month_of(d) == key).then(|| (t.person_id, (d - s).num_seconds()))
            })
            .collect();
        let mut payment: Vec<(uuid::Uuid, i64)> = timings
            .iter()
            .filter_map(|t| {
                let (d, p) = (t.decided_at?, t.paid_at?);
                (month_of(p) == key).then(|| (t.person_id, (p - d).num_seconds()))
            })
            .collect();
        months.push(MonthFigures {
            month: key,
            to_approval: figure(&mut approval, hold_back),
            to_payment: figure(&mut payment, hold_back),
        });
        m = m.checked_sub_months(Months::new(1)).unwrap_or(m);
    }
    let waiting: Vec<Waiting> = claim::Entity::find()
        .select_only()
        .column(claim::Column::PersonId)
        .column(claim::Column::Currency)
        .column(claim::Column::State)
        .column_as(Expr::from(Func::count(Expr::col(claim::Column::Id))), "n")
        .column_as(
            Expr::from(Func::cast_as(
                Func::sum(Expr::col(claim::Column::AmountMinor)),
                "BIGINT",
            )),
            "total",
        )
        .filter(claim::Column::CouncilId.eq(council.0))
        .filter(claim::Column::State.is_in([
            ClaimState::Submitted.code(),
            ClaimState::FirstApproved.code(),
            ClaimState::Approved.code(),
            ClaimState::InBatch.code(),
        ]))
        .group_by(claim::Column::PersonId)
        .group_by(claim::Column::Currency)
        .group_by(claim::Column::State)
        .into_model::<Waiting>()
        .all(db)
        .await?;
    let pending = |states: [ClaimState; 2]| -> Result<Vec<(String, i64, String)>, AppError> {
        let mut out: Vec<(String, i64, i64, Vec<uuid::Uuid>)> = Vec::new();
        for w in waiting
            .iter()
            .filter(|w| states.iter().any(|s| s.code() == w.state))
        {
            match out.iter_mut().find(|o| o.0 == w.currency) {
                Some(o) => {
                    o.1 += w.n;
                    o.2 += w.total;
                    if !o.3.contains(&w.person_id) {
                        o.3.push(w.person_id);
                    }
                }
                None => out.push((w.currency.clone(), w.n, w.total, vec![w.person_id])),
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.into_iter()
            .filter(|o| !(hold_back && o.3.len() < MIN_PEOPLE))
            .map(|(c, n, t, _)| Ok((c.clone(), n, Currency::parse("currency", &c)?.format(t))))
            .collect()
    };
    Ok(PaymentFigures {
        months,
        pending_decision: pending([ClaimState::Submitted, ClaimState::FirstApproved])?,
        pending_payment: pending([ClaimState::Approved, ClaimState::InBatch])?,
        suppressed: hold_back,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_tenths_rounded_half_up() {
        assert_eq!(days(0), "0.0");
        assert_eq!(days(86_400), "1.0");
        assert_eq!(days(86_400 * 5 / 2), "2.5");
        assert_eq!(days(4_319), "0.0");
        assert_eq!(days(4_320), "0.1");
        assert_eq!(days(-5), "0.0");
    }

    #[test]
    fn median_and_nearest_rank_percentile() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3]), Some(3));
        assert_eq!(median(&[1, 3]), Some(2));
        assert_eq!(median(&[1, 2, 9]), Some(2));
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&ten, 100), Some(10));
        assert_eq!(percentile(&[7], 90), Some(7));
    }

    #[test]
    fn the_auditor_gets_no_figure_on_fewer_than_five_people() {
        let people: Vec<uuid::Uuid> = (0..5).map(|_| uuid::Uuid::new_v4()).collect();
        let mut four: Vec<(uuid::Uuid, i64)> = people[..4].iter().map(|p| (*p, 86_400)).collect();
        // Many claims of four people are still four people.
        four.extend(four.clone());
        let held = figure(&mut four.clone(), true);
        assert_eq!(held.median, None);
        assert_eq!(held.claims, 0);
        assert_eq!(figure(&mut four, false).median.as_deref(), Some("1.0"));
        let mut five: Vec<(uuid::Uuid, i64)> = people.iter().map(|p| (*p, 172_800)).collect();
        assert_eq!(figure(&mut five, true).median.as_deref(), Some("2.0"));
    }
}
