//! Consultations, their draft versions and the sections of each version.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_councils_and_people::Council;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Consultation::Table)
                    .col(pk_uuid(Consultation::Id))
                    .col(uuid(Consultation::CouncilId))
                    .col(string_len(Consultation::Title, 300))
                    .col(text(Consultation::Summary))
                    .col(string_len(Consultation::Phase, 32))
                    .col(string_len(Consultation::Visibility, 32))
                    .col(timestamp_with_time_zone_null(Consultation::OpensAt))
                    .col(timestamp_with_time_zone_null(Consultation::ClosesAt))
                    .col(timestamp_with_time_zone(Consultation::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Consultation::Table, Consultation::CouncilId)
                            .to(Council::Table, Council::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("consultation_council")
                    .table(Consultation::Table)
                    .col(Consultation::CouncilId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DraftVersion::Table)
                    .col(pk_uuid(DraftVersion::Id))
                    .col(uuid(DraftVersion::ConsultationId))
                    .col(integer(DraftVersion::Number))
                    .col(timestamp_with_time_zone(DraftVersion::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DraftVersion::Table, DraftVersion::ConsultationId)
                            .to(Consultation::Table, Consultation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("draft_version_number")
                    .table(DraftVersion::Table)
                    .col(DraftVersion::ConsultationId)
                    .col(DraftVersion::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Section::Table)
                    .col(pk_uuid(Section::Id))
                    .col(uuid(Section::VersionId))
                    // Position in reading order within the version; the tree is given by `depth`.
                    .col(integer(Section::Position))
                    .col(integer(Section::Depth))
                    .col(string_len(Section::Kind, 32))
                    // Stable anchor, e.g. `ch-2-art-5-p-1`: survives versions where the text is unchanged.
                    .col(string_len(Section::Anchor, 200))
                    .col(string_len(Section::Number, 32))
                    .col(string_len(Section::Heading, 300))
                    .col(text(Section::Body))
                    .col(string_len_null(Section::ContentNote, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Section::Table, Section::VersionId)
                            .to(DraftVersion::Table, DraftVersion::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("section_version_position")
                    .table(Section::Table)
                    .col(Section::VersionId)
                    .col(Section::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("section_version_anchor")
                    .table(Section::Table)
                    .col(Section::VersionId)
                    .col(Section::Anchor)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Section::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DraftVersion::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Consultation::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Consultation {
    Table,
    Id,
    CouncilId,
    Title,
    Summary,
    Phase,
    Visibility,
    OpensAt,
    ClosesAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DraftVersion {
    Table,
    Id,
    ConsultationId,
    Number,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Section {
    Table,
    Id,
    VersionId,
    Position,
    Depth,
    Kind,
    Anchor,
    Number,
    Heading,
    Body,
    ContentNote,
}
