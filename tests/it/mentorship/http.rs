//! Mentorship through HTTP: a pair's whole way from a new programme to their certificates
//! (the mentor's session time reaching finance), suggestions with their reasons, declining
//! and ending without anybody learning who, private notes and safeguarding cases kept from
//! everybody but the pair and the lead, and bad input refused with nothing changed.

use std::path::Path;

use roundtable_app::domain::honoraria::entities::claim;
use roundtable_app::domain::mentorship::entities::{mentorship_match, participant, session};
use roundtable_app::domain::platform::entities::{audit_log, audit_unattributed, outbox};
use roundtable_app::model::ids::{CouncilId, PersonId};
use roundtable_app::model::viewer::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;

use crate::fixtures::honoraria::{seed_rates, today};
use crate::fixtures::mentorship::programme_fields;
use crate::fixtures::{create_council, create_person};
use crate::harness::{TestApp, call, db_tests, page, signed_in_client, statements};

/// A council with a rate card and everybody a programme involves.
struct World {
    council: CouncilId,
    lead: PersonId,
    mentor: PersonId,
    mentee: PersonId,
    other: PersonId,
    lead_c: reqwest::Client,
    staff_c: reqwest::Client,
    admin_c: reqwest::Client,
    auditor_c: reqwest::Client,
    finance_c: reqwest::Client,
    mentor_c: reqwest::Client,
    mentee_c: reqwest::Client,
    other_c: reqwest::Client,
}

async fn world(app: &TestApp, slug: &str) -> World {
    let council = create_council(app, slug).await;
    seed_rates(app, council).await;
    let person = |name: &'static str, roles: &'static [Role]| {
        let email = format!(
            "{}@{slug}.example.org",
            name.split(' ').next().unwrap_or("x").to_lowercase()
        );
        async move { create_person(app, council, name, &email, roles).await }
    };
    let lead = person("Lena Lead", &[Role::Secretariat]).await;
    let staff = person("Sami Staff", &[Role::Secretariat]).await;
    let admin = person("Ada Admin", &[Role::CouncilAdmin]).await;
    let auditor = person("Aude Auditor", &[Role::Auditor]).await;
    let finance = person("Fiona Finance", &[Role::Finance]).await;
    let mentor = person("Mona Mentor", &[Role::Member]).await;
    let mentee = person("Tarik Mentee", &[Role::Member]).await;
    let other = person("Olga Other", &[Role::Member]).await;
    World {
        council,
        lead,
        mentor,
        mentee,
        other,
        lead_c: signed_in_client(app, lead, council, true).await,
        staff_c: signed_in_client(app, staff, council, true).await,
        admin_c: signed_in_client(app, admin, council, true).await,
        auditor_c: signed_in_client(app, auditor, council, true).await,
        finance_c: signed_in_client(app, finance, council, true).await,
        mentor_c: signed_in_client(app, mentor, council, false).await,
        mentee_c: signed_in_client(app, mentee, council, false).await,
        other_c: signed_in_client(app, other, council, false).await,
    }
}

impl World {
    /// A programme and a cohort made by the lead, over HTTP; returns their ids.
    async fn programme(&self, app: &TestApp) -> (String, String) {
        let f = programme_fields("Leadership in advocacy");
        let (status, id) = call(
            app,
            &self.lead_c,
            "/fn/mentorship/create_programme",
            &[
                ("fields[title]", &f.title),
                ("fields[aims]", &f.aims),
                ("fields[starts_on]", &f.starts_on),
                ("fields[ends_on]", &f.ends_on),
                ("fields[expected_hours]", "10"),
                ("fields[paid]", "true"),
                ("fields[activity]", "mentoring"),
            ],
        )
        .await;
        assert_eq!(status, 200, "programme created: {id}");
        let id = id.as_str().expect("id").to_owned();
        let (status, cohort) = call(
            app,
            &self.lead_c,
            "/fn/mentorship/add_cohort",
            &[("programme", &id), ("name", "Autumn")],
        )
        .await;
        assert_eq!(status, 200, "cohort added: {cohort}");
        (id, cohort.as_str().expect("id").to_owned())
    }

    /// Invites `person` as `role`; they accept and fill in `fields`. Returns the place.
    async fn join(
        &self,
        app: &TestApp,
        cohort: &str,
        person: PersonId,
        client: &reqwest::Client,
        role: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let (status, place) = call(
            app,
            &self.lead_c,
            "/fn/mentorship/invite",
            &[
                ("cohort", cohort),
                ("person", &person.to_string()),
                ("role", role),
            ],
        )
        .await;
        assert_eq!(status, 200, "invited: {place}");
        let place = place.as_str().expect("id").to_owned();
        let (status, body) = call(
            app,
            client,
            "/fn/mentorship/answer_invitation",
            &[("place", &place), ("decision", "accept")],
        )
        .await;
        assert_eq!(status, 200, "accepted: {body}");
        let mut form = vec![("place", place.as_str())];
        form.extend_from_slice(fields);
        let (status, body) = call(app, client, "/fn/mentorship/save_profile", &form).await;
        assert_eq!(status, 200, "profile saved: {body}");
        place
    }

