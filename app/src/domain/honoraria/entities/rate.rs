//! One line of a council's rate card, in force from a date until the next line of the same
//! activity. Never changed once written: a new rate is a new row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub activity: String,
    /// `hour`, `half_day` or `day`.
    pub unit: String,
    pub amount_minor: i64,
    /// The preparation allowance paid once per entry of this activity (0: none).
    pub allowance_minor: i64,
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
