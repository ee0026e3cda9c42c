//! The audit log: append-only, hash-chained, written in the same transaction as the change.
//!
//! Each row's hash covers its own fields and the previous row's hash, so editing or deleting
//! any row breaks the chain at that row; `roundtable audit verify` walks it. Rows hold ids,
//! role and action codes only — never names, addresses or free text a person typed.
//!
//! Actions whose actor must stay unknown (anonymous and pseudonymous comments) are recorded
//! *unattributed*: in a second chain per council, with no actor, the day only and a sequence
//! of their own, so that no row can be placed beside its author's other rows by time or order.

use chrono::{SecondsFormat, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entities::audit_head;
use super::entities::audit_log;
use super::entities::{audit_unattributed, audit_unattributed_head};
use crate::model::audit::AuditAction;
use crate::model::identity::{AuditPage, AuditRow};
use crate::model::ids::{CouncilId, PersonId};
use crate::model::{AppError, InputProblem};
use sea_orm::sea_query::OnConflict;

/// Whoever acts in a request (identity's `Actor`): the person, or nobody.
pub trait ActingPerson {
    /// The acting person, if signed in.
    fn acting_person(&self) -> Option<PersonId>;
}

/// One thing that happened, about to be recorded.
#[derive(Debug, Clone)]
pub struct Event {
    /// The council it happened in, if any.
    pub council: Option<CouncilId>,
    /// Who did it (a person id), if anyone.
    pub actor: Option<Uuid>,
    /// What happened (its stable code is stored).
    pub action: AuditAction,
    /// What kind of thing it is about (`person`, `invitation`, …).
    pub subject_kind: Option<&'static str>,
    /// The id of that thing.
    pub subject_id: Option<String>,
    /// More facts, as JSON: ids and codes only.
    pub details: serde_json::Value,
    /// Recorded in the council's unattributed chain (no actor, the day only).
    pub unattributed: bool,
}

impl Event {
    /// An event with no subject and no details.
    pub fn new(action: AuditAction) -> Self {
        Self {
            council: None,
            actor: None,
            action,
            subject_kind: None,
            subject_id: None,
            details: serde_json::Value::Object(serde_json::Map::new()),
            unattributed: false,
        }
    }

    /// Records the event in the council's unattributed chain: the actor is never kept (any
    /// set before or after is dropped), and the time is the day only.
    pub fn unattributed(mut self) -> Self {
        self.unattributed = true;
        self.actor = None;
        self
    }

    /// Sets the council.
    pub fn council(mut self, council: CouncilId) -> Self {
        self.council = Some(council);
        self
    }

    /// Sets the acting person.
    pub fn by(mut self, person: PersonId) -> Self {
        if !self.unattributed {
            self.actor = Some(person.0);
        }
        self
    }

    /// Sets the acting person from an actor (nothing for anonymous).
    pub fn by_actor(mut self, actor: &impl ActingPerson) -> Self {
        if let Some(person) = actor.acting_person().filter(|_| !self.unattributed) {
            self.actor = Some(person.0);
        }
        self
    }

    /// Sets the subject.
    pub fn subject(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.subject_kind = Some(kind);
        self.subject_id = Some(id.to_string());
        self
    }

    /// Adds one detail.
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let serde_json::Value::Object(map) = &mut self.details {
            map.insert(key.to_owned(), value.into());
        }
        self
    }
}

/// The fields a row's hash covers, in a fixed order.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: i64,
    at: &'a str,
    council_id: Option<Uuid>,
    actor_id: Option<Uuid>,
    action: &'a str,
    subject_kind: Option<&'a str>,
    subject_id: Option<&'a str>,
    details: &'a str,
    prev_hash: &'a str,
}

impl Hashed<'_> {
    fn hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("plain fields serialise");
        super::crypto::hex(&Sha256::digest(json))
    }
}

/// The fields an unattributed row's hash covers.
#[derive(Serialize)]
struct HashedUnattributed<'a> {
    council_id: Uuid,
    seq: i64,
    day: &'a str,
    action: &'a str,
    subject_kind: Option<&'a str>,
    subject_id: Option<&'a str>,
    details: &'a str,
    prev_hash: &'a str,
}

impl HashedUnattributed<'_> {
    fn hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("plain fields serialise");
        super::crypto::hex(&Sha256::digest(json))
    }
}

