//! A second factor being replaced waits beside the active one: enrolling a new authenticator
//! never switches the current one off, and the switch needs a code from the current one.
//!
//! Enrolments that were pending (a secret without `totp_enabled_at`) move to the new column.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_councils_and_people::Person;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Person::Table)
                    .add_column(text_null(PersonTotp::TotpPendingCiphertext))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE person SET totp_pending_ciphertext = totp_ciphertext, \
                 totp_ciphertext = NULL \
                 WHERE totp_enabled_at IS NULL AND totp_ciphertext IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE person SET totp_ciphertext = totp_pending_ciphertext \
                 WHERE totp_enabled_at IS NULL AND totp_pending_ciphertext IS NOT NULL",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Person::Table)
                    .drop_column(PersonTotp::TotpPendingCiphertext)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum PersonTotp {
    TotpPendingCiphertext,
}
