//! Connecting to the database and bringing its schema up to date.

use std::path::Path;
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The directory for the SQLite file could not be created.
    #[error("cannot create the directory for the SQLite database ({0})")]
    Directory(std::io::Error),
    /// The database refused the connection or does not exist.
    #[error("cannot connect to the database: {0}")]
    Connect(DbErr),
}

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
///
/// For SQLite the file and its directory are created on first start; every connection uses
/// WAL (readers never wait for the writer), `synchronous = NORMAL` (safe with WAL), foreign
/// keys and a 5-second busy timeout.
pub async fn connect(url: &str) -> Result<DatabaseConnection, ConnectError> {
    let is_sqlite = url.starts_with("sqlite:");
    if is_sqlite
        && let Some(dir) = sqlite_path(url).and_then(|p| p.parent().map(Path::to_path_buf))
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(&dir).map_err(ConnectError::Directory)?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        // A connection is checked (pinged) before it is handed out only once it has been idle
        // for half a minute. The default pings on every checkout, so each statement made three
        // round trips to PostgreSQL (SQLx also pings when a connection comes back) and three
        // hand-offs to SQLite's worker thread; now two (issue 18, measured in
        // tests/benches/RESULTS-scale.md). A connection the server dropped fails one
        // statement and is closed when it comes back (tests/it/platform/health.rs).
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    if is_sqlite {
        use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
        // Per connection, so every connection of the pool gets them (a PRAGMA sent through
        // the pool reaches only the one connection that ran it). Four connections: readers
        // never wait for the writer (WAL), and each connection holds its own page cache and
        // working memory in the C allocator, which keeps what it once held: with eight, the
        // chapter's first readers and the exports took the server over 150 MB (issue 18,
        // tests/benches/RESULTS-scale.md).
        options
            .max_connections(4)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
    } else {
        options.max_connections(20).min_connections(1);
    }
    let db = Database::connect(options)
        .await
        .map_err(ConnectError::Connect)?;
    if is_sqlite && !sqlite_plans_are_stable(&db).await.unwrap_or(false) {
        // Works, but re-prepares statements with a bound LIMIT on every run.
        tracing::warn!("SQLite built without ENABLE_QPSG (see .cargo/config.toml): slower reads");
    }
    Ok(db)
}

/// Whether the bundled SQLite keeps its query plans whatever values are bound
/// (`SQLITE_ENABLE_QPSG`, set in `.cargo/config.toml`).
pub async fn sqlite_plans_are_stable(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA compile_options",
        ))
        .await?;
    Ok(rows.iter().any(|row| {
        row.try_get_by_index::<String>(0)
            .is_ok_and(|o| o == "ENABLE_QPSG")
    }))
}

/// Whether the database answers a trivial query (for `/readyz`).
pub async fn is_ready(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// The file path inside a `sqlite://path?options` URL, if it names a file.
fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// A new row id: random (UUID v4), so an id says nothing about when its row was made. Ids
/// reach pages, links and exports; a time-ordered id (v7) would date an anonymous comment to
/// the millisecond, next to its author's named one. Every id the platform makes comes from
/// here (`tests/it/platform/layout.rs` checks).
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

/// What a domain function that writes takes: the pool, or a caller's transaction. Given a
/// transaction, the function's own [`begin_write`] nests in it (a savepoint), so a capability
/// composes several steps into one transaction. Functions that only read take
/// `&impl ConnectionTrait`.
pub trait Connection:
    sea_orm::ConnectionTrait + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>
{
}

impl<T> Connection for T where
    T: sea_orm::ConnectionTrait
        + sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>
{
}

/// Starts a transaction that will write. On SQLite it begins `IMMEDIATE`, taking the write
/// lock at once: a deferred transaction that reads first and writes later fails with "database
/// is locked" when another connection wrote in between (WAL), instead of waiting its turn.
/// PostgreSQL ignores the mode. Given a transaction, it nests one (a savepoint; the mode
/// applies to the outermost `BEGIN` only), so a step can run inside a caller's transaction.
pub async fn begin_write(db: &impl Connection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            sqlite_path("sqlite://data/roundtable.db?mode=rwc"),
            Some(Path::new("data/roundtable.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }

    #[tokio::test]
    async fn sqlite_keeps_its_plans_whatever_is_bound() {
        let db = connect("sqlite::memory:").await.expect("opens");
        assert!(
            sqlite_plans_are_stable(&db).await.expect("reads"),
            "SQLite must be built with ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml)"
        );
    }
}
