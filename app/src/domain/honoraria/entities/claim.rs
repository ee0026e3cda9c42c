//! A claim: a time entry or an expense, as it moves from draft to paid.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "claim")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub council_id: Uuid,
    pub person_id: Uuid,
    /// `time` or `expense`.
    pub kind: String,
    pub state: String,
    /// `YYYY-MM-DD`, in the council's time zone.
    pub work_date: String,
    /// The year the amount counts towards (a later one when the member deferred it).
    pub pay_year: i32,
    pub minutes: Option<i32>,
    pub activity: Option<String>,
    pub category: Option<String>,
    /// `consultation`, `meeting` or `mentorship`.
    pub link_kind: Option<String>,
    pub link_id: Option<Uuid>,
    pub description_sealed: String,
    pub amount_minor: i64,
    pub currency: String,
    pub rate_id: Option<Uuid>,
    pub rate_unit: Option<String>,
    pub rate_minor: Option<i64>,
    pub allowance_minor: i64,
    pub receipt_id: Option<Uuid>,
    /// The locked claim this one corrects.
    pub adjusts_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub first_approver: Option<Uuid>,
    pub first_approved_at: Option<DateTimeUtc>,
    pub second_approver: Option<Uuid>,
    /// When it was approved, rejected or returned.
    pub decided_at: Option<DateTimeUtc>,
    /// The reason for a rejection or the note of a return (sealed).
    pub note_sealed: Option<String>,
    pub batch_id: Option<Uuid>,
    pub paid_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
