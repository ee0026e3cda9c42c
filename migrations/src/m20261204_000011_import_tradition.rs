//! Each imported version remembers the drafting tradition it was read in (`en`, `de`, `pl`…,
//! see the importer) and whether that was found in the text or chosen by the secretariat, so
//! the review of the tree can say how it was read. Versions imported before have neither.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(DraftVersion::Table)
                    .add_column(string_len_null(DraftVersion::Tradition, 8))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DraftVersion::Table)
                    .add_column(boolean(DraftVersion::TraditionDetected).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [DraftVersion::TraditionDetected, DraftVersion::Tradition] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DraftVersion::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum DraftVersion {
    Table,
    Tradition,
    TraditionDetected,
}
