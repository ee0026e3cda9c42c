//! Load benchmark of the consultation pages (issue 4's acceptance figures).
//!
//! `cargo bench -p roundtable-tests --bench consultations` (release profile; needs the site
//! built by `cargo leptos build` for the page shell). On SQLite: a draft of 100 sections
//! (10 chapters × 10 paragraphs of about 80 words) with 1,000 comments; 16 concurrent
//! clients on loopback, in the same process as the server (they share its two cores, so the
//! figures are a floor). Measures the chapter view (10 paragraphs, 100 comments, rendered on
//! the server), the whole-draft view, posting comments, and the chapter page's gzipped size.
//! Where `wrk` (Debian's package) is installed, the two reading views are measured a second
//! time with it as the load generator: a separate process written in C, so the server is
//! measured rather than the Rust HTTP clients beside it (they still share the two cores).
//! Prints a Markdown table; `tests/benches/RESULTS.md` keeps the committed results.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use roundtable_app::domain::Actor;
use roundtable_app::domain::AppState;
use roundtable_app::domain::SessionAuth;
use roundtable_app::domain::consultations;
use roundtable_app::domain::consultations::comments;
use roundtable_app::domain::consultations::drafts;
use roundtable_app::domain::consultations::phases;
use roundtable_app::domain::identity::entities::membership;
use roundtable_app::domain::identity::entities::person;
use roundtable_app::domain::identity::sessions::DbSessionStore;
use roundtable_app::domain::platform::crypto::Purpose;
use roundtable_app::model::comment::CommentFields;
use roundtable_app::model::consultation::ConsultationFields;
use roundtable_app::model::ids::{CouncilId, PersonId, SectionId, VersionId};
use roundtable_app::model::viewer::Role;
use roundtable_server::Server;
use roundtable_server::config::{Config, Sources};
use sea_orm::{ActiveValue::Set, EntityTrait};
use tower_sessions::SessionStore as _;

const CLIENTS: usize = 16;
const RUN: Duration = Duration::from_secs(10);
const WARM_UP: Duration = Duration::from_secs(2);

const WORDS: &[&str] = &[
    "the",
    "state",
    "shall",
    "provide",
    "support",
    "to",
    "every",
    "person",
    "who",
    "needs",
    "housing",
    "health",
    "care",
    "legal",
    "advice",
    "without",
    "conditions",
    "and",
    "within",
    "a",
    "reasonable",
    "time",
    "service",
    "providers",
    "must",
    "inform",
    "people",
    "of",
    "their",
    "rights",
    "in",
    "a",
    "language",
    "they",
    "understand",
    "free",
    "of",
    "charge",
];