    /// Proposes the mentor and mentee as a pair; returns the match.
    async fn propose(
        &self,
        app: &TestApp,
        cohort: &str,
        mentor: PersonId,
        mentee: PersonId,
    ) -> (u16, Value) {
        call(
            app,
            &self.lead_c,
            "/fn/mentorship/propose",
            &[
                ("cohort", cohort),
                ("mentor", &mentor.to_string()),
                ("mentee", &mentee.to_string()),
            ],
        )
        .await
    }
}

const MENTOR_PROFILE: &[(&str, &str)] = &[
    ("fields[languages]", "English, French"),
    ("fields[languages_visibility]", "partner"),
    ("fields[topics]", "public speaking, consultations"),
    ("fields[topics_visibility]", "partner"),
    ("fields[region]", "Vienna"),
    ("fields[region_visibility]", "matching"),
    ("fields[online]", "true"),
    ("fields[gender]", "woman"),
    ("fields[gender_visibility]", "matching"),
    ("fields[capacity]", "1"),
];
const MENTEE_PROFILE: &[(&str, &str)] = &[
    ("fields[languages]", "English"),
    ("fields[languages_visibility]", "partner"),
    ("fields[topics]", "public speaking"),
    ("fields[online]", "true"),
    ("fields[wish_gender]", "man"),
];

