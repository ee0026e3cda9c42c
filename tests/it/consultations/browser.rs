//! The consultation cycle in Chromium, with JavaScript on and off: the secretariat imports a
//! Markdown draft (chapters, articles, lettered points) and publishes it; members comment by
//! name, by pseudonym and anonymously, reply and propose wording; the secretariat closes,
//! answers every comment, publishes version 2; the diff links the change to its comment; the
//! outcome report, its CSV link and its print view are right. axe-core checks every page.

use roundtable_app::domain::consultations;
use roundtable_app::model::ids::{ConsultationId, CouncilId, PersonId, VersionId};
use roundtable_app::model::viewer::Role;
use uuid::Uuid;

use crate::fixtures::{create_council, create_person};
use crate::harness::browser::{Browser, prerequisites};
use crate::harness::{Db, TestApp};

const DRAFT: &str = "\
## Chapter 1 – General provisions

### Article 1 – Purpose

1. This Act sets out the support that people receive.
2. Support is given without conditions.

### Article 2 – Definitions

(a) \"support\" means housing, health care and legal advice;
(b) \"provider\" means any body that gives support.

## Chapter 2 – Services

### Article 3 – Housing

1. The State shall provide safe housing.
2. Housing shall be available within 24 hours.

### Article 4 – Allowances

The allowances are[^1]:

| Need | Amount |
|---|---|
| Travel | 30 EUR |

[^1]: Set each year by the council.
";

impl Browser {
    /// Acts as `person` from now on: a fresh session of theirs (the arrangement step, like
    /// seeding a row) replaces the browser's cookies.
    pub(crate) async fn act_as(&self, app: &TestApp, person: PersonId, council: CouncilId) {
        let mut auth = roundtable_app::domain::SessionAuth::new(person, council);
        auth.second_factor = true;
        let id = crate::harness::stored_session(app, auth).await;
        self.client
            .goto(app.url("/healthz").as_str())
            .await
            .expect("on the site");
        self.client
            .delete_all_cookies()
            .await
            .expect("cookies cleared");
        let mut cookie = fantoccini::cookies::Cookie::new("rt_session", id);
        cookie.set_path("/");
        // fantoccini sends SameSite=None unless told, which Chromium refuses without Secure,
        // and an empty domain, which chromedriver refuses.
        cookie.set_same_site(cookie::SameSite::Lax);
        cookie.set_domain(app.base.host_str().expect("host").to_owned());
        self.client.add_cookie(cookie).await.expect("cookie set");
    }

    /// The path of the current page.
    pub(crate) async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_owned()
    }
}

