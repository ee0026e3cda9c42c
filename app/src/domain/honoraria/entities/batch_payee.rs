//! What one batch pays one person, and how, as it stood when the batch was made (so every
//! export of the batch is the same file).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batch_payee")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub batch_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub end_to_end_id: String,
    /// `bank`, `voucher`, `decline` or `missing` (no bank details).
    pub method: String,
    pub holder_sealed: Option<String>,
    pub iban_sealed: Option<String>,
    pub bic_sealed: Option<String>,
    pub item_count: i32,
    pub total_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