db_tests! {
    async fn a_pair_goes_from_a_new_programme_to_their_certificates(db) {
        let app = TestApp::builder(db).spawn().await;
        let w = world(&app, "pairs").await;
        let (programme, cohort) = w.programme(&app).await;
        w.join(&app, &cohort, w.mentor, &w.mentor_c, "mentor", MENTOR_PROFILE).await;
        w.join(&app, &cohort, w.mentee, &w.mentee_c, "mentee", MENTEE_PROFILE).await;

        // The suggestion, with its reasons: the wish that cannot be met is shown.
        let (status, detail) = call(&app, &w.lead_c, "/fn/mentorship/programme", &[("id", &programme)]).await;
        assert_eq!(status, 200, "{detail}");
        let suggestions = detail["cohorts"][0]["suggestions"].as_array().expect("suggestions").clone();
        assert_eq!(suggestions.len(), 1, "{detail}");
        let codes: Vec<&str> = suggestions[0]["reasons"].as_array().expect("reasons").iter().map(|r| r["code"].as_str().expect("code")).collect();
        for code in ["shared_language", "goal_covered", "shared_format", "wish_not_met", "places_left"] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        assert_eq!(suggestions[0]["score"], 30, "one goal covered, no region, the wish not met");
        let (status, html) = page(&app, &w.lead_c, &format!("/programmes/{programme}")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Wish not met"), "the unmet wish is on the page");

        let (status, pair) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        assert_eq!(status, 200, "{pair}");
        let pair = pair.as_str().expect("id").to_owned();
        // Before both accept, nothing of the work is open.
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/log_session", &[("pair", &pair), ("fields[held_on]", &today()), ("fields[minutes]", "60"), ("fields[format]", "online")]).await;
        assert_eq!(status, 409, "no sessions before both accept");
        for client in [&w.mentor_c, &w.mentee_c] {
            let (status, body) = call(&app, client, "/fn/mentorship/answer_match", &[("pair", &pair), ("decision", "accept")]).await;
            assert_eq!(status, 200, "{body}");
        }
        let (_, detail) = call(&app, &w.mentee_c, "/fn/mentorship/pair", &[("id", &pair)]).await;
        assert_eq!(detail["state"], "active", "{detail}");
        assert_eq!(detail["partner_profile"]["languages"], "English, French", "shared with the partner");
        assert_eq!(detail["partner_profile"]["region"], Value::Null, "kept for matching only");
        assert_eq!(detail["partner_profile"]["gender"], Value::Null, "kept for matching only");

        // A goal both agree on, with a milestone.
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/propose_goal", &[("pair", &pair), ("title", "Speak at a hearing")]).await;
        assert_eq!(status, 200);
        let (_, detail) = call(&app, &w.mentee_c, "/fn/mentorship/pair", &[("id", &pair)]).await;
        let goal = detail["goals"][0]["id"].as_str().expect("goal").to_owned();
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/agree_goal", &[("goal", &goal)]).await;
        assert_eq!(status, 403, "its proposer cannot agree alone");
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/agree_goal", &[("goal", &goal)]).await;
        assert_eq!(status, 200);
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/add_milestone", &[("goal", &goal), ("title", "Write it down"), ("due_on", "")]).await;
        assert_eq!(status, 200);

        // Three sessions with private notes, by either of them.
        for (n, client) in [&w.mentor_c, &w.mentee_c, &w.mentor_c].into_iter().enumerate() {
            let notes = format!("Private note {n}");
            let (status, body) = call(&app, client, "/fn/mentorship/log_session", &[
                ("pair", &pair), ("fields[held_on]", &today()), ("fields[starts_at]", "18:00"),
                ("fields[minutes]", "90"), ("fields[format]", "online"), ("fields[topics]", "Practice"),
                ("fields[notes]", &notes),
            ]).await;
            assert_eq!(status, 200, "{body}");
        }
        let (_, detail) = call(&app, &w.mentor_c, "/fn/mentorship/pair", &[("id", &pair)]).await;
        let sessions = detail["sessions"].as_array().expect("sessions").clone();
        assert_eq!(sessions.len(), 3);
        assert!(sessions.iter().any(|s| s["notes"] == "Private note 1"), "the pair reads each other's notes");
        let first = sessions[0]["id"].as_str().expect("session").to_owned();

        // The calendar file: the time only, a neutral summary, the link.
        let res = w.mentee_c.get(app.url(&format!("/sessions/{first}/calendar.ics"))).send().await.expect("GET");
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-disposition"].to_str().expect("ascii").starts_with("attachment"));
        let ics = res.text().await.expect("ics");
        assert!(ics.contains("BEGIN:VEVENT") && ics.contains("SUMMARY:Meeting"), "{ics}");
        assert!(!ics.contains("Practice") && !ics.contains("Private note"), "no topics or notes in the file");

        // The mentor turns a session into time; the mentee cannot; twice is refused.
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/claim_session", &[("session", &first)]).await;
        assert_eq!(status, 403, "only the mentor is paid for sessions");
        let (status, claim_id) = call(&app, &w.mentor_c, "/fn/mentorship/claim_session", &[("session", &first)]).await;
        assert_eq!(status, 200, "{claim_id}");
        let claim_id = claim_id.as_str().expect("claim").to_owned();
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/claim_session", &[("session", &first)]).await;
        assert_eq!(status, 409, "a session is claimed once");
        let c = claim::Entity::find_by_id(claim_id.parse::<uuid::Uuid>().expect("uuid")).one(&app.db).await.expect("query").expect("claim");
        assert_eq!((c.link_kind.as_deref(), c.link_id.map(|i| i.to_string())), (Some("mentorship"), Some(first.clone())), "linked to the session");
        assert_eq!((c.activity.as_deref(), c.minutes, c.amount_minor, c.state.as_str()), (Some("mentoring"), Some(90), 5_250, "draft"), "90 minutes at 35.00 an hour");
        let (status, body) = call(&app, &w.mentor_c, "/fn/honoraria/submit", &[("claim", &claim_id)]).await;
        assert_eq!(status, 200, "{body}");
        let (status, queue) = call(&app, &w.finance_c, "/fn/honoraria/queue", &[("filter[state]", "")]).await;
        assert_eq!(status, 200, "{queue}");
        assert!(queue.to_string().contains(&claim_id), "finance sees the session's time: {queue}");

        // Feedback after a session, once.
        let fb = [("pair", pair.as_str()), ("fields[moment]", "session"), ("fields[session]", first.as_str()), ("fields[useful]", "5"), ("fields[respected]", "5"), ("fields[recommend]", "4")];
        let (status, body) = call(&app, &w.mentee_c, "/fn/mentorship/feedback", &fb).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/feedback", &fb).await;
        assert_eq!(status, 409, "once per session and side");
        // The secretariat sees figures only, and nothing below five answers.
        let (_, detail) = call(&app, &w.lead_c, "/fn/mentorship/programme", &[("id", &programme)]).await;
        let figures = detail["feedback"].as_array().expect("figures");
        assert!(figures.iter().all(|f| f["mean_tenths"].is_null()), "one answer shows no figure: {figures:?}");
        assert!(!detail.to_string().contains("Private note"), "staff never get the notes");

        // The goal is met; either of them completes the match; the certificates.
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/goal_met", &[("goal", &goal)]).await;
        assert_eq!(status, 200);
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/certificate", &[("id", &pair)]).await;
        assert_eq!(status, 409, "no certificate before completion");
        let (status, body) = call(&app, &w.mentee_c, "/fn/mentorship/complete_match", &[("pair", &pair)]).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/certificate_name", &[("pair", &pair), ("choice", "other"), ("other", "Tarik Legalname")]).await;
        assert_eq!(status, 200);
        let (status, html) = page(&app, &w.mentee_c, &format!("/pairs/{pair}/certificate")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Tarik Legalname") && html.contains("Leadership in advocacy"), "the chosen name on the certificate");
        let text = crate::harness::texts(&html, "article.certificate").join(" ");
        assert!(text.contains("3 sessions, 4 hours"), "sessions and hours: {text}");
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/certificate_name", &[("pair", &pair), ("choice", "none"), ("other", "")]).await;
        assert_eq!(status, 200);
        let (_, html) = page(&app, &w.mentor_c, &format!("/pairs/{pair}/certificate")).await;
        let text = crate::harness::texts(&html, "article.certificate").join(" ");
        assert!(!text.contains("Mona Mentor") && !html.contains("certificate-name"), "no name when none is chosen: {text}");
        // End-of-match feedback opens now.
        let (status, body) = call(&app, &w.mentor_c, "/fn/mentorship/feedback", &[("pair", &pair), ("fields[moment]", "end"), ("fields[useful]", "4"), ("fields[respected]", "5"), ("fields[recommend]", "5")]).await;
        assert_eq!(status, 200, "{body}");
        // In French too.
        let (status, html) = {
            let res = w.mentee_c.get(app.url(&format!("/pairs/{pair}/certificate"))).header("accept", "text/html").header("accept-language", "fr").send().await.expect("GET");
            (res.status().as_u16(), res.text().await.expect("body"))
        };
        assert_eq!(status, 200);
        assert!(html.contains("Attestation de participation"), "the certificate in French");
    }

    async fn declining_and_ending_never_say_who(db) {
        let app = TestApp::builder(db).spawn().await;
        let w = world(&app, "quiet").await;
        let (programme, cohort) = w.programme(&app).await;
        w.join(&app, &cohort, w.mentor, &w.mentor_c, "mentor", &[("fields[languages]", "English"), ("fields[online]", "true"), ("fields[capacity]", "2")]).await;
        w.join(&app, &cohort, w.mentee, &w.mentee_c, "mentee", &[("fields[languages]", "English"), ("fields[online]", "true")]).await;
        let before = app.outbox_sent().await.len();
        let (_, pair) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        let pair = pair.as_str().expect("id").to_owned();
        // The mentor accepts, then the mentee declines.
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/answer_match", &[("pair", &pair), ("decision", "accept")]).await;
        assert_eq!(status, 200);
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/answer_match", &[("pair", &pair), ("decision", "decline")]).await;
        assert_eq!(status, 200);
        let row = mentorship_match::Entity::find_by_id(pair.parse::<uuid::Uuid>().expect("uuid")).one(&app.db).await.expect("q").expect("row");
        assert_eq!((row.state.as_str(), row.mentor_accepted, row.mentee_accepted), ("declined", false, false), "the row keeps no answer");
        // Both see the same words; the secretariat sees the state only.
        let mentor_page = page(&app, &w.mentor_c, &format!("/pairs/{pair}")).await.1;
        let mentee_page = page(&app, &w.mentee_c, &format!("/pairs/{pair}")).await.1;
        for p in [&mentor_page, &mentee_page] {
            assert!(p.contains("This match will not go ahead."));
            for word in ["declined by", "Tarik declined", "Mona declined", "you declined"] {
                assert!(!p.to_lowercase().contains(&word.to_lowercase()), "{word}");
            }
        }
        let (_, staff_view) = page(&app, &w.lead_c, &format!("/programmes/{programme}")).await;
        assert!(staff_view.contains("Not going ahead"));
        let (_, staff_json) = call(&app, &w.lead_c, "/fn/mentorship/programme", &[("id", &programme)]).await;
        assert!(!staff_json.to_string().contains("accepted"), "no answer reaches the secretariat: {staff_json}");
        // The audit entries name nobody: they are in the unattributed chain (no actor column,
        // the day only), not in the attributed log.
        let entries = audit_unattributed::Entity::find().filter(audit_unattributed::Column::Action.eq("match.answered")).count(&app.db).await.expect("audit");
        assert_eq!(entries, 2);
        let attributed = audit_log::Entity::find().filter(audit_log::Column::Action.eq("match.answered")).count(&app.db).await.expect("audit");
        assert_eq!(attributed, 0, "nothing of the answers in the attributed log");
        // Both were told the same thing: one identical mail each.
        let rows = app.outbox_sent().await;
        let news: Vec<&outbox::Model> = rows.iter().skip(before).filter(|r| r.template == "programme_news").collect();
        assert!(news.len() >= 4, "proposal and closing, to both: {}", news.len());
        let mails = app.folder_mails(rows.len(), std::time::Duration::from_secs(20)).await;
        let subjects: std::collections::BTreeSet<String> = mails.iter().map(|m| m.subject()).collect();
        for m in &mails {
            let text = m.body_text().to_lowercase();
            for word in ["declin", "mentor", "ended", "tarik", "mona"] {
                assert!(!text.contains(word) && !m.subject().to_lowercase().contains(word), "{word} in a mail");
            }
        }
        assert!(subjects.len() <= 3, "discreet, uniform subjects: {subjects:?}");

        // A new proposal, accepted by both, then ended by the mentor in one step.
        let (status, pair2) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        assert_eq!(status, 200, "{pair2}");
        let pair2 = pair2.as_str().expect("id").to_owned();
        for c in [&w.mentor_c, &w.mentee_c] {
            assert_eq!(call(&app, c, "/fn/mentorship/answer_match", &[("pair", &pair2), ("decision", "accept")]).await.0, 200);
        }
        let (status, _) = call(&app, &w.mentor_c, "/fn/mentorship/end_match", &[("pair", &pair2)]).await;
        assert_eq!(status, 200);
        let (_, json) = call(&app, &w.mentee_c, "/fn/mentorship/pair", &[("id", &pair2)]).await;
        assert_eq!(json["state"], "ended");
        assert!(page(&app, &w.mentee_c, &format!("/pairs/{pair2}")).await.1.contains("This match has ended."));
        let ended = audit_unattributed::Entity::find().filter(audit_unattributed::Column::Action.eq("match.ended")).count(&app.db).await.expect("audit");
        let named = audit_log::Entity::find().filter(audit_log::Column::Action.eq("match.ended")).count(&app.db).await.expect("audit");
        assert_eq!((ended, named), (1, 0), "ended, by nobody named");
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/end_match", &[("pair", &pair2)]).await;
        assert_eq!(status, 409, "ended once");
    }

    async fn private_notes_and_cases_stay_with_the_pair_and_the_lead(db) {
        let app = TestApp::builder(db).spawn().await;
        let w = world(&app, "canary").await;
        let (programme, cohort) = w.programme(&app).await;
        let form = [("fields[languages]", "English"), ("fields[online]", "true"), ("fields[capacity]", "1")];
        w.join(&app, &cohort, w.mentor, &w.mentor_c, "mentor", &form).await;
        w.join(&app, &cohort, w.mentee, &w.mentee_c, "mentee", &form).await;
        let (_, pair) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        let pair = pair.as_str().expect("id").to_owned();
        for c in [&w.mentor_c, &w.mentee_c] {
            assert_eq!(call(&app, c, "/fn/mentorship/answer_match", &[("pair", &pair), ("decision", "accept")]).await.0, 200);
        }
        // The council admin names the lead; only a secretariat member may be named.
        let (status, _) = call(&app, &w.admin_c, "/fn/mentorship/set_lead", &[("person", &w.other.to_string())]).await;
        assert_eq!(status, 400, "a plain member cannot be the lead");
        let (status, _) = call(&app, &w.lead_c, "/fn/mentorship/set_lead", &[("person", &w.lead.to_string())]).await;
        assert_eq!(status, 403, "only the council admin names the lead");
        let (status, body) = call(&app, &w.admin_c, "/fn/mentorship/set_lead", &[("person", &w.lead.to_string())]).await;
        assert_eq!(status, 200, "{body}");

        let note = "NOTECANARYQZXV";
        let topic = "TOPICCANARYQZXV";
        let concern = "CASECANARYQZXV";
        let case_note = "LEADNOTECANARYQZXV";
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/log_session", &[
            ("pair", &pair), ("fields[held_on]", &today()), ("fields[minutes]", "60"), ("fields[format]", "phone"),
            ("fields[topics]", topic), ("fields[notes]", note),
        ]).await;
        assert_eq!(status, 200);
        let (status, case) = call(&app, &w.mentee_c, "/fn/mentorship/report_concern", &[("pair", &pair), ("concern", concern)]).await;
        assert_eq!(status, 200, "{case}");
        let case = case.as_str().expect("case").to_owned();
        let (status, body) = call(&app, &w.lead_c, "/fn/mentorship/update_case", &[("case", &case), ("note", case_note), ("status", "in_progress")]).await;
        assert_eq!(status, 200, "{body}");

        // The lead and the council admin read the case, and each read is audited.
        for c in [&w.lead_c, &w.admin_c] {
            let (status, detail) = call(&app, c, "/fn/mentorship/case", &[("id", &case)]).await;
            assert_eq!(status, 200, "{detail}");
            assert_eq!(detail["concern"], concern);
            assert_eq!(detail["reporter"], "Tarik Mentee");
            assert_eq!(detail["row"]["status"], "in_progress");
        }
        let reads = audit_log::Entity::find().filter(audit_log::Column::Action.eq("safeguarding.case_read")).count(&app.db).await.expect("audit");
        assert_eq!(reads, 2, "every read of a case is audited");
        let reported = audit_unattributed::Entity::find().filter(audit_unattributed::Column::Action.eq("safeguarding.concern_reported")).count(&app.db).await.expect("audit");
        let named = audit_log::Entity::find().filter(audit_log::Column::Action.eq("safeguarding.concern_reported")).count(&app.db).await.expect("audit");
        assert_eq!((reported, named), (1, 0), "the report names nobody in the audit log");
        // Nobody else finds the case: not the rest of the secretariat, the auditor, the other
        // member, nor the person the concern may be about.
        for (who, c) in [("secretariat", &w.staff_c), ("auditor", &w.auditor_c), ("member", &w.other_c), ("partner", &w.mentor_c), ("finance", &w.finance_c)] {
            assert_eq!(call(&app, c, "/fn/mentorship/case", &[("id", &case)]).await.0, 404, "{who} reads the case");
            assert_eq!(call(&app, c, "/fn/mentorship/safeguarding", &[]).await.0, 403, "{who} lists cases");
            assert_eq!(page(&app, c, &format!("/cases/{case}")).await.0, 404, "{who} opens the case page");
        }
        // Nobody but the pair reads the pair's page: staff, lead, admin, auditor, others.
        for (who, c) in [("lead", &w.lead_c), ("secretariat", &w.staff_c), ("admin", &w.admin_c), ("auditor", &w.auditor_c), ("member", &w.other_c), ("finance", &w.finance_c)] {
            assert_eq!(call(&app, c, "/fn/mentorship/pair", &[("id", &pair)]).await.0, 404, "{who} reads the pair");
            assert_eq!(page(&app, c, &format!("/pairs/{pair}")).await.0, 404, "{who} opens the pair's page");
        }
        // No page or answer of anybody else shows the notes, topics or case text.
        let canaries = [note, topic, concern, case_note];
        let paths = ["/", "/programmes", &format!("/programmes/{programme}"), "/council/audit", "/time", "/finance", "/cases"];
        for (who, c) in [("lead", &w.lead_c), ("secretariat", &w.staff_c), ("admin", &w.admin_c), ("auditor", &w.auditor_c), ("member", &w.other_c), ("finance", &w.finance_c)] {
            for path in paths {
                let (_, body) = page(&app, c, path).await;
                for canary in [note, topic] {
                    assert!(!body.contains(canary), "{who} sees {canary} on {path}");
                }
                if who != "lead" && who != "admin" {
                    for canary in [concern, case_note] {
                        assert!(!body.contains(canary), "{who} sees {canary} on {path}");
                    }
                }
            }
            let (_, audit) = call(&app, c, "/fn/audit/list", &[]).await;
            for canary in canaries {
                assert!(!audit.to_string().contains(canary), "{who} sees {canary} in the audit JSON");
            }
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
        // In PostgreSQL too, the columns hold only sealed text.
        let rows = session::Entity::find().all(&app.db).await.expect("sessions");
        assert!(rows.iter().all(|s| !s.notes_sealed.contains(note) && !s.topics_sealed.contains(topic)));
    }

    async fn bad_input_is_refused_with_a_clear_answer_and_changes_nothing(db) {
        let app = TestApp::builder(db).spawn().await;
        let w = world(&app, "bad").await;
        let (programme, cohort) = w.programme(&app).await;
        let form = [("fields[languages]", "English"), ("fields[online]", "true"), ("fields[capacity]", "1")];
        w.join(&app, &cohort, w.mentor, &w.mentor_c, "mentor", &form).await;
        w.join(&app, &cohort, w.mentee, &w.mentee_c, "mentee", &form).await;
        w.join(&app, &cohort, w.other, &w.other_c, "mentee", &form).await;
        // Another council and its member.
        let elsewhere = create_council(&app, "elsewhere").await;
        let stranger = create_person(&app, elsewhere, "Stella Stranger", "stella@elsewhere.example.org", &[Role::Member]).await;
        let stranger_c = signed_in_client(&app, stranger, elsewhere, false).await;
        let matches_now = || async { mentorship_match::Entity::find().count(&app.db).await.expect("count") };

        // A match across councils: the stranger is no participant here.
        let (status, body) = w.propose(&app, &cohort, w.mentor, stranger).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["field"], "mentee");
        let (status, body) = call(&app, &w.lead_c, "/fn/mentorship/invite", &[("cohort", &cohort), ("person", &stranger.to_string()), ("role", "mentee")]).await;
        assert_eq!((status, body["field"].clone()), (400, Value::from("person")), "nobody from another council is invited");
        assert_eq!(matches_now().await, 0);
        // The other council's staff cannot reach this cohort at all.
        let (status, _) = call(&app, &stranger_c, "/fn/mentorship/apply", &[("cohort", &cohort), ("role", "mentee")]).await;
        assert_eq!(status, 404, "another council's cohort does not exist for them");

        // Over the mentor's limit (one mentee at once).
        let (status, pair) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        assert_eq!(status, 200, "{pair}");
        let pair = pair.as_str().expect("id").to_owned();
        let (status, body) = w.propose(&app, &cohort, w.mentor, w.other).await;
        assert_eq!((status, body["code"].clone()), (409, Value::from("mentor_full")), "{body}");
        let (_, html) = {
            let res = w.lead_c.post(app.url(&format!("/fn/mentorship/propose?return_to=/programmes/{programme}"))).header("accept", "text/html")
                .form(&[("cohort", cohort.as_str()), ("mentor", &w.mentor.to_string()), ("mentee", &w.other.to_string())]).send().await.expect("POST");
            let back = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
            assert!(back.contains("__err="), "JavaScript off: back to the page with the error: {back}");
            page(&app, &w.lead_c, &back).await
        };
        assert!(html.contains("no place left"), "a clear message on the page");
        assert_eq!(matches_now().await, 1, "nothing changed");
        // The same mentee twice.
        let (status, _) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        assert!(status == 409, "{status}");

        for c in [&w.mentor_c, &w.mentee_c] {
            assert_eq!(call(&app, c, "/fn/mentorship/answer_match", &[("pair", &pair), ("decision", "accept")]).await.0, 200);
        }
        let sessions_now = || async { session::Entity::find().count(&app.db).await.expect("count") };
        // A session logged on another pair's match: the match does not exist for them.
        for c in [&w.other_c, &w.lead_c, &stranger_c] {
            let (status, _) = call(&app, c, "/fn/mentorship/log_session", &[("pair", &pair), ("fields[held_on]", &today()), ("fields[minutes]", "60"), ("fields[format]", "online")]).await;
            assert_eq!(status, 404);
        }
        // Bad fields name themselves.
        let day = today();
        for (field, form) in [
            ("held_on", vec![("fields[held_on]", "yesterday"), ("fields[minutes]", "60"), ("fields[format]", "online")]),
            ("minutes", vec![("fields[held_on]", day.as_str()), ("fields[minutes]", "-5"), ("fields[format]", "online")]),
            ("format", vec![("fields[held_on]", day.as_str()), ("fields[minutes]", "30"), ("fields[format]", "carrier pigeon")]),
        ] {
            let mut f = vec![("pair", pair.as_str())];
            f.extend(form);
            let (status, body) = call(&app, &w.mentor_c, "/fn/mentorship/log_session", &f).await;
            assert_eq!((status, body["field"].clone()), (400, Value::from(field)), "{body}");
        }
        assert_eq!(sessions_now().await, 0, "nothing was logged");
        // A certificate for someone else, and before completion.
        for c in [&w.other_c, &w.lead_c, &w.admin_c, &stranger_c] {
            assert_eq!(call(&app, c, "/fn/mentorship/certificate", &[("id", &pair)]).await.0, 404);
            assert_eq!(call(&app, c, "/fn/mentorship/certificate_name", &[("pair", &pair), ("choice", "display")]).await.0, 404);
        }
        assert_eq!(call(&app, &w.mentee_c, "/fn/mentorship/certificate", &[("id", &pair)]).await.0, 409);
        // Ending, completing or answering somebody else's match.
        assert_eq!(call(&app, &w.other_c, "/fn/mentorship/end_match", &[("pair", &pair)]).await.0, 404);
        assert_eq!(call(&app, &w.other_c, "/fn/mentorship/complete_match", &[("pair", &pair)]).await.0, 403);
        assert_eq!(call(&app, &w.mentee_c, "/fn/mentorship/complete_match", &[("pair", &pair)]).await.0, 409, "no goals met yet");
        let row = mentorship_match::Entity::find_by_id(pair.parse::<uuid::Uuid>().expect("uuid")).one(&app.db).await.expect("q").expect("row");
        assert_eq!(row.state, "active", "still active");
        // Profiles: a language and a way of meeting are needed; nothing else.
        let place = participant::Entity::find().filter(participant::Column::PersonId.eq(w.other.0)).one(&app.db).await.expect("q").expect("place").id.to_string();
        let (status, body) = call(&app, &w.other_c, "/fn/mentorship/save_profile", &[("place", &place), ("fields[languages]", "")]).await;
        assert_eq!((status, body["field"].clone()), (400, Value::from("languages")));
        let (status, body) = call(&app, &w.other_c, "/fn/mentorship/save_profile", &[("place", &place), ("fields[languages]", "English")]).await;
        assert_eq!((status, body["field"].clone()), (400, Value::from("format")));
        let (status, _) = call(&app, &w.mentee_c, "/fn/mentorship/save_profile", &[("place", &place), ("fields[languages]", "English"), ("fields[online]", "true")]).await;
        assert_eq!(status, 404, "somebody else's place");
        // Programme fields.
        let (status, body) = call(&app, &w.lead_c, "/fn/mentorship/create_programme", &[("fields[title]", "X"), ("fields[starts_on]", "2026-05-01"), ("fields[ends_on]", "2026-04-01"), ("fields[expected_hours]", "5")]).await;
        assert_eq!((status, body["field"].clone()), (400, Value::from("ends_on")));
        let (status, body) = call(&app, &w.lead_c, "/fn/mentorship/create_programme", &[("fields[title]", "X"), ("fields[starts_on]", "2026-05-01"), ("fields[ends_on]", "2026-06-01"), ("fields[expected_hours]", "5"), ("fields[paid]", "true"), ("fields[activity]", "speaking")]).await;
        assert_eq!((status, body["field"].clone()), (400, Value::from("activity")), "the rate card does not price speaking here");
        let _ = w.council;
    }
}

