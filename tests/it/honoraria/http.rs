//! Paid time through HTTP: a claim's whole way from draft to paid with separation of duties,
//! the SEPA file against the official schema, bad input, concurrent batches on two servers,
//! exact totals over random claims, and bank details and receipts kept out of the database
//! file, the logs and other roles' pages.

use std::path::Path;
use std::process::Command;

use roundtable_app::domain::honoraria::entities::{claim, payment_batch};
use roundtable_app::domain::platform::entities::audit_log;
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::fixtures::honoraria::{IBAN_DEBTOR, IBAN_PAYEE, RECEIPT_PDF, seed_rates, today};
use crate::fixtures::{create_council, create_person};
use crate::harness::{TestApp, call, db_tests, signed_in_client, statements, workspace_root};

/// GETs a file route; returns status, headers and body.
pub(super) async fn download(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = client.get(app.url(path)).send().await.expect("GET");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.expect("body").to_vec())
}

/// Posts an expense with a receipt as the browser form does (multipart).
async fn post_expense(
    app: &TestApp,
    client: &reqwest::Client,
    amount: &str,
    currency: &str,
    file_name: &str,
    receipt: &[u8],
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("work_date", today())
        .text("category", "travel")
        .text("amount", amount.to_owned())
        .text("currency", currency.to_owned())
        .text("description", "Train to the meeting")
        .part(
            "receipt",
            reqwest::multipart::Part::bytes(receipt.to_vec()).file_name(file_name.to_owned()),
        );
    client
        .post(app.url("/time/expenses"))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

/// Validates `xml` against the official pain.001.001.03 schema with `xmllint`.
pub fn validate_sepa(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("batch.xml");
    std::fs::write(&file, xml).expect("write xml");
    let schema = workspace_root().join("tests/it/fixtures/pain.001.001.03.xsd");
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (Debian's libxml2-utils; scripts/bootstrap test installs it)");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The text of one XML element (the first of its name).
fn element(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("<{name}> in the file"))
        + open.len();
    let end = xml[start..].find('<').expect("element ends") + start;
    xml[start..end].to_owned()
}

/// A council with a rate card, a threshold and a paying account, and its people: member,
/// two finance officers (one also a member), council admin.
pub(super) struct Paid {
    pub(super) council: CouncilId,
    pub(super) member: PersonId,
    pub(super) finance_a: PersonId,
    pub(super) finance_b: PersonId,
    pub(super) admin: PersonId,
}

pub(super) async fn arrange(app: &TestApp, slug: &str, threshold: &str) -> Paid {
    let council = create_council(app, slug).await;
    seed_rates(app, council).await;
    let member = create_person(
        app,
        council,
        "Mira Member",
        &format!("mira@{slug}.example.org"),
        &[Role::Member],
    )
    .await;
    let finance_a = create_person(
        app,
        council,
        "Fatima Finance",
        &format!("fatima@{slug}.example.org"),
        &[Role::Finance, Role::Member],
    )
    .await;
    let finance_b = create_person(
        app,
        council,
        "Franz Finance",
        &format!("franz@{slug}.example.org"),
        &[Role::Finance],
    )
    .await;
    let admin = create_person(
        app,
        council,
        "Ada Admin",
        &format!("ada@{slug}.example.org"),
        &[Role::CouncilAdmin],
    )
    .await;
    let admin_client = signed_in_client(app, admin, council, true).await;
    let (status, body) = call(
        app,
        &admin_client,
        "/fn/honoraria/settings",
        &[
            ("fields[second_approval_above]", threshold),
            ("fields[debtor_name]", "Council Secretariat & Partners"),
            ("fields[debtor_iban]", "de89 3704 0044 0532 0130 00"),
            ("fields[debtor_bic]", "COBADEFFXXX"),
        ],
    )
    .await;
    assert_eq!(status, 200, "settings saved: {body}");
    Paid {
        council,
        member,
        finance_a,
        finance_b,
        admin,
    }
}

pub(super) async fn claims_of(app: &TestApp, council: CouncilId) -> Vec<claim::Model> {
    claim::Entity::find()
        .filter(claim::Column::CouncilId.eq(council.0))
        .all(&app.db)
        .await
        .expect("claims")
}

db_tests! {
    async fn a_claim_goes_from_draft_to_paid_with_separation_of_duties(db) {
        let app = TestApp::builder(db).spawn().await;
        let p = arrange(&app, "paid", "50.00").await;
        let member = signed_in_client(&app, p.member, p.council, false).await;
        let finance_a = signed_in_client(&app, p.finance_a, p.council, true).await;
        let finance_b = signed_in_client(&app, p.finance_b, p.council, true).await;

        // The member chooses bank transfer; the page never shows the IBAN back.
        let (status, body) = call(&app, &member, "/fn/honoraria/set_payment", &[
            ("fields[method]", "bank"),
            ("fields[holder]", "Mira Holder"),
            ("fields[iban]", "FR14 2004 1010 0505 0001 3M02 606"),
            ("fields[bic]", ""),
            ("fields[annual_cap]", ""),
        ]).await;
        assert_eq!(status, 200, "payment set: {body}");
        let (_, page) = {
            let res = member.get(app.url("/time/payment")).header("accept", "text/html").send().await.expect("GET");
            (res.status().as_u16(), res.text().await.expect("body"))
        };
        assert!(!page.contains("3M02") && !page.contains("Mira Holder"), "bank details are never shown again");

        // 90 minutes of reviewing at 40.00 an hour: 60.00, above the 50.00 threshold.
        let (status, id) = call(&app, &member, "/fn/honoraria/log_time", &[
            ("fields[work_date]", &today()),
            ("fields[minutes]", "90"),
            ("fields[activity]", "review"),
            ("fields[description]", "Read the draft law"),
        ]).await;
        assert_eq!(status, 200, "time logged: {id}");
        let id = id.as_str().expect("claim id").to_owned();
        // An expense with a receipt: 12.30, below the threshold.
        let res = post_expense(&app, &member, "12,30", "", "ticket.pdf", RECEIPT_PDF).await;
        assert_eq!(res.status(), 303);
        let (_, mine) = call(&app, &member, "/fn/honoraria/mine", &[]).await;
        let claims = mine["claims"].as_array().expect("claims").clone();
        assert_eq!(claims.len(), 2);
        let time = claims.iter().find(|c| c["kind"] == "time").expect("time entry");
        assert_eq!(time["amount"], "60.00");
        assert_eq!(time["rate"][0], "40.00", "the rate used is kept with the entry");
        let expense = claims.iter().find(|c| c["kind"] == "expense").expect("expense");
        assert_eq!(expense["amount"], "12.30");
        let expense_id = expense["id"].as_str().expect("id").to_owned();

        // The member downloads their own receipt: an attachment, nosniff.
        let (status, headers, bytes) = download(&app, &member, &format!("/time/claims/{expense_id}/receipt")).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, RECEIPT_PDF);
        assert_eq!(headers["content-type"], "application/pdf");
        assert!(headers["content-disposition"].to_str().expect("ascii").starts_with("attachment"));
        assert_eq!(headers["x-content-type-options"], "nosniff");

        for c in [&id, &expense_id] {
            let (status, body) = call(&app, &member, "/fn/honoraria/submit", &[("claim", c)]).await;
            assert_eq!(status, 200, "submitted: {body}");
        }
        // The member cannot decide anything; finance cannot submit for them.
        let (status, _) = call(&app, &member, "/fn/honoraria/decide", &[("claims[0]", &id), ("decision", "approve")]).await;
        assert_eq!(status, 403);
        let (status, _) = call(&app, &finance_a, "/fn/honoraria/submit", &[("claim", &id)]).await;
        assert_eq!(status, 403);

        // Finance A approves both: the expense is approved, the time entry waits for a second.
        let (status, report) = call(&app, &finance_a, "/fn/honoraria/decide", &[
            ("claims[0]", &id), ("claims[1]", &expense_id), ("decision", "approve"),
        ]).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["done"].as_array().map(Vec::len), Some(2), "{report}");
        let state = |claims: &[claim::Model], id: &str| {
            claims.iter().find(|c| c.id.to_string() == id).expect("claim").state.clone()
        };
        let now = claims_of(&app, p.council).await;
        assert_eq!(state(&now, &id), "first_approved");
        assert_eq!(state(&now, &expense_id), "approved");
        // The same officer cannot give the second approval.
        let (_, report) = call(&app, &finance_a, "/fn/honoraria/decide", &[("claims[0]", &id), ("decision", "approve")]).await;
        assert_eq!(report["refused"][0][1], "same_approver", "{report}");
        // Finance receipts are audited.
        let (status, _, _) = download(&app, &finance_b, &format!("/time/claims/{expense_id}/receipt")).await;
        assert_eq!(status, 200);
        let (_, report) = call(&app, &finance_b, "/fn/honoraria/decide", &[("claims[0]", &id), ("decision", "approve")]).await;
        assert_eq!(report["done"].as_array().map(Vec::len), Some(1), "{report}");
        let now = claims_of(&app, p.council).await;
        assert_eq!(state(&now, &id), "approved");
        let approved = now.iter().find(|c| c.id.to_string() == id).expect("claim");
        assert_eq!(approved.first_approver, Some(p.finance_a.0));
        assert_eq!(approved.second_approver, Some(p.finance_b.0));

        // Approved is locked.
        let (status, body) = call(&app, &member, "/fn/honoraria/edit_time", &[
            ("claim", &id), ("fields[work_date]", &today()), ("fields[minutes]", "10"), ("fields[activity]", "review"),
        ]).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("locked")));
        let (status, body) = call(&app, &member, "/fn/honoraria/withdraw", &[("claim", &id)]).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("locked")));

        // Finance A's own claim: nobody decides their own.
        let own_client = signed_in_client(&app, p.finance_a, p.council, true).await;
        let (_, own) = call(&app, &own_client, "/fn/honoraria/log_time", &[
            ("fields[work_date]", &today()), ("fields[minutes]", "30"), ("fields[activity]", "review"),
        ]).await;
        let own = own.as_str().expect("id").to_owned();
        call(&app, &own_client, "/fn/honoraria/submit", &[("claim", &own)]).await;
        let (_, report) = call(&app, &finance_a, "/fn/honoraria/decide", &[("claims[0]", &own), ("decision", "approve")]).await;
        assert_eq!(report["refused"][0][1], "own_claim", "{report}");
        let (_, queue) = call(&app, &finance_a, "/fn/honoraria/queue", &[("filter[state]", "")]).await;
        let row = queue["rows"].as_array().expect("rows").iter().find(|r| r["claim"]["id"] == own.as_str()).expect("own row");
        assert_eq!(row["own"], true, "the queue marks the officer's own claim");

        // The batch: 72.30 to one payee by bank transfer.
        let (status, batch) = call(&app, &finance_a, "/fn/honoraria/create_batch", &[("currency", "EUR")]).await;
        assert_eq!(status, 200, "batch: {batch}");
        let batch = batch.as_str().expect("batch id").to_owned();
        let (status, _, xml) = download(&app, &finance_b, &format!("/finance/batches/{batch}/sepa")).await;
        assert_eq!(status, 200);
        let xml = String::from_utf8(xml).expect("utf-8");
        validate_sepa(&xml).unwrap_or_else(|e| panic!("the SEPA file is valid: {e}\n{xml}"));
        assert_eq!(element(&xml, "NbOfTxs"), "1");
        assert_eq!(element(&xml, "CtrlSum"), "72.30");
        assert!(xml.contains(&format!("<IBAN>{IBAN_PAYEE}</IBAN>")));
        assert!(xml.contains(&format!("<IBAN>{IBAN_DEBTOR}</IBAN>")));
        assert!(xml.contains("<Nm>Council Secretariat &amp; Partners</Nm>"));
        assert!(!xml.contains("Mira Member"), "the display name is not the account holder");
        let (status, headers, csv) = download(&app, &finance_a, &format!("/finance/batches/{batch}/csv")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let csv = String::from_utf8(csv).expect("utf-8");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 2, "one payee and the total: {csv}");
        assert_eq!(&rows[0][7], "72.30");
        assert_eq!(&rows[1][0], "total");
        assert_eq!(&rows[1][7], "72.30");
        // Bank details were read twice (two exports) and a receipt once: each audited.
        let viewed = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("payment.details_viewed"))
            .count(&app.db).await.expect("count");
        assert_eq!(viewed, 2);
        let receipts = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("receipt.viewed"))
            .count(&app.db).await.expect("count");
        assert_eq!(receipts, 1, "finance's view of a receipt is audited, the member's own is not");

        // Marking paid twice is one change.
        for _ in 0..2 {
            let (status, body) = call(&app, &finance_b, "/fn/honoraria/mark_paid", &[("id", &batch)]).await;
            assert_eq!(status, 200, "{body}");
        }
        let paid_events = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("batch.paid"))
            .count(&app.db).await.expect("count");
        assert_eq!(paid_events, 1);
        let (_, mine) = call(&app, &member, "/fn/honoraria/mine", &[]).await;
        for c in mine["claims"].as_array().expect("claims") {
            assert_eq!(c["state"], "paid", "{c}");
        }
        assert_eq!(mine["years"][0][2], "72.30", "the year's paid total");
        let b = payment_batch::Entity::find().all(&app.db).await.expect("batches");
        assert_eq!((b.len(), b[0].state.as_str(), b[0].item_count, b[0].total_minor), (1, "paid", 2, 7230));
        let _ = p.admin;
    }

    async fn bad_input_gets_a_clear_error_and_changes_nothing(db) {
        let app = TestApp::builder(db).spawn().await;
        let p = arrange(&app, "bad", "").await;
        let other = arrange(&app, "other", "").await;
        let member = signed_in_client(&app, p.member, p.council, false).await;
        let finance = signed_in_client(&app, p.finance_b, p.council, true).await;
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d").to_string();
        let today = today();
        let bad_times: &[(&str, &str, &str, &str, &str)] = &[
            // (date, minutes, activity, field, problem)
            (&today, "-30", "review", "minutes", "malformed"),
            (&today, "0", "review", "minutes", "malformed"),
            (&today, "100000", "review", "minutes", "too_long"),
            (&today, "1.5", "review", "minutes", "malformed"),
            (&tomorrow, "60", "review", "work_date", "in_future"),
            ("2026-13-40", "60", "review", "work_date", "malformed"),
            (&today, "60", "juggling", "activity", "malformed"),
            (&today, "60", "training", "activity", "unavailable"),
        ];
        for (date, minutes, activity, field, problem) in bad_times {
            let (status, body) = call(&app, &member, "/fn/honoraria/log_time", &[
                ("fields[work_date]", date), ("fields[minutes]", minutes), ("fields[activity]", activity),
            ]).await;
            assert_eq!(status, 400, "{date} {minutes} {activity}: {body}");
            assert_eq!((body["field"].as_str(), body["problem"].as_str()), (Some(*field), Some(*problem)), "{body}");
        }
        // Expenses: unknown currency, absurd amount, and an executable renamed .pdf.
        let exe: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";
        for (amount, currency, file, bytes, field, problem) in [
            ("10.00", "EURO", "r.pdf", RECEIPT_PDF, "currency", "malformed"),
            ("10.00", "XAU", "r.pdf", RECEIPT_PDF, "currency", "malformed"),
            ("-5", "", "r.pdf", RECEIPT_PDF, "amount", "malformed"),
            ("99999999999", "", "r.pdf", RECEIPT_PDF, "amount", "too_long"),
            ("10.001", "", "r.pdf", RECEIPT_PDF, "amount", "malformed"),
            ("10.00", "", "invoice.pdf", exe, "receipt", "wrong_type"),
            ("10.00", "", "empty.pdf", &b""[..], "receipt", "required"),
        ] {
            let res = post_expense(&app, &member, amount, currency, file, bytes).await;
            assert_eq!(res.status(), 303, "{amount} {currency} {file}");
            let to = res.headers()["location"].to_str().expect("ascii").to_owned();
            assert!(to.contains(&format!("field={field}&problem={problem}")), "{amount} {currency} {file}: {to}");
            // The page shows the translated message with the field's name.
            let res = member.get(app.url(&to)).header("accept", "text/html").send().await.expect("GET");
            let page = res.text().await.expect("body");
            assert!(page.contains("data-error-code=\"invalid_input\""), "{to}");
        }
        let res = member.get(app.url("/time?expense_error=invalid_input&field=receipt&problem=wrong_type")).header("accept", "text/html").send().await.expect("GET");
        let page = res.text().await.expect("body");
        assert!(page.contains("Please use a PDF, JPEG or PNG file."), "the message says what is accepted");
        // Invalid IBANs.
        for iban in ["DE89 3704 0044 0532 0130 01", "DE89 3704", "XX00 1234 5678"] {
            let (status, body) = call(&app, &member, "/fn/honoraria/set_payment", &[
                ("fields[method]", "bank"), ("fields[holder]", "Mira"), ("fields[iban]", iban),
            ]).await;
            assert_eq!((status, body["field"].as_str()), (400, Some("iban")), "{iban}: {body}");
        }
        assert!(claims_of(&app, p.council).await.is_empty(), "nothing was stored");
        assert_eq!(
            roundtable_app::domain::honoraria::entities::payment_preference::Entity::find().count(&app.db).await.expect("count"),
            0
        );

        // Another council's claim cannot be approved (nor found) by this council's finance.
        let stranger = signed_in_client(&app, other.member, other.council, false).await;
        let (_, theirs) = call(&app, &stranger, "/fn/honoraria/log_time", &[
            ("fields[work_date]", &today), ("fields[minutes]", "60"), ("fields[activity]", "review"),
        ]).await;
        let theirs = theirs.as_str().expect("id").to_owned();
        call(&app, &stranger, "/fn/honoraria/submit", &[("claim", &theirs)]).await;
        let (status, report) = call(&app, &finance, "/fn/honoraria/decide", &[("claims[0]", &theirs), ("decision", "approve")]).await;
        assert_eq!(status, 200);
        assert_eq!(report["refused"][0][1], "not_found", "{report}");
        let (status, _, _) = download(&app, &finance, &format!("/time/claims/{theirs}/receipt")).await;
        assert_eq!(status, 404);
        // Rejecting without a reason names the reason field.
        let (_, report) = call(&app, &signed_in_client(&app, other.finance_b, other.council, true).await, "/fn/honoraria/decide", &[
            ("claims[0]", &theirs), ("decision", "reject"), ("reason", "  "),
        ]).await;
        assert_eq!(report["refused"][0][1], "invalid_input", "{report}");
        let still = claims_of(&app, other.council).await;
        assert_eq!(still[0].state, "submitted", "refused decisions changed nothing");
        // A batch with nothing approved is refused and leaves no batch behind.
        let (status, _) = call(&app, &finance, "/fn/honoraria/create_batch", &[("currency", "EUR")]).await;
        assert_eq!(status, 409);
        assert_eq!(payment_batch::Entity::find().count(&app.db).await.expect("count"), 0);
        let _ = (p.finance_a, p.admin, other.admin, other.finance_a);
    }

    async fn two_servers_making_batches_at_once_never_pay_a_claim_twice(db) {
        let app = TestApp::builder(db).spawn().await;
        let twin = TestApp::builder(db).sharing(&app).spawn().await;
        let p = arrange(&app, "race", "").await;
        let member_actor = crate::fixtures::honoraria::actor(&app, p.member, p.council).await;
        let finance_actor = crate::fixtures::honoraria::actor(&app, p.finance_b, p.council).await;
        let a = signed_in_client(&app, p.finance_a, p.council, true).await;
        let b = signed_in_client(&twin, p.finance_b, p.council, true).await;
        let mut total_claims = 0;
        for round in 0..4 {
            let mut ids = Vec::new();
            for n in 0..15 {
                let id = crate::fixtures::honoraria::log_review(&app, &member_actor, 10 + n + round).await;
                roundtable_app::domain::honoraria::claims::submit(&app.state, &member_actor, roundtable_app::model::ids::ClaimId(id)).await.expect("submit");
                ids.push(roundtable_app::model::ids::ClaimId(id));
            }
            let report = roundtable_app::domain::honoraria::claims::decide_many(&app.state, &finance_actor, &ids, "approve", "").await.expect("approve");
            assert_eq!(report.done.len(), 15);
            total_claims += 15;
            let (ra, rb) = tokio::join!(
                call(&app, &a, "/fn/honoraria/create_batch", &[("currency", "EUR")]),
                call(&twin, &b, "/fn/honoraria/create_batch", &[("currency", "EUR")]),
            );
            let statuses = [ra.0, rb.0];
            assert!(statuses.contains(&200), "one batch is made: {ra:?} {rb:?}");
            assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "the other finds nothing or a remainder: {ra:?} {rb:?}");
        }
        let claims = claims_of(&app, p.council).await;
        assert_eq!(claims.len(), total_claims);
        assert!(claims.iter().all(|c| c.state == "in_batch" && c.batch_id.is_some()), "every claim is in exactly one batch");
        let batches = payment_batch::Entity::find().all(&app.db).await.expect("batches");
        let items: i32 = batches.iter().map(|b| b.item_count).sum();
        assert_eq!(usize::try_from(items).expect("count"), total_claims, "batches hold each claim once");
        for b in &batches {
            let inside: i64 = claims.iter().filter(|c| c.batch_id == Some(b.id)).map(|c| c.amount_minor).sum();
            assert_eq!(inside, b.total_minor, "a batch's total is its claims' sum");
        }
        let _ = (p.admin, Uuid::nil());
    }

    async fn bank_details_and_receipts_stay_out_of_the_database_file_and_other_pages(db) {
        let app = TestApp::builder(db).spawn().await;
        let p = arrange(&app, "canary", "").await;
        let member = signed_in_client(&app, p.member, p.council, false).await;
        let canary_holder = "Canaryholder Qzxv";
        let canary_receipt = "CANARYRECEIPTQZXV";
        let (status, body) = call(&app, &member, "/fn/honoraria/set_payment", &[
            ("fields[method]", "bank"), ("fields[holder]", canary_holder),
            ("fields[iban]", "GB82 WEST 1234 5698 7654 32"), ("fields[bic]", "WESTGB2L"),
        ]).await;
        assert_eq!(status, 200, "{body}");
        let mut receipt = RECEIPT_PDF.to_vec();
        receipt.extend_from_slice(format!("% {canary_receipt}\n").as_bytes());
        let res = post_expense(&app, &member, "5.00", "", "r.pdf", &receipt).await;
        assert_eq!(res.status(), 303);
        let canaries = ["GB82WEST12345698765432", "WEST12345698765432", canary_holder, canary_receipt, "WESTGB2L"];
        // Other roles' pages and answers.
        for role in [Role::Secretariat, Role::CouncilAdmin, Role::Auditor] {
            let person = create_person(&app, p.council, &format!("Other {}", role.code()), &format!("{}@canary.example.org", role.code()), &[role]).await;
            let client = signed_in_client(&app, person, p.council, true).await;
            for path in ["/", "/time", "/finance", "/council/rates", "/council/audit", "/time/payment"] {
                let body = client.get(app.url(path)).header("accept", "text/html").send().await.expect("GET").text().await.expect("body");
                for c in canaries {
                    assert!(!body.contains(c), "{} sees {c} on {path}", role.code());
                }
            }
        }
        let body = member.get(app.url("/time/payment")).header("accept", "text/html").send().await.expect("GET").text().await.expect("body");
        for c in canaries {
            assert!(!body.contains(c), "the member's own page does not show {c} again");
        }
        // The raw database file and its write-ahead log (SQLite).
        if let Some(file) = &app.sqlite_file {
            let mut raw = std::fs::read(file).expect("db file");
            let wal = Path::new(&format!("{}-wal", file.display())).to_path_buf();
            if wal.exists() {
                raw.extend(std::fs::read(&wal).expect("wal"));
            }
            for c in canaries {
                assert!(!raw.windows(c.len()).any(|w| w == c.as_bytes()), "{c} is in the database file");
            }
        }
        let _ = (p.finance_a, p.finance_b, p.admin);
    }
}

