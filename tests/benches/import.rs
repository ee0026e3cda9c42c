//! Benchmark of the draft importer (issue 17's acceptance: a 500 KB statute in under 1 s in a
//! release build, with memory proportional to the input).
//!
//! `cargo bench -p roundtable-app --features ssr --bench import` (release profile; declared in
//! `app/Cargo.toml`, as it needs nothing but the app crate). Reads real texts of the
//! import corpus (`tests/data/import-corpus`): the whole German Code of Criminal Procedure
//! (684 KB of Markdown), the same cut to its first 125, 250 and 500 KB, the GDPR as plain text
//! extracted from a PDF (both its versions) and a Polish code as plain text. Each is imported
//! `RUNS` times in this process, one after the other, on one core; the median and the slowest
//! run are reported. Memory: each text is imported in a child process of its own (this binary,
//! run again), which reads its resident memory before the first import and its peak (VmHWM,
//! reset through `/proc/self/clear_refs` just before) after it; the growth is divided by the
//! input's size.
//! Prints a Markdown table; `tests/benches/RESULTS-import.md` keeps the committed results.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use roundtable_app::domain::consultations::import::{Format, Limits, import_as};

const RUNS: usize = 15;

fn corpus(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/import-corpus")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first `bytes` of a text, cut at the end of a line.
fn cut(text: &[u8], bytes: usize) -> Vec<u8> {
    let end = text
        .iter()
        .skip(bytes)
        .position(|&b| b == b'\n')
        .map_or(text.len(), |p| bytes + p + 1);
    text.get(..end).unwrap_or(text).to_vec()
}

struct Row {
    name: String,
    bytes: usize,
    sections: usize,
    median: Duration,
    slowest: Duration,
    peak: usize,
}

/// A figure of `/proc/self/status` ("VmHWM:", "VmRSS:"), in bytes.
fn status_bytes(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse::<usize>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// In the child: imports one text, prints "sections median_ns slowest_ns peak_bytes".
fn child(file: &str, kb: usize) {
    let whole = corpus(file);
    let bytes = if kb == 0 {
        whole
    } else {
        cut(&whole, kb * 1024)
    };
    let format = Format::detect(file, &bytes);
    let limits = Limits::default();
    let before = status_bytes("VmRSS:");
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    assert!(reset, "/proc/self/clear_refs is needed to measure the peak");
    let first = import_as(format, &bytes, &limits, None).expect("the text imports");
    let peak = status_bytes("VmHWM:").saturating_sub(before);
    let sections = first.sections.len();
    drop(first);
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let imported = import_as(format, &bytes, &limits, None).expect("the text imports");
        times.push(start.elapsed());
        assert_eq!(
            imported.sections.len(),
            sections,
            "the same text, the same tree"
        );
    }
    times.sort();
    let median = times.get(RUNS / 2).copied().unwrap_or_default();
    let slowest = times.last().copied().unwrap_or_default();
    println!(
        "{} {} {} {} {}",
        bytes.len(),
        sections,
        median.as_nanos(),
        slowest.as_nanos(),
        peak
    );
}

fn measure(name: &str, file: &str, kb: usize) -> Row {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = std::process::Command::new(exe)
        .args(["--one", file, &kb.to_string()])
        .output()
        .expect("the child runs");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let figures: Vec<u128> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [bytes, sections, median, slowest, peak] = figures[..] else {
        panic!("{name}: the child printed {text:?}");
    };
    let int = |v: u128| usize::try_from(v).unwrap_or(usize::MAX);
    let nanos = |v: u128| Duration::from_nanos(u64::try_from(v).unwrap_or(u64::MAX));
    Row {
        name: name.to_owned(),
        bytes: int(bytes),
        sections: int(sections),
        median: nanos(median),
        slowest: nanos(slowest),
        peak: int(peak),
    }
}

fn main() {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with `cargo bench` (release profile) for figures");
    }
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, file, kb] = &args[..]
        && flag == "--one"
    {
        return child(file, kb.parse().unwrap_or(0));
    }
    let mut rows = Vec::new();
    for kb in [125, 250, 500] {
        rows.push(measure(
            &format!("StPO, first {kb} KB (Markdown)"),
            "de/large-stpo.md",
            kb,
        ));
    }
    rows.push(measure("StPO, whole (Markdown)", "de/large-stpo.md", 0));
    for (name, file) in [
        (
            "GDPR, Council text (PDF plain text)",
            "eu/council-5419-16-gdpr.txt",
        ),
        (
            "GDPR, Official Journal (plain text)",
            "eu/gdpr-2016-679.txt",
        ),
        (
            "Polish Criminal Code (plain text)",
            "pl/kodeks-karny-1997.txt",
        ),
    ] {
        rows.push(measure(name, file, 0));
    }
    println!(
        "| Text | Size | Sections | Median | Slowest of {RUNS} | Peak resident growth | Growth / size |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.0} KB | {} | {:.1} ms | {:.1} ms | {:.1} MiB | {:.1}× |",
            r.name,
            r.bytes as f64 / 1024.0,
            r.sections,
            r.median.as_secs_f64() * 1000.0,
            r.slowest.as_secs_f64() * 1000.0,
            r.peak as f64 / (1024.0 * 1024.0),
            r.peak as f64 / r.bytes as f64,
        );
    }
    let slow: Vec<&Row> = rows
        .iter()
        .filter(|r| r.bytes >= 500 * 1024 && r.slowest >= Duration::from_secs(1))
        .collect();
    assert!(
        slow.is_empty(),
        "a text of 500 KB or more took a second or longer: {:?}",
        slow.iter().map(|r| &r.name).collect::<Vec<_>>()
    );
}
