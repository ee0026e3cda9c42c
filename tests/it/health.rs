//! `/healthz` and `/readyz`.

use crate::helpers::{TestApp, db_tests};

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