fn unattributed_hash(row: &audit_unattributed::Model) -> String {
    HashedUnattributed {
        council_id: row.council_id,
        seq: row.seq,
        day: &row.day,
        action: &row.action,
        subject_kind: row.subject_kind.as_deref(),
        subject_id: row.subject_id.as_deref(),
        details: &row.details,
        prev_hash: &row.prev_hash,
    }
    .hash()
}

fn row_hash(row: &audit_log::Model) -> String {
    Hashed {
        seq: row.seq,
        at: &row.at,
        council_id: row.council_id,
        actor_id: row.actor_id,
        action: &row.action,
        subject_kind: row.subject_kind.as_deref(),
        subject_id: row.subject_id.as_deref(),
        details: &row.details,
        prev_hash: &row.prev_hash,
    }
    .hash()
}

/// Appends `event` inside the transaction that makes the change, so the change and its record
/// commit together or not at all. It takes a transaction, never the pool: the head's UPDATE
/// holds its lock only until the statement's transaction ends, and two appends outside one
/// would read the same head and collide on `seq`.
pub async fn record(txn: &DatabaseTransaction, event: Event) -> Result<(), AppError> {
    if event.unattributed {
        return record_unattributed(txn, event).await;
    }
    let db = txn;
    // Claim the head first: the UPDATE locks it until commit, so appends never fork.
    audit_head::Entity::update_many()
        .col_expr(
            audit_head::Column::Seq,
            Expr::col(audit_head::Column::Seq).add(1),
        )
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| {
            tracing::error!("the audit head row is missing");
            AppError::Internal
        })?;
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let details = event.details.to_string();
    let hash = Hashed {
        seq: head.seq,
        at: &at,
        council_id: event.council.map(|c| c.0),
        actor_id: event.actor,
        action: event.action.code(),
        subject_kind: event.subject_kind,
        subject_id: event.subject_id.as_deref(),
        details: &details,
        prev_hash: &head.hash,
    }
    .hash();
    audit_log::Entity::insert(audit_log::ActiveModel {
        seq: Set(head.seq),
        at: Set(at),
        council_id: Set(event.council.map(|c| c.0)),
        actor_id: Set(event.actor),
        action: Set(event.action.code().to_owned()),
        subject_kind: Set(event.subject_kind.map(str::to_owned)),
        subject_id: Set(event.subject_id),
        details: Set(details),
        prev_hash: Set(head.hash),
        hash: Set(hash.clone()),
    })
    .exec_without_returning(db)
    .await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(hash))
        .filter(audit_head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

/// Appends to the event's council's unattributed chain (its head row is created on first
/// use, then locked by the UPDATE like the main head).
async fn record_unattributed(txn: &DatabaseTransaction, event: Event) -> Result<(), AppError> {
    let Some(council) = event.council else {
        tracing::error!("an unattributed audit event needs a council");
        return Err(AppError::Internal);
    };
    audit_unattributed_head::Entity::insert(audit_unattributed_head::ActiveModel {
        council_id: Set(council.0),
        seq: Set(0),
        hash: Set("0".repeat(64)),
    })
    .on_conflict(
        OnConflict::column(audit_unattributed_head::Column::CouncilId)
            .do_nothing()
            .to_owned(),
    )
    .try_insert()
    .exec_without_returning(txn)
    .await?;
    audit_unattributed_head::Entity::update_many()
        .col_expr(
            audit_unattributed_head::Column::Seq,
            Expr::col(audit_unattributed_head::Column::Seq).add(1),
        )
        .filter(audit_unattributed_head::Column::CouncilId.eq(council.0))
        .exec(txn)
        .await?;
    let head = audit_unattributed_head::Entity::find_by_id(council.0)
        .one(txn)
        .await?
        .ok_or(AppError::Internal)?;
    let day = Utc::now().format("%Y-%m-%d").to_string();
    let details = event.details.to_string();
    let hash = HashedUnattributed {
        council_id: council.0,
        seq: head.seq,
        day: &day,
        action: event.action.code(),
        subject_kind: event.subject_kind,
        subject_id: event.subject_id.as_deref(),
        details: &details,
        prev_hash: &head.hash,
    }
    .hash();
    audit_unattributed::Entity::insert(audit_unattributed::ActiveModel {
        council_id: Set(council.0),
        seq: Set(head.seq),
        day: Set(day),
        action: Set(event.action.code().to_owned()),
        subject_kind: Set(event.subject_kind.map(str::to_owned)),
        subject_id: Set(event.subject_id),
        details: Set(details),
        prev_hash: Set(head.hash),
        hash: Set(hash.clone()),
    })
    .exec_without_returning(txn)
    .await?;
    audit_unattributed_head::Entity::update_many()
        .col_expr(audit_unattributed_head::Column::Hash, Expr::value(hash))
        .filter(audit_unattributed_head::Column::CouncilId.eq(council.0))
        .exec(txn)
        .await?;
    Ok(())
}

/// Where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A row's content does not match its hash (it was edited).
    #[error("audit row {0}: its content does not match its hash (edited)")]
    Edited(i64),
    /// A row does not point at the hash of the row before it.
    #[error(
        "audit row {0}: does not follow the row before it (a row was edited, removed or inserted)"
    )]
    Unlinked(i64),
    /// A sequence number is missing.
    #[error("audit row {0} is missing (deleted)")]
    Missing(i64),
    /// The chain's end does not match the recorded head.
    #[error(
        "the audit log ends at row {found} but the head records row {expected} (rows removed at the end, or the head edited)"
    )]
    Truncated {
        /// The last row found.
        found: i64,
        /// The last row the head names.
        expected: i64,
    },
    /// A council's unattributed chain is broken (edited, unlinked, missing or truncated).
    #[error(
        "council {council}: unattributed audit row {seq} is edited, missing or out of its chain"
    )]
    Unattributed {
        /// The council whose chain it is.
        council: Uuid,
        /// The first row that does not verify.
        seq: i64,
    },
    /// The database could not be read.
    #[error("the audit log could not be read")]
    Unreadable,
}

