//! `/healthz` and `/readyz`.

use crate::harness::{TestApp, db_tests};

db_tests! {
    async fn healthz_answers_ok(db) {
        let app = TestApp::builder(db).spawn().await;
        let res = app.get("/healthz").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.text().await.expect("body"), "ok");
    }

    async fn readyz_checks_the_database(db) {
        let app = TestApp::builder(db).spawn().await;
        assert_eq!(app.get("/readyz").await.status(), 200);
        app.db.clone().close().await.expect("close pool");
        assert_eq!(app.get("/readyz").await.status(), 503);
    }
}

/// SQLite settings are per connection: each connection of the pool must have them, not only
/// the one that happened to run a `PRAGMA`.
#[tokio::test]
async fn every_sqlite_connection_uses_wal_normal_sync_and_foreign_keys() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let app = TestApp::builder(crate::harness::Db::Sqlite).spawn().await;
    // Open transactions hold one connection each: three at once are three connections.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(app.db.begin().await.expect("begin"));
    }
    for txn in &held {
        for (pragma, wanted) in [
            ("journal_mode", "wal"),
            ("synchronous", "1"),
            ("foreign_keys", "1"),
        ] {
            let row = txn
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA {pragma}"),
                ))
                .await
                .expect("pragma")
                .expect("a row");
            let value = row
                .try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("value");
            assert_eq!(value.to_lowercase(), wanted, "PRAGMA {pragma}");
        }
    }
}

/// PostgreSQL drops every connection of the app (a restart, a failover, an administrator).
/// The pool checks a connection before handing it out only after half a minute idle (see
/// `platform::db::connect`), so a statement may meet a dead connection: it fails, the pool
/// closes that connection when it comes back and opens new ones, and the app answers again
/// after at most one failed statement per connection it held. Bounded: 40 requests at most.
#[tokio::test]
async fn the_app_answers_again_after_postgres_drops_its_connections() {
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
    if !crate::harness::postgres_available().await {
        return;
    }
    let app = TestApp::builder(crate::harness::Db::Postgres).spawn().await;
    // Several requests at once, so the pool holds more than one connection.
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (client, url) = (app.client.clone(), app.url("/readyz"));
        warm.spawn(async move { client.get(url).send().await.map(|r| r.status().as_u16()) });
    }
    while let Some(done) = warm.join_next().await {
        assert_eq!(done.expect("task").expect("GET"), 200, "ready before");
    }
    let name = app
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_database() AS name",
        ))
        .await
        .expect("name")
        .expect("a row")
        .try_get::<String>("", "name")
        .expect("name");
    let admin = Database::connect(crate::harness::postgres_admin_url())
        .await
        .expect("admin");
    let dropped = admin
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            [name.into()],
        ))
        .await
        .expect("terminate");
    admin.close().await.expect("close admin");
    assert!(!dropped.is_empty(), "the app's connections were dropped");
    let (mut failed, mut ready_in_a_row) = (0, 0);
    for _ in 0..40 {
        let status = app.get("/readyz").await.status();
        if status == 200 {
            ready_in_a_row += 1;
            if ready_in_a_row == 5 {
                break;
            }
        } else {
            assert_eq!(status, 503, "a failed check says not ready");
            failed += 1;
            ready_in_a_row = 0;
        }
    }
    assert_eq!(
        ready_in_a_row, 5,
        "ready again ({failed} checks failed on dropped connections)"
    );
    assert!(
        failed <= dropped.len(),
        "at most one failure per dropped connection: {failed} of {}",
        dropped.len()
    );
    // Pages, too, read the database again.
    let (status, _) = app.page("/").await;
    assert_eq!(status, 200);
}
