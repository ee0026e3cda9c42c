//! How a member wants to be paid in one council, and their annual cap.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_preference")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub council_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    /// `bank`, `voucher` or `decline`.
    pub method: String,
    pub holder_sealed: Option<String>,
    pub iban_sealed: Option<String>,
    pub bic_sealed: Option<String>,
    pub annual_cap_minor: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
