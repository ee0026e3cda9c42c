//! Real network peers for the tests, run as Node.js scripts from `tests/support/`: an SMTP
//! server that stores every message it accepts ([`SmtpPeer`]) and an OpenID Connect provider
//! whose one account logs in and consents without a person ([`OidcPeer`]).
//!
//! They need `node` and `npm ci` in `tests/` (for `smtp-server` and `oidc-provider`). Under
//! `CI=true` anything missing fails the test; elsewhere `start` returns `None` with a loud
//! message and the test should return early.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::harness::in_ci;

/// How long a peer may take to print `LISTENING <port>`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// How many lines of a peer's output are kept for a failing test's report.
const LOG_LINES: usize = 400;

/// The tests crate, which holds `support/*.mjs` and `node_modules/`.
fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The last lines a peer printed, shared with the tasks that read its pipes.
type Log = Arc<Mutex<VecDeque<String>>>;

fn log_line(log: &Log, line: String) {
    let mut lines = log
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if lines.len() == LOG_LINES {
        lines.pop_front();
    }
    lines.push_back(line);
}

fn log_text(log: &Log) -> String {
    let lines = log
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    lines.iter().map(|l| format!("    {l}\n")).collect()
}

/// Copies each line of `pipe` into `log` until the pipe closes.
fn drain_into(log: &Log, pipe: impl AsyncRead + Unpin + Send + 'static) -> JoinHandle<()> {
    let log = Arc::clone(log);
    tokio::spawn(async move {
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            log_line(&log, line);
        }
    })
}

/// Skips (returns `None`) with a loud message, or fails the test under `CI=true`.
fn missing<T>(what: &str) -> Option<T> {
    assert!(!in_ci(), "{what}, and CI=true: refusing to skip");
    eprintln!("\n!!! SKIPPING test that needs a Node.js peer: {what} !!!\n");
    None
}

/// A running peer script. It is killed when dropped; it also exits by itself when this test
/// process dies, as its standard input (a pipe held by `child`) closes.
struct NodeProcess {
    child: Child,
    log: Log,
}

impl NodeProcess {
    /// Starts `node tests/support/<script> <args>` once `package` is installed, and waits
    /// for its `LISTENING <port>` line.
    async fn start(script: &str, package: &str, args: Vec<OsString>) -> Option<(u16, Self)> {
        let dir = tests_dir();
        let script = dir.join("support").join(script);
        assert!(script.is_file(), "{} is missing", script.display());
        let package_json = dir.join("node_modules").join(package).join("package.json");
        if !package_json.is_file() {
            return missing(&format!(
                "npm package {package} is not installed (run `npm ci --no-audit --no-fund` in {})",
                dir.display()
            ));
        }

        let spawned = Command::new("node")
            .arg(&script)
            .args(args)
            .arg("--exit-with-stdin")
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return missing("`node` (Node.js 20 or later) is not on PATH");
            }
            Err(e) => panic!("could not run node {}: {e}", script.display()),
        };

        let log = Log::default();
        let stderr = drain_into(&log, child.stderr.take().expect("stderr is piped"));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let listening = tokio::time::timeout(STARTUP_TIMEOUT, async {
            while let Ok(Some(line)) = stdout.next_line().await {
                if let Some(port) = line.strip_prefix("LISTENING ") {
                    return port.trim().parse::<u16>().ok();
                }
                log_line(&log, line);
            }
            None
        })
        .await;

        match listening {
            Ok(Some(port)) => {
                drain_into(&log, stdout.into_inner());
                Some((port, Self { child, log }))
            }
            failed => {
                let why = if failed.is_err() {
                    format!("did not print `LISTENING <port>` within {STARTUP_TIMEOUT:?}")
                } else {
                    "exited without printing `LISTENING <port>`".to_owned()
                };
                // Best effort: the child is gone once `wait` returns, so its stderr ends.
                let _ = child.start_kill();
                let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
                let _ = tokio::time::timeout(Duration::from_secs(1), stderr).await;
                panic!(
                    "{} {why}; its output:\n{}",
                    script.display(),
                    log_text(&log)
                );
            }
        }
    }

    /// Kills the peer; when the test is failing, prints what the peer said, labelled `what`.
    fn stop(&mut self, what: &str) {
        let _ = self.child.start_kill();
        if std::thread::panicking() {
            eprintln!(
                "--- {what} output ---\n{}--- end of {what} output ---",
                log_text(&self.log)
            );
        }
    }
}

/// A real SMTP server on 127.0.0.1 (plain SMTP, no TLS; AUTH optional, any credentials)
/// that stores each message it accepts in [`SmtpPeer::dir`].
pub struct SmtpPeer {
    /// The port it listens on.
    pub port: u16,
    /// Where it writes `<unix-ms>-<counter>.eml` (the raw message) and `.json` (envelope).
    pub dir: tempfile::TempDir,
    process: NodeProcess,
}

