//! Councils, people and their memberships (roles per council).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Council::Table)
                    .col(pk_uuid(Council::Id))
                    .col(string_len_uniq(Council::Slug, 64))
                    .col(string_len(Council::Name, 200))
                    .col(string_len(Council::Country, 2))
                    .col(string_len(Council::DefaultLanguage, 8))
                    .col(string_len(Council::TimeZone, 64))
                    .col(string_len(Council::Currency, 3))
                    .col(timestamp_with_time_zone(Council::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(pk_uuid(Person::Id))
                    // Chosen by the person; a pseudonym is fine. Never a legal name.
                    .col(string_len(Person::DisplayName, 100))
                    .col(string_len(Person::PreferredLanguage, 8))
                    // Marks people created by `seed-demo`, so demo sign-in can never reach a real account.
                    .col(boolean(Person::IsDemo).default(false))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Membership::Table)
                    .col(pk_uuid(Membership::Id))
                    .col(uuid(Membership::CouncilId))
                    .col(uuid(Membership::PersonId))
                    .col(string_len(Membership::Role, 32))
                    .col(timestamp_with_time_zone(Membership::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Membership::Table, Membership::CouncilId)
                            .to(Council::Table, Council::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Membership::Table, Membership::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("membership_unique_role")
                    .table(Membership::Table)
                    .col(Membership::CouncilId)
                    .col(Membership::PersonId)
                    .col(Membership::Role)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("membership_person")
                    .table(Membership::Table)
                    .col(Membership::PersonId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Membership::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Council::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Council {
    Table,
    Id,
    Slug,
    Name,
    Country,
    DefaultLanguage,
    TimeZone,
    Currency,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Person {
    Table,
    Id,
    DisplayName,
    PreferredLanguage,
    IsDemo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Membership {
    Table,
    Id,
    CouncilId,
    PersonId,
    Role,
    CreatedAt,
}
