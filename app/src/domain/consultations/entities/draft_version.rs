//! One version (prepared, then published) of a consultation's draft.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draft_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub consultation_id: Uuid,
    pub number: i32,
    pub created_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    pub note: String,
    /// The drafting tradition the version was read in (an importer code), if imported.
    pub tradition: Option<String>,
    /// Whether that tradition was found in the text rather than chosen.
    pub tradition_detected: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
