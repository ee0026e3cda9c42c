//! The corpus tests: real, published drafts of the region's traditions, each with a spec
//! written by reading it (`tests/data/import-corpus`, whose README says how). Every failure of
//! every text is collected and compared with the committed list of known failures
//! (`snapshots/…corpus_failures.snap`): the importer is not done until that list is empty.
//!
//! `CORPUS_DUMP=<file name>` prints the tree read from one text, for writing specs
//! (`CORPUS_DUMP_CHARS=<n>`: how much of each body, 70 chars by default).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::anchors::number_key;
use super::text::normalise_ws;
use super::*;

/// Folders that must hold at least two texts each.
const TRADITIONS: &[&str] = &[
    "de", "en", "eu", "treaty", "us", "fr", "nl", "ru", "uk", "pl", "es", "it",
];

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    title: String,
    source: String,
    licence: String,
    file: String,
    tradition: String,
    previous: Option<String>,
    top: Vec<String>,
    #[serde(default)]
    unit: Vec<UnitCheck>,
    #[serde(default)]
    not_unit: Vec<NotUnit>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitCheck {
    path: Vec<String>,
    heading: Option<String>,
    children: Option<Vec<String>>,
    body_starts: Option<String>,
    /// How each of its tables (direct children, in order) starts: its first cells, with
    /// " | " between cells.
    tables: Option<Vec<String>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NotUnit {
    number: String,
    why: String,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/import-corpus")
}

/// Numbers compared as the README says: case, runs of whitespace and a final "." ignored,
/// "§232" = "§ 232".
fn norm(number: &str) -> String {
    let mut n = normalise_ws(number).to_lowercase();
    while n.ends_with('.') {
        n.pop();
    }
    n.replace("§ ", "§")
}

/// What a section is called in a spec: its number, or its heading when it has none.
fn label(s: &ParsedSection) -> String {
    if s.number.is_empty() {
        normalise_ws(&s.heading)
    } else {
        s.number.clone()
    }
}

/// The index of a unit's introductory text (its chapeau): its first child, when that is
/// an unnumbered paragraph standing before any numbered child.
fn chapeau(sections: &[ParsedSection], i: usize) -> Option<usize> {
    let first = all_children(sections, i).into_iter().next()?;
    sections
        .get(first)
        .is_some_and(|s| s.kind == SectionKind::Paragraph && s.number.is_empty())
        .then_some(first)
}

/// The children of section `i` as the README counts them: without its chapeau.
fn children(sections: &[ParsedSection], i: usize) -> Vec<usize> {
    let skip = chapeau(sections, i);
    all_children(sections, i)
        .into_iter()
        .filter(|c| Some(*c) != skip)
        .collect()
}

/// The indices of the direct children of section `i`.
fn all_children(sections: &[ParsedSection], i: usize) -> Vec<usize> {
    let Some(parent) = sections.get(i) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, s) in sections.iter().enumerate().skip(i + 1) {
        if s.depth <= parent.depth {
            break;
        }
        if s.depth == parent.depth + 1 {
            out.push(k);
        }
    }
    out
}

/// Follows a spec path: the first unit so numbered, then each next among the descendants.
fn find(sections: &[ParsedSection], path: &[String]) -> Result<usize, String> {
    let mut range = 0..sections.len();
    let mut found = None;
    for step in path {
        let want = norm(step);
        let hit = range.clone().find(|&k| {
            sections.get(k).is_some_and(|s| {
                norm(&s.number) == want || (s.number.is_empty() && norm(&s.heading) == want)
            })
        });
        let Some(k) = hit else {
            return Err(format!("no unit {step:?} at {path:?}"));
        };
        let depth = sections.get(k).map_or(0, |s| s.depth);
        let end = sections
            .iter()
            .enumerate()
            .skip(k + 1)
            .find(|(_, s)| s.depth <= depth)
            .map_or(sections.len(), |(e, _)| e);
        range = k + 1..end;
        found = Some(k);
    }
    found.ok_or_else(|| "empty path".to_owned())
}

fn read(dir: &Path, file: &str) -> Result<Imported, String> {
    let bytes = std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let format = Format::detect(file, &bytes);
    import_as(format, &bytes, &Limits::default(), None)
        .map_err(|e| format!("{file}: refused ({e})"))
}

