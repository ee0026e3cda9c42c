//! One entry of the append-only consent ledger.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub person_id: Option<Uuid>,
    pub holder_tag: String,
    pub purpose: String,
    pub subject_id: Option<Uuid>,
    pub wording_version: String,
    pub given: bool,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
