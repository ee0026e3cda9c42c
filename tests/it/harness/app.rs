//! The test harness: a real server on port 0 with a fresh database per test.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use roundtable_app::domain::AppState;
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
                    let $db = $crate::harness::Db::Sqlite;
                    $body
                }

                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if !$crate::harness::postgres_available().await {
                        return;
                    }
                    let $db = $crate::harness::Db::Postgres;
                    $body
                }
            }
        )*
    };
}
pub(crate) use db_tests;

/// The PostgreSQL server's administrative database (`TEST_DATABASE_URL`).
pub fn postgres_admin_url() -> String {
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
    listen: String,
    extra: Vec<(&'static str, String)>,
    count_queries: bool,
    /// Another app's database and key file, to run a second server on.
    shared: Option<(String, PathBuf)>,
}

impl TestAppBuilder {
    /// Runs on `other`'s database with its key, as a second server process would (its own
    /// connection pool, its own background jobs); `other` keeps (and drops) the database.
    pub fn sharing(mut self, other: &TestApp) -> Self {
        self.shared = Some((other.database_url.clone(), other.key_file.clone()));
        self
    }

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
    pub fn listen(mut self, addr: impl Into<String>) -> Self {
        self.listen = addr.into();
        self
    }

    /// Sends mail to a (test) SMTP server instead of the mail folder.
    pub fn smtp(self, url: String) -> Self {
        self.setting("ROUNDTABLE_SMTP_URL", url)
    }

    /// Counts every SQL statement in [`TestApp::queries`] (but the session keep-alive write),
    /// with the background jobs off so that only requests run statements.
    pub fn count_queries(mut self) -> Self {
        self.count_queries = true;
        self.setting("ROUNDTABLE_BACKGROUND_JOBS", "false")
    }

    /// Any other setting.
    pub fn setting(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    /// Builds and starts the server.
    pub async fn spawn(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg) = match (&self.shared, self.db) {
            (Some((url, _)), _) => (url.clone(), None),
            (None, db) => Self::new_database(db, &dir).await,
        };
        let key_file = match &self.shared {
            Some((_, key)) => key.clone(),
            None => {
                let key_file = dir.path().join("secret.key");
                std::fs::write(&key_file, "42".repeat(32)).expect("key file");
                key_file
            }
        };
        self.start(dir, database_url, pg, key_file).await
    }

    /// A fresh database: a SQLite file in `dir`, or a new PostgreSQL database (its name).
    async fn new_database(db: Db, dir: &tempfile::TempDir) -> (String, Option<String>) {
        match db {
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
        }
    }

    async fn start(
        self,
        dir: tempfile::TempDir,
        database_url: String,
        pg: Option<String>,
        key_file: PathBuf,
    ) -> TestApp {
        let mut sources = Sources::from_pairs(&[("ROUNDTABLE_LISTEN", self.listen.as_str())]);
        sources.set("DATABASE_URL", database_url.clone());
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
        let queries = Arc::new(AtomicUsize::new(0));
        let observer: Option<roundtable_server::QueryObserver> = self.count_queries.then(|| {
            let queries = Arc::clone(&queries);
            Arc::new(move |info: &sea_orm::metric::Info<'_>| {
                // A signed-in session's row is rewritten once a minute to keep it alive; when
                // that falls on a request depends on the clock, not on the page.
                if !info.statement.sql.starts_with("INSERT INTO \"session\"") {
                    queries.fetch_add(1, Ordering::SeqCst);
                }
            }) as roundtable_server::QueryObserver
        });
        let server = Server::build_observed(config, observer)
            .await
            .expect("server starts");
        if self.seed && !server.demo() {
            roundtable_app::domain::demo::seed(server.state())
                .await
                .expect("seed");
        }
        let addr = server.local_addr();
        let db = server.db().clone();
        let state = server.state().clone();
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
            state,
            mail_dir: dir.path().join("mail"),
            queries,
            sqlite_file: (self.db == Db::Sqlite && self.shared.is_none())
                .then(|| dir.path().join("test.db")),
            stop: Some(stop),
            handle: Some(handle),
            pg_database: pg,
            database_url,
            key_file,
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
    /// SQL statements run so far (only with [`TestAppBuilder::count_queries`]).
    pub queries: Arc<AtomicUsize>,
    /// The app's database, for arranging and checking data.
    pub db: DatabaseConnection,
    /// The app's shared state (keyring etc.), for arranging data through the domain.
    pub state: AppState,
    /// Where mail goes when no SMTP server is set.
    pub mail_dir: PathBuf,
    /// The SQLite database file (SQLite runs only).
    pub sqlite_file: Option<PathBuf>,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    pg_database: Option<String>,
    database_url: String,
    key_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// Starts configuring a server on `db`.
    pub fn builder(db: Db) -> TestAppBuilder {
        TestAppBuilder {
            db,
            demo: false,
            seed: false,
            listen: "127.0.0.1:0".to_owned(),
            extra: Vec::new(),
            count_queries: false,
            shared: None,
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

/// Calls a server function with `client` as the hydrated app does; returns the status and
/// the JSON answer (a string when the body is not JSON).
pub async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let res = client
        .post(app.url(path))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .expect("POST");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// GETs `path` with `client` as a browser does; returns the status and the HTML.
pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET");
    (res.status().as_u16(), res.text().await.expect("body"))
}

/// The SQL statements one GET of `path` runs (the app must count queries); asserts a 200.
pub async fn statements(app: &TestApp, client: &reqwest::Client, path: &str) -> usize {
    use std::sync::atomic::Ordering;
    let before = app.queries.load(Ordering::SeqCst);
    let (status, _) = page(app, client, path).await;
    assert_eq!(status, 200, "{path}");
    app.queries.load(Ordering::SeqCst) - before
}

/// A browser-like client whose session is already signed in (the arrangement step of a test,
/// like seeding a row): the session row is written through the real store and its cookie set.
pub async fn signed_in_client(
    app: &TestApp,
    person: roundtable_app::model::ids::PersonId,
    council: roundtable_app::model::ids::CouncilId,
    second_factor: bool,
) -> reqwest::Client {
    let mut auth = roundtable_app::domain::SessionAuth::new(person, council);
    auth.second_factor = second_factor;
    client_with_session(app, auth).await
}

/// Stores a session holding exactly `auth` through the real store; returns its id (the
/// `rt_session` cookie's value).
pub async fn stored_session(app: &TestApp, auth: roundtable_app::domain::SessionAuth) -> String {
    use roundtable_app::domain::SessionAuth;
    use roundtable_app::domain::identity::sessions::DbSessionStore;
    use tower_sessions::SessionStore as _;
    let mut data = std::collections::HashMap::new();
    data.insert(
        SessionAuth::KEY.to_owned(),
        serde_json::to_value(auth).expect("auth serialises"),
    );
    let mut record = tower_sessions::session::Record {
        id: tower_sessions::session::Id::default(),
        data,
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(30),
    };
    DbSessionStore::new(app.db.clone())
        .create(&mut record)
        .await
        .expect("session stored");
    record.id.to_string()
}

/// A client whose stored session holds exactly `auth` (e.g. an old sign-in time).
pub async fn client_with_session(
    app: &TestApp,
    auth: roundtable_app::domain::SessionAuth,
) -> reqwest::Client {
    let id = stored_session(app, auth).await;
    client_with_cookie(&app.base, &format!("rt_session={id}"))
}

/// A client that starts with `cookie` (`name=value`) for the app's host.
pub fn client_with_cookie(base: &Url, cookie: &str) -> reqwest::Client {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(&format!("{cookie}; Path=/"), base);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ORIGIN,
        reqwest::header::HeaderValue::from_str(&base.origin().ascii_serialization())
            .expect("origin"),
    );
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

impl TestApp {
    /// Waits for `n` mails in the mail folder (no SMTP configured); returns them.
    pub async fn folder_mails(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Vec<crate::harness::peers::ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mut found = Vec::new();
            if let Ok(entries) = std::fs::read_dir(&self.mail_dir) {
                let mut paths: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    // Only whole mails: the mailer writes `.<id>.eml.part`, then renames.
                    .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                    .collect();
                // In the order they arrived: ids are random, so names say nothing of it.
                paths.sort_by_cached_key(|p| {
                    let at = std::fs::metadata(p).and_then(|m| m.modified()).ok();
                    (at, p.clone())
                });
                for path in paths {
                    if let Ok(raw) = std::fs::read_to_string(&path) {
                        found.push(crate::harness::peers::ReceivedMail {
                            raw,
                            to: Vec::new(),
                            from: String::new(),
                        });
                    }
                }
            }
            if found.len() >= n || tokio::time::Instant::now() >= deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits, at most 30 s, until every outbox row is marked sent, waking the worker on each
    /// try. A mail file or an SMTP message appears just before its row says "sent", so a test
    /// that asserts on the row waits for the row itself.
    pub async fn outbox_sent(
        &self,
    ) -> Vec<roundtable_app::domain::platform::entities::outbox::Model> {
        use roundtable_app::domain::platform::entities::outbox;
        use sea_orm::EntityTrait;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            self.state.mail_wakeup.notify_one();
            let rows = outbox::Entity::find()
                .all(&self.db)
                .await
                .expect("outbox rows");
            let waiting = rows.iter().filter(|r| r.status != "sent").count();
            if waiting == 0 {
                return rows;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{waiting} mails were not marked sent within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asks for a sign-in link for `email` with `client`, waits for the new sign-in mail in
    /// the mail folder, and returns its link's token. Other mails (notices) may arrive in
    /// between, in any order; only sign-in mails not there before the request count.
    pub async fn request_link_token(&self, client: &reqwest::Client, email: &str) -> String {
        let sign_in_mails = |mails: Vec<crate::harness::peers::ReceivedMail>| {
            mails
                .into_iter()
                .filter(|m| m.raw.contains("/sign-in/link?token="))
                .collect::<Vec<_>>()
        };
        let before: std::collections::HashSet<String> =
            sign_in_mails(self.folder_mails(0, Duration::ZERO).await)
                .into_iter()
                .map(|m| m.raw)
                .collect();
        let res = client
            .post(self.url("/fn/auth/request-link?return_to=/sign-in"))
            .header("accept", "text/html")
            .form(&[("email", email), ("next", "")])
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), 302, "the request redirects");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            // The new one, whatever the order of the folder (times may tie).
            let new: Vec<_> = sign_in_mails(self.folder_mails(0, Duration::ZERO).await)
                .into_iter()
                .filter(|m| !before.contains(&m.raw))
                .collect();
            if let [mail] = new.as_slice() {
                return token_from(mail);
            }
            assert!(
                new.is_empty(),
                "one sign-in mail arrived, not {}",
                new.len()
            );
            assert!(
                tokio::time::Instant::now() < deadline,
                "a sign-in mail arrived"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The `token` parameter of the one link in a mail.
pub fn token_from(mail: &crate::harness::peers::ReceivedMail) -> String {
    let links = mail.links();
    assert_eq!(links.len(), 1, "exactly one link in the mail");
    let url = Url::parse(&links[0]).expect("link is a URL");
    url.query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("token in link")
}

/// A free loopback port (for servers that must know each other's address before starting).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}