fn dump(sections: &[ParsedSection]) -> String {
    let mut out = String::new();
    for s in sections {
        let chars = std::env::var("CORPUS_DUMP_CHARS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(70);
        let body: String = s.body.chars().take(chars).collect();
        out.push_str(&format!(
            "{}{} [{}] {:?} {:?} {:?} #{}\n",
            "  ".repeat(usize::try_from(s.depth).unwrap_or(0)),
            s.kind.code(),
            s.anchor,
            s.number,
            s.heading.chars().take(50).collect::<String>(),
            body,
            s.depth
        ));
    }
    out
}

/// Every check of one spec; failures are pushed to `failures`.
fn check_spec(dir: &Path, spec_path: &Path, failures: &mut Vec<String>) {
    let name = spec_path
        .strip_prefix(corpus_dir())
        .unwrap_or(spec_path)
        .display()
        .to_string();
    let mut fail = |msg: String| failures.push(format!("{name}: {msg}"));
    let spec: Spec = match std::fs::read_to_string(spec_path)
        .map_err(|e| e.to_string())
        .and_then(|t| toml::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(e) => return fail(format!("unreadable spec: {e}")),
    };
    for (what, value) in [
        ("title", &spec.title),
        ("source", &spec.source),
        ("licence", &spec.licence),
    ] {
        if value.trim().is_empty() {
            fail(format!("{what} is empty"));
        }
    }
    let imported = match read(dir, &spec.file) {
        Ok(i) => i,
        Err(e) => return fail(e),
    };
    let sections = &imported.sections;
    if std::env::var("CORPUS_DUMP").is_ok_and(|f| f == spec.file) {
        eprintln!("{}", dump(sections));
    }
    let tradition = imported.tradition;
    let found = tradition.map_or("none", Tradition::code);
    if found != spec.tradition {
        fail(format!(
            "read as tradition {found}, the spec says {}",
            spec.tradition
        ));
    }
    // The top level.
    let top: Vec<String> = sections
        .iter()
        .filter(|s| s.depth == 0 && s.kind != SectionKind::Text)
        .map(label)
        .collect();
    let want: Vec<String> = spec.top.iter().map(|t| norm(t)).collect();
    let got: Vec<String> = top.iter().map(|t| norm(t)).collect();
    if want != got {
        fail(format!("top level: want {want:?}\n  got {got:?}"));
    }
    for check in &spec.unit {
        let k = match find(sections, &check.path) {
            Ok(k) => k,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let Some(s) = sections.get(k) else { continue };
        if let Some(heading) = &check.heading
            && normalise_ws(heading) != s.heading
        {
            fail(format!(
                "{:?}: heading {:?}, want {heading:?}",
                check.path, s.heading
            ));
        }
        // A unit's text is its own body or, before its numbered units, its chapeau.
        let own = if s.body.is_empty() {
            chapeau(sections, k)
                .and_then(|c| sections.get(c))
                .map_or("", |c| c.body.as_str())
        } else {
            s.body.as_str()
        };
        if let Some(start) = &check.body_starts
            && !own.starts_with(&normalise_ws(start))
        {
            let body: String = own.chars().take(80).collect();
            fail(format!(
                "{:?}: body starts {body:?}, want {start:?}",
                check.path
            ));
        }
        if let Some(want) = &check.tables {
            let got: Vec<String> = all_children(sections, k)
                .into_iter()
                .filter_map(|c| sections.get(c))
                .filter(|c| c.kind == SectionKind::Table)
                .map(|c| c.body.replace('\t', " | ").replace('\n', " / "))
                .collect();
            let starts = got.len() == want.len()
                && got.iter().zip(want).all(|(g, w)| g.starts_with(w.as_str()));
            if !starts {
                fail(format!(
                    "{:?}: tables {got:?}, want ones starting {want:?}",
                    check.path
                ));
            }
        }
        if let Some(want) = &check.children {
            let got: Vec<String> = children(sections, k)
                .into_iter()
                .filter_map(|c| sections.get(c))
                .map(|c| norm(&c.number))
                .collect();
            let want: Vec<String> = want.iter().map(|w| norm(w)).collect();
            if got != want {
                fail(format!("{:?}: children {got:?}, want {want:?}", check.path));
            }
        }
    }
    for not in &spec.not_unit {
        if sections
            .iter()
            .any(|s| norm(&s.number) == norm(&not.number))
        {
            fail(format!("{:?} became a unit ({})", not.number, not.why));
        }
    }
    check_anchors(sections, tradition, &mut fail);
    check_insertion(sections, tradition, &mut fail);
    if let Some(previous) = &spec.previous {
        match read(dir, previous) {
            Ok(old) => check_carry(&old.sections, sections, tradition, &mut fail),
            Err(e) => fail(e),
        }
    }
}

/// Every numbered unit's anchor carries its number; no two anchors are equal.
fn check_anchors(
    sections: &[ParsedSection],
    tradition: Option<Tradition>,
    fail: &mut impl FnMut(String),
) {
    let mut seen = HashSet::new();
    for s in sections {
        if !is_valid_anchor(&s.anchor) || !seen.insert(s.anchor.as_str()) {
            fail(format!("anchor {:?} is malformed or used twice", s.anchor));
        }
        if s.number.is_empty() {
            continue;
        }
        let Some(key) = number_key(&s.number, tradition) else {
            fail(format!("{:?} has no number key", s.number));
            continue;
        };
        let slug = key.replace('.', "-");
        if !s.anchor.contains(&slug) {
            fail(format!(
                "anchor {:?} does not carry the number of {:?}",
                s.anchor, s.number
            ));
        }
    }
}

/// A later version with one unit inserted (after the middle article-level unit, at its
/// level) renames no other unit.
fn check_insertion(
    sections: &[ParsedSection],
    tradition: Option<Tradition>,
    fail: &mut impl FnMut(String),
) {
    let headings: Vec<usize> = sections
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            matches!(s.kind, SectionKind::Article | SectionKind::Section) && !s.number.is_empty()
        })
        .map(|(i, _)| i)
        .collect();
    let Some(&at) = headings.get(headings.len() / 2) else {
        return;
    };
    let Some(model) = sections.get(at) else {
        return;
    };
    let previous: Vec<PreviousSection> = sections.iter().map(PreviousSection::from).collect();
    let end = sections
        .iter()
        .enumerate()
        .skip(at + 1)
        .find(|(_, s)| s.depth <= model.depth)
        .map_or(sections.len(), |(e, _)| e);
    let mut new: Vec<ParsedSection> = sections.to_vec();
    let inserted = ParsedSection {
        depth: model.depth,
        kind: model.kind,
        number: format!("{}zz", model.number.trim_end_matches('.')),
        heading: "Inserted for the test".to_owned(),
        body: "A unit that was not there before.".to_owned(),
        anchor: String::new(),
    };
    new.insert(end, inserted);
    for s in &mut new {
        s.anchor.clear();
    }
    carry_anchors(&mut new, &previous, tradition);
    let mut moved = 0;
    for (k, s) in new.iter().enumerate() {
        if k == end {
            continue;
        }
        let original = if k < end {
            sections.get(k)
        } else {
            sections.get(k - 1)
        };
        if original.is_some_and(|o| o.anchor != s.anchor) {
            moved += 1;
        }
    }
    if moved > 0 {
        fail(format!("inserting one unit renamed {moved} others"));
    }
}

