//! One person's place in a cohort, as mentor or mentee, with their sealed profile.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub programme_id: Uuid,
    pub cohort_id: Uuid,
    pub person_id: Uuid,
    pub role: String,
    pub state: String,
    pub capacity: i32,
    pub profile_sealed: Option<String>,
    pub certificate_name: String,
    pub certificate_other_sealed: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
