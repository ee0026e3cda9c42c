//! Anonymous and pseudonymous comments that cannot be placed beside their authors.
//!
//! - `author_pseudonym` replaces `pseudonym`: a person's pseudonym in a consultation is found
//!   by a keyed tag of person and consultation, never by a person id kept in clear. Moving the
//!   old rows needs the deployment key, so the server does it at start (see
//!   `consultations::authorship::upgrade`); the old table stays until then, empty afterwards.
//! - `audit_unattributed` is a second hash chain, one per council, for actions whose actor
//!   must stay unknown (anonymous and pseudonymous comments): no actor, the day only, and a
//!   sequence of its own, so no row sits next to its author's other rows.
//! - Pseudonymous comments stop keeping their author's id in clear (the sealed author and the
//!   keyed tag, kept for every comment since it was written, recognise the author).

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthorPseudonym::Table)
                    .col(pk_uuid(AuthorPseudonym::Id))
                    .col(uuid(AuthorPseudonym::ConsultationId))
                    .col(string_len(AuthorPseudonym::PersonTag, 64))
                    .col(string_len(AuthorPseudonym::Label, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuthorPseudonym::Table, AuthorPseudonym::ConsultationId)
                            .to(Consultation::Table, Consultation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("author_pseudonym_tag", AuthorPseudonym::PersonTag),
            ("author_pseudonym_label", AuthorPseudonym::Label),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuthorPseudonym::Table)
                        .col(AuthorPseudonym::ConsultationId)
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditUnattributed::Table)
                    .col(uuid(AuditUnattributed::CouncilId))
                    .col(big_integer(AuditUnattributed::Seq))
                    // `YYYY-MM-DD` (UTC): the day, never the time.
                    .col(string_len(AuditUnattributed::Day, 10))
                    .col(string_len(AuditUnattributed::Action, 64))
                    .col(string_len_null(AuditUnattributed::SubjectKind, 32))
                    .col(string_len_null(AuditUnattributed::SubjectId, 64))
                    .col(text(AuditUnattributed::Details))
                    .col(string_len(AuditUnattributed::PrevHash, 64))
                    .col(string_len(AuditUnattributed::Hash, 64))
                    .primary_key(
                        Index::create()
                            .col(AuditUnattributed::CouncilId)
                            .col(AuditUnattributed::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditUnattributedHead::Table)
                    .col(pk_uuid(AuditUnattributedHead::CouncilId))
                    .col(big_integer(AuditUnattributedHead::Seq))
                    .col(string_len(AuditUnattributedHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE comment SET author_id = NULL WHERE attribution <> 'named' \
                 AND author_sealed <> '' AND author_tag <> ''",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditUnattributedHead::Table.into_iden(),
            AuditUnattributed::Table.into_iden(),
            AuthorPseudonym::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Consultation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuthorPseudonym {
    Table,
    Id,
    ConsultationId,
    PersonTag,
    Label,
}

#[derive(DeriveIden)]
enum AuditUnattributed {
    Table,
    CouncilId,
    Seq,
    Day,
    Action,
    SubjectKind,
    SubjectId,
    Details,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditUnattributedHead {
    Table,
    CouncilId,
    Seq,
    Hash,
}
