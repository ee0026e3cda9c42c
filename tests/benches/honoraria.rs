//! Benchmark of paid time (issue 15's acceptance figures).
//!
//! `ROUNDTABLE_SITE_ROOT=$CARGO_TARGET_DIR/site cargo bench -p roundtable-tests --bench honoraria`
//! (release profile). On SQLite, in the server's own process:
//!
//! - finance's queue page (`/finance`) with 2,000 submitted claims of 200 members, from 16
//!   clients (in-process, and with `wrk` where installed);
//! - a batch of 10,000 approved claims of 200 payees made, then exported as CSV and as SEPA
//!   XML, each through HTTP as finance would; the time of the three together, and the
//!   process's peak resident memory while they run (its high-water mark is reset first);
//! - the same batch and exports again with the server alone: the release `roundtable` binary
//!   (`cargo build --release -p roundtable-server`) on the same SQLite file, and its peak
//!   resident memory over its whole run.
//!
//! Prints a Markdown table; `tests/benches/RESULTS-honoraria.md` keeps the committed results.

#[expect(
    dead_code,
    reason = "the posting limits concern the consultation benchmarks only"
)]
mod common;

use std::time::Instant;

use roundtable_app::domain::honoraria::entities::claim;
use roundtable_app::domain::honoraria::{payment, rates};
use roundtable_app::domain::platform::crypto::Purpose;
use roundtable_app::model::honoraria::{
    Activity, ClaimKind, ClaimState, PaymentFields, RateUnit, SettingsFields,
};
use roundtable_app::model::ids::CouncilId;
use roundtable_app::model::viewer::Role;
use sea_orm::{ActiveValue::Set, EntityTrait};

use common::*;

const MEMBERS: usize = 200;
const QUEUED: usize = 2_000;
const BATCHED: usize = 10_000;

fn main() {
    run(bench());
}

/// The process's peak resident memory (VmHWM), in MiB.
fn peak_mib() -> f64 {
    mib_of("self", "VmHWM:")
}

/// Resets the peak to the current resident memory (Linux: `5` to `clear_refs`).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Inserts `n` claims of `state` spread over `members`, as rows (the arrangement step).
async fn claims(
    state: &roundtable_app::domain::AppState,
    council: CouncilId,
    members: &[roundtable_app::model::ids::PersonId],
    n: usize,
    claim_state: ClaimState,
    finance: uuid::Uuid,
) {
    let now = chrono::Utc::now();
    let day = now.format("%Y-%m-%d").to_string();
    let empty = state.keyring.seal(Purpose::ClaimText, "Read the draft");
    let rows: Vec<claim::ActiveModel> = (0..n)
        .map(|i| {
            let minutes = i32::try_from(30 + i % 200).unwrap_or(60);
            claim::ActiveModel {
                id: Set(uuid::Uuid::new_v4()),
                council_id: Set(council.0),
                person_id: Set(members[i % members.len()].0),
                kind: Set(ClaimKind::Time.code().into()),
                state: Set(claim_state.code().into()),
                work_date: Set(day.clone()),
                pay_year: Set(2026),
                minutes: Set(Some(minutes)),
                activity: Set(Some(Activity::Review.code().into())),
                category: Set(None),
                link_kind: Set(None),
                link_id: Set(None),
                description_sealed: Set(empty.clone()),
                amount_minor: Set(roundtable_app::domain::honoraria::money::price(
                    4_000,
                    RateUnit::Hour,
                    minutes,
                )),
                currency: Set("EUR".into()),
                rate_id: Set(None),
                rate_unit: Set(Some("hour".into())),
                rate_minor: Set(Some(4_000)),
                allowance_minor: Set(0),
                receipt_id: Set(None),
                adjusts_id: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                submitted_at: Set(Some(
                    now + chrono::Duration::milliseconds(i64::try_from(i).unwrap_or(0)),
                )),
                first_approver: Set((claim_state == ClaimState::Approved).then_some(finance)),
                first_approved_at: Set(None),
                second_approver: Set(None),
                decided_at: Set(None),
                note_sealed: Set(None),
                batch_id: Set(None),
                paid_at: Set(None),
            }
        })
        .collect();
    for chunk in rows.chunks(500) {
        claim::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&state.db)
            .await
            .expect("claims");
    }
}

