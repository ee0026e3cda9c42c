//! Consultations through HTTP: visibility, import, phases, comments (named, pseudonym, truly
//! anonymous), moderation, answers, versions and their diff, the outcome report (page, CSV,
//! print, public with consent), mails, and bad input.

use std::time::Duration;

use chrono::Utc;
use roundtable_app::domain::consultations::entities::comment;
use roundtable_app::domain::consultations::entities::consultation;
use roundtable_app::domain::consultations::entities::draft_version;
use roundtable_app::domain::identity::entities::council;
use roundtable_app::domain::platform::entities::audit_log;
use roundtable_app::model::consultation::{Phase, Visibility};
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::fixtures::{ConsultationBuilder, allow_many_posts, create_council, create_person};
use crate::harness::{TestApp, db_tests, signed_in_client};

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
    ConsultationBuilder::new(CouncilId(council))
        .title(format!("Canary {phase} {visibility}"))
        .summary("s")
        .phase(Phase::from_code(phase).expect("phase"))
        .visibility(Visibility::from_code(visibility).expect("visibility"))
        .insert(app)
        .await
        .0
}

async fn titles(app: &TestApp) -> Vec<String> {
    let res = app.call("/fn/consultations/list", &[]).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("json");
    body["consultations"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["title"].as_str().expect("title").to_owned())
        .collect()
}

/// A draft with chapters, articles, numbered paragraphs and lettered points.
const DRAFT: &str = "\
Preamble: this draft sets out support for people who need it.

## Chapter 1 – General provisions

### Article 1 – Purpose

1. This Act sets out the support that people receive.
2. Support is given without conditions.

### Article 2 – Definitions

For the purposes of this Act:

(a) \"support\" means housing, health care and legal advice;
(b) \"provider\" means any body that gives support.

## Chapter 2 – Services

### Article 3 – Housing

1. The State shall provide safe housing.
2. Housing shall be available within 24 hours.
";

/// The canary: the display name of the member who comments anonymously.
const CANARY: &str = "Zephyrine Canary";

/// A council with its staff and members, each with a signed-in client.
struct World {
    app: TestApp,
    council: CouncilId,
    staff: reqwest::Client,
    admin: reqwest::Client,
    auditor: reqwest::Client,
    /// Named, pseudonym and anonymous commenters: (id, client).
    members: Vec<(PersonId, reqwest::Client)>,
    /// A member of another council, and that council's secretariat.
    outsider: reqwest::Client,
    outsider_id: PersonId,
    outside_staff: reqwest::Client,
}

async fn world(db: crate::harness::Db) -> World {
    world_on(TestApp::builder(db)).await
}

async fn world_on(builder: crate::harness::TestAppBuilder) -> World {
    let app = builder.spawn().await;
    let council = create_council(&app, "at").await;
    let person = |name: &'static str, email: &'static str, roles: &'static [Role]| {
        let app = &app;
        async move {
            let id = create_person(app, council, name, email, roles).await;
            (id, signed_in_client(app, id, council, true).await)
        }
    };
    let (_, staff) = person("Sam Secretariat", "sam@example.org", &[Role::Secretariat]).await;
    let (_, admin) = person("Ada Admin", "ada@example.org", &[Role::CouncilAdmin]).await;
    let (_, auditor) = person("Otto Auditor", "otto@example.org", &[Role::Auditor]).await;
    let mut members = Vec::new();
    for (name, email) in [
        ("Amira Named", "amira@example.org"),
        ("Pia Pseudo", "pia@example.org"),
        (CANARY, "zephyrine@example.org"),
    ] {
        members.push(person(name, email, &[Role::Member]).await);
    }
    let other = create_council(&app, "bt").await;
    let outsider_id = create_person(
        &app,
        other,
        "Olga Outside",
        "olga@example.org",
        &[Role::Member],
    )
    .await;
    let outsider = signed_in_client(&app, outsider_id, other, true).await;
    let outside_staff_id = create_person(
        &app,
        other,
        "Oskar Staff",
        "oskar@example.org",
        &[Role::Secretariat],
    )
    .await;
    let outside_staff = signed_in_client(&app, outside_staff_id, other, true).await;
    World {
        app,
        council,
        staff,
        admin,
        auditor,
        members,
        outsider,
        outsider_id,
        outside_staff,
    }
}

