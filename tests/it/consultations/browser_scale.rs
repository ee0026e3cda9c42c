//! Consultations at scale in Chromium, with JavaScript on and off: a section flooded with
//! comments (the chapter shows the newest, a plain link leads to every page of them), the
//! secretariat's queue (filters through a GET form, a campaign group answered once, a
//! decision on a selection), and the posting limit keeping what was typed. axe-core checks
//! every page.

use roundtable_app::domain::Actor;
use roundtable_app::domain::SessionAuth;
use roundtable_app::domain::consultations::{comments, drafts, store};
use roundtable_app::model::comment::CommentFields;
use roundtable_app::model::consultation::Phase;
use roundtable_app::model::ids::{ConsultationId, CouncilId, PersonId, SectionId, VersionId};
use roundtable_app::model::viewer::Role;

use crate::fixtures::{ConsultationBuilder, allow_many_posts, create_council, create_person};
use crate::harness::browser::{Browser, prerequisites};
use crate::harness::{Db, TestApp};

const DRAFT: &str = "## Chapter 1 – Services\n\n### Article 1 – Housing\n\n1. The State shall provide safe housing.\n2. Housing shall be available within 24 hours.\n";

const CAMPAIGN: &str = "We ask the Ministry to remove the obligation to report to the police \
    before any assistance is given. Support must be unconditional, and the reflection period \
    must be respected in every case.";

async fn actor(app: &TestApp, person: PersonId, council: CouncilId) -> Actor {
    let mut auth = SessionAuth::new(person, council);
    auth.second_factor = true;
    Actor::load(&app.db, Some(auth)).await.expect("actor")
}

fn fields(kind: &str, body: &str, attribution: &str) -> CommentFields {
    CommentFields {
        kind: kind.into(),
        body: body.into(),
        attribution: attribution.into(),
        ..CommentFields::default()
    }
}

async fn answered(app: &TestApp, consultation: ConsultationId) -> usize {
    use roundtable_app::domain::consultations::entities::response;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let n = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(consultation.0))
        .count(&app.db)
        .await
        .expect("count");
    usize::try_from(n).expect("count")
}

/// The sections an answer to comment `id` says were changed.
async fn changed(app: &TestApp, id: &str) -> Vec<String> {
    use roundtable_app::domain::consultations::entities::comment_change;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let id: uuid::Uuid = id.parse().expect("comment id");
    comment_change::Entity::find()
        .filter(comment_change::Column::CommentId.eq(id))
        .all(&app.db)
        .await
        .expect("changes")
        .into_iter()
        .map(|c| c.anchor)
        .collect()
}

