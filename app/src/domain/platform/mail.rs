//! Outgoing mail: discreet templates and the outbox.
//!
//! A mail is a row in `outbox` (recipient and parameters encrypted), written in the same
//! transaction as the change that causes it, with an idempotency key so it is queued once. The
//! server's worker claims due rows with a lease (an atomic conditional UPDATE, so two processes
//! never claim the same row), sends them, and retries with back-off when SMTP is down.
//!
//! Every template is discreet: neutral subject, no names, no topic words, only a link.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{ExprTrait as _, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::crypto::{Keyring, Purpose};
use super::entities::outbox;
use crate::model::AppError;
use crate::model::identity::EmailAddress;
use crate::model::ids::CouncilId;

/// The kinds of mail Roundtable sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// A one-time sign-in link.
    SignInLink,
    /// An invitation to join a council.
    Invitation,
    /// A consultation opened for comments.
    ConsultationOpened,
    /// A consultation closes in a few days.
    ClosingSoon,
    /// The secretariat answered the person's comment.
    CommentAnswered,
    /// A new draft version was published.
    NewVersion,
    /// The person's sign-in settings changed (second factor set up or replaced). Sent
    /// whatever the person's mail preference: it is how they learn of a takeover.
    SecurityChanged,
    /// A claim of the person's moved on (submitted, approved, returned, paid, …). Always the
    /// discreet wording: no amount, no name, no topic word, only that there is news.
    ClaimUpdated,
    /// Something in a mentorship programme concerns the person (an invitation, a proposed
    /// match, a match that ended, a safeguarding case for the lead). Always the discreet
    /// wording: only that there is news.
    ProgrammeNews,
}

impl Template {
    /// Every template (the snapshot tests render them all).
    pub const ALL: [Template; 9] = [
        Template::SignInLink,
        Template::Invitation,
        Template::ConsultationOpened,
        Template::ClosingSoon,
        Template::CommentAnswered,
        Template::NewVersion,
        Template::SecurityChanged,
        Template::ClaimUpdated,
        Template::ProgrammeNews,
    ];

    /// The stable code stored in the outbox.
    pub fn code(self) -> &'static str {
        match self {
            Self::SignInLink => "sign_in_link",
            Self::Invitation => "invitation",
            Self::ConsultationOpened => "consultation_opened",
            Self::ClosingSoon => "closing_soon",
            Self::CommentAnswered => "comment_answered",
            Self::NewVersion => "new_version",
            Self::SecurityChanged => "security_changed",
            Self::ClaimUpdated => "claim_updated",
            Self::ProgrammeNews => "programme_news",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// What a template needs besides the locale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The one link in the mail.
    pub link: String,
    /// Only say that there is news, not what kind (the person's "discreet" choice).
    #[serde(default)]
    pub discreet: bool,
}

/// A mail ready to hand to a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
}

/// Renders `template` in `locale`. `sender` is the deployment's neutral name.
pub fn render(template: Template, locale: &str, params: &Params, sender: &str) -> Rendered {
    use crate::i18n::Locale;
    use leptos_i18n::td_string;
    let locale: Locale = locale.parse().unwrap_or_default();
    let greeting = td_string!(locale, mail.greeting).to_string();
    // A change to how someone signs in must not be waved away as ignorable.
    let ignore = match template {
        Template::SecurityChanged => td_string!(locale, mail.security_closing).to_string(),
        _ => td_string!(locale, mail.ignore).to_string(),
    };
    let (subject, lead) = match template {
        Template::SignInLink => (
            td_string!(locale, mail.sign_in_subject).to_string(),
            td_string!(locale, mail.sign_in_body).to_string(),
        ),
        Template::Invitation => (
            td_string!(locale, mail.invitation_subject).to_string(),
            td_string!(locale, mail.invitation_body).to_string(),
        ),
        // Already neutral: it names no topic, only the person's own sign-in.
        Template::SecurityChanged => (
            td_string!(locale, mail.security_subject).to_string(),
            td_string!(locale, mail.security_body).to_string(),
        ),
        Template::ClaimUpdated | Template::ProgrammeNews => (
            td_string!(locale, mail.news_subject).to_string(),
            td_string!(locale, mail.news_body).to_string(),
        ),
        _ if params.discreet => (
            td_string!(locale, mail.news_subject).to_string(),
            td_string!(locale, mail.news_body).to_string(),
        ),
        Template::ConsultationOpened => (
            td_string!(locale, mail.opened_subject).to_string(),
            td_string!(locale, mail.opened_body).to_string(),
        ),
        Template::ClosingSoon => (
            td_string!(locale, mail.closing_subject).to_string(),
            td_string!(locale, mail.closing_body).to_string(),
        ),
        Template::CommentAnswered => (
            td_string!(locale, mail.answered_subject).to_string(),
            td_string!(locale, mail.answered_body).to_string(),
        ),
        Template::NewVersion => (
            td_string!(locale, mail.version_subject).to_string(),
            td_string!(locale, mail.version_body).to_string(),
        ),
    };
    Rendered {
        subject,
        text: format!(
            "{greeting}\n\n{lead}\n\n{link}\n\n{ignore}\n\n-- \n{sender}\n",
            link = params.link
        ),
    }
}

