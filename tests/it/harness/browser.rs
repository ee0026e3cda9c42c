//! Browser end-to-end tests: Debian's Chromium through chromedriver, JavaScript on and off,
//! axe-core (WCAG 2.2 AA) on every page visited.
//!
//! Needs `cargo leptos build` first (the WASM bundle in `target/site`), `chromium`,
//! `chromium-driver`, and `npm ci` in `tests/` for axe-core. Under `CI=true` anything
//! missing fails the test; elsewhere these tests skip with a loud message.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator, wd::WebDriverCompatibleCommand};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

use crate::harness::{in_ci, site_root, workspace_root};

/// At most three browsers at once (this machine has two cores); a JavaScript-off test uses two.
fn browsers() -> &'static Semaphore {
    static SEM: OnceLock<Semaphore> = OnceLock::new();
    SEM.get_or_init(|| Semaphore::new(3))
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from)
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn axe_path() -> PathBuf {
    workspace_root().join("tests/node_modules/axe-core/axe.min.js")
}

/// Whether everything the browser tests need is here; see the module docs.
pub(crate) fn prerequisites() -> bool {
    let missing: Vec<String> = [
        chromedriver(),
        chromium(),
        axe_path(),
        site_root().join("pkg/roundtable.wasm"),
        site_root().join("pkg/roundtable.js"),
    ]
    .into_iter()
    .filter(|p| !p.exists())
    .map(|p| p.display().to_string())
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !in_ci(),
        "browser test prerequisites missing and CI=true: {missing:?}"
    );
    eprintln!("\n!!! SKIPPING browser test: missing {missing:?} (run `make test`) !!!\n");
    false
}

/// One Chromium session with its own chromedriver and fresh profile.
pub(crate) struct Browser {
    /// The WebDriver session.
    pub(crate) client: Client,
    /// Whether JavaScript runs in this browser.
    pub(crate) js: bool,
    /// With JavaScript off, axe cannot run in the page itself (timers are blocked too), so a
    /// second, JavaScript-enabled browser checks each page's server-rendered HTML.
    checker: Option<Box<Browser>>,
    _driver: Child,
    _profile: tempfile::TempDir,
    _permit: tokio::sync::SemaphorePermit<'static>,
}

impl Browser {
    /// Starts a browser with JavaScript on or off (off: with its axe checker, see `checker`).
    pub(crate) async fn start(js: bool) -> Self {
        let mut browser = Self::launch(js).await;
        if !js {
            browser.checker = Some(Box::new(Self::launch(true).await));
        }
        browser
    }

