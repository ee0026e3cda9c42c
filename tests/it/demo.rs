//! The demo sign-in page: present only in demo mode on loopback.

use crate::helpers::{TestApp, db_tests, texts};

db_tests! {
    async fn demo_page_lists_one_person_per_role(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let (status, body) = app.page("/demo").await;
        assert_eq!(status, 200);
        assert_eq!(texts(&body, "h1"), vec!["Demo sign-in"]);
        let people = texts(&body, ".card strong");
        assert_eq!(people, vec!["Amina", "Sam", "Farah", "Noor", "Jules"]);
        // Each person has a real form that works without JavaScript.
        assert_eq!(body.matches("action=\"/fn/demo/sign-in?return_to=/demo\"").count(), 5);
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