/// Between two real versions, every unit whose number, heading and text are unchanged (and
/// unique) keeps its anchor.
fn check_carry(
    old: &[ParsedSection],
    new: &[ParsedSection],
    tradition: Option<Tradition>,
    fail: &mut impl FnMut(String),
) {
    let previous: Vec<PreviousSection> = old.iter().map(PreviousSection::from).collect();
    let mut carried = new.to_vec();
    carry_anchors(&mut carried, &previous, tradition);
    let key = |s: &ParsedSection| (s.kind, s.number.clone(), s.heading.clone(), s.body.clone());
    let mut old_count: HashMap<_, (usize, &str)> = HashMap::new();
    for s in old {
        let e = old_count.entry(key(s)).or_insert((0, s.anchor.as_str()));
        e.0 += 1;
    }
    let mut new_count: HashMap<_, usize> = HashMap::new();
    for s in &carried {
        *new_count.entry(key(s)).or_insert(0) += 1;
    }
    let mut lost = Vec::new();
    for s in &carried {
        let k = key(s);
        if new_count.get(&k) != Some(&1) {
            continue;
        }
        if let Some(&(1, anchor)) = old_count.get(&k)
            && anchor != s.anchor
        {
            lost.push(format!(
                "{} {:?}: {anchor} → {}",
                s.number, s.heading, s.anchor
            ));
        }
    }
    if !lost.is_empty() {
        fail(format!(
            "{} unchanged units lost their anchors: {:?}",
            lost.len(),
            lost.iter().take(5).collect::<Vec<_>>()
        ));
    }
}

#[test]
fn every_corpus_text_reads_as_its_spec_says() {
    let root = corpus_dir();
    let mut failures = Vec::new();
    let mut per_folder: HashMap<String, usize> = HashMap::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("the corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for dir in folders {
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("a corpus folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        specs.sort();
        for spec in &specs {
            check_spec(&dir, spec, &mut failures);
        }
        if !dir.join("SOURCES.md").is_file() {
            failures.push(format!("{folder}: no SOURCES.md"));
        }
        per_folder.insert(folder, specs.len());
    }
    for folder in TRADITIONS {
        let n = per_folder.get(*folder).copied().unwrap_or(0);
        if n < 2 {
            failures.push(format!("{folder}: {n} texts, at least 2 wanted"));
        }
    }
    // What the importer does not yet read as the specs say, one line per check. The list is
    // a snapshot so that any change shows: a check that starts to fail is a regression, one
    // that starts to pass shrinks the list (`cargo insta review`). The goal is an empty list.
    let report = format!(
        "{} corpus failures\n{}",
        failures.len(),
        failures.join("\n")
    );
    insta::assert_snapshot!("corpus_failures", report);
}