/// What finance's queue page runs, however many claims wait: the session with the actor's
/// roles (1), the council and its settings (2), the claims with their authors (1), the yearly
/// caps and what is already approved towards them (2), the people filter (1), the approved
/// totals (1).
const QUEUE_STATEMENTS: usize = 8;

db_tests! {
    async fn the_queue_shows_second_approvals_first_then_the_oldest_submission(db) {
        let app = TestApp::builder(db).spawn().await;
        let p = arrange(&app, "order", "50.00").await;
        let member = signed_in_client(&app, p.member, p.council, false).await;
        let finance_a = signed_in_client(&app, p.finance_a, p.council, true).await;
        let mut ids = Vec::new();
        // 20.00, 60.00 (above the threshold: two approvers), 20.00; submitted in this order.
        for minutes in ["30", "90", "30"] {
            let (status, id) = call(&app, &member, "/fn/honoraria/log_time", &[
                ("fields[work_date]", &today()), ("fields[minutes]", minutes), ("fields[activity]", "review"),
            ]).await;
            assert_eq!(status, 200, "{id}");
            let id = id.as_str().expect("id").to_owned();
            let (status, body) = call(&app, &member, "/fn/honoraria/submit", &[("claim", &id)]).await;
            assert_eq!(status, 200, "{body}");
            ids.push(id);
            // Submission times must differ for the order to mean anything.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let order = |queue: &Value| -> Vec<String> {
            queue["rows"].as_array().expect("rows").iter()
                .map(|r| r["claim"]["id"].as_str().expect("id").to_owned()).collect()
        };
        let (_, queue) = call(&app, &finance_a, "/fn/honoraria/queue", &[("filter[state]", "")]).await;
        assert_eq!(order(&queue), ids, "oldest submission first");
        let (_, report) = call(&app, &finance_a, "/fn/honoraria/decide", &[("claims[0]", &ids[1]), ("decision", "approve")]).await;
        assert_eq!(report["done"].as_array().map(Vec::len), Some(1), "{report}");
        let (_, queue) = call(&app, &finance_a, "/fn/honoraria/queue", &[("filter[state]", "")]).await;
        assert_eq!(order(&queue), [ids[1].clone(), ids[0].clone(), ids[2].clone()], "the claim waiting for a second approval leads");
        assert_eq!(queue["rows"][0]["claim"]["state"], "first_approved");
        assert_eq!(queue["people"].as_array().map(Vec::len), Some(1), "only the member has claims: {queue}");
    }

    async fn the_queue_page_runs_the_same_statements_for_few_or_many_claims(db) {
        let app = TestApp::builder(db).count_queries().spawn().await;
        let p = arrange(&app, "count", "").await;
        let finance = signed_in_client(&app, p.finance_b, p.council, true).await;
        let member = crate::fixtures::honoraria::actor(&app, p.member, p.council).await;
        let mut counts = Vec::new();
        for n in [3_u32, 60] {
            while claims_of(&app, p.council).await.len() < n as usize {
                let id = crate::fixtures::honoraria::log_review(&app, &member, 30).await;
                roundtable_app::domain::honoraria::claims::submit(&app.state, &member, roundtable_app::model::ids::ClaimId(id)).await.expect("submit");
            }
            // Once to warm the session, then counted.
            statements(&app, &finance, "/finance").await;
            counts.push(statements(&app, &finance, "/finance").await);
        }
        assert_eq!(counts, vec![QUEUE_STATEMENTS; 2], "statements per queue page");
        // 60 claims: 50 on the first page, 10 on the next.
        let page = finance.get(app.url("/finance")).header("accept", "text/html").send().await.expect("GET").text().await.expect("body");
        assert_eq!(crate::harness::texts(&page, "#queue tbody tr").len(), 50);
        assert!(page.contains("id=\"next-page\""), "a next page");
        let page = finance.get(app.url("/finance?state=&person=&from=&to=&page=1")).header("accept", "text/html").send().await.expect("GET").text().await.expect("body");
        assert_eq!(crate::harness::texts(&page, "#queue tbody tr").len(), 10);
        let (status, body) = call(&app, &finance, "/fn/honoraria/queue", &[("filter[page]", "many")]).await;
        assert_eq!((status, body["field"].as_str()), (400, Some("page")));
    }
}

