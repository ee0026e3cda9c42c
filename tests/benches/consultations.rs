//! Load benchmark of the consultation pages (issue 4's acceptance figures).
//!
//! `cargo bench -p roundtable-tests --bench consultations` (release profile; needs the site
//! built by `cargo leptos build` for the page shell). On SQLite: a draft of 100 sections
//! (10 chapters × 10 paragraphs of about 80 words) with 1,000 comments; 16 concurrent
//! clients on loopback, in the same process as the server (they share its two cores, so the
//! figures are a floor). Measures the chapter view (10 paragraphs, 100 comments, rendered on
//! the server), the whole-draft view, posting comments, and the chapter page's gzipped size.
//! Where `wrk` (Debian's package) is installed, the two reading views are measured a second
//! time with it as the load generator: a separate process written in C, so the server is
//! measured rather than the Rust HTTP clients beside it (they still share the two cores).
//! Prints a Markdown table; `tests/benches/RESULTS.md` keeps the committed results.

#[expect(
    dead_code,
    reason = "the scale benchmark's PostgreSQL and memory helpers"
)]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use roundtable_app::domain::consultations;
use roundtable_app::domain::consultations::comments;
use roundtable_app::domain::consultations::drafts;
use roundtable_app::domain::consultations::phases;
use roundtable_app::model::comment::CommentFields;
use roundtable_app::model::consultation::ConsultationFields;
use roundtable_app::model::ids::{CouncilId, SectionId, VersionId};
use roundtable_app::model::viewer::Role;

use common::*;

const WORDS: &[&str] = &[
    "the",
    "state",
    "shall",
    "provide",
    "support",
    "to",
    "every",
    "person",
    "who",
    "needs",
    "housing",
    "health",
    "care",
    "legal",
    "advice",
    "without",
    "conditions",
    "and",
    "within",
    "a",
    "reasonable",
    "time",
    "service",
    "providers",
    "must",
    "inform",
    "people",
    "of",
    "their",
    "rights",
    "in",
    "a",
    "language",
    "they",
    "understand",
    "free",
    "of",
    "charge",
];

