//! One section (part, chapter, article, paragraph, point) of one draft version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "section")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub position: i32,
    pub depth: i32,
    pub kind: String,
    pub anchor: String,
    pub number: String,
    pub heading: String,
    pub body: String,
    pub content_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
