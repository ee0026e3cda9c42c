//! Paid time in Chromium, with JavaScript on and off: a member logs reviewing time and an
//! expense with its receipt and chooses bank transfer; finance A approves both (the time entry
//! is above the threshold and waits), cannot approve their own claim, finance B gives the
//! second approval; a batch is made, its SEPA file validates against the schema and its CSV
//! total matches; it is marked paid and the member sees "paid". axe-core checks every page.

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

/// Waits (20 s at most) until the text of `css` contains `needle`, across page loads.
async fn wait_text(b: &Browser, css: &str, needle: &str) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Ok(e) = b.client.find(fantoccini::Locator::Css(css)).await
            && e.text().await.is_ok_and(|t| t.contains(needle))
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            b.report(&format!("waiting for {needle:?} in {css}")).await
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

    // The member chooses bank transfer, logs time and an expense, and submits them.
    b.act_as(&app, member, council).await;
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
    b.click(".submit-claim").await;
    wait_for(&b, "#claim-list [data-state=submitted]", true).await;
    b.arrive("/time", ".submit-claim").await;
    b.click(".submit-claim").await;
    wait_for(&b, "#claim-list [data-state=draft]", false).await;
    b.arrive("/time", "#claim-list").await;
    b.check(
        b.text("#claim-list").await.matches("Submitted").count() == 2,
        "both submitted",
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
    wait_text(&b, "#queue", "Waiting for a second approval").await;
    b.arrive("/finance", "#queue").await;
    b.check(
        b.text("#queue")
            .await
            .contains("Waiting for a second approval"),
        "the time entry waits for a second approver",
    )
    .await;

    // Finance B gives the second approval and makes the batch.
    b.act_as(&app, finance_b, council).await;
    b.visit(app.url("/finance?state=first_approved").as_str())
        .await;
    b.arrive("/finance", "#queue").await;
    b.click("#queue input[type=checkbox]").await;
    b.click("#approve").await;
    wait_for(&b, "#approved .create-batch", true).await;
    b.arrive("/finance", "#approved .create-batch").await;
    b.check(
        b.text("#approved").await.contains("72.30"),
        "72.30 approved",
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
        b.text("#batch-total").await.contains("72.30 EUR"),
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
    assert!(xml.contains("<CtrlSum>72.30</CtrlSum>"));
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
            .is_some_and(|l| l.starts_with("total,") && l.contains("72.30")),
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

    // The member sees "paid".
    b.act_as(&app, member, council).await;
    b.visit(app.url("/time").as_str()).await;
    b.arrive("/time", "#claim-list").await;
    let list = b.text("#claim-list").await;
    b.check(list.matches("Paid").count() == 2, "both paid")
        .await;
    b.check(b.text("#years").await.contains("72.30"), "the year's total")
        .await;
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
