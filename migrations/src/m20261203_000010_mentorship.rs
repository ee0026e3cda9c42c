//! Mentorship programmes: the council's safeguarding lead, programmes and their cohorts,
//! participants (with their sealed profiles), matches, the pairs' goals, milestones and
//! sessions, feedback, and safeguarding cases with their notes.
//!
//! What a person wrote for their pair or for the safeguarding lead is sealed with the
//! field-encryption key (`*_sealed`): profiles, goals, milestones, session topics and private
//! notes, the reasons behind a suggestion, the name on a certificate, a concern, who reported
//! it, and the case notes. Nothing records who declined or ended a match. Days are
//! `YYYY-MM-DD` in the council's time zone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MentorshipSettings::Table)
                    .col(pk_uuid(MentorshipSettings::CouncilId))
                    .col(uuid_null(MentorshipSettings::SafeguardingLead))
                    .col(timestamp_with_time_zone(MentorshipSettings::UpdatedAt))
                    .foreign_key(&mut council_fk(
                        MentorshipSettings::Table,
                        MentorshipSettings::CouncilId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Programme::Table)
                    .col(pk_uuid(Programme::Id))
                    .col(uuid(Programme::CouncilId))
                    .col(string_len(Programme::Title, 200))
                    .col(text(Programme::Aims))
                    .col(string_len(Programme::StartsOn, 10))
                    .col(string_len(Programme::EndsOn, 10))
                    .col(integer(Programme::ExpectedHours))
                    .col(boolean(Programme::Paid))
                    .col(string_len_null(Programme::Activity, 32))
                    .col(string_len(Programme::State, 16))
                    .col(uuid(Programme::CreatedBy))
                    .col(timestamp_with_time_zone(Programme::CreatedAt))
                    .col(timestamp_with_time_zone_null(Programme::EndedAt))
                    .foreign_key(&mut council_fk(Programme::Table, Programme::CouncilId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "programme_council",
            Programme::Table,
            &[Programme::CouncilId, Programme::StartsOn],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cohort::Table)
                    .col(pk_uuid(Cohort::Id))
                    .col(uuid(Cohort::ProgrammeId))
                    .col(string_len(Cohort::Name, 200))
                    .col(timestamp_with_time_zone(Cohort::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Cohort::Table, Cohort::ProgrammeId)
                            .to(Programme::Table, Programme::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "cohort_programme",
            Cohort::Table,
            &[Cohort::ProgrammeId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Participant::Table)
                    .col(pk_uuid(Participant::Id))
                    .col(uuid(Participant::CouncilId))
                    .col(uuid(Participant::ProgrammeId))
                    .col(uuid(Participant::CohortId))
                    .col(uuid(Participant::PersonId))
                    .col(string_len(Participant::Role, 16))
                    .col(string_len(Participant::State, 16))
                    .col(integer(Participant::Capacity))
                    .col(text_null(Participant::ProfileSealed))
                    .col(string_len(Participant::CertificateName, 16))
                    .col(text_null(Participant::CertificateOtherSealed))
                    .col(timestamp_with_time_zone(Participant::CreatedAt))
                    .col(timestamp_with_time_zone(Participant::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Participant::Table, Participant::CohortId)
                            .to(Cohort::Table, Cohort::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("participant_once_per_cohort")
                    .table(Participant::Table)
                    .col(Participant::CohortId)
                    .col(Participant::PersonId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "participant_person",
            Participant::Table,
            &[Participant::PersonId, Participant::CouncilId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorshipMatch::Table)
                    .col(pk_uuid(MentorshipMatch::Id))
                    .col(uuid(MentorshipMatch::CouncilId))
                    .col(uuid(MentorshipMatch::ProgrammeId))
                    .col(uuid(MentorshipMatch::CohortId))
                    .col(uuid(MentorshipMatch::MentorId))
                    .col(uuid(MentorshipMatch::MenteeId))
                    .col(string_len(MentorshipMatch::State, 16))
                    .col(boolean(MentorshipMatch::MentorAccepted))
                    .col(boolean(MentorshipMatch::MenteeAccepted))
                    .col(integer(MentorshipMatch::Score))
                    .col(text(MentorshipMatch::ReasonsSealed))
                    .col(uuid(MentorshipMatch::ProposedBy))
                    .col(timestamp_with_time_zone(MentorshipMatch::ProposedAt))
                    .col(timestamp_with_time_zone_null(MentorshipMatch::StartedAt))
                    .col(timestamp_with_time_zone_null(MentorshipMatch::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentorshipMatch::Table, MentorshipMatch::CohortId)
                            .to(Cohort::Table, Cohort::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "match_cohort",
            MentorshipMatch::Table,
            &[MentorshipMatch::CohortId],
        )
        .await?;
        index(
            manager,
            "match_mentor",
            MentorshipMatch::Table,
            &[MentorshipMatch::MentorId],
        )
        .await?;
        index(
            manager,
            "match_mentee",
            MentorshipMatch::Table,
            &[MentorshipMatch::MenteeId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorshipGoal::Table)
                    .col(pk_uuid(MentorshipGoal::Id))
                    .col(uuid(MentorshipGoal::MatchId))
                    .col(text(MentorshipGoal::TitleSealed))
                    .col(string_len(MentorshipGoal::ProposedBy, 16))
                    .col(timestamp_with_time_zone_null(MentorshipGoal::AgreedAt))
                    .col(timestamp_with_time_zone_null(MentorshipGoal::MetAt))
                    .col(timestamp_with_time_zone(MentorshipGoal::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentorshipGoal::Table, MentorshipGoal::MatchId)
                            .to(MentorshipMatch::Table, MentorshipMatch::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "goal_match",
            MentorshipGoal::Table,
            &[MentorshipGoal::MatchId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorshipMilestone::Table)
                    .col(pk_uuid(MentorshipMilestone::Id))
                    .col(uuid(MentorshipMilestone::GoalId))
                    .col(uuid(MentorshipMilestone::MatchId))
                    .col(text(MentorshipMilestone::TitleSealed))
                    .col(string_len_null(MentorshipMilestone::DueOn, 10))
                    .col(timestamp_with_time_zone_null(MentorshipMilestone::DoneAt))
                    .col(timestamp_with_time_zone(MentorshipMilestone::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentorshipMilestone::Table, MentorshipMilestone::GoalId)
                            .to(MentorshipGoal::Table, MentorshipGoal::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "milestone_match",
            MentorshipMilestone::Table,
            &[MentorshipMilestone::MatchId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorshipSession::Table)
                    .col(pk_uuid(MentorshipSession::Id))
                    .col(uuid(MentorshipSession::MatchId))
                    .col(uuid(MentorshipSession::CouncilId))
                    .col(string_len(MentorshipSession::HeldOn, 10))
                    .col(string_len_null(MentorshipSession::StartsAt, 5))
                    .col(integer(MentorshipSession::Minutes))
                    .col(string_len(MentorshipSession::Format, 16))
                    .col(text(MentorshipSession::TopicsSealed))
                    .col(text(MentorshipSession::NotesSealed))
                    .col(uuid(MentorshipSession::LoggedBy))
                    .col(uuid_null(MentorshipSession::ClaimId))
                    .col(timestamp_with_time_zone(MentorshipSession::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentorshipSession::Table, MentorshipSession::MatchId)
                            .to(MentorshipMatch::Table, MentorshipMatch::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "session_match",
            MentorshipSession::Table,
            &[MentorshipSession::MatchId, MentorshipSession::HeldOn],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorshipFeedback::Table)
                    .col(pk_uuid(MentorshipFeedback::Id))
                    .col(uuid(MentorshipFeedback::ProgrammeId))
                    .col(uuid(MentorshipFeedback::MatchId))
                    .col(string_len(MentorshipFeedback::Side, 16))
                    .col(string_len(MentorshipFeedback::Moment, 16))
                    .col(string_len(MentorshipFeedback::Slot, 40))
                    .col(integer(MentorshipFeedback::Useful))
                    .col(integer(MentorshipFeedback::Respected))
                    .col(integer(MentorshipFeedback::Recommend))
                    .col(timestamp_with_time_zone(MentorshipFeedback::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MentorshipFeedback::Table, MentorshipFeedback::MatchId)
                            .to(MentorshipMatch::Table, MentorshipMatch::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("feedback_once")
                    .table(MentorshipFeedback::Table)
                    .col(MentorshipFeedback::MatchId)
                    .col(MentorshipFeedback::Side)
                    .col(MentorshipFeedback::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "feedback_programme",
            MentorshipFeedback::Table,
            &[MentorshipFeedback::ProgrammeId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SafeguardingCase::Table)
                    .col(pk_uuid(SafeguardingCase::Id))
                    .col(uuid(SafeguardingCase::CouncilId))
                    .col(uuid_null(SafeguardingCase::MatchId))
                    .col(text(SafeguardingCase::ReporterSealed))
                    .col(text(SafeguardingCase::ConcernSealed))
                    .col(string_len(SafeguardingCase::Status, 16))
                    .col(timestamp_with_time_zone(SafeguardingCase::ReportedAt))
                    .col(timestamp_with_time_zone(SafeguardingCase::UpdatedAt))
                    .foreign_key(&mut council_fk(
                        SafeguardingCase::Table,
                        SafeguardingCase::CouncilId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "case_council",
            SafeguardingCase::Table,
            &[SafeguardingCase::CouncilId, SafeguardingCase::ReportedAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SafeguardingNote::Table)
                    .col(pk_uuid(SafeguardingNote::Id))
                    .col(uuid(SafeguardingNote::CaseId))
                    .col(uuid(SafeguardingNote::AuthorId))
                    .col(text(SafeguardingNote::BodySealed))
                    .col(timestamp_with_time_zone(SafeguardingNote::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SafeguardingNote::Table, SafeguardingNote::CaseId)
                            .to(SafeguardingCase::Table, SafeguardingCase::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "case_note_case",
            SafeguardingNote::Table,
            &[SafeguardingNote::CaseId],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SafeguardingNote::Table.into_iden(),
            SafeguardingCase::Table.into_iden(),
            MentorshipFeedback::Table.into_iden(),
            MentorshipSession::Table.into_iden(),
            MentorshipMilestone::Table.into_iden(),
            MentorshipGoal::Table.into_iden(),
            MentorshipMatch::Table.into_iden(),
            Participant::Table.into_iden(),
            Cohort::Table.into_iden(),
            Programme::Table.into_iden(),
            MentorshipSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A plain index on `cols` of `table`.
async fn index<T: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[T],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(*col);
    }
    manager.create_index(index.to_owned()).await
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

#[derive(DeriveIden, Clone, Copy)]
enum MentorshipSettings {
    Table,
    CouncilId,
    SafeguardingLead,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Programme {
    Table,
    Id,
    CouncilId,
    Title,
    Aims,
    StartsOn,
    EndsOn,
    ExpectedHours,
    Paid,
    Activity,
    State,
    CreatedBy,
    CreatedAt,
    EndedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cohort {
    Table,
    Id,
    ProgrammeId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Participant {
    Table,
    Id,
    CouncilId,
    ProgrammeId,
    CohortId,
    PersonId,
    Role,
    State,
    Capacity,
    ProfileSealed,
    CertificateName,
    CertificateOtherSealed,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorshipMatch {
    Table,
    Id,
    CouncilId,
    ProgrammeId,
    CohortId,
    MentorId,
    MenteeId,
    State,
    MentorAccepted,
    MenteeAccepted,
    Score,
    ReasonsSealed,
    ProposedBy,
    ProposedAt,
    StartedAt,
    ClosedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorshipGoal {
    Table,
    Id,
    MatchId,
    TitleSealed,
    ProposedBy,
    AgreedAt,
    MetAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorshipMilestone {
    Table,
    Id,
    GoalId,
    MatchId,
    TitleSealed,
    DueOn,
    DoneAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorshipSession {
    Table,
    Id,
    MatchId,
    CouncilId,
    HeldOn,
    StartsAt,
    Minutes,
    Format,
    TopicsSealed,
    NotesSealed,
    LoggedBy,
    ClaimId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum MentorshipFeedback {
    Table,
    Id,
    ProgrammeId,
    MatchId,
    Side,
    Moment,
    Slot,
    Useful,
    Respected,
    Recommend,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SafeguardingCase {
    Table,
    Id,
    CouncilId,
    MatchId,
    ReporterSealed,
    ConcernSealed,
    Status,
    ReportedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SafeguardingNote {
    Table,
    Id,
    CaseId,
    AuthorId,
    BodySealed,
    CreatedAt,
}
