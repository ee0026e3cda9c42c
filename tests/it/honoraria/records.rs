//! Paid time beyond the claim's way to payment: meetings that prefill their attendees'
//! entries and are offered as discreet calendar files, corrections of locked claims as
//! adjusting entries, deferring what would pass a yearly cap, statements (page and CSV),
//! finance's yearly totals, and payment times with small figures held back for the auditor.

use chrono::Datelike as _;
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use serde_json::Value;

use super::http::{Paid, arrange, claims_of, download};
use crate::fixtures::create_person;
use crate::fixtures::honoraria::today;
use crate::harness::{TestApp, call, db_tests, signed_in_client, statements};

/// A local start in Vienna `days` from now at 10:00, as the meeting form sends it.
fn local_start(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .with_timezone(&chrono_tz::Europe::Vienna)
        .format("%Y-%m-%dT10:00")
        .to_string()
}

/// Records a meeting as `client`; returns its id.
async fn record_meeting(app: &TestApp, client: &reqwest::Client, starts_at: &str) -> String {
    let (status, id) = call(
        app,
        client,
        "/fn/honoraria/record_meeting",
        &[
            ("fields[starts_at]", starts_at),
            ("fields[minutes]", "120"),
            ("fields[online]", "true"),
            ("fields[place]", "Video call"),
            ("fields[agenda]", "Advice on the trafficking law"),
        ],
    )
    .await;
    assert_eq!(status, 200, "meeting recorded: {id}");
    id.as_str().expect("an id").to_owned()
}

