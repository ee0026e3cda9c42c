//! Starting the real binary: bad configuration stops it with one clear line.

use std::path::PathBuf;
use std::process::Command;

use crate::helpers::{in_ci, workspace_root};

fn binary() -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let path = target.join("debug/roundtable");
    if path.exists() {
        return Some(path);
    }
    assert!(
        !in_ci(),
        "{} is missing and CI=true: build it first (make test does)",
        path.display()
    );
    eprintln!(
        "\n!!! SKIPPING: {} not built (run `cargo leptos build`) !!!\n",
        path.display()
    );
    None
}

#[test]
fn bad_configuration_stops_with_one_line_naming_the_setting() {
    let Some(bin) = binary() else { return };
    for (name, value) in [
        ("ROUNDTABLE_LISTEN", "not-an-address"),
        ("DATABASE_URL", "mysql://nope"),
        ("ROUNDTABLE_SMTP_URL", "http://not-smtp"),
        ("ROUNDTABLE_DEMO", "perhaps"),
    ] {
        let out = Command::new(&bin)
            .arg("serve")
            .env_clear()
            .env(name, value)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "one line for {name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("roundtable: configuration error: {name}: ")),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn unreachable_database_is_one_clear_line() {
    let Some(bin) = binary() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(&bin)
        .arg("migrate")
        .env_clear()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("ROUNDTABLE_KEY_FILE", dir.path().join("k"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("roundtable: database error: cannot connect to the database"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn migrate_and_seed_demo_commands_work_on_a_new_sqlite_file() {
    let Some(bin) = binary() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("nested/dir/rt.db").display()
    );
    let run = |args: &[&str]| {
        Command::new(&bin)
            .args(args)
            .env_clear()
            .env("DATABASE_URL", &url)
            .env("ROUNDTABLE_KEY_FILE", dir.path().join("k"))
            .output()
            .expect("runs")
    };
    let out = run(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("nested/dir/rt.db").exists(),
        "database file created with its folders"
    );
    let out = run(&["seed-demo"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Demo council created."
    );
    let out = run(&["seed-demo"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "The demo council already exists; nothing changed."
    );
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    use std::io::{BufRead, BufReader};
    let Some(bin) = binary() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let serve = || {
        Command::new(&bin)
            .arg("serve")
            .env_clear()
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", dir.path().join("rt.db").display()),
            )
            .env("ROUNDTABLE_KEY_FILE", dir.path().join("k"))
            .env("ROUNDTABLE_LISTEN", "127.0.0.1:0")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts")
    };
    // An explicitly named key file that does not exist stops the server.
    let status = serve().wait().expect("exits");
    assert_eq!(
        status.code(),
        Some(1),
        "missing explicit key file stops the server"
    );

    std::fs::write(dir.path().join("k"), "07".repeat(32)).expect("key");
    let mut child = serve();
    let mut first = String::new();
    // Closing our end of the pipe early must not matter to the server either.
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("line");
    assert!(
        first.starts_with("Roundtable is running at http://127.0.0.1:"),
        "{first}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    assert!(status.success(), "graceful exit after SIGTERM: {status:?}");
}