impl World {
    async fn call(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.app.url(path))
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    async fn json(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> Value {
        let res = self.call(client, path, form).await;
        assert_eq!(res.status(), 200, "{path} answers 200");
        res.json().await.expect("json")
    }

    async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let res = client
            .get(self.app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("GET");
        (res.status().as_u16(), res.text().await.expect("body"))
    }

    async fn upload(
        &self,
        client: &reqwest::Client,
        id: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        client
            .post(self.app.url(&format!("/consultations/{id}/import")))
            .multipart(form)
            .send()
            .await
            .expect("upload")
    }

    /// Creates a consultation as the secretariat; returns its id.
    async fn create(&self, title: &str, visibility: &str) -> String {
        let res = self
            .call(
                &self.staff,
                "/fn/consultations/create",
                &[
                    ("fields[title]", title),
                    (
                        "fields[summary]",
                        "What this draft is about, in plain words.",
                    ),
                    ("fields[languages]", "en,fr"),
                    ("fields[visibility]", visibility),
                    ("fields[opens_at]", ""),
                    ("fields[closes_at]", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "created");
        let list = self.json(&self.staff, "/fn/consultations/list", &[]).await;
        list["consultations"]
            .as_array()
            .expect("list")
            .iter()
            .find(|c| c["title"] == title)
            .expect("the new consultation is listed")["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Creates, imports [`DRAFT`], publishes and opens a consultation.
    async fn open_consultation(&self) -> String {
        let id = self.create("Support Act", "council").await;
        let res = self
            .upload(&self.staff, &id, "draft.md", DRAFT.as_bytes().to_vec())
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            self.call(
                &self.staff,
                "/fn/drafts/publish",
                &[("id", &id), ("note", "")]
            )
            .await
            .status(),
            200
        );
        assert_eq!(
            self.call(
                &self.staff,
                "/fn/consultations/phase",
                &[("id", &id), ("step", "open")]
            )
            .await
            .status(),
            200
        );
        id
    }

    /// The section of the newest version with `number` under the article headed `article`.
    async fn section(&self, id: &str, article: &str, number: &str) -> (String, String) {
        let detail = self
            .json(&self.staff, "/fn/consultations/get", &[("id", id)])
            .await;
        let sections = detail["sections"].as_array().expect("sections");
        let start = sections
            .iter()
            .position(|s| s["heading"] == article)
            .unwrap_or_else(|| panic!("article {article}"));
        let s = sections[start..]
            .iter()
            .find(|s| s["number"] == number)
            .unwrap_or_else(|| panic!("paragraph {number} of {article}"));
        (
            s["id"].as_str().expect("id").to_owned(),
            s["chapter"].as_str().expect("chapter").to_owned(),
        )
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one comment form's fields, spelled out at each call"
    )]
    async fn post(
        &self,
        who: usize,
        id: &str,
        section: &str,
        kind: &str,
        body: &str,
        attribution: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = vec![
            ("consultation", id),
            ("section", section),
            ("fields[kind]", kind),
            ("fields[body]", body),
            ("fields[attribution]", attribution),
        ];
        form.extend_from_slice(extra);
        self.call(&self.members[who].1, "/fn/comments/post", &form)
            .await
    }
}

impl World {
    /// Sends every queued mail now, also the ones held for the day's fixed hour, and waits
    /// (bounded) until the outbox has sent them all.
    async fn release_held_mail(&self) {
        use roundtable_app::domain::platform::entities::outbox;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now()))
            .exec(&self.app.db)
            .await
            .expect("due now");
        self.app.outbox_sent().await;
    }

    /// The SQL statements one GET of `path` runs (the background jobs are off).
    async fn queries_for(&self, client: &reqwest::Client, path: &str) -> usize {
        use std::sync::atomic::Ordering;
        let before = self.app.queries.load(Ordering::SeqCst);
        let (status, _) = self.page(client, path).await;
        assert_eq!(status, 200, "{path}");
        self.app.queries.load(Ordering::SeqCst) - before
    }
}

/// A section's content note as a member reads the chapter.
async fn note_in_chapter(w: &World, id: &str, chapter: &str, section: &str) -> Value {
    let chapter = w
        .json(
            &w.members[0].1,
            "/fn/consultations/chapter",
            &[("id", id), ("anchor", chapter)],
        )
        .await;
    chapter["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["id"] == section)
        .expect("the section")["content_note"]
        .clone()
}

fn comment_ids(chapter: &Value) -> Vec<String> {
    chapter["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect()
}

db_tests! {
    async fn members_see_council_consultations_but_not_drafts(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let demo = council::Entity::find().one(&app.db).await.expect("query").expect("demo council").id;
        add_consultation(&app, demo, "open", "council").await;
        add_consultation(&app, demo, "draft", "council").await;
        assert!(titles(&app).await.is_empty(), "anonymous visitors see no consultations");
        app.sign_in_as("member").await;
        let mut seen = titles(&app).await;
        seen.sort();
        assert_eq!(seen, vec!["Canary open council", "Draft Act on Support Services (sample)"]);
    }

    async fn secretariat_sees_drafts(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let demo = council::Entity::find().one(&app.db).await.expect("query").expect("demo council").id;
        let draft = add_consultation(&app, demo, "draft", "council").await;
        app.sign_in_as("secretariat").await;
        assert!(titles(&app).await.contains(&"Canary draft council".to_owned()));
        let res = app.call("/fn/consultations/get", &[("id", &draft.to_string())]).await;
        assert_eq!(res.status(), 200);
    }

    async fn another_councils_consultation_is_never_visible(db) {
        let app = TestApp::builder(db).demo().spawn().await;
        let other = add_council(&app, "other").await;
        let invited = add_consultation(&app, other, "open", "invited").await;
        let council_only = add_consultation(&app, other, "open", "council").await;
        for role in ["member", "secretariat", "finance", "council_admin", "auditor"] {
            app.sign_in_as(role).await;
            assert!(!titles(&app).await.iter().any(|t| t.starts_with("Canary")), "{role} sees no other council");
            for id in [invited, council_only] {
                let res = app.call("/fn/consultations/get", &[("id", &id.to_string())]).await;
                assert_eq!(res.status(), 404, "{role} cannot open another council's consultation");
                let (status, body) = app.page(&format!("/consultations/{id}")).await;
                assert_eq!(status, 404);
                assert!(!body.contains("Canary"));
            }
        }
    }

    async fn invited_only_consultations_are_for_the_invited(db) {
        let w = world(db).await;
        let id = w.create("Invited draft", "invited").await;
        let res = w.upload(&w.staff, &id, "draft.md", DRAFT.as_bytes().to_vec()).await;
        assert_eq!(res.status(), 303);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "")]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "open")]).await.status(), 200);
        let (invited, _) = &w.members[0];
        let invited_id = invited.0.to_string();
        assert_eq!(
            w.call(&w.staff, "/fn/consultations/participant", &[("id", &id), ("person", &invited_id), ("invited", "true")]).await.status(),
            200
        );
        assert_eq!(w.call(&w.members[0].1, "/fn/consultations/get", &[("id", &id)]).await.status(), 200);
        assert_eq!(w.call(&w.members[1].1, "/fn/consultations/get", &[("id", &id)]).await.status(), 404);
        // A member of another council can never be invited.
        let outsider_person = w.outsider_id.0.to_string();
        let res = w.call(&w.staff, "/fn/consultations/participant", &[("id", &id), ("person", &outsider_person), ("invited", "true")]).await;
        assert_eq!(res.status(), 404, "outsiders cannot be invited");
        assert_eq!(w.call(&w.outsider, "/fn/consultations/get", &[("id", &id)]).await.status(), 404);
    }

    async fn the_whole_cycle_from_import_to_public_outcome(db) {
        let w = world(db).await;
        let id = w.create("Support Act", "council").await;
        // Draft: only staff see it.
        assert_eq!(w.call(&w.members[0].1, "/fn/consultations/get", &[("id", &id)]).await.status(), 404);
        let res = w.upload(&w.staff, &id, "draft.md", DRAFT.as_bytes().to_vec()).await;
        assert_eq!(res.status(), 303);
        assert!(res.headers()["location"].to_str().expect("location").ends_with("/manage#pending"));
        // The parsed tree, before publishing.
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let pending = manage["pending"]["sections"].as_array().expect("pending version");
        let kinds: Vec<(&str, &str)> = pending
            .iter()
            .map(|d| (d["section"]["kind"].as_str().expect("kind"), d["section"]["number"].as_str().expect("number")))
            .collect();
        assert!(kinds.contains(&("chapter", "Chapter 1")) && kinds.contains(&("chapter", "Chapter 2")), "{kinds:?}");
        assert!(kinds.contains(&("article", "Article 3")), "{kinds:?}");
        assert!(kinds.contains(&("point", "(a)")) && kinds.contains(&("point", "(b)")), "{kinds:?}");
        assert!(kinds.contains(&("paragraph", "2.")), "{kinds:?}");
        // Fix the tree: a content note on Article 2's first point.
        let point = pending.iter().find(|d| d["section"]["number"] == "(a)").expect("point (a)");
        let point_id = point["section"]["id"].as_str().expect("id");
        let res = w.call(&w.staff, "/fn/drafts/section", &[
            ("id", &id), ("section", point_id),
            ("fields[number]", "(a)"), ("fields[heading]", ""),
            ("fields[body]", point["section"]["body"].as_str().expect("body")),
            ("fields[content_note]", "describes violence"),
        ]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "")]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "open")]).await.status(), 200);
        // Everybody who may read is told, discreetly (the folder holds one mail per member).
        let mails = w.app.folder_mails(3, Duration::from_secs(20)).await;
        assert_eq!(mails.len(), 3, "one 'opened' mail per member");
        for mail in &mails {
            let lower = mail.raw.to_lowercase();
            assert!(!lower.contains("support act") && !lower.contains("consultation"), "discreet: {}", mail.raw);
        }

        let (housing_1, chapter) = w.section(&id, "Housing", "1.").await;
        let (housing_2, _) = w.section(&id, "Housing", "2.").await;
        assert_eq!(w.post(0, &id, &housing_1, "concern", "Safe housing must include **women-only** places.", "named", &[]).await.status(), 200);
        assert_eq!(w.post(1, &id, &housing_1, "question", "Who checks that housing is safe?", "pseudonym", &[]).await.status(), 200);
        assert_eq!(
            w.post(2, &id, &housing_1, "comment", "I waited three weeks for a bed. <script>alert(1)</script>", "anonymous", &[("fields[consent]", "on")]).await.status(),
            200
        );
        assert_eq!(
            w.post(1, &id, &housing_2, "wording", "", "pseudonym", &[("fields[proposal]", "Housing shall be available within 12 hours.")]).await.status(),
            200
        );
        let chapter_view = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        let comments = chapter_view["comments"].as_array().expect("comments");
        assert_eq!(comments.len(), 4);
        let anonymous = comments.iter().find(|c| c["body_html"].as_str().unwrap_or("").contains("three weeks")).expect("anonymous comment");
        assert_eq!(anonymous["author"]["as"], "anonymous");
        assert!(!anonymous["body_html"].as_str().expect("html").contains("<script"), "sanitized");
        assert_eq!(anonymous["mine"], false);
        let anonymous_id = anonymous["id"].as_str().expect("id").to_owned();
        // The member replies to the anonymous comment; the thread keeps it under its parent.
        let res = w.call(&w.members[0].1, "/fn/comments/post", &[
            ("consultation", &id), ("parent", &anonymous_id), ("fields[body]", "Same here, thank you for saying it."),
        ]).await;
        assert_eq!(res.status(), 200);
        let own = w.json(&w.members[2].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        let mine = own["comments"].as_array().expect("comments").iter().find(|c| c["id"] == anonymous_id.as_str()).expect("own comment");
        assert_eq!(mine["mine"], true, "the anonymous author sees it is theirs");
        let ids = comment_ids(&own);
        let at = ids.iter().position(|c| *c == anonymous_id).expect("parent");
        assert_eq!(own["comments"][at + 1]["depth"], 1, "the reply follows its parent");
        let wording = own["comments"].as_array().expect("comments").iter().find(|c| c["kind"] == "wording").expect("wording");
        assert!(wording["proposal"].as_array().expect("diff").iter().any(|p| p["op"] == "added" && p["text"].as_str().unwrap_or("").contains("12")), "{wording}");
        let wording_id = wording["id"].as_str().expect("id").to_owned();
        assert_eq!(wording["author"]["as"], "pseudonym");

        // The chapter page renders the comments and a reachable comment control per section.
        let (status, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/{chapter}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("women-only"));
        assert!(html.matches("?on=").count() >= 3, "a \"comment on this section\" link per section: {html}");
        assert!(!html.contains("name=\"fields[body]\""), "no form is open until asked for");
        let (status, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/{chapter}?on={housing_1}")).await;
        assert_eq!(status, 200);
        assert_eq!(html.matches("name=\"fields[body]\"").count(), 1, "the link opens that section's form");
        assert!(html.contains(&format!("id=\"write-section-{housing_1}\"")));

        // Close; a comment one second late is refused and its text kept.
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        let late = w.post(0, &id, &housing_1, "comment", "A late thought I do not want to lose.", "named", &[]).await;
        assert_eq!(late.status(), 409);
        let late: Value = late.json().await.expect("json");
        assert_eq!(late["code"], "closed");
        let kept = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert!(kept["drafts"].to_string().contains("A late thought"), "the late text is kept: {}", kept["drafts"]);

        // Nothing moves on while a comment has no answer.
        let res = w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "outcome"), ("public", "on")]).await;
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "unanswered");
        assert_eq!(body["count"], 5);
        // A member cannot answer.
        let res = w.call(&w.members[0].1, "/fn/comments/answer", &[("comment", &wording_id), ("fields[decision]", "accepted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 403);
        // The secretariat answers every comment; the wording led to a change.
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        assert_eq!(queue["unanswered"], 5);
        for item in queue["items"].as_array().expect("items") {
            let cid = item["comment"]["id"].as_str().expect("id");
            let (decision, changed) = if cid == wording_id { ("accepted", "on") } else { ("noted", "") };
            let res = w.call(&w.staff, "/fn/comments/answer", &[
                ("comment", cid), ("fields[decision]", decision),
                ("fields[explanation]", "Thank you; we considered this carefully."), ("fields[changed]", changed),
            ]).await;
            assert_eq!(res.status(), 200);
        }
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "responded")]).await.status(), 200);
        // Every author is told; no mail names anybody. Named comments' notices go at once and
        // link the comment; the others wait for the day's fixed hour and link nothing.
        w.release_held_mail().await;
        let mails = w.app.folder_mails(0, Duration::ZERO).await;
        assert!(mails.iter().any(|m| m.raw.contains("zephyrine@example.org")), "the anonymous author is told");
        assert!(mails.iter().any(|m| m.raw.contains("pia@example.org") && !m.raw.contains("/go/")), "the pseudonymous author is told");
        for m in &mails {
            assert!(!m.raw.contains(CANARY) && !m.raw.contains("Amira"), "no names in mails");
            assert!(!m.raw.to_lowercase().contains("consultation"), "no topic word, not even in the link");
            assert!(!m.raw.contains(&anonymous_id) && !m.raw.contains(&wording_id), "no mail points at an unattributed comment");
        }
        // The neutral link of a named comment's notice leads to it.
        let named_id = comments.iter().find(|c| c["body_html"].as_str().unwrap_or("").contains("women-only")).expect("named")["id"].as_str().expect("id").to_owned();
        let answered = mails.iter().find(|m| m.raw.contains(&format!("/go/{named_id}"))).expect("the named comment's answered mail");
        assert!(answered.raw.contains("amira@example.org"), "it goes to its author");
        let link = answered.raw.split_whitespace().find(|w| w.contains("/go/")).expect("a /go/ link");
        let path = &link[link.find("/go/").expect("path")..];
        let res = w.members[0].1.get(w.app.url(path)).send().await.expect("GET");
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().expect("location");
        // The comment's thread on its section's page: there however many comments there are.
        assert!(to.contains(&format!("/consultations/{id}/comments/")) && to.contains("?thread=") && to.ends_with(&format!("#comment-{named_id}")), "{to}");
        let (status, page) = w.page(&w.members[0].1, to).await;
        assert_eq!(status, 200);
        assert!(page.contains(&format!("id=\"comment-{named_id}\"")), "the thread page shows the comment");
        // Signed out, the same link only asks to sign in.
        let res = crate::harness::client(&w.app.base).get(w.app.url(path)).send().await.expect("GET");
        assert_eq!(res.headers()["location"].to_str().expect("location"), format!("/sign-in?next={path}"));
        // The anonymous author finds the answer on their start page.
        let home = w.json(&w.members[2].1, "/fn/consultations/list", &[]).await;
        assert_eq!(home["answers"][0]["comment"], anonymous_id.as_str());

        // Version 2: the secretariat edits the paragraph the wording comment was about.
        assert_eq!(w.call(&w.staff, "/fn/drafts/revise", &[("id", &id)]).await.status(), 200);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let pending = manage["pending"]["sections"].as_array().expect("pending");
        let target = pending.iter().find(|d| d["section"]["body"].as_str().unwrap_or("").contains("24 hours")).expect("paragraph");
        let res = w.call(&w.staff, "/fn/drafts/section", &[
            ("id", &id), ("section", target["section"]["id"].as_str().expect("id")),
            ("fields[number]", "2."), ("fields[heading]", ""),
            ("fields[body]", "Housing shall be available within 12 hours."), ("fields[content_note]", ""),
        ]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "Shorter wait")]).await.status(), 200);
        let diff = w.json(&w.members[0].1, "/fn/consultations/diff", &[("id", &id), ("from", "1"), ("to", "2")]).await;
        let changed: Vec<&Value> = diff["sections"].as_array().expect("sections").iter().filter(|s| s["change"] != "same").collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0]["comments"][0]["id"], wording_id.as_str(), "the change lists the comment behind it");
        let (status, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/changes?from=1&to=2")).await;
        assert_eq!(status, 200);
        assert!(html.contains("<ins>") && html.contains(&wording_id));

        // The outcome, published publicly.
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "outcome"), ("public", "on")]).await.status(), 200);
        let report = w.json(&w.members[0].1, "/fn/consultations/outcome", &[("id", &id)]).await;
        assert_eq!(report["figures"]["received"], 5);
        assert_eq!(report["figures"]["answered_pct"], 100);
        assert_eq!(report["figures"]["accepted_pct"], 20);
        assert_eq!(report["figures"]["sections_changed"], 1);
        let csv = w.staff.get(w.app.url(&format!("/consultations/{id}/outcome.csv"))).send().await.expect("csv");
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
        let csv = csv.text().await.expect("text");
        assert_eq!(csv.lines().count(), 1 + 5, "header and one row per comment:\n{csv}");
        assert!(csv.contains("Amira Named") && csv.contains(",anonymous,"), "{csv}");
        let (status, print) = w.page(&w.members[0].1, &format!("/consultations/{id}/outcome/print")).await;
        assert_eq!(status, 200);
        assert!(print.contains("print-view") && print.contains("women-only"));
        // Public: only the consented (anonymous) comment, no sign-in needed.
        let public = crate::harness::client(&w.app.base);
        let (status, html) = w.page(&public, &format!("/outcome/{id}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("three weeks"), "the consented comment is public");
        assert!(!html.contains("women-only") && !html.contains("Amira"), "comments without consent stay out");
        let public_csv = public.get(w.app.url(&format!("/outcome/{id}/csv"))).send().await.expect("csv").text().await.expect("text");
        // The consented comment, and the changed section (whose comment did not consent).
        assert_eq!(public_csv.lines().count(), 3, "{public_csv}");
        assert!(public_csv.contains("three weeks") && !public_csv.contains("women-only") && !public_csv.contains("Contributor"), "{public_csv}");
        // Consent given and withdrawn takes effect at once (a named comment's author).
        let named_id = comments.iter().find(|c| c["body_html"].as_str().unwrap_or("").contains("women-only")).expect("named")["id"].as_str().expect("id").to_owned();
        assert_eq!(w.call(&w.members[0].1, "/fn/comments/consent", &[("comment", &named_id), ("given", "true")]).await.status(), 200);
        let (_, html) = w.page(&public, &format!("/outcome/{id}")).await;
        assert!(html.contains("women-only"), "given consent takes effect at once");
        assert_eq!(w.call(&w.members[0].1, "/fn/comments/consent", &[("comment", &named_id), ("given", "false")]).await.status(), 200);
        let (_, html) = w.page(&public, &format!("/outcome/{id}")).await;
        assert!(!html.contains("women-only"), "withdrawn consent takes effect at once");
        // The anonymous comment's author is forgotten once the outcome is published: nobody
        // can act for them any more (the comment form says so before they post).
        assert_eq!(w.call(&w.members[2].1, "/fn/comments/consent", &[("comment", &anonymous_id), ("given", "false")]).await.status(), 403);
    }

    async fn an_answer_links_a_change_in_another_section(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (housing_1, _) = w.section(&id, "Housing", "1.").await;
        let detail = w.json(&w.staff, "/fn/consultations/get", &[("id", &id)]).await;
        let anchor_of = |number: &str, heading: &str| {
            let sections = detail["sections"].as_array().expect("sections");
            let start = sections.iter().position(|s| s["heading"] == heading).expect("article");
            sections[start..].iter().find(|s| s["number"] == number).expect("section")["anchor"]
                .as_str()
                .expect("anchor")
                .to_owned()
        };
        let definition = anchor_of("(a)", "Definitions");
        let res = w.post(0, &id, &housing_1, "concern", "Housing must count as support in the definitions.", "named", &[]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        let cid = queue["items"][0]["comment"]["id"].as_str().expect("id").to_owned();
        assert!(
            queue["sections"].as_array().expect("sections").iter().any(|s| s[0] == definition.as_str()),
            "the queue offers every section: {}",
            queue["sections"]
        );
        // A section that is not in this consultation is refused, and nothing is recorded.
        let answer = |also: String| {
            let (w, cid) = (&w, cid.clone());
            async move {
                w.call(&w.staff, "/fn/comments/answer", &[
                    ("comment", cid.as_str()), ("fields[decision]", "partly_accepted"),
                    ("fields[explanation]", "We widened the definition instead."), ("fields[changed]", ""),
                    ("fields[also]", also.as_str()),
                ]).await
            }
        };
        let res = answer("no-such-section".to_owned()).await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["field"], "also", "{body}");
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        assert_eq!(queue["unanswered"], 1, "the refused answer was not saved");
        assert_eq!(answer(definition.clone()).await.status(), 200);
        // The queue keeps the list of every section off its items: the item whose list is
        // open (`?also=`) shows it, rendered for that visit only ...
        let open = format!("/consultations/{id}/answers?also={cid}");
        let (status, html) = w.page(&w.staff, &open).await;
        assert_eq!(status, 200);
        assert!(
            html.contains(&format!("<option value=\"{definition}\" selected")),
            "the open list shows the linked section"
        );
        assert_eq!(html.matches("<select id=\"also-").count(), 1, "on that item only");
        // ... and every other visit carries the choice in a hidden field, names it, and links
        // to the list.
        let (status, html) = w.page(&w.staff, &format!("/consultations/{id}/answers")).await;
        assert_eq!(status, 200);
        assert!(!html.contains("<select id=\"also-"), "no list open, none kept from before");
        assert!(
            html.contains(&format!("name=\"fields[also]\" value=\"{definition}\"")),
            "the form keeps the linked section"
        );
        assert!(html.contains("It also led to a change of: "), "and names it");
        assert!(html.contains(&format!("href=\"{open}#also-{cid}\"")), "a link opens the list");

        // Version 2 changes the definition: the diff lists the comment under it.
        assert_eq!(w.call(&w.staff, "/fn/drafts/revise", &[("id", &id)]).await.status(), 200);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let pending = manage["pending"]["sections"].as_array().expect("pending");
        let target = pending.iter().find(|d| d["section"]["anchor"] == definition.as_str()).expect("definition");
        let res = w.call(&w.staff, "/fn/drafts/section", &[
            ("id", &id), ("section", target["section"]["id"].as_str().expect("id")),
            ("fields[number]", "(a)"), ("fields[heading]", ""),
            ("fields[body]", "\"support\" means safe housing, health care and legal advice;"), ("fields[content_note]", ""),
        ]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "")]).await.status(), 200);
        let diff = w.json(&w.members[0].1, "/fn/consultations/diff", &[("id", &id), ("from", "1"), ("to", "2")]).await;
        let changed: Vec<&Value> = diff["sections"].as_array().expect("sections").iter().filter(|s| s["change"] != "same").collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0]["anchor"], definition.as_str());
        assert_eq!(changed[0]["comments"][0]["id"], cid.as_str(), "the change lists the comment on another section");
    }

    async fn words_selected_in_the_text_open_the_form_as_its_quote(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (sid, chapter) = w.section(&id, "Housing", "1.").await;
        let page = format!("/consultations/{id}/part/{chapter}");
        // The quote link is in the page, hidden until a script sees a selection.
        let (status, html) = w.page(&w.members[0].1, &page).await;
        assert_eq!(status, 200);
        let doc = crate::harness::html(&html);
        let link = scraper::Selector::parse(&format!("a[data-quote-for=\"{sid}\"]")).expect("css");
        let link = doc.select(&link).next().expect("a quote link per section");
        assert!(link.value().attr("hidden").is_some(), "hidden without a selection");
        assert_eq!(link.value().attr("data-quote-page"), Some(format!("{page}?on={sid}").as_str()));
        // The link's address opens the form with the words, escaped, and cut to the field's size.
        let quote = format!("<script>alert(1)</script> safe housing {}", "a".repeat(1500));
        let (status, html) = w.page(&w.members[0].1, &format!("{page}?on={sid}&quote={}", urlencode(&quote))).await;
        assert_eq!(status, 200);
        assert!(!html.contains("<script>alert(1)"), "the quote is text, never markup");
        let doc = crate::harness::html(&html);
        let input = scraper::Selector::parse(&format!("#quote-{sid}")).expect("css");
        let value = doc.select(&input).next().expect("the form is open").value().attr("value").expect("value").to_owned();
        assert!(value.starts_with("<script>alert(1)</script> safe housing"), "{value}");
        assert_eq!(value.chars().count(), 1000, "cut to the field's 1,000 characters");
        // A reader who may not comment gets no form and no link.
        let (_, html) = w.page(&w.auditor, &format!("{page}?on={sid}&quote=x")).await;
        assert!(!html.contains("data-quote-for") && !html.contains(&format!("id=\"quote-{sid}\"")));
    }

    async fn the_chapter_page_is_html_once_with_one_island(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        let text = "Shelters need ramps for wheelchairs.";
        assert_eq!(w.post(0, &id, &section, "concern", text, "named", &[]).await.status(), 200);
        let (status, html) = w.page(&w.members[1].1, &format!("/consultations/{id}/part/{chapter}")).await;
        assert_eq!(status, 200);
        // Islands mode: the page is not hydrated, so its data is not sent a second time for
        // the browser; only the page-scripts island is.
        assert_eq!(html.matches(text).count(), 1, "the comment is in the page once");
        assert_eq!(html.matches("<leptos-island").count(), 1, "one island: the page scripts");
        assert!(html.contains("data-component=\"PageScripts"), "the island is the page scripts");
        assert_eq!(html.matches("Amira Named").count(), 1, "the author's name once, as HTML");
    }

    async fn pages_run_the_same_queries_for_one_comment_or_many(db) {
        let w = world_on(TestApp::builder(db).count_queries()).await;
        allow_many_posts(&w.app, w.council).await;
        let id = w.open_consultation().await;
        let (first, chapter1) = w.section(&id, "Purpose", "1.").await;
        let (housing, chapter2) = w.section(&id, "Housing", "1.").await;
        let (later, _) = w.section(&id, "Housing", "2.").await;
        let reader = &w.members[0].1;
        let part1 = format!("/consultations/{id}/part/{chapter1}");
        let part2 = format!("/consultations/{id}/part/{chapter2}");
        let whole = format!("/consultations/{id}");
        // A little of everything on both chapters: a named comment with an answer, a reply,
        // a kept draft of the reader.
        for section in [&first, &housing] {
            assert_eq!(w.post(0, &id, section, "comment", "A first comment.", "named", &[]).await.status(), 200);
        }
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        for item in queue["items"].as_array().expect("items") {
            let cid = item["comment"]["id"].as_str().expect("id");
            assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", cid), ("fields[decision]", "noted"), ("fields[explanation]", "Noted.")]).await.status(), 200);
            assert_eq!(w.call(&w.members[1].1, "/fn/comments/post", &[("consultation", &id), ("parent", cid), ("fields[kind]", "comment"), ("fields[body]", "A reply."), ("fields[attribution]", "pseudonym")]).await.status(), 200);
        }
        assert_eq!(w.call(reader, "/fn/comments/draft", &[("consultation", &id), ("slot", &format!("section:{later}")), ("fields[body]", "Half written")]).await.status(), 200);
        // The first GET after a change builds the reader's view; the next ones reuse it.
        let _warm = w.queries_for(reader, &whole).await;
        let small_built = (w.queries_for(reader, &part1).await, w.queries_for(reader, &part2).await);
        let small_kept = (w.queries_for(reader, &part1).await, w.queries_for(reader, &part2).await);
        let small_whole = w.queries_for(reader, &whole).await;
        let staff_small = (w.queries_for(&w.staff, &part2).await, w.queries_for(&w.staff, &part2).await);

        // Many more: every member, every attribution, on several sections, answered, hidden.
        for round in 0..8 {
            for (who, attribution) in [(0, "named"), (1, "pseudonym"), (2, "anonymous")] {
                for section in [&housing, &later, &first] {
                    let text = format!("Comment {round} by {who}.");
                    assert_eq!(w.post(who, &id, section, "concern", &text, attribution, &[("fields[consent]", "on")]).await.status(), 200);
                }
            }
        }
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        let items = queue["items"].as_array().expect("items");
        assert!(queue["total"].as_i64().expect("total") > 70, "{} comments to answer", queue["total"]);
        assert_eq!(items.len(), 25, "the queue shows a page at a time");
        for (n, item) in items.iter().enumerate().filter(|(n, _)| n % 3 == 0) {
            let cid = item["comment"]["id"].as_str().expect("id");
            if n % 2 == 0 {
                assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", cid), ("fields[decision]", "accepted"), ("fields[explanation]", "Yes.")]).await.status(), 200);
            } else {
                assert_eq!(w.call(&w.staff, "/fn/comments/hide", &[("comment", cid), ("reason", "off_topic"), ("note", "")]).await.status(), 200);
            }
        }
        // Posting on that section used up the reader's kept text; keep some again.
        assert_eq!(w.call(reader, "/fn/comments/draft", &[("consultation", &id), ("slot", &format!("section:{later}")), ("fields[body]", "Half written")]).await.status(), 200);
        let many_built = (w.queries_for(reader, &part1).await, w.queries_for(reader, &part2).await);
        let many_kept = (w.queries_for(reader, &part1).await, w.queries_for(reader, &part2).await);
        let many_whole = w.queries_for(reader, &whole).await;
        assert_eq!(many_built, small_built, "(chapter 1, chapter 2) built: the same statements for 2 comments or 80");
        assert_eq!(many_kept, small_kept, "(chapter 1, chapter 2) kept: the same statements for 2 comments or 80");
        assert_eq!(many_whole, small_whole, "whole draft: the same statements for 2 comments or 80");
        let staff_many = (w.queries_for(&w.staff, &part2).await, w.queries_for(&w.staff, &part2).await);
        assert_eq!(staff_many, staff_small, "the secretariat's view too");
        assert_eq!(small_built.0, small_built.1, "chapters of different sizes run the same statements");
        // Built: session with the actor's roles, consultation, council time zone, version, sections, the
        // newest threads per section, their first replies, names, answers, change links,
        // comment counts, kept drafts.
        assert!(small_built.0 <= 13, "a chapter page runs {} statements", small_built.0);
        // Kept: the session with the actor's roles (read in one statement), the consultation
        // (its revision says the kept view is current; it also tells whether the person
        // keeps any text), and only for a reader who keeps text, their kept texts.
        assert_eq!(small_kept, (3, 3), "a chapter page read again by a reader with kept text runs 3 statements");
        let plain = &w.members[2].1;
        let _warm = w.queries_for(plain, &part2).await;
        assert_eq!(w.queries_for(plain, &part2).await, 2, "a chapter page read again by a reader without kept text runs 2 statements");
        // And the page showed each section's newest threads, a link to all of them, and the
        // reader's kept text.
        let (_, html) = w.page(reader, &part2).await;
        let shown = html.matches("class=\"comment ").count();
        assert!((10..=40).contains(&shown), "the chapter shows {shown} comments: at most 5 threads of 4 per section");
        assert!(html.contains(&format!("/consultations/{id}/comments/")), "a link to every comment on the section");
        assert!(html.contains("Half written"), "the reader's kept text is on the page");
    }

    async fn reading_a_chapter_writes_nothing(db) {
        use roundtable_app::domain::identity::entities::session;
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (_, chapter) = w.section(&id, "Housing", "1.").await;
        let path = format!("/consultations/{id}/part/{chapter}");
        let reader = &w.members[0].1;
        // The first read may keep the session alive (a write at most once a minute).
        assert_eq!(w.page(reader, &path).await.0, 200);
        let rows = || async {
            session::Entity::find()
                .all(&w.app.db)
                .await
                .expect("sessions")
                .into_iter()
                .map(|s| (s.id_hash, s.data, s.expires_at))
                .collect::<Vec<_>>()
        };
        let before = rows().await;
        for _ in 0..3 {
            assert_eq!(w.page(reader, &path).await.0, 200);
        }
        assert_eq!(rows().await, before, "reading the chapter again wrote the session");
    }

    async fn a_readers_kept_chapter_follows_every_change(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        // Read twice after every change: the first read builds the reader's kept view, the
        // second must not serve it once anything it shows has changed.
        let read = async || {
            let path = "/fn/consultations/chapter";
            let form = [("id", id.as_str()), ("anchor", chapter.as_str())];
            let first = w.json(&w.members[1].1, path, &form).await;
            let second = w.json(&w.members[1].1, path, &form).await;
            assert_eq!(first, second, "a kept view is the view");
            second
        };
        assert!(comment_ids(&read().await).is_empty());
        assert_eq!(w.post(0, &id, &section, "comment", "First words.", "named", &[]).await.status(), 200);
        let view = read().await;
        let cid = comment_ids(&view).pop().expect("the new comment is shown");
        assert!(view["comments"][0]["body_html"].as_str().expect("html").contains("First words."));
        let count = |view: &Value| view["sections"].as_array().expect("sections").iter().find(|s| s["id"] == section.as_str()).expect("section")["comment_count"].clone();
        assert_eq!(count(&view), 1);

        // Edited by its author.
        let res = w.call(&w.members[0].1, "/fn/comments/edit", &[
            ("consultation", &id), ("comment", &cid), ("fields[kind]", "comment"),
            ("fields[body]", "Second words."), ("fields[attribution]", "named"),
        ]).await;
        assert_eq!(res.status(), 200);
        assert!(read().await["comments"][0]["body_html"].as_str().expect("html").contains("Second words."));

        // Answered.
        assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", &cid), ("fields[decision]", "accepted"), ("fields[explanation]", "We agree.")]).await.status(), 200);
        assert_eq!(read().await["comments"][0]["response"]["explanation"], "We agree.");

        // The author changes their display name.
        let res = w.call(&w.members[0].1, "/fn/account/update", &[("display_name", "Amira Renamed"), ("notify", "email")]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(read().await["comments"][0]["author"]["name"], "Amira Renamed");

        // A content note on the published text.
        assert_eq!(w.call(&w.staff, "/fn/drafts/note", &[("id", id.as_str()), ("section", section.as_str()), ("note", "describes violence")]).await.status(), 200);
        let view = read().await;
        let noted = view["sections"].as_array().expect("sections").iter().find(|s| s["id"] == section.as_str()).expect("section");
        assert_eq!(noted["content_note"], "describes violence");

        // Hidden by the secretariat.
        assert_eq!(w.call(&w.staff, "/fn/comments/hide", &[("comment", &cid), ("reason", "off_topic"), ("note", "")]).await.status(), 200);
        assert!(comment_ids(&read().await).is_empty());

        // Written by another process or tool, straight into the database.
        let row = Uuid::parse_str(&cid).expect("uuid");
        comment::Entity::update_many()
            .col_expr(comment::Column::Status, Expr::value("visible"))
            .col_expr(comment::Column::BodyHtml, Expr::value("<p>Written elsewhere.</p>"))
            .filter(comment::Column::Id.eq(row))
            .exec(&w.app.db)
            .await
            .expect("update");
        assert!(read().await["comments"][0]["body_html"].as_str().expect("html").contains("Written elsewhere."));
        let before = read().await["comments"][0]["created_local"].as_str().expect("time").to_owned();
        council::Entity::update_many()
            .col_expr(council::Column::TimeZone, Expr::value("Pacific/Auckland"))
            .exec(&w.app.db)
            .await
            .expect("update");
        let after = read().await["comments"][0]["created_local"].as_str().expect("time").to_owned();
        assert!(after.ends_with("(Pacific/Auckland)"), "{before} then {after}");

        // A new version is published.
        assert_eq!(read().await["version"], 1);
        assert_eq!(w.call(&w.staff, "/fn/drafts/revise", &[("id", &id)]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "")]).await.status(), 200);
        assert_eq!(read().await["version"], 2);

        // Withdrawn by its author.
        assert_eq!(w.call(&w.members[0].1, "/fn/comments/withdraw", &[("comment", &cid)]).await.status(), 200);
        assert!(comment_ids(&read().await).is_empty());
    }

    async fn a_kept_chapter_page_is_the_page_rendered_afresh(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        assert_eq!(w.post(1, &id, &section, "comment", "Words on housing.", "pseudonym", &[]).await.status(), 200);
        let path = format!("/consultations/{id}/part/{chapter}");
        let reader = &w.members[0].1;
        // (status, headers, page with its nonce taken out, nonce); not the date, nor the
        // session cookie, which the session layer around every page renews when the session
        // is kept alive (at most once a minute)
        let get = async |url: String, language: Option<&str>| {
            let mut req = reader.get(w.app.url(&url)).header("accept", "text/html");
            if let Some(language) = language {
                req = req.header("accept-language", language);
            }
            let res = req.send().await.expect("GET");
            let policy = res.headers()[http::header::CONTENT_SECURITY_POLICY].to_str().expect("policy").to_owned();
            let nonce = policy.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect("a nonce in the policy").to_owned();
            let headers: Vec<String> = res.headers().iter()
                .filter(|(n, _)| *n != http::header::DATE && *n != http::header::SET_COOKIE)
                .map(|(n, v)| format!("{n}: {}", v.to_str().expect("header").replace(&nonce, "NONCE")))
                .collect();
            let status = res.status().as_u16();
            let html = res.text().await.expect("page");
            assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's script carries the policy's nonce");
            (status, headers, html.replace(&nonce, "NONCE"), nonce)
        };
        let found = || w.app.state.pages.found();
        let before = found();
        let rendered = get(path.clone(), None).await;
        assert_eq!(found(), before, "the first visit renders the page");
        let kept = get(path.clone(), None).await;
        assert_eq!(found(), before + 1, "the second is the kept page");
        assert_eq!(rendered.0, 200);
        assert_ne!(kept.3, rendered.3, "every response has its own nonce");
        assert_eq!(kept.1, rendered.1, "the same headers");
        assert_eq!(kept.2, rendered.2, "the same page");
        assert!(kept.2.contains("Words on housing.") && kept.2.contains("Amira Named"));
        // An empty query renders the whole page again (a query is never kept): the same.
        let fresh = get(format!("{path}?"), None).await;
        assert_eq!(found(), before + 1);
        assert_eq!(fresh.2, kept.2, "a kept page is the page rendered afresh");

        // What only the frame shows: the council's name.
        council::Entity::update_many()
            .col_expr(council::Column::Name, Expr::value("Renamed Council"))
            .filter(council::Column::Id.eq(w.council.0))
            .exec(&w.app.db)
            .await
            .expect("update");
        let renamed = get(path.clone(), None).await;
        assert!(renamed.2.contains("Renamed Council"), "a kept page follows its frame");
        assert_eq!(get(path.clone(), None).await.2, renamed.2);
        assert_eq!(get(format!("{path}?"), None).await.2, renamed.2);
        // The browser's language.
        let french = get(path.clone(), Some("fr")).await;
        assert!(french.2.contains("lang=\"fr\""), "in French");
        assert_eq!(get(path.clone(), Some("fr")).await.2, french.2);
        assert!(get(path.clone(), Some("en")).await.2.contains("lang=\"en\""));
        // Another reader's page is theirs.
        let (_, other) = w.page(&w.members[1].1, &path).await;
        assert!(other.contains("Pia Pseudo") && !other.contains("Amira Named"), "each reader's own frame");
        // A new comment.
        assert_eq!(w.post(2, &id, &section, "comment", "Later words.", "named", &[]).await.status(), 200);
        let after = get(path.clone(), None).await;
        assert!(after.2.contains("Later words."), "a kept page follows its chapter");
        assert_eq!(get(format!("{path}?"), None).await.2, after.2);
        // Signed out: no kept page of the person.
        assert!(w.call(reader, "/fn/session/sign-out", &[]).await.status().as_u16() < 400, "signed out");
        let (_, signed_out) = w.page(reader, &path).await;
        assert!(!signed_out.contains("Amira Named"), "signed out, the frame names nobody");
    }

    async fn content_notes_can_be_added_to_the_published_text(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        let read = async || note_in_chapter(&w, &id, &chapter, &section).await;
        assert_eq!(read().await, Value::Null);
        let set = async |client: &reqwest::Client, note: &str| {
            w.call(client, "/fn/drafts/note", &[("id", id.as_str()), ("section", section.as_str()), ("note", note)]).await.status()
        };
        assert_eq!(set(&w.members[0].1, "describes violence").await, 403, "members cannot");
        assert_eq!(set(&w.outside_staff, "describes violence").await, 404, "another council's secretariat cannot");
        assert_eq!(set(&w.staff, &"x".repeat(301)).await, 400, "too long");
        assert_eq!(set(&w.staff, "two\nlines").await, 400, "one line");
        assert_eq!(read().await, Value::Null, "nothing half-saved");
        assert_eq!(set(&w.staff, "Describes violence").await, 200);
        assert_eq!(read().await, "Describes violence");
        let (_, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/{chapter}")).await;
        assert!(html.contains("content-note") && html.contains("Describes violence"), "shown before the text");
        // Still possible once comments are closed, and it can be removed.
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        assert_eq!(set(&w.staff, "").await, 200);
        assert_eq!(read().await, Value::Null);
        let audit = roundtable_app::domain::platform::entities::audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("section.content_note_set"))
            .all(&w.app.db).await.expect("audit");
        assert_eq!(audit.len(), 2, "each change is audited");
    }

    async fn text_that_closes_its_field_stays_text(db) {
        // Leptos writes a textarea's children raw; every field that comes back in one must
        // round-trip as text, whatever end tag it holds.
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        let payload = |n: &str| format!("</textarea></title></script><a id=\"pwned-{n}\" href=\"/x\">x</a><meta http-equiv=\"refresh\" content=\"0;url=/x\">");
        let summary = payload("summary");
        let res = w.call(&w.staff, "/fn/consultations/update", &[
            ("id", &id), ("fields[title]", "Support Act"), ("fields[summary]", &summary),
            ("fields[languages]", "en,fr"), ("fields[visibility]", "council"),
            ("fields[opens_at]", ""), ("fields[closes_at]", ""),
        ]).await;
        assert_eq!(res.status(), 200, "summary saved");
        let body = payload("body");
        let res = w.post(0, &id, &section, "comment", &body, "named", &[]).await;
        assert_eq!(res.status(), 200, "comment posted");
        let view = w.json(&w.staff, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        let comment = comment_ids(&view).pop().expect("the comment");
        let explanation = payload("explanation");
        assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", &comment), ("fields[decision]", "noted"), ("fields[explanation]", &explanation)]).await.status(), 200);
        let kept = payload("kept");
        assert_eq!(w.call(&w.members[1].1, "/fn/comments/draft", &[("consultation", &id), ("slot", &format!("section:{section}")), ("fields[body]", &kept)]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/drafts/revise", &[("id", &id)]).await.status(), 200);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let pending_id = manage["pending"]["sections"].as_array().expect("pending")[0]["section"]["id"].as_str().expect("id").to_owned();
        let text = payload("section");
        assert_eq!(w.call(&w.staff, "/fn/drafts/section", &[
            ("id", &id), ("section", &pending_id), ("fields[number]", "Chapter 1"), ("fields[heading]", "Scope"),
            ("fields[body]", &text), ("fields[content_note]", ""),
        ]).await.status(), 200);

        let page = format!("/consultations/{id}/part/{chapter}");
        for (who, path, field, want) in [
            (&w.staff, format!("/consultations/{id}/manage"), "summary".to_owned(), &summary),
            (&w.staff, format!("/consultations/{id}/manage"), format!("body-{pending_id}"), &text),
            (&w.staff, format!("/consultations/{id}/answers"), format!("exp-{comment}"), &explanation),
            (&w.members[0].1, format!("{page}?edit={comment}"), format!("edit-body-{comment}"), &body),
            (&w.members[1].1, format!("{page}?on={section}"), format!("body-{section}"), &kept),
        ] {
            let (status, html) = w.page(who, &path).await;
            assert_eq!(status, 200, "{path}");
            let doc = crate::harness::html(&html);
            let live = scraper::Selector::parse("[id^=pwned], meta[http-equiv]").expect("selector");
            assert!(doc.select(&live).next().is_none(), "{path}: the text became markup");
            let sel = scraper::Selector::parse(&format!("textarea[id=\"{field}\"]")).expect("selector");
            let found = doc.select(&sel).next().unwrap_or_else(|| panic!("{path}: no textarea #{field}"));
            assert_eq!(&found.text().collect::<String>(), want, "{path}: #{field} holds the text as typed");
        }
    }

    async fn an_anonymous_author_cannot_be_found(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        assert_eq!(w.post(2, &id, &section, "concern", "Anonymous canary comment text.", "anonymous", &[("fields[consent]", "on")]).await.status(), 200);
        let canary_id = w.members[2].0 .0.to_string();
        // Answer it, close, publish the outcome publicly.
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        let cid = queue["items"][0]["comment"]["id"].as_str().expect("id").to_owned();
        assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", &cid), ("fields[decision]", "noted"), ("fields[explanation]", "Noted.")]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "outcome"), ("public", "on")]).await.status(), 200);
        let mut seen: Vec<(String, String)> = Vec::new();
        let readers = [("secretariat", &w.staff), ("other member", &w.members[0].1), ("auditor", &w.auditor), ("council admin", &w.admin)];
        for (who, client) in readers {
            for (path, form) in [
                ("/fn/consultations/chapter", vec![("id", id.as_str()), ("anchor", chapter.as_str())]),
                ("/fn/consultations/get", vec![("id", id.as_str())]),
                ("/fn/consultations/answers", vec![("id", id.as_str())]),
                ("/fn/consultations/manage", vec![("id", id.as_str())]),
                ("/fn/consultations/outcome", vec![("id", id.as_str())]),
                ("/fn/audit/list", vec![("action", ""), ("from", ""), ("to", "")]),
            ] {
                let res = w.call(client, path, &form).await;
                seen.push((format!("{who} {path}"), res.text().await.expect("body")));
            }
            for path in [
                format!("/consultations/{id}/part/{chapter}"),
                format!("/consultations/{id}/answers"),
                format!("/consultations/{id}/outcome"),
                format!("/consultations/{id}/outcome/print"),
                format!("/consultations/{id}/outcome.csv"),
                "/council/audit".to_owned(),
            ] {
                let (_, body) = w.page(client, &path).await;
                seen.push((format!("{who} {path}"), body));
            }
        }
        let (_, public) = w.page(&crate::harness::client(&w.app.base), &format!("/outcome/{id}")).await;
        assert!(public.contains("Anonymous canary comment text."), "the comment itself is public");
        seen.push(("public report".into(), public));
        for mail in w.app.folder_mails(0, Duration::ZERO).await {
            seen.push(("a mail".into(), mail.raw));
        }
        for (where_, body) in &seen {
            assert!(!body.contains(CANARY), "{where_} names the anonymous author");
            assert!(!body.contains(&canary_id), "{where_} carries the anonymous author's id");
        }
        // The database links the comment to nobody: no author id, and no audit row with the
        // author as actor around it.
        let row = comment::Entity::find().filter(comment::Column::Attribution.eq("anonymous")).one(&w.app.db).await.expect("query").expect("row");
        assert_eq!(row.author_id, None);
        assert!(!row.author_sealed.contains(&canary_id) && !row.author_tag.contains(&canary_id));
        let actors = audit_log::Entity::find().filter(audit_log::Column::SubjectId.eq(row.id.to_string())).all(&w.app.db).await.expect("audit");
        assert!(!actors.is_empty());
        for a in actors {
            assert_ne!(a.actor_id, Some(w.members[2].0 .0), "audit row {} names the author", a.action);
        }
        // Once the outcome is published even the platform no longer knows whose it is.
        let own = w.json(&w.members[2].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert_eq!(own["comments"][0]["mine"], false, "the link to the author is gone");
        // No id a reader sees says when its row was made (random, not time-ordered, UUIDs).
        for (what, value) in [("comment", cid.as_str()), ("consultation", id.as_str()), ("section", section.as_str())] {
            let parsed = Uuid::parse_str(value).expect("a uuid");
            assert_eq!(parsed.get_version_num(), 4, "the {what} id {value} is random");
        }
    }

    async fn three_comments_within_a_second_cannot_be_linked_to_their_author(db) {
        use roundtable_app::domain::consultations::authorship;
        use roundtable_app::domain::consultations::entities::{author_pseudonym, comment_draft};
        use roundtable_app::domain::identity::entities::person;
        use roundtable_app::domain::platform::crypto::Purpose;
        use roundtable_app::domain::platform::entities::{audit_unattributed, consent_record, outbox};
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        let author = w.members[2].0;
        // One after the other, as fast as the server answers: named, pseudonymous, anonymous;
        // and another member's anonymous comment, so there is more than one candidate.
        for (kind, text, attribution) in [
            ("comment", "Canary named text.", "named"),
            ("concern", "Canary pseudonymous text.", "pseudonym"),
            ("question", "Canary anonymous text.", "anonymous"),
        ] {
            assert_eq!(w.post(2, &id, &section, kind, text, attribution, &[("fields[consent]", "on")]).await.status(), 200);
        }
        assert_eq!(w.post(0, &id, &section, "comment", "Another anonymous text.", "anonymous", &[]).await.status(), 200);
        // The author keeps an edit of their anonymous comment as a draft.
        let own = w.json(&w.members[2].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        let find = |view: &Value, text: &str| -> Value {
            view["comments"].as_array().expect("comments").iter()
                .find(|c| c["body_html"].as_str().is_some_and(|b| b.contains(text)))
                .cloned().unwrap_or_else(|| panic!("no comment with {text}"))
        };
        let named = find(&own, "Canary named")["id"].as_str().expect("id").to_owned();
        let pseudo = find(&own, "Canary pseudonymous")["id"].as_str().expect("id").to_owned();
        let anon = find(&own, "Canary anonymous")["id"].as_str().expect("id").to_owned();
        let other = find(&own, "Another anonymous")["id"].as_str().expect("id").to_owned();
        assert_eq!(find(&own, "Canary anonymous")["mine"], true, "the author sees it is theirs");
        assert_eq!(find(&own, "Another anonymous")["mine"], false);
        assert_eq!(w.call(&w.members[2].1, "/fn/comments/draft", &[("consultation", &id), ("slot", &format!("edit:{anon}")), ("fields[body]", "Canary edit in progress.")]).await.status(), 200);
        let own = w.json(&w.members[2].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert!(own["drafts"].to_string().contains(&format!("edit:{anon}")), "the kept edit comes back to its author");
        let hidden = [anon.clone(), pseudo.clone(), other.clone()];
        for value in [&named, &pseudo, &anon, &other] {
            assert_eq!(Uuid::parse_str(value).expect("uuid").get_version_num(), 4, "ids carry no time");
        }

        // What every other role sees.
        let readers = [("other member", &w.members[0].1), ("secretariat", &w.staff), ("auditor", &w.auditor), ("council admin", &w.admin)];
        for (who, client) in readers {
            let res = w.call(client, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
            // The auditor and the council admin do not read consultations (404).
            let view: Value = if res.status() == 200 { res.json().await.expect("json") } else { Value::Null };
            for c in [&anon, &pseudo] {
                let Some(shown) = view["comments"].as_array().and_then(|list| list.iter().find(|x| x["id"] == c.as_str())) else {
                    continue;
                };
                let text = shown.to_string();
                assert!(!text.contains(CANARY) && !text.contains(&author.0.to_string()), "{who}: the comment names its author");
                // Times to the hour only: they cannot be matched with the named comment's.
                let when = shown["created_local"].as_str().expect("a time");
                assert!(when.contains(":00 ("), "{who}: {when} is finer than the hour");
            }
            let audit = w.call(client, "/fn/audit/list", &[("action", ""), ("from", ""), ("to", "")]).await;
            if audit.status() == 200 {
                let audit: Value = audit.json().await.expect("json");
                for row in audit["rows"].as_array().expect("rows") {
                    let text = row.to_string();
                    assert!(hidden.iter().all(|h| !text.contains(h.as_str())), "{who}: an attributed audit row is about an anonymous or pseudonymous comment: {text}");
                }
                let unattributed = audit["unattributed"].as_array().expect("unattributed rows");
                assert!(unattributed.len() >= 3, "{who}: the three posts are in the unattributed chain");
                for row in unattributed {
                    assert_eq!(row["actor"], Value::Null);
                    assert_eq!(row["at"].as_str().expect("day").len(), 10, "{who}: the day only");
                }
                let (_, page) = w.page(client, "/council/audit").await;
                assert!(page.contains("audit-unattributed"), "{who}: the page shows the unattributed chain");
            }
        }
        // In the database, too, nothing about them names the author.
        let rows = audit_unattributed::Entity::find().all(&w.app.db).await.expect("rows");
        assert!(rows.iter().any(|r| r.subject_id.as_deref() == Some(anon.as_str())));
        assert!(rows.iter().any(|r| r.subject_id.as_deref() == Some(pseudo.as_str())));
        let attributed = audit_log::Entity::find().all(&w.app.db).await.expect("rows");
        for r in &attributed {
            if r.subject_id.as_deref().is_some_and(|s| hidden.iter().any(|h| h == s)) {
                assert_ne!(r.actor_id, Some(author.0), "audit row {} names the author", r.action);
            }
        }
        assert!(attributed.iter().any(|r| r.subject_id.as_deref() == Some(named.as_str()) && r.actor_id == Some(author.0)), "the named comment is attributed");
        for c in [&anon, &pseudo] {
            let row = comment::Entity::find_by_id(Uuid::parse_str(c).expect("uuid")).one(&w.app.db).await.expect("query").expect("row");
            assert_eq!(row.author_id, None, "no author id kept in clear");
        }
        let pseudonyms = author_pseudonym::Entity::find().all(&w.app.db).await.expect("rows");
        assert_eq!(pseudonyms.len(), 1);
        assert!(!pseudonyms[0].person_tag.contains(&author.0.to_string()));
        for d in comment_draft::Entity::find().all(&w.app.db).await.expect("rows") {
            assert!(!d.slot.contains(&anon), "a kept edit names the comment beside the person: {}", d.slot);
        }

        // Answers; each author learns of them.
        for c in [&named, &pseudo, &anon, &other] {
            assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", c), ("fields[decision]", "noted"), ("fields[explanation]", "Noted.")]).await.status(), 200);
        }
        let home = w.json(&w.members[2].1, "/fn/consultations/list", &[]).await;
        let answered: Vec<&str> = home["answers"].as_array().expect("answers").iter().map(|a| a["comment"].as_str().expect("id")).collect();
        for c in [&named, &pseudo, &anon] {
            assert!(answered.contains(&c.as_str()), "the author's start page lists the answer to {c}");
        }
        assert!(!answered.contains(&other.as_str()));
        let others_home = w.json(&w.members[0].1, "/fn/consultations/list", &[]).await;
        assert_eq!(others_home["answers"].as_array().expect("answers").len(), 1, "only their own");
        // The named comment's notice goes now; the others wait for the day's fixed hour, one
        // per person, with nothing that points at a comment.
        let held: Vec<outbox::Model> = outbox::Entity::find()
            .filter(outbox::Column::Template.eq("comment_answered"))
            .filter(outbox::Column::NextAttemptAt.gt(Utc::now() + chrono::Duration::seconds(5)))
            .all(&w.app.db).await.expect("rows");
        assert_eq!(held.len(), 2, "one held notice for each person with unattributed answers");
        for row in outbox::Entity::find().all(&w.app.db).await.expect("rows") {
            let params = w.app.state.keyring.open(Purpose::OutboxParams, &row.params_ciphertext).expect("opens");
            for h in &hidden {
                assert!(!params.contains(h.as_str()), "a queued mail links an unattributed comment");
            }
            assert!(!row.idempotency_key.contains(&author.0.to_string()));
        }
        w.release_held_mail().await;
        let notices = outbox::Entity::find().filter(outbox::Column::Template.eq("comment_answered")).all(&w.app.db).await.expect("rows");
        assert_eq!(notices.len(), 3, "named, and one held notice for each of two people");
        assert!(notices.iter().all(|n| n.status == "sent"));
        let mails = w.app.folder_mails(0, Duration::ZERO).await;
        for m in &mails {
            for h in &hidden {
                assert!(!m.raw.contains(h.as_str()), "a mail names an unattributed comment");
            }
            assert!(!m.raw.contains(&author.0.to_string()), "a mail carries the author's id");
        }
        assert!(mails.iter().any(|m| m.raw.contains(&format!("/go/{named}"))), "the named comment's notice links it");

        // Close, publish: the link between the unattributed comments and their authors goes.
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "outcome"), ("public", "on")]).await.status(), 200);
        let keyring = &w.app.state.keyring;
        let people = person::Entity::find().all(&w.app.db).await.expect("people");
        let outbox_keys: Vec<String> = outbox::Entity::find().all(&w.app.db).await.expect("rows").into_iter().map(|r| r.idempotency_key).collect();
        let consents = consent_record::Entity::find().all(&w.app.db).await.expect("rows");
        for c in [&anon, &pseudo, &other] {
            let row = comment::Entity::find_by_id(Uuid::parse_str(c).expect("uuid")).one(&w.app.db).await.expect("query").expect("row");
            assert_eq!((row.author_sealed.as_str(), row.author_tag.as_str()), ("", ""), "sealed author and tag destroyed");
            for p in &people {
                let who = PersonId(p.id);
                assert!(!authorship::is_author(keyring, who, &row), "with the database and the key, {c} still points at a person");
                for key in [format!("answered:{c}:{}", p.id), format!("answered:{c}")] {
                    assert!(!outbox_keys.contains(&keyring.lookup_hash(Purpose::OutboxKey, &key)), "an outbox key points at the comment");
                }
                for r in consents.iter().filter(|r| r.subject_id == Some(row.id)) {
                    assert_eq!(r.person_id, None);
                    assert!(!keyring.lookup_hashes(Purpose::ConsentHolder, &format!("{who}:{c}")).contains(&r.holder_tag), "a consent record still recognises its holder");
                }
            }
        }
        assert_eq!(author_pseudonym::Entity::find().all(&w.app.db).await.expect("rows").len(), 0, "pseudonym rows are gone");
        assert!(comment_draft::Entity::find().all(&w.app.db).await.expect("rows").iter().all(|d| !d.slot.starts_with("edit:")));
        let own = w.json(&w.members[2].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert_eq!(find(&own, "Canary anonymous")["mine"], false, "forgotten, even for the author");
        assert_eq!(find(&own, "Canary named")["mine"], true, "a named comment stays its author's");
        let (_, public) = w.page(&crate::harness::client(&w.app.base), &format!("/outcome/{id}")).await;
        assert!(public.contains("Canary anonymous text."), "consent survives the forgetting");
        roundtable_app::domain::platform::audit::verify(&w.app.db).await.expect("both audit chains verify");
    }

    async fn every_text_field_keeps_every_payload_as_text(db) {
        use crate::fixtures::xss::PAYLOADS;
        use crate::harness::markup::live_markup;
        let w = world(db).await;
        allow_many_posts(&w.app, w.council).await;
        let n = PAYLOADS.len();
        let ok = |status: u16, what: &str| assert!(status == 200 || (400..500).contains(&status), "{what}: {status}");
        // Titles and summaries: one consultation per payload.
        for (i, p) in PAYLOADS.iter().enumerate() {
            let res = w.call(&w.staff, "/fn/consultations/create", &[
                ("fields[title]", p), ("fields[summary]", PAYLOADS[(i + 1) % n]),
                ("fields[languages]", "en"), ("fields[visibility]", "council"),
                ("fields[opens_at]", ""), ("fields[closes_at]", ""),
            ]).await;
            ok(res.status().as_u16(), "create");
        }
        // Section texts: a draft holding every payload (but NUL, which makes a file binary).
        let id = w.create("Payload Act", "council").await;
        let mut draft = String::from("Preamble.\n\n");
        for (i, p) in PAYLOADS.iter().enumerate().filter(|(_, p)| !p.contains('\0')) {
            if i % 20 == 0 {
                draft.push_str(&format!("## Chapter {}\n\n", i / 20 + 1));
            }
            draft.push_str(&format!("### Article {}\n\n1. {}\n\n", i + 1, p.replace('\n', " ")));
        }
        assert_eq!(w.upload(&w.staff, &id, "payloads.md", draft.into_bytes()).await.status(), 303);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", PAYLOADS[7])]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "open")]).await.status(), 200);
        let detail = w.json(&w.staff, "/fn/consultations/get", &[("id", &id)]).await;
        let sections: Vec<(String, String)> = detail["sections"].as_array().expect("sections").iter()
            .filter(|s| s["number"] == "1.")
            .map(|s| (s["id"].as_str().expect("id").to_owned(), s["chapter"].as_str().expect("chapter").to_owned()))
            .collect();
        assert!(sections.len() >= 100, "{} sections", sections.len());
        // Comments (body, quote, proposed wording), kept text, answers, hide notes.
        let attributions = ["named", "pseudonym", "anonymous"];
        for (i, p) in PAYLOADS.iter().enumerate() {
            let (section, _) = &sections[i % sections.len()];
            let res = w.post(0, &id, section, "wording", p, attributions[i % 3], &[
                ("fields[quote]", PAYLOADS[(i + 2) % n]), ("fields[proposal]", PAYLOADS[(i + 3) % n]),
            ]).await;
            ok(res.status().as_u16(), "post");
            let res = w.call(&w.members[1].1, "/fn/comments/draft", &[
                ("consultation", &id), ("slot", &format!("section:{section}")), ("fields[body]", PAYLOADS[(i + 4) % n]),
            ]).await;
            ok(res.status().as_u16(), "draft");
        }
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        assert!(queue["comments"].as_i64().expect("count") >= i64::try_from(n / 2).expect("n"), "most payload comments were accepted ({})", queue["comments"]);
        // Page by page, what still has no answer (near-identical payloads answered as one).
        let mut comments: Vec<String> = Vec::new();
        for round in 0.. {
            assert!(round < 40, "the queue empties");
            let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id), ("filter[answered]", "no")]).await;
            let items = queue["items"].as_array().expect("items").clone();
            if items.is_empty() {
                break;
            }
            for item in &items {
                let c = item["comment"]["id"].as_str().expect("id").to_owned();
                let i = comments.len();
                let res = match item["group"].as_str() {
                    Some(group) => w.call(&w.staff, "/fn/comments/answer-group", &[("consultation", &id), ("item", group), ("fields[decision]", "noted"), ("fields[explanation]", PAYLOADS[(i + 5) % n])]).await,
                    None => w.call(&w.staff, "/fn/comments/answer", &[("comment", &c), ("fields[decision]", "noted"), ("fields[explanation]", PAYLOADS[(i + 5) % n])]).await,
                };
                ok(res.status().as_u16(), "answer");
                if res.status() != 200 {
                    // A refused explanation: every comment still needs its answer.
                    let res = match item["group"].as_str() {
                        Some(group) => w.call(&w.staff, "/fn/comments/answer-group", &[("consultation", &id), ("item", group), ("fields[decision]", "noted"), ("fields[explanation]", "Noted.")]).await,
                        None => w.call(&w.staff, "/fn/comments/answer", &[("comment", &c), ("fields[decision]", "noted"), ("fields[explanation]", "Noted.")]).await,
                    };
                    assert_eq!(res.status(), 200);
                }
                comments.push(c);
            }
        }
        for (i, c) in comments.iter().take(12).enumerate() {
            let res = w.call(&w.staff, "/fn/comments/hide", &[("comment", c), ("reason", "other"), ("note", PAYLOADS[(i * 13) % n])]).await;
            ok(res.status().as_u16(), "hide");
        }
        // A display name, tried with every payload (refused ones get a 4xx).
        let mut names = 0;
        for p in PAYLOADS {
            let res = w.call(&w.members[2].1, "/fn/account/update", &[("display_name", p), ("notify", "discreet")]).await;
            ok(res.status().as_u16(), "display name");
            if res.status() == 200 {
                names += 1;
                let (_, page) = w.page(&w.admin, "/council/members").await;
                let live = live_markup(&page);
                assert!(live.is_empty(), "members page with display name {p:?}: {live:?}");
            }
        }
        assert!(names > 0, "some payloads are acceptable display names");

        let mut pages: Vec<(&reqwest::Client, String)> = vec![
            // The secretariat's start page lists every draft consultation's title and summary.
            (&w.staff, "/".to_owned()),
            (&w.members[0].1, format!("/consultations/{id}")),
            (&w.staff, format!("/consultations/{id}/answers")),
            (&w.staff, format!("/consultations/{id}/manage")),
            (&w.admin, "/council/audit".to_owned()),
        ];
        let chapters: std::collections::BTreeSet<&String> = sections.iter().map(|(_, c)| c).collect();
        for chapter in &chapters {
            for who in [&w.members[0].1, &w.members[1].1, &w.staff] {
                pages.push((who, format!("/consultations/{id}/part/{chapter}")));
            }
        }
        // Edit forms of own comments, and the hide form.
        pages.push((&w.members[0].1, format!("/consultations/{id}/part/{}?edit={}", sections[0].1, comments[0])));
        pages.push((&w.staff, format!("/consultations/{id}/part/{}?hide={}", sections[0].1, comments[0])));
        // A second version edited with payloads: the manage page's editors and the changes page.
        assert_eq!(w.call(&w.staff, "/fn/drafts/revise", &[("id", &id)]).await.status(), 200);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let pending: Vec<String> = manage["pending"]["sections"].as_array().expect("pending").iter()
            .map(|s| s["section"]["id"].as_str().expect("id").to_owned()).collect();
        for (i, s) in pending.iter().take(40).enumerate() {
            let res = w.call(&w.staff, "/fn/drafts/section", &[
                ("id", &id), ("section", s), ("fields[number]", "1."), ("fields[heading]", PAYLOADS[(i + 6) % n]),
                ("fields[body]", PAYLOADS[(i + 7) % n]), ("fields[content_note]", PAYLOADS[(i + 8) % n]),
            ]).await;
            ok(res.status().as_u16(), "section edit");
        }
        let (_, manage_page) = w.page(&w.staff, &format!("/consultations/{id}/manage")).await;
        assert!(live_markup(&manage_page).is_empty(), "manage page with pending edits: {:?}", live_markup(&manage_page));
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", PAYLOADS[9])]).await.status(), 200);
        pages.push((&w.members[0].1, format!("/consultations/{id}/changes?from=1&to=2")));
        // Close and publish the outcome (every comment is answered).
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        let res = w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "outcome"), ("public", "on")]).await;
        let status = res.status();
        assert_eq!(status, 200, "outcome published: {}", res.text().await.unwrap_or_default());
        let public = crate::harness::client(&w.app.base);
        for path in [format!("/consultations/{id}/outcome"), format!("/consultations/{id}/outcome/print")] {
            pages.push((&w.members[0].1, path));
        }
        for path in [format!("/outcome/{id}"), format!("/outcome/{id}/print")] {
            pages.push((&public, path));
        }
        for (who, path) in &pages {
            let (status, html) = w.page(who, path).await;
            assert_eq!(status, 200, "{path}");
            let live = live_markup(&html);
            assert!(live.is_empty(), "{path}: payload markup became live: {live:?}");
            // (The audit page holds ids and codes only.)
            assert!(path == "/council/audit" || html.contains("pwned"), "{path}: the payloads are shown (as text)");
        }
        // Exports: CSV cells never start a formula.
        for (who, path) in [(&w.members[0].1, format!("/consultations/{id}/outcome.csv")), (&public, format!("/outcome/{id}/csv"))] {
            let res = who.get(w.app.url(&path)).send().await.expect("GET");
            assert_eq!(res.status(), 200, "{path}");
            let body = res.text().await.expect("body");
            let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(body.as_bytes());
            let mut cells = 0;
            for record in reader.records() {
                for cell in record.expect("a CSV record").iter() {
                    cells += 1;
                    assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{path}: the cell {cell:?} starts a formula");
                }
            }
            assert!(cells > 0 && body.contains("pwned"), "{path} holds the payloads");
        }
        // Server function answers are JSON, never HTML.
        let res = w.call(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", sections[0].1.as_str())]).await;
        assert!(res.headers()["content-type"].to_str().expect("type").starts_with("application/json"));
    }

    async fn bad_input_is_refused_and_nothing_is_lost(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        // Empty.
        let res = w.post(0, &id, &section, "comment", "   ", "named", &[]).await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["field"], "body");
        // 1 MB: refused with a clear code, not a 500; the start of the text is kept.
        let huge = "word ".repeat(200_000);
        let res = w.post(0, &id, &section, "comment", &huge, "named", &[]).await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["problem"], "too_long");
        let kept = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert!(kept["drafts"].to_string().contains("word word"), "typed text kept");
        // Script tags do not survive.
        assert_eq!(w.post(0, &id, &section, "comment", "<script>alert('x')</script><img src=x onerror=alert(1)> fine", "named", &[]).await.status(), 200);
        let (_, html) = w.page(&w.members[1].1, &format!("/consultations/{id}/part/{chapter}")).await;
        // The text shows, escaped; no element of it survives.
        let doc = crate::harness::html(&html);
        let scripts = scraper::Selector::parse("script").expect("selector");
        assert!(doc.select(&scripts).all(|s| s.inner_html().trim() != "alert('x')"), "no script from a comment");
        let handlers = scraper::Selector::parse("[onerror], img[src=x]").expect("selector");
        assert_eq!(doc.select(&handlers).count(), 0, "no element from a comment");
        assert!(html.contains("&lt;script&gt;alert"), "the text is shown as text");
        // Unknown kind, unknown attribution.
        assert_eq!(w.post(0, &id, &section, "shout", "x", "named", &[]).await.status(), 400);
        assert_eq!(w.post(0, &id, &section, "comment", "x", "loud", &[]).await.status(), 400);
        // Another council's people cannot comment on, read, or answer this council's sections.
        let res = w.call(&w.outsider, "/fn/comments/post", &[("consultation", &id), ("section", &section), ("fields[body]", "x")]).await;
        assert_eq!(res.status(), 404);
        let res = w.call(&w.outsider, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert_eq!(res.status(), 404);
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        let cid = queue["items"][0]["comment"]["id"].as_str().expect("id").to_owned();
        let res = w.call(&w.outside_staff, "/fn/comments/answer", &[("comment", &cid), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 404);
        // A member cannot answer, hide, or manage.
        assert_eq!(w.call(&w.members[1].1, "/fn/comments/answer", &[("comment", &cid), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await.status(), 403);
        assert_eq!(w.call(&w.members[1].1, "/fn/comments/hide", &[("comment", &cid), ("reason", "spam"), ("note", "")]).await.status(), 403);
        assert_eq!(w.call(&w.members[1].1, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 403);
        // Malformed ids and steps are 400/404, never 500.
        assert_eq!(w.call(&w.members[0].1, "/fn/comments/post", &[("consultation", "not-a-uuid"), ("fields[body]", "x")]).await.status(), 400);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "explode")]).await.status(), 400);
        let (status, _) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/no-such-chapter")).await;
        assert_eq!(status, 404);
        // An answer without explanation keeps nothing half-saved.
        assert_eq!(w.call(&w.staff, "/fn/comments/answer", &[("comment", &cid), ("fields[decision]", "noted"), ("fields[explanation]", " ")]).await.status(), 400);
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        assert_eq!(queue["unanswered"], 1, "the one comment is still unanswered");
    }

    async fn the_secretariat_hides_with_a_reason_and_the_author_resubmits(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (section, chapter) = w.section(&id, "Housing", "1.").await;
        assert_eq!(w.post(0, &id, &section, "comment", "My neighbour Jane Doe at Elm St 5 was refused.", "named", &[]).await.status(), 200);
        let queue = w.json(&w.staff, "/fn/consultations/answers", &[("id", &id)]).await;
        let cid = queue["items"][0]["comment"]["id"].as_str().expect("id").to_owned();
        assert_eq!(w.call(&w.staff, "/fn/comments/hide", &[("comment", &cid), ("reason", "other"), ("note", "")]).await.status(), 400, "'other' needs a note");
        assert_eq!(w.call(&w.staff, "/fn/comments/hide", &[("comment", &cid), ("reason", "personal_details"), ("note", "Please remove the name and address.")]).await.status(), 200);
        // Other members no longer see it; the author sees why; it is kept.
        let other = w.json(&w.members[1].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert!(comment_ids(&other).is_empty());
        let own = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert_eq!(own["comments"][0]["status"], "hidden");
        assert_eq!(own["comments"][0]["hidden_reason"], "personal_details");
        assert_eq!(own["comments"][0]["hidden_note"], "Please remove the name and address.");
        // The author edits and resubmits; it is visible again.
        let res = w.call(&w.members[0].1, "/fn/comments/edit", &[
            ("consultation", &id), ("comment", &cid), ("fields[kind]", "comment"),
            ("fields[body]", "A neighbour of mine was refused."), ("fields[attribution]", "named"),
        ]).await;
        assert_eq!(res.status(), 200);
        let other = w.json(&w.members[1].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert_eq!(comment_ids(&other), vec![cid.clone()]);
        // Nobody else may edit it; the author withdraws it at any time.
        let res = w.call(&w.members[1].1, "/fn/comments/edit", &[("consultation", &id), ("comment", &cid), ("fields[body]", "x")]).await;
        assert_eq!(res.status(), 403);
        assert_eq!(w.call(&w.members[0].1, "/fn/comments/withdraw", &[("comment", &cid)]).await.status(), 200);
        let other = w.json(&w.members[1].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert!(comment_ids(&other).is_empty(), "withdrawn comments are gone");
        let row = comment::Entity::find_by_id(Uuid::parse_str(&cid).expect("uuid")).one(&w.app.db).await.expect("q").expect("kept row");
        assert_eq!(row.status, "withdrawn");
        assert!(row.body.is_empty(), "the withdrawn text is erased");
    }

    async fn hostile_files_are_refused_with_a_reason(db) {
        let w = world(db).await;
        let id = w.create("Files", "council").await;
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("draft.md", Vec::new(), "empty"),
            ("draft.txt", vec![0u8, 159, 146, 150, 0, 1, 2], "not_text"),
            ("draft.md", vec![b'a'; 6 * 1024 * 1024], "file_too_large"),
            ("draft.docx", b"PK\x03\x04 this is not a zip".to_vec(), "not_docx"),
            ("draft.docx", zip_bomb(), "unpacked_too_large"),
        ];
        for (name, bytes, reason) in cases {
            let res = w.upload(&w.staff, &id, name, bytes).await;
            assert_eq!(res.status(), 303, "{reason}");
            let location = res.headers()["location"].to_str().expect("location").to_owned();
            assert!(location.ends_with(&format!("?import_error={reason}")), "{reason}: {location}");
            let (status, html) = w.page(&w.staff, &location).await;
            assert_eq!(status, 200);
            assert!(html.contains("data-error-code=\"file_refused\""), "the page explains why ({reason})");
        }
        let versions = draft_version::Entity::find().filter(draft_version::Column::ConsultationId.eq(Uuid::parse_str(&id).expect("uuid"))).all(&w.app.db).await.expect("q");
        assert!(versions.is_empty(), "nothing was imported");
        // A member cannot import at all.
        let res = w.upload(&w.members[0].1, &id, "draft.md", DRAFT.as_bytes().to_vec()).await;
        assert_eq!(res.status(), 404, "a draft consultation does not exist for members");
    }

    async fn time_opens_and_closes_and_reminds_once_even_with_two_workers(db) {
        let w = world(db).await;
        let id = w.create("Timed", "council").await;
        assert_eq!(w.upload(&w.staff, &id, "draft.md", DRAFT.as_bytes().to_vec()).await.status(), 303);
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "")]).await.status(), 200);
        let uuid = Uuid::parse_str(&id).expect("uuid");
        let now = Utc::now();
        consultation::Entity::update_many()
            .col_expr(consultation::Column::OpensAt, Expr::value(Some(now - chrono::Duration::minutes(1))))
            .col_expr(consultation::Column::ClosesAt, Expr::value(Some(now + chrono::Duration::days(2))))
            .filter(consultation::Column::Id.eq(uuid))
            .exec(&w.app.db).await.expect("schedule");
        // Two workers at once (as two server processes would): one opens, one reminds.
        let (a, b) = tokio::join!(
            roundtable_app::domain::consultations::phases::tick(&w.app.state, now),
            roundtable_app::domain::consultations::phases::tick(&w.app.state, now),
        );
        let (a, b) = (a.expect("tick"), b.expect("tick"));
        // The server's own job may have done it first: at most one of all of them did.
        assert!(a.opened + b.opened <= 1, "opened at most once");
        let again = roundtable_app::domain::consultations::phases::tick(&w.app.state, now).await.expect("tick");
        assert!(a.reminded + b.reminded + again.reminded <= 1, "reminded at most once");
        let row = consultation::Entity::find_by_id(uuid).one(&w.app.db).await.expect("q").expect("row");
        assert_eq!(row.phase, "open", "opened by time");
        assert!(row.reminder_sent_at.is_some(), "closing within 3 days: reminded");
        let mails = w.app.folder_mails(6, Duration::from_secs(20)).await;
        assert_eq!(mails.len(), 6, "3 members × (opened + closing soon), each once");
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert_eq!(w.app.folder_mails(7, Duration::ZERO).await.len(), 6, "no duplicates");
        // Past the closing time: closed by the job; comments refused even before it runs.
        let (section, _) = w.section(&id, "Housing", "1.").await;
        consultation::Entity::update_many()
            .col_expr(consultation::Column::ClosesAt, Expr::value(Some(Utc::now() - chrono::Duration::seconds(1))))
            .filter(consultation::Column::Id.eq(uuid))
            .exec(&w.app.db).await.expect("close time");
        assert_eq!(w.post(0, &id, &section, "comment", "One second late.", "named", &[]).await.status(), 409);
        let done = roundtable_app::domain::consultations::phases::tick(&w.app.state, Utc::now()).await.expect("tick");
        assert!(done.closed <= 1, "closed at most once (the server's job may have been first)");
        let row = consultation::Entity::find_by_id(uuid).one(&w.app.db).await.expect("q").expect("row");
        assert_eq!(row.phase, "closed");
    }
}