/// Logs `minutes` of reviewing today as `client` and submits it; returns its id.
async fn submitted_review(app: &TestApp, client: &reqwest::Client, minutes: &str) -> String {
    let (status, id) = call(
        app,
        client,
        "/fn/honoraria/log_time",
        &[
            ("fields[work_date]", &today()),
            ("fields[minutes]", minutes),
            ("fields[activity]", "review"),
            ("fields[description]", "Read the draft"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().expect("id").to_owned();
    let (status, body) = call(app, client, "/fn/honoraria/submit", &[("claim", &id)]).await;
    assert_eq!(status, 200, "{body}");
    id
}

/// Finance approves `ids`; asserts each was.
async fn approve(app: &TestApp, finance: &reqwest::Client, ids: &[&str]) {
    let names: Vec<String> = (0..ids.len()).map(|n| format!("claims[{n}]")).collect();
    let mut form: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(ids.iter().copied())
        .collect();
    form.push(("decision", "approve"));
    let (status, report) = call(app, finance, "/fn/honoraria/decide", &form).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["done"].as_array().map(Vec::len),
        Some(ids.len()),
        "{report}"
    );
}

/// The member's claims as `/fn/honoraria/mine` answers.
async fn mine(app: &TestApp, member: &reqwest::Client) -> Value {
    let (status, body) = call(app, member, "/fn/honoraria/mine", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn claim<'a>(mine: &'a Value, id: &str) -> &'a Value {
    mine["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("claim {id} in {mine}"))
}

async fn person(app: &TestApp, p: &Paid, name: &str, roles: &[Role]) -> PersonId {
    create_person(
        app,
        p.council,
        name,
        &format!(
            "{}@records.example.org",
            name.to_lowercase().replace(' ', ".")
        ),
        roles,
    )
    .await
}

async fn meetings_case(app: &TestApp) {
    let p = arrange(app, "meet", "").await;
    let secretariat = person(app, &p, "Sami Secretariat", &[Role::Secretariat]).await;
    let sec = signed_in_client(app, secretariat, p.council, false).await;
    let member = signed_in_client(app, p.member, p.council, false).await;
    let finance = signed_in_client(app, p.finance_b, p.council, true).await;

    // Members and finance do not record meetings.
    let (status, _) = call(
        app,
        &member,
        "/fn/honoraria/record_meeting",
        &[("fields[starts_at]", &local_start(-1))],
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        app,
        &sec,
        "/fn/honoraria/record_meeting",
        &[
            ("fields[starts_at]", "next week"),
            ("fields[minutes]", "60"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("starts_at")),
        "{body}"
    );

    let past = record_meeting(app, &sec, &local_start(-1)).await;
    let future = record_meeting(app, &sec, &local_start(3)).await;
    let (status, body) = call(
        app,
        &sec,
        "/fn/honoraria/attendance",
        &[("meeting", &future), ("people[0]", &p.member.to_string())],
    )
    .await;
    assert_eq!(
        (status, body["problem"].as_str()),
        (400, Some("in_future")),
        "{body}"
    );
    // Only the council's members attend (finance is not one).
    let (status, body) = call(
        app,
        &sec,
        "/fn/honoraria/attendance",
        &[("meeting", &past), ("people[0]", &p.finance_b.to_string())],
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("people")),
        "{body}"
    );
    let (status, body) = call(app, &sec, "/fn/honoraria/attendance", &[("meeting", &past)]).await;
    assert_eq!(
        (status, body["problem"].as_str()),
        (400, Some("required")),
        "{body}"
    );
    let (status, prefilled) = call(
        app,
        &sec,
        "/fn/honoraria/attendance",
        &[("meeting", &past), ("people[0]", &p.member.to_string())],
    )
    .await;
    assert_eq!((status, prefilled), (200, Value::from(1)));
    // Recording again prefills nothing twice.
    let (status, prefilled) = call(
        app,
        &sec,
        "/fn/honoraria/attendance",
        &[("meeting", &past), ("people[0]", &p.member.to_string())],
    )
    .await;
    assert_eq!((status, prefilled), (200, Value::from(0)));

    // The member finds the entry: a half day at 150.00 plus 30.00 preparation.
    let claims = mine(app, &member).await;
    let drafts: Vec<&Value> = claims["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .filter(|c| c["link"] == "meeting")
        .collect();
    assert_eq!(drafts.len(), 1, "{claims}");
    assert_eq!(
        (
            drafts[0]["state"].as_str(),
            drafts[0]["amount"].as_str(),
            drafts[0]["minutes"].as_i64()
        ),
        (Some("draft"), Some("180.00"), Some(120))
    );

    // Everybody in the council reads the meetings; only staff see who attended.
    let (_, list) = call(app, &member, "/fn/honoraria/meetings", &[]).await;
    let rows = list["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], future.as_str(), "upcoming first");
    assert_eq!(
        (
            rows[1]["attended"].as_bool(),
            rows[1]["attendance_recorded"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert_eq!(list["may_record"], false);
    let (_, list) = call(app, &finance, "/fn/honoraria/meetings", &[]).await;
    assert_eq!(list["rows"][1]["attended"], false);
    let (_, detail) = call(app, &member, "/fn/honoraria/meeting", &[("id", &past)]).await;
    assert_eq!(
        detail["members"].as_array().map(Vec::len),
        Some(0),
        "members see no attendance list: {detail}"
    );
    let (_, detail) = call(app, &sec, "/fn/honoraria/meeting", &[("id", &past)]).await;
    let ticked: Vec<(&str, bool)> = detail["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| (m[1].as_str().expect("name"), m[2].as_bool().expect("bool")))
        .collect();
    assert!(ticked.contains(&("Mira Member", true)), "{detail}");
    let page = sec
        .get(app.url(&format!("/meetings/{past}")))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("id=\"attendance-recorded\""),
        "the page says attendance was recorded"
    );

    // The calendar file: the time and the place, a neutral summary, no agenda.
    let (status, headers, body) =
        download(app, &member, &format!("/meetings/{past}/calendar.ics")).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/calendar")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("disposition")
            .starts_with("attachment")
    );
    let ics = String::from_utf8(body).expect("text");
    for line in [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "SUMMARY:Meeting",
        "LOCATION:Video call",
        "DTSTART:",
        "DTEND:",
    ] {
        assert!(ics.contains(line), "{line} in {ics}");
    }
    assert!(
        !ics.to_lowercase().contains("trafficking"),
        "no topic words: {ics}"
    );
    // Another council's people find no such meeting.
    let other = crate::fixtures::create_council(app, "meet-other").await;
    let outsider = create_person(
        app,
        other,
        "Otto Outsider",
        "otto@meet-other.example.org",
        &[Role::Member],
    )
    .await;
    let outsider = signed_in_client(app, outsider, other, false).await;
    let (status, _, _) = download(app, &outsider, &format!("/meetings/{past}/calendar.ics")).await;
    assert_eq!(status, 404);
    let (status, _, _) = download(app, &member, "/meetings/not-an-id/calendar.ics").await;
    assert_eq!(status, 404);
}

async fn corrections_case(app: &TestApp) {
    let p = arrange(app, "adjust", "").await;
    let member = signed_in_client(app, p.member, p.council, false).await;
    let finance = signed_in_client(app, p.finance_b, p.council, true).await;
    let original = submitted_review(app, &member, "90").await;
    approve(app, &finance, &[&original]).await;

    // Locked: no edit, only a correction.
    let (status, body) = call(
        app,
        &member,
        "/fn/honoraria/edit_time",
        &[
            ("claim", &original),
            ("fields[work_date]", &today()),
            ("fields[minutes]", "120"),
            ("fields[activity]", "review"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("locked")),
        "{body}"
    );
    let (status, body) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[
            ("claim", &original),
            ("corrected", "90"),
            ("reason", "Same"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["problem"].as_str(), body["field"].as_str()),
        (400, Some("unchanged"), Some("corrected")),
        "{body}"
    );
    let (status, body) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[("claim", &original), ("corrected", "120"), ("reason", "")],
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("description")),
        "{body}"
    );
    let (status, body) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[("claim", &original), ("corrected", "-5"), ("reason", "x")],
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("corrected")),
        "{body}"
    );
    // Finance cannot correct the member's claim as if it were theirs.
    let (status, _) = call(
        app,
        &finance,
        "/fn/honoraria/adjust",
        &[("claim", &original), ("corrected", "120"), ("reason", "x")],
    )
    .await;
    assert_eq!(status, 403);

    let (status, first) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[
            ("claim", &original),
            ("corrected", "120"),
            ("reason", "Forgot the second chapter"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let first = first.as_str().expect("id").to_owned();
    let claims = mine(app, &member).await;
    let c = claim(&claims, &first);
    assert_eq!(
        (
            c["state"].as_str(),
            c["amount"].as_str(),
            c["minutes"].as_i64(),
            c["adjusts"].as_str()
        ),
        (
            Some("draft"),
            Some("20.00"),
            Some(30),
            Some(original.as_str())
        ),
        "{c}"
    );
    assert_eq!(
        claim(&claims, &original)["amount"],
        "60.00",
        "the original is unchanged"
    );
    // One open correction at a time; a correction is not edited or corrected itself.
    let (status, _) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[("claim", &original), ("corrected", "150"), ("reason", "x")],
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = call(
        app,
        &member,
        "/fn/honoraria/edit_time",
        &[
            ("claim", &first),
            ("fields[work_date]", &today()),
            ("fields[minutes]", "45"),
            ("fields[activity]", "review"),
        ],
    )
    .await;
    assert_eq!(status, 409);
    let (status, body) = call(app, &member, "/fn/honoraria/submit", &[("claim", &first)]).await;
    assert_eq!(status, 200, "{body}");
    approve(app, &finance, &[&first]).await;
    let (status, _) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[("claim", &first), ("corrected", "10"), ("reason", "x")],
    )
    .await;
    assert_eq!(
        status, 409,
        "a correction is corrected through its original"
    );
    // Measured against the original and its approved correction (120 minutes, 80.00).
    let (status, second) = call(
        app,
        &member,
        "/fn/honoraria/adjust",
        &[
            ("claim", &original),
            ("corrected", "60"),
            ("reason", "Counted a chapter twice"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{second}");
    let claims = mine(app, &member).await;
    let c = claim(&claims, second.as_str().expect("id"));
    assert_eq!(
        (c["amount"].as_str(), c["minutes"].as_i64()),
        (Some("-40.00"), Some(-60)),
        "{c}"
    );
    let all = claims_of(app, p.council).await;
    assert_eq!(all.len(), 3, "corrections are new entries, never edits");
    let _ = (p.finance_a, p.admin);
}

async fn deferring_case(app: &TestApp) {
    let p = arrange(app, "defer", "").await;
    let member = signed_in_client(app, p.member, p.council, false).await;
    let finance = signed_in_client(app, p.finance_b, p.council, true).await;
    let (status, body) = call(
        app,
        &member,
        "/fn/honoraria/set_payment",
        &[
            ("fields[method]", "voucher"),
            ("fields[annual_cap]", "100.00"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let first = submitted_review(app, &member, "90").await;
    let second = submitted_review(app, &member, "90").await;
    let this_year = i64::from(
        chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Vienna)
            .year(),
    );
    assert_eq!(mine(app, &member).await["over_cap"], true);
    let page = member
        .get(app.url("/time"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("defer-claim"),
        "the member is offered to defer"
    );
    let (status, body) = call(app, &member, "/fn/honoraria/defer", &[("claim", &second)]).await;
    assert_eq!(status, 200, "{body}");
    let claims = mine(app, &member).await;
    assert_eq!(claims["over_cap"], false, "what is left fits: {claims}");
    assert_eq!(
        claim(&claims, &second)["pay_year"].as_i64(),
        Some(this_year + 1)
    );
    let (status, _) = call(app, &member, "/fn/honoraria/defer", &[("claim", &second)]).await;
    assert_eq!(status, 409, "deferred once");
    let (status, _) = call(app, &finance, "/fn/honoraria/defer", &[("claim", &first)]).await;
    assert_eq!(status, 403, "only the member defers");
    approve(app, &finance, &[&first, &second]).await;
    let (status, body) = call(
        app,
        &finance,
        "/fn/honoraria/create_batch",
        &[("currency", "EUR")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let all = claims_of(app, p.council).await;
    let deferred = all
        .iter()
        .find(|c| c.id.to_string() == second)
        .expect("deferred claim");
    assert_eq!(
        (deferred.state.as_str(), deferred.batch_id),
        ("approved", None),
        "not paid before next year"
    );
    let (status, body) = call(app, &member, "/fn/honoraria/defer", &[("claim", &first)]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("locked")),
        "{body}"
    );
    // Finance's yearly totals count each claim in its year.
    let (status, totals) = call(app, &finance, "/fn/honoraria/totals", &[("year", "")]).await;
    assert_eq!(status, 200, "{totals}");
    let row = totals["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["person_name"] == "Mira Member")
        .expect("the member")
        .clone();
    assert_eq!(
        (
            row["approved"].as_str(),
            row["cap"].as_str(),
            row["over_cap"].as_bool()
        ),
        (Some("60.00"), Some("100.00"), Some(false)),
        "{totals}"
    );
    let next = (this_year + 1).to_string();
    let (_, totals) = call(app, &finance, "/fn/honoraria/totals", &[("year", &next)]).await;
    assert_eq!(totals["total"][0], "60.00", "{totals}");
    let (status, body) = call(app, &finance, "/fn/honoraria/totals", &[("year", "soon")]).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("year")));
    let _ = (p.finance_a, p.admin);
}

async fn statement_case(app: &TestApp) {
    let p = arrange(app, "statement", "").await;
    let member = signed_in_client(app, p.member, p.council, false).await;
    let finance = signed_in_client(app, p.finance_b, p.council, true).await;
    let (status, body) = call(
        app,
        &member,
        "/fn/honoraria/set_payment",
        &[("fields[method]", "voucher")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let a = submitted_review(app, &member, "90").await;
    let b = submitted_review(app, &member, "45").await;
    approve(app, &finance, &[&a, &b]).await;
    let (status, batch) = call(
        app,
        &finance,
        "/fn/honoraria/create_batch",
        &[("currency", "EUR")],
    )
    .await;
    assert_eq!(status, 200, "{batch}");
    let (status, body) = call(
        app,
        &finance,
        "/fn/honoraria/mark_paid",
        &[("id", batch.as_str().expect("id"))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    submitted_review(app, &member, "30").await;

    let (status, s) = call(
        app,
        &member,
        "/fn/honoraria/statement",
        &[("period[from]", "")],
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["lines"].as_array().map(Vec::len), Some(3), "{s}");
    assert_eq!(
        s["totals"][0],
        serde_json::json!(["EUR", "90.00", "90.00"]),
        "approved or paid, and paid: {s}"
    );
    assert_eq!(s["payments"].as_array().map(Vec::len), Some(1), "{s}");
    assert_eq!(s["payments"][0][2], "90.00");
    assert_eq!(s["name"], "Mira Member");
    let (status, headers, body) = download(
        app,
        &member,
        &format!(
            "/time/statement.csv?from={}&to={}",
            s["from"].as_str().expect("from"),
            s["to"].as_str().expect("to")
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("disposition")
            .starts_with("attachment")
    );
    let csv = String::from_utf8(body).expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("date,kind,activity_or_category,minutes,rate"),
        "{csv}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.contains(",review,")).count(),
        3,
        "{csv}"
    );
    assert!(lines.contains(&"total,,,,,,90.00,EUR,paid,,,,"), "{csv}");
    let page = member
        .get(app.url("/time/statement"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("id=\"statement-lines\"") && page.contains("90.00"),
        "the printable page"
    );

    for (query, field) in [
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("from=nope", "from"),
        ("from=2000-01-01&to=2026-01-01", "from"),
    ] {
        let (status, _, body) =
            download(app, &member, &format!("/time/statement.csv?{query}")).await;
        assert_eq!(status, 400, "{query}: {}", String::from_utf8_lossy(&body));
        let (status, body) = call(
            app,
            &member,
            "/fn/honoraria/statement",
            &query
                .split('&')
                .map(|kv| kv.split_once('=').expect("kv"))
                .map(|(k, v)| {
                    (
                        if k == "from" {
                            "period[from]"
                        } else {
                            "period[to]"
                        },
                        v,
                    )
                })
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (400, Some(field)),
            "{query}: {body}"
        );
    }
    let (status, _) = call(
        app,
        &finance,
        "/fn/honoraria/statement",
        &[("period[from]", "")],
    )
    .await;
    assert_eq!(status, 403, "finance has no statement of their own here");
    let _ = (p.finance_a, p.admin);
}

/// What the statement page runs, however many claims it lists: the session with the actor's
/// roles (1),
/// the council's money (1), the claims (1), the payments (1), the yearly totals (1), the
/// member's name (1) and the council's (1).
const STATEMENT_STATEMENTS: usize = 7;

async fn statement_count_case(app: &TestApp) {
    let p = arrange(app, "stcount", "").await;
    let member = signed_in_client(app, p.member, p.council, false).await;
    let mut counts = Vec::new();
    for n in [2_usize, 25] {
        while claims_of(app, p.council).await.len() < n {
            submitted_review(app, &member, "30").await;
        }
        statements(app, &member, "/time/statement").await;
        counts.push(statements(app, &member, "/time/statement").await);
    }
    assert_eq!(
        counts,
        vec![STATEMENT_STATEMENTS; 2],
        "statements per statement page"
    );
}

/// `n` more members of the council, each with one claim submitted and approved.
async fn approved_people(
    app: &TestApp,
    p: &Paid,
    finance: &reqwest::Client,
    from: usize,
    n: usize,
) {
    for k in from..from + n {
        let person = person(app, p, &format!("Member {k}"), &[Role::Member]).await;
        let client = signed_in_client(app, person, p.council, false).await;
        let id = submitted_review(app, &client, "60").await;
        approve(app, finance, &[&id]).await;
    }
}

fn this_month(figures: &Value) -> &Value {
    &figures["months"][0]["to_approval"]
}

async fn figures_case(app: &TestApp) {
    let p = arrange(app, "figures", "").await;
    let finance = signed_in_client(app, p.finance_b, p.council, true).await;
    let auditor = person(app, &p, "Aude Auditor", &[Role::Auditor]).await;
    let auditor = signed_in_client(app, auditor, p.council, true).await;
    let admin = signed_in_client(app, p.admin, p.council, true).await;
    let member = signed_in_client(app, p.member, p.council, false).await;
    let (status, _) = call(app, &member, "/fn/honoraria/figures", &[]).await;
    assert_eq!(status, 403);
    approved_people(app, &p, &finance, 0, 4).await;
    submitted_review(app, &member, "30").await;

    let (status, seen) = call(app, &finance, "/fn/honoraria/figures", &[]).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(
        (
            this_month(&seen)["claims"].as_u64(),
            this_month(&seen)["median"].as_str()
        ),
        (Some(4), Some("0.0")),
        "{seen}"
    );
    assert_eq!(
        seen["pending_decision"][0],
        serde_json::json!(["EUR", 1, "20.00"])
    );
    assert_eq!(seen["months"].as_array().map(Vec::len), Some(12));
    let (_, seen) = call(app, &admin, "/fn/honoraria/figures", &[]).await;
    assert_eq!(
        this_month(&seen)["claims"].as_u64(),
        Some(4),
        "the council admin sees it too"
    );
    // Four people: the auditor gets no figure, and no pending amount of one person.
    let (status, held) = call(app, &auditor, "/fn/honoraria/figures", &[]).await;
    assert_eq!(status, 200, "{held}");
    assert_eq!(
        (
            held["suppressed"].as_bool(),
            this_month(&held)["median"].as_str(),
            this_month(&held)["claims"].as_u64()
        ),
        (Some(true), None, Some(0)),
        "{held}"
    );
    assert_eq!(
        held["pending_decision"].as_array().map(Vec::len),
        Some(0),
        "{held}"
    );
    let text = serde_json::to_string(&held).expect("json");
    assert!(
        !text.contains("Member 0") && !text.contains("Mira"),
        "no names: {text}"
    );
    let page = auditor
        .get(app.url("/council/payment-times"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(page.contains("held-back"), "the page says why");
    // A fifth person: now it rests on five.
    approved_people(app, &p, &finance, 4, 1).await;
    let (_, shown) = call(app, &auditor, "/fn/honoraria/figures", &[]).await;
    assert_eq!(
        (
            this_month(&shown)["claims"].as_u64(),
            this_month(&shown)["median"].as_str()
        ),
        (Some(5), Some("0.0")),
        "{shown}"
    );
    let _: (CouncilId, PersonId) = (p.council, p.finance_a);
}

db_tests! {
    async fn meetings_prefill_their_attendees_entries_and_give_a_discreet_calendar_file(db) {
        let app = TestApp::builder(db).spawn().await;
        meetings_case(&app).await;
    }

    async fn a_locked_claim_is_corrected_by_a_new_adjusting_entry_never_an_edit(db) {
        let app = TestApp::builder(db).spawn().await;
        corrections_case(&app).await;
    }

    async fn what_would_pass_the_cap_is_deferred_to_next_year_and_not_paid_before(db) {
        let app = TestApp::builder(db).spawn().await;
        deferring_case(&app).await;
    }

    async fn a_statement_lists_entries_payments_and_totals_as_a_page_and_csv(db) {
        let app = TestApp::builder(db).spawn().await;
        statement_case(&app).await;
    }

    async fn the_statement_page_runs_the_same_statements_for_few_or_many_claims(db) {
        let app = TestApp::builder(db).count_queries().spawn().await;
        statement_count_case(&app).await;
    }

    async fn payment_times_hold_back_figures_on_fewer_than_five_people_for_the_auditor(db) {
        let app = TestApp::builder(db).spawn().await;
        figures_case(&app).await;
    }
}
