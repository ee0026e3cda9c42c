//! Starting the real binary: bad configuration stops it with one clear line.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{in_ci, workspace_root};

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
    // The demo's comments are sealed with the field-encryption key, as the server's are, so
    // seeding needs the key file (the default one is created; a named one must exist).
    std::fs::write(dir.path().join("k"), format!("{}\n", "ab".repeat(32))).expect("key file");
    let out = run(&["seed-demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

/// Runs the binary with a fresh SQLite file and key file in `dir`.
fn operator(bin: &PathBuf, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("rt.db").display()),
        )
        .env("ROUNDTABLE_KEY_FILE", dir.join("secret.key"))
        .env("ROUNDTABLE_MAIL_DIR", dir.join("mail"))
        .output()
        .expect("runs")
}

#[test]
fn operators_set_up_councils_and_the_audit_check_names_an_edited_row() {
    let Some(bin) = binary() else { return };
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("secret.key"), "ab".repeat(32)).expect("key");
    let created = operator(
        &bin,
        dir.path(),
        &[
            "council",
            "create",
            "--slug",
            "at",
            "--name",
            "Council AT",
            "--country",
            "AT",
            "--languages",
            "en,fr",
            "--time-zone",
            "Europe/Vienna",
            "--currency",
            "EUR",
        ],
    );
    assert!(created.status.success(), "{created:?}");
    assert!(String::from_utf8_lossy(&created.stdout).contains("Council `at` created"));
    let again = operator(
        &bin,
        dir.path(),
        &[
            "council",
            "create",
            "--slug",
            "at",
            "--name",
            "Again",
            "--country",
            "AT",
            "--time-zone",
            "Europe/Vienna",
            "--currency",
            "EUR",
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad = operator(
        &bin,
        dir.path(),
        &[
            "council",
            "create",
            "--slug",
            "x",
            "--name",
            "X",
            "--country",
            "AT",
            "--time-zone",
            "Mars/Olympus",
            "--currency",
            "EUR",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--time-zone"));
    let invited = operator(
        &bin,
        dir.path(),
        &[
            "council",
            "add-admin",
            "--council",
            "at",
            "--email",
            "admin@example.org",
        ],
    );
    assert!(invited.status.success(), "{invited:?}");
    let bad_mail = operator(
        &bin,
        dir.path(),
        &["council", "add-admin", "--council", "at", "--email", "nope"],
    );
    assert_eq!(bad_mail.status.code(), Some(1));

    let ok = operator(&bin, dir.path(), &["audit", "verify"]);
    assert!(ok.status.success(), "{ok:?}");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact: 2 rows"));

    // Edit the second row behind the application's back.
    let db = rusqlite_like_edit(&dir.path().join("rt.db"));
    assert!(db, "row edited");
    let broken = operator(&bin, dir.path(), &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("audit row 2"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Changes audit row 2's details directly in the SQLite file (as an attacker with file access
/// would), using the same driver the app uses.
fn rusqlite_like_edit(path: &std::path::Path) -> bool {
    use sea_orm::ConnectionTrait;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = sea_orm::Database::connect(format!("sqlite://{}", path.display()))
            .await
            .expect("open");
        let done = db
            .execute_unprepared(
                "UPDATE audit_log SET details = '{\"role\":\"member\"}' WHERE seq = 2",
            )
            .await
            .expect("update");
        done.rows_affected() == 1
    })
}
