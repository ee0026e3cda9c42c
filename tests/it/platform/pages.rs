//! Server-rendered pages: home, 404, language switching — all without JavaScript.

use crate::harness::{TestApp, db_tests, html, texts};

db_tests! {
    async fn home_lists_the_councils_consultations_on_the_server(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        // Drafts are for the council's people: an anonymous visitor sees none.
        let (status, body) = app.page("/").await;
        assert_eq!(status, 200);
        assert!(texts(&body, ".card__title").is_empty());
        app.sign_in_as("member").await;
        let (status, body) = app.page("/").await;
        assert_eq!(status, 200);
        assert_eq!(texts(&body, "h1"), vec!["Consultations"]);
        assert_eq!(texts(&body, ".card__title"), vec!["Draft Act on Support Services (sample)"]);
        assert_eq!(texts(&body, ".council-name"), vec!["Demo Advisory Council"]);
        // Layout landmarks and the safety links are in the HTML itself.
        let doc = html(&body);
        for selector in ["main#main", "header", "footer", "a.skip-link[href='#main']", "a.quick-exit[href='/exit']"] {
            let sel = scraper::Selector::parse(selector).expect("selector");
            assert_eq!(doc.select(&sel).count(), 1, "{selector}");
        }
        assert!(body.contains("<html lang=\"en\""), "html lang set");
        assert!(body.contains("/pkg/roundtable.js"), "hydration script referenced");
        // The tab title names the page type, never the topic.
        assert_eq!(texts(&body, "title"), vec!["Consultations – Roundtable"]);
    }

    async fn signed_out_pages_name_no_council_and_invite_to_sign_in(db) {
        // Whoever opens the site may be anyone: before sign-in no page says whose it is.
        let app = TestApp::builder(db).seeded().spawn().await;
        use sea_orm::EntityTrait;
        let council_name: String = roundtable_app::domain::identity::entities::council::Entity::find()
            .one(&app.db).await.expect("query").expect("the demo council").name;
        for path in ["/", "/sign-in", "/no/such/page"] {
            let (_, body) = app.page(path).await;
            assert!(!body.contains(&council_name), "{path} names the council");
            assert!(!body.contains("There are no consultations yet"), "{path}");
        }
        let (status, body) = app.page("/").await;
        assert_eq!(status, 200);
        assert!(body.contains("Sign in to read and comment"), "{body}");
        assert!(body.contains("href=\"/sign-in\""));
        // The same on a database without any council.
        let empty = TestApp::builder(db).spawn().await;
        let (status, body) = empty.page("/").await;
        assert_eq!(status, 200);
        assert!(body.contains("Sign in to read and comment"), "{body}");
    }

    async fn unknown_path_is_a_404_page(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let (status, body) = app.page("/no/such/page").await;
        assert_eq!(status, 404);
        assert_eq!(texts(&body, "h1"), vec!["Page not found"]);
        assert_eq!(texts(&body, "title"), vec!["Page not found – Roundtable"]);
        // The 404 page keeps the layout, quick exit included.
        assert_eq!(texts(&body, "a.quick-exit").len(), 1);
    }

    async fn consultation_page_shows_the_draft(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        app.sign_in_as("member").await;
        let (_, home) = app.page("/").await;
        let doc = html(&home);
        let sel = scraper::Selector::parse(".card__title a").expect("selector");
        let href = doc.select(&sel).next().expect("a link").value().attr("href").expect("href").to_owned();
        let (status, body) = app.page(&href).await;
        assert_eq!(status, 200);
        assert_eq!(texts(&body, "h1"), vec!["Draft Act on Support Services (sample)"]);
        let headings = texts(&body, ".draft h2");
        assert_eq!(headings, vec!["Chapter 1 – General provisions", "Chapter 2 – Support", "Chapter 3 – Advice and review"]);
        assert!(texts(&body, ".draft h3").contains(&"Article 2 – Definitions".to_owned()));
        // Lettered points keep their anchors.
        assert_eq!(texts(&body, "#ch-1-art-2-p-1-b").len(), 1);
        // The content note hides its text behind a closed disclosure.
        let notes = texts(&body, "details.content-note summary");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("Describes coercion and threats."));
        assert!(!body.contains("<details class=\"content-note\" open"));
    }

    async fn unknown_or_malformed_consultation_is_404(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let (status, body) = app.page(&format!("/consultations/{}", uuid::Uuid::new_v4())).await;
        assert_eq!(status, 404);
        assert_eq!(texts(&body, "[data-error-code]"), vec!["We could not find this page. It may have moved, or you may not have access."]);
        let (status, _) = app.page("/consultations/not-a-uuid").await;
        assert_eq!(status, 404);
    }

    async fn language_switch_works_without_javascript(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let res = app.post_form("/fn/preferences/language?return_to=/", &[("lang", "fr")]).await;
        assert_eq!(res.status(), 302);
        // leptos strips a previous error from the URL and may leave a bare `?`.
        let location = res.headers()["location"].to_str().expect("ascii").trim_end_matches('?').to_owned();
        assert_eq!(location, app.url("/").as_str());
        let cookie = res.headers()["set-cookie"].to_str().expect("ascii");
        assert!(cookie.starts_with("i18n_pref_locale=fr;"), "{cookie}");
        let (status, body) = app.page("/").await;
        assert_eq!(status, 200);
        assert!(body.contains("<html lang=\"fr\""), "french html lang");
        assert_eq!(texts(&body, ".lead"), vec!["Connectez-vous pour lire et commenter les consultations de votre conseil."]);
        assert_eq!(texts(&body, "a.quick-exit"), vec!["Sortie rapide"]);
    }

    async fn unknown_language_is_refused_clearly(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        // Without JavaScript: back to the page, with the error code for it to show.
        let res = app.post_form("/fn/preferences/language?return_to=/", &[("lang", "xx")]).await;
        assert_eq!(res.status(), 302);
        let location = res.headers()["location"].to_str().expect("ascii").to_owned();
        assert!(location.starts_with(app.url("/").as_str()) && location.contains("__err="), "{location}");
        // As the hydrated app calls it: a 400 with the stable code.
        let res = app.call("/fn/preferences/language", &[("lang", "xx")]).await;
        assert_eq!(res.status(), 400);
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["code"], "invalid_input");
        assert_eq!(body["field"], "lang");
        // Missing argument: a 400 too, never a 500.
        let res = app.call("/fn/preferences/language", &[]).await;
        assert_eq!(res.status(), 400);
    }

    async fn accept_language_picks_french(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let res = app.client.get(app.url("/")).header("accept-language", "fr-FR,fr;q=0.9").send().await.expect("GET");
        let body = res.text().await.expect("body");
        assert!(body.contains("<html lang=\"fr\""));
    }
}
