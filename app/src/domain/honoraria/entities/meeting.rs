//! A council meeting the secretariat recorded.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub minutes: i32,
    pub online: bool,
    pub place_sealed: String,
    pub agenda_sealed: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    /// When attendance was recorded (the attendees' entries were prefilled then).
    pub attendance_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
