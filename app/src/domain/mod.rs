//! The domain layer: every rule of the product lives here, and only here.
//!
//! Server functions, routes and background jobs build an [`Actor`] and call these functions;
//! the functions decide what the actor may do. Server-only (`ssr` feature).

pub mod actor;
pub mod audit;
pub mod auth;
pub mod chapter_cache;
pub mod comments;
pub mod consultations;
pub mod councils;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod drafts;
pub mod entities;
pub mod import;
pub mod invitations;
pub mod limits;
pub mod mail;
pub mod members;
pub mod notify;
pub mod outcome;
pub mod people;
pub mod phases;
pub mod responses;
pub mod second_factor;
pub mod session_store;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use actor::{Actor, SessionAuth};

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
}

/// Shared state: the database and the settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database (SQLite or PostgreSQL).
    pub db: DatabaseConnection,
    /// Run-time settings.
    pub settings: Arc<Settings>,
    /// Field-encryption keys.
    pub keyring: Arc<crypto::Keyring>,
    /// Rate limits of this process.
    pub limits: Arc<limits::Limits>,
    /// Wakes the mail worker when a mail is queued.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// Readers' chapter views of this process.
    pub chapters: chapter_cache::ChapterCache,
    /// Readers' rendered chapters of this process.
    pub rendered: chapter_cache::RenderedCache,
}

impl From<sea_orm::DbErr> for crate::model::AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        // The detail goes to the log only; it names tables and columns, never values.
        tracing::error!(error = %err, "database error");
        Self::Internal
    }
}
