//! A council's honoraria settings: the second-approval threshold and the paying account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "honoraria_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub council_id: Uuid,
    /// A claim above this amount (minor units) needs a second finance approver.
    pub second_approval_above_minor: Option<i64>,
    pub debtor_name_sealed: Option<String>,
    pub debtor_iban_sealed: Option<String>,
    pub debtor_bic_sealed: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
