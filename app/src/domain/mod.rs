//! The domain layer: every rule of the product lives here, and only here.
//!
//! Server functions, routes and background jobs build an [`Actor`] and call these functions;
//! the functions decide what the actor may do. Server-only (`ssr` feature).

pub mod actor;
pub mod consultations;
pub mod councils;
pub mod db;
pub mod demo;
pub mod entities;
pub mod people;
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
}

/// Shared state: the database and the settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database (SQLite or PostgreSQL).
    pub db: DatabaseConnection,
    /// Run-time settings.
    pub settings: Arc<Settings>,
}

impl From<sea_orm::DbErr> for crate::model::AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        // The detail goes to the log only; it names tables and columns, never values.
        tracing::error!(error = %err, "database error");
        Self::Internal
    }
}