db_tests! {
    async fn pages_run_the_same_statements_for_one_session_or_many(db) {
        let app = TestApp::builder(db).count_queries().spawn().await;
        let w = world(&app, "count").await;
        let (programme, cohort) = w.programme(&app).await;
        let form = [("fields[languages]", "English"), ("fields[online]", "true"), ("fields[capacity]", "3")];
        w.join(&app, &cohort, w.mentor, &w.mentor_c, "mentor", &form).await;
        w.join(&app, &cohort, w.mentee, &w.mentee_c, "mentee", &form).await;
        let (_, pair) = w.propose(&app, &cohort, w.mentor, w.mentee).await;
        let pair = pair.as_str().expect("id").to_owned();
        for c in [&w.mentor_c, &w.mentee_c] {
            assert_eq!(call(&app, c, "/fn/mentorship/answer_match", &[("pair", &pair), ("decision", "accept")]).await.0, 200);
        }
        let log = |n: usize| {
            let pair = pair.clone();
            let mentor_c = w.mentor_c.clone();
            let app = &app;
            async move {
                for i in 0..n {
                    let notes = format!("Note {i}");
                    let (status, _) = call(app, &mentor_c, "/fn/mentorship/log_session", &[
                        ("pair", &pair), ("fields[held_on]", &today()), ("fields[minutes]", "30"),
                        ("fields[format]", "online"), ("fields[notes]", &notes),
                    ]).await;
                    assert_eq!(status, 200);
                }
                for i in 0..n.min(3) {
                    let (status, _) = call(app, &mentor_c, "/fn/mentorship/propose_goal", &[("pair", &pair), ("title", &format!("Goal {i}"))]).await;
                    assert_eq!(status, 200);
                }
            }
        };
        log(1).await;
        let pair_path = format!("/pairs/{pair}");
        let programme_path = format!("/programmes/{programme}");
        let small = (
            statements(&app, &w.mentor_c, &pair_path).await,
            statements(&app, &w.lead_c, &programme_path).await,
            statements(&app, &w.mentor_c, "/programmes").await,
        );
        log(12).await;
        // More people in the cohort, too.
        w.join(&app, &cohort, w.other, &w.other_c, "mentee", &form).await;
        let large = (
            statements(&app, &w.mentor_c, &pair_path).await,
            statements(&app, &w.lead_c, &programme_path).await,
            statements(&app, &w.mentor_c, "/programmes").await,
        );
        assert_eq!(small, large, "the pair's page, the programme page and the start page run a fixed number of statements");
        assert_eq!(small.0, PAIR_STATEMENTS, "the pair's page");
    }
}

/// What the pair's page runs: the session with the actor's roles (1); the match, its programme, the
/// pair's places, the partner's name, goals, milestones, sessions, the viewer's feedback and
/// the safeguarding lead (9); and the audited read of the private notes (a transaction: begin,
/// the chain's last entry, the insert, commit: 4).
const PAIR_STATEMENTS: usize = 14;
