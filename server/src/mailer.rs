//! The mail worker: sends what the outbox holds, over SMTP (lettre) or into a folder.
//!
//! Each process runs one worker. Rows are claimed with a lease (see `domain::platform::mail::claim`), so
//! several processes never send the same row; a failed send is retried with back-off, so a mail
//! is not lost while the SMTP server is down. The Message-ID is derived from the idempotency key,
//! so even a resend after a crash mid-send carries the same id and receivers can drop it.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use roundtable_app::domain::AppState;
use roundtable_app::domain::platform::mail::{self, Prepared};
use sha2::{Digest, Sha256};
use url::Url;
use uuid::Uuid;

use crate::config::{ConfigError, MailTransport};

/// Where mail goes.
#[derive(Clone)]
pub(crate) enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development: one `.eml` file per mail in this folder.
    Folder(PathBuf),
}

impl Transport {
    /// Builds the transport. `smtp://` requires STARTTLS unless the URL says
    /// `?tls=opportunistic` or `?tls=none` (the latter only for a local test server);
    /// `smtps://` uses TLS from the start.
    pub(crate) fn new(config: &MailTransport) -> Result<Self, ConfigError> {
        match config {
            MailTransport::Folder(dir) => Ok(Self::Folder(dir.clone())),
            MailTransport::Smtp(url) => {
                let mut url = url.clone();
                let tls = url
                    .query_pairs()
                    .find(|(k, _)| k == "tls")
                    .map(|(_, v)| v.into_owned());
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| k != "tls")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                let scheme = url_scheme(&url);
                url.set_query(None);
                {
                    let mut query = url.query_pairs_mut();
                    for (k, v) in &pairs {
                        query.append_pair(k, v);
                    }
                    match (scheme.as_str(), tls.as_deref()) {
                        ("smtp", None | Some("required")) => {
                            query.append_pair("tls", "required");
                        }
                        ("smtp", Some("opportunistic")) => {
                            query.append_pair("tls", "opportunistic");
                        }
                        // lettre's plain SMTP: no tls parameter at all.
                        ("smtp", Some("none")) | ("smtps", None) => {}
                        _ => {
                            return Err(ConfigError {
                                setting: "ROUNDTABLE_SMTP_URL",
                                message: "tls= must be required, opportunistic or none".into(),
                            });
                        }
                    }
                }
                if url.query() == Some("") {
                    url.set_query(None);
                }
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
                    .map_err(|e| ConfigError {
                        setting: "ROUNDTABLE_SMTP_URL",
                        message: format!("not usable: {e}"),
                    })?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Self::Smtp(transport))
            }
        }
    }

    async fn send(&self, from: &Mailbox, mail: &Prepared) -> Result<(), String> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| "recipient_unparseable".to_owned())?;
        let domain = from.email.domain().to_owned();
        let message_id = format!(
            "<{}@{domain}>",
            &roundtable_app::domain::platform::crypto::hex(&Sha256::digest(mail.key.as_bytes()))
                [..32]
        );
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(mail.rendered.subject.clone())
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.rendered.text.clone())
            .map_err(|_| "message_build".to_owned())?;
        match self {
            Self::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                // The error text names the server and status, never the recipient.
                .map_err(|e| format!("smtp: {}", error_kind(&e))),
            Self::Folder(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|_| "folder_create".to_owned())?;
                // Written aside and renamed, so a reader of the folder never sees half a mail.
                let path = dir.join(format!("{}.eml", mail.id));
                let partial = dir.join(format!(".{}.eml.part", mail.id));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .map_err(|_| "folder_write".to_owned())?;
                tokio::fs::rename(&partial, &path)
                    .await
                    .map_err(|_| "folder_write".to_owned())
            }
        }
    }
}

fn url_scheme(url: &Url) -> String {
    url.scheme().to_owned()
}

fn error_kind(e: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = e.status() {
        format!("status {code}")
    } else if e.is_timeout() {
        "timeout".into()
    } else if e.is_tls() {
        "tls".into()
    } else {
        "connection".into()
    }
}

/// Sends everything due now; returns how many mails went out.
pub(crate) async fn deliver_due(
    state: &AppState,
    transport: &Transport,
    from: &Mailbox,
    owner: Uuid,
) -> usize {
    let due = match mail::due(&state.db, 50).await {
        Ok(due) => due,
        Err(_) => return 0,
    };
    let mut sent = 0;
    for id in due {
        match mail::claim(&state.db, id, owner).await {
            Ok(true) => {}
            _ => continue,
        }
        let prepared =
            match mail::prepare(&state.db, &state.keyring, id, &state.settings.sender_name).await {
                Ok(p) => p,
                Err(_) => {
                    let _ =
                        mail::mark_failed(&state.db, id, mail::MAX_ATTEMPTS, "unreadable").await;
                    continue;
                }
            };
        match transport.send(from, &prepared).await {
            Ok(()) => {
                if mail::mark_sent(&state.db, id).await.is_ok() {
                    sent += 1;
                }
                tracing::info!(mail = %id, "mail sent");
            }
            Err(code) => {
                tracing::warn!(mail = %id, attempt = prepared.attempts + 1, error = %code, "mail not sent; will retry");
                let _ = mail::mark_failed(&state.db, id, prepared.attempts, &code).await;
            }
        }
    }
    sent
}

/// Runs the worker until the task is dropped: wakes when a mail is queued, and every few
/// seconds for retries.
pub(crate) async fn run(state: AppState, transport: Transport, from: Mailbox) {
    let owner = Uuid::new_v4();
    loop {
        deliver_due(&state, &transport, &from, owner).await;
        tokio::select! {
            () = state.mail_wakeup.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}