    async fn launch(js: bool) -> Self {
        let permit = browsers().acquire().await.expect("semaphore");
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut prefs = json!({});
        if !js {
            prefs = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let caps = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": prefs,
            }
        });
        let caps = caps.as_object().expect("object").clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        js,
                        checker: None,
                        _driver: driver,
                        _profile: profile,
                        _permit: permit,
                    };
                }
                Err(e) => {
                    last_err = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("chromedriver did not start: {last_err:?}");
    }

    /// Opens `url`, waits for it (and for hydration when JavaScript is on), and checks it
    /// with axe-core: zero WCAG 2.2 A/AA violations.
    pub(crate) async fn visit(&self, url: &str) {
        self.client.goto(url).await.expect("navigates");
        self.settle().await;
    }

    /// Opens `url`, a document without scripts (the streamed print view), waits for its
    /// main landmark and checks it with axe-core like every page (in the checker when this
    /// browser runs no JavaScript).
    pub(crate) async fn visit_document(&self, url: &str) {
        self.client.goto(url).await.expect("navigates");
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("main"))
            .await
            .expect("the document loads");
        let Some(checker) = &self.checker else {
            return self.run_axe(url).await;
        };
        // The checker is not signed in: it opens the site's first page and shows there the
        // exact HTML this browser shows.
        let html = self.client.source().await.expect("source");
        let mut home = url::Url::parse(url).expect("url");
        home.set_path("/");
        home.set_query(None);
        checker
            .client
            .goto(home.as_str())
            .await
            .expect("checker navigates");
        checker
            .client
            .execute(
                "document.open(); document.write(arguments[0]); document.close(); return true;",
                vec![Value::from(html)],
            )
            .await
            .expect("checker loads the HTML");
        checker
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("main"))
            .await
            .expect("the document shows");
        tokio::time::sleep(Duration::from_millis(300)).await;
        checker.run_axe(url).await;
    }

    /// Waits for the current page, then runs axe on it.
    pub(crate) async fn settle(&self) {
        if self.js {
            let hydrated = self
                .client
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css("html[data-hydrated]"))
                .await;
            if hydrated.is_err() {
                let errors = self.console_errors().await;
                panic!("the page did not hydrate; console errors: {errors:?}");
            }
        }
        self.assert_accessible().await;
    }

    async fn assert_accessible(&self) {
        let url = self.client.current_url().await.expect("url");
        match &self.checker {
            None => self.run_axe(url.as_str()).await,
            Some(checker) => {
                // The exact HTML this browser shows, scripts removed, in the checker.
                let html = self.client.source().await.expect("source");
                // Without the fragment: a fragment-only change would not load the page again.
                let mut page = url.clone();
                page.set_fragment(None);
                checker
                    .client
                    .goto(page.as_str())
                    .await
                    .expect("checker navigates");
                checker
                    .client
                    .wait()
                    .at_most(Duration::from_secs(20))
                    .for_element(Locator::Css("html[data-hydrated]"))
                    .await
                    .expect("checker hydrates");
                checker
                    .client
                    .execute(
                        "const html = arguments[0].replace(/<script[\\s\\S]*?<\\/script>/gi, '');
                         document.open(); document.write(html); document.close();
                         return true;",
                        vec![Value::from(html)],
                    )
                    .await
                    .expect("checker loads the HTML");
                checker
                    .client
                    .wait()
                    .at_most(Duration::from_secs(10))
                    .for_element(Locator::Css("link[rel=stylesheet]"))
                    .await
                    .expect("styles");
                tokio::time::sleep(Duration::from_millis(300)).await;
                checker.run_axe(url.as_str()).await;
            }
        }
    }

    async fn run_axe(&self, url: &str) {
        let axe = std::fs::read_to_string(axe_path()).expect("axe-core");
        self.client
            .execute(&format!("{axe}\nreturn true;"), vec![])
            .await
            .expect("axe loads");
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                   .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html) }))))
                   .catch(e => done([{ id: 'axe-error', nodes: [String(e)] }]));",
                vec![],
            )
            .await
            .expect("axe runs");
        assert_eq!(result, json!([]), "axe violations on {url}");
    }

    /// The text of the first element matching `css`.
    pub(crate) async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} present"))
            .text()
            .await
            .expect("text")
    }

    /// Whether the first element matching `css` is shown.
    pub(crate) async fn displayed(&self, css: &str) -> bool {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} present"))
            .is_displayed()
            .await
            .expect("visibility")
    }

    /// Clicks the first element matching `css`.
    pub(crate) async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} present"))
            .click()
            .await
            .expect("click");
    }

    /// Console messages at level SEVERE since the last call.
    pub(crate) async fn console_errors(&self) -> Vec<String> {
        let logs = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser log");
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// How many elements match `css` now.
    pub(crate) async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |all| all.len())
    }

    /// Waits (20 s at most) until `css` matches `n` elements, across page loads.
    pub(crate) async fn wait_count(&self, css: &str, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.count(css).await;
            if found == n {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}",
                self.report(&format!("waiting for {n} of {css}, found {found}"))
                    .await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits (20 s at most) until the text of `css` contains `needle`, across page loads.
    pub(crate) async fn wait_text(&self, css: &str, needle: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(e) = self.client.find(Locator::Css(css)).await
                && e.text().await.is_ok_and(|t| t.contains(needle))
            {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}",
                self.report(&format!("waiting for {needle:?} in {css}"))
                    .await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session (and its checker's).
    pub(crate) async fn close(self) {
        if let Some(checker) = self.checker {
            let _ = checker.client.close().await;
        }
        let _ = self.client.close().await;
    }
}

/// chromedriver's log endpoint (not part of W3C WebDriver, so fantoccini has no method).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// A neutral page standing in for the quick-exit destination.
pub(crate) async fn weather_site() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://127.0.0.1:{}/weather",
        listener.local_addr().expect("addr").port()
    );
    let handle = tokio::spawn(async move {
        let app = axum::Router::new().route(
            "/weather",
            axum::routing::get(|| async {
                axum::response::Html(
                    "<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1></html>",
                )
            }),
        );
        let _ = axum::serve(listener, app).await;
    });
    (url, handle)
}
