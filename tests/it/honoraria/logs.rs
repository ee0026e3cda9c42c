//! Bank details and receipts stay out of the logs: the real binary, run as in production
//! (its own log setup, here at `debug` so that far more is written than in production), in
//! demo mode on loopback; a member saves bank details (once with an invalid IBAN), uploads a
//! receipt and submits it; finance reads the receipt, approves, batches and exports the SEPA
//! file and the CSV. In the same run the demo's mentee logs a session with private notes and
//! reports a concern, which the safeguarding lead reads and annotates. None of the canaries
//! is in what the process wrote.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use super::http::validate_sepa;
use crate::fixtures::honoraria::RECEIPT_PDF;
use crate::harness::{in_ci, workspace_root};

fn binary() -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let path = target.join("debug/roundtable");
    if path.exists() {
        return Some(path);
    }
    assert!(
        !in_ci(),
        "{} is missing and CI=true: build it first",
        path.display()
    );
    eprintln!("\n!!! SKIPPING: {} not built !!!\n", path.display());
    None
}

const HOLDER: &str = "Canaryholder Logqz";
const IBAN: &str = "GB33 BUKB 2020 1555 5555 55";
const IBAN_COMPACT: &str = "GB33BUKB20201555555555";
const BAD_IBAN: &str = "GB00LOGCANARY0000";
const RECEIPT_CANARY: &str = "LOGRECEIPTCANARYQZ";
const NOTE_CANARY: &str = "LOGNOTECANARYQZ";
const CASE_CANARY: &str = "LOGCASECANARYQZ";
const LEAD_CANARY: &str = "LOGLEADCANARYQZ";

