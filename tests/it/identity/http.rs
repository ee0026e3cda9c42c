//! Identity and access: sign-in links, invitations, the second factor, sessions, rate
//! limits, field encryption, the audit chain and the mail outbox.

use std::time::Duration;

use roundtable_app::domain::identity::entities::login_token;
use roundtable_app::domain::platform::entities::audit_log;
use roundtable_app::domain::platform::entities::outbox;
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fixtures::{create_council, create_person};
use crate::harness::peers::{OidcPeer, SmtpPeer};
use crate::harness::{
    Db, TestApp, call, client, client_with_session, db_tests, signed_in_client, token_from,
};

/// What the page chrome knows about `client`'s session.
async fn viewer(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let res = client
        .post(app.url("/fn/session/context"))
        .header("accept", "application/json")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    body["viewer"]["display_name"].as_str().map(str::to_owned)
}

/// Uses a sign-in link token as a browser without JavaScript; returns where it went.
async fn use_link(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    client
        .post(app.url("/fn/auth/use-link?return_to=/sign-in/link"))
        .header("accept", "text/html")
        .form(&[("token", token)])
        .send()
        .await
        .expect("POST")
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn council_and_person(app: &TestApp, roles: &[Role]) -> (CouncilId, PersonId) {
    let council = create_council(app, "at").await;
    let person = create_person(app, council, "Blue Heron", "ana@example.org", roles).await;
    (council, person)
}

/// The current TOTP code for a base32 secret.
fn totp_code(secret: &str, offset_steps: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("base32");
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    )
    .expect("totp");
    let now = chrono::Utc::now().timestamp() + offset_steps * 30;
    totp.generate(u64::try_from(now).expect("positive"))
}

