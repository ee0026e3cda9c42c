//! Consultation server functions: visibility rules and council isolation.

use chrono::Utc;
use roundtable_app::domain::entities::{consultation, council};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use crate::helpers::{TestApp, db_tests};

async fn add_council(app: &TestApp, slug: &str) -> Uuid {
    let id = Uuid::new_v4();
    council::ActiveModel {
        id: Set(id),
        slug: Set(slug.to_owned()),
        name: Set(format!("Council {slug}")),
        country: Set("YY".into()),
        default_language: Set("en".into()),
        time_zone: Set("UTC".into()),
        currency: Set("EUR".into()),
        // Later than the demo council, so it is never the default one.
        created_at: Set(Utc::now() + chrono::Duration::days(1)),
        languages: Set("en".into()),
        settings: Set("{}".into()),
    }
    .insert(&app.db)
    .await
    .expect("council");
    id
}

async fn add_consultation(app: &TestApp, council: Uuid, phase: &str, visibility: &str) -> Uuid {
    let id = Uuid::new_v4();
    consultation::ActiveModel {
        id: Set(id),
        council_id: Set(council),
        title: Set(format!("Canary {phase} {visibility}")),
        summary: Set("s".into()),
        phase: Set(phase.into()),
        visibility: Set(visibility.into()),
        opens_at: Set(None),
        closes_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(&app.db)
    .await
    .expect("consultation");
    id
}

async fn titles(app: &TestApp) -> Vec<String> {
    let res = app.call("/fn/consultations/list", &[]).await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    body["consultations"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["title"].as_str().expect("title").to_owned())
        .collect()
}

db_tests! {
    async fn anonymous_visitors_see_public_consultations_only(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let demo = roundtable_app::domain::councils::current(&app.db, &roundtable_app::domain::Actor::Anonymous)
            .await.expect("query").expect("demo council").id;
        let council_only = add_consultation(&app, demo, "open", "council").await;
        add_consultation(&app, demo, "draft", "public").await;
        assert_eq!(titles(&app).await, vec!["Draft Act on Support Services (sample)"]);
        let res = app.call("/fn/consultations/get", &[("id", &council_only.to_string())]).await;
        assert_eq!(res.status(), 404);
    }

    async fn members_see_council_consultations_but_not_drafts(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let demo = roundtable_app::domain::councils::current(&app.db, &roundtable_app::domain::Actor::Anonymous)
            .await.expect("query").expect("demo council").id;
        add_consultation(&app, demo, "open", "council").await;
        add_consultation(&app, demo, "draft", "council").await;
        app.sign_in_as("member").await;
        let mut seen = titles(&app).await;
        seen.sort();
        assert_eq!(seen, vec!["Canary open council", "Draft Act on Support Services (sample)"]);
    }

    async fn secretariat_sees_drafts(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let demo = roundtable_app::domain::councils::current(&app.db, &roundtable_app::domain::Actor::Anonymous)
            .await.expect("query").expect("demo council").id;
        let draft = add_consultation(&app, demo, "draft", "council").await;
        app.sign_in_as("secretariat").await;
        assert!(titles(&app).await.contains(&"Canary draft council".to_owned()));
        let res = app.call("/fn/consultations/get", &[("id", &draft.to_string())]).await;
        assert_eq!(res.status(), 200);
    }

    async fn another_councils_consultation_is_never_visible(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let other = add_council(&app, "other").await;
        let public = add_consultation(&app, other, "open", "public").await;
        let private = add_consultation(&app, other, "open", "council").await;
        for role in ["member", "secretariat", "finance", "council_admin", "auditor"] {
            app.sign_in_as(role).await;
            assert!(!titles(&app).await.iter().any(|t| t.starts_with("Canary")), "{role} sees no other council");
            for id in [public, private] {
                let res = app.call("/fn/consultations/get", &[("id", &id.to_string())]).await;
                assert_eq!(res.status(), 404, "{role} cannot open another council's consultation");
                let (status, body) = app.page(&format!("/consultations/{id}")).await;
                assert_eq!(status, 404);
                assert!(!body.contains("Canary"));
            }
        }
    }

    async fn malformed_ids_are_client_errors(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let res = app.call("/fn/consultations/get", &[("id", "'; DROP TABLE consultation; --")]).await;
        assert_eq!(res.status(), 400);
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["code"], "transport");
        assert_eq!(app.call("/fn/consultations/get", &[]).await.status(), 400);
    }
}