fn words(n: usize, seed: usize) -> String {
    (0..n)
        .map(|i| WORDS[(i * 7 + seed * 13) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// The draft: 10 chapters, each one article of 10 numbered paragraphs of ~80 words.
fn draft() -> String {
    let mut md = String::new();
    for ch in 1..=10 {
        md.push_str(&format!(
            "## Chapter {ch} – Part {ch}\n\n### Article {ch} – Rules {ch}\n\n"
        ));
        for p in 1..=10 {
            md.push_str(&format!("{p}. {}.\n", words(80, ch * 10 + p)));
        }
        md.push('\n');
    }
    md
}

async fn person(state: &AppState, council: CouncilId, n: usize, role: Role) -> PersonId {
    let id = uuid::Uuid::now_v7();
    let email = format!("p{n}@example.org");
    person::Entity::insert(person::ActiveModel {
        id: Set(id),
        display_name: Set(format!("Person {n}")),
        preferred_language: Set("en".into()),
        is_demo: Set(false),
        created_at: Set(chrono::Utc::now()),
        email_ciphertext: Set(Some(state.keyring.seal(Purpose::PersonEmail, &email))),
        email_hash: Set(Some(
            state.keyring.lookup_hash(Purpose::PersonEmail, &email),
        )),
        // No mail: the benchmark measures pages, not the mail worker.
        notify: Set("none".into()),
        disabled_at: Set(None),
        totp_ciphertext: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        totp_pending_ciphertext: Set(None),
    })
    .exec_without_returning(&state.db)
    .await
    .expect("person");
    membership::Entity::insert(membership::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        council_id: Set(council.0),
        person_id: Set(id),
        role: Set(role.code().to_owned()),
        created_at: Set(chrono::Utc::now()),
        suspended_at: Set(None),
    })
    .exec_without_returning(&state.db)
    .await
    .expect("membership");
    PersonId(id)
}

async fn actor(state: &AppState, person: PersonId, council: CouncilId) -> Actor {
    let mut auth = SessionAuth::new(person, council);
    auth.second_factor = true;
    Actor::load(&state.db, Some(auth)).await.expect("actor")
}

async fn cookie(state: &AppState, person: PersonId, council: CouncilId) -> String {
    let mut auth = SessionAuth::new(person, council);
    auth.second_factor = true;
    let mut data = std::collections::HashMap::new();
    data.insert(
        SessionAuth::KEY.to_owned(),
        serde_json::to_value(auth).expect("auth"),
    );
    let mut record = tower_sessions::session::Record {
        id: tower_sessions::session::Id::default(),
        data,
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    DbSessionStore::new(state.db.clone())
        .create(&mut record)
        .await
        .expect("session");
    format!("rt_session={}", record.id)
}

/// Latencies of a run: requests per second, p50 and p99 in milliseconds, failures.
struct Figures {
    rps: f64,
    p50: f64,
    p99: f64,
    failed: usize,
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn figures(mut latencies: Vec<Duration>, failed: usize, elapsed: Duration) -> Figures {
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figures {
        rps: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        failed,
    }
}

/// Runs `wrk` with [`CLIENTS`] connections on two threads for [`RUN`] against `url`; each
/// request reads as the next of `readers` (a Lua script rotates their cookies), as the
/// in-process clients do. `None` when wrk is not installed or its output is not understood.
fn wrk(url: &str, readers: &[String]) -> Option<Figures> {
    let cookies = readers
        .iter()
        .map(|c| format!("{c:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    // Each wrk thread has its own Lua state; the offset keeps the two threads apart.
    let lua = format!(
        "local cookies = {{ {cookies} }}\n\
         local n = 0\n\
         function setup(thread) thread:set(\"offset\", math.random(#cookies)) end\n\
         function request()\n\
           n = n + 1\n\
           local c = cookies[((n + (offset or 0)) % #cookies) + 1]\n\
           return wrk.format(nil, nil, {{ [\"cookie\"] = c, [\"accept\"] = \"text/html\" }})\n\
         end\n"
    );
    let script = tempfile::Builder::new().suffix(".lua").tempfile().ok()?;
    std::fs::write(script.path(), lua).ok()?;
    let out = std::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CLIENTS}"),
            &format!("-d{}s", RUN.as_secs()),
        ])
        .args(["--latency", "-s"])
        .arg(script.path())
        .arg(url)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // wrk prints e.g. "     99%   20.01ms" and "Requests/sec:   1234.56".
    let millis = |v: &str| -> Option<f64> {
        let (number, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
        let n: f64 = number.parse().ok()?;
        Some(match unit {
            "us" => n / 1000.0,
            "ms" => n,
            "s" => n * 1000.0,
            _ => return None,
        })
    };
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix).map(str::trim).map(str::to_owned))
    };
    let failed = field("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some(Figures {
        rps: field("Requests/sec:")?.parse().ok()?,
        p50: millis(&field("50%")?)?,
        p99: millis(&field("99%")?)?,
        failed,
    })
}

/// Runs `request` from [`CLIENTS`] tasks for [`RUN`] after [`WARM_UP`].
async fn load<F, Fut>(request: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (request, measuring, stop) = (request.clone(), measuring.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failed, mut n) = (Vec::new(), 0usize, 0usize);
            while !stop.load(Ordering::Relaxed) {
                let started = Instant::now();
                let ok = request(client * 1_000_000 + n).await;
                n += 1;
                if measuring.load(Ordering::Relaxed) {
                    if ok {
                        latencies.push(started.elapsed());
                    } else {
                        failed += 1;
                    }
                }
            }
            (latencies, failed)
        }));
    }
    tokio::time::sleep(WARM_UP).await;
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(RUN).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (mut all, mut failed) = (Vec::new(), 0);
    for t in tasks {
        let (l, f) = t.await.expect("task");
        all.extend(l);
        failed += f;
    }
    figures(all, failed, elapsed)
}

// The server's allocator, as in the `roundtable` binary.
#[global_allocator]
static ALLOCATOR: roundtable_server::Allocator = roundtable_server::Allocator;

/// Panics anywhere in the process (server tasks included) while the benchmark runs: a
/// panicking task does not fail a request, so the figures alone would not show it.
/// `[bench]` lines on stderr say when each panic and the wrk runs happened.
static PANICS: AtomicUsize = AtomicUsize::new(0);
static BEGAN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Time since the benchmark began, for the `[bench]` lines.
fn since_start() -> Duration {
    BEGAN.get_or_init(Instant::now).elapsed()
}

fn main() {
    let report = std::panic::take_hook();
    since_start();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        eprintln!("[bench] panic {:.1?} after start", since_start());
        report(info);
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(bench());
    // Render tasks of requests wrk left behind may still run; the server binary bounds its
    // exit the same way.
    let stopping = Instant::now();
    runtime.shutdown_timeout(Duration::from_secs(5));
    if stopping.elapsed() > Duration::from_secs(1) {
        println!("\nThe runtime did not stop within 5 s (a task was stuck).");
    }
    let panics = PANICS.load(Ordering::Relaxed);
    // Printed with the figures: a panicking server task fails no request, so the table alone
    // would not show it (RESULTS.md, sixth session).
    println!("\nPanics during the run: {panics}");
}