/// Checks the main chain and every council's unattributed chain; returns the number of rows
/// when all are intact.
pub async fn verify(db: &impl ConnectionTrait) -> Result<i64, ChainBreak> {
    let main = verify_main(db).await?;
    let heads = audit_unattributed_head::Entity::find()
        .all(db)
        .await
        .map_err(|_| ChainBreak::Unreadable)?;
    let mut total = main;
    for head in heads {
        total += verify_unattributed(db, &head).await?;
    }
    // Rows of a council with no head are outside every chain.
    let orphans = audit_unattributed::Entity::find()
        .filter(
            audit_unattributed::Column::CouncilId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(audit_unattributed_head::Column::CouncilId)
                    .from(audit_unattributed_head::Entity)
                    .to_owned(),
            ),
        )
        .one(db)
        .await
        .map_err(|_| ChainBreak::Unreadable)?;
    if let Some(row) = orphans {
        return Err(ChainBreak::Unattributed {
            council: row.council_id,
            seq: row.seq,
        });
    }
    Ok(total)
}

async fn verify_unattributed(
    db: &impl ConnectionTrait,
    head: &audit_unattributed_head::Model,
) -> Result<i64, ChainBreak> {
    const BATCH: u64 = 1000;
    let broken = |seq| ChainBreak::Unattributed {
        council: head.council_id,
        seq,
    };
    let mut expected_seq = 1i64;
    let mut prev_hash = "0".repeat(64);
    loop {
        let rows = audit_unattributed::Entity::find()
            .filter(audit_unattributed::Column::CouncilId.eq(head.council_id))
            .filter(audit_unattributed::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_unattributed::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await
            .map_err(|_| ChainBreak::Unreadable)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if row.seq != expected_seq
                || row.prev_hash != prev_hash
                || unattributed_hash(row) != row.hash
            {
                return Err(broken(expected_seq));
            }
            prev_hash = row.hash.clone();
            expected_seq += 1;
        }
    }
    let last = expected_seq - 1;
    if head.seq != last || head.hash != prev_hash {
        return Err(broken(last + 1));
    }
    Ok(last)
}

async fn verify_main(db: &impl ConnectionTrait) -> Result<i64, ChainBreak> {
    const BATCH: u64 = 1000;
    let mut expected_seq = 1i64;
    let mut prev_hash = "0".repeat(64);
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await
            .map_err(|_| ChainBreak::Unreadable)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            if row.seq != expected_seq {
                return Err(ChainBreak::Missing(expected_seq));
            }
            if row.prev_hash != prev_hash {
                return Err(ChainBreak::Unlinked(row.seq));
            }
            if row_hash(row) != row.hash {
                return Err(ChainBreak::Edited(row.seq));
            }
            prev_hash = row.hash.clone();
            expected_seq += 1;
        }
    }
    let head = audit_head::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(|_| ChainBreak::Unreadable)?
        .ok_or(ChainBreak::Unreadable)?;
    let last = expected_seq - 1;
    if head.seq != last || head.hash != prev_hash {
        return Err(ChainBreak::Truncated {
            found: last,
            expected: head.seq,
        });
    }
    Ok(last)
}