/// A mail to queue.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// Unique per logical mail: queueing the same key twice queues one mail. Only a keyed hash
    /// of it is stored (and shown as the Message-ID), so it may name what it is about.
    pub key: String,
    /// Not sent before this time.
    pub due: DateTime<Utc>,
    /// The council it concerns, if any.
    pub council: Option<CouncilId>,
    /// Which template.
    pub template: Template,
    /// The recipient's language.
    pub locale: &'a str,
    /// The recipient.
    pub to: &'a EmailAddress,
    /// The template's parameters.
    pub params: Params,
}

/// Replaces idempotency keys stored in clear by an older version (they could name a person
/// and a comment) with their keyed hash. Runs at start; does nothing once done. Returns how
/// many rows it changed.
pub async fn hash_plain_keys(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
) -> Result<u64, AppError> {
    let hashed = |k: &str| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit());
    let mut changed = 0;
    for row in outbox::Entity::find().all(db).await? {
        if hashed(&row.idempotency_key) {
            continue;
        }
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::IdempotencyKey,
                sea_orm::sea_query::Expr::value(
                    keyring.lookup_hash(Purpose::OutboxKey, &row.idempotency_key),
                ),
            )
            .filter(outbox::Column::Id.eq(row.id))
            .exec(db)
            .await?;
        changed += 1;
    }
    Ok(changed)
}

