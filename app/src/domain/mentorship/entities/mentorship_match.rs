//! A mentor–mentee match. Nothing records who declined or ended it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_match")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub programme_id: Uuid,
    pub cohort_id: Uuid,
    pub mentor_id: Uuid,
    pub mentee_id: Uuid,
    pub state: String,
    pub mentor_accepted: bool,
    pub mentee_accepted: bool,
    pub score: i32,
    pub reasons_sealed: String,
    pub proposed_by: Uuid,
    pub proposed_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
