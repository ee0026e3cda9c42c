//! The consent ledger: every consent a person gives or withdraws is one appended row (purpose,
//! wording version, subject, time), never an update; the newest row for a subject decides.
//! Withdrawing takes effect at once because every reader asks the ledger, not a copy.
//!
//! A record names the person only when the subject is theirs by name: the holder is always
//! kept as a keyed tag of person and subject, which recognises them without saying who it is.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::crypto::{Keyring, Purpose as KeyPurpose};
use super::entities::consent_record;
use crate::model::AppError;
use crate::model::ids::{CouncilId, PersonId};

/// What a consent is for. The code is stored; the wording version names the text the person
/// agreed to (bump it when the text changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentPurpose {
    /// Show a comment in the public outcome report.
    CommentPublicReport,
}

impl ConsentPurpose {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::CommentPublicReport => "comment_public_report",
        }
    }

    /// The version of the wording shown when the consent is asked for.
    pub fn wording_version(self) -> &'static str {
        match self {
            Self::CommentPublicReport => "1",
        }
    }
}

/// One consent given or withdrawn.
#[derive(Debug, Clone, Copy)]
pub struct Consent {
    /// The council the subject belongs to.
    pub council: CouncilId,
    /// Who gives or withdraws it.
    pub holder: PersonId,
    /// Whether the record may name the holder (not for an anonymous comment).
    pub named: bool,
    /// What it is for.
    pub purpose: ConsentPurpose,
    /// What it is about (a comment, a story, …).
    pub subject: Uuid,
    /// Given (true) or withdrawn (false).
    pub given: bool,
}

/// The keyed tag of a consent holder for one subject.
fn holder_tag(keyring: &Keyring, person: PersonId, subject: Uuid) -> String {
    keyring.lookup_hash(KeyPurpose::ConsentHolder, &format!("{person}:{subject}"))
}

/// Appends a consent record (never updates one). Call it inside the change's transaction.
pub async fn record(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    consent: Consent,
) -> Result<(), AppError> {
    consent_record::Entity::insert(consent_record::ActiveModel {
        id: Set(super::db::new_id()),
        council_id: Set(consent.council.0),
        person_id: Set(consent.named.then_some(consent.holder.0)),
        holder_tag: Set(holder_tag(keyring, consent.holder, consent.subject)),
        purpose: Set(consent.purpose.code().to_owned()),
        subject_id: Set(Some(consent.subject)),
        wording_version: Set(consent.purpose.wording_version().to_owned()),
        given: Set(consent.given),
        at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Destroys the holder tags of the records about `subjects` (their anonymous authors are
/// being forgotten): the records still say what was consented to and when, not by whom.
pub async fn forget_holders(db: &impl ConnectionTrait, subjects: &[Uuid]) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    consent_record::Entity::update_many()
        .col_expr(consent_record::Column::HolderTag, Expr::value(""))
        .filter(consent_record::Column::SubjectId.is_in(subjects.to_vec()))
        .filter(consent_record::Column::PersonId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The same rule as [`given`], as a condition on a query: the row of `table` (whose `id` is
/// the subject) has a newest consent for `purpose` that is "given". For reading a large
/// number of subjects a page at a time, in the database.
pub fn given_condition(purpose: ConsentPurpose, table: &str) -> sea_orm::sea_query::SimpleExpr {
    // The purpose's code is one of a closed set of fixed words, written into the statement
    // (bound values are written differently by each database's placeholders).
    let purpose = purpose.code();
    sea_orm::sea_query::Expr::cust(format!(
        "EXISTS (SELECT 1 FROM consent_record AS r WHERE r.subject_id = \"{table}\".id \
             AND r.purpose = '{purpose}' AND r.given AND NOT EXISTS (SELECT 1 FROM consent_record \
             AS n WHERE n.subject_id = r.subject_id AND n.purpose = r.purpose \
             AND (n.at > r.at OR (n.at = r.at AND n.id > r.id))))"
    ))
}

/// The subjects among `ids` whose newest consent for `purpose` is "given".
pub async fn given(
    db: &impl ConnectionTrait,
    purpose: ConsentPurpose,
    ids: &[Uuid],
) -> Result<HashSet<Uuid>, AppError> {
    let records = consent_record::Entity::find()
        .filter(consent_record::Column::Purpose.eq(purpose.code()))
        .filter(consent_record::Column::SubjectId.is_in(ids.to_vec()))
        .order_by_asc(consent_record::Column::At)
        .order_by_asc(consent_record::Column::Id)
        .all(db)
        .await?;
    let mut newest: HashMap<Uuid, bool> = HashMap::new();
    for r in records {
        if let Some(subject) = r.subject_id {
            newest.insert(subject, r.given);
        }
    }
    Ok(newest
        .into_iter()
        .filter(|(_, g)| *g)
        .map(|(id, _)| id)
        .collect())
}
