//! Paid time in Chromium, with JavaScript on and off: the secretariat records a meeting and
//! who attended; the member confirms the prefilled meeting entry, logs reviewing time and an
//! expense with its receipt and chooses bank transfer; finance A approves all three (the time
//! entries are above the threshold and wait), cannot approve their own claim, finance B gives
//! the second approvals; a batch is made, its SEPA file validates against the schema and its
//! CSV total matches; it is marked paid, the member sees "paid" and downloads a statement
//! whose totals match. axe-core checks every page.

use roundtable_app::model::viewer::Role;

use super::http::validate_sepa;
use crate::fixtures::honoraria::{RECEIPT_PDF, seed_rates, today};
use crate::fixtures::{create_council, create_person};
use crate::harness::browser::{Browser, prerequisites};
use crate::harness::{Db, TestApp, signed_in_client};

/// Waits (20 s at most) until an element matches `css` (or, with `present` false, none does):
/// a form posted to the page it came from shows no other change of address.
async fn wait_for(b: &Browser, css: &str, present: bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while b.has(css).await != present {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report(&format!("waiting for {css} to be {present}"))
                .await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn cycle(js: bool) {
    if !prerequisites() {
        return;
    }
    let app = TestApp::builder(Db::Sqlite).spawn().await;
    let council = create_council(&app, "at").await;
    seed_rates(&app, council).await;
    let member = create_person(
        &app,
        council,
        "Mira Member",
        "mira@example.org",
        &[Role::Member],
    )
    .await;
    let finance_a = create_person(
        &app,
        council,
        "Fatima Finance",
        "fatima@example.org",
        &[Role::Finance, Role::Member],
    )
    .await;
    let finance_b = create_person(
        &app,
        council,
        "Franz Finance",
        "franz@example.org",
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
    let secretariat = create_person(
        &app,
        council,
        "Sami Secretariat",
        "sami@example.org",
        &[Role::Secretariat],
    )
    .await;
    let receipt = tempfile::Builder::new()
        .suffix(".pdf")
        .tempfile()
        .expect("temp file");
    std::fs::write(receipt.path(), RECEIPT_PDF).expect("receipt written");

    let b = Browser::start(js).await;
    // The council admin sets the threshold and the paying account.
    b.act_as(&app, admin, council).await;
    b.visit(app.url("/council/rates").as_str()).await;
    b.arrive("/council/rates", "#save-settings").await;
    b.fill("#threshold", "50").await;
    b.fill("#debtor-name", "Council Secretariat").await;
    b.fill("#debtor-iban", "DE89 3704 0044 0532 0130 00").await;
    b.click("#save-settings").await;
    wait_for(&b, "#debtor-status[data-set=true]", true).await;
    b.arrive("/council/rates", "#rate-card").await;
    b.check(
        b.text("main").await.contains("The paying account is set"),
        "the account is set",
    )
    .await;

    // The secretariat records a meeting that has just begun (the form starts at now, to the
    // quarter hour) and ticks the member as present.
    b.act_as(&app, secretariat, council).await;
    b.visit(app.url("/meetings").as_str()).await;
    b.arrive("/meetings", "#record-meeting").await;
    b.fill("#meeting-minutes", "120").await;
    b.click("#online").await;
    b.fill("#place", "Video call").await;
    b.fill("#agenda", "Advice on the support services law")
        .await;
    b.click("#record-meeting").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !b.path().await.starts_with("/meetings/") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report("no meeting page").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let meeting_path = b.path().await;
    b.arrive(&meeting_path, "#record-attendance").await;
    b.click(&format!("#attendees input[value=\"{member}\"]"))
        .await;
    b.click("#record-attendance").await;
    wait_for(&b, "#attendance-recorded", true).await;
    b.arrive(&meeting_path, "#attendees").await;

    // The member chooses bank transfer, finds the meeting entry, logs time and an expense,
    // and submits all three.
    b.act_as(&app, member, council).await;
    b.visit(app.url("/meetings").as_str()).await;
    b.arrive("/meetings", "#meeting-list .attended").await;
    b.visit(app.url("/time/payment").as_str()).await;
    b.arrive("/time/payment", "#save-payment").await;
    b.click("#method-bank").await;
    b.fill("#holder", "Mira Holder").await;
    b.fill("#iban", "FR14 2004 1010 0505 0001 3M02 606").await;
    b.click("#save-payment").await;
    b.arrive("/time/payment", "#bank-kept").await;
    b.visit(app.url("/time").as_str()).await;
    b.arrive("/time", "#log-time").await;
    b.check(
        b.text("#payment-method").await.contains("Bank transfer"),
        "bank transfer chosen",
    )
    .await;
    // The date field starts at today (typing into a date field depends on the locale).
    b.check(
        b.value("#work_date").await == today(),
        "today is the default date",
    )
    .await;
    b.check(
        b.text("#claim-list [data-state=draft]")
            .await
            .contains("180.00 EUR"),
        "the meeting entry is prefilled: a half day at 150.00 and 30.00 preparation",
    )
    .await;
    b.fill("#minutes", "90").await;
    b.choose("#activity", "review").await;
    b.fill("#description", "Read the draft law").await;
    b.click("#log-time").await;
    b.arrive("/time", "#claim-list [data-state=draft]").await;
    b.fill("#amount", "12.30").await;
    b.element("#receipt")
        .await
        .send_keys(&receipt.path().display().to_string())
        .await
        .expect("file chosen");
    b.click("#add-expense").await;
    wait_for(&b, "#claim-list li:nth-child(2)", true).await;
    b.arrive("/time", "#claim-list").await;
    b.check(
        b.text("#claim-list").await.contains("60.00 EUR"),
        "90 minutes at 40.00 an hour",
    )
    .await;
    for left in (0..3).rev() {
        b.arrive("/time", ".submit-claim").await;
        b.click(".submit-claim").await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        while b.count("#claim-list [data-state=draft]").await != left {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}",
                b.report("a draft was not submitted").await
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    b.arrive("/time", "#claim-list").await;
    b.check(
        b.text("#claim-list").await.matches("Submitted").count() == 3,
        "all three submitted",
    )
    .await;

    // Finance A's own claim (they are a member too), submitted through the API.
    let own = signed_in_client(&app, finance_a, council, true).await;
    let res = own
        .post(app.url("/fn/honoraria/log_time"))
        .header("accept", "application/json")
        .form(&[
            ("fields[work_date]", today().as_str()),
            ("fields[minutes]", "30"),
            ("fields[activity]", "review"),
        ])
        .send()
        .await
        .expect("POST");
    let own_id: String = res.json().await.expect("id");
    own.post(app.url("/fn/honoraria/submit"))
        .header("accept", "application/json")
        .form(&[("claim", own_id.as_str())])
        .send()
        .await
        .expect("POST");

    // Finance A approves the member's two claims; their own cannot be picked.
    b.act_as(&app, finance_a, council).await;
    b.visit(app.url("/finance").as_str()).await;
    b.arrive("/finance", "#queue").await;
    b.check(
        !b.has(&format!("input[value=\"{own_id}\"]")).await,
        "finance cannot pick their own claim",
    )
    .await;
    b.check(
        b.text("#queue").await.contains("Your own"),
        "their own claim is marked",
    )
    .await;
    for input in b
        .client
        .find_all(fantoccini::Locator::Css("#queue input[type=checkbox]"))
        .await
        .expect("checkboxes")
    {
        input.click().await.expect("picked");
    }
    b.click("#approve").await;
    b.wait_text("#queue", "Waiting for a second approval").await;
    b.arrive("/finance", "#queue").await;
    b.check(
        b.text("#queue")
            .await
            .contains("Waiting for a second approval"),
        "the time entries wait for a second approver",
    )
    .await;

    // Finance B gives the second approval and makes the batch.
    b.act_as(&app, finance_b, council).await;
    b.visit(app.url("/finance?state=first_approved").as_str())
        .await;
    b.arrive("/finance", "#queue").await;
    b.check(
        b.count("#queue input[type=checkbox]").await == 2,
        "two entries wait for a second approval",
    )
    .await;
    for input in b
        .client
        .find_all(fantoccini::Locator::Css("#queue input[type=checkbox]"))
        .await
        .expect("checkboxes")
    {
        input.click().await.expect("picked");
    }
    b.click("#approve").await;
    wait_for(&b, "#approved .create-batch", true).await;
    b.arrive("/finance", "#approved .create-batch").await;
    b.check(
        b.text("#approved").await.contains("252.30"),
        "252.30 approved",
    )
    .await;
    b.click("#approved .create-batch").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !b.path().await.starts_with("/finance/batches/") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report("no batch page").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let batch_path = b.path().await;
    b.arrive(&batch_path, "#mark-paid").await;
    b.check(
        b.text("#batch-total").await.contains("252.30 EUR"),
        "the batch total",
    )
    .await;
    b.check(
        b.text("#transfers").await.contains("Mira Member"),
        "the payee",
    )
    .await;
    // The files, fetched as finance B's session would.
    let finance = signed_in_client(&app, finance_b, council, true).await;
    let xml = finance
        .get(app.url(&format!("{batch_path}/sepa")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("xml");
    validate_sepa(&xml).unwrap_or_else(|e| panic!("valid SEPA file: {e}"));
    assert!(xml.contains("<CtrlSum>252.30</CtrlSum>"));
    let csv = finance
        .get(app.url(&format!("{batch_path}/csv")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("csv");
    assert!(
        csv.lines()
            .last()
            .is_some_and(|l| l.starts_with("total,") && l.contains("252.30")),
        "{csv}"
    );
    b.click("#mark-paid").await;
    wait_for(&b, "#mark-paid", false).await;
    b.arrive(&batch_path, "#batch-state").await;
    b.check(
        b.text("#batch-state").await.contains("Paid"),
        "the batch is paid",
    )
    .await;
    b.visit(app.url("/finance/batches").as_str()).await;
    b.arrive("/finance/batches", "#batches").await;
    b.visit(app.url("/finance/totals").as_str()).await;
    b.arrive("/finance/totals", "#year-totals").await;
    b.check(
        b.text("#total-approved").await.contains("252.30"),
        "the year's total per person",
    )
    .await;
    b.visit(app.url("/council/payment-times").as_str()).await;
    b.arrive("/council/payment-times", "#payment-times").await;

    // The member sees "paid".
    b.act_as(&app, member, council).await;
    b.visit(app.url("/time").as_str()).await;
    b.arrive("/time", "#claim-list").await;
    let list = b.text("#claim-list").await;
    b.check(list.matches("Paid").count() == 3, "all three paid")
        .await;
    b.check(
        b.text("#years").await.contains("252.30"),
        "the year's total",
    )
    .await;
    b.click("#statement-link").await;
    b.arrive("/time/statement", "#statement-lines").await;
    b.check(
        b.text("#statement-totals").await.contains("252.30"),
        "the statement's total",
    )
    .await;
    b.check(
        b.count("#statement-lines tr[data-state=paid]").await == 3,
        "three paid lines",
    )
    .await;
    let href = b
        .element("#statement-csv")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    let mine = signed_in_client(&app, member, council, true).await;
    let csv = mine
        .get(app.url(&href))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("csv");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("total,") && l.contains("252.30") && l.contains(",paid,")),
        "{csv}"
    );
    let ics = mine
        .get(app.url(&format!("{meeting_path}/calendar.ics")))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(
        !ics.contains("support services"),
        "no agenda in the calendar: {ics}"
    );
    b.finish(&app, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_time_cycle_with_javascript() {
    cycle(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_time_cycle_without_javascript() {
    cycle(false).await;
}
