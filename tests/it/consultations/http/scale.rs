//! Consultations at scale: bounded pages whatever the number of comments, the answer queue
//! (pages, filters, groups of near-identical comments, decisions on a selection) and the
//! posting limits.

use super::*;

/// A campaign's text; its variants differ by a greeting or punctuation only.
const CAMPAIGN: &str = "We ask the Ministry to remove the obligation to report to the police \
    before any assistance is given. Victims must receive support unconditionally, and the \
    reflection period of at least thirty days must be respected in every case.";

impl World {
    /// The comment rows of a consultation, with their answers (decision or none).
    async fn answers_in_db(&self, id: &str) -> Vec<(String, Option<String>)> {
        use roundtable_app::domain::consultations::entities::response;
        let id: Uuid = id.parse().expect("id");
        let rows = comment::Entity::find()
            .filter(comment::Column::ConsultationId.eq(id))
            .all(&self.app.db)
            .await
            .expect("comments");
        let answers = response::Entity::find()
            .filter(response::Column::ConsultationId.eq(id))
            .all(&self.app.db)
            .await
            .expect("answers");
        rows.into_iter()
            .map(|c| {
                let decision = answers
                    .iter()
                    .find(|a| a.comment_id == c.id)
                    .map(|a| a.decision.clone());
                (c.body, decision)
            })
            .collect()
    }

    async fn queue(&self, id: &str, filter: &[(&str, &str)]) -> Value {
        let mut form = vec![("id", id)];
        form.extend_from_slice(filter);
        self.json(&self.staff, "/fn/consultations/answers", &form)
            .await
    }
}

fn items(queue: &Value) -> &Vec<Value> {
    queue["items"].as_array().expect("items")
}