/// A DOCX-looking ZIP whose document expands to 100 MB of zeros.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write as _;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("word/document.xml", options).expect("entry");
        let chunk = vec![0u8; 1024 * 1024];
        for _ in 0..100 {
            zip.write_all(&chunk).expect("write");
        }
        zip.finish().expect("finish");
    }
    out.into_inner()
}

/// Percent-encodes a query value.
fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A German-style draft long enough for its language to be found.
const GERMAN_DRAFT: &str = "\
### Erster Abschnitt - Allgemeine Vorschriften

#### § 1 Zweck des Gesetzes

(1) Dieses Gesetz dient der Unterstützung der Betroffenen von Menschenhandel und regelt die Beteiligung ihrer Vertretungen an der Gesetzgebung des Bundes und der Länder.

(2) Die Beteiligung umfasst

1. die Anhörung zu Entwürfen von Gesetzen und Verordnungen, die die Betroffenen berühren,

2. die Beratung der Bundesregierung in allen Fragen des Schutzes und der Unterstützung,

2a. die Begleitung der Umsetzung internationaler Übereinkommen.

#### § 1a Begriffsbestimmungen

(1) Betroffene im Sinne dieses Gesetzes sind Personen, die Opfer von Menschenhandel geworden sind oder waren und die sich an der Arbeit der Vertretung beteiligen wollen.
";