async fn bench() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let site = std::env::var("ROUNDTABLE_SITE_ROOT").unwrap_or_else(|_| root.display().to_string());
    let key_file = dir.path().join("secret.key");
    std::fs::write(&key_file, "42".repeat(32)).expect("key file");
    let mut sources = Sources::from_pairs(&[("ROUNDTABLE_LISTEN", "127.0.0.1:0")]);
    sources.set(
        "DATABASE_URL",
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        ),
    );
    sources.set("ROUNDTABLE_KEY_FILE", key_file.to_string_lossy());
    sources.set(
        "ROUNDTABLE_MAIL_DIR",
        dir.path().join("mail").to_string_lossy(),
    );
    sources.set("ROUNDTABLE_SITE_ROOT", site);
    let config = Config::from_sources(&sources).expect("configuration");
    // The statements run, recorded only while one page is fetched (below) and printed.
    let recording = Arc::new(AtomicBool::new(false));
    let statements = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let observer: roundtable_server::QueryObserver = {
        let (statements, recording) = (Arc::clone(&statements), Arc::clone(&recording));
        Arc::new(move |info: &sea_orm::metric::Info<'_>| {
            if recording.load(Ordering::Relaxed) {
                let sql: String = info.statement.sql.chars().take(60).collect();
                statements.lock().expect("statements").push(sql);
            }
        })
    };
    let server = Server::build_observed(config, Some(observer))
        .await
        .expect("server");
    let state = server.state().clone();
    let base = format!("http://127.0.0.1:{}", server.local_addr().port());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    // Arrange: council, people, the draft, 1,000 comments.
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
    let staff = person(&state, council, 0, Role::Secretariat).await;
    let mut members = Vec::new();
    for n in 1..=40 {
        members.push(person(&state, council, n, Role::Member).await);
    }
    let staff_actor = actor(&state, staff, council).await;
    let id = consultations::details::create(
        &state.db,
        &staff_actor,
        &ConsultationFields {
            title: "Bench draft".into(),
            ..ConsultationFields::default()
        },
    )
    .await
    .expect("consultation");
    drafts::import_file(&state, &staff_actor, id, "draft.md", draft().as_bytes())
        .await
        .expect("import");
    drafts::publish(&state, &staff_actor, id, "")
        .await
        .expect("publish");
    phases::open(&state, &staff_actor, id).await.expect("open");
    let version = consultations::store::latest_published(&state.db, id)
        .await
        .expect("q")
        .expect("v");
    let sections = consultations::store::sections_of(&state.db, VersionId(version.id))
        .await
        .expect("sections");
    let paragraphs: Vec<_> = sections.iter().filter(|s| s.kind == "paragraph").collect();
    assert_eq!(paragraphs.len(), 100, "100 paragraphs");
    let mut actors = Vec::new();
    for m in &members {
        actors.push(actor(&state, *m, council).await);
    }
    let seeding = Instant::now();
    for (i, p) in paragraphs.iter().enumerate() {
        for k in 0..10 {
            let attribution = ["named", "pseudonym", "anonymous"][(i + k) % 3];
            let fields = CommentFields {
                kind: "comment".into(),
                body: format!("**Point {k}.** {}", words(40, i * 10 + k)),
                attribution: attribution.into(),
                ..CommentFields::default()
            };
            comments::add(
                &state,
                &actors[(i * 10 + k) % actors.len()],
                id,
                Some(SectionId(p.id)),
                None,
                &fields,
            )
            .await
            .expect("comment");
        }
    }
    let seeded = seeding.elapsed();
    let chapter = sections
        .iter()
        .find(|s| s.depth == 0)
        .expect("chapter")
        .anchor
        .clone();
    // Each client reads as another member (each has their own view of the chapter).
    let mut readers = Vec::new();
    for m in members.iter().take(CLIENTS) {
        readers.push(cookie(&state, *m, council).await);
    }
    let reader = readers[0].clone();

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let get = |path: String| {
        let (client, readers, url) = (client.clone(), readers.clone(), format!("{base}{path}"));
        move |n: usize| {
            let reader = readers[n / 1_000_000 % readers.len()].clone();
            let (client, url) = (client.clone(), url.clone());
            async move {
                match client
                    .get(&url)
                    .header("cookie", &reader)
                    .header("accept", "text/html")
                    .send()
                    .await
                {
                    Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        }
    };
    let chapter_path = format!("/consultations/{id}/part/{chapter}");
    // The chapter page, compressed as a browser gets it.
    let page = client
        .get(format!("{base}{chapter_path}"))
        .header("cookie", &reader)
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let gzipped = page.bytes().await.expect("bytes").len();
    recording.store(true, Ordering::Relaxed);
    let plain = client
        .get(format!("{base}{chapter_path}"))
        .header("cookie", &reader)
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    // Background jobs may add one now and then; the figure is printed, not asserted (the
    // integration tests assert it).
    recording.store(false, Ordering::Relaxed);
    let run: Vec<String> = statements.lock().expect("statements").clone();
    // `ROUNDTABLE_BENCH_PAGE=file` keeps the chapter page, to look at what it sends.
    if let Ok(file) = std::env::var("ROUNDTABLE_BENCH_PAGE") {
        std::fs::write(file, &plain).expect("page written");
    }
    assert_eq!(
        plain.matches("class=\"comment depth-").count(),
        100,
        "the chapter page shows its 100 comments"
    );

    // `ROUNDTABLE_BENCH_ONLY=chapter` (or `whole`, `post`) runs one row, e.g. under a profiler.
    let only = std::env::var("ROUNDTABLE_BENCH_ONLY").ok();
    let runs = |row: &str| only.as_deref().is_none_or(|o| o == row);
    let skipped = || Figures {
        rps: 0.0,
        p50: 0.0,
        p99: 0.0,
        failed: 0,
    };
    let chapter_figures = if runs("chapter") {
        load(get(chapter_path.clone())).await
    } else {
        skipped()
    };
    let whole_figures = if runs("whole") {
        load(get(format!("/consultations/{id}"))).await
    } else {
        skipped()
    };
    let poster = {
        let (client, url) = (client.clone(), format!("{base}/fn/comments/post"));
        let cookies: Vec<String> = {
            let mut v = Vec::new();
            for m in &members {
                v.push(cookie(&state, *m, council).await);
            }
            v
        };
        let section = paragraphs[0].id.to_string();
        let consultation = id.to_string();
        move |n: usize| {
            let (client, url) = (client.clone(), url.clone());
            let cookie = cookies[n % cookies.len()].clone();
            let (section, consultation) = (section.clone(), consultation.clone());
            async move {
                let body = format!("Benchmark comment {n}: {}", words(30, n));
                let form = [
                    ("consultation", consultation.as_str()),
                    ("section", section.as_str()),
                    ("fields[kind]", "comment"),
                    ("fields[body]", body.as_str()),
                    ("fields[attribution]", "named"),
                ];
                match client
                    .post(&url)
                    .header("cookie", cookie)
                    .header("accept", "application/json")
                    .header("origin", url.split("/fn/").next().unwrap_or_default())
                    .form(&form)
                    .send()
                    .await
                {
                    Ok(r) => r.status() == 200,
                    Err(_) => false,
                }
            }
        }
    };
    // wrk blocks; it runs off the runtime so both workers keep serving.
    let wrk_on = |path: String, row: &str| {
        let (url, readers, run) = (format!("{base}{path}"), readers.clone(), runs(row));
        tokio::task::spawn_blocking(move || if run { wrk(&url, &readers) } else { None })
    };
    eprintln!("[bench] wrk starts {:.1?} after start", since_start());
    let with_wrk = (
        wrk_on(chapter_path.clone(), "chapter").await.ok().flatten(),
        wrk_on(format!("/consultations/{id}"), "whole")
            .await
            .ok()
            .flatten(),
    );
    let post_figures = if runs("post") {
        load(poster).await
    } else {
        skipped()
    };

    println!("\n## Consultation benchmark (SQLite, {CLIENTS} clients, {RUN:?} per run)\n");
    println!("Seeded 1,000 comments through the domain in {seeded:.1?}.\n");
    println!("| what | requests/s | p50 ms | p99 ms | failed |");
    println!("|---|---:|---:|---:|---:|");
    for (what, f) in [
        (
            "chapter view (10 paragraphs, 100 comments)",
            &chapter_figures,
        ),
        ("whole draft (100 sections, comment counts)", &whole_figures),
        ("posting a comment", &post_figures),
    ] {
        println!(
            "| {what} | {:.0} | {:.1} | {:.1} | {} |",
            f.rps, f.p50, f.p99, f.failed
        );
    }
    for (what, f) in [
        ("chapter view, load from wrk", &with_wrk.0),
        ("whole draft, load from wrk", &with_wrk.1),
    ] {
        if let Some(f) = f {
            println!(
                "| {what} | {:.0} | {:.1} | {:.1} | {} |",
                f.rps, f.p50, f.p99, f.failed
            );
        }
    }
    println!(
        "\nChapter page: {gzipped} bytes gzipped ({} bytes uncompressed); {} SQL statements:\n{}",
        plain.len(),
        run.len(),
        run.iter()
            .map(|sql| format!("- `{sql}…`"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
