//! Identity and access: email (encrypted) and second factor on people, council settings,
//! invitations, one-time sign-in links, recovery codes, the mail outbox and the audit chain.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261128_000001_councils_and_people::{Council, Person};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            // Comma-separated language codes the council works in.
            string_len(CouncilExtra::Languages, 64)
                .default("en")
                .to_owned(),
            // JSON object of council settings (e.g. reminder days).
            text(CouncilExtra::Settings).default("{}").to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Council::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            // Encrypted with the field-encryption helper; never stored in clear.
            text_null(PersonExtra::EmailCiphertext).to_owned(),
            // Keyed hash of the normalised address, for lookup.
            string_len_null(PersonExtra::EmailHash, 64).to_owned(),
            // email | discreet | none
            string_len(PersonExtra::Notify, 16)
                .default("discreet")
                .to_owned(),
            timestamp_with_time_zone_null(PersonExtra::DisabledAt).to_owned(),
            text_null(PersonExtra::TotpCiphertext).to_owned(),
            timestamp_with_time_zone_null(PersonExtra::TotpEnabledAt).to_owned(),
            // The last accepted 30-second step: a code is accepted once only.
            big_integer_null(PersonExtra::TotpLastStep).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Person::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // A council admin suspends a person's membership of their own council only; other
        // councils the person belongs to are not affected.
        manager
            .alter_table(
                Table::alter()
                    .table(MembershipExtra::Table)
                    .add_column(timestamp_with_time_zone_null(MembershipExtra::SuspendedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_email_hash")
                    .table(Person::Table)
                    .col(PersonExtra::EmailHash)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(pk_uuid(Invitation::Id))
                    .col(uuid(Invitation::CouncilId))
                    .col(string_len(Invitation::Role, 32))
                    .col(text(Invitation::EmailCiphertext))
                    .col(string_len(Invitation::EmailHash, 64))
                    .col(string_len_uniq(Invitation::TokenHash, 64))
                    .col(uuid_null(Invitation::InvitedBy))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::AcceptedAt))
                    .col(uuid_null(Invitation::AcceptedBy))
                    .col(timestamp_with_time_zone_null(Invitation::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitation::Table, Invitation::CouncilId)
                            .to(Council::Table, Council::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitation_council")
                    .table(Invitation::Table)
                    .col(Invitation::CouncilId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginToken::Table)
                    .col(string_len(LoginToken::TokenHash, 64).primary_key())
                    .col(uuid(LoginToken::PersonId))
                    .col(timestamp_with_time_zone(LoginToken::CreatedAt))
                    .col(timestamp_with_time_zone(LoginToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(LoginToken::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LoginToken::Table, LoginToken::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RecoveryCode::Table)
                    .col(pk_uuid(RecoveryCode::Id))
                    .col(uuid(RecoveryCode::PersonId))
                    .col(string_len(RecoveryCode::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCode::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RecoveryCode::Table, RecoveryCode::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_uuid(Outbox::Id))
                    // One logical mail, one key: enqueueing twice is a no-op.
                    .col(string_len_uniq(Outbox::IdempotencyKey, 128))
                    .col(uuid_null(Outbox::CouncilId))
                    .col(string_len(Outbox::Template, 64))
                    .col(string_len(Outbox::Locale, 8))
                    .col(text(Outbox::RecipientCiphertext))
                    .col(text(Outbox::ParamsCiphertext))
                    // pending | sent | failed
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(uuid_null(Outbox::LockOwner))
                    .col(string_len_null(Outbox::LastError, 200))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_integer(AuditLog::Seq).primary_key())
                    // Kept as the exact text that was hashed, so both databases verify alike.
                    .col(string_len(AuditLog::At, 40))
                    .col(uuid_null(AuditLog::CouncilId))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len_null(AuditLog::SubjectKind, 32))
                    .col(string_len_null(AuditLog::SubjectId, 64))
                    .col(text(AuditLog::Details))
                    .col(string_len(AuditLog::PrevHash, 64))
                    .col(string_len(AuditLog::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_council_seq")
                    .table(AuditLog::Table)
                    .col(AuditLog::CouncilId)
                    .col(AuditLog::Seq)
                    .to_owned(),
            )
            .await?;
        // One row holding the chain's head; appending updates it first, which serialises
        // writers on both databases (a row lock on PostgreSQL, the write lock on SQLite).
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(integer(AuditHead::Id).primary_key())
                    .col(big_integer(AuditHead::Seq))
                    .col(string_len(AuditHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditHead::Table)
                    .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                    .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditHead::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Outbox::Table.into_iden(),
            RecoveryCode::Table.into_iden(),
            LoginToken::Table.into_iden(),
            Invitation::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("person_email_hash")
                    .table(Person::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            PersonExtra::EmailCiphertext,
            PersonExtra::EmailHash,
            PersonExtra::Notify,
            PersonExtra::DisabledAt,
            PersonExtra::TotpCiphertext,
            PersonExtra::TotpEnabledAt,
            PersonExtra::TotpLastStep,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Person::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(MembershipExtra::Table)
                    .drop_column(MembershipExtra::SuspendedAt)
                    .to_owned(),
            )
            .await?;
        for column in [CouncilExtra::Languages, CouncilExtra::Settings] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Council::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CouncilExtra {
    Languages,
    Settings,
}

#[derive(DeriveIden)]
enum MembershipExtra {
    #[sea_orm(iden = "membership")]
    Table,
    SuspendedAt,
}

#[derive(DeriveIden)]
enum PersonExtra {
    EmailCiphertext,
    EmailHash,
    Notify,
    DisabledAt,
    TotpCiphertext,
    TotpEnabledAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    CouncilId,
    Role,
    EmailCiphertext,
    EmailHash,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    AcceptedBy,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginToken {
    Table,
    TokenHash,
    PersonId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    PersonId,
    CodeHash,
    UsedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    IdempotencyKey,
    CouncilId,
    Template,
    Locale,
    RecipientCiphertext,
    ParamsCiphertext,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LockOwner,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    At,
    CouncilId,
    ActorId,
    Action,
    SubjectKind,
    SubjectId,
    Details,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}