async fn bench() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (state, base, _stop) = serve(dir.path(), None).await;
    let council = CouncilId(
        roundtable_server::operator::create_council(
            &state,
            roundtable_server::operator::NewCouncil {
                slug: "bench".into(),
                name: "Bench".into(),
                country: "AT".into(),
                languages: vec!["en".into()],
                time_zone: "Europe/Vienna".into(),
                currency: "EUR".into(),
            },
        )
        .await
        .expect("council"),
    );
    let since = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    rates::seed_line(
        &state.db,
        council,
        Activity::Review,
        RateUnit::Hour,
        4_000,
        0,
        since,
    )
    .await
    .expect("rate");
    let admin = person(&state, council, 0, Role::CouncilAdmin).await;
    rates::set_settings(
        &state,
        &actor(&state, admin, council).await,
        &SettingsFields {
            second_approval_above: String::new(),
            debtor_name: "Bench Council".into(),
            debtor_iban: "DE89370400440532013000".into(),
            debtor_bic: "COBADEFFXXX".into(),
        },
    )
    .await
    .expect("settings");
    let finance = person(&state, council, 1, Role::Finance).await;
    let mut members = Vec::with_capacity(MEMBERS);
    for n in 0..MEMBERS {
        let m = person(&state, council, 10 + n, Role::Member).await;
        // One in ten is paid by voucher: listed beside the bank file, never dropped.
        let method = if n % 10 == 0 { "voucher" } else { "bank" };
        payment::set(
            &state,
            &actor(&state, m, council).await,
            &PaymentFields {
                method: method.into(),
                holder: format!("Holder {n}"),
                iban: "FR1420041010050500013M02606".into(),
                ..PaymentFields::default()
            },
        )
        .await
        .expect("payment");
        members.push(m);
    }

    // The queue: 2,000 submitted claims.
    claims(
        &state,
        council,
        &members,
        QUEUED,
        ClaimState::Submitted,
        finance.0,
    )
    .await;
    let finance_cookie = cookie(&state, finance, council).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let url = format!("{base}/finance");
    let page = client
        .get(&url)
        .header("cookie", &finance_cookie)
        .header("accept", "text/html")
        .send()
        .await
        .expect("queue");
    assert_eq!(page.status(), 200, "the queue page");
    let bytes = page.text().await.expect("body").len();
    let queue = {
        let (client, url, cookie) = (client.clone(), url.clone(), finance_cookie.clone());
        load(move |_| {
            let (client, url, cookie) = (client.clone(), url.clone(), cookie.clone());
            async move {
                client
                    .get(&url)
                    .header("cookie", &cookie)
                    .header("accept", "text/html")
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200)
            }
        })
        .await
    };
    eprintln!("[bench] wrk starts {:.1?} after start", since_start());
    let with_wrk = {
        let (url, readers) = (url.clone(), vec![finance_cookie.clone()]);
        tokio::task::spawn_blocking(move || wrk(&url, &readers))
            .await
            .ok()
            .flatten()
    };

    // The batch: 10,000 approved claims (the queue's 2,000 stay submitted).
    claims(
        &state,
        council,
        &members,
        BATCHED,
        ClaimState::Approved,
        finance.0,
    )
    .await;
    let reset = reset_peak();
    let before = peak_mib();
    let started = Instant::now();
    let res = client
        .post(format!("{base}/fn/honoraria/create_batch"))
        .header("cookie", &finance_cookie)
        .header("accept", "application/json")
        .header("origin", &base)
        .form(&[("currency", "EUR")])
        .send()
        .await
        .expect("batch");
    assert_eq!(res.status(), 200, "batch made");
    let batch: String = res.json().await.expect("batch id");
    let created = started.elapsed();
    let mut sizes = Vec::new();
    for format in ["csv", "sepa"] {
        let res = client
            .get(format!("{base}/finance/batches/{batch}/{format}"))
            .header("cookie", &finance_cookie)
            .send()
            .await
            .expect("export");
        assert_eq!(res.status(), 200, "{format} export");
        sizes.push(res.bytes().await.expect("file").len());
    }
    let all = started.elapsed();
    let peak = peak_mib();

    println!("| measure | result | target |");
    println!("|---|---|---|");
    println!(
        "| queue page, {QUEUED} submitted claims, {CLIENTS} in-process clients | {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, {} failed | ≥ 500 req/s, p99 < 50 ms |",
        queue.rps, queue.p50, queue.p99, queue.failed
    );
    match &with_wrk {
        Some(w) => println!(
            "| queue page, load from wrk | {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, {} failed | ≥ 500 req/s, p99 < 50 ms |",
            w.rps, w.p50, w.p99, w.failed
        ),
        None => println!("| queue page, load from wrk | wrk not installed | |"),
    }
    println!("| queue page size | {bytes} B (the first page: 50 rows) | |");
    println!(
        "| batch of {BATCHED} claims: made | {:.0} ms | |",
        created.as_secs_f64() * 1000.0
    );
    println!(
        "| batch made + CSV ({} B) + SEPA XML ({} B) exported | {:.0} ms | < 1 s |",
        sizes[0],
        sizes[1],
        all.as_secs_f64() * 1000.0
    );
    println!(
        "| peak resident memory of the process while doing it | {peak:.1} MiB (before: {before:.1} MiB; peak reset: {reset}) | < 100 MB |"
    );

    // The same again with the server alone in its own process: the release `roundtable`
    // binary on the same database and key file, so its memory is the server's only.
    claims(
        &state,
        council,
        &members,
        BATCHED,
        ClaimState::Approved,
        finance.0,
    )
    .await;
    match server_alone(dir.path(), &finance_cookie).await {
        Some(alone) => {
            println!(
                "| batch of {BATCHED} claims made + CSV + SEPA XML exported, `roundtable` binary alone | {:.0} ms | < 1 s |",
                alone.elapsed_ms
            );
            println!(
                "| peak resident memory of the server process, its whole run (start, queue page, batch, exports) | {:.1} MiB (after start and one queue page: {:.1} MiB) | < 100 MB |",
                alone.peak_mib, alone.warm_mib
            );
        }
        None => println!(
            "| server alone | release `roundtable` binary not built (`cargo build --release -p roundtable-server`) | |"
        ),
    }
}