async fn cycle(js: bool) {
    if !prerequisites() {
        return;
    }
    let app = TestApp::builder(Db::Sqlite).spawn().await;
    let council = create_council(&app, "at").await;
    let staff = create_person(
        &app,
        council,
        "Sam Secretariat",
        "sam@example.org",
        &[Role::Secretariat],
    )
    .await;
    let named = create_person(
        &app,
        council,
        "Amira Named",
        "amira@example.org",
        &[Role::Member],
    )
    .await;
    let pseudo = create_person(
        &app,
        council,
        "Pia Pseudo",
        "pia@example.org",
        &[Role::Member],
    )
    .await;
    let anon = create_person(
        &app,
        council,
        "Zephyrine Canary",
        "z@example.org",
        &[Role::Member],
    )
    .await;
    let file = tempfile::Builder::new()
        .suffix(".md")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), DRAFT).expect("draft written");

    let b = Browser::start(js).await;
    // The secretariat creates the consultation and imports the draft.
    b.act_as(&app, staff, council).await;
    b.visit(app.url("/consultations/new").as_str()).await;
    b.arrive("/consultations/new", "#create").await;
    b.fill("#title", "Support Act").await;
    b.fill("#summary", "What the draft changes, in plain words.")
        .await;
    b.check(b.has("#create").await, "the create button").await;
    b.click("#create").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !b.path().await.ends_with("/manage") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report("no management page").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let path = b.path().await;
    let id = path
        .trim_start_matches("/consultations/")
        .trim_end_matches("/manage")
        .to_owned();
    let manage = format!("/consultations/{id}/manage");
    b.arrive(&manage, "#file").await;
    b.element("#file")
        .await
        .send_keys(&file.path().display().to_string())
        .await
        .expect("file chosen");
    b.click("#import-file").await;
    b.arrive(&manage, "#pending .tree__item").await;
    let tree = b.text("#pending").await;
    for expected in [
        "Chapter 1",
        "Article 2",
        "(a)",
        "(b)",
        "Chapter 2",
        "Article 3",
    ] {
        b.check(
            tree.contains(expected),
            &format!("the parsed tree shows {expected}"),
        )
        .await;
    }
    b.click("#publish-version").await;
    b.arrive(&manage, "#phase-open").await;
    b.click("#phase-open").await;
    b.arrive(&manage, "#phase-close").await;

    let consultation = Uuid::parse_str(&id).expect("uuid");
    let version = consultations::store::latest_published(&app.db, ConsultationId(consultation))
        .await
        .expect("q")
        .expect("v1");
    let sections = consultations::store::sections_of(&app.db, VersionId(version.id))
        .await
        .expect("sections");
    let chapter2 = sections
        .iter()
        .find(|s| s.number == "Chapter 2")
        .expect("chapter 2")
        .anchor
        .clone();
    let housing_at = sections
        .iter()
        .position(|s| s.heading == "Housing")
        .expect("article 3");
    let first = sections[housing_at..]
        .iter()
        .find(|s| s.number == "1.")
        .expect("3(1)")
        .clone();
    let second = sections[housing_at..]
        .iter()
        .find(|s| s.number == "2.")
        .expect("3(2)")
        .clone();
    let part = format!("/consultations/{id}/part/{chapter2}");

    // Members comment: named, pseudonym, anonymous; a reply; a proposed wording.
    let comment = |who: PersonId,
                   section: roundtable_app::domain::consultations::entities::section::Model,
                   text: &'static str,
                   attribution: &'static str,
                   wording: bool| {
        let b = &b;
        let app = &app;
        let part = part.clone();
        async move {
            b.act_as(app, who, council).await;
            b.visit(app.url(&part).as_str()).await;
            let sid = section.id;
            // "Comment on this section" opens the box (a page load, with or without JS).
            b.click(&format!("#{} .comments__write a", section.anchor))
                .await;
            b.arrive(&part, &format!("#write-section-{sid}")).await;
            if wording {
                b.choose(&format!("#kind-{sid}"), "wording").await;
                b.fill(&format!("#proposal-{sid}"), text).await;
            } else {
                b.fill(&format!("#body-{sid}"), text).await;
            }
            b.click(&format!("#attr-{attribution}-{sid}")).await;
            b.click(&format!("#write-section-{sid} button[type=submit]"))
                .await;
            // Sent: back at the section, its box closed again.
            b.arrive(&part, &format!("#{} .comments__write a", section.anchor))
                .await;
        }
    };
    comment(
        named,
        first.clone(),
        "Safe housing must include women-only places.",
        "named",
        false,
    )
    .await;
    comment(
        pseudo,
        first.clone(),
        "Who checks that housing is safe?",
        "pseudonym",
        false,
    )
    .await;
    comment(
        anon,
        first.clone(),
        "I waited three weeks for a bed.",
        "anonymous",
        false,
    )
    .await;
    comment(
        pseudo,
        second.clone(),
        "Housing shall be available within 12 hours.",
        "pseudonym",
        true,
    )
    .await;
    let page = b.text("main").await;
    b.check(
        page.contains("Anonymous") && page.contains("Amira Named") && page.contains("Contributor"),
        "attribution as chosen",
    )
    .await;
    // The draft's table is a table, its footnote a note apart from the text.
    b.check(
        b.has(".section--table td").await && page.contains("30 EUR"),
        "the table of Article 4",
    )
    .await;
    b.check(
        b.text(".section--note")
            .await
            .contains("Set each year by the council."),
        "the footnote of Article 4",
    )
    .await;
    b.check(
        !page.contains("Zephyrine"),
        "the anonymous author is not named",
    )
    .await;
    // A reply to the anonymous comment.
    b.act_as(&app, named, council).await;
    b.visit(app.url(&part).as_str()).await;
    // Read again with nothing changed: the kept page, sent with this response's own nonce
    // (with JavaScript on, `visit` waits for the page's script, which runs only if the
    // policy allows it by that nonce).
    let found = app.state.pages.found();
    b.visit(app.url(&part).as_str()).await;
    b.check(
        app.state.pages.found() > found,
        "the chapter read again is the kept page",
    )
    .await;
    let anonymous_comment = {
        use roundtable_app::domain::consultations::entities::comment;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        comment::Entity::find()
            .filter(comment::Column::Attribution.eq("anonymous"))
            .one(&app.db)
            .await
            .expect("q")
            .expect("row")
            .id
    };
    b.click(&format!(
        "li[data-comment=\"{anonymous_comment}\"] .comment__actions a[href*=\"reply=\"]"
    ))
    .await;
    b.arrive(&part, &format!("#write-reply-{anonymous_comment}"))
        .await;
    b.fill(
        &format!("#body-{anonymous_comment}"),
        "Same here, thank you for saying it.",
    )
    .await;
    b.click(&format!(
        "#write-reply-{anonymous_comment} button[type=submit]"
    ))
    .await;
    b.arrive(&part, ".comment.depth-1").await;

    // With JavaScript, selecting words of a section offers to quote them in a comment.
    if js {
        let sid = first.id;
        b.visit(app.url(&part).as_str()).await;
        b.check(
            !b.displayed(&format!("a[data-quote-for=\"{sid}\"]")).await,
            "the quote link waits for a selection",
        )
        .await;
        b.client
            .execute(
                "const p = document.querySelector('p.section__body[data-section=\"' + arguments[0] + '\"]');
                 const range = document.createRange(); range.selectNodeContents(p);
                 const selection = window.getSelection();
                 selection.removeAllRanges(); selection.addRange(range);
                 document.body.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
                 return true;",
                vec![serde_json::json!(sid.to_string())],
            )
            .await
            .expect("selects the section's text");
        b.click(&format!("a[data-quote-for=\"{sid}\"]")).await;
        b.arrive(&part, &format!("#write-section-{sid}")).await;
        let quote = b
            .client
            .execute(
                "return document.getElementById(arguments[0]).value;",
                vec![serde_json::json!(format!("quote-{sid}"))],
            )
            .await
            .expect("reads the quote");
        let wanted: String = first
            .body
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        b.check(
            quote.as_str().is_some_and(|q| q.contains(&wanted)),
            "the selected words fill the quote",
        )
        .await;
    }

    // The secretariat closes and answers every comment.
    b.act_as(&app, staff, council).await;
    b.visit(app.url(&manage).as_str()).await;
    b.click("#phase-close").await;
    b.arrive(&manage, "#phase-responded").await;
    let answers = format!("/consultations/{id}/answers");
    let mut answered = 0;
    loop {
        b.visit(app.url(&answers).as_str()).await;
        let Ok(item) = b
            .client
            .find(fantoccini::Locator::Css("li[data-answered=\"false\"]"))
            .await
        else {
            break;
        };
        let cid = item
            .attr("data-comment")
            .await
            .expect("attr")
            .expect("comment id");
        let wording = item.text().await.expect("text").contains("12 hours");
        let decision = if wording { "accepted" } else { "noted" };
        b.click(&format!("#d-{decision}-{cid}")).await;
        b.fill(
            &format!("#exp-{cid}"),
            "Thank you; we considered this carefully.",
        )
        .await;
        if wording {
            b.click(&format!("#chg-{cid}")).await;
        }
        b.click(&format!("li[data-comment=\"{cid}\"] button[type=submit]"))
            .await;
        b.arrive(&answers, "#queue").await;
        answered += 1;
        assert!(answered <= 5, "each answer is saved once");
    }
    assert_eq!(answered, 5, "five comments answered");
    b.visit(app.url(&manage).as_str()).await;
    b.click("#phase-responded").await;
    b.arrive(&manage, "#revise").await;

    // Version 2: edit the paragraph the wording was about, publish.
    b.click("#revise").await;
    b.arrive(&manage, "#pending").await;
    let version2 = {
        use roundtable_app::domain::consultations::entities::draft_version;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        draft_version::Entity::find()
            .filter(draft_version::Column::ConsultationId.eq(consultation))
            .filter(draft_version::Column::PublishedAt.is_null())
            .one(&app.db)
            .await
            .expect("q")
            .expect("pending")
    };
    let pending = consultations::store::sections_of(&app.db, VersionId(version2.id))
        .await
        .expect("sections");
    let target = pending
        .iter()
        .find(|s| s.anchor == second.anchor)
        .expect("same anchor");
    b.click(&format!("li[data-anchor=\"{}\"] summary", target.anchor))
        .await;
    b.fill(
        &format!("#body-{}", target.id),
        "Housing shall be available within 12 hours.",
    )
    .await;
    b.click(&format!(
        "li[data-anchor=\"{}\"] form button[type=submit]",
        target.anchor
    ))
    .await;
    b.arrive(&manage, "#publish-version").await;
    b.click("#publish-version").await;
    b.arrive(&manage, "#phase-outcome").await;

    // The diff links the change to the comment behind it.
    let changes = format!("/consultations/{id}/changes");
    b.visit(app.url(&format!("{changes}?from=1&to=2")).as_str())
        .await;
    b.arrive(&changes, "[data-change=changed]").await;
    let changed = b.text("[data-change=changed]").await;
    b.check(
        changed.contains("12") && changed.contains("Contributor"),
        "the change and its comment",
    )
    .await;

    // The outcome, public; the page, its CSV link, the print view.
    b.visit(app.url(&manage).as_str()).await;
    b.click("#outcome-public").await;
    b.click("#phase-outcome").await;
    b.arrive(&manage, "#phase-outcome_private").await;
    let outcome = format!("/consultations/{id}/outcome");
    b.visit(app.url(&outcome).as_str()).await;
    b.arrive(&outcome, "#figures").await;
    b.check(
        b.text("[data-figure=received]").await == "5",
        "five comments received",
    )
    .await;
    b.check(
        b.text("[data-figure=answered_pct]")
            .await
            .starts_with("100"),
        "all answered",
    )
    .await;
    b.check(
        b.has(&format!("a[href=\"/consultations/{id}/outcome.csv\"]"))
            .await,
        "the CSV link",
    )
    .await;
    let report = b.text("main").await;
    b.check(
        report.contains("women-only") && report.contains("Accepted"),
        "what was said and done",
    )
    .await;
    b.visit_document(app.url(&format!("{outcome}/print")).as_str())
        .await;
    b.check(
        b.has(".print-view").await && !b.has(".site-header").await,
        "the print view stands alone",
    )
    .await;
    b.finish(&app, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consultation_cycle_with_javascript() {
    cycle(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consultation_cycle_without_javascript() {
    cycle(false).await;
}