impl SmtpPeer {
    /// Starts a peer that answers the first `fail_first` DATA transactions with a temporary
    /// `451` error, then accepts all. `None` when Node.js or the npm package is missing
    /// outside CI; see the module docs.
    pub async fn start(fail_first: u32) -> Option<SmtpPeer> {
        let dir = tempfile::tempdir().expect("a temporary folder for received mail");
        let mut dir_arg = OsString::from("--dir=");
        dir_arg.push(dir.path());
        let args = vec![
            "--port=0".into(),
            dir_arg,
            format!("--fail-first={fail_first}").into(),
        ];
        let (port, process) = NodeProcess::start("smtp-server.mjs", "smtp-server", args).await?;
        Some(SmtpPeer { port, dir, process })
    }

    /// The URL for Roundtable's SMTP setting: `smtp://127.0.0.1:<port>?tls=none`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Waits until at least `n` messages have arrived or `timeout` passes, and returns every
    /// message received so far in arrival order: fewer than `n` means the wait timed out
    /// (so `wait_for_messages(1, short)` returning nothing shows that no mail was sent).
    pub async fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mail = read_mail(self.dir.path()).await;
            if mail.len() >= n || tokio::time::Instant::now() >= deadline {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        self.process
            .stop(&format!("SMTP peer on port {}", self.port));
    }
}

/// Every stored message in `dir`, oldest first. The peer renames each file into place, the
/// envelope before the message, so a visible `.eml` is whole and has its `.json`.
async fn read_mail(dir: &Path) -> Vec<ReceivedMail> {
    let mut names = Vec::new();
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .expect("the SMTP peer's folder");
    while let Some(entry) = entries.next_entry().await.expect("the SMTP peer's folder") {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".eml").filter(|_| !name.starts_with('.')) {
            // `<unix-ms>-<counter>`: sort by number, whatever the digit counts.
            let (ms, counter) = stem.split_once('-').unwrap_or((stem, "0"));
            let key = (
                ms.parse::<u64>().unwrap_or(0),
                counter.parse::<u64>().unwrap_or(0),
            );
            names.push((key, stem.to_owned()));
        }
    }
    names.sort();

    let mut mail = Vec::with_capacity(names.len());
    for (_, stem) in names {
        let raw = tokio::fs::read(dir.join(format!("{stem}.eml")))
            .await
            .expect("a stored message");
        let envelope = tokio::fs::read_to_string(dir.join(format!("{stem}.json")))
            .await
            .expect("a stored message's envelope");
        let envelope: serde_json::Value =
            serde_json::from_str(&envelope).expect("an envelope in JSON");
        let from = envelope["mail_from"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let to = envelope["rcpt_to"]
            .as_array()
            .map(|rcpt| {
                rcpt.iter()
                    .filter_map(|r| r.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        mail.push(ReceivedMail {
            raw: String::from_utf8_lossy(&raw).into_owned(),
            to,
            from,
        });
    }
    mail
}

/// One message the SMTP peer accepted.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The message as sent (RFC 5322, CRLF line ends).
    pub raw: String,
    /// The envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The envelope sender (MAIL FROM); empty for a null sender.
    pub from: String,
}

impl ReceivedMail {
    /// The `Subject` header, unfolded, with RFC 2047 encoded words decoded.
    pub fn subject(&self) -> String {
        let (headers, _) = split_head(&self.raw);
        header(headers, "subject")
            .map(|s| decode_words(&s))
            .unwrap_or_default()
    }

    /// The text/plain part (the whole body for a single-part message), with its transfer
    /// encoding (quoted-printable or base64) undone and line ends turned into `\n`.
    ///
    /// Panics when the message has no text/plain part.
    pub fn body_text(&self) -> String {
        match text_plain(&self.raw) {
            Some(text) => text.replace("\r\n", "\n"),
            None => panic!(
                "no text/plain part in the mail {:?} from {:?} to {:?}:\n{}",
                self.subject(),
                self.from,
                self.to,
                self.raw
            ),
        }
    }

    /// Every `http://` and `https://` URL in [`Self::body_text`], in order, without
    /// trailing punctuation.
    pub fn links(&self) -> Vec<String> {
        let text = self.body_text();
        let mut links = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = ["http://", "https://"]
            .iter()
            .filter_map(|p| rest.find(p))
            .min()
        {
            let tail = &rest[start..];
            let end = tail
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
                .unwrap_or(tail.len());
            let link = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']']);
            links.push(link.to_owned());
            rest = &tail[end..];
        }
        links
    }
}

/// Splits a message or part into its header block and its body.
fn split_head(raw: &str) -> (&str, &str) {
    if let Some(i) = raw.find("\r\n\r\n") {
        (&raw[..i], &raw[i + 4..])
    } else if let Some(i) = raw.find("\n\n") {
        (&raw[..i], &raw[i + 2..])
    } else {
        (raw, "")
    }
}

