//! The domain layer: every rule of the product lives here, and only here.
//!
//! Server functions, routes and background jobs build an [`Actor`] and call these functions;
//! the functions decide what the actor may do. Server-only (`ssr` feature).
//!
//! One folder per capability, each with a `mod.rs` that says what it owns and is its public
//! face. Dependencies run one way:
//!
//! ```text
//! platform  <-  identity  <-  { consultations, honoraria  <-  mentorship }  <-  accountability  <-  demo
//! ```
//!
//! Sibling capabilities pass typed ids (`crate::model::ids`) and otherwise never import each
//! other, with one exception: mentorship uses honoraria's public face (the rate card's priced
//! activities, and `claims::log_linked` to turn a mentor's session into a time entry).
//! This file holds only what the server assembles from all of them: [`Settings`] and
//! [`AppState`]. (`tests/it/layout.rs` checks the direction.)

pub mod consultations;
pub mod demo;
pub mod honoraria;
pub mod identity;
pub mod mentorship;
pub mod platform;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use identity::actor::{Actor, SessionAuth};

/// Settings the domain needs at run time (derived from the server's configuration).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Whether the demo sign-in page exists: only with `--demo` on a loopback address.
    pub demo: bool,
    /// Where quick exit sends people.
    pub exit_url: String,
    /// The public base URL, without a trailing slash (links in mails start with it).
    pub base_url: String,
    /// The deployment's neutral name, used as the mail sender's name and in mails.
    pub sender_name: String,
    /// The label of the OpenID Connect sign-in button, when a provider is configured.
    pub oidc_label: Option<String>,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: platform::client::TrustedProxies,
}

/// Shared state: the database and the settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database (SQLite or PostgreSQL).
    pub db: DatabaseConnection,
    /// Run-time settings.
    pub settings: Arc<Settings>,
    /// Field-encryption keys.
    pub keyring: Arc<platform::crypto::Keyring>,
    /// Rate limits of this process.
    pub limits: Arc<platform::limits::Limits>,
    /// Wakes the mail worker when a mail is queued.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// Readers' chapter views of this process.
    pub chapters: consultations::chapter_cache::ChapterCache,
    /// Readers' rendered chapters of this process.
    pub rendered: consultations::chapter_cache::RenderedCache,
    /// Readers' whole chapter pages of this process.
    pub pages: consultations::chapter_cache::KeptPages,
    /// Counts and orderings over whole consultations, kept by this process.
    pub aggregates: consultations::aggregates::Aggregates,
    /// The posting limits' counters of this process.
    pub posting: Arc<consultations::fair_use::PostingLimits>,
}

impl From<sea_orm::DbErr> for crate::model::AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        // The detail goes to the log only; it names tables and columns, never values.
        tracing::error!(error = %err, "database error");
        Self::Internal
    }
}
