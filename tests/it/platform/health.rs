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
