//! The Roundtable server: configuration, HTTP stack, startup and shutdown.
//!
//! `main.rs` is only the CLI; tests build a [`Server`] directly on port 0.

pub mod cli;
pub mod config;
mod files;
mod honoraria_files;
mod http_layers;
mod kept_pages;
mod mailer;
mod mentorship_files;
mod oidc;
pub mod operator;
mod routes;

pub use routes::PLAIN_ROUTES;

/// The memory allocator the `roundtable` binary (and the benchmark) installs: mimalloc, which
/// serves the many small allocations of page rendering without glibc's arena locks.
pub use mimalloc::MiMalloc as Allocator;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use leptos::config::LeptosOptions;
use migration::{Migrator, MigratorTrait};
use roundtable_app::domain;
use roundtable_app::domain::AppState;
use roundtable_app::domain::Settings;
use roundtable_app::domain::identity::sessions::DbSessionStore;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use url::Url;

use crate::config::Config;

/// Why the server could not start; each is one clear line.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A setting is wrong.
    #[error("configuration error: {0}")]
    Config(#[from] config::ConfigError),
    /// The database cannot be reached or created.
    #[error("database error: {0}")]
    Database(#[from] domain::platform::db::ConnectError),
    /// Migrations failed.
    #[error("database migration failed: {0}")]
    Migrate(sea_orm::DbErr),
    /// A data change that needs the deployment key failed.
    #[error("upgrading stored data with the deployment key failed")]
    Upgrade,
    /// Seeding the demo data failed.
    #[error("seeding the demo data failed")]
    Seed,
    /// An operator command failed.
    #[error("{0}")]
    Operator(String),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A built server, bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    router: Router,
    local_addr: SocketAddr,
    base_url: Url,
    demo: bool,
    db: DatabaseConnection,
    state: AppState,
    transport: mailer::Transport,
    mail_from: lettre::message::Mailbox,
    background_jobs: bool,
}

/// Sees every SQL statement the server runs (for measuring queries per page).
pub type QueryObserver = Arc<dyn Fn(&sea_orm::metric::Info<'_>) + Send + Sync>;

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish()
    }
}

/// Opens the database and applies migrations if configured to.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartError> {
    let db = domain::platform::db::connect(&config.database_url).await?;
    if config.auto_migrate {
        Migrator::up(&db, None).await.map_err(StartError::Migrate)?;
    }
    Ok(db)
}

impl Server {
    /// Checks the configuration, opens and migrates the database, seeds demo data on an
    /// empty database in demo mode, and binds the listening socket.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::build_observed(config, None).await
    }

    /// Like [`Server::build`], with `observer` told of every SQL statement.
    pub async fn build_observed(
        config: Config,
        observer: Option<QueryObserver>,
    ) -> Result<Self, StartError> {
        let keys = config.load_keys()?;
        let transport = mailer::Transport::new(&config.mail)?;
        let mail_from = mail_from(&config)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        let mut db = open_database(&config).await?;
        if let Some(observer) = observer {
            db.set_metric_callback(move |info| observer(info));
        }

        // The demo sign-in page hands out sessions without a password, so it must never be
        // reachable from another machine.
        let demo = config.demo && local_addr.ip().is_loopback();
        if config.demo && !demo {
            tracing::warn!("demo mode refused: the server is not bound to a loopback address");
        }
        let base_url = match &config.base_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{local_addr}")).map_err(|_| {
                StartError::Config(config::ConfigError {
                    setting: "ROUNDTABLE_BASE_URL",
                    message: "cannot be derived from the listen address".into(),
                })
            })?,
        };
        let state = app_state(&config, db.clone(), &keys, demo, &base_url);
        // Data changes that need the deployment key (pseudonyms kept by person id move to
        // keyed tags, outbox keys kept in clear are hashed); nothing to do once done.
        domain::consultations::authorship::upgrade(&state.db, &state.keyring)
            .await
            .map_err(|_| StartError::Upgrade)?;
        domain::platform::mail::hash_plain_keys(&state.db, &state.keyring)
            .await
            .map_err(|_| StartError::Upgrade)?;
        if demo {
            domain::demo::seed_if_empty(&state)
                .await
                .map_err(|_| StartError::Seed)?;
        }
        let leptos_options = LeptosOptions::builder()
            .output_name("roundtable")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(local_addr)
            .build();
        let oidc = config.oidc.clone().map(|o| oidc::Oidc::new(o, &base_url));
        let router = routes::router(state.clone(), leptos_options, &base_url, oidc);
        Ok(Self {
            listener,
            router,
            local_addr,
            base_url,
            demo,
            db,
            state,
            transport,
            mail_from,
            background_jobs: config.background_jobs,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The public base URL.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Whether demo mode is active (requested and on loopback).
    pub fn demo(&self) -> bool {
        self.demo
    }

    /// The database connection (tests use it to arrange data).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The shared state (tests use it to arrange data through the domain).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let jobs = self.background_jobs.then(|| {
            [
                tokio::spawn(sweep(
                    DbSessionStore::new(self.db.clone()),
                    self.state.limits.clone(),
                )),
                tokio::spawn(phase_job(self.state.clone())),
                tokio::spawn(mailer::run(
                    self.state.clone(),
                    self.transport.clone(),
                    self.mail_from.clone(),
                )),
            ]
        });
        let result = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        for job in jobs.into_iter().flatten() {
            job.abort();
        }
        result
    }
}

