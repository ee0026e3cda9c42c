//! A council's mentorship settings: who its safeguarding lead is.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub council_id: Uuid,
    pub safeguarding_lead: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