/// The first header `name` (lowercase), unfolded.
fn header(headers: &str, name: &str) -> Option<String> {
    let mut found: Option<String> = None;
    for line in headers.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(value) = found.as_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if found.is_some() {
            break;
        } else if let Some((key, value)) = line.split_once(':')
            && key.trim().eq_ignore_ascii_case(name)
        {
            found = Some(value.trim().to_owned());
        }
    }
    found
}

/// The parameter `name` (lowercase) of a header value such as `text/plain; charset=utf-8`.
fn header_param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// The decoded text/plain part of a message or part, searching multiparts depth first.
fn text_plain(raw: &str) -> Option<String> {
    let (headers, body) = split_head(raw);
    let content_type = header(headers, "content-type").unwrap_or_else(|| "text/plain".to_owned());
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if mime.starts_with("multipart/") {
        let boundary = format!("--{}", header_param(&content_type, "boundary")?);
        return body
            .split(boundary.as_str())
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .find_map(|part| {
                text_plain(
                    part.strip_prefix("\r\n")
                        .or_else(|| part.strip_prefix('\n'))
                        .unwrap_or(part),
                )
            });
    }
    if mime != "text/plain" {
        return None;
    }
    let encoding = header(headers, "content-transfer-encoding").unwrap_or_default();
    let bytes = match encoding.to_ascii_lowercase().as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => base64(body),
        _ => body.as_bytes().to_vec(),
    };
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Undoes quoted-printable (RFC 2045): `=XX` escapes and `=` soft line breaks.
fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
        } else if bytes[i + 1..].starts_with(b"\r\n") {
            i += 3;
        } else if bytes[i + 1..].starts_with(b"\n") {
            i += 2;
        } else if let Some(byte) = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(b'=');
            i += 1;
        }
    }
    out
}

/// Decodes base64 (standard alphabet), skipping line breaks and anything else outside it.
fn base64(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?charset?Q|B?text?=`, UTF-8 or ASCII) in a header.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let Some((text, len)) = encoded_word(&rest[start + 2..]) else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            after_word = false;
            continue;
        };
        // Whitespace between two encoded words is not part of the text.
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        out.push_str(&text);
        rest = &rest[start + 2 + len..];
        after_word = true;
    }
    out.push_str(rest);
    out
}

/// Decodes `charset?encoding?text?=` (an encoded word after its `=?`), returning the text
/// and how many bytes of `word` it took.
fn encoded_word(word: &str) -> Option<(String, usize)> {
    let (charset, rest) = word.split_once('?')?;
    let (encoding, rest) = rest.split_once('?')?;
    let (text, _) = rest.split_once("?=")?;
    if [charset, encoding, text]
        .iter()
        .any(|field| field.contains(char::is_whitespace))
    {
        return None;
    }
    let bytes = match encoding {
        "Q" | "q" => quoted_printable(&text.replace('_', " ")),
        "B" | "b" => base64(text),
        _ => return None,
    };
    let len = charset.len() + encoding.len() + text.len() + 4;
    Some((String::from_utf8_lossy(&bytes).into_owned(), len))
}

/// A real OpenID Connect provider at `http://127.0.0.1:<port>` with one confidential client
/// (code flow, PKCE S256 required, `client_secret_basic` or `client_secret_post`) and one
/// account that logs in and consents to `openid email` without any page to fill in: a
/// browser or an HTTP client that follows redirects and keeps cookies lands on the redirect
/// URI with `code`, `state` and `iss`. The account's `sub` is stable for a given email
/// (`user-` and 32 hex digits of its SHA-256); its ID token (RS256) and userinfo carry
/// `email` and `email_verified`.
pub struct OidcPeer {
    /// The port it listens on.
    pub port: u16,
    /// The issuer, `http://127.0.0.1:<port>`; discovery is at
    /// `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    process: NodeProcess,
}

impl OidcPeer {
    /// Starts a provider for one client and one account. `None` when Node.js or the npm
    /// package is missing outside CI; see the module docs.
    pub async fn start(
        client_id: &str,
        client_secret: &str,
        redirect_uri: &str,
        email: &str,
        email_verified: bool,
    ) -> Option<OidcPeer> {
        // `--name=value`, so that a value starting with `-` is not taken for an option.
        let args = [
            "--port=0".to_owned(),
            format!("--client-id={client_id}"),
            format!("--client-secret={client_secret}"),
            format!("--redirect-uri={redirect_uri}"),
            format!("--email={email}"),
            format!("--email-verified={email_verified}"),
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        let (port, process) =
            NodeProcess::start("oidc-provider.mjs", "oidc-provider", args).await?;
        Some(OidcPeer {
            port,
            issuer: format!("http://127.0.0.1:{port}"),
            process,
        })
    }
}

impl Drop for OidcPeer {
    fn drop(&mut self) {
        self.process
            .stop(&format!("OIDC peer on port {}", self.port));
    }
}
