//! The test harness: a real server on port 0 with a fresh database per test.

use std::path::PathBuf;
use std::time::Duration;

use roundtable_server::Server;
use roundtable_server::config::{Config, Sources};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database on the PostgreSQL server named by `TEST_DATABASE_URL`.
    Postgres,
}

/// Whether this run is CI, where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Runs a test body once per database: `db_tests! { async fn name(db) { ... } }` makes
/// `name::sqlite` and `name::postgres`.
macro_rules! db_tests {
    ($( $(#[$meta:meta])* async fn $name:ident($db:ident) $body:block )*) => {
        $(
            mod $name {
                use super::*;

                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $db = $crate::helpers::Db::Sqlite;
                    $body
                }

                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if !$crate::helpers::postgres_available().await {
                        return;
                    }
                    let $db = $crate::helpers::Db::Postgres;
                    $body
                }
            }
        )*
    };
}
pub(crate) use db_tests;

fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Whether PostgreSQL answers. Under `CI=true` its absence fails the test; elsewhere the
/// PostgreSQL half of each test is skipped with a loud message.
pub async fn postgres_available() -> bool {
    let ok = tokio::time::timeout(
        Duration::from_secs(5),
        Database::connect(postgres_admin_url()),
    )
    .await
    .is_ok_and(|r| r.is_ok());
    if !ok {
        assert!(
            !in_ci(),
            "PostgreSQL is not reachable at {} and CI=true: refusing to skip",
            postgres_admin_url()
        );
        eprintln!(
            "\n!!! SKIPPING the PostgreSQL half of this test: no server at {} (set TEST_DATABASE_URL) !!!\n",
            postgres_admin_url()
        );
    }
    ok
}

/// Options for a test server.
#[derive(Debug)]
pub struct TestAppBuilder {
    db: Db,
    demo: bool,
    seed: bool,
    listen: &'static str,
    extra: Vec<(&'static str, String)>,
}

impl TestAppBuilder {
    /// Demo mode on (demo page, demo data seeded).
    pub fn demo(mut self) -> Self {
        self.demo = true;
        self.seed = true;
        self
    }

    /// Seed the demo data without demo mode.
    pub fn seeded(mut self) -> Self {
        self.seed = true;
        self
    }

    /// Listen on another address (e.g. `0.0.0.0:0`).
    pub fn listen(mut self, addr: &'static str) -> Self {
        self.listen = addr;
        self
    }

    /// Any other setting.
    pub fn setting(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    /// Builds and starts the server.
    pub async fn spawn(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg) = match self.db {
            Db::Sqlite => (
                format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
                None,
            ),
            Db::Postgres => {
                let name = format!("rt_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(postgres_admin_url())
                    .await
                    .expect("postgres");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.expect("close admin connection");
                let mut url =
                    Url::parse(&postgres_admin_url()).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                (url.to_string(), Some(name))
            }
        };
        let key_file = dir.path().join("secret.key");
        std::fs::write(&key_file, "42".repeat(32)).expect("key file");
        let mut sources = Sources::from_pairs(&[("ROUNDTABLE_LISTEN", self.listen)]);
        sources.set("DATABASE_URL", database_url);
        sources.set("ROUNDTABLE_KEY_FILE", key_file.to_string_lossy());
        sources.set(
            "ROUNDTABLE_MAIL_DIR",
            dir.path().join("mail").to_string_lossy(),
        );
        sources.set("ROUNDTABLE_SITE_ROOT", site_root().to_string_lossy());
        sources.set("ROUNDTABLE_DEMO", self.demo.to_string());
        for (name, value) in self.extra {
            sources.set(name, value);
        }
        let config = Config::from_sources(&sources).expect("test configuration is valid");
        let server = Server::build(config).await.expect("server starts");
        if self.seed && !server.demo() {
            roundtable_app::domain::demo::seed(server.db())
                .await
                .expect("seed");
        }
        let addr = server.local_addr();
        let db = server.db().clone();
        // Requests go to 127.0.0.1 even when the server listens on 0.0.0.0.
        let base = Url::parse(&format!("http://127.0.0.1:{}/", addr.port())).expect("url");
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        TestApp {
            client: client(&base),
            base,
            db,
            stop: Some(stop),
            handle: Some(handle),
            pg_database: pg,
            _dir: dir,
        }
    }
}

/// The built site (WASM, JS, CSS) that `cargo leptos build` writes.
pub fn site_root() -> PathBuf {
    if let Some(root) = std::env::var_os("ROUNDTABLE_SITE_ROOT") {
        return PathBuf::from(root);
    }
    workspace_root().join("target/site")
}

/// The repository root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A browser-like HTTP client: keeps cookies, does not follow redirects, sends `Origin`.
pub fn client(base: &Url) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let origin = base.origin().ascii_serialization();
    headers.insert(
        reqwest::header::ORIGIN,
        reqwest::header::HeaderValue::from_str(&origin).expect("origin"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:port/`.
    pub base: Url,
    /// A cookie-keeping client.
    pub client: reqwest::Client,
    /// The app's database, for arranging and checking data.
    pub db: DatabaseConnection,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    pg_database: Option<String>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts configuring a server on `db`.
    pub fn builder(db: Db) -> TestAppBuilder {
        TestAppBuilder {
            db,
            demo: false,
            seed: false,
            listen: "127.0.0.1:0",
            extra: Vec::new(),
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> Url {
        self.base
            .join(path.trim_start_matches('/'))
            .expect("path joins")
    }

    /// GET `path` with the app's client.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET `path` as a page: returns status and body text.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("GET");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// POST a URL-encoded form to `path` as a browser without JavaScript would.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Call a server function as the hydrated app does (JSON answer).
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in as the demo person with `role` (demo mode only); returns their id.
    pub async fn sign_in_as(&self, role: &str) -> String {
        let res = self.call("/fn/demo/people", &[]).await;
        assert_eq!(res.status(), 200, "demo people listed");
        let people: serde_json::Value = res.json().await.expect("json");
        let id = people
            .as_array()
            .expect("array")
            .iter()
            .find(|p| p["role"] == role)
            .unwrap_or_else(|| panic!("a demo {role}"))["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let res = self
            .post_form("/fn/demo/sign-in?return_to=/demo", &[("person", &id)])
            .await;
        assert_eq!(res.status(), 302, "sign-in redirects");
        id
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.abort();
        }
        if let Some(name) = self.pg_database.take() {
            // Drop the per-test database on a separate thread (Drop cannot await).
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// Parses HTML for assertions.
pub fn html(body: &str) -> scraper::Html {
    scraper::Html::parse_document(body)
}

/// The trimmed text of every element matching `selector`.
pub fn texts(body: &str, selector: &str) -> Vec<String> {
    let doc = html(body);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}
