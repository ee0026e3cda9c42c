//! Paid expert time (honoraria): rate cards, meetings and attendance, claims (time entries and
//! expenses) with their receipts, payment preferences, payment batches and what each batch
//! pays to whom.
//!
//! Money is kept as whole minor units (`*_minor`, cents; yen have none) beside the ISO 4217
//! code, so no amount is ever a float. Everything a person typed or that identifies a bank
//! account is sealed with the field-encryption key (`*_sealed`): descriptions, notes, receipt
//! bytes, account holders, IBANs and BICs. Dates of work are `YYYY-MM-DD` in the council's
//! time zone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HonorariaSettings::Table)
                    .col(pk_uuid(HonorariaSettings::CouncilId))
                    .col(big_integer_null(
                        HonorariaSettings::SecondApprovalAboveMinor,
                    ))
                    .col(text_null(HonorariaSettings::DebtorNameSealed))
                    .col(text_null(HonorariaSettings::DebtorIbanSealed))
                    .col(text_null(HonorariaSettings::DebtorBicSealed))
                    .col(timestamp_with_time_zone(HonorariaSettings::UpdatedAt))
                    .foreign_key(&mut council_fk(
                        HonorariaSettings::Table,
                        HonorariaSettings::CouncilId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Rate::Table)
                    .col(pk_uuid(Rate::Id))
                    .col(uuid(Rate::CouncilId))
                    .col(string_len(Rate::Activity, 32))
                    .col(string_len(Rate::Unit, 16))
                    .col(big_integer(Rate::AmountMinor))
                    .col(big_integer(Rate::AllowanceMinor))
                    .col(string_len(Rate::Currency, 3))
                    .col(string_len(Rate::EffectiveFrom, 10))
                    .col(uuid_null(Rate::CreatedBy))
                    .col(timestamp_with_time_zone(Rate::CreatedAt))
                    .foreign_key(&mut council_fk(Rate::Table, Rate::CouncilId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("rate_in_force")
                    .table(Rate::Table)
                    .col(Rate::CouncilId)
                    .col(Rate::Activity)
                    .col(Rate::EffectiveFrom)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Meeting::Table)
                    .col(pk_uuid(Meeting::Id))
                    .col(uuid(Meeting::CouncilId))
                    .col(timestamp_with_time_zone(Meeting::StartsAt))
                    .col(integer(Meeting::Minutes))
                    .col(boolean(Meeting::Online))
                    .col(text(Meeting::PlaceSealed))
                    .col(text(Meeting::AgendaSealed))
                    .col(uuid(Meeting::CreatedBy))
                    .col(timestamp_with_time_zone(Meeting::CreatedAt))
                    .col(timestamp_with_time_zone_null(Meeting::AttendanceAt))
                    .foreign_key(&mut council_fk(Meeting::Table, Meeting::CouncilId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("meeting_council_start")
                    .table(Meeting::Table)
                    .col(Meeting::CouncilId)
                    .col(Meeting::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeetingAttendee::Table)
                    .col(uuid(MeetingAttendee::MeetingId))
                    .col(uuid(MeetingAttendee::PersonId))
                    .primary_key(
                        Index::create()
                            .col(MeetingAttendee::MeetingId)
                            .col(MeetingAttendee::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeetingAttendee::Table, MeetingAttendee::MeetingId)
                            .to(Meeting::Table, Meeting::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Receipt::Table)
                    .col(pk_uuid(Receipt::Id))
                    .col(uuid(Receipt::CouncilId))
                    .col(uuid(Receipt::PersonId))
                    .col(string_len(Receipt::MediaType, 64))
                    .col(big_integer(Receipt::Size))
                    .col(blob(Receipt::BodySealed))
                    .col(timestamp_with_time_zone(Receipt::CreatedAt))
                    .foreign_key(&mut council_fk(Receipt::Table, Receipt::CouncilId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentBatch::Table)
                    .col(pk_uuid(PaymentBatch::Id))
                    .col(uuid(PaymentBatch::CouncilId))
                    .col(string_len(PaymentBatch::Reference, 35))
                    .col(string_len(PaymentBatch::Currency, 3))
                    .col(string_len(PaymentBatch::State, 16))
                    .col(string_len(PaymentBatch::ExecutionDate, 10))
                    .col(integer(PaymentBatch::ItemCount))
                    .col(big_integer(PaymentBatch::TotalMinor))
                    .col(uuid(PaymentBatch::CreatedBy))
                    .col(timestamp_with_time_zone(PaymentBatch::CreatedAt))
                    .col(uuid_null(PaymentBatch::PaidBy))
                    .col(timestamp_with_time_zone_null(PaymentBatch::PaidAt))
                    .foreign_key(&mut council_fk(
                        PaymentBatch::Table,
                        PaymentBatch::CouncilId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Claim::Table)
                    .col(pk_uuid(Claim::Id))
                    .col(uuid(Claim::CouncilId))
                    .col(uuid(Claim::PersonId))
                    .col(string_len(Claim::Kind, 16))
                    .col(string_len(Claim::State, 16))
                    .col(string_len(Claim::WorkDate, 10))
                    .col(integer(Claim::PayYear))
                    .col(integer_null(Claim::Minutes))
                    .col(string_len_null(Claim::Activity, 32))
                    .col(string_len_null(Claim::Category, 32))
                    .col(string_len_null(Claim::LinkKind, 16))
                    .col(uuid_null(Claim::LinkId))
                    .col(text(Claim::DescriptionSealed))
                    .col(big_integer(Claim::AmountMinor))
                    .col(string_len(Claim::Currency, 3))
                    .col(uuid_null(Claim::RateId))
                    .col(string_len_null(Claim::RateUnit, 16))
                    .col(big_integer_null(Claim::RateMinor))
                    .col(big_integer(Claim::AllowanceMinor))
                    .col(uuid_null(Claim::ReceiptId))
                    .col(uuid_null(Claim::AdjustsId))
                    .col(timestamp_with_time_zone(Claim::CreatedAt))
                    .col(timestamp_with_time_zone(Claim::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Claim::SubmittedAt))
                    .col(uuid_null(Claim::FirstApprover))
                    .col(timestamp_with_time_zone_null(Claim::FirstApprovedAt))
                    .col(uuid_null(Claim::SecondApprover))
                    .col(timestamp_with_time_zone_null(Claim::DecidedAt))
                    .col(text_null(Claim::NoteSealed))
                    .col(uuid_null(Claim::BatchId))
                    .col(timestamp_with_time_zone_null(Claim::PaidAt))
                    .foreign_key(&mut council_fk(Claim::Table, Claim::CouncilId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Claim::Table, Claim::ReceiptId)
                            .to(Receipt::Table, Receipt::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Claim::Table, Claim::BatchId)
                            .to(PaymentBatch::Table, PaymentBatch::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "claim_queue",
                vec![Claim::CouncilId, Claim::State, Claim::SubmittedAt],
            ),
            ("claim_person", vec![Claim::PersonId, Claim::WorkDate]),
            ("claim_batch", vec![Claim::BatchId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Claim::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(BatchPayee::Table)
                    .col(uuid(BatchPayee::BatchId))
                    .col(uuid(BatchPayee::PersonId))
                    .col(string_len(BatchPayee::EndToEndId, 35))
                    .col(string_len(BatchPayee::Method, 16))
                    .col(text_null(BatchPayee::HolderSealed))
                    .col(text_null(BatchPayee::IbanSealed))
                    .col(text_null(BatchPayee::BicSealed))
                    .col(integer(BatchPayee::ItemCount))
                    .col(big_integer(BatchPayee::TotalMinor))
                    .primary_key(
                        Index::create()
                            .col(BatchPayee::BatchId)
                            .col(BatchPayee::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(BatchPayee::Table, BatchPayee::BatchId)
                            .to(PaymentBatch::Table, PaymentBatch::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PaymentPreference::Table)
                    .col(uuid(PaymentPreference::CouncilId))
                    .col(uuid(PaymentPreference::PersonId))
                    .col(string_len(PaymentPreference::Method, 16))
                    .col(text_null(PaymentPreference::HolderSealed))
                    .col(text_null(PaymentPreference::IbanSealed))
                    .col(text_null(PaymentPreference::BicSealed))
                    .col(big_integer_null(PaymentPreference::AnnualCapMinor))
                    .col(timestamp_with_time_zone(PaymentPreference::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(PaymentPreference::CouncilId)
                            .col(PaymentPreference::PersonId),
                    )
                    .foreign_key(&mut council_fk(
                        PaymentPreference::Table,
                        PaymentPreference::CouncilId,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PaymentPreference::Table.into_iden(),
            BatchPayee::Table.into_iden(),
            Claim::Table.into_iden(),
            PaymentBatch::Table.into_iden(),
            Receipt::Table.into_iden(),
            MeetingAttendee::Table.into_iden(),
            Meeting::Table.into_iden(),
            Rate::Table.into_iden(),
            HonorariaSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A foreign key from `table.col` to the council, deleted with it.
fn council_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Council::Table, Council::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden)]
enum Council {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum HonorariaSettings {
    Table,
    CouncilId,
    SecondApprovalAboveMinor,
    DebtorNameSealed,
    DebtorIbanSealed,
    DebtorBicSealed,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Rate {
    Table,
    Id,
    CouncilId,
    Activity,
    Unit,
    AmountMinor,
    AllowanceMinor,
    Currency,
    EffectiveFrom,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Meeting {
    Table,
    Id,
    CouncilId,
    StartsAt,
    Minutes,
    Online,
    PlaceSealed,
    AgendaSealed,
    CreatedBy,
    CreatedAt,
    AttendanceAt,
}

#[derive(DeriveIden)]
enum MeetingAttendee {
    Table,
    MeetingId,
    PersonId,
}

#[derive(DeriveIden)]
enum Receipt {
    Table,
    Id,
    CouncilId,
    PersonId,
    MediaType,
    Size,
    BodySealed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PaymentBatch {
    Table,
    Id,
    CouncilId,
    Reference,
    Currency,
    State,
    ExecutionDate,
    ItemCount,
    TotalMinor,
    CreatedBy,
    CreatedAt,
    PaidBy,
    PaidAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Claim {
    Table,
    Id,
    CouncilId,
    PersonId,
    Kind,
    State,
    WorkDate,
    PayYear,
    Minutes,
    Activity,
    Category,
    LinkKind,
    LinkId,
    DescriptionSealed,
    AmountMinor,
    Currency,
    RateId,
    RateUnit,
    RateMinor,
    AllowanceMinor,
    ReceiptId,
    AdjustsId,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    FirstApprover,
    FirstApprovedAt,
    SecondApprover,
    DecidedAt,
    NoteSealed,
    BatchId,
    PaidAt,
}

#[derive(DeriveIden)]
enum BatchPayee {
    Table,
    BatchId,
    PersonId,
    EndToEndId,
    Method,
    HolderSealed,
    IbanSealed,
    BicSealed,
    ItemCount,
    TotalMinor,
}

#[derive(DeriveIden)]
enum PaymentPreference {
    Table,
    CouncilId,
    PersonId,
    Method,
    HolderSealed,
    IbanSealed,
    BicSealed,
    AnnualCapMinor,
    UpdatedAt,
}
