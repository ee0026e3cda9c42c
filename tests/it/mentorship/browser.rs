//! Mentorship in Chromium, with JavaScript on and off: the secretariat creates a paid
//! programme and a cohort and invites a mentor and a mentee; both accept and fill in their
//! profiles; the secretariat proposes the suggested pair (its reasons on the page); both
//! accept; they agree a goal; three sessions with private notes; the mentor turns a session
//! into a time entry, submits it, and finance sees it; feedback; the goal is met, the match
//! completed, and the mentee's certificate shows the name they chose. axe-core checks every
//! page.

use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::fixtures::honoraria::seed_rates;
use crate::fixtures::{create_council, create_person};
use crate::harness::browser::{Browser, prerequisites};
use crate::harness::{Db, TestApp};

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Waits until the browser is on a page whose path starts with `prefix`; returns the path.
async fn wait_path(b: &Browser, prefix: &str) -> String {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let path = b.path().await;
        if path.starts_with(prefix) && path.len() > prefix.len() {
            return path;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report(&format!("waiting for {prefix}…")).await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// As `person`: open their place from the programmes page, accept, fill in the profile.
async fn join(b: &Browser, app: &TestApp, person: PersonId, council: CouncilId, mentor: bool) {
    b.act_as(app, person, council).await;
    b.visit(app.url("/programmes").as_str()).await;
    b.arrive("/programmes", "#places a").await;
    b.click("#places a").await;
    let place = wait_path(b, "/places/").await;
    b.arrive(&place, "#accept-invitation").await;
    b.click("#accept-invitation").await;
    b.wait_count("#accept-invitation", 0).await;
    b.arrive(&place, "#save-profile").await;
    b.fill("#languages", "English").await;
    b.fill("#topics", "public speaking").await;
    b.click("#online").await;
    if mentor {
        b.fill("#capacity", "2").await;
    } else {
        b.fill("#wish_gender", "woman").await;
    }
    b.click("#save-profile").await;
    b.wait_count("#languages[value=English]", 1).await;
    b.arrive(&place, "#save-profile").await;
}

async fn cycle(js: bool) {
    if !prerequisites() {
        return;
    }
    let app = TestApp::builder(Db::Sqlite).spawn().await;
    let council = create_council(&app, "at").await;
    seed_rates(&app, council).await;
    let staff = create_person(
        &app,
        council,
        "Sami Secretariat",
        "sami@example.org",
        &[Role::Secretariat],
    )
    .await;
    let mentor = create_person(
        &app,
        council,
        "Mona Mentor",
        "mona@example.org",
        &[Role::Member],
    )
    .await;
    let mentee = create_person(
        &app,
        council,
        "Tarik Mentee",
        "tarik@example.org",
        &[Role::Member],
    )
    .await;
    let finance = create_person(
        &app,
        council,
        "Fiona Finance",
        "fiona@example.org",
        &[Role::Finance],
    )
    .await;
    let admin = create_person(
        &app,
        council,
        "Ada Admin",
        "ada@example.org",
        &[Role::CouncilAdmin],
    )
    .await;
    let b = Browser::start(js).await;

    // The council admin names the secretariat member safeguarding lead.
    b.act_as(&app, admin, council).await;
    b.visit(app.url("/cases").as_str()).await;
    b.arrive("/cases", "#set-lead").await;
    b.choose("#lead-person", &staff.to_string()).await;
    b.click("#set-lead").await;
    b.wait_text("#lead", "Sami Secretariat").await;
    b.arrive("/cases", "#no-cases").await;

    // The secretariat creates a paid programme and a cohort, and invites both.
    b.act_as(&app, staff, council).await;
    b.visit(app.url("/programmes").as_str()).await;
    b.arrive("/programmes", "#create-programme").await;
    b.fill("#programme-title", "Leadership in advocacy").await;
    b.fill("#aims", "Learning from each other.").await;
    b.click("#paid").await;
    b.choose("#activity", "mentoring").await;
    b.click("#create-programme").await;
    let programme = wait_path(&b, "/programmes/").await;
    b.arrive(&programme, "#add-cohort").await;
    b.fill("#cohort-name", "Autumn").await;
    b.click("#add-cohort").await;
    b.arrive(&programme, "section.cohort .invite").await;
    for (n, (person, role)) in [(mentor, "mentor"), (mentee, "mentee")]
        .into_iter()
        .enumerate()
    {
        b.choose("section.cohort select[name=person]", &person.to_string())
            .await;
        b.choose("section.cohort select[name=role]", role).await;
        b.click("section.cohort .invite").await;
        b.wait_count("section.cohort table.participants tbody tr", n + 1)
            .await;
        b.arrive(&programme, "section.cohort .invite").await;
    }

    // Both accept and fill in their profiles.
    join(&b, &app, mentor, council, true).await;
    join(&b, &app, mentee, council, false).await;

    // The suggestion, with its reasons (the wish that cannot be met is shown); proposed.
    b.act_as(&app, staff, council).await;
    b.visit(app.url(&programme).as_str()).await;
    b.arrive(&programme, ".suggestion .propose").await;
    let reasons = b.text(".suggestion .reasons").await;
    b.check(
        reasons.to_lowercase().contains("both work in english") && reasons.contains("Wish not met"),
        &format!("the reasons are shown: {reasons}"),
    )
    .await;
    b.click(".suggestion .propose").await;
    b.wait_count("table.matches tbody tr", 1).await;
    b.arrive(&programme, "table.matches").await;

    // Both accept the match.
    let mut pair = String::new();
    for person in [mentor, mentee] {
        b.act_as(&app, person, council).await;
        b.visit(app.url("/programmes").as_str()).await;
        b.arrive("/programmes", "#my-matches a").await;
        b.click("#my-matches a").await;
        pair = wait_path(&b, "/pairs/").await;
        b.arrive(&pair, "#accept-match").await;
        b.click("#accept-match").await;
        b.wait_count("#accept-match", 0).await;
    }
    b.arrive(&pair, "#match-state[data-state=active]").await;

    // The mentee proposes a goal; the mentor agrees; three sessions with private notes.
    b.fill("#goal-title", "Speak at a hearing").await;
    b.click("#propose-goal").await;
    b.arrive(&pair, ".goal").await;
    b.act_as(&app, mentor, council).await;
    b.visit(app.url(&pair).as_str()).await;
    b.arrive(&pair, ".agree-goal").await;
    b.click(".agree-goal").await;
    b.arrive(&pair, ".goal[data-agreed=true]").await;
    for n in 1..=3 {
        b.fill("#session-minutes", "60").await;
        b.fill("#session-topics", &format!("Practice {n}")).await;
        b.fill("#session-notes", &format!("Private note {n}")).await;
        b.click("#log-session").await;
        b.wait_count("#sessions .session", n).await;
        b.arrive(&pair, "#log-session").await;
    }
    b.check(
        b.text("#sessions").await.contains("Practice 2"),
        "the sessions are listed",
    )
    .await;

    // The mentor turns a session into time and submits it; finance sees it.
    b.click(".claim-session").await;
    b.wait_count(".claimed", 1).await;
    b.arrive(&pair, ".claimed").await;
    b.visit(app.url("/time").as_str()).await;
    b.arrive("/time", ".submit-claim").await;
    b.check(
        b.text("#claim-list").await.contains("35.00 EUR"),
        "an hour at the mentoring rate",
    )
    .await;
    b.click(".submit-claim").await;
    b.wait_count(".submit-claim", 0).await;
    b.act_as(&app, finance, council).await;
    b.visit(app.url("/finance").as_str()).await;
    b.arrive("/finance", "#queue").await;
    b.check(
        b.text("#queue").await.contains("Mona Mentor"),
        "finance sees the mentor's time",
    )
    .await;

    // The mentee gives feedback on a session, the goal is met, the match completed.
    b.act_as(&app, mentee, council).await;
    b.visit(app.url(&pair).as_str()).await;
    b.arrive(&pair, ".session-feedback summary").await;
    b.click(".session-feedback summary").await;
    for (question, value) in [("useful", "5"), ("respected", "5"), ("recommend", "4")] {
        b.click(&format!(
            ".session-feedback input[name=\"fields[{question}]\"][value=\"{value}\"]"
        ))
        .await;
    }
    b.click(".session-feedback .give-feedback").await;
    b.wait_count(".session-feedback", 2).await;
    b.arrive(&pair, ".goal-met").await;
    b.click(".goal-met").await;
    b.arrive(&pair, "#complete-match").await;
    b.click("#complete-match").await;
    b.arrive(&pair, "#match-state[data-state=completed]").await;

    // The certificate, with the name the mentee chose.
    b.click("#name-other").await;
    b.fill("#other-name", "Tarik Legalname").await;
    b.click("#save-name").await;
    b.wait_count("#name-other:checked", 1).await;
    b.arrive(&pair, "#certificate-link").await;
    b.click("#certificate-link").await;
    let certificate = format!("{pair}/certificate");
    b.arrive(&certificate, "#certificate-name").await;
    b.check(
        b.text("#certificate-name").await == "Tarik Legalname",
        "the chosen name",
    )
    .await;
    b.check(
        b.text("main").await.contains("Leadership in advocacy"),
        "the programme",
    )
    .await;

    // The mentee reports a concern; only the lead reads it, and adds a note.
    b.visit(app.url(&pair).as_str()).await;
    b.arrive(&pair, "#report-concern").await;
    b.fill("#concern", "I felt pressured to share more than I wanted.")
        .await;
    b.click("#report-concern").await;
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while roundtable_app::domain::mentorship::entities::safeguarding_case::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
        == 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report("the concern was not stored").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.arrive(&pair, "#report-concern").await;
    b.act_as(&app, staff, council).await;
    b.visit(app.url("/cases").as_str()).await;
    b.arrive("/cases", "#cases a").await;
    b.click("#cases a").await;
    let case = wait_path(&b, "/cases/").await;
    b.arrive(&case, "#concern-text").await;
    b.check(
        b.text("#concern-text").await.contains("pressured"),
        "the lead reads the concern",
    )
    .await;
    b.check(
        b.text("#reporter").await == "Tarik Mentee",
        "and who reported it",
    )
    .await;
    b.fill("#case-note", "Called Tarik; agreed next steps.")
        .await;
    b.choose("#case-status-select", "in_progress").await;
    b.click("#update-case").await;
    b.arrive(&case, "#case-status[data-status=in_progress]")
        .await;
    b.check(
        b.text("#case-notes").await.contains("agreed next steps"),
        "the note is kept",
    )
    .await;
    b.finish(&app, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentorship_cycle_with_javascript() {
    cycle(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentorship_cycle_without_javascript() {
    cycle(false).await;
}
