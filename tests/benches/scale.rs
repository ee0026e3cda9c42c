//! Consultations at scale (issue 18's acceptance figures), on SQLite and PostgreSQL.
//!
//! `cargo bench -p roundtable-tests --bench scale` (release profile; needs the site built by
//! `cargo leptos build` for the page shell). A draft of 100 paragraphs (10 chapters of 10)
//! with 20,000 comments seeded through the domain: 2,000 on the first paragraph, 500 of them
//! near-identical campaign comments, the rest spread over the other 99. The pages are then
//! served by the release server binary as a process of its own on that database
//! (`ROUNDTABLE_SERVER_BIN`, by default `$CARGO_TARGET_DIR/release/roundtable`: build it with
//! `cargo build --release -p roundtable-server` first), so that its memory is its own.
//! Measures, with 16 concurrent clients on loopback (they share the machine's two cores with
//! the server): the chapter holding the flooded paragraph, the secretariat's answer queue,
//! answering the campaign group of 500 in one step (the chapter and the queue a second time
//! with `wrk` as the 16 clients where Debian's package is installed, as in the consultation
//! benchmark), and then the outcome CSV and print view of 100,000 comments streamed (80,000
//! more written straight to the table for them) and a page of the report. The server's peak
//! memory is read from `/proc/<pid>/status` (VmHWM) for the whole run and, reset before
//! them, for the exports. `ROUNDTABLE_BENCH_DB=sqlite`
//! (or `postgres`) runs one database. Prints Markdown; `tests/benches/RESULTS-scale.md` keeps
//! the results.

#[expect(
    dead_code,
    reason = "the SQL recorder and some helpers belong to the other benchmarks"
)]
mod common;

use std::time::Instant;

use roundtable_app::domain::consultations;
use roundtable_app::domain::consultations::comments;
use roundtable_app::domain::consultations::drafts;
use roundtable_app::domain::consultations::phases;
use roundtable_app::model::comment::CommentFields;
use roundtable_app::model::consultation::ConsultationFields;
use roundtable_app::model::ids::{ConsultationId, CouncilId, SectionId, VersionId};
use roundtable_app::model::viewer::Role;

use common::*;

/// `ROUNDTABLE_BENCH_SEED=tenth` seeds a tenth of the comments (2,000 through the domain,
/// 8,000 more for the exports), for quicker profiling runs; the acceptance figures come from
/// the full seed, and the printed results say which ran.
fn share() -> usize {
    if std::env::var("ROUNDTABLE_BENCH_SEED").is_ok_and(|v| v == "tenth") {
        10
    } else {
        1
    }
}

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
    "language",
    "they",
    "understand",
    "free",
    "charge",
    "shelter",
    "interpreter",
    "residence",
    "permit",
    "compensation",
    "police",
    "report",
    "reflection",
    "period",
    "trust",
];