db_tests! {
    async fn link_requests_answer_alike_and_mail_only_known_addresses(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        let known = app.post_form("/fn/auth/request-link?return_to=/sign-in", &[("email", "Ana@Example.org"), ("next", "")]).await;
        let unknown = app.post_form("/fn/auth/request-link?return_to=/sign-in", &[("email", "nobody@example.org"), ("next", "")]).await;
        assert_eq!(known.status(), 302);
        assert_eq!(unknown.status(), 302);
        assert_eq!(location(&known), "/sign-in/sent");
        assert_eq!(location(&unknown), "/sign-in/sent");
        let mails = app.folder_mails(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.folder_mails(2, Duration::ZERO).await.len(), 1, "no mail for an unknown address");
        let mail = &mails[0];
        assert_eq!(mail.subject(), "Your sign-in link");
        let body = mail.body_text();
        assert!(!body.contains("Blue Heron"), "no names in mail");
        assert!(!body.to_lowercase().contains("council"), "no topic words in mail");
        assert_eq!(mail.links().len(), 1);
    }

    async fn a_sign_in_link_works_once(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        let token = app.request_link_token(&app.client, "ana@example.org").await;
        // Opening the link only shows a button; it does not use it.
        let (status, body) = app.page(&format!("/sign-in/link?token={token}")).await;
        assert_eq!(status, 200);
        assert!(body.contains("use-link"));
        let res = use_link(&app, &app.client, &token).await;
        assert_eq!(res.status(), 302);
        assert_eq!(location(&res), "/");
        assert_eq!(viewer(&app, &app.client).await.as_deref(), Some("Blue Heron"));
        // Replayed, from anywhere: refused.
        let other = client(&app.base);
        let (status, body) = call(&app, &other, "/fn/auth/use-link", &[("token", &token)]).await;
        assert_eq!(status, 410);
        assert_eq!(body["code"], "link_invalid");
        assert_eq!(viewer(&app, &other).await, None);
        // Without JavaScript the error comes back to the page.
        let res = use_link(&app, &other, &token).await;
        assert_eq!(res.status(), 302);
        assert!(location(&res).contains("__err="));
    }

    async fn expired_and_unknown_links_are_refused(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        let token = app.request_link_token(&app.client, "ana@example.org").await;
        login_token::Entity::update_many()
            .col_expr(login_token::Column::ExpiresAt, Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)))
            .exec(&app.db).await.expect("expire");
        let (status, _) = call(&app, &app.client, "/fn/auth/use-link", &[("token", &token)]).await;
        assert_eq!(status, 410);
        let (status, _) = call(&app, &app.client, "/fn/auth/use-link", &[("token", "made-up")]).await;
        assert_eq!(status, 410);
        let long = "x".repeat(5000);
        let (status, _) = call(&app, &app.client, "/fn/auth/use-link", &[("token", &long)]).await;
        assert_eq!(status, 410);
        assert_eq!(viewer(&app, &app.client).await, None);
    }

    async fn bad_input_is_a_clear_client_error(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Member, Role::Secretariat]).await;
        for (email, problem) in [("not-an-address", "malformed"), ("", "required")] {
            let (status, body) = call(&app, &app.client, "/fn/auth/request-link", &[("email", email)]).await;
            assert_eq!(status, 400, "{email:?}");
            assert_eq!(body["code"], "invalid_input");
            assert_eq!(body["problem"], problem);
        }
        let huge = format!("{}@example.org", "a".repeat(100_000));
        let (status, body) = call(&app, &app.client, "/fn/auth/request-link", &[("email", &huge)]).await;
        assert_eq!(status, 400);
        assert_eq!(body["problem"], "too_long");
        let staff = signed_in_client(&app, person, council, false).await;
        let (status, _) = call(&app, &staff, "/fn/session/council", &[("council", &uuid::Uuid::new_v4().to_string())]).await;
        assert_eq!(status, 404, "unknown council id");
        let (status, _) = call(&app, &staff, "/fn/session/council", &[("council", "not-a-uuid")]).await;
        assert_eq!(status, 400);
        let (status, body) = call(&app, &staff, "/fn/invitations/create", &[("email", "x@example.org"), ("role", "emperor")]).await;
        assert_eq!(status, 400);
        assert_eq!(body["field"], "role");
        let (status, _) = call(&app, &staff, "/fn/account/update", &[("display_name", &"n".repeat(61)), ("notify", "email")]).await;
        assert_eq!(status, 400);
        // A name that reads like the anonymous label or a pseudonym is refused, and says why.
        for name in ["Anonymous", "Contributor K7QM", "Ana\u{202E}xoF"] {
            let (status, body) = call(&app, &staff, "/fn/account/update", &[("display_name", name), ("notify", "email")]).await;
            assert_eq!((status, body["field"].as_str()), (400, Some("display_name")), "{name:?}: {body}");
        }
        let (status, body) = call(&app, &staff, "/fn/account/update", &[("display_name", "Anonyme"), ("notify", "email")]).await;
        assert_eq!(body["problem"], "reserved", "{status} {body}");
        let (status, _) = call(&app, &staff, "/fn/account/update", &[("display_name", "Fine"), ("notify", "pigeon")]).await;
        assert_eq!(status, 400);
    }

    async fn invitations_create_people_with_a_pseudonym(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Secretariat]).await;
        let staff = signed_in_client(&app, person, council, false).await;
        let (status, _) = call(&app, &staff, "/fn/invitations/create", &[("email", "new.member@example.org"), ("role", "member")]).await;
        assert_eq!(status, 200);
        let mails = app.folder_mails(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].subject(), "You have a new message");
        let token = token_from(&mails[0]);
        let (status, preview) = call(&app, &app.client, "/fn/invitations/preview", &[("token", &token)]).await;
        assert_eq!(status, 200);
        assert_eq!(preview["role"], "member");
        assert!(!preview["suggested_name"].as_str().expect("name").is_empty());
        let (status, body) = app.page(&format!("/invitation?token={token}")).await;
        assert_eq!(status, 200);
        assert!(body.contains("accept-invitation"));
        // Looking at the link spends nothing: more views than the link-use allowance (30 a
        // quarter hour per address), and accepting still works.
        for _ in 0..35 {
            assert_eq!(app.page(&format!("/invitation?token={token}")).await.0, 200);
        }
        assert!(!body.to_lowercase().contains("legal name\""), "no legal-name field");
        let res = app.post_form(
            &format!("/fn/invitations/accept?return_to=/invitation%3Ftoken%3D{token}"),
            &[("token", &token), ("display_name", "  Quiet   River "), ("language", "fr"), ("notify", "none")],
        ).await;
        assert_eq!(res.status(), 302);
        assert_eq!(location(&res), "/");
        assert_eq!(viewer(&app, &app.client).await.as_deref(), Some("Quiet River"));
        let (status, account) = call(&app, &app.client, "/fn/account/get", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(account["account"]["notify"], "none");
        assert_eq!(account["account"]["preferred_language"], "fr");
        // Single use.
        let other = client(&app.base);
        let (status, _) = call(&app, &other, "/fn/invitations/accept", &[("token", &token), ("display_name", "X"), ("language", "en"), ("notify", "none")]).await;
        assert_eq!(status, 410);
        // The new person can sign in by link with the invited address.
        let token = app.request_link_token(&other, "new.member@example.org").await;
        assert_eq!(use_link(&app, &other, &token).await.status(), 302);
        assert_eq!(viewer(&app, &other).await.as_deref(), Some("Quiet River"));
        let actions: Vec<String> = audit_log::Entity::find().all(&app.db).await.expect("audit")
            .into_iter().map(|r| r.action).collect();
        for action in ["invitation.created", "invitation.accepted", "auth.sign_in"] {
            assert!(actions.iter().any(|a| a == action), "{action} audited");
        }
    }

    async fn who_may_invite_whom(db) {
        let app = TestApp::builder(db).spawn().await;
        let council = create_council(&app, "at").await;
        let member = create_person(&app, council, "M", "m@example.org", &[Role::Member]).await;
        let secretariat = create_person(&app, council, "S", "s@example.org", &[Role::Secretariat]).await;
        let admin = create_person(&app, council, "A", "a@example.org", &[Role::CouncilAdmin]).await;
        let member = signed_in_client(&app, member, council, false).await;
        let secretariat = signed_in_client(&app, secretariat, council, false).await;
        let admin_without_totp = signed_in_client(&app, admin, council, false).await;
        let admin = signed_in_client(&app, admin, council, true).await;
        let invite = |role: &'static str| [("email", "x@example.org"), ("role", role)];
        assert_eq!(call(&app, &member, "/fn/invitations/create", &invite("member")).await.0, 403);
        assert_eq!(call(&app, &secretariat, "/fn/invitations/create", &invite("council_admin")).await.0, 403);
        assert_eq!(call(&app, &secretariat, "/fn/invitations/create", &invite("member")).await.0, 200);
        assert_eq!(call(&app, &admin_without_totp, "/fn/invitations/create", &invite("finance")).await.0, 403);
        assert_eq!(call(&app, &admin, "/fn/invitations/create", &invite("finance")).await.0, 200);
        assert_eq!(call(&app, &client(&app.base), "/fn/invitations/create", &invite("member")).await.0, 401);
        let (status, pending) = call(&app, &secretariat, "/fn/invitations/pending", &[]).await;
        assert_eq!(status, 200);
        let pending = pending.as_array().expect("list");
        assert_eq!(pending.len(), 2);
        assert!(!serde_json::to_string(pending).expect("json").contains("x@example.org"), "no address shown");
        let id = pending[0]["id"].as_str().expect("id").to_owned();
        assert_eq!(call(&app, &member, "/fn/invitations/revoke", &[("id", &id)]).await.0, 403);
        assert_eq!(call(&app, &secretariat, "/fn/invitations/revoke", &[("id", &id)]).await.0, 200);
        assert_eq!(call(&app, &secretariat, "/fn/invitations/revoke", &[("id", &id)]).await.0, 404);
    }

    async fn staff_roles_wait_for_the_second_factor(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member, Role::CouncilAdmin]).await;
        let token = app.request_link_token(&app.client, "ana@example.org").await;
        let res = use_link(&app, &app.client, &token).await;
        assert_eq!(location(&res), "/sign-in/second-factor");
        // Member role usable, admin role not yet.
        assert_eq!(call(&app, &app.client, "/fn/members/list", &[]).await.0, 403);
        let (status, account) = call(&app, &app.client, "/fn/account/get", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(account["account"]["roles_waiting_for_second_factor"], serde_json::json!(["council_admin"]));
        let (status, enrolment) = call(&app, &app.client, "/fn/auth/second-factor/enrolment", &[]).await;
        assert_eq!(status, 200);
        let secret = enrolment["secret"].as_str().expect("secret").to_owned();
        assert!(enrolment["qr_svg"].as_str().expect("svg").starts_with("<?xml") || enrolment["qr_svg"].as_str().expect("svg").contains("<svg"));
        assert!(!enrolment["uri"].as_str().expect("uri").contains("ana"), "no address in the app label");
        // The same pending secret comes back until it is confirmed.
        let (_, again) = call(&app, &app.client, "/fn/auth/second-factor/enrolment", &[]).await;
        assert_eq!(again["secret"], secret.as_str());
        let (status, body) = call(&app, &app.client, "/fn/auth/second-factor/confirm", &[("code", "000000")]).await;
        if totp_code(&secret, 0) != "000000" {
            assert_eq!(status, 400);
            assert_eq!(body["problem"], "incorrect");
        }
        let code = totp_code(&secret, 0);
        let res = app.post_form("/fn/auth/second-factor/confirm?return_to=/sign-in/second-factor", &[("code", &code)]).await;
        assert_eq!(res.status(), 302);
        assert_eq!(location(&res), "/sign-in/recovery-codes");
        let (status, codes) = call(&app, &app.client, "/fn/auth/second-factor/recovery-codes", &[]).await;
        assert_eq!(status, 200);
        let codes: Vec<String> = codes.as_array().expect("codes").iter().map(|c| c.as_str().expect("code").to_owned()).collect();
        assert_eq!(codes.len(), 10);
        assert_eq!(call(&app, &app.client, "/fn/auth/second-factor/recovery-codes", &[]).await.0, 404, "shown once");
        assert_eq!(call(&app, &app.client, "/fn/members/list", &[]).await.0, 200);

        // A new sign-in asks for a code; the code already used is refused (single use).
        let second = client(&app.base);
        let token = app.request_link_token(&second, "ana@example.org").await;
        assert_eq!(location(&use_link(&app, &second, &token).await), "/sign-in/second-factor");
        let (status, body) = call(&app, &second, "/fn/auth/second-factor/verify", &[("code", &code)]).await;
        assert_eq!(status, 400, "a used code is refused");
        assert_eq!(body["problem"], "incorrect");
        // A recovery code works once.
        let res = second.post(app.url("/fn/auth/second-factor/verify?return_to=/sign-in/second-factor"))
            .header("accept", "text/html").form(&[("code", codes[0].as_str())]).send().await.expect("POST");
        assert_eq!(res.status(), 302);
        assert_eq!(location(&res), "/");
        assert_eq!(call(&app, &second, "/fn/members/list", &[]).await.0, 200);
        let third = client(&app.base);
        let token = app.request_link_token(&third, "ana@example.org").await;
        use_link(&app, &third, &token).await;
        assert_eq!(call(&app, &third, "/fn/auth/second-factor/verify", &[("code", &codes[0])]).await.0, 400);
        assert_eq!(call(&app, &third, "/fn/auth/second-factor/verify", &[("code", &codes[1])]).await.0, 200);
    }

    async fn replacing_the_second_factor_needs_a_code_from_the_current_one(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member, Role::CouncilAdmin]).await;
        let token = app.request_link_token(&app.client, "ana@example.org").await;
        use_link(&app, &app.client, &token).await;
        let (_, enrolment) = call(&app, &app.client, "/fn/auth/second-factor/enrolment", &[]).await;
        let first = enrolment["secret"].as_str().expect("secret").to_owned();
        assert_eq!(call(&app, &app.client, "/fn/auth/second-factor/confirm", &[("code", &totp_code(&first, 0))]).await.0, 200);
        let (_, codes) = call(&app, &app.client, "/fn/auth/second-factor/recovery-codes", &[]).await;
        let old_codes: Vec<String> = codes.as_array().expect("codes").iter().map(|c| c.as_str().expect("code").to_owned()).collect();

        // This session passed the factor (as a thief with it would have). Starting a new
        // enrolment keeps the current factor on.
        let (status, enrolment) = call(&app, &app.client, "/fn/auth/second-factor/enrolment", &[]).await;
        assert_eq!(status, 200);
        let second = enrolment["secret"].as_str().expect("secret").to_owned();
        assert_ne!(second, first, "a new secret");
        assert_eq!(call(&app, &app.client, "/fn/auth/second-factor/status", &[]).await.1, serde_json::json!(true), "still on");
        let new_code = totp_code(&second, 0);
        // Without a current code, or with a wrong one, nothing changes.
        let (status, body) = call(&app, &app.client, "/fn/auth/second-factor/confirm", &[("code", &new_code)]).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("current")), "{body}");
        let wrong = if totp_code(&first, 1) == "123456" { "654321" } else { "123456" };
        let (status, body) = call(&app, &app.client, "/fn/auth/second-factor/confirm", &[("code", &new_code), ("current", wrong)]).await;
        assert_eq!((status, body["problem"].as_str()), (400, Some("incorrect")), "{body}");
        // The old recovery codes still work in another session: the factor was not replaced.
        let other = client(&app.base);
        let token = app.request_link_token(&other, "ana@example.org").await;
        use_link(&app, &other, &token).await;
        assert_eq!(call(&app, &other, "/fn/auth/second-factor/verify", &[("code", &old_codes[0])]).await.0, 200);

        // With a code from the current authenticator the new one replaces it.
        let (status, body) = call(&app, &app.client, "/fn/auth/second-factor/confirm", &[("code", &new_code), ("current", &totp_code(&first, 1))]).await;
        assert_eq!(status, 200, "{body}");
        let (_, codes) = call(&app, &app.client, "/fn/auth/second-factor/recovery-codes", &[]).await;
        let new_codes: Vec<String> = codes.as_array().expect("codes").iter().map(|c| c.as_str().expect("code").to_owned()).collect();
        assert_eq!(new_codes.len(), 10);
        let third = client(&app.base);
        let token = app.request_link_token(&third, "ana@example.org").await;
        use_link(&app, &third, &token).await;
        assert_eq!(call(&app, &third, "/fn/auth/second-factor/verify", &[("code", &old_codes[1])]).await.0, 400, "old recovery codes are gone");
        assert_eq!(call(&app, &third, "/fn/auth/second-factor/verify", &[("code", &new_codes[0])]).await.0, 200);
        // The same new code cannot be replayed, and the change is in the audit log.
        assert_eq!(call(&app, &third, "/fn/auth/second-factor/verify", &[("code", &new_code)]).await.0, 400);
        let replaced = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("auth.second_factor_replaced"))
            .count(&app.db).await.expect("count");
        assert_eq!(replaced, 1);
        // Setting up and replacing were each mailed, neutrally (three sign-in links besides).
        let mails = app.folder_mails(5, Duration::from_secs(15)).await;
        let notices: Vec<_> = mails.iter().filter(|m| m.raw.contains("Subject: Your sign-in settings changed")).collect();
        assert_eq!(notices.len(), 2, "one notice when set up, one when replaced");
        assert!(notices.iter().all(|m| m.raw.contains("/account")), "the notice links the account page");
    }

    async fn a_request_in_flight_cannot_bring_an_ended_session_back(db) {
        use roundtable_app::domain::identity::entities::session;
        use roundtable_app::domain::identity::sessions::DbSessionStore;
        use sea_orm::PaginatorTrait;
        use tower_sessions::SessionStore as _;
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Member]).await;
        let id = crate::harness::stored_session(&app, roundtable_app::domain::SessionAuth::new(person, council)).await;
        let phone = crate::harness::client_with_cookie(&app.base, &format!("rt_session={id}"));
        let laptop = signed_in_client(&app, person, council, false).await;
        assert!(viewer(&app, &phone).await.is_some(), "the phone is signed in");
        // A request on the phone has loaded its session, as the session layer does when a
        // request starts ...
        let store = DbSessionStore::new(app.db.clone());
        let sid: tower_sessions::session::Id = id.parse().expect("a session id");
        let in_flight = store.load(&sid).await.expect("loads").expect("the session");
        // ... when the laptop signs out everywhere; then the phone's request ends and saves
        // what it loaded.
        assert_eq!(call(&app, &laptop, "/fn/session/sign-out-everywhere", &[]).await.0, 200);
        store.save(&in_flight).await.expect("saves");
        let rows = session::Entity::find().filter(session::Column::PersonId.eq(person.0)).count(&app.db).await.expect("count");
        assert_eq!(rows, 0, "no session of the person came back");
        assert!(viewer(&app, &phone).await.is_none(), "the phone stays signed out");
    }

    async fn a_request_held_open_across_sign_out_everywhere_stays_signed_out(db) {
        // A real HTTP request: an upload whose body arrives slowly. The server loads the
        // session and the actor (and marks the session to be kept alive) when the request
        // starts; the person signs out everywhere on another device while the body is still
        // coming; when the upload ends the session layer saves what it loaded. That save
        // must not bring the session back.
        use roundtable_app::domain::identity::entities::session;
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let app = TestApp::builder(db).count_queries().spawn().await;
        let council = create_council(&app, "at").await;
        let staff = create_person(&app, council, "Sec", "sec@example.org", &[Role::Secretariat]).await;
        let consultation = crate::fixtures::ConsultationBuilder::new(council).title("Held open").insert(&app).await;
        let id = crate::harness::stored_session(&app, roundtable_app::domain::SessionAuth::new(staff, council)).await;
        let laptop = signed_in_client(&app, staff, council, false).await;
        let boundary = "heldopenboundary";
        let first = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"draft.md\"\r\nContent-Type: text/markdown\r\n\r\n"
        );
        let rest = format!("# Held open\n\n## 1. Scope\n\nThis Act applies.\n\r\n--{boundary}--\r\n");
        let addr = format!("127.0.0.1:{}", app.base.port().expect("port"));
        let mut phone = tokio::net::TcpStream::connect(&addr).await.expect("connects");
        let before = app.queries.load(Ordering::SeqCst);
        let head = format!(
            "POST /consultations/{consultation}/import HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nCookie: rt_session={id}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
            first.len() + rest.len()
        );
        phone.write_all(head.as_bytes()).await.expect("sends the start");
        // Wait (bounded) until the server has read the session and the actor for it (one
        // statement: the session's load reads its person's roles too).
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while app.queries.load(Ordering::SeqCst) < before + 1 {
            assert!(std::time::Instant::now() < deadline, "the held request never loaded its session");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(call(&app, &laptop, "/fn/session/sign-out-everywhere", &[]).await.0, 200);
        let rows = || async {
            session::Entity::find().filter(session::Column::PersonId.eq(staff.0)).count(&app.db).await.expect("count")
        };
        assert_eq!(rows().await, 0, "signed out everywhere");
        // Now the upload ends and its response is read to the end.
        phone.write_all(rest.as_bytes()).await.expect("sends the rest");
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(30), phone.read_to_string(&mut answer))
            .await
            .expect("answered in time")
            .expect("reads the answer");
        assert!(answer.starts_with("HTTP/1.1 3"), "the upload was answered: {}", answer.lines().next().unwrap_or(""));
        assert_eq!(rows().await, 0, "the held request did not bring the session back");
        let old = crate::harness::client_with_cookie(&app.base, &format!("rt_session={id}"));
        assert!(viewer(&app, &old).await.is_none(), "the old cookie stays signed out");
    }

    async fn logging_out_everywhere_ends_every_session(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Member]).await;
        let phone = signed_in_client(&app, person, council, false).await;
        let laptop = signed_in_client(&app, person, council, false).await;
        assert!(viewer(&app, &phone).await.is_some());
        let res = laptop.post(app.url("/fn/session/sign-out-everywhere?return_to=/account"))
            .header("accept", "text/html").send().await.expect("POST");
        assert_eq!(res.status(), 302);
        assert_eq!(viewer(&app, &phone).await, None);
        assert_eq!(viewer(&app, &laptop).await, None);
    }

    async fn role_changes_and_suspension_end_sessions(db) {
        let app = TestApp::builder(db).spawn().await;
        let council = create_council(&app, "at").await;
        let admin_id = create_person(&app, council, "Admin", "admin@example.org", &[Role::CouncilAdmin]).await;
        let member_id = create_person(&app, council, "Member", "member@example.org", &[Role::Member]).await;
        let admin = signed_in_client(&app, admin_id, council, true).await;
        let member = signed_in_client(&app, member_id, council, false).await;
        let (status, rows) = call(&app, &admin, "/fn/members/list", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(rows.as_array().expect("rows").len(), 2);
        let member_s = member_id.to_string();
        assert_eq!(call(&app, &admin, "/fn/members/roles", &[("person", &member_s), ("member", "on"), ("secretariat", "on")]).await.0, 200);
        assert_eq!(viewer(&app, &member).await, None, "a role change ends the sessions");
        let (_, rows) = call(&app, &admin, "/fn/members/list", &[]).await;
        let row = rows.as_array().expect("rows").iter().find(|r| r["id"] == member_s.as_str()).expect("row").clone();
        assert_eq!(row["roles"], serde_json::json!(["member", "secretariat"]));
        assert_eq!(call(&app, &admin, "/fn/members/roles", &[("person", &member_s)]).await.0, 400, "at least one role");
        let admin_s = admin_id.to_string();
        assert_eq!(call(&app, &admin, "/fn/members/roles", &[("person", &admin_s), ("member", "on")]).await.0, 409, "cannot drop own admin role");
        assert_eq!(call(&app, &admin, "/fn/members/suspend", &[("person", &admin_s), ("suspend", "true")]).await.0, 409);

        let member = signed_in_client(&app, member_id, council, false).await;
        assert!(viewer(&app, &member).await.is_some());
        assert_eq!(call(&app, &admin, "/fn/members/suspend", &[("person", &member_s), ("suspend", "true")]).await.0, 200);
        assert_eq!(viewer(&app, &member).await, None, "suspension ends the sessions");
        let member = signed_in_client(&app, member_id, council, false).await;
        assert_eq!(viewer(&app, &member).await, None, "a suspended member cannot act");
        let before = app.folder_mails(10, Duration::ZERO).await.len();
        app.post_form("/fn/auth/request-link?return_to=/sign-in", &[("email", "member@example.org")]).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.folder_mails(10, Duration::ZERO).await.len(), before, "no link for a suspended member");
        assert_eq!(call(&app, &admin, "/fn/members/suspend", &[("person", &member_s), ("suspend", "false")]).await.0, 200);
        let member = signed_in_client(&app, member_id, council, false).await;
        assert!(viewer(&app, &member).await.is_some());
        // Another council's admin cannot touch this member.
        let other = create_council(&app, "de").await;
        let other_admin = create_person(&app, other, "Other", "other@example.org", &[Role::CouncilAdmin]).await;
        let other_admin = signed_in_client(&app, other_admin, other, true).await;
        assert_eq!(call(&app, &other_admin, "/fn/members/suspend", &[("person", &member_s), ("suspend", "true")]).await.0, 404);
        let (_, rows) = call(&app, &other_admin, "/fn/members/list", &[]).await;
        assert!(!rows.to_string().contains(&member_s), "no other council's people");
    }

    async fn sign_ins_last_twelve_hours_at_most(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Member]).await;
        let mut auth = roundtable_app::domain::SessionAuth::new(person, council);
        auth.signed_in_at -= 11 * 3600;
        assert!(viewer(&app, &client_with_session(&app, auth).await).await.is_some());
        auth.signed_in_at -= 2 * 3600;
        assert_eq!(viewer(&app, &client_with_session(&app, auth).await).await, None);
    }

    async fn reading_keeps_a_session_alive_with_a_write_a_minute_at_most(db) {
        use roundtable_app::domain::identity::entities::session;
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Member]).await;
        let auth = roundtable_app::domain::SessionAuth::new(person, council);
        let id = crate::harness::stored_session(&app, auth).await;
        let member = crate::harness::client_with_cookie(&app.base, &format!("rt_session={id}"));
        // As if the person had been reading for 28 minutes without sending anything.
        let nearly_idle = || async {
            session::Entity::update_many()
                .col_expr(
                    session::Column::ExpiresAt,
                    Expr::value(chrono::Utc::now() + chrono::Duration::minutes(2)),
                )
                .exec(&app.db)
                .await
                .expect("expiry moved");
        };
        let expiry = || async {
            session::Entity::find()
                .one(&app.db)
                .await
                .expect("reads")
                .expect("the session row")
                .expires_at
        };
        nearly_idle().await;
        assert!(viewer(&app, &member).await.is_some());
        assert!(
            expiry().await > chrono::Utc::now() + chrono::Duration::minutes(29),
            "a page read pushes the idle timeout back"
        );
        // Within the same minute another read does not write the row again.
        nearly_idle().await;
        assert!(viewer(&app, &member).await.is_some());
        assert!(
            expiry().await < chrono::Utc::now() + chrono::Duration::minutes(3),
            "the session row is written at most once a minute"
        );
    }

    async fn the_roles_read_with_the_session_are_its_councils_fresh_and_never_stored(db) {
        // Loading a session reads its person's memberships in the same statement, and the
        // actor is built from them: only those of the sign-in's council, as the database
        // holds them at that load; the session's stored row never keeps them (nor the names
        // they carry), and a key of that name put into a stored row grants nothing.
        use roundtable_app::domain::identity::entities::{membership, session};
        let app = TestApp::builder(db).spawn().await;
        let home = create_council(&app, "at").await;
        let other = create_council(&app, "de").await;
        let person = create_person(&app, home, "Blue Heron", "ana@example.org", &[Role::Member]).await;
        create_person(&app, other, "Blue Heron", "ana@example.org", &[Role::Secretariat]).await;
        let auth = roundtable_app::domain::SessionAuth::new(person, home);
        let id = crate::harness::stored_session(&app, auth).await;
        let client = crate::harness::client_with_cookie(&app.base, &format!("rt_session={id}"));
        let roles = || async {
            let res = client
                .post(app.url("/fn/session/context"))
                .header("accept", "application/json")
                .send()
                .await
                .expect("POST");
            assert_eq!(res.status(), 200);
            let body: serde_json::Value = res.json().await.expect("json");
            body["viewer"]["roles"].clone()
        };
        assert_eq!(roles().await, serde_json::json!(["member"]), "the home council's roles only");
        // The first page kept the session alive, so its row was written again.
        let stored = session::Entity::find()
            .filter(session::Column::PersonId.eq(person.0))
            .one(&app.db)
            .await
            .expect("reads")
            .expect("the session row");
        for word in ["roles@load", "Blue Heron", "Council at", "secretariat", "member"] {
            assert!(!stored.data.contains(word), "the stored session holds {word:?}: {}", stored.data);
        }
        // A row that claims more roles under the key: the load replaces what it says.
        let mut data: serde_json::Value = serde_json::from_str(&stored.data).expect("json");
        data["roles@load"] = serde_json::json!({
            "person_id": person.0,
            "rows": [{
                "council_id": home.0, "role": "council_admin", "display_name": "Blue Heron",
                "disabled_at": null, "council_name": "Council at", "time_zone": "Europe/Vienna"
            }]
        });
        session::Entity::update_many()
            .col_expr(session::Column::Data, Expr::value(data.to_string()))
            .filter(session::Column::PersonId.eq(person.0))
            .exec(&app.db)
            .await
            .expect("forged");
        assert_eq!(roles().await, serde_json::json!(["member"]), "a stored key grants nothing");
        // Suspended in the home council (the row changed behind the app's back): the next
        // load reads it, and the session acts as nobody.
        membership::Entity::update_many()
            .col_expr(membership::Column::SuspendedAt, Expr::value(Some(chrono::Utc::now())))
            .filter(membership::Column::PersonId.eq(person.0))
            .filter(membership::Column::CouncilId.eq(home.0))
            .exec(&app.db)
            .await
            .expect("suspended");
        assert_eq!(roles().await, serde_json::Value::Null, "no role: signed out");
    }

    async fn too_many_link_requests_get_429(db) {
        let app = TestApp::builder(db).spawn().await;
        for _ in 0..20 {
            let (status, _) = call(&app, &app.client, "/fn/auth/request-link", &[("email", "nobody@example.org")]).await;
            assert_eq!(status, 200);
        }
        let (status, body) = call(&app, &app.client, "/fn/auth/request-link", &[("email", "nobody@example.org")]).await;
        assert_eq!(status, 429);
        assert_eq!(body["code"], "rate_limited");
    }

    async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(db) {
        let request = |app: &TestApp, forwarded: &str| {
            let res = app.client.post(app.url("/fn/auth/request-link"))
                .header("accept", "application/json")
                .header("x-forwarded-for", forwarded)
                .form(&[("email", "nobody@example.org")])
                .send();
            async move { res.await.expect("POST").status().as_u16() }
        };
        // The test client is the proxy (127.0.0.1), forwarding for two people.
        let app = TestApp::builder(db).setting("ROUNDTABLE_TRUSTED_PROXIES", "127.0.0.1/32, ::1").spawn().await;
        for _ in 0..20 {
            assert_eq!(request(&app, "198.51.100.1").await, 200);
        }
        assert_eq!(request(&app, "198.51.100.1").await, 429, "the first client used up its allowance");
        assert_eq!(request(&app, "198.51.100.2").await, 200, "the second client has its own");
        // A client cannot escape its allowance by adding addresses in front: the nearest
        // hop the proxy saw is what counts.
        assert_eq!(request(&app, "203.0.113.7, 198.51.100.1").await, 429);
        // IPv6 clients count by /64: another address of the same network shares the limit.
        for _ in 0..20 {
            assert_eq!(request(&app, "2001:db8:0:1::1").await, 200);
        }
        assert_eq!(request(&app, "2001:db8:0:1:ffff::9").await, 429, "same /64");
        assert_eq!(request(&app, "2001:db8:0:2::1").await, 200, "another /64");

        // Without a configured proxy the header is nobody's word: one allowance for the peer.
        let direct = TestApp::builder(db).spawn().await;
        for i in 0..20 {
            assert_eq!(request(&direct, &format!("198.51.100.{i}")).await, 200);
        }
        assert_eq!(request(&direct, "198.51.100.99").await, 429, "a forged header changes nothing");
    }

    async fn account_mail_is_capped_without_locking_anyone_out(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        for _ in 0..8 {
            let (status, _) = call(&app, &app.client, "/fn/auth/request-link", &[("email", "ana@example.org")]).await;
            assert_eq!(status, 200, "same answer every time");
        }
        let mails = app.folder_mails(5, Duration::from_secs(15)).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(app.folder_mails(6, Duration::ZERO).await.len(), 5, "at most 5 mails an hour");
        // Every link that was sent still works for the real person.
        let res = use_link(&app, &app.client, &token_from(mails.last().expect("a mail"))).await;
        assert_eq!(location(&res), "/");
    }

    async fn outbox_keys_and_message_ids_name_nobody(db) {
        use roundtable_app::domain::platform::crypto::Purpose;
        use roundtable_app::domain::platform::mail;
        let app = TestApp::builder(db).spawn().await;
        let (_, person) = council_and_person(&app, &[Role::Member]).await;
        let (status, _) = call(&app, &app.client, "/fn/auth/request-link", &[("email", "ana@example.org")]).await;
        assert_eq!(status, 200);
        let mails = app.folder_mails(1, Duration::from_secs(15)).await;
        let rows = outbox::Entity::find().all(&app.db).await.expect("rows");
        assert_eq!(rows.len(), 1);
        let key = &rows[0].idempotency_key;
        assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()), "only a keyed hash is kept: {key}");
        let message_id = mails[0].raw.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).expect("a Message-ID");
        assert!(!message_id.contains(&person.0.to_string()) && !message_id.contains("sign-in"), "{message_id}");
        // A key an older version kept in clear is hashed at start (here: called directly).
        let plain = format!("answered:{}:{}", uuid::Uuid::new_v4(), person.0);
        outbox::Entity::update_many()
            .col_expr(outbox::Column::IdempotencyKey, Expr::value(plain.clone()))
            .exec(&app.db).await.expect("an old row");
        assert_eq!(mail::hash_plain_keys(&app.db, &app.state.keyring).await.expect("hashes"), 1);
        assert_eq!(mail::hash_plain_keys(&app.db, &app.state.keyring).await.expect("nothing left"), 0);
        let row = outbox::Entity::find().one(&app.db).await.expect("query").expect("row");
        assert_eq!(row.idempotency_key, app.state.keyring.lookup_hash(Purpose::OutboxKey, &plain));
    }

    async fn email_addresses_are_encrypted_at_rest(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Secretariat]).await;
        let staff = signed_in_client(&app, person, council, false).await;
        call(&app, &staff, "/fn/invitations/create", &[("email", "canary.invitee@example.org"), ("role", "member")]).await;
        app.folder_mails(1, Duration::from_secs(15)).await;
        for (table, needle) in [("person", "ana@example.org"), ("invitation", "canary.invitee"), ("outbox", "canary.invitee")] {
            let sql = match db {
                Db::Sqlite => format!("SELECT * FROM {table}"),
                Db::Postgres => format!("SELECT row_to_json(t)::text AS j FROM {table} t"),
            };
            let rows = app.db.query_all_raw(sea_orm::Statement::from_string(app.db.get_database_backend(), sql)).await.expect("query");
            assert!(!rows.is_empty(), "{table} has rows");
            let dump = format!("{rows:?}");
            assert!(!dump.contains(needle), "{table} holds {needle} in clear");
        }
        if db == Db::Sqlite {
            // The raw file (and its write-ahead log) must not hold the address either.
            let file = app.sqlite_file.clone().expect("sqlite file");
            for path in [file.clone(), file.with_extension("db-wal")] {
                if let Ok(bytes) = std::fs::read(&path) {
                    let text = String::from_utf8_lossy(&bytes);
                    assert!(!text.contains("ana@example.org"), "{} holds the address", path.display());
                    assert!(!text.contains("canary.invitee"), "{} holds the address", path.display());
                }
            }
        }
    }

    async fn the_audit_chain_detects_an_edited_row(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Secretariat]).await;
        let staff = signed_in_client(&app, person, council, false).await;
        for n in 0..3 {
            call(&app, &staff, "/fn/invitations/create", &[("email", &format!("p{n}@example.org")), ("role", "member")]).await;
        }
        let rows = roundtable_app::domain::platform::audit::verify(&app.db).await.expect("intact");
        assert_eq!(rows, 4, "council created + 3 invitations");
        audit_log::Entity::update_many()
            .col_expr(audit_log::Column::Details, Expr::value(r#"{"role":"council_admin"}"#))
            .filter(audit_log::Column::Seq.eq(3))
            .exec(&app.db).await.expect("tamper");
        let err = roundtable_app::domain::platform::audit::verify(&app.db).await.expect_err("broken");
        assert_eq!(err, roundtable_app::domain::platform::audit::ChainBreak::Edited(3));
        assert!(err.to_string().contains("row 3"));
    }

    async fn the_audit_chain_detects_a_deleted_row(db) {
        let app = TestApp::builder(db).spawn().await;
        let (council, person) = council_and_person(&app, &[Role::Secretariat]).await;
        let staff = signed_in_client(&app, person, council, false).await;
        for n in 0..3 {
            call(&app, &staff, "/fn/invitations/create", &[("email", &format!("p{n}@example.org")), ("role", "member")]).await;
        }
        audit_log::Entity::delete_many().filter(audit_log::Column::Seq.eq(2)).exec(&app.db).await.expect("delete");
        assert_eq!(roundtable_app::domain::platform::audit::verify(&app.db).await, Err(roundtable_app::domain::platform::audit::ChainBreak::Missing(2)));
        audit_log::Entity::delete_many().filter(audit_log::Column::Seq.gte(2)).exec(&app.db).await.expect("delete");
        assert!(matches!(roundtable_app::domain::platform::audit::verify(&app.db).await, Err(roundtable_app::domain::platform::audit::ChainBreak::Truncated { found: 1, expected: 4 })));
    }

    async fn auditors_and_admins_read_the_log_members_do_not(db) {
        let app = TestApp::builder(db).spawn().await;
        let council = create_council(&app, "at").await;
        let auditor = create_person(&app, council, "Aud", "aud@example.org", &[Role::Auditor]).await;
        let member = create_person(&app, council, "Mem", "mem@example.org", &[Role::Member]).await;
        let auditor = signed_in_client(&app, auditor, council, false).await;
        let member = signed_in_client(&app, member, council, false).await;
        let (status, page) = call(&app, &auditor, "/fn/audit/list", &[]).await;
        assert_eq!(status, 200);
        assert!(page["rows"].as_array().expect("rows").iter().any(|r| r["action"] == "council.created"));
        let text = page.to_string();
        assert!(!text.contains("Aud") && !text.contains("example.org"), "ids only");
        // The filter is the closed list of actions: one that happened nowhere finds nothing,
        // a code that is not an action is refused, naming the field.
        let (status, page) = call(&app, &auditor, "/fn/audit/list", &[("action", "comment.hidden")]).await;
        assert_eq!(status, 200);
        assert!(page["rows"].as_array().expect("rows").is_empty());
        let (status, body) = call(&app, &auditor, "/fn/audit/list", &[("action", "nothing.like.this")]).await;
        assert_eq!(status, 400);
        assert!(body.to_string().contains("action"), "{body}");
        assert_eq!(call(&app, &auditor, "/fn/audit/list", &[("from", "yesterday")]).await.0, 400);
        assert_eq!(call(&app, &member, "/fn/audit/list", &[]).await.0, 403);
        let (status, body) = app.page("/council/audit").await;
        assert_eq!(status, 401);
        assert!(body.contains("/sign-in?next=/council/audit"));
    }

    async fn typed_text_survives_an_ended_session(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        // The session has ended; the person presses Save.
        let (status, body) = call(&app, &app.client, "/fn/account/update", &[("display_name", "Calm Cedar 7"), ("notify", "email")]).await;
        assert_eq!(status, 401);
        assert_eq!(body["code"], "unauthenticated");
        let token = app.request_link_token(&app.client, "ana@example.org").await;
        let res = use_link(&app, &app.client, &token).await;
        assert_eq!(location(&res), "/account", "back to the form");
        let (status, page) = call(&app, &app.client, "/fn/account/get", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(page["draft"]["display_name"], "Calm Cedar 7");
        assert_eq!(page["draft"]["notify"], "email");
        assert_eq!(page["account"]["display_name"], "Blue Heron", "not saved until confirmed");
        let (_, page) = call(&app, &app.client, "/fn/account/get", &[]).await;
        assert!(page["draft"].is_null(), "given back once");
    }

    async fn a_mail_is_claimed_by_one_worker_only(db) {
        let app = TestApp::builder(db).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        app.request_link_token(&app.client, "ana@example.org").await;
        // The mail file is written just before the row says "sent": wait for the row.
        let rows = app.outbox_sent().await;
        let [row] = rows.as_slice() else { panic!("one outbox row, found {}", rows.len()) };
        let row = row.clone();
        // Make it due again and race two claims for it.
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value("pending"))
            .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
            .exec(&app.db).await.expect("reset");
        let (a, b) = tokio::join!(
            roundtable_app::domain::platform::mail::claim(&app.db, row.id, uuid::Uuid::new_v4()),
            roundtable_app::domain::platform::mail::claim(&app.db, row.id, uuid::Uuid::new_v4()),
        );
        let won = [a.expect("claim"), b.expect("claim")].iter().filter(|x| **x).count();
        // The app's own mail worker races too: at most one claim wins, and when neither of
        // ours did, the worker has the row.
        assert!(won <= 1, "{won} claims won");
        if won == 0 {
            let now = outbox::Entity::find_by_id(row.id).one(&app.db).await.expect("row").expect("row");
            assert!(now.status != "pending" || now.locked_until.is_some(), "nobody claimed it: {now:?}");
        }
    }

    async fn mail_waits_out_an_smtp_failure_and_is_sent_once(db) {
        let Some(smtp) = SmtpPeer::start(1).await else { return };
        let app = TestApp::builder(db).smtp(smtp.url()).spawn().await;
        council_and_person(&app, &[Role::Member]).await;
        app.post_form("/fn/auth/request-link?return_to=/sign-in", &[("email", "ana@example.org")]).await;
        let mails = smtp.wait_for_messages(1, Duration::from_secs(30)).await;
        assert_eq!(mails.len(), 1, "delivered after the server recovered");
        assert_eq!(mails[0].to, vec!["ana@example.org".to_owned()]);
        assert_eq!(mails[0].subject(), "Your sign-in link");
        // The worker records "sent" just after the SMTP server accepted the message.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let row = loop {
            let row = outbox::Entity::find().one(&app.db).await.expect("query").expect("row");
            if row.status == "sent" || tokio::time::Instant::now() >= deadline {
                break row;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(row.status, "sent");
        assert_eq!(row.attempts, 1, "one failed attempt before");
        assert!(!row.last_error.unwrap_or_default().contains("ana"), "no address in the error");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(smtp.wait_for_messages(2, Duration::ZERO).await.len(), 1, "sent exactly once");
    }

    async fn openid_connect_signs_in_invited_people_only(db) {
        let port = crate::harness::free_port();
        let redirect = format!("http://127.0.0.1:{port}/auth/oidc/callback");
        for (email, verified, expected) in [
            ("ana@example.org", true, "/"),
            ("stranger@example.org", true, "/sign-in?error=no_account"),
            ("ana@example.org", false, "/sign-in?error=no_account"),
        ] {
            let Some(idp) = OidcPeer::start("roundtable", "s3cret", &redirect, email, verified).await else { return };
            let app = TestApp::builder(db)
                .listen(format!("127.0.0.1:{port}"))
                .setting("ROUNDTABLE_OIDC_ISSUER", idp.issuer.clone())
                .setting("ROUNDTABLE_OIDC_CLIENT_ID", "roundtable")
                .setting("ROUNDTABLE_OIDC_CLIENT_SECRET", "s3cret")
                .spawn().await;
            council_and_person(&app, &[Role::Member]).await;
            let (_, body) = app.page("/sign-in").await;
            assert!(body.contains("/auth/oidc/start"), "the sign-in page offers the provider");
            let start = app.get("/auth/oidc/start").await;
            assert_eq!(start.status().as_u16() / 100, 3);
            let mut next = location(&start);
            assert!(next.contains("code_challenge_method=S256"), "PKCE");
            assert!(next.contains("nonce="), "nonce");
            assert!(next.contains(&format!("redirect_uri={}", url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>())));
            // Follow the provider's redirects (it signs in without a page) back to us.
            let provider = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client");
            for _ in 0..10 {
                if next.starts_with(&redirect) { break; }
                let url = if next.starts_with('/') { format!("{}{next}", idp.issuer) } else { next.clone() };
                let res = provider.get(&url).send().await.expect("provider");
                next = location(&res);
                assert!(!next.is_empty(), "the provider redirects");
            }
            assert!(next.starts_with(&redirect), "back at the callback");
            let done = app.client.get(&next).send().await.expect("callback");
            assert_eq!(location(&done), expected, "{email} verified={verified}");
            assert_eq!(viewer(&app, &app.client).await.is_some(), expected == "/");
            // The callback cannot be replayed.
            let again = app.client.get(&next).send().await.expect("callback");
            assert_eq!(location(&again), "/sign-in?error=link_invalid");
            // Free the port for the next round.
            drop(app);
            drop(idp);
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
