//! A comment on one section of one draft version, or a reply to another comment.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub section_id: Uuid,
    pub anchor: String,
    pub version_number: i32,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub body: String,
    pub body_html: String,
    pub quote: Option<String>,
    pub proposal: Option<String>,
    pub attribution: String,
    pub author_id: Option<Uuid>,
    pub author_sealed: String,
    pub author_tag: String,
    pub pseudonym: Option<String>,
    pub status: String,
    pub hidden_reason: Option<String>,
    pub hidden_note: Option<String>,
    pub hidden_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    /// The top-level comment of the thread (a top-level comment's own id).
    pub thread_id: Option<Uuid>,
    /// The group of near-identical comments on the section (its first comment's id); `None`
    /// for a comment like no other.
    pub group_id: Option<Uuid>,
    /// The text's MinHash signature (see `similarity`), hex; `None` for a reply.
    pub fingerprint: Option<String>,
    /// The text and proposed wording in lower case, for the answer queue's search (written
    /// by the domain: SQLite's `LOWER` folds only ASCII letters). Erased with the text.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
