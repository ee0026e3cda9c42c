//! The code's layout holds (README, "Architecture"): dependencies between the domain's
//! capabilities run one way, and the UI and server-function layers neither touch the database
//! nor decide permissions. A plain scan of the source, so it needs no build of its own.

use std::path::{Path, PathBuf};

use crate::harness::workspace_root;

/// The domain's folders, bottom first, and what each may use besides itself.
const MAY_USE: &[(&str, &[&str])] = &[
    ("platform", &[]),
    ("identity", &["platform"]),
    ("consultations", &["platform", "identity"]),
    ("honoraria", &["platform", "identity"]),
    // Mentorship uses honoraria's public face (priced activities, `claims::log_linked`).
    ("mentorship", &["platform", "identity", "honoraria"]),
    (
        "accountability",
        &[
            "platform",
            "identity",
            "consultations",
            "honoraria",
            "mentorship",
        ],
    ),
    (
        "demo",
        &[
            "platform",
            "identity",
            "consultations",
            "honoraria",
            "mentorship",
            "accountability",
        ],
    ),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The file's code without `//` comments (doc links may name anything).
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("source file")
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn capabilities_depend_one_way() {
    let domain = workspace_root().join("app/src/domain");
    let mut problems = Vec::new();
    let capabilities: Vec<&str> = MAY_USE.iter().map(|(c, _)| *c).collect();
    for (capability, allowed) in MAY_USE {
        for file in rust_files(&domain.join(capability)) {
            let code = code_of(&file);
            for other in &capabilities {
                if other == capability || allowed.contains(other) {
                    continue;
                }
                if code.contains(&format!("domain::{other}")) {
                    problems.push(format!(
                        "{} ({capability}) uses {other}",
                        file.strip_prefix(&domain).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    // Every capability folder exists and says what it owns.
    for capability in [
        "platform",
        "identity",
        "consultations",
        "honoraria",
        "mentorship",
        "demo",
    ] {
        let face = domain.join(capability).join("mod.rs");
        let text = std::fs::read_to_string(&face).unwrap_or_default();
        if !text.starts_with("//!") {
            problems.push(format!("{capability}/mod.rs has no doc comment"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_ui_and_server_functions_leave_storage_and_rules_to_the_domain() {
    let app = workspace_root().join("app/src");
    let mut problems = Vec::new();
    // What only the domain may do: queries, tables, role checks. (Naming a role to label it
    // or to send it in a form is fine; testing whether someone holds one is a permission.)
    let forbidden = [
        "sea_orm",
        "::entities::",
        "has_role(",
        "is_staff_of(",
        "roles.contains(&Role::",
        "state.db.",
    ];
    for layer in ["api", "pages", "components"] {
        for file in rust_files(&app.join(layer)) {
            let code = code_of(&file);
            for word in forbidden {
                if code.contains(word) {
                    problems.push(format!(
                        "{} uses `{word}`",
                        file.strip_prefix(&app).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layout_check_sees_a_wrong_import() {
    // The scan must not pass vacuously: it finds the kind of line it forbids.
    let line = "use crate::domain::consultations::access;";
    assert!(line.contains("domain::consultations"));
    let domain = workspace_root().join("app/src/domain");
    assert!(
        rust_files(&domain.join("consultations")).len() > 10,
        "the scan reads the consultations folder"
    );
}

#[test]
fn every_textarea_goes_through_the_escaping_component() {
    // Leptos 0.8 writes a textarea's children raw; only `components::forms::TextArea` escapes.
    let app = workspace_root().join("app/src");
    let mut seen_component = false;
    let mut problems = Vec::new();
    for file in rust_files(&app) {
        let code = code_of(&file);
        let name = file
            .strip_prefix(&app)
            .unwrap_or(&file)
            .display()
            .to_string();
        if name == "components/forms.rs" {
            seen_component = code.contains("<textarea");
        } else if code.contains("<textarea") {
            problems.push(format!(
                "{name} writes <textarea> itself; use forms::TextArea"
            ));
        }
    }
    assert!(seen_component, "the component itself is found by the scan");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn ids_carry_no_time() {
    // A v7 id dates its row to the millisecond; ids reach pages, links and exports.
    let root = workspace_root();
    let mut problems = Vec::new();
    for dir in ["app/src", "server/src"] {
        for file in rust_files(&root.join(dir)) {
            if code_of(&file).contains("now_v7") {
                problems.push(format!(
                    "{} makes a time-ordered id; use db::new_id()",
                    file.display()
                ));
            }
        }
    }
    assert!(
        rust_files(&root.join("server/src")).len() > 3,
        "the scan reads the server"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