/// What the server process alone measured.
struct Alone {
    elapsed_ms: f64,
    warm_mib: f64,
    peak_mib: f64,
}

/// A process's resident memory figure (`VmHWM` or `VmRSS`), in MiB; `pid` is a number or
/// `self`.
fn mib_of(pid: &str, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts the release `roundtable` binary on the benchmark's SQLite file and key file (the
/// in-process server stays idle), shows finance's queue once, then makes a batch of the
/// approved claims and exports it, all through HTTP with finance's stored session. Returns
/// `None` when the binary is not built.
async fn server_alone(dir: &std::path::Path, finance_cookie: &str) -> Option<Alone> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("release/roundtable");
    if !bin.exists() {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let site = std::env::var("ROUNDTABLE_SITE_ROOT")
        .unwrap_or_else(|_| target.join("site").display().to_string());
    let mut child = std::process::Command::new(&bin)
        .arg("serve")
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
        )
        .env("ROUNDTABLE_KEY_FILE", dir.join("secret.key"))
        .env("ROUNDTABLE_MAIL_DIR", dir.join("mail-alone"))
        .env("ROUNDTABLE_SITE_ROOT", site)
        .env("ROUNDTABLE_LISTEN", format!("127.0.0.1:{port}"))
        .env("ROUNDTABLE_BASE_URL", &base)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let pid = child.id();
    let client = reqwest::Client::new();
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(Instant::now() < deadline, "the server did not get ready");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let page = client
        .get(format!("{base}/finance"))
        .header("cookie", finance_cookie)
        .header("accept", "text/html")
        .send()
        .await
        .expect("queue");
    assert_eq!(page.status(), 200, "the queue page from the server alone");
    page.bytes().await.expect("queue body");
    let warm_mib = mib_of(&pid.to_string(), "VmRSS:");
    let started = Instant::now();
    let res = client
        .post(format!("{base}/fn/honoraria/create_batch"))
        .header("cookie", finance_cookie)
        .header("accept", "application/json")
        .header("origin", &base)
        .form(&[("currency", "EUR")])
        .send()
        .await
        .expect("batch");
    assert_eq!(res.status(), 200, "batch made by the server alone");
    let batch: String = res.json().await.expect("batch id");
    for format in ["csv", "sepa"] {
        let res = client
            .get(format!("{base}/finance/batches/{batch}/{format}"))
            .header("cookie", finance_cookie)
            .send()
            .await
            .expect("export");
        assert_eq!(res.status(), 200, "{format} export from the server alone");
        res.bytes().await.expect("file");
    }
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let peak_mib = mib_of(&pid.to_string(), "VmHWM:");
    child.kill().ok();
    child.wait().ok();
    Some(Alone {
        elapsed_ms,
        warm_mib,
        peak_mib,
    })
}
