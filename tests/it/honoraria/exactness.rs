//! Exactness: over many random claims, rates and currencies (EUR, CHF, yen with no minor unit,
//! dinar with three), each batch's total is the sum of its lines to the minor unit, every
//! claim's amount is its rate times its time rounded once, and the CSV and the SEPA file
//! (`CtrlSum`, `NbOfTxs`, each transfer) say the same. Cases come from proptest's generator
//! with a fixed seed, so a failure names a case that can be run again.

use chrono::Utc;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use roundtable_app::domain::honoraria::entities::{claim, payment_batch};
use roundtable_app::domain::honoraria::{batches, claims, payment, rates};
use roundtable_app::domain::identity::entities::council;
use roundtable_app::model::honoraria::{
    Activity, PaymentFields, RateUnit, SettingsFields, TimeFields,
};
use roundtable_app::model::ids::{ClaimId, CouncilId};
use roundtable_app::model::viewer::Role;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::http::validate_sepa;
use crate::fixtures::create_person;
use crate::fixtures::honoraria::{IBAN_DEBTOR, IBAN_PAYEE, actor};
use crate::harness::{TestApp, db_tests};

/// One generated case.
#[derive(Debug, Clone)]
struct Case {
    currency: &'static str,
    /// Per activity: (unit, rate in minor units, allowance in minor units).
    rates: Vec<(RateUnit, i64, i64)>,
    /// Per claim: (payee index, activity index, minutes).
    entries: Vec<(usize, usize, u32)>,
    payees: usize,
}

const ACTIVITIES: [Activity; 3] = [Activity::Review, Activity::Meeting, Activity::Training];

fn cases(n: u32) -> Vec<Case> {
    let unit = prop_oneof![
        Just(RateUnit::Hour),
        Just(RateUnit::HalfDay),
        Just(RateUnit::Day)
    ];
    let strategy = (
        prop_oneof![Just("EUR"), Just("CHF"), Just("JPY"), Just("BHD")],
        proptest::collection::vec((unit, 100_i64..=250_000, 0_i64..=5_000), 3),
        1_usize..=4,
        proptest::collection::vec((0_usize..4, 0_usize..3, 1_u32..=960), 1..=30),
    )
        .prop_map(|(currency, rates, payees, entries)| Case {
            currency,
            rates,
            entries: entries
                .into_iter()
                .map(|(p, a, m)| (p % payees, a, m))
                .collect(),
            payees,
        });
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).expect("a case").current())
        .collect()
}

/// The amount as honoraria must compute it, written independently: whole units for days and
/// half days, and for hours the exact fraction rounded half away from zero, once.
fn expected(unit: RateUnit, rate: i64, allowance: i64, minutes: u32) -> i64 {
    let minutes = i64::from(minutes);
    let time = match unit {
        RateUnit::Hour => (rate * minutes * 2 + 60) / 120,
        RateUnit::HalfDay => rate * ((minutes + 239) / 240),
        RateUnit::Day => rate * ((minutes + 479) / 480),
    };
    time + allowance
}

/// Formats minor units with `exponent` decimals, independently of the app.
fn format(minor: i64, exponent: u32) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let unit = 10_i64.pow(exponent);
    format!(
        "{}.{:0width$}",
        minor / unit,
        minor % unit,
        width = exponent as usize
    )
}

fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" => 0,
        "BHD" => 3,
        _ => 2,
    }
}

async fn council_in(app: &TestApp, n: usize, currency: &str) -> CouncilId {
    let id = Uuid::new_v4();
    council::ActiveModel {
        id: Set(id),
        slug: Set(format!("exact-{n}")),
        name: Set(format!("Council {n}")),
        country: Set("AT".into()),
        default_language: Set("en".into()),
        time_zone: Set("Europe/Vienna".into()),
        currency: Set(currency.into()),
        created_at: Set(Utc::now()),
        languages: Set("en".into()),
        settings: Set("{}".into()),
    }
    .insert(&app.db)
    .await
    .expect("council");
    CouncilId(id)
}