/// A draft with a table (HTML, as converters of published laws write it, with markup that
/// must not survive) and a footnote.
const TABLE_DRAFT: &str = "## Chapter 1 – Fees\n\n### Article 1 – Amounts\n\nThe fees are set out below[^1].\n\n<table>\n<tr><td>Service</td><td>Fee</td></tr>\n\n<tr><td>Copy <script>alert(1)</script></td><td onclick=\"x()\"><b>5</b> EUR</td></tr>\n</table>\n\n[^1]: As agreed with the council on 1 March.\n";

db_tests! {
    async fn tables_and_footnotes_reach_the_reader_as_such(db) {
        let w = world(db).await;
        let id = w.create("Fees Order", "council").await;
        let res = w.upload(&w.staff, &id, "fees.md", TABLE_DRAFT.as_bytes().to_vec()).await;
        assert_eq!(res.status(), 303);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let kinds: Vec<&str> = manage["pending"]["sections"].as_array().expect("sections").iter()
            .filter_map(|s| s["section"]["kind"].as_str()).collect();
        assert!(kinds.contains(&"table") && kinds.contains(&"note"), "{kinds:?}");
        assert_eq!(w.call(&w.staff, "/fn/drafts/publish", &[("id", &id), ("note", "")]).await.status(), 200);
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "open")]).await.status(), 200);
        let (status, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/ch1")).await;
        assert_eq!(status, 200, "{html}");
        let cells = crate::harness::texts(&html, ".section--table td");
        assert_eq!(cells, vec!["Service", "Fee", "Copy", "5 EUR"], "{html}");
        // Text only: no markup of the source reaches the page.
        assert!(!html.contains("alert(1)") && !html.contains("x()"), "{html}");
        let notes = crate::harness::texts(&html, ".section--note .section__note").join(" ");
        assert!(notes.contains("As agreed with the council on 1 March."), "{notes}");
        let body = crate::harness::texts(&html, ".section__body").join(" ");
        assert!(body.contains("The fees are set out below[1]."), "{body}");
        assert!(!body.contains("As agreed"), "the note is kept apart: {body}");
    }

    async fn an_import_is_read_in_the_tradition_found_or_chosen(db) {
        let w = world(db).await;
        let id = w.create("Beteiligungsgesetz", "council").await;
        let paste = |tradition: &'static str| {
            let id = id.clone();
            let w = &w;
            async move {
                w.call(&w.staff, "/fn/drafts/paste", &[
                    ("id", &id), ("format", "markdown"), ("text", GERMAN_DRAFT), ("tradition", tradition),
                ]).await
            }
        };
        // Found in the text: § is a section, (1) an Absatz, 1. and 2a. its Nummern.
        assert_eq!(paste("").await.status(), 200);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let pending = &manage["pending"];
        assert_eq!(pending["tradition"], "de", "{pending}");
        assert_eq!(pending["detected"], true);
        let sections = pending["sections"].as_array().expect("sections");
        let anchors: Vec<&str> = sections.iter().filter_map(|s| s["section"]["anchor"].as_str()).collect();
        for anchor in ["abschn1-par1", "abschn1-par1-p2-n1", "abschn1-par1-p2-n2a", "abschn1-par1a-p1"] {
            assert!(anchors.contains(&anchor), "{anchor} in {anchors:?}");
        }
        let (status, html) = w.page(&w.staff, &format!("/consultations/{id}/manage")).await;
        assert_eq!(status, 200);
        let read_as = crate::harness::texts(&html, "#read-as").join(" ");
        assert!(read_as.contains("German"), "{read_as}");
        // Chosen: the version says so.
        assert_eq!(paste("pl").await.status(), 200);
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        assert_eq!((manage["pending"]["tradition"].clone(), manage["pending"]["detected"].clone()), (serde_json::json!("pl"), serde_json::json!(false)));
        // An unknown code is refused by name, and nothing is lost.
        let res = paste("xx").await;
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["field"], "tradition", "{body}");
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        assert_eq!(manage["pending"]["tradition"], "pl");
        // The upload form too: a tampered choice is a 400, a good one a redirect.
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(GERMAN_DRAFT.as_bytes().to_vec()).file_name("entwurf.md"))
            .text("tradition", "de");
        let res = w.staff.post(w.app.url(&format!("/consultations/{id}/import"))).multipart(form).send().await.expect("upload");
        assert_eq!(res.status(), 303);
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(GERMAN_DRAFT.as_bytes().to_vec()).file_name("entwurf.md"))
            .text("tradition", "zz");
        let res = w.staff.post(w.app.url(&format!("/consultations/{id}/import"))).multipart(form).send().await.expect("upload");
        assert_eq!(res.status(), 400);
    }
}

mod scale;
