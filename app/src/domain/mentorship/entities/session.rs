//! A session a pair held; topics and private notes sealed, for the pair only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mentorship_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub match_id: Uuid,
    pub council_id: Uuid,
    pub held_on: String,
    pub starts_at: Option<String>,
    pub minutes: i32,
    pub format: String,
    pub topics_sealed: String,
    pub notes_sealed: String,
    pub logged_by: Uuid,
    pub claim_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
