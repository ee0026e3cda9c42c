//! A mentorship programme of a council.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub title: String,
    pub aims: String,
    pub starts_on: String,
    pub ends_on: String,
    pub expected_hours: i32,
    pub paid: bool,
    pub activity: Option<String>,
    pub state: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