fn words(n: usize, seed: usize) -> String {
    (0..n)
        .map(|i| WORDS[(i * 7 + seed * 13) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// The draft: 10 chapters, each one article of 10 numbered paragraphs of ~80 words.
fn draft() -> String {
    let mut md = String::new();
    for ch in 1..=10 {
        md.push_str(&format!(
            "## Chapter {ch} – Part {ch}\n\n### Article {ch} – Rules {ch}\n\n"
        ));
        for p in 1..=10 {
            md.push_str(&format!("{p}. {}.\n", words(80, ch * 10 + p)));
        }
        md.push('\n');
    }
    md
}

fn main() {
    run(bench());
}

async fn bench() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The statements run, recorded only while one page is fetched (below) and printed.
    let recording = Arc::new(AtomicBool::new(false));
    let statements = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let observer: roundtable_server::QueryObserver = {
        let (statements, recording) = (Arc::clone(&statements), Arc::clone(&recording));
        Arc::new(move |info: &sea_orm::metric::Info<'_>| {
            if recording.load(Ordering::Relaxed) {
                let sql: String = info.statement.sql.chars().take(60).collect();
                statements.lock().expect("statements").push(sql);
            }
        })
    };
    let (state, base, _stop) = serve(dir.path(), Some(observer)).await;

    // Arrange: council, people, the draft, 1,000 comments.
    let council = CouncilId(
        roundtable_server::operator::create_council(
            &state,
            roundtable_server::operator::NewCouncil {
                slug: "bench".into(),
                name: "Bench".into(),
                country: "AT".into(),
                languages: vec!["en".into()],
                time_zone: "Europe/Vienna".into(),
                currency: "EUR".into(),
            },
        )
        .await
        .expect("council"),
    );
    allow_many_posts(&state, council).await;
    let staff = person(&state, council, 0, Role::Secretariat).await;
    let mut members = Vec::new();
    for n in 1..=40 {
        members.push(person(&state, council, n, Role::Member).await);
    }
    let staff_actor = actor(&state, staff, council).await;
    let id = consultations::details::create(
        &state.db,
        &staff_actor,
        &ConsultationFields {
            title: "Bench draft".into(),
            ..ConsultationFields::default()
        },
    )
    .await
    .expect("consultation");
    drafts::import_file(&state, &staff_actor, id, "draft.md", draft().as_bytes(), "")
        .await
        .expect("import");
    drafts::publish(&state, &staff_actor, id, "")
        .await
        .expect("publish");
    phases::open(&state, &staff_actor, id).await.expect("open");
    let version = consultations::store::latest_published(&state.db, id)
        .await
        .expect("q")
        .expect("v");
    let sections = consultations::store::sections_of(&state.db, VersionId(version.id))
        .await
        .expect("sections");
    let paragraphs: Vec<_> = sections.iter().filter(|s| s.kind == "paragraph").collect();
    assert_eq!(paragraphs.len(), 100, "100 paragraphs");
    let mut actors = Vec::new();
    for m in &members {
        actors.push(actor(&state, *m, council).await);
    }
    let seeding = Instant::now();
    for (i, p) in paragraphs.iter().enumerate() {
        for k in 0..10 {
            let attribution = ["named", "pseudonym", "anonymous"][(i + k) % 3];
            let fields = CommentFields {
                kind: "comment".into(),
                body: format!("**Point {k}.** {}", words(40, i * 10 + k)),
                attribution: attribution.into(),
                ..CommentFields::default()
            };
            comments::add(
                &state,
                &actors[(i * 10 + k) % actors.len()],
                id,
                Some(SectionId(p.id)),
                None,
                &fields,
            )
            .await
            .expect("comment");
        }
    }
    let seeded = seeding.elapsed();
    let chapter = sections
        .iter()
        .find(|s| s.depth == 0)
        .expect("chapter")
        .anchor
        .clone();
    // Each client reads as another member (each has their own view of the chapter).
    let mut readers = Vec::new();
    for m in members.iter().take(CLIENTS) {
        readers.push(cookie(&state, *m, council).await);
    }
    let reader = readers[0].clone();

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let get = |path: String| {
        let (client, readers, url) = (client.clone(), readers.clone(), format!("{base}{path}"));
        move |n: usize| {
            let reader = readers[n / 1_000_000 % readers.len()].clone();
            let (client, url) = (client.clone(), url.clone());
            async move {
                match client
                    .get(&url)
                    .header("cookie", &reader)
                    .header("accept", "text/html")
                    .send()
                    .await
                {
                    Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        }
    };
    let chapter_path = format!("/consultations/{id}/part/{chapter}");
    // The chapter page, compressed as a browser gets it.
    let page = client
        .get(format!("{base}{chapter_path}"))
        .header("cookie", &reader)
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let gzipped = page.bytes().await.expect("bytes").len();
    recording.store(true, Ordering::Relaxed);
    let plain = client
        .get(format!("{base}{chapter_path}"))
        .header("cookie", &reader)
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    // Background jobs may add one now and then; the figure is printed, not asserted (the
    // integration tests assert it).
    recording.store(false, Ordering::Relaxed);
    let run: Vec<String> = statements.lock().expect("statements").clone();
    // `ROUNDTABLE_BENCH_PAGE=file` keeps the chapter page, to look at what it sends.
    if let Ok(file) = std::env::var("ROUNDTABLE_BENCH_PAGE") {
        std::fs::write(file, &plain).expect("page written");
    }
    // Since issue 18 a chapter shows each section's five newest threads (the rest on the
    // section's own pages): 50 of its 100 comments.
    assert_eq!(
        plain.matches("class=\"comment depth-").count(),
        50,
        "the chapter page shows the five newest comments of each of its 10 sections"
    );

    // `ROUNDTABLE_BENCH_ONLY=chapter` (or `whole`, `post`) runs one row, e.g. under a profiler.
    let only = std::env::var("ROUNDTABLE_BENCH_ONLY").ok();
    let runs = |row: &str| only.as_deref().is_none_or(|o| o == row);
    let skipped = || Figures {
        rps: 0.0,
        p50: 0.0,
        p99: 0.0,
        failed: 0,
    };
    let chapter_figures = if runs("chapter") {
        load(get(chapter_path.clone())).await
    } else {
        skipped()
    };
    let whole_figures = if runs("whole") {
        load(get(format!("/consultations/{id}"))).await
    } else {
        skipped()
    };
    let poster = {
        let (client, url) = (client.clone(), format!("{base}/fn/comments/post"));
        let cookies: Vec<String> = {
            let mut v = Vec::new();
            for m in &members {
                v.push(cookie(&state, *m, council).await);
            }
            v
        };
        let section = paragraphs[0].id.to_string();
        let consultation = id.to_string();
        move |n: usize| {
            let (client, url) = (client.clone(), url.clone());
            let cookie = cookies[n % cookies.len()].clone();
            let (section, consultation) = (section.clone(), consultation.clone());
            async move {
                let body = format!("Benchmark comment {n}: {}", words(30, n));
                let form = [
                    ("consultation", consultation.as_str()),
                    ("section", section.as_str()),
                    ("fields[kind]", "comment"),
                    ("fields[body]", body.as_str()),
                    ("fields[attribution]", "named"),
                ];
                match client
                    .post(&url)
                    .header("cookie", cookie)
                    .header("accept", "application/json")
                    .header("origin", url.split("/fn/").next().unwrap_or_default())
                    .form(&form)
                    .send()
                    .await
                {
                    Ok(r) => r.status() == 200,
                    Err(_) => false,
                }
            }
        }
    };
    // wrk blocks; it runs off the runtime so both workers keep serving.
    let wrk_on = |path: String, row: &str| {
        let (url, readers, run) = (format!("{base}{path}"), readers.clone(), runs(row));
        tokio::task::spawn_blocking(move || if run { wrk(&url, &readers) } else { None })
    };
    eprintln!("[bench] wrk starts {:.1?} after start", since_start());
    let with_wrk = (
        wrk_on(chapter_path.clone(), "chapter").await.ok().flatten(),
        wrk_on(format!("/consultations/{id}"), "whole")
            .await
            .ok()
            .flatten(),
    );
    let post_figures = if runs("post") {
        load(poster).await
    } else {
        skipped()
    };

    println!("\n## Consultation benchmark (SQLite, {CLIENTS} clients, {RUN:?} per run)\n");
    println!("Seeded 1,000 comments through the domain in {seeded:.1?}.\n");
    println!("| what | requests/s | p50 ms | p99 ms | failed |");
    println!("|---|---:|---:|---:|---:|");
    for (what, f) in [
        (
            "chapter view (10 paragraphs, 100 comments)",
            &chapter_figures,
        ),
        ("whole draft (100 sections, comment counts)", &whole_figures),
        ("posting a comment", &post_figures),
    ] {
        println!(
            "| {what} | {:.0} | {:.1} | {:.1} | {} |",
            f.rps, f.p50, f.p99, f.failed
        );
    }
    for (what, f) in [
        ("chapter view, load from wrk", &with_wrk.0),
        ("whole draft, load from wrk", &with_wrk.1),
    ] {
        if let Some(f) = f {
            println!(
                "| {what} | {:.0} | {:.1} | {:.1} | {} |",
                f.rps, f.p50, f.p99, f.failed
            );
        }
    }
    println!(
        "\nChapter page: {gzipped} bytes gzipped ({} bytes uncompressed); {} SQL statements:\n{}",
        plain.len(),
        run.len(),
        run.iter()
            .map(|sql| format!("- `{sql}…`"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