/// Queues a mail (inside the caller's transaction). A key already queued is left alone.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    mail: Outgoing<'_>,
) -> Result<(), AppError> {
    let params = serde_json::to_string(&mail.params).map_err(|_| AppError::Internal)?;
    let now = Utc::now();
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(super::db::new_id()),
        idempotency_key: Set(keyring.lookup_hash(Purpose::OutboxKey, &mail.key)),
        council_id: Set(mail.council.map(|c| c.0)),
        template: Set(mail.template.code().to_owned()),
        locale: Set(mail.locale.to_owned()),
        recipient_ciphertext: Set(keyring.seal(Purpose::OutboxRecipient, mail.to.as_str())),
        params_ciphertext: Set(keyring.seal(Purpose::OutboxParams, &params)),
        status: Set(STATUS_PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(std::cmp::max(mail.due, now)),
        locked_until: Set(None),
        lock_owner: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    })
    .on_conflict(
        OnConflict::column(outbox::Column::IdempotencyKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

const STATUS_PENDING: &str = "pending";
const STATUS_SENT: &str = "sent";
const STATUS_FAILED: &str = "failed";

/// After this many failed attempts a mail is given up (and stays in the table as `failed`).
pub const MAX_ATTEMPTS: i32 = 12;

/// How long a claim lasts; a worker that dies mid-send frees the row after this.
pub const LEASE: Duration = Duration::minutes(2);

/// The ids of mails due now, oldest first.
pub async fn due(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Uuid>, AppError> {
    let now = Utc::now();
    Ok(outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Status.eq(STATUS_PENDING))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(
            outbox::Column::LockedUntil
                .is_null()
                .or(outbox::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?)
}

/// Tries to claim one mail for `owner`; true when this worker got it. The conditional UPDATE
/// is atomic on both databases, so of two workers racing for a row exactly one wins.
pub async fn claim(db: &impl ConnectionTrait, id: Uuid, owner: Uuid) -> Result<bool, AppError> {
    let now = Utc::now();
    let done = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(Some(now + LEASE)),
        )
        .col_expr(
            outbox::Column::LockOwner,
            sea_orm::sea_query::Expr::value(Some(owner)),
        )
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::Status.eq(STATUS_PENDING))
        .filter(
            outbox::Column::LockedUntil
                .is_null()
                .or(outbox::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// A claimed mail, decrypted and rendered.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The outbox row.
    pub id: Uuid,
    /// Its idempotency key (used as the Message-ID, so receivers can drop a duplicate).
    pub key: String,
    /// The recipient address.
    pub to: String,
    /// The content.
    pub rendered: Rendered,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// Loads and renders a claimed mail.
pub async fn prepare(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    id: Uuid,
    sender: &str,
) -> Result<Prepared, AppError> {
    let row = outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = keyring.open(Purpose::OutboxRecipient, &row.recipient_ciphertext)?;
    let params: Params =
        serde_json::from_str(&keyring.open(Purpose::OutboxParams, &row.params_ciphertext)?)
            .map_err(|_| AppError::Internal)?;
    let template = Template::from_code(&row.template).ok_or(AppError::Internal)?;
    Ok(Prepared {
        id,
        key: row.idempotency_key,
        to,
        rendered: render(template, &row.locale, &params, sender),
        attempts: row.attempts,
    })
}

/// Marks a mail sent.
pub async fn mark_sent(db: &impl ConnectionTrait, id: Uuid) -> Result<(), AppError> {
    let now = Utc::now();
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            sea_orm::sea_query::Expr::value(STATUS_SENT),
        )
        .col_expr(
            outbox::Column::SentAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .col_expr(
            outbox::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: retried later with exponential back-off (5 s doubling, at most
/// an hour), given up after [`MAX_ATTEMPTS`]. `error` is a short code, never an address.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    attempts_before: i32,
    error: &str,
) -> Result<(), AppError> {
    let attempts = attempts_before + 1;
    let delay = Duration::seconds(std::cmp::min(5i64 << std::cmp::min(attempts, 10), 3600));
    let status = if attempts >= MAX_ATTEMPTS {
        STATUS_FAILED
    } else {
        STATUS_PENDING
    };
    let error: String = error.chars().take(200).collect();
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            sea_orm::sea_query::Expr::value(status),
        )
        .col_expr(
            outbox::Column::Attempts,
            sea_orm::sea_query::Expr::value(attempts),
        )
        .col_expr(
            outbox::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(Utc::now() + delay),
        )
        .col_expr(
            outbox::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox::Column::LastError,
            sea_orm::sea_query::Expr::value(Some(error)),
        )
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that must never appear in a mail: they would tell an onlooker what this is.
    const DENYLIST: &[&str] = &[
        "traffick",
        "survivor",
        "exploit",
        "victim",
        "abuse",
        "council",
        "advisory",
        "legislation",
        "law",
        "consultation",
        "honorari",
        "mentor",
        "osce",
        "odihr",
        "rescue",
        "shelter",
        "sexual",
        "forced",
        "traite",
        "victime",
        "survivant",
        "conseil",
        "exploitation",
    ];

    #[test]
    fn every_template_is_discreet_and_matches_its_snapshot() {
        for locale in ["en", "fr"] {
            for (template, discreet) in Template::ALL
                .into_iter()
                .flat_map(|t| [(t, false), (t, true)])
            {
                let mail = render(
                    template,
                    locale,
                    &Params {
                        link: "https://example.org/l?t=TOKEN".into(),
                        discreet,
                    },
                    "Roundtable",
                );
                let lower = format!("{}\n{}", mail.subject, mail.text).to_lowercase();
                for word in DENYLIST {
                    assert!(
                        !lower.contains(word),
                        "{} ({locale}) contains the topic word {word:?}",
                        template.code()
                    );
                }
                assert_eq!(
                    lower.matches("https://").count(),
                    1,
                    "exactly one link in {}",
                    template.code()
                );
                let name = if discreet
                    && !matches!(
                        template,
                        Template::SignInLink | Template::Invitation | Template::SecurityChanged
                    ) {
                    format!("{}_discreet_{locale}", template.code())
                } else {
                    format!("{}_{locale}", template.code())
                };
                insta::assert_snapshot!(
                    name,
                    format!("Subject: {}\n\n{}", mail.subject, mail.text)
                );
            }
        }
    }
}
