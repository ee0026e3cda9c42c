//! What the benchmarks share: the server on a fresh SQLite file, people and their sessions,
//! the in-process load generator and `wrk`, latency figures, and a runner that counts panics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use roundtable_app::domain::Actor;
use roundtable_app::domain::AppState;
use roundtable_app::domain::SessionAuth;
use roundtable_app::domain::identity::entities::membership;
use roundtable_app::domain::identity::entities::person;
use roundtable_app::domain::identity::sessions::DbSessionStore;
use roundtable_app::domain::platform::crypto::Purpose;
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use roundtable_server::Server;
use roundtable_server::config::{Config, Sources};
use sea_orm::{ActiveValue::Set, EntityTrait};
use tower_sessions::SessionStore as _;

pub const CLIENTS: usize = 16;
pub const RUN: Duration = Duration::from_secs(10);
pub const WARM_UP: Duration = Duration::from_secs(2);

pub async fn person(state: &AppState, council: CouncilId, n: usize, role: Role) -> PersonId {
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

pub async fn actor(state: &AppState, person: PersonId, council: CouncilId) -> Actor {
    let mut auth = SessionAuth::new(person, council);
    auth.second_factor = true;
    Actor::load(&state.db, Some(auth)).await.expect("actor")
}

pub async fn cookie(state: &AppState, person: PersonId, council: CouncilId) -> String {
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
pub struct Figures {
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
    pub failed: usize,
}

#[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
pub fn figures(mut latencies: Vec<Duration>, failed: usize, elapsed: Duration) -> Figures {
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
pub fn wrk(url: &str, readers: &[String]) -> Option<Figures> {
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
pub async fn load<F, Fut>(request: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    load_with(CLIENTS, request).await
}

/// Runs `request` from `clients` tasks for [`RUN`] after [`WARM_UP`].
pub async fn load_with<F, Fut>(clients: usize, request: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for client in 0..clients {
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
pub fn since_start() -> Duration {
    BEGAN.get_or_init(Instant::now).elapsed()
}

/// Runs a benchmark on two worker threads, counting panics, and prints how many there were.
pub fn run(bench: impl std::future::Future<Output = ()>) {
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
    runtime.block_on(bench);
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

/// Starts a server on a fresh SQLite file in `dir` (the release site for the page shell);
/// returns its state, its base URL and what keeps it running.
pub async fn serve(
    dir: &std::path::Path,
    observer: Option<roundtable_server::QueryObserver>,
) -> (AppState, String, tokio::sync::oneshot::Sender<()>) {
    serve_on(dir, observer, None).await
}

/// Like [`serve`], on the database at `database_url` when given (else a fresh SQLite file).
pub async fn serve_on(
    dir: &std::path::Path,
    observer: Option<roundtable_server::QueryObserver>,
    database_url: Option<&str>,
) -> (AppState, String, tokio::sync::oneshot::Sender<()>) {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let site = std::env::var("ROUNDTABLE_SITE_ROOT").unwrap_or_else(|_| root.display().to_string());
    let key_file = dir.join("secret.key");
    std::fs::write(&key_file, "42".repeat(32)).expect("key file");
    let mut sources = Sources::from_pairs(&[("ROUNDTABLE_LISTEN", "127.0.0.1:0")]);
    sources.set(
        "DATABASE_URL",
        database_url.map_or_else(
            || format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
            str::to_owned,
        ),
    );
    sources.set("ROUNDTABLE_KEY_FILE", key_file.to_string_lossy());
    sources.set("ROUNDTABLE_MAIL_DIR", dir.join("mail").to_string_lossy());
    sources.set("ROUNDTABLE_SITE_ROOT", site);
    let config = Config::from_sources(&sources).expect("configuration");
    let server = Server::build_observed(config, observer)
        .await
        .expect("server");
    let state = server.state().clone();
    let base = format!("http://127.0.0.1:{}", server.local_addr().port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    (state, base, stop)
}

/// Raises the council's posting limits to the most a council may set: the benchmarks post
/// far faster than any person (the limits themselves are tested in the integration tests).
pub async fn allow_many_posts(state: &AppState, council: CouncilId) {
    use roundtable_app::domain::identity::entities::council;
    use sea_orm::{ActiveModelTrait as _, ActiveValue::Set};
    council::ActiveModel {
        id: Set(council.0),
        settings: Set(
            r#"{"posting": {"burst": 1000, "per_hour": 1000, "section_per_hour": 1000}}"#.into(),
        ),
        ..Default::default()
    }
    .update(&state.db)
    .await
    .expect("posting limits raised");
}

/// A fresh, empty PostgreSQL database on this machine's server (127.0.0.1:5432, or
/// `TEST_DATABASE_URL`); `None` when there is no server.
pub async fn fresh_postgres() -> Option<String> {
    use sea_orm::ConnectionTrait as _;
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let admin = sea_orm::Database::connect(&admin_url).await.ok()?;
    let name = format!("rt_bench_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .ok()?;
    let (base, _) = admin_url.rsplit_once('/')?;
    Some(format!("{base}/{name}"))
}

/// The process's peak resident memory since start (or the last [`reset_peak_memory`]), MB.
pub fn peak_memory_mb() -> f64 {
    peak_memory_mb_of("self")
}

/// The peak resident memory of process `pid` (or `self`) in MB (Linux: `VmHWM`).
pub fn peak_memory_mb_of(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Starts measuring the peak resident memory afresh (Linux: `clear_refs` 5).
pub fn reset_peak_memory() {
    reset_peak_memory_of("self");
}

/// Starts measuring the peak resident memory of process `pid` afresh.
pub fn reset_peak_memory_of(pid: &str) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}
