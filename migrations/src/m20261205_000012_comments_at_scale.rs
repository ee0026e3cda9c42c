//! Consultations at scale.
//!
//! - `comment.thread_id`: the top-level comment a reply belongs to (a top-level comment's own
//!   id), so a page can take a bounded number of replies per thread in one statement; filled
//!   for the comments already there by one recursive statement.
//! - `comment.group_id` and `comment.fingerprint`: near-identical comments on one section
//!   (campaign comments) share a group, found through the fingerprint's bands in
//!   `comment_band`, so the secretariat answers the group once.
//! - `comment.search_text`: the text and proposed wording in lower case for the answer
//!   queue's search (folded by the application: SQLite's `LOWER` folds ASCII only); filled for
//!   the comments already there, one distinct text at a time.
//! - `comment_queue`: the columns the answer queue groups and orders every comment by.
//! - `comment_report_order`: a section's comments by time, for the report read a page at a
//!   time (its pages, CSV and print view).
//! - `posting_limit_hit`: how often the posting limits stopped someone, per consultation,
//!   section, limit and hour. It names nobody.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            uuid_null(Comment::ThreadId),
            uuid_null(Comment::GroupId),
            string_len_null(Comment::Fingerprint, 512),
            text(Comment::SearchText).default("").to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Comment::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "WITH RECURSIVE t(id, root) AS ( \
                   SELECT id, id FROM comment WHERE parent_id IS NULL \
                   UNION ALL \
                   SELECT c.id, t.root FROM comment c JOIN t ON c.parent_id = t.id) \
                 UPDATE comment SET thread_id = (SELECT root FROM t WHERE t.id = comment.id)",
            )
            .await?;
        fill_search_text(manager).await?;
        for (name, cols) in [
            (
                "comment_thread",
                vec![Comment::ThreadId, Comment::CreatedAt],
            ),
            (
                "comment_consultation_created",
                vec![Comment::ConsultationId, Comment::CreatedAt],
            ),
            ("comment_group", vec![Comment::GroupId]),
            // The answer queue's grouping reads only these columns of every comment.
            (
                "comment_queue",
                vec![
                    Comment::ConsultationId,
                    Comment::Status,
                    Comment::GroupId,
                    Comment::CreatedAt,
                    Comment::SectionId,
                    Comment::Id,
                ],
            ),
            // The report's order: a section's comments by time, read a page at a time.
            (
                "comment_report_order",
                vec![
                    Comment::ConsultationId,
                    Comment::Status,
                    Comment::Anchor,
                    Comment::CreatedAt,
                ],
            ),
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
                    .table(CommentBand::Table)
                    .col(uuid(CommentBand::CommentId))
                    .col(small_integer(CommentBand::Band))
                    .col(uuid(CommentBand::ConsultationId))
                    .col(big_integer(CommentBand::Hash))
                    .primary_key(
                        Index::create()
                            .col(CommentBand::CommentId)
                            .col(CommentBand::Band),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommentBand::Table, CommentBand::CommentId)
                            .to(Comment::Table, Comment::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comment_band_hash")
                    .table(CommentBand::Table)
                    .col(CommentBand::ConsultationId)
                    .col(CommentBand::Hash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostingLimitHit::Table)
                    .col(uuid(PostingLimitHit::ConsultationId))
                    .col(string_len(PostingLimitHit::Anchor, 200))
                    .col(string_len(PostingLimitHit::Kind, 16))
                    .col(timestamp_with_time_zone(PostingLimitHit::Hour))
                    .col(integer(PostingLimitHit::Count))
                    .primary_key(
                        Index::create()
                            .col(PostingLimitHit::ConsultationId)
                            .col(PostingLimitHit::Hour)
                            .col(PostingLimitHit::Anchor)
                            .col(PostingLimitHit::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostingLimitHit::Table, PostingLimitHit::ConsultationId)
                            .to(Consultation::Table, Consultation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PostingLimitHit::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CommentBand::Table).to_owned())
            .await?;
        for name in [
            "comment_report_order",
            "comment_queue",
            "comment_group",
            "comment_consultation_created",
            "comment_thread",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Comment::Table).to_owned())
                .await?;
        }
        for column in [
            Comment::SearchText,
            Comment::Fingerprint,
            Comment::GroupId,
            Comment::ThreadId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Comment::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// The search text of the comments already there: the same rule as the application's
/// (`queue::search_text`, which a migration cannot call): text, then the proposed wording on a
/// line of its own, in lower case.
async fn fill_search_text(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let texts = db
        .query_all(
            &Query::select()
                .distinct()
                .columns([Comment::Body, Comment::Proposal])
                .from(Comment::Table)
                .to_owned(),
        )
        .await?;
    for row in texts {
        let body: String = row.try_get("", "body")?;
        let proposal: Option<String> = row.try_get("", "proposal")?;
        let mut search = body.to_lowercase();
        if let Some(p) = proposal.as_deref().filter(|p| !p.is_empty()) {
            search.push('\n');
            search.push_str(&p.to_lowercase());
        }
        let same_proposal = match proposal {
            Some(p) => Expr::col(Comment::Proposal).eq(p),
            None => Expr::col(Comment::Proposal).is_null(),
        };
        manager
            .exec_stmt(
                Query::update()
                    .table(Comment::Table)
                    .value(Comment::SearchText, search)
                    .and_where(Expr::col(Comment::Body).eq(body))
                    .and_where(same_proposal)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

#[derive(DeriveIden)]
enum Comment {
    Table,
    Id,
    Body,
    Proposal,
    SearchText,
    SectionId,
    Status,
    ThreadId,
    GroupId,
    Fingerprint,
    ConsultationId,
    Anchor,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommentBand {
    Table,
    CommentId,
    Band,
    ConsultationId,
    Hash,
}

#[derive(DeriveIden)]
enum PostingLimitHit {
    Table,
    ConsultationId,
    Anchor,
    Kind,
    Hour,
    Count,
}

#[derive(DeriveIden)]
enum Consultation {
    Table,
    Id,
}