/// `n` words, different for every `seed` (so that comments are not near-identical).
fn words(n: usize, seed: usize) -> String {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[x % WORDS.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn draft() -> String {
    let mut md = String::new();
    for ch in 1..=10 {
        md.push_str(&format!(
            "## Chapter {ch} – Part {ch}\n\n### Article {ch} – Rules {ch}\n\n"
        ));
        for p in 1..=10 {
            md.push_str(&format!("{p}. {}.\n", words(60, ch * 10 + p)));
        }
        md.push('\n');
    }
    md
}

const CAMPAIGN: &str = "We ask the Ministry to remove the obligation to report to the police \
    before any assistance is given. Victims must receive support unconditionally, and the \
    reflection period of at least thirty days must be respected in every case.";

fn main() {
    run(bench());
}

/// The release server binary serving the bench's database, as a process of its own.
struct ServerProcess {
    child: std::process::Child,
    base: String,
}

impl ServerProcess {
    fn start(dir: &std::path::Path, database_url: Option<&str>) -> Self {
        use std::io::{BufRead as _, BufReader};
        let bin = std::env::var("ROUNDTABLE_SERVER_BIN").unwrap_or_else(|_| {
            let target = std::env::var("CARGO_TARGET_DIR")
                .unwrap_or_else(|_| format!("{}/../target", env!("CARGO_MANIFEST_DIR")));
            format!("{target}/release/roundtable")
        });
        assert!(
            std::path::Path::new(&bin).exists(),
            "no server binary at {bin}: cargo build --release -p roundtable-server"
        );
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
        let site =
            std::env::var("ROUNDTABLE_SITE_ROOT").unwrap_or_else(|_| root.display().to_string());
        let url = database_url.map_or_else(
            || format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
            str::to_owned,
        );
        let mut child = std::process::Command::new(&bin)
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", url)
            .env("ROUNDTABLE_KEY_FILE", dir.join("secret.key"))
            .env("ROUNDTABLE_MAIL_DIR", dir.join("mail"))
            .env("ROUNDTABLE_SITE_ROOT", site)
            .env("ROUNDTABLE_LISTEN", "127.0.0.1:0")
            .envs(std::env::vars().filter(|(k, _)| k.contains("MALLOC_")))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("the server's first line");
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("the server's address")
            .trim_end_matches(['/', '.'])
            .to_owned();
        Self { child, base }
    }

    /// Resident memory now: (total, anonymous, file-backed), MB.
    fn resident(&self) -> (f64, f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1024.0
        };
        (field("VmRSS:"), field("RssAnon:"), field("RssFile:"))
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn bench() {
    let only = std::env::var("ROUNDTABLE_BENCH_DB").ok();
    println!("\n## Consultations at scale ({CLIENTS} clients, {RUN:?} per run)\n");
    for db in ["sqlite", "postgres"] {
        if only.as_deref().is_some_and(|o| o != db) {
            continue;
        }
        let url = if db == "postgres" {
            match fresh_postgres().await {
                Some(url) => Some(url),
                None => {
                    println!("PostgreSQL: no server on this machine, not measured.\n");
                    continue;
                }
            }
        } else {
            None
        };
        scenario(db, url.as_deref()).await;
    }
}

async fn get_size(client: &reqwest::Client, url: &str, cookie: &str) -> (u16, usize, usize) {
    let zipped = client
        .get(url)
        .header("cookie", cookie)
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    let status = zipped.status().as_u16();
    let gz = zipped.bytes().await.expect("bytes").len();
    let plain = client
        .get(url)
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .bytes()
        .await
        .expect("bytes")
        .len();
    (status, gz, plain)
}

#[expect(clippy::too_many_lines, reason = "one scenario, told in order")]
async fn scenario(db: &str, url: Option<&str>) {
    let dir = tempfile::tempdir().expect("temp dir");
    // The in-process server only arranges the data (through the domain); the pages are
    // served by the server process started after the seeding.
    let (state, _seeding_base, _stop) = serve_on(dir.path(), None, url).await;
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
    for n in 1..=60 {
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

    // 20,000 comments through the domain, four writers at a time.
    let seeding = Instant::now();
    let plan: Vec<(usize, usize)> = (0..20_000 / share())
        .map(|n| {
            // The first 2,000 on paragraph 0, the rest spread over the other 99.
            if n < 2_000 / share() {
                (n, 0)
            } else {
                (n, 1 + n % 99)
            }
        })
        .collect();
    let mut tasks = Vec::new();
    for part in plan.chunks(5_000 / share()) {
        let part = part.to_vec();
        let (state, actors) = (state.clone(), actors.clone());
        let paragraphs: Vec<SectionId> = paragraphs.iter().map(|p| SectionId(p.id)).collect();
        tasks.push(tokio::spawn(async move {
            for (n, p) in part {
                let attribution = ["named", "pseudonym", "anonymous"][n % 3];
                let body = if p == 0 && n % 4 == 0 {
                    // 500 campaign comments, some with a word of their own.
                    if n % 8 == 0 {
                        CAMPAIGN.to_owned()
                    } else {
                        format!("Dear Ministry. {CAMPAIGN}")
                    }
                } else {
                    format!("Point {n}. {}", words(40, n))
                };
                let fields = CommentFields {
                    kind: "comment".into(),
                    body,
                    attribution: attribution.into(),
                    ..CommentFields::default()
                };
                comments::add(
                    &state,
                    &actors[n % actors.len()],
                    id,
                    Some(paragraphs[p]),
                    None,
                    &fields,
                )
                .await
                .expect("comment");
            }
        }));
    }
    // PostgreSQL as CI configures it here runs without autovacuum (`autovacuum = off` in
    // /etc/postgresql/*/main/conf.d/90-ci.conf), so its planner would see tables it never
    // analysed: the band look-up of `groups::place` then read about 30,000 index entries
    // instead of 16 (40-180 ms, under the consultation's revision lock, so posting ran at
    // 10 posts/s). Production PostgreSQL analyses a table once a tenth of it changed, at
    // most once a minute; the seeding analyses every 30 seconds in its stead, and once
    // after.
    let analysing = url.is_some().then(|| {
        let db = state.db.clone();
        tokio::spawn(async move {
            use sea_orm::ConnectionTrait as _;
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                db.execute_unprepared("ANALYZE").await.expect("analyse");
            }
        })
    });
    for t in tasks {
        t.await.expect("seeding");
    }
    if let Some(task) = analysing {
        // And vacuums once, as autovacuum would have many times: each post moves the
        // consultation's revision, and 120,000 unvacuumed versions of that one row made its
        // look-up (one of a kept chapter's statements) read 11 pages instead of 2.
        use sea_orm::ConnectionTrait as _;
        task.abort();
        state
            .db
            .execute_unprepared("VACUUM ANALYZE")
            .await
            .expect("vacuum");
    }
    let seeded = seeding.elapsed();
    let chapter = sections
        .iter()
        .find(|s| s.depth == 0)
        .expect("chapter")
        .anchor
        .clone();
    let mut readers = Vec::new();
    for m in members.iter().take(CLIENTS) {
        readers.push(cookie(&state, *m, council).await);
    }
    let staff_cookie = cookie(&state, staff, council).await;
    let server = ServerProcess::start(dir.path(), url);
    let base = server.base.clone();
    let pid = server.pid();
    let mut resident = vec![("started", server.resident())];
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let get = |path: String, cookies: Vec<String>| {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        move |n: usize| {
            let cookie = cookies[n / 1_000_000 % cookies.len()].clone();
            let (client, url) = (client.clone(), url.clone());
            async move {
                match client
                    .get(&url)
                    .header("cookie", &cookie)
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
    let (status, chapter_gz, chapter_plain) =
        get_size(&client, &format!("{base}{chapter_path}"), &readers[0]).await;
    assert_eq!(status, 200);
    let chapter_figures = load(get(chapter_path.clone(), readers.clone())).await;
    // The same page with wrk (Debian's package) as the 16 clients where it is installed: a
    // separate process written in C, so the server is measured rather than the Rust HTTP
    // clients beside it (both share the two cores with the server and the database).
    let wrk_on = |path: String, cookies: Vec<String>| {
        let url = format!("{base}{path}");
        tokio::task::spawn_blocking(move || wrk(&url, &cookies))
    };
    let chapter_wrk = wrk_on(chapter_path.clone(), readers.clone())
        .await
        .ok()
        .flatten();
    // The same page rendered in its frame every time (the chapter itself still kept): an
    // address with a query (here one the page ignores) is never sent as a kept page. Measured
    // in the same run, so the difference is the kept page's.
    let framed_wrk = wrk_on(format!("{chapter_path}?framed"), readers.clone())
        .await
        .ok()
        .flatten();
    resident.push(("after the chapter's load", server.resident()));
    let queue_path = format!("/consultations/{id}/answers");
    let (status, queue_gz, queue_plain) =
        get_size(&client, &format!("{base}{queue_path}"), &staff_cookie).await;
    assert_eq!(status, 200);
    let queue_figures = load(get(queue_path.clone(), vec![staff_cookie.clone()])).await;
    let queue_wrk = wrk_on(queue_path.clone(), vec![staff_cookie.clone()])
        .await
        .ok()
        .flatten();
    // A secretariat of two, working through the queue at once.
    let queue_two = load_with(2, get(queue_path, vec![staff_cookie.clone()])).await;
    resident.push(("after the queue's load", server.resident()));
    let section_path = format!(
        "/consultations/{id}/comments/{}?page={}",
        paragraphs[0].anchor,
        50 / share()
    );
    let (status, section_gz, _) =
        get_size(&client, &format!("{base}{section_path}"), &readers[0]).await;
    assert_eq!(status, 200, "page 50 of the flooded paragraph's comments");

    // The same page through the domain alone (no rendering, one client), for comparison:
    // once to keep the aggregates (the server process keeps its own), then timed.
    let mut started = Instant::now();
    for n in 0..6 {
        if n == 1 {
            started = Instant::now();
        }
        consultations::queue::page(
            &state,
            &staff_actor,
            id,
            &roundtable_app::model::comment::QueueFilter::default(),
        )
        .await
        .expect("queue");
    }
    let queue_domain = started.elapsed() / 5;

    // The campaign group, answered in one step.
    let queue = consultations::queue::page(
        &state,
        &staff_actor,
        id,
        &roundtable_app::model::comment::QueueFilter {
            sort: "largest".into(),
            ..Default::default()
        },
    )
    .await
    .expect("queue");
    let group = queue.items.first().expect("the largest item");
    let group_size = group.size;
    let key = group.group.expect("a group").to_string();
    let started = Instant::now();
    let answered = client
        .post(format!("{base}/fn/comments/answer-group"))
        .header("cookie", &staff_cookie)
        .header("accept", "application/json")
        .header("origin", base.as_str())
        .form(&[
            ("consultation", id.to_string().as_str()),
            ("item", key.as_str()),
            ("fields[decision]", "partly_accepted"),
            (
                "fields[explanation]",
                "Support stays unconditional; the period stays as drafted.",
            ),
        ])
        .send()
        .await
        .expect("answer");
    let group_time = started.elapsed();
    assert_eq!(answered.status(), 200, "the group is answered");
    let peak_run = peak_memory_mb_of(&pid);
    resident.push(("after the group's answer", server.resident()));

    // 80,000 more comments straight into the table, then the CSV of all 100,000 streamed.
    let writing = Instant::now();
    extra_comments(
        &state,
        id,
        &paragraphs
            .iter()
            .map(|p| (p.id, p.anchor.clone()))
            .collect::<Vec<_>>(),
        80_000 / share(),
    )
    .await;
    let wrote = writing.elapsed();
    if url.is_some() {
        // As autovacuum would after a fifth of the table was written (see the seeding).
        use sea_orm::ConnectionTrait as _;
        state
            .db
            .execute_unprepared("VACUUM ANALYZE")
            .await
            .expect("vacuum");
    }
    phases::close(&state.db, &staff_actor, id)
        .await
        .expect("close");
    reset_peak_memory_of(&pid);
    let before_export = peak_memory_mb_of(&pid);
    let started = Instant::now();
    let mut csv = client
        .get(format!("{base}/consultations/{id}/outcome.csv"))
        .header("cookie", &staff_cookie)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(chunk) = csv.chunk().await.expect("chunk") {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let export_time = started.elapsed();
    let peak_export = peak_memory_mb_of(&pid);
    // The print view of the same 100,000, streamed too; then a page of the report.
    reset_peak_memory_of(&pid);
    let started = Instant::now();
    let mut print = client
        .get(format!("{base}/consultations/{id}/outcome/print"))
        .header("cookie", &staff_cookie)
        .send()
        .await
        .expect("print");
    assert_eq!(print.status(), 200);
    const ITEM: &[u8] = b"class=\"report__comment\"";
    let (mut print_bytes, mut print_items) = (0usize, 0usize);
    // The end of the previous chunk, shorter than ITEM: no match lies inside it alone.
    let mut carry: Vec<u8> = Vec::new();
    while let Some(chunk) = print.chunk().await.expect("chunk") {
        print_bytes += chunk.len();
        carry.extend_from_slice(&chunk);
        print_items += carry.windows(ITEM.len()).filter(|w| *w == ITEM).count();
        let keep = carry.len().saturating_sub(ITEM.len() - 1);
        carry.drain(..keep);
    }
    assert!(carry.ends_with(b"</html>"), "the print view ends whole");
    let print_time = started.elapsed();
    let peak_print = peak_memory_mb_of(&pid);
    // Page 1,000 of 1,000 (page 50 of 100 with a tenth of the comments).
    let report_page = if share() > 1 { 50 } else { 1_000 };
    let report_path = format!("/consultations/{id}/outcome?page={report_page}");
    let (status, report_gz, report_plain) =
        get_size(&client, &format!("{base}{report_path}"), &staff_cookie).await;
    assert_eq!(status, 200);
    let report_figures = load(get(report_path, vec![staff_cookie.clone()])).await;
    let mut started = Instant::now();
    for n in 0..6 {
        // The first keeps the counts and figures (as the server process has), the rest are timed.
        if n == 1 {
            started = Instant::now();
        }
        consultations::outcome::ReportReader::open(&state, &staff_actor, id)
            .await
            .expect("report")
            .page(report_page)
            .await
            .expect("page");
    }
    let report_domain = started.elapsed() / 5;

    println!("### {db}\n");
    if share() > 1 {
        println!(
            "**A tenth of the comments (`ROUNDTABLE_BENCH_SEED=tenth`): for profiling, not the acceptance figures.**\n"
        );
    }
    println!(
        "Seeded {} comments through the domain in {seeded:.1?}; {} more written to the table in {wrote:.1?}.\n",
        plan.len(),
        80_000 / share()
    );
    println!("| what | target | requests/s | p50 ms | p99 ms | failed | gzipped (plain) |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    println!(
        "| chapter with the paragraph of 2,000 comments | ≥ 2,000 rps, p99 < 50 ms, ≤ 60 KB gz | {:.0} | {:.1} | {:.1} | {} | {chapter_gz} B ({chapter_plain} B) |",
        chapter_figures.rps, chapter_figures.p50, chapter_figures.p99, chapter_figures.failed
    );
    println!(
        "| answer queue, first page | p99 < 50 ms, ≤ 100 KB gz | {:.0} | {:.1} | {:.1} | {} | {queue_gz} B ({queue_plain} B) |",
        queue_figures.rps, queue_figures.p50, queue_figures.p99, queue_figures.failed
    );
    let wrk_row = |what: &str, figures: &Option<Figures>| match figures {
        Some(f) => println!(
            "| {what}, load from wrk (16 connections) | same | {:.0} | {:.1} | {:.1} | {} | |",
            f.rps, f.p50, f.p99, f.failed
        ),
        None => println!("| {what}, load from wrk | same | wrk not installed | | | | |"),
    };
    wrk_row("chapter", &chapter_wrk);
    wrk_row(
        "chapter rendered in its frame every time (`?framed`, for comparison)",
        &framed_wrk,
    );
    wrk_row("answer queue", &queue_wrk);
    println!(
        "| answer queue, first page, 2 clients (a secretariat of two) | p99 < 50 ms | {:.0} | {:.1} | {:.1} | {} | |",
        queue_two.rps, queue_two.p50, queue_two.p99, queue_two.failed
    );
    println!(
        "\nThe queue's first page read through the domain alone (one caller, no rendering): {queue_domain:.1?}; the report's page 1,000: {report_domain:.1?}."
    );
    println!("\nPage 50 of the flooded paragraph's comments: {section_gz} B gzipped.");
    println!(
        "\nThe campaign group ({group_size} comments) answered in one step: {group_time:.2?} (target < 2 s)."
    );
    println!(
        "\nCSV of the 100,000 comments: {lines} lines, {:.1} MB, streamed in {export_time:.1?}.",
        bytes as f64 / 1_000_000.0
    );
    println!(
        "\nPrint view of the 100,000 comments: {print_items} comments, {:.1} MB, streamed in {print_time:.1?}; peak memory {peak_print:.0} MB.",
        print_bytes as f64 / 1_000_000.0
    );
    println!(
        "\nThe report as a page (page 1,000 of the 100,000 comments): {:.0} requests/s, p99 {:.1} ms, {} failed, {report_gz} B gzipped ({report_plain} B).",
        report_figures.rps, report_figures.p99, report_figures.failed
    );
    println!(
        "\nPeak memory of the server process: {peak_run:.0} MB through the load and the group's answer; {peak_export:.0} MB during the CSV export (from {before_export:.0} MB at its start); {peak_print:.0} MB during the print view. Target: under 150 MB.\n"
    );
    let report_end = peak_memory_mb_of(&pid);
    println!("Server peak after the report's pages: {report_end:.0} MB.\n");
    resident.push(("at the end", server.resident()));
    println!(
        "| server resident memory | total MB | anonymous MB | file MB |\n|---|---:|---:|---:|"
    );
    for (when, (total, anon, file)) in &resident {
        println!("| {when} | {total:.0} | {anon:.0} | {file:.0} |");
    }
    println!();
    drop(server);
}

/// Writes `n` visible comments spread over `sections` straight into the table (arranging the
/// export's data: the domain's posting path is measured above).
async fn extra_comments(
    state: &roundtable_app::domain::AppState,
    consultation: ConsultationId,
    sections: &[(uuid::Uuid, String)],
    n: usize,
) {
    use roundtable_app::domain::consultations::entities::comment;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let now = chrono::Utc::now() - chrono::Duration::days(1);
    for start in (0..n).step_by(500) {
        let rows =
            (start..(start + 500).min(n)).map(|k| {
                let (section, anchor) = &sections[k % sections.len()];
                let id = uuid::Uuid::new_v4();
                let body = format!("Archived point {k}. {}", words(40, k + 1_000_000));
                comment::ActiveModel {
                    id: Set(id),
                    consultation_id: Set(consultation.0),
                    section_id: Set(*section),
                    anchor: Set(anchor.clone()),
                    version_number: Set(1),
                    parent_id: Set(None),
                    kind: Set("comment".into()),
                    search_text: Set(roundtable_app::domain::consultations::queue::search_text(
                        &body, None,
                    )),
                    body: Set(body),
                    body_html: Set(format!("<p>Archived point {k}.</p>")),
                    quote: Set(None),
                    proposal: Set(None),
                    attribution: Set("anonymous".into()),
                    author_id: Set(None),
                    author_sealed: Set(String::new()),
                    author_tag: Set(String::new()),
                    pseudonym: Set(None),
                    status: Set("visible".into()),
                    hidden_reason: Set(None),
                    hidden_note: Set(None),
                    hidden_at: Set(None),
                    created_at: Set(
                        now + chrono::Duration::milliseconds(i64::try_from(k).unwrap_or(0))
                    ),
                    updated_at: Set(now),
                    withdrawn_at: Set(None),
                    thread_id: Set(Some(id)),
                    group_id: Set(None),
                    fingerprint: Set(None),
                }
            });
        comment::Entity::insert_many(rows)
            .exec_without_returning(&state.db)
            .await
            .expect("comments");
    }
}
