//! Paid time in the demo council: a realistic rate card (a rate change at the start of the
//! year), the approval threshold and the paying account, payment preferences, claims in every
//! early state (a draft, submitted ones with an expense and its receipt, an approved one), an
//! older entry already paid in a batch, and a past meeting whose attendees found their entries
//! prefilled. All through honoraria's own rules, as the people would do it.

use chrono::{Datelike as _, Duration, NaiveDate, Utc};

use super::consultations::acting;
use super::identity::DemoPeople;
use crate::domain::AppState;
use crate::domain::honoraria::{batches, claims, meetings, payment, rates};
use crate::model::AppError;
use crate::model::honoraria::{
    Activity, ExpenseFields, MeetingFields, PaymentFields, RateUnit, SettingsFields, TimeFields,
};

/// A tiny but real PDF, the demo expense's receipt.
const DEMO_RECEIPT: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The card: (activity, unit, amount, allowance), in cents.
const CARD: &[(Activity, RateUnit, i64, i64)] = &[
    (Activity::Review, RateUnit::Hour, 3_500, 0),
    (Activity::Meeting, RateUnit::HalfDay, 12_000, 2_500),
    (Activity::Preparation, RateUnit::Hour, 3_000, 0),
    (Activity::Mentoring, RateUnit::Hour, 3_000, 0),
    (Activity::Training, RateUnit::Day, 25_000, 0),
    (Activity::Speaking, RateUnit::HalfDay, 15_000, 2_500),
    (Activity::Other, RateUnit::Hour, 3_000, 0),
];

fn day(days_ago: i64) -> String {
    (Utc::now() - Duration::days(days_ago))
        .with_timezone(&chrono_tz::Europe::Vienna)
        .format("%Y-%m-%d")
        .to_string()
}

/// Seeds it.
pub(super) async fn seed(state: &AppState, people: &DemoPeople) -> Result<(), AppError> {
    let db = &state.db;
    let year = Utc::now().year();
    let this_year = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let last_year = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or(NaiveDate::MIN);
    // Last year's review rate, replaced on 1 January: old entries keep the old price.
    rates::seed_line(
        db,
        people.council,
        Activity::Review,
        RateUnit::Hour,
        3_000,
        0,
        last_year,
    )
    .await?;
    for (activity, unit, amount, allowance) in CARD {
        rates::seed_line(
            db,
            people.council,
            *activity,
            *unit,
            *amount,
            *allowance,
            this_year,
        )
        .await?;
    }
    let admin = acting(db, people, people.admin).await?;
    rates::set_settings(
        state,
        &admin,
        &SettingsFields {
            second_approval_above: "200.00".into(),
            debtor_name: "Demo Council Secretariat".into(),
            debtor_iban: "DE89 3704 0044 0532 0130 00".into(),
            debtor_bic: "COBADEFFXXX".into(),
        },
    )
    .await?;
    let amina = acting(db, people, people.member).await?;
    let lior = acting(db, people, people.other_member).await?;
    payment::set(
        state,
        &amina,
        &PaymentFields {
            method: "bank".into(),
            holder: "Amina Demo".into(),
            iban: "FR14 2004 1010 0505 0001 3M02 606".into(),
            bic: String::new(),
            annual_cap: "3000.00".into(),
        },
    )
    .await?;
    payment::set(
        state,
        &lior,
        &PaymentFields {
            method: "voucher".into(),
            ..PaymentFields::default()
        },
    )
    .await?;
    let time = |days_ago: i64, minutes: &str, activity: &str, text: &str| TimeFields {
        work_date: day(days_ago),
        minutes: minutes.into(),
        activity: activity.into(),
        description: text.into(),
        ..TimeFields::default()
    };
    let approved =
        claims::log_time(state, &amina, &time(12, "90", "review", "Read chapter 1")).await?;
    let submitted =
        claims::log_time(state, &amina, &time(5, "150", "review", "Read chapter 2")).await?;
    claims::log_time(
        state,
        &amina,
        &time(1, "45", "preparation", "Notes for the meeting"),
    )
    .await?;
    let expense = claims::add_expense(
        state,
        &amina,
        &ExpenseFields {
            work_date: day(5),
            category: "travel".into(),
            amount: "18.60".into(),
            currency: String::new(),
            description: "Return train ticket".into(),
        },
        DEMO_RECEIPT,
    )
    .await?;
    let lior_entry = claims::log_time(state, &lior, &time(4, "60", "review", "")).await?;
    for id in [approved, submitted, expense] {
        claims::submit(state, &amina, id).await?;
    }
    claims::submit(state, &lior, lior_entry).await?;
    let farah = acting(db, people, people.finance).await?;
    // Last month's work, already paid: the statement and the payment times have a history.
    let earlier = claims::log_time(
        state,
        &amina,
        &time(40, "120", "review", "Comments on the first draft"),
    )
    .await?;
    claims::submit(state, &amina, earlier).await?;
    claims::decide_many(state, &farah, &[earlier], "approve", "").await?;
    let batch = batches::create(state, &farah, "", "").await?;
    batches::mark_paid(state, &farah, batch).await?;
    claims::decide_many(state, &farah, &[approved], "approve", "").await?;
    let sam = acting(db, people, people.secretariat).await?;
    let meeting = meetings::record(
        state,
        &sam,
        &MeetingFields {
            starts_at: format!("{}T10:00", day(2)),
            minutes: "120".into(),
            online: true,
            place: "Video call".into(),
            agenda: "Draft law on support services: the council's advice".into(),
        },
    )
    .await?;
    meetings::attendance(state, &sam, meeting, &[people.member, people.other_member]).await?;
    Ok(())
}