db_tests! {
    async fn member_and_finance_are_warned_before_a_yearly_cap_is_passed(db) {
        let app = TestApp::builder(db).spawn().await;
        let p = arrange(&app, "cap", "").await;
        let member = signed_in_client(&app, p.member, p.council, false).await;
        let finance = signed_in_client(&app, p.finance_b, p.council, true).await;
        let (status, body) = call(&app, &member, "/fn/honoraria/set_payment", &[
            ("fields[method]", "voucher"), ("fields[annual_cap]", "100.00"),
        ]).await;
        assert_eq!(status, 200, "{body}");
        let mut ids = Vec::new();
        // 60.00 each: the first fits under 100.00, the second passes it.
        for _ in 0..2 {
            let (_, id) = call(&app, &member, "/fn/honoraria/log_time", &[
                ("fields[work_date]", &today()), ("fields[minutes]", "90"), ("fields[activity]", "review"),
            ]).await;
            let id = id.as_str().expect("id").to_owned();
            call(&app, &member, "/fn/honoraria/submit", &[("claim", &id)]).await;
            ids.push(id);
        }
        let page = member.get(app.url("/time")).header("accept", "text/html").send().await.expect("GET").text().await.expect("body");
        assert!(page.contains("id=\"cap-warning\""), "the member is warned");
        let (_, queue) = call(&app, &finance, "/fn/honoraria/queue", &[("filter[state]", "")]).await;
        let crossing: Vec<bool> = queue["rows"].as_array().expect("rows").iter().map(|r| r["crosses_cap"].as_bool().expect("bool")).collect();
        assert_eq!(crossing, vec![false, false], "nothing approved yet: each alone fits");
        let (_, report) = call(&app, &finance, "/fn/honoraria/decide", &[("claims[0]", &ids[0]), ("decision", "approve")]).await;
        assert_eq!(report["done"].as_array().map(Vec::len), Some(1), "{report}");
        let (_, queue) = call(&app, &finance, "/fn/honoraria/queue", &[("filter[state]", "")]).await;
        assert_eq!(queue["rows"][0]["crosses_cap"], true, "60.00 approved, another 60.00 passes 100.00: {queue}");
        let page = finance.get(app.url("/finance")).header("accept", "text/html").send().await.expect("GET").text().await.expect("body");
        assert!(page.contains("cap-warning"), "finance sees the warning on the page");
        let _ = (p.finance_a, p.admin);
    }
}