/// A client for `base` with its own cookies, sending the site's Origin.
fn client(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ORIGIN,
        reqwest::header::HeaderValue::from_str(base).expect("origin"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

async fn call(c: &reqwest::Client, base: &str, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let res = c
        .post(format!("{base}{path}"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("POST");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Signs `c` in as the demo person with `role`.
async fn sign_in(c: &reqwest::Client, base: &str, people: &Value, role: &str) {
    let id = people
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["role"] == role)
        .unwrap_or_else(|| panic!("a demo {role}: {people}"))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, body) = call(c, base, "/fn/demo/sign-in", &[("person", &id)]).await;
    assert!(
        status == 200 || status == 302 || status == 303,
        "{status} {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_details_receipts_private_notes_and_cases_never_reach_the_logs() {
    let Some(bin) = binary() else { return };
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("k"), "5a".repeat(32)).expect("key");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("addr")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let env = |cmd: &mut Command| {
        cmd.env_clear()
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", dir.path().join("rt.db").display()),
            )
            .env("ROUNDTABLE_KEY_FILE", dir.path().join("k"))
            .env("ROUNDTABLE_MAIL_DIR", dir.path().join("mail"))
            .env("ROUNDTABLE_LISTEN", format!("127.0.0.1:{port}"))
            .env("ROUNDTABLE_BASE_URL", &base)
            .env("ROUNDTABLE_DEMO", "true")
            .env("RUST_LOG", "debug");
    };
    let mut seed = Command::new(&bin);
    env(&mut seed);
    let seeded = seed.arg("seed-demo").output().expect("seed runs");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let mut serve = Command::new(&bin);
    env(&mut serve);
    let mut child = serve
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serves");
    // Read both streams to the end in threads (a full pipe would stall the server).
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).ok();
        s
    });
    let probe = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while probe
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server did not become ready"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    let anyone = client(&base);
    let (status, people) = call(&anyone, &base, "/fn/demo/people", &[]).await;
    assert_eq!(status, 200, "{people}");
    let member = client(&base);
    sign_in(&member, &base, &people, "member").await;
    let (status, body) = call(
        &member,
        &base,
        "/fn/honoraria/set_payment",
        &[
            ("fields[method]", "bank"),
            ("fields[holder]", HOLDER),
            ("fields[iban]", BAD_IBAN),
        ],
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("iban")),
        "{body}"
    );
    let (status, body) = call(
        &member,
        &base,
        "/fn/honoraria/set_payment",
        &[
            ("fields[method]", "bank"),
            ("fields[holder]", HOLDER),
            ("fields[iban]", IBAN),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut receipt = RECEIPT_PDF.to_vec();
    receipt.extend_from_slice(format!("% {RECEIPT_CANARY}\n").as_bytes());
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let form = reqwest::multipart::Form::new()
        .text("work_date", today.clone())
        .text("category", "travel")
        .text("amount", "7.70")
        .text("currency", "")
        .text("description", "Bus")
        .part(
            "receipt",
            reqwest::multipart::Part::bytes(receipt).file_name("receipt.pdf"),
        );
    let res = member
        .post(format!("{base}/time/expenses"))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(!location.contains("expense_error"), "{location}");
    let (_, mine) = call(&member, &base, "/fn/honoraria/mine", &[]).await;
    let expense = mine["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .find(|c| c["kind"] == "expense" && c["state"] == "draft" && c["amount"] == "7.70")
        .expect("the expense")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, body) = call(
        &member,
        &base,
        "/fn/honoraria/submit",
        &[("claim", &expense)],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let finance = client(&base);
    sign_in(&finance, &base, &people, "finance").await;
    let res = finance
        .get(format!("{base}/time/claims/{expense}/receipt"))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), 200);
    let (status, report) = call(
        &finance,
        &base,
        "/fn/honoraria/decide",
        &[("claims[0]", &expense), ("decision", "approve")],
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let (status, batch) = call(
        &finance,
        &base,
        "/fn/honoraria/create_batch",
        &[("currency", "EUR")],
    )
    .await;
    assert_eq!(status, 200, "{batch}");
    let batch = batch.as_str().expect("id").to_owned();
    let xml = finance
        .get(format!("{base}/finance/batches/{batch}/sepa"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("xml");
    validate_sepa(&xml).unwrap_or_else(|e| panic!("valid SEPA file: {e}"));
    assert!(
        xml.contains(IBAN_COMPACT),
        "the export itself carries the account"
    );
    let csv = finance
        .get(format!("{base}/finance/batches/{batch}/csv"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("csv");
    assert!(csv.contains(HOLDER), "the CSV carries the holder");

    // Mentorship: the demo mentee's private notes and concern, the lead's case note.
    let (_, overview) = call(&member, &base, "/fn/mentorship/overview", &[]).await;
    let pair = overview["matches"][0]["id"]
        .as_str()
        .expect("the demo match")
        .to_owned();
    let (status, body) = call(
        &member,
        &base,
        "/fn/mentorship/log_session",
        &[
            ("pair", &pair),
            ("fields[held_on]", &today),
            ("fields[minutes]", "45"),
            ("fields[format]", "online"),
            ("fields[topics]", NOTE_CANARY),
            ("fields[notes]", NOTE_CANARY),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        &member,
        &base,
        "/fn/mentorship/log_session",
        &[
            ("pair", &pair),
            ("fields[held_on]", "someday"),
            ("fields[notes]", NOTE_CANARY),
        ],
    )
    .await;
    assert_eq!(status, 400, "a refused session: {body}");
    let (status, case) = call(
        &member,
        &base,
        "/fn/mentorship/report_concern",
        &[("pair", &pair), ("concern", CASE_CANARY)],
    )
    .await;
    assert_eq!(status, 200, "{case}");
    let case = case.as_str().expect("case").to_owned();
    let (_, detail) = call(&member, &base, "/fn/mentorship/pair", &[("id", &pair)]).await;
    assert!(
        detail.to_string().contains(NOTE_CANARY),
        "the pair reads its notes"
    );
    let lead = client(&base);
    sign_in(&lead, &base, &people, "secretariat").await;
    let (status, detail) = call(&lead, &base, "/fn/mentorship/case", &[("id", &case)]).await;
    assert_eq!(
        (status, detail["concern"].as_str()),
        (200, Some(CASE_CANARY)),
        "{detail}"
    );
    let (status, body) = call(
        &lead,
        &base,
        "/fn/mentorship/update_case",
        &[
            ("case", &case),
            ("note", LEAD_CANARY),
            ("status", "in_progress"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    assert!(status.success(), "{status:?}");
    let mut logs = out.join().expect("stdout read");
    logs.extend(err.join().expect("stderr read"));
    let text = String::from_utf8_lossy(&logs);
    assert!(
        text.contains("Roundtable is running"),
        "the process wrote its logs: {text}"
    );
    assert!(
        text.lines().count() > 20,
        "debug logging wrote plenty: {text}"
    );
    for canary in [
        HOLDER,
        IBAN,
        IBAN_COMPACT,
        "BUKB20201555555555",
        BAD_IBAN,
        RECEIPT_CANARY,
        NOTE_CANARY,
        CASE_CANARY,
        LEAD_CANARY,
    ] {
        assert!(!text.contains(canary), "{canary} is in the logs:\n{text}");
    }
}
