//! A person using the platform. Holds no legal name: that belongs to finance records only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub display_name: String,
    pub preferred_language: String,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    /// Field-encrypted; read only through `domain::crypto`.
    pub email_ciphertext: Option<String>,
    /// Keyed hash of the normalised address, for lookup.
    pub email_hash: Option<String>,
    /// `email`, `discreet` or `none`.
    pub notify: String,
    pub disabled_at: Option<DateTimeUtc>,
    /// Field-encrypted TOTP secret (base32).
    pub totp_ciphertext: Option<String>,
    pub totp_enabled_at: Option<DateTimeUtc>,
    pub totp_last_step: Option<i64>,
    /// An authenticator being enrolled (encrypted): it waits here, beside the active one in
    /// `totp_ciphertext`, until a code from it is confirmed.
    pub totp_pending_ciphertext: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
