//! One row of the append-only, hash-chained audit log.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: String,
    pub council_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