async fn flood(js: bool) {
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
    let mut members = Vec::new();
    for (name, email) in [
        ("Amira Named", "amira@example.org"),
        ("Pia Pseudo", "pia@example.org"),
        ("Zephyrine Canary", "z@example.org"),
    ] {
        members.push(create_person(&app, council, name, email, &[Role::Member]).await);
    }
    let late = create_person(
        &app,
        council,
        "Lena Late",
        "lena@example.org",
        &[Role::Member],
    )
    .await;
    let id = ConsultationBuilder::new(council)
        .title("Support Act")
        .phase(Phase::Open)
        .insert(&app)
        .await;
    let staff_actor = actor(&app, staff, council).await;
    drafts::import_file(
        &app.state,
        &staff_actor,
        id,
        "draft.md",
        DRAFT.as_bytes(),
        "",
    )
    .await
    .expect("import");
    drafts::publish(&app.state, &staff_actor, id, "")
        .await
        .expect("publish");
    let version = store::latest_published(&app.db, id)
        .await
        .expect("q")
        .expect("version");
    let sections = store::sections_of(&app.db, VersionId(version.id))
        .await
        .expect("sections");
    let chapter = sections.first().expect("chapter").anchor.clone();
    let housing = sections
        .iter()
        .find(|s| s.number == "1.")
        .expect("paragraph 1");
    let later = sections
        .iter()
        .find(|s| s.number == "2.")
        .expect("paragraph 2");
    // 30 distinct comments and a campaign of six on paragraph 1; two questions on paragraph 2.
    allow_many_posts(&app, council).await;
    let writers = [
        (actor(&app, members[0], council).await, "named"),
        (actor(&app, members[1], council).await, "pseudonym"),
        (actor(&app, members[2], council).await, "anonymous"),
    ];
    for n in 0..30 {
        let (who, attribution) = &writers[n % 3];
        let text = format!(
            "Distinct point {n}: shelter type {} in district {} matters.",
            n * 7,
            n * 13
        );
        comments::add(
            &app.state,
            who,
            id,
            Some(SectionId(housing.id)),
            None,
            &fields("concern", &text, attribution),
        )
        .await
        .expect("comment");
    }
    for n in 0..6 {
        let (who, attribution) = &writers[n % 3];
        let text = if n % 2 == 0 {
            CAMPAIGN.to_owned()
        } else {
            format!("Dear all. {CAMPAIGN}")
        };
        comments::add(
            &app.state,
            who,
            id,
            Some(SectionId(housing.id)),
            None,
            &fields("concern", &text, attribution),
        )
        .await
        .expect("campaign");
    }
    for text in [
        "Who pays the interpreters?",
        "Does the 24 hours include weekends?",
    ] {
        comments::add(
            &app.state,
            &writers[0].0,
            id,
            Some(SectionId(later.id)),
            None,
            &fields("question", text, "named"),
        )
        .await
        .expect("question");
    }

    let b = Browser::start(js).await;
    // A member reads the chapter: five threads of paragraph 1, and a plain link to all 36.
    b.act_as(&app, members[0], council).await;
    let part = format!("/consultations/{id}/part/{chapter}");
    b.visit(app.url(&part).as_str()).await;
    let all = format!("/consultations/{id}/comments/{}", housing.anchor);
    b.check(
        b.count(&format!("#comments-{} li.comment", housing.anchor))
            .await
            == 5,
        "five threads of 36 in the chapter",
    )
    .await;
    b.click(&format!("a[href=\"{all}\"]")).await;
    b.arrive(&all, "#comments").await;
    b.check(
        b.count("#comments li.comment").await == 20,
        "twenty threads a page",
    )
    .await;
    b.click("a[rel=next]").await;
    b.arrive(&all, "a[rel=prev]").await;
    b.check(
        b.count("#comments li.comment").await == 16,
        "the rest on page 2",
    )
    .await;

    // The secretariat's queue: the campaign is one item of six.
    b.act_as(&app, staff, council).await;
    let answers = format!("/consultations/{id}/answers");
    b.visit(app.url(&answers).as_str()).await;
    b.check(
        b.text("#queue-status")
            .await
            .contains("38 comments, 38 without an answer"),
        "the counts",
    )
    .await;
    b.check(
        b.has("li[data-size=\"6\"]").await,
        "the campaign is one item of six",
    )
    .await;
    let key = b
        .attr("li[data-size=\"6\"] input[name=item]", "value")
        .await;
    b.click(&format!("#d-partly_accepted-{key}")).await;
    b.fill(
        &format!("#exp-{key}"),
        "Support stays unconditional; the period stays as drafted.",
    )
    .await;
    b.click("li[data-size=\"6\"] button[type=submit]").await;
    b.arrive(&answers, "#queue").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while answered(&app, id).await < 6 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the group's answer is saved"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.check(
        answered(&app, id).await == 6,
        "one answer on each of the six",
    )
    .await;
    b.check(
        b.text("#queue-status")
            .await
            .contains("32 without an answer"),
        "the counts move",
    )
    .await;

    // An answer that changed another section too: the item's link opens the list of
    // sections on that item alone, and the choice is saved with the answer.
    let single = "li[data-size=\"1\"]";
    let key = b.attr(single, "data-comment").await;
    b.check(
        !b.has("select[name=\"fields[also]\"]").await,
        "no list of sections before it is asked for",
    )
    .await;
    b.click(&format!("{single} a.also-link")).await;
    b.arrive(&answers, &format!("#also-{key}")).await;
    b.check(
        b.count("select[name=\"fields[also]\"]").await == 1,
        "the list on that item only",
    )
    .await;
    let other = b
        .attr(&format!("#also-{key} option:nth-child(2)"), "value")
        .await;
    b.check(!other.is_empty(), "another section to choose")
        .await;
    b.choose(&format!("#also-{key}"), &other).await;
    b.click(&format!("#d-accepted-{key}")).await;
    b.fill(
        &format!("#exp-{key}"),
        "The time limit now applies to both paragraphs.",
    )
    .await;
    b.click(&format!("li[data-comment=\"{key}\"] button[type=submit]"))
        .await;
    b.arrive(&answers, "#queue").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !changed(&app, &key).await.contains(&other) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the other changed section is saved with the answer"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.check(
        !b.has("select[name=\"fields[also]\"]").await,
        "back on the queue, no list is open",
    )
    .await;

    // Filters through the GET form: the questions only.
    b.choose("#kind", "question").await;
    b.click("form.filters button[type=submit]").await;
    b.arrive(&answers, "#queue").await;
    b.check(b.count("li.card[data-comment]").await == 2, "two questions")
        .await;
    // A decision on both at once.
    let boxes = b
        .client
        .find_all(fantoccini::Locator::Css("input[form=bulk]"))
        .await
        .expect("boxes");
    for checkbox in boxes {
        checkbox.click().await.expect("ticked");
    }
    b.click("#d-noted-bulk").await;
    b.fill("#exp-bulk", "Answered in the guidance notes.").await;
    b.click("#bulk button[type=submit]").await;
    b.arrive(&answers, "#queue").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while answered(&app, id).await < 8 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the selection's answers are saved"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A member posting too fast is stopped, with a clear message, and keeps the text.
    let council_rules = r#"{"posting": {"burst": 2, "per_hour": 1, "section_per_hour": 10}}"#;
    {
        use roundtable_app::domain::identity::entities::council;
        use sea_orm::{ActiveModelTrait as _, ActiveValue::Set};
        council::ActiveModel {
            id: Set(council.0),
            settings: Set(council_rules.into()),
            ..Default::default()
        }
        .update(&app.db)
        .await
        .expect("rules");
    }
    let lena = actor(&app, late, council).await;
    for n in 0..2 {
        comments::add(
            &app.state,
            &lena,
            id,
            Some(SectionId(later.id)),
            None,
            &fields("comment", &format!("Quick note {n}."), "named"),
        )
        .await
        .expect("within the burst");
    }
    b.act_as(&app, late, council).await;
    let open = format!("{part}?on={}#write-section-{}", later.id, later.id);
    b.visit(app.url(&open).as_str()).await;
    let body = format!("#body-{}", later.id);
    b.check(b.has(&body).await, "the comment box").await;
    b.fill(&body, "A third note I must not lose.").await;
    b.click(&format!("#write-section-{} button[type=submit]", later.id))
        .await;
    b.arrive(&part, "[role=alert]").await;
    b.check(
        b.text("[role=alert]")
            .await
            .contains("many comments in a short time"),
        "the limit's message",
    )
    .await;
    b.check(
        b.value(&body)
            .await
            .contains("A third note I must not lose."),
        "the text is still in its box",
    )
    .await;

    // Closed, the report is read a page at a time: 50 comments, then a plain link on.
    allow_many_posts(&app, council).await;
    for n in 0..12 {
        let (who, attribution) = &writers[n % 3];
        comments::add(
            &app.state,
            who,
            id,
            Some(SectionId(later.id)),
            None,
            &fields(
                "comment",
                &format!("Closing remark {n} on timing."),
                attribution,
            ),
        )
        .await
        .expect("comment");
    }
    roundtable_app::domain::consultations::phases::close(&app.db, &staff_actor, id)
        .await
        .expect("close");
    b.act_as(&app, staff, council).await;
    let outcome = format!("/consultations/{id}/outcome");
    b.visit(app.url(&outcome).as_str()).await;
    b.check(
        b.count(".report__comment").await == 50,
        "a page of the report holds 50 comments",
    )
    .await;
    let next = format!("{outcome}?page=2");
    b.check(
        b.has(&format!("a[rel=next][href=\"{next}\"]")).await,
        "a plain link to the next page",
    )
    .await;
    b.visit(app.url(&next).as_str()).await;
    b.check(b.count(".report__comment").await == 2, "the rest on page 2")
        .await;
    b.check(
        b.text(".report__section h2").await.contains("(continued)"),
        "page 2 goes on with the section page 1 ended in",
    )
    .await;
    b.finish(&app, &["/fn/comments/post"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_comments_with_javascript() {
    flood(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_comments_without_javascript() {
    flood(false).await;
}
