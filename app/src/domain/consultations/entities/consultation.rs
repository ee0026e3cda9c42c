//! A consultation on one draft (law, policy, procedure).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub title: String,
    pub summary: String,
    pub phase: String,
    pub visibility: String,
    pub opens_at: Option<DateTimeUtc>,
    pub closes_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub languages: String,
    pub created_by: Option<Uuid>,
    pub outcome_public: bool,
    pub reminder_sent_at: Option<DateTimeUtc>,
    pub opened_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    /// Moved by database triggers on every change a reader would see (see the migration
    /// `m20261129_000006_revision`); cached views are valid while it is unchanged.
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
