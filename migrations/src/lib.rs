//! Database migrations for Roundtable.
//!
//! The same migrations run on SQLite (the embedded default) and PostgreSQL. One file per
//! change, named `mYYYYMMDD_NNNNNN_what.rs`, listed in order in [`Migrator::migrations`].

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_councils_and_people;
mod m20261128_000002_consultations;
mod m20261128_000003_sessions;
mod m20261128_000004_identity;
mod m20261128_000005_comments;
mod m20261129_000006_revision;
mod m20261201_000007_second_factor_pending;
mod m20261201_000008_unlinkable_authors;
mod m20261202_000009_honoraria;
mod m20261203_000010_mentorship;
mod m20261204_000011_import_tradition;
mod m20261205_000012_comments_at_scale;

/// Runs every Roundtable migration in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_councils_and_people::Migration),
            Box::new(m20261128_000002_consultations::Migration),
            Box::new(m20261128_000003_sessions::Migration),
            Box::new(m20261128_000004_identity::Migration),
            Box::new(m20261128_000005_comments::Migration),
            Box::new(m20261129_000006_revision::Migration),
            Box::new(m20261201_000007_second_factor_pending::Migration),
            Box::new(m20261201_000008_unlinkable_authors::Migration),
            Box::new(m20261202_000009_honoraria::Migration),
            Box::new(m20261203_000010_mentorship::Migration),
            Box::new(m20261204_000011_import_tradition::Migration),
            Box::new(m20261205_000012_comments_at_scale::Migration),
        ]
    }
}