db_tests! {
    async fn batch_totals_are_exact_to_the_minor_unit_in_every_currency(db) {
        let app = TestApp::builder(db).spawn().await;
        let since = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
        let today = crate::fixtures::honoraria::today();
        let mut checked = 0;
        for (n, case) in cases(10).into_iter().enumerate() {
            let council = council_in(&app, n, case.currency).await;
            for (activity, (unit, rate, allowance)) in ACTIVITIES.iter().zip(&case.rates) {
                rates::seed_line(&app.db, council, *activity, *unit, *rate, *allowance, since).await.expect("rate");
            }
            let admin = create_person(&app, council, "Admin", &format!("admin{n}@exact.example.org"), &[Role::CouncilAdmin]).await;
            rates::set_settings(&app.state, &actor(&app, admin, council).await, &SettingsFields {
                second_approval_above: String::new(),
                debtor_name: "Exact Council".into(),
                debtor_iban: IBAN_DEBTOR.into(),
                debtor_bic: String::new(),
            }).await.expect("settings");
            let finance = create_person(&app, council, "Finance", &format!("fin{n}@exact.example.org"), &[Role::Finance]).await;
            let finance = actor(&app, finance, council).await;
            let mut payees = Vec::new();
            for p in 0..case.payees {
                let person = create_person(&app, council, &format!("Payee {p}"), &format!("p{p}.{n}@exact.example.org"), &[Role::Member]).await;
                let member = actor(&app, person, council).await;
                payment::set(&app.state, &member, &PaymentFields {
                    method: "bank".into(),
                    holder: format!("Holder {p}"),
                    iban: IBAN_PAYEE.into(),
                    ..PaymentFields::default()
                }).await.expect("payment");
                payees.push((person, member));
            }
            let mut ids = Vec::new();
            let mut per_payee = vec![0_i64; case.payees];
            for (p, a, minutes) in &case.entries {
                let id = claims::log_time(&app.state, &payees[*p].1, &TimeFields {
                    work_date: today.clone(),
                    minutes: minutes.to_string(),
                    activity: ACTIVITIES[*a].code().into(),
                    ..TimeFields::default()
                }).await.expect("logged");
                claims::submit(&app.state, &payees[*p].1, id).await.expect("submitted");
                let (unit, rate, allowance) = case.rates[*a];
                per_payee[*p] += expected(unit, rate, allowance, *minutes);
                ids.push(id);
            }
            let report = claims::decide_many(&app.state, &finance, &ids, "approve", "").await.expect("approved");
            assert_eq!(report.done.len(), ids.len(), "{case:?}: {report:?}");
            // Every claim's amount, independently computed.
            let stored = claim::Entity::find().filter(claim::Column::CouncilId.eq(council.0)).all(&app.db).await.expect("claims");
            for (id, (_, a, minutes)) in ids.iter().zip(&case.entries) {
                let (unit, rate, allowance) = case.rates[*a];
                let c = stored.iter().find(|c| ClaimId(c.id) == *id).expect("claim");
                assert_eq!(c.amount_minor, expected(unit, rate, allowance, *minutes), "{case:?}");
            }
            let batch = batches::create(&app.state, &finance, case.currency, "").await.expect("batch");
            let b = payment_batch::Entity::find_by_id(batch.0).one(&app.db).await.expect("read").expect("batch");
            let sum: i64 = per_payee.iter().sum();
            assert_eq!(b.total_minor, sum, "{case:?}");
            assert_eq!(usize::try_from(b.item_count).expect("count"), ids.len());
            let exp = exponent(case.currency);
            // The CSV: one line per payee, each its own sum, and the total.
            let csv = batches::export_csv(&app.state, &finance, batch).await.expect("csv");
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
            let paid: Vec<i64> = per_payee.iter().copied().filter(|t| *t > 0).collect();
            assert_eq!(rows.len(), paid.len() + 1, "{case:?}\n{csv}");
            let mut line_amounts: Vec<String> = rows[..paid.len()].iter().map(|r| r[7].to_owned()).collect();
            let mut want: Vec<String> = paid.iter().map(|t| format(*t, exp)).collect();
            line_amounts.sort();
            want.sort();
            assert_eq!(line_amounts, want, "{case:?}");
            assert_eq!(&rows[paid.len()][7], format(sum, exp), "{case:?}");
            // The SEPA file: the same figures, and valid against the schema.
            let xml = batches::export_sepa(&app.state, &finance, batch).await.expect("xml");
            validate_sepa(&xml).unwrap_or_else(|e| panic!("{case:?}: {e}"));
            assert_eq!(xml.matches(&format!("<NbOfTxs>{}</NbOfTxs>", paid.len())).count(), 2, "{case:?}");
            assert_eq!(xml.matches(&format!("<CtrlSum>{}</CtrlSum>", format(sum, exp))).count(), 2, "{case:?}");
            let mut xml_amounts: Vec<String> = xml
                .split(&format!("<InstdAmt Ccy=\"{}\">", case.currency))
                .skip(1)
                .map(|rest| rest.split('<').next().expect("amount").to_owned())
                .collect();
            xml_amounts.sort();
            assert_eq!(xml_amounts, want, "{case:?}");
            checked += ids.len();
        }
        assert!(checked >= 50, "enough claims were checked: {checked}");
    }
}