db_tests! {
    async fn a_flood_of_comments_keeps_every_page_bounded(db) {
        let w = world_on(TestApp::builder(db).count_queries()).await;
        allow_many_posts(&w.app, w.council).await;
        let id = w.open_consultation().await;
        let (housing, chapter) = w.section(&id, "Housing", "1.").await;
        let (quiet, _) = w.section(&id, "Housing", "2.").await;
        let detail = w.json(&w.staff, "/fn/consultations/get", &[("id", &id)]).await;
        let anchor = detail["sections"].as_array().expect("sections").iter()
            .find(|s| s["id"] == housing.as_str()).expect("section")["anchor"].as_str().expect("anchor").to_owned();
        let quiet_anchor = detail["sections"].as_array().expect("sections").iter()
            .find(|s| s["id"] == quiet.as_str()).expect("section")["anchor"].as_str().expect("anchor").to_owned();
        // Two comments on the quiet section, to compare the pages' statements with.
        for n in 0..2 {
            assert_eq!(w.post(n, &id, &quiet, "comment", &format!("Quiet remark number {n} about timing."), "named", &[]).await.status(), 200);
        }
        let section_page = |anchor: &str, query: &str| format!("/consultations/{id}/comments/{anchor}{query}");
        let small = w.queries_for(&w.members[0].1, &section_page(&quiet_anchor, "")).await;
        // The answer queue: built (the grouping over every comment), then kept while nothing
        // changed.
        let queue = format!("/consultations/{id}/answers");
        let queue_small = (w.queries_for(&w.staff, &queue).await, w.queries_for(&w.staff, &queue).await);
        // 45 distinct comments on one section, then six replies on the oldest.
        let mut first = String::new();
        for n in 0..45 {
            let who = n % 3;
            let attribution = ["named", "pseudonym", "anonymous"][who];
            let text = format!("Distinct point {n}: housing type {} in district {} matters.", n * 7, n * 13);
            assert_eq!(w.post(who, &id, &housing, "concern", &text, attribution, &[]).await.status(), 200);
            if n == 0 {
                let chapter = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
                first = chapter["comments"][0]["id"].as_str().expect("id").to_owned();
            }
        }
        for n in 0..6 {
            let res = w.call(&w.members[n % 3].1, "/fn/comments/post", &[("consultation", &id), ("parent", &first),
                ("fields[kind]", "comment"), ("fields[body]", &format!("Reply {n} to the first.")), ("fields[attribution]", "named")]).await;
            assert_eq!(res.status(), 200);
        }

        // The chapter: the five newest threads of the section, and the rest counted.
        let view = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        let on_housing: Vec<&Value> = view["comments"].as_array().expect("comments").iter()
            .filter(|c| c["section"] == housing.as_str()).collect();
        assert_eq!(on_housing.iter().filter(|c| c["depth"] == 0).count(), 5, "five threads of 45");
        // Newest first: anonymous and pseudonymous comments keep only the hour they were
        // written in, so within this hour the named ones come first, the newest on top.
        assert!(on_housing[0]["body_html"].as_str().expect("body").contains("Distinct point 42"), "newest first: {}", on_housing[0]["body_html"]);
        let more = view["more"].as_array().expect("more");
        assert!(more.iter().any(|m| m[0] == housing.as_str() && m[1] == 40), "40 threads left out: {more:?}");
        let sections = view["sections"].as_array().expect("sections");
        let s = sections.iter().find(|s| s["id"] == housing.as_str()).expect("section");
        assert_eq!(s["comment_count"], 51, "the heading still counts every comment");
        let (_, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/{chapter}")).await;
        assert!(html.contains(&format!("href=\"/consultations/{id}/comments/{anchor}\"")), "a plain link to all comments");

        // The section's page: 20 threads a page, three pages, the oldest thread's replies
        // collapsed after ten… there are six, all shown; a thread page shows them too.
        let page1 = w.json(&w.members[0].1, "/fn/consultations/section-comments", &[("id", &id), ("anchor", &anchor)]).await;
        assert_eq!(page1["total"], 45);
        assert_eq!(page1["pages"], 3);
        let threads = |v: &Value| v["comments"].as_array().expect("comments").iter().filter(|c| c["depth"] == 0).count();
        assert_eq!(threads(&page1), 20);
        let page3 = w.json(&w.members[0].1, "/fn/consultations/section-comments", &[("id", &id), ("anchor", &anchor), ("page", "3")]).await;
        assert_eq!(threads(&page3), 5);
        // The first named comment (older than the other named ones, newer than the hour-only
        // times of the others) is on page 1, with its six replies.
        assert_eq!(page1["comments"].as_array().expect("comments").iter().filter(|c| c["depth"] == 1).count(), 6, "the thread with its replies");
        // Oldest first: the hour-only times of the unattributed comments, then the named
        // ones in order, the newest last.
        let oldest = w.json(&w.members[0].1, "/fn/consultations/section-comments", &[("id", &id), ("anchor", &anchor), ("sort", "oldest"), ("page", "3")]).await;
        let last = oldest["comments"].as_array().expect("comments").iter().rev().find(|c| c["depth"] == 0).expect("a thread");
        assert!(last["body_html"].as_str().expect("body").contains("Distinct point 42"), "oldest first: {last}");
        let replied = w.json(&w.members[0].1, "/fn/consultations/section-comments", &[("id", &id), ("anchor", &anchor), ("sort", "replies")]).await;
        assert_eq!(replied["comments"][0]["id"], first.as_str(), "most replies first");
        let thread = w.json(&w.members[0].1, "/fn/consultations/section-comments", &[("id", &id), ("anchor", &anchor), ("thread", &first)]).await;
        assert_eq!(thread["total"], 6);
        assert_eq!(thread["comments"].as_array().expect("comments").len(), 7);
        // Five replies on the newest thread: the chapter shows three of them and links to
        // the thread for the other two.
        let newest = on_housing[0]["id"].as_str().expect("id").to_owned();
        for n in 0..5 {
            let res = w.call(&w.members[n % 3].1, "/fn/comments/post", &[("consultation", &id), ("parent", &newest),
                ("fields[kind]", "comment"), ("fields[body]", &format!("Answer {n} on the newest.")), ("fields[attribution]", "named")]).await;
            assert_eq!(res.status(), 200);
        }
        let view = w.json(&w.members[0].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        let listed = view["comments"].as_array().expect("comments");
        let at = listed.iter().position(|c| c["id"] == newest.as_str()).expect("the newest thread is shown");
        assert_eq!(listed[at]["more_replies"], 2, "two replies left out");
        assert_eq!(listed[at + 1..].iter().take_while(|c| c["depth"] != 0).count(), 3, "three replies shown");
        assert!(!listed.iter().any(|c| c["id"] == first.as_str()), "an older thread is not on the chapter");
        let (_, html) = w.page(&w.members[0].1, &format!("/consultations/{id}/part/{chapter}")).await;
        assert!(html.contains(&format!("/consultations/{id}/comments/{anchor}?thread={newest}")), "a plain link to the whole thread");
        let (status, html) = w.page(&w.members[0].1, &section_page(&anchor, "?sort=oldest")).await;
        assert_eq!(status, 200);
        assert!(html.contains("sort=oldest&amp;page=2\" rel=\"next\""), "a plain link to the next page, in the same order");
        let (status, _) = w.page(&w.members[0].1, &section_page(&anchor, "?page=4")).await;
        assert_eq!(status, 404, "a page beyond the last does not exist");
        let (status, _) = w.page(&w.members[0].1, &section_page("no-such-anchor", "")).await;
        assert_eq!(status, 404);
        let (status, _) = w.page(&w.members[0].1, &section_page(&anchor, "?thread=not-an-id")).await;
        assert_eq!(status, 404);
        let (status, _) = w.page(&w.outsider, &section_page(&anchor, "")).await;
        assert_eq!(status, 404, "another council's member cannot probe");
        // The same statements for 2 comments or 51.
        let many = w.queries_for(&w.members[0].1, &section_page(&anchor, "")).await;
        assert_eq!(many, small, "a section's page runs the same statements for 2 comments or 51");
        let queue_many = (w.queries_for(&w.staff, &queue).await, w.queries_for(&w.staff, &queue).await);
        // At most the same (the authors' names are read only when a named comment is on the
        // page, which depends on the page, not on the number of comments).
        assert!(queue_many.0 <= queue_small.0 && queue_many.1 <= queue_small.1,
            "(built, kept): the queue runs no more statements for 51 comments than for 2: {queue_many:?} {queue_small:?}");
        assert!(queue_small.0 <= 14, "a queue page runs {} statements", queue_small.0);
        // Kept (nothing changed since the page was read): the same few statements whatever
        // the page holds (who asks, the consultation and its time zone); the page itself, its
        // grouping, its comments and its counts come from what the process kept.
        assert_eq!(queue_many.1, queue_small.1, "a kept page runs the same statements: {queue_many:?} {queue_small:?}");
        for (built, kept) in [queue_small, queue_many] {
            assert!(kept + 8 <= built, "kept, the queue skips the sections, the grouping, the comments and the counts: {built} {kept}");
        }

        // The outcome CSV, streamed a page at a time: every comment once, section by section.
        assert_eq!(w.call(&w.staff, "/fn/consultations/phase", &[("id", &id), ("step", "close")]).await.status(), 200);
        let res = w.staff.get(w.app.url(&format!("/consultations/{id}/outcome.csv"))).send().await.expect("csv");
        assert_eq!(res.status(), 200);
        let body = res.text().await.expect("text");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
        assert_eq!(rows.len(), 58, "56 on one section, 2 on the other");
        let on = |a: &str| rows.iter().filter(|r| &r[1] == a).count();
        assert_eq!((on(&anchor), on(&quiet_anchor)), (56, 2));
        let bodies: std::collections::HashSet<&str> = rows.iter().map(|r| r.get(5).unwrap_or("")).collect();
        assert_eq!(bodies.len(), 58, "no comment twice");

        // The report (the secretariat's once closed) as a page: 50 comments a page, in the report's order, each once; the
        // second page goes on with the section the first one ended in.
        let one = w.json(&w.staff, "/fn/consultations/outcome", &[("id", id.as_str()), ("page", "1")]).await;
        let two = w.json(&w.staff, "/fn/consultations/outcome", &[("id", id.as_str()), ("page", "2")]).await;
        assert_eq!((one["page"].as_u64(), one["pages"].as_u64()), (Some(1), Some(2)));
        let bodies_of = |r: &Value| -> Vec<String> {
            r["sections"].as_array().expect("sections").iter()
                .flat_map(|s| s["comments"].as_array().expect("comments").iter().map(|c| c["body"].as_str().expect("body").to_owned()))
                .collect()
        };
        let (b1, b2) = (bodies_of(&one), bodies_of(&two));
        assert_eq!((b1.len(), b2.len()), (50, 8));
        let all: std::collections::HashSet<&String> = b1.iter().chain(&b2).collect();
        assert_eq!(all.len(), 58, "every comment once across the pages");
        let csv_order: Vec<&str> = rows.iter().map(|r| r.get(5).unwrap_or("")).collect();
        let page_order: Vec<&str> = b1.iter().chain(&b2).map(String::as_str).collect();
        assert_eq!(page_order, csv_order, "the pages and the CSV share one order");
        let continued: Vec<bool> = two["sections"].as_array().expect("sections").iter().map(|s| s["continued"] == true).collect();
        assert!(continued.first() == Some(&true), "page 2 goes on with a section: {continued:?}");
        let (status, html) = w.page(&w.staff, &format!("/consultations/{id}/outcome")).await;
        assert_eq!(status, 200);
        assert_eq!(crate::harness::texts(&html, ".report__comment").len(), 50, "a page of the report holds 50 comments");
        assert!(html.contains(&format!("href=\"/consultations/{id}/outcome?page=2\" rel=\"next\"")), "a plain link to the next page");
        let (_, html) = w.page(&w.staff, &format!("/consultations/{id}/outcome?page=9")).await;
        assert_eq!(crate::harness::texts(&html, ".report__comment").len(), 8, "beyond the last page, the last");
        // The same statements for a report of 58 comments as for page 2.
        let one_page = w.queries_for(&w.staff, &format!("/consultations/{id}/outcome")).await;
        let other_page = w.queries_for(&w.staff, &format!("/consultations/{id}/outcome?page=2")).await;
        assert_eq!(one_page, other_page, "each page of the report runs the same statements");
        // The print view, streamed: the whole report in one document, without scripts.
        let res = w.staff.get(w.app.url(&format!("/consultations/{id}/outcome/print"))).header("accept-language", "fr-CH, fr;q=0.9").send().await.expect("print");
        assert_eq!(res.status(), 200);
        let policy = res.headers()["content-security-policy"].to_str().expect("policy").to_owned();
        assert!(policy.contains("default-src 'none'") && !policy.contains("script-src"), "{policy}");
        let print = res.text().await.expect("html");
        assert!(print.starts_with("<!DOCTYPE html><html lang=\"fr\""), "the browser's language: {}", &print[..80]);
        assert!(print.ends_with("</html>"), "the document is whole");
        assert_eq!(crate::harness::texts(&print, ".report__comment").len(), 58, "every comment");
        assert!(!print.contains("<script"), "no scripts");
        assert!(print.contains("href=\"/exit\""), "the quick exit, as a plain link");
    }

    async fn near_identical_comments_are_answered_once_for_all(db) {
        let w = world(db).await;
        allow_many_posts(&w.app, w.council).await;
        let id = w.open_consultation().await;
        let (housing, _) = w.section(&id, "Housing", "1.").await;
        let (other, _) = w.section(&id, "Purpose", "1.").await;
        // The campaign: the named member twice, the others once, with small changes; a
        // different comment; the same text on another section.
        let variants = [
            (0, "named", CAMPAIGN.to_owned()),
            (0, "named", CAMPAIGN.to_uppercase()),
            (1, "pseudonym", format!("Hello, I support this. {CAMPAIGN}")),
            (2, "anonymous", CAMPAIGN.replace(',', " ;")),
        ];
        for (who, attribution, text) in &variants {
            assert_eq!(w.post(*who, &id, &housing, "concern", text, attribution, &[]).await.status(), 200);
        }
        assert_eq!(w.post(1, &id, &housing, "question", "Who pays for the interpreters during the first interview?", "named", &[]).await.status(), 200);
        assert_eq!(w.post(2, &id, &other, "concern", CAMPAIGN, "anonymous", &[]).await.status(), 200);

        let queue = w.queue(&id, &[]).await;
        assert_eq!(queue["comments"], 6);
        assert_eq!(queue["unanswered"], 6);
        assert_eq!(queue["total"], 3, "the campaign on one section is one item: {queue}");
        let group = items(&queue).iter().find(|i| i["size"] == 4).expect("a group of four");
        assert!(group["group"].is_string());
        assert_eq!(group["unanswered"], 4);
        let (_, html) = w.page(&w.staff, &format!("/consultations/{id}/answers")).await;
        assert!(html.contains("data-size=\"4\""), "the group's size is shown");
        assert_eq!(crate::harness::texts(&html, "#queue-status"), vec!["6 comments, 6 without an answer".to_owned()], "the counts are shown");

        // Mail so far (the opening notices), to tell the answers' mail apart.
        w.release_held_mail().await;
        let earlier = w.app.folder_mails(0, Duration::ZERO).await;
        let count_to = |mails: &[crate::harness::peers::ReceivedMail], address: &str| mails.iter().filter(|m| m.raw.contains(address)).count();
        // One answer for the group, recorded on each of its comments.
        let item = group["group"].as_str().expect("group").to_owned();
        let res = w.call(&w.staff, "/fn/comments/answer-group", &[("consultation", &id), ("item", &item),
            ("fields[decision]", "partly_accepted"), ("fields[explanation]", "We will keep support unconditional; the reflection period stays as drafted.")]).await;
        assert_eq!(res.status(), 200);
        let answers = w.answers_in_db(&id).await;
        let campaign: Vec<_> = answers.iter().filter(|(body, _)| body.to_lowercase().contains("reflection period")).collect();
        assert_eq!(campaign.len(), 5);
        assert_eq!(campaign.iter().filter(|(_, d)| d.as_deref() == Some("partly_accepted")).count(), 4, "each comment of the group has the answer");
        assert_eq!(answers.iter().filter(|(_, d)| d.is_some()).count(), 4, "and nothing else");
        // Audited per comment.
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("comment.answered"))
            .all(&w.app.db).await.expect("audit");
        assert_eq!(audited.len(), 4, "one audit entry per comment");
        // One mail per author: the named member wrote two of the group and gets one.
        w.release_held_mail().await;
        let mails = w.app.folder_mails(earlier.len() + 3, Duration::from_secs(10)).await;
        let to = |address: &str| count_to(&mails, address) - count_to(&earlier, address);
        assert_eq!(to("amira@example.org"), 1, "one mail for the named author's two comments");
        assert_eq!(to("pia@example.org"), 1);
        assert_eq!(to("zephyrine@example.org"), 1);
        assert_eq!(mails.len(), earlier.len() + 3, "and no other mail");
        for m in &mails {
            assert!(!m.raw.contains(CANARY) && !m.raw.to_lowercase().contains("reflection"), "no names, no topic in mails");
        }
        let queue = w.queue(&id, &[]).await;
        assert_eq!(queue["unanswered"], 2);
        // The queue's kept counts follow a change written to the table by anyone (another
        // server process, a tool): the database moves the consultation's revision.
        {
            use roundtable_app::domain::consultations::entities::comment;
            use sea_orm::sea_query::Expr;
            comment::Entity::update_many()
                .col_expr(comment::Column::Status, Expr::value("hidden"))
                .filter(comment::Column::Kind.eq("question"))
                .exec(&w.app.db).await.expect("hides");
        }
        let queue = w.queue(&id, &[]).await;
        assert_eq!((queue["comments"].as_i64(), queue["unanswered"].as_i64()), (Some(5), Some(1)), "a hidden comment leaves the queue's counts");

        // Bad input changes nothing: no decision, an unknown item, a member answering.
        let before = w.answers_in_db(&id).await;
        let res = w.call(&w.staff, "/fn/comments/answer-group", &[("consultation", &id), ("item", &item), ("fields[decision]", ""), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 400);
        let res = w.call(&w.staff, "/fn/comments/answer-group", &[("consultation", &id), ("item", &Uuid::new_v4().to_string()), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 404);
        let res = w.call(&w.members[0].1, "/fn/comments/answer-group", &[("consultation", &id), ("item", &item), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 403);
        let res = w.call(&w.outside_staff, "/fn/comments/answer-group", &[("consultation", &id), ("item", &item), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 404);
        assert_eq!(w.answers_in_db(&id).await, before);
    }

    async fn the_kept_answer_page_follows_every_change_and_each_language(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (housing, _) = w.section(&id, "Housing", "1.").await;
        assert_eq!(w.post(0, &id, &housing, "concern", "Shelters need night staff.", "named", &[]).await.status(), 200);
        let path = format!("/consultations/{id}/answers");
        let (status, first) = w.page(&w.staff, &path).await;
        assert_eq!(status, 200);
        assert!(first.contains("Shelters need night staff.") && first.contains("Save and go to the next"), "the page");
        // The page's own part (the document around it carries a fresh nonce every time).
        let main = |html: &str| html.split_once("<main").and_then(|(_, m)| m.split_once("</main>")).map(|(m, _)| m.to_owned()).expect("main");
        let (_, again) = w.page(&w.staff, &path).await;
        assert_eq!(main(&again), main(&first), "kept: the same page");
        // A change written straight to the table (another process, a tool) moves the
        // consultation's revision, so the kept page is not shown again.
        {
            use sea_orm::sea_query::Expr;
            comment::Entity::update_many()
                .col_expr(comment::Column::BodyHtml, Expr::value("<p>Shelters need night staff and a doctor.</p>"))
                .filter(comment::Column::ConsultationId.eq(id.parse::<Uuid>().expect("id")))
                .exec(&w.app.db).await.expect("edits");
        }
        let (_, changed) = w.page(&w.staff, &path).await;
        assert!(changed.contains("night staff and a doctor."), "the change shows");
        // Each language its own page.
        let res = w.staff.get(w.app.url(&path)).header("accept", "text/html")
            .header("accept-language", "fr-FR,fr;q=0.9").send().await.expect("GET");
        let french = res.text().await.expect("body");
        assert!(french.contains("Enregistrer et passer au suivant") && !french.contains("Save and go to the next"), "in French");
        let (_, english) = w.page(&w.staff, &path).await;
        assert!(english.contains("Save and go to the next"), "and in English again");
        // An answer moves the revision: the item is answered on the next page read.
        let item = w.queue(&id, &[]).await["items"][0]["comment"]["id"].as_str().expect("id").to_owned();
        let res = w.call(&w.staff, "/fn/comments/answer", &[("comment", &item), ("fields[decision]", "noted"), ("fields[explanation]", "Thank you.")]).await;
        assert_eq!(res.status(), 200);
        let queue = w.queue(&id, &[]).await;
        assert_eq!(queue["unanswered"], 0, "{queue}");
        let (_, answered) = w.page(&w.staff, &path).await;
        assert!(answered.contains("data-answered=\"true\""), "the kept page is not shown after an answer");
    }

    async fn the_migration_fills_the_search_text_of_earlier_comments(db) {
        use migration::MigratorTrait as _;
        use roundtable_app::domain::consultations::entities::comment;
        let w = world_on(TestApp::builder(db).setting("ROUNDTABLE_BACKGROUND_JOBS", "false")).await;
        let id = w.open_consultation().await;
        let (housing, _) = w.section(&id, "Housing", "1.").await;
        assert_eq!(w.post(0, &id, &housing, "wording", "ÜBERLEBENDE zuerst.", "named",
            &[("fields[proposal]", "Закон о ЗАЩИТЕ.")]).await.status(), 200);
        let written = comment::Entity::find().filter(comment::Column::Kind.eq("wording"))
            .one(&w.app.db).await.expect("query").expect("the comment");
        assert_eq!(written.search_text, "überlebende zuerst.\nзакон о защите.", "written by the domain");
        // Back to before migration 12 (its down drops the column) and up again: the comment
        // already there gets the same search text from the migration.
        // On one connection of its own (SQLite: a pooled connection could still read the
        // schema as it was), with the background jobs off.
        let migrating = match &w.app.sqlite_file {
            Some(file) => {
                let mut options = sea_orm::ConnectOptions::new(format!("sqlite://{}", file.display()));
                options.max_connections(1).min_connections(1);
                sea_orm::Database::connect(options).await.expect("connects")
            }
            None => w.app.db.clone(),
        };
        migration::Migrator::down(&migrating, Some(1)).await.expect("down");
        migration::Migrator::up(&migrating, None).await.expect("up");
        let filled = comment::Entity::find_by_id(written.id).one(&w.app.db).await.expect("query").expect("the comment");
        assert_eq!(filled.search_text, written.search_text, "filled by the migration");
        assert_eq!(w.queue(&id, &[("filter[q]", "ЗАКОН")]).await["total"], 1);
    }

    async fn the_queue_pages_filters_and_decides_on_a_selection(db) {
        let w = world(db).await;
        allow_many_posts(&w.app, w.council).await;
        let id = w.open_consultation().await;
        let (housing, _) = w.section(&id, "Housing", "1.").await;
        let (purpose, _) = w.section(&id, "Purpose", "1.").await;
        for n in 0..27 {
            let (who, attribution) = [(0, "named"), (1, "pseudonym"), (2, "anonymous")][n % 3];
            let kind = if n % 9 == 0 { "question" } else { "concern" };
            let section = if n < 20 { &housing } else { &purpose };
            let mut text = format!("Point {n}: shelters number {} need staff number {}.", n * 31, n * 17);
            if n == 2 {
                text.push_str(" Überlebende brauchen ÄRZTINNEN, закон о защите.");
            }
            assert_eq!(w.post(who, &id, section, kind, &text, attribution, &[]).await.status(), 200);
        }
        assert_eq!(w.post(0, &id, &housing, "wording", "Say within 12 hours.", "named",
            &[("fields[proposal]", "Housing shall be available within 12 hours.")]).await.status(), 200);
        // Pages of 25.
        let page1 = w.queue(&id, &[]).await;
        assert_eq!(page1["total"], 28);
        assert_eq!(page1["pages"], 2);
        assert_eq!(items(&page1).len(), 25);
        let page2 = w.queue(&id, &[("filter[page]", "2")]).await;
        assert_eq!(items(&page2).len(), 3);
        let res = w.call(&w.staff, "/fn/consultations/answers", &[("id", &id), ("filter[page]", "9")]).await;
        assert_eq!(res.status(), 404);
        // Filters.
        let questions = w.queue(&id, &[("filter[kind]", "question")]).await;
        assert_eq!(questions["total"], 3);
        let named = w.queue(&id, &[("filter[attribution]", "named")]).await;
        assert_eq!(named["total"], 10);
        let wording = w.queue(&id, &[("filter[wording]", "on")]).await;
        assert_eq!(wording["total"], 1);
        let found = w.queue(&id, &[("filter[q]", " SHELTERS NUMBER 62 NEED ")]).await;
        assert_eq!(found["total"], 1, "search ignores case and spaces around: {found}");
        for q in ["überlebende brauchen ärztinnen", "ЗАКОН О ЗАЩИТЕ", "HOUSING SHALL BE AVAILABLE"] {
            let found = w.queue(&id, &[("filter[q]", q)]).await;
            assert_eq!(found["total"], 1, "search folds every letter's case and reads the proposed wording: {q}");
        }
        let none = w.queue(&id, &[("filter[q]", "100%_")]).await;
        assert_eq!(none["total"], 0, "wildcards are searched as text");
        let anchors = page1["sections"].as_array().expect("sections");
        let purpose_anchor = anchors.iter().find(|s| s[1].as_str().unwrap_or("").contains("Purpose") || s[0].as_str().unwrap_or("").contains("art-1")).map(|s| s[0].as_str().expect("anchor").to_owned());
        let _ = purpose_anchor;
        // Unknown values are ignored, not errors.
        let odd = w.queue(&id, &[("filter[kind]", "<script>"), ("filter[sort]", "sideways"), ("filter[hidden]", "maybe")]).await;
        assert_eq!(odd["total"], 28);
        assert_eq!(odd["filter"]["kind"], "");
        // Sorting: newest first puts the wording proposal on top.
        let newest = w.queue(&id, &[("filter[sort]", "newest")]).await;
        assert_eq!(items(&newest)[0]["comment"]["kind"], "wording");

        // A decision on a selection: three items, each answered and audited.
        let chosen: Vec<String> = items(&page1).iter().take(3).map(|i| i["comment"]["id"].as_str().expect("id").to_owned()).collect();
        let res = w.call(&w.staff, "/fn/comments/answer-selection", &[("consultation", &id),
            ("items[0]", &chosen[0]), ("items[4]", &chosen[1]), ("items[9]", &chosen[2]),
            ("fields[decision]", "noted"), ("fields[explanation]", "Noted; see the summary of comments.")]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(w.answers_in_db(&id).await.iter().filter(|(_, d)| d.as_deref() == Some("noted")).count(), 3);
        let audited = audit_log::Entity::find().filter(audit_log::Column::Action.eq("comment.answered")).all(&w.app.db).await.expect("audit");
        assert_eq!(audited.len(), 3);
        let open = w.queue(&id, &[("filter[answered]", "no")]).await;
        assert_eq!(open["total"], 25);
        let done = w.queue(&id, &[("filter[answered]", "yes")]).await;
        assert_eq!(done["total"], 3);
        // Hidden comments are left out unless asked for.
        let hide = items(&open)[0]["comment"]["id"].as_str().expect("id").to_owned();
        assert_eq!(w.call(&w.staff, "/fn/comments/hide", &[("comment", &hide), ("reason", "off_topic"), ("note", "")]).await.status(), 200);
        assert_eq!(w.queue(&id, &[]).await["total"], 27);
        assert_eq!(w.queue(&id, &[("filter[hidden]", "only")]).await["total"], 1);
        assert_eq!(w.queue(&id, &[("filter[hidden]", "with")]).await["total"], 28);
        // An empty selection, a selection of another consultation's comment: nothing changes.
        let before = w.answers_in_db(&id).await;
        let res = w.call(&w.staff, "/fn/comments/answer-selection", &[("consultation", &id), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 400);
        let other = w.create("Another Act", "council").await;
        let res = w.call(&w.staff, "/fn/comments/answer-selection", &[("consultation", &other), ("items[0]", &chosen[0]), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 404);
        let res = w.call(&w.members[0].1, "/fn/comments/answer-selection", &[("consultation", &id), ("items[0]", &chosen[0]), ("fields[decision]", "noted"), ("fields[explanation]", "x")]).await;
        assert_eq!(res.status(), 403);
        assert_eq!(w.answers_in_db(&id).await, before);
        // The page is bounded and runs as many statements for 28 comments as for 2.
        let (status, html) = w.page(&w.staff, &format!("/consultations/{id}/answers?answered=no&sort=oldest")).await;
        assert_eq!(status, 200);
        assert_eq!(crate::harness::texts(&html, "li.card[data-comment]").len(), 24, "the 24 without an answer");
        assert!(html.contains("name=\"items[0]\"") && html.contains("form=\"bulk\""), "each item can be selected without JavaScript");
    }

    async fn posting_too_fast_is_stopped_and_the_text_kept(db) {
        let w = world(db).await;
        let id = w.open_consultation().await;
        let (housing, chapter) = w.section(&id, "Housing", "1.").await;
        let (purpose, _) = w.section(&id, "Purpose", "1.").await;
        // The default rules: five in a row.
        let sections = [&housing, &purpose];
        for n in 0..5 {
            assert_eq!(w.post(2, &id, sections[n % 2], "comment", &format!("Thought number {n} on support."), "anonymous", &[]).await.status(), 200);
        }
        let res = w.post(2, &id, &housing, "comment", "The sixth thought, which I do not want to lose.", "anonymous", &[]).await;
        assert_eq!(res.status(), 429);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["code"], "posting_limit");
        assert_eq!(body["section"], false);
        assert!(body["minutes"].as_i64().expect("minutes") >= 1);
        let kept = w.json(&w.members[2].1, "/fn/consultations/chapter", &[("id", &id), ("anchor", &chapter)]).await;
        assert!(kept["drafts"].to_string().contains("The sixth thought"), "the text is kept: {}", kept["drafts"]);
        let (_, html) = w.page(&w.members[2].1, &format!("/consultations/{id}/part/{chapter}")).await;
        assert!(html.contains("The sixth thought"), "and shown in its box");
        // Someone else may still post.
        assert_eq!(w.post(0, &id, &housing, "comment", "My own first thought.", "named", &[]).await.status(), 200);

        // The secretariat sets the council's limits; bad values change nothing.
        let rules = w.json(&w.staff, "/fn/council/posting-rules", &[]).await;
        assert_eq!((rules["burst"].as_str(), rules["per_hour"].as_str(), rules["section_per_hour"].as_str()), (Some("5"), Some("30"), Some("10")));
        for (field, value) in [("fields[burst]", "0"), ("fields[burst]", "many"), ("fields[burst]", "5000"), ("fields[burst]", "")] {
            let mut form = vec![("fields[burst]", "100"), ("fields[per_hour]", "1000"), ("fields[section_per_hour]", "2")];
            form.retain(|(f, _)| *f != field);
            form.push((field, value));
            let res = w.call(&w.staff, "/fn/council/set-posting-rules", &form).await;
            assert_eq!(res.status(), 400, "{field}={value}");
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["field"], "burst");
        }
        assert_eq!(w.json(&w.staff, "/fn/council/posting-rules", &[]).await, rules, "unchanged");
        let res = w.call(&w.members[0].1, "/fn/council/set-posting-rules", &[("fields[burst]", "1000"), ("fields[per_hour]", "1000"), ("fields[section_per_hour]", "1000")]).await;
        assert_eq!(res.status(), 403, "a member cannot lift the limits");
        // The cap per section and hour, with a council that allows bursts.
        let res = w.call(&w.staff, "/fn/council/set-posting-rules", &[("fields[burst]", "100"), ("fields[per_hour]", "1000"), ("fields[section_per_hour]", "2")]).await;
        assert_eq!(res.status(), 200);
        let audited = audit_log::Entity::find().filter(audit_log::Column::Action.eq("council.posting_rules_changed")).all(&w.app.db).await.expect("audit");
        assert_eq!(audited.len(), 1, "the change is audited");
        assert_eq!(w.post(1, &id, &housing, "comment", "First on housing.", "pseudonym", &[]).await.status(), 200);
        assert_eq!(w.post(1, &id, &housing, "comment", "Second on housing.", "pseudonym", &[]).await.status(), 200);
        let res = w.post(1, &id, &housing, "comment", "Third on housing.", "pseudonym", &[]).await;
        assert_eq!(res.status(), 429);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["section"], true);
        assert!(body["minutes"].as_i64().expect("minutes") >= 59);
        assert_eq!(w.post(1, &id, &purpose, "comment", "First on purpose.", "pseudonym", &[]).await.status(), 200, "another section is open");

        // The secretariat sees that limits were reached, where, and never by whom.
        let manage = w.json(&w.staff, "/fn/consultations/manage", &[("id", &id)]).await;
        let stops = manage["limit_stops"].as_array().expect("stops");
        assert_eq!(stops.len(), 2, "{stops:?}");
        assert!(stops.iter().any(|s| s["section_cap"] == true && s["count"] == 1));
        assert!(stops.iter().any(|s| s["section_cap"] == false && s["count"] == 1));
        let (_, html) = w.page(&w.staff, &format!("/consultations/{id}/manage")).await;
        assert!(html.contains("id=\"limit-stops\""));
        assert!(!html.contains(CANARY) && !html.contains("Pia"), "no name with the limits");
        let raw = serde_json::to_string(&manage["limit_stops"]).expect("json");
        assert!(!raw.contains("Zephyrine") && !raw.contains("zephyrine"));
    }
}