/// A filter for the audit page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only rows on or after this day (`YYYY-MM-DD`, UTC).
    pub from: Option<chrono::NaiveDate>,
    /// Only rows on or before this day.
    pub to: Option<chrono::NaiveDate>,
}

impl Filter {
    /// Reads the audit page's filter form: an empty field means "any"; a malformed one is
    /// refused, naming its field.
    pub fn parse(
        action: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, AppError> {
        fn given(value: Option<&str>) -> Option<&str> {
            value.map(str::trim).filter(|v| !v.is_empty())
        }
        let day =
            |field: &str, value: Option<&str>| -> Result<Option<chrono::NaiveDate>, AppError> {
                given(value)
                    .map(|v| {
                        v.parse()
                            .map_err(|_| AppError::invalid(field, InputProblem::Malformed))
                    })
                    .transpose()
            };
        Ok(Self {
            action: given(action)
                .map(|a| AuditAction::parse("action", a))
                .transpose()?,
            from: day("from", from)?,
            to: day("to", to)?,
        })
    }
}

/// A council's audit rows, newest first (at most 200). Callers authorize (see
/// `identity::audit_log`).
pub async fn list(
    db: &impl ConnectionTrait,
    council: CouncilId,
    filter: Filter,
) -> Result<AuditPage, AppError> {
    let mut query = audit_log::Entity::find().filter(audit_log::Column::CouncilId.eq(council.0));
    if let Some(action) = filter.action {
        query = query.filter(audit_log::Column::Action.eq(action.code()));
    }
    // `at` is fixed-width RFC 3339 UTC text, so text order is time order.
    if let Some(from) = filter.from {
        query = query.filter(audit_log::Column::At.gte(format!("{from}T00:00:00")));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::Column::At.lte(format!("{to}T23:59:59.999999Z")));
    }
    let rows = query
        .order_by_desc(audit_log::Column::Seq)
        .limit(200)
        .all(db)
        .await?;
    let mut unattributed = audit_unattributed::Entity::find()
        .filter(audit_unattributed::Column::CouncilId.eq(council.0));
    if let Some(action) = filter.action {
        unattributed = unattributed.filter(audit_unattributed::Column::Action.eq(action.code()));
    }
    if let Some(from) = filter.from {
        unattributed = unattributed.filter(audit_unattributed::Column::Day.gte(from.to_string()));
    }
    if let Some(to) = filter.to {
        unattributed = unattributed.filter(audit_unattributed::Column::Day.lte(to.to_string()));
    }
    let unattributed = unattributed
        .order_by_desc(audit_unattributed::Column::Seq)
        .limit(200)
        .all(db)
        .await?;
    let mut actions: Vec<String> = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Action)
        .distinct()
        .filter(audit_log::Column::CouncilId.eq(council.0))
        .into_tuple()
        .all(db)
        .await?;
    let more: Vec<String> = audit_unattributed::Entity::find()
        .select_only()
        .column(audit_unattributed::Column::Action)
        .distinct()
        .filter(audit_unattributed::Column::CouncilId.eq(council.0))
        .into_tuple()
        .all(db)
        .await?;
    actions.extend(more);
    actions.sort();
    actions.dedup();
    Ok(AuditPage {
        rows: rows
            .into_iter()
            .map(|r| AuditRow {
                seq: r.seq,
                at: r.at,
                action: r.action,
                actor: r.actor_id.map(|a| a.to_string()),
                subject_kind: r.subject_kind,
                subject_id: r.subject_id,
                details: r.details,
            })
            .collect(),
        unattributed: unattributed
            .into_iter()
            .map(|r| AuditRow {
                seq: r.seq,
                at: r.day,
                action: r.action,
                actor: None,
                subject_kind: r.subject_kind,
                subject_id: r.subject_id,
                details: r.details,
            })
            .collect(),
        actions,
    })
}

/// How many rows the log holds, both chains (for tests and the CLI).
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(audit_log::Entity::find().count(db).await?
        + audit_unattributed::Entity::find().count(db).await?)
}
