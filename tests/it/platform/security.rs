//! Request safety: Origin checks, response headers, sessions, quick exit, redirects.

use crate::harness::{TestApp, db_tests};

db_tests! {
    async fn every_server_function_refuses_a_cross_origin_post_with_a_valid_session(db) {
        use roundtable_app::model::viewer::Role;
        let app = TestApp::builder(db).spawn().await;
        let council = crate::fixtures::create_council(&app, "at").await;
        let person = crate::fixtures::create_person(&app, council, "Admin", "admin@example.org", &[Role::CouncilAdmin, Role::Secretariat]).await;
        let signed_in = crate::harness::signed_in_client(&app, person, council, true).await;
        let paths: Vec<&str> = server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
        assert!(paths.len() >= 20, "all server functions are registered: {paths:?}");
        for path in paths {
            for evil in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
                let res = signed_in.post(app.url(path))
                    .header(evil.0, evil.1)
                    .header("accept", "application/json")
                    .form(&[("x", "y")])
                    .send().await.expect("POST");
                assert_eq!(res.status(), 403, "{path} with {evil:?}");
            }
        }
        // The session still works from the site itself.
        let res = signed_in.post(app.url("/fn/session/context")).header("accept", "application/json").send().await.expect("POST");
        assert_eq!(res.status(), 200);
    }

    async fn https_deployments_get_hsts_and_host_only_cookies(db) {
        let app = TestApp::builder(db).seeded().setting("ROUNDTABLE_BASE_URL", "https://roundtable.example").spawn().await;
        let res = app.get("/exit").await;
        assert_eq!(res.headers()["strict-transport-security"], "max-age=63072000; includeSubDomains");
        // A POST from the plain-HTTP origin is not same-origin with the HTTPS site.
        assert_eq!(app.call("/fn/session/context", &[]).await.status(), 403);
        let plain = TestApp::builder(db).seeded().spawn().await;
        assert!(plain.get("/").await.headers().get("strict-transport-security").is_none());
    }

    async fn pages_carry_the_security_headers(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let res = app.get("/").await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cache-control"], "no-store");
        let csp = h["content-security-policy"].to_str().expect("ascii").to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        // The inline hydration script runs only with this response's nonce.
        let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP").to_owned();
        let body = res.text().await.expect("body");
        assert!(body.contains(&format!("nonce=\"{nonce}\"")), "hydration script carries the nonce");
        // A second response gets a different nonce.
        let again = app.get("/").await.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
        assert_ne!(again, csp);
    }

    async fn server_function_answers_are_never_cached(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let res = app.call("/fn/consultations/list", &[]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert!(res.headers()["content-security-policy"].to_str().expect("ascii").contains("default-src 'none'"));
    }

    async fn cross_origin_posts_are_refused(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        app.sign_in_as("member").await;
        let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        let url = app.url("/fn/preferences/language");
        // Another site's origin, with the victim's session cookie or not: 403.
        for (header, value) in [
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
        ] {
            let res = app.client.post(url.clone()).header(header, value).form(&[("lang", "fr")]).send().await.expect("POST");
            assert_eq!(res.status(), 403, "{header}: {value}");
        }
        // No Origin and no Sec-Fetch-Site at all: refused as well.
        let res = plain.post(url.clone()).form(&[("lang", "fr")]).send().await.expect("POST");
        assert_eq!(res.status(), 403);
        // Same origin: allowed.
        let res = app.call("/fn/preferences/language", &[("lang", "fr")]).await;
        assert_eq!(res.status(), 200);
        // GET stays open (it changes nothing).
        assert_eq!(plain.get(app.url("/")).send().await.expect("GET").status(), 200);
    }

    async fn session_cookie_is_http_only_lax_and_rotated_at_sign_in(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        // Give the visitor a session before signing in (choosing a person creates one).
        let people: serde_json::Value = app.call("/fn/demo/people", &[]).await.json().await.expect("json");
        let id = people[0]["id"].as_str().expect("id").to_owned();
        let res = app.post_form("/fn/demo/sign-in?return_to=/demo", &[("person", &id)]).await;
        let first = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
        assert!(first.starts_with("rt_session="), "{first}");
        assert!(first.contains("HttpOnly"), "{first}");
        assert!(first.contains("SameSite=Lax"), "{first}");
        assert!(first.contains("Path=/"), "{first}");
        let res = app.post_form("/fn/demo/sign-in?return_to=/demo", &[("person", &id)]).await;
        let second = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
        let value = |c: &str| c.split(';').next().unwrap_or_default().to_owned();
        assert_ne!(value(&first), value(&second), "a new session id at each sign-in");
    }

    async fn tampered_session_cookie_is_just_anonymous(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        let res = app.client.get(app.url("/")).header("cookie", "rt_session=%%%garbage").send().await.expect("GET");
        assert_eq!(res.status(), 200);
        let res = app.client.get(app.url("/")).header("cookie", "rt_session=AAAAAAAAAAAAAAAAAAAAAA").send().await.expect("GET");
        assert_eq!(res.status(), 200);
    }

    async fn quick_exit_ends_the_session_and_leaves(db) {
        let app = TestApp::builder(db).demo().setting("ROUNDTABLE_EXIT_URL", "https://weather.example/today").spawn().await;
        app.sign_in_as("member").await;
        let res = app.get("/exit").await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "https://weather.example/today");
        assert_eq!(res.headers()["clear-site-data"], "\"cache\", \"cookies\", \"storage\"");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let (_, body) = app.page("/").await;
        assert!(!body.contains("Signed in as"), "signed out after quick exit");
    }

    async fn return_to_cannot_redirect_off_site(db) {
        let app = TestApp::builder(db).seeded().spawn().await;
        for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example"] {
            let path = format!("/fn/preferences/language?return_to={}", urlencode(evil));
            let res = app.post_form(&path, &[("lang", "en")]).await;
            let location = res.headers().get("location").map(|l| l.to_str().expect("ascii").to_owned()).unwrap_or_default();
            assert!(!location.contains("evil.example"), "{evil} -> {location}");
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

db_tests! {
    async fn signed_out_posts_leave_bounded_state(db) {
        use roundtable_app::domain::identity::entities::session;
        use sea_orm::{EntityTrait, PaginatorTrait};
        let app = TestApp::builder(db).spawn().await;
        let file_size = || app.sqlite_file.as_ref().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0));
        let before = file_size();
        let huge = "x".repeat(1024 * 1024);
        let consultation = uuid::Uuid::new_v4().to_string();
        let slot = format!("section:{}", uuid::Uuid::new_v4());
        // Each request comes without a cookie: a new visitor every time.
        for (i, path) in ["/fn/comments/draft", "/fn/comments/post"].iter().cycle().take(40).enumerate() {
            let res = crate::harness::client(&app.base)
                .post(app.url(path))
                .header("accept", "application/json")
                .form(&[
                    ("consultation", consultation.as_str()),
                    ("section", slot.trim_start_matches("section:")),
                    ("slot", slot.as_str()),
                    ("fields[kind]", "comment"),
                    ("fields[body]", huge.as_str()),
                    ("fields[proposal]", huge.as_str()),
                    ("fields[attribution]", huge.as_str()),
                ])
                .send()
                .await
                .expect("POST");
            let status = res.status().as_u16();
            assert!((400..500).contains(&status), "request {i} to {path}: {status}, a clear refusal");
        }
        let sessions = session::Entity::find().all(&app.db).await.expect("sessions");
        assert!(sessions.len() <= 10, "at most 10 visitor sessions an hour from one address, not {}", sessions.len());
        for s in &sessions {
            assert!(s.data.len() <= 256 * 1024, "a visitor's session holds {} bytes", s.data.len());
        }
        assert!(session::Entity::find().count(&app.db).await.expect("count") <= 10);
        if let (Some(before), Some(after)) = (before, file_size()) {
            assert!(after.saturating_sub(before) < 8 * 1024 * 1024, "the database grew by {} bytes", after - before);
        }
        // What a visitor keeps is cut like a signed-in person's kept text.
        if let Some(s) = sessions.first() {
            let data: serde_json::Value = serde_json::from_str(&s.data).expect("json");
            let stash = data.get("stash:comment").expect("the typed text is kept for after sign-in");
            let body = stash["fields"]["body"].as_str().expect("body");
            assert_eq!(body.chars().count(), 2 * roundtable_app::model::comment::MAX_TEXT_CHARS);
            assert!(stash["fields"]["attribution"].as_str().expect("code").len() <= 32);
        }
    }
}
