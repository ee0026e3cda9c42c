//! Consultations at work: versions that are prepared before they are published, comments
//! (with attribution that can hide the author from everybody), answers, the links from
//! answers to changed sections, comment drafts, per-consultation pseudonyms and the
//! append-only consent ledger.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_councils_and_people::Council;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            // Comma-separated language codes the draft is offered in.
            string_len(ConsultationExtra::Languages, 64)
                .default("en")
                .to_owned(),
            uuid_null(ConsultationExtra::CreatedBy).to_owned(),
            // Whether the outcome report is readable without signing in.
            boolean(ConsultationExtra::OutcomePublic)
                .default(false)
                .to_owned(),
            // Set by the one process that queued the "closing soon" mails.
            timestamp_with_time_zone_null(ConsultationExtra::ReminderSentAt).to_owned(),
            timestamp_with_time_zone_null(ConsultationExtra::OpenedAt).to_owned(),
            timestamp_with_time_zone_null(ConsultationExtra::ClosedAt).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ConsultationExtra::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            // A version is prepared (parsed tree, fixed by the secretariat) before it is
            // published; members only ever see published versions.
            timestamp_with_time_zone_null(DraftVersionExtra::PublishedAt).to_owned(),
            // What changed, in the secretariat's words.
            text(DraftVersionExtra::Note).default("").to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(DraftVersionExtra::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Comment::Table)
                    .col(pk_uuid(Comment::Id))
                    .col(uuid(Comment::ConsultationId))
                    .col(uuid(Comment::SectionId))
                    // The section's anchor, so the comment can be followed across versions.
                    .col(string_len(Comment::Anchor, 200))
                    .col(integer(Comment::VersionNumber))
                    .col(uuid_null(Comment::ParentId))
                    // comment | concern | question | wording
                    .col(string_len(Comment::Kind, 16))
                    .col(text(Comment::Body))
                    // The text rendered from the Markdown subset and sanitized once, at write time.
                    .col(text(Comment::BodyHtml))
                    .col(text_null(Comment::Quote))
                    .col(text_null(Comment::Proposal))
                    // named | pseudonym | anonymous
                    .col(string_len(Comment::Attribution, 16))
                    // Empty for anonymous comments: nobody can join them to a person.
                    .col(uuid_null(Comment::AuthorId))
                    // The author, encrypted (only the mail job opens it, to tell the author
                    // about an answer) ...
                    .col(text(Comment::AuthorSealed))
                    // ... and a keyed hash of author and comment, so the author is recognised
                    // without the table saying who it is.
                    .col(string_len(Comment::AuthorTag, 64))
                    .col(string_len_null(Comment::Pseudonym, 64))
                    // visible | hidden | withdrawn
                    .col(string_len(Comment::Status, 16))
                    .col(string_len_null(Comment::HiddenReason, 32))
                    .col(text_null(Comment::HiddenNote))
                    .col(timestamp_with_time_zone_null(Comment::HiddenAt))
                    .col(timestamp_with_time_zone(Comment::CreatedAt))
                    .col(timestamp_with_time_zone(Comment::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Comment::WithdrawnAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Comment::Table, Comment::ConsultationId)
                            .to(ConsultationExtra::Table, ConsultationExtra::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "comment_consultation_anchor",
                vec![Comment::ConsultationId, Comment::Anchor],
            ),
            ("comment_section", vec![Comment::SectionId]),
            ("comment_author", vec![Comment::AuthorId]),
            ("comment_parent", vec![Comment::ParentId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Comment::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Response::Table)
                    .col(pk_uuid(Response::Id))
                    .col(uuid_uniq(Response::CommentId))
                    .col(uuid(Response::ConsultationId))
                    // accepted | partly_accepted | not_accepted | noted
                    .col(string_len(Response::Decision, 32))
                    .col(text(Response::Explanation))
                    .col(uuid(Response::AnsweredBy))
                    .col(timestamp_with_time_zone(Response::AnsweredAt))
                    .col(timestamp_with_time_zone(Response::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Response::Table, Response::CommentId)
                            .to(Comment::Table, Comment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("response_consultation")
                    .table(Response::Table)
                    .col(Response::ConsultationId)
                    .to_owned(),
            )
            .await?;

        // "This comment led to a change in that section": set by the secretariat when
        // answering, shown next to the section in the diff between versions.
        manager
            .create_table(
                Table::create()
                    .table(CommentChange::Table)
                    .col(pk_uuid(CommentChange::Id))
                    .col(uuid(CommentChange::ConsultationId))
                    .col(uuid(CommentChange::CommentId))
                    .col(string_len(CommentChange::Anchor, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommentChange::Table, CommentChange::CommentId)
                            .to(Comment::Table, Comment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comment_change_unique")
                    .table(CommentChange::Table)
                    .col(CommentChange::CommentId)
                    .col(CommentChange::Anchor)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // What someone is typing, saved as they type, so nothing is lost to a closed tab
        // or an ended session. One per person and slot (section, or reply to a comment).
        manager
            .create_table(
                Table::create()
                    .table(CommentDraft::Table)
                    .col(pk_uuid(CommentDraft::Id))
                    .col(uuid(CommentDraft::PersonId))
                    .col(uuid(CommentDraft::ConsultationId))
                    .col(string_len(CommentDraft::Slot, 80))
                    .col(text(CommentDraft::Fields))
                    .col(timestamp_with_time_zone(CommentDraft::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommentDraft::Table, CommentDraft::ConsultationId)
                            .to(ConsultationExtra::Table, ConsultationExtra::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comment_draft_slot")
                    .table(CommentDraft::Table)
                    .col(CommentDraft::PersonId)
                    .col(CommentDraft::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // Who takes part in an "invited members only" consultation.
        manager
            .create_table(
                Table::create()
                    .table(Participant::Table)
                    .col(pk_uuid(Participant::Id))
                    .col(uuid(Participant::ConsultationId))
                    .col(uuid(Participant::PersonId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Participant::Table, Participant::ConsultationId)
                            .to(ConsultationExtra::Table, ConsultationExtra::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("participant_unique")
                    .table(Participant::Table)
                    .col(Participant::ConsultationId)
                    .col(Participant::PersonId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        // One pseudonym per person and consultation, so pseudonymous comments read as one voice.
        manager
            .create_table(
                Table::create()
                    .table(Pseudonym::Table)
                    .col(pk_uuid(Pseudonym::Id))
                    .col(uuid(Pseudonym::ConsultationId))
                    .col(uuid(Pseudonym::PersonId))
                    .col(string_len(Pseudonym::Label, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Pseudonym::Table, Pseudonym::ConsultationId)
                            .to(ConsultationExtra::Table, ConsultationExtra::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("pseudonym_person", Pseudonym::PersonId),
            ("pseudonym_label", Pseudonym::Label),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Pseudonym::Table)
                        .col(Pseudonym::ConsultationId)
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }

        // Append-only: a consent is given or withdrawn by adding a row; the newest row per
        // holder, purpose and subject is what holds. Never updated, never deleted.
        manager
            .create_table(
                Table::create()
                    .table(ConsentRecord::Table)
                    .col(pk_uuid(ConsentRecord::Id))
                    .col(uuid(ConsentRecord::CouncilId))
                    // Empty when the subject is an anonymous comment (it would name the author).
                    .col(uuid_null(ConsentRecord::PersonId))
                    // Keyed hash of person and subject: finds the holder's records.
                    .col(string_len(ConsentRecord::HolderTag, 64))
                    .col(string_len(ConsentRecord::Purpose, 64))
                    .col(uuid_null(ConsentRecord::SubjectId))
                    .col(string_len(ConsentRecord::WordingVersion, 16))
                    .col(boolean(ConsentRecord::Given))
                    .col(timestamp_with_time_zone(ConsentRecord::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConsentRecord::Table, ConsentRecord::CouncilId)
                            .to(Council::Table, Council::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("consent_subject", ConsentRecord::SubjectId),
            ("consent_holder", ConsentRecord::HolderTag),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ConsentRecord::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ConsentRecord::Table.into_iden(),
            Pseudonym::Table.into_iden(),
            Participant::Table.into_iden(),
            CommentDraft::Table.into_iden(),
            CommentChange::Table.into_iden(),
            Response::Table.into_iden(),
            Comment::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ConsultationExtra {
    #[sea_orm(iden = "consultation")]
    Table,
    Id,
    Languages,
    CreatedBy,
    OutcomePublic,
    ReminderSentAt,
    OpenedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum DraftVersionExtra {
    #[sea_orm(iden = "draft_version")]
    Table,
    PublishedAt,
    Note,
}

#[derive(DeriveIden)]
enum Comment {
    Table,
    Id,
    ConsultationId,
    SectionId,
    Anchor,
    VersionNumber,
    ParentId,
    Kind,
    Body,
    BodyHtml,
    Quote,
    Proposal,
    Attribution,
    AuthorId,
    AuthorSealed,
    AuthorTag,
    Pseudonym,
    Status,
    HiddenReason,
    HiddenNote,
    HiddenAt,
    CreatedAt,
    UpdatedAt,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum Response {
    Table,
    Id,
    CommentId,
    ConsultationId,
    Decision,
    Explanation,
    AnsweredBy,
    AnsweredAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CommentChange {
    Table,
    Id,
    ConsultationId,
    CommentId,
    Anchor,
}

#[derive(DeriveIden)]
enum CommentDraft {
    Table,
    Id,
    PersonId,
    ConsultationId,
    Slot,
    Fields,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Participant {
    #[sea_orm(iden = "consultation_participant")]
    Table,
    Id,
    ConsultationId,
    PersonId,
}

#[derive(DeriveIden)]
enum Pseudonym {
    Table,
    Id,
    ConsultationId,
    PersonId,
    Label,
}

#[derive(DeriveIden)]
enum ConsentRecord {
    Table,
    Id,
    CouncilId,
    PersonId,
    HolderTag,
    Purpose,
    SubjectId,
    WordingVersion,
    Given,
    At,
}