/// Deletes expired sessions and forgets recovered rate-limit counters every few minutes
/// (each process may do it; it is idempotent).
async fn sweep(store: DbSessionStore, limits: Arc<domain::platform::limits::Limits>) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
        limits.shrink();
    }
}

/// Opens and closes consultations by time and queues "closing soon" reminders, every 30
/// seconds (each process may run it: every move is a conditional update).
async fn phase_job(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(30));
    loop {
        tick.tick().await;
        if let Err(err) = domain::consultations::phases::tick(&state, chrono::Utc::now()).await {
            tracing::warn!(error = %err, "the phase job failed; it runs again shortly");
        }
    }
}

/// The shared state from the configuration (also used by operator commands).
pub fn app_state(
    config: &Config,
    db: DatabaseConnection,
    keys: &[config::SecretKey],
    demo: bool,
    base_url: &Url,
) -> AppState {
    let raw: Vec<[u8; 32]> = keys.iter().map(|k| k.0).collect();
    AppState {
        db,
        settings: Arc::new(Settings {
            demo,
            exit_url: config.exit_url.to_string(),
            base_url: base_url.as_str().trim_end_matches('/').to_owned(),
            sender_name: config.sender_name(),
            oidc_label: config.oidc.as_ref().map(|o| o.label.clone()),
            trusted_proxies: config.trusted_proxies.clone(),
        }),
        keyring: Arc::new(domain::platform::crypto::Keyring::new(&raw)),
        limits: Arc::new(domain::platform::limits::Limits::default()),
        mail_wakeup: Arc::new(tokio::sync::Notify::new()),
        chapters: domain::consultations::chapter_cache::ChapterCache::default(),
        aggregates: domain::consultations::aggregates::Aggregates::default(),
        rendered: domain::consultations::chapter_cache::RenderedCache::default(),
        pages: domain::consultations::chapter_cache::KeptPages::default(),
        posting: Arc::new(domain::consultations::fair_use::PostingLimits::default()),
    }
}

fn mail_from(config: &Config) -> Result<lettre::message::Mailbox, StartError> {
    config.mail_from.parse().map_err(|_| {
        StartError::Config(config::ConfigError {
            setting: "ROUNDTABLE_MAIL_FROM",
            message: "is not an address like `Roundtable <no-reply@example.org>`".into(),
        })
    })
}

/// Resolves on Ctrl-C or SIGTERM. The SIGTERM handler is installed when this is called (not
/// when first polled), so a signal that arrives right after start-up is not missed.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async move {
            match terminate {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = terminate => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}
