//! The demo sign-in page: present only in demo mode on loopback.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{TestApp, db_tests, html, texts};

db_tests! {
    async fn the_demo_shows_the_product_at_work(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        app.sign_in_as("member").await;
        let (_, home) = app.page("/").await;
        let sel = scraper::Selector::parse(".card__title a").expect("selector");
        let href = html(&home).select(&sel).next().expect("the sample consultation").value().attr("href").expect("href").to_owned();
        let id = href.trim_start_matches("/consultations/").to_owned();
        let mut comments: Vec<Value> = Vec::new();
        for chapter in ["ch-1", "ch-2", "ch-3"] {
            let res = app.call("/fn/consultations/chapter", &[("id", id.as_str()), ("anchor", chapter)]).await;
            assert_eq!(res.status(), 200, "{chapter}");
            let view: Value = res.json().await.expect("json");
            assert_eq!(view["version"], 2, "the second version is the one read");
            comments.extend(view["comments"].as_array().expect("comments").iter().cloned());
        }
        let kinds: BTreeSet<&str> = comments.iter().filter_map(|c| c["kind"].as_str()).collect();
        assert_eq!(kinds, BTreeSet::from(["comment", "concern", "question", "wording"]), "every kind");
        let shown: BTreeSet<&str> = comments.iter().filter_map(|c| c["author"]["as"].as_str()).collect();
        assert_eq!(shown, BTreeSet::from(["anonymous", "named", "pseudonym"]), "every attribution");
        assert!(comments.iter().any(|c| !c["parent"].is_null()), "a reply");
        assert!(comments.iter().any(|c| !c["response"].is_null()), "answered comments");
        assert!(comments.iter().any(|c| c["response"].is_null()), "comments still waiting for an answer");
        // Anonymous means anonymous, in the demo too.
        for c in comments.iter().filter(|c| c["author"]["as"] == "anonymous") {
            assert!(!c.to_string().contains("Lior") && !c.to_string().contains("Amina"), "{c}");
        }
        // The second version's diff links the reworded paragraph to the comment behind it.
        let res = app.call("/fn/consultations/diff", &[("id", id.as_str()), ("from", "1"), ("to", "2")]).await;
        assert_eq!(res.status(), 200);
        let diff: Value = res.json().await.expect("json");
        let changed: Vec<&Value> = diff["sections"].as_array().expect("sections").iter().filter(|s| s["change"] == "changed").collect();
        assert_eq!(changed.len(), 1, "one paragraph reworded: {diff}");
        assert_eq!(changed[0]["anchor"], "ch-2-art-3-p-2");
        assert_eq!(changed[0]["comments"].as_array().expect("linked").len(), 1, "linked to its comment");
    }

    async fn demo_page_lists_one_person_per_role(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let (status, body) = app.page("/demo").await;
        assert_eq!(status, 200);
        assert_eq!(texts(&body, "h1"), vec!["Demo sign-in"]);
        let people = texts(&body, ".card strong");
        // By role; the second member writes replies in the sample consultation.
        assert_eq!(people, vec!["Amina", "Lior", "Sam", "Farah", "Noor", "Jules"]);
        // Each person has a real form that works without JavaScript.
        assert_eq!(body.matches("action=\"/fn/demo/sign-in?return_to=/demo\"").count(), 6);
    }

    async fn demo_page_does_not_exist_without_demo_mode(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let (status, _) = app.page("/demo").await;
        assert_eq!(status, 404);
        let res = app.call("/fn/demo/people", &[]).await;
        assert_eq!(res.status(), 404);
        let res = app.call("/fn/demo/sign-in", &[("person", &uuid::Uuid::new_v4().to_string())]).await;
        assert_eq!(res.status(), 404);
    }

    async fn demo_page_does_not_exist_off_loopback(db) {
        let app = TestApp::builder(db).demo().listen("0.0.0.0:0").spawn().await;
        let (status, _) = app.page("/demo").await;
        assert_eq!(status, 404);
        let (_, home) = app.page("/").await;
        assert!(!home.contains("href=\"/demo\""), "no demo link off loopback");
    }

    async fn demo_sign_in_and_sign_out(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let (_, before) = app.page("/").await;
        assert_eq!(texts(&before, ".viewer"), Vec::<String>::new());
        assert!(before.contains("href=\"/demo\""));

        app.sign_in_as("member").await;
        let (_, body) = app.page("/").await;
        assert_eq!(texts(&body, ".viewer"), vec!["Signed in as Amina"]);

        let res = app.post_form("/fn/session/sign-out?return_to=/", &[]).await;
        assert_eq!(res.status(), 302);
        let (_, after) = app.page("/").await;
        assert_eq!(texts(&after, ".viewer"), Vec::<String>::new());
    }

    async fn demo_sign_in_refuses_people_who_are_not_demo_people(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let res = app.call("/fn/demo/sign-in", &[("person", &uuid::Uuid::new_v4().to_string())]).await;
        assert_eq!(res.status(), 404);
        let res = app.call("/fn/demo/sign-in", &[("person", "not-a-uuid")]).await;
        assert_eq!(res.status(), 400);
        // Without JavaScript the error comes back to the demo page and is shown there.
        let res = app.post_form("/fn/demo/sign-in?return_to=/demo", &[("person", &uuid::Uuid::new_v4().to_string())]).await;
        assert_eq!(res.status(), 302);
        let location = res.headers()["location"].to_str().expect("ascii").to_owned();
        let (status, body) = app.page(&location).await;
        assert_eq!(status, 200);
        assert_eq!(texts(&body, "p.error"), vec!["We could not find this page. It may have moved, or you may not have access."]);
    }
}
