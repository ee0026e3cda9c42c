//! A payment batch: approved claims of one currency, paid together.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_batch")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    /// Random, short: the SEPA message id (says nothing about time or people).
    pub reference: String,
    pub currency: String,
    /// `created` or `paid`.
    pub state: String,
    pub execution_date: String,
    pub item_count: i32,
    pub total_minor: i64,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub paid_by: Option<Uuid>,
    pub paid_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
