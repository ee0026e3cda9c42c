//! A revision number per consultation, moved by the database itself on every change that
//! alters what a reader of the consultation sees (sections, versions, comments, answers,
//! answer links, an author's display name, the council's time zone).
//!
//! Readers' views are cached in each server process and kept while the revision is unchanged
//! (`app/src/domain/chapter_cache.rs`). Triggers rather than application code move it, so no
//! writer can forget to, whichever process or tool writes; and the change is in the same
//! transaction as the write, so a reader never sees new data under an old revision.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables whose rows carry their consultation's id directly.
const WITH_CONSULTATION: [&str; 4] = ["comment", "response", "comment_change", "draft_version"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Consultation::Table)
                    .add_column(big_integer(Consultation::Revision).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for table in WITH_CONSULTATION {
                    for (event, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_{ev}_revision AFTER {event} ON {table} \
                             BEGIN UPDATE consultation SET revision = revision + 1 \
                             WHERE id = {row}.consultation_id; END",
                            ev = event.to_lowercase(),
                        ))
                        .await?;
                    }
                }
                for (event, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER section_{ev}_revision AFTER {event} ON section \
                         BEGIN UPDATE consultation SET revision = revision + 1 WHERE id = \
                         (SELECT consultation_id FROM draft_version WHERE id = {row}.version_id); END",
                        ev = event.to_lowercase(),
                    ))
                    .await?;
                }
                db.execute_unprepared(
                    "CREATE TRIGGER person_name_revision AFTER UPDATE OF display_name ON person \
                     WHEN OLD.display_name IS NOT NEW.display_name \
                     BEGIN UPDATE consultation SET revision = revision + 1 WHERE id IN \
                     (SELECT consultation_id FROM comment WHERE author_id = NEW.id); END",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER council_zone_revision AFTER UPDATE OF time_zone ON council \
                     WHEN OLD.time_zone IS NOT NEW.time_zone \
                     BEGIN UPDATE consultation SET revision = revision + 1 \
                     WHERE council_id = NEW.id; END",
                )
                .await?;
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION consultation_revision() RETURNS trigger AS $$ \
                     DECLARE row_consultation uuid; \
                     BEGIN \
                       IF TG_OP = 'DELETE' THEN \
                         row_consultation := (to_jsonb(OLD) ->> 'consultation_id')::uuid; \
                       ELSE \
                         row_consultation := (to_jsonb(NEW) ->> 'consultation_id')::uuid; \
                       END IF; \
                       UPDATE consultation SET revision = revision + 1 WHERE id = row_consultation; \
                       RETURN NULL; \
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                for table in WITH_CONSULTATION {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         FOR EACH ROW EXECUTE FUNCTION consultation_revision()"
                    ))
                    .await?;
                }
                db.execute_unprepared(
                    "CREATE FUNCTION section_revision() RETURNS trigger AS $$ \
                     BEGIN \
                       UPDATE consultation SET revision = revision + 1 WHERE id = \
                         (SELECT consultation_id FROM draft_version WHERE id = \
                           CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END); \
                       RETURN NULL; \
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER section_revision AFTER INSERT OR UPDATE OR DELETE ON section \
                     FOR EACH ROW EXECUTE FUNCTION section_revision()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE FUNCTION person_name_revision() RETURNS trigger AS $$ \
                     BEGIN \
                       UPDATE consultation SET revision = revision + 1 WHERE id IN \
                         (SELECT consultation_id FROM comment WHERE author_id = NEW.id); \
                       RETURN NULL; \
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER person_name_revision AFTER UPDATE OF display_name ON person \
                     FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) \
                     EXECUTE FUNCTION person_name_revision()",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE FUNCTION council_zone_revision() RETURNS trigger AS $$ \
                     BEGIN \
                       UPDATE consultation SET revision = revision + 1 WHERE council_id = NEW.id; \
                       RETURN NULL; \
                     END $$ LANGUAGE plpgsql",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER council_zone_revision AFTER UPDATE OF time_zone ON council \
                     FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) \
                     EXECUTE FUNCTION council_zone_revision()",
                )
                .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "revision triggers are written for SQLite and PostgreSQL, not {other:?}"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        let mut triggers: Vec<(String, String)> = Vec::new();
        for table in WITH_CONSULTATION.iter().copied().chain(["section"]) {
            if postgres {
                triggers.push((format!("{table}_revision"), table.to_owned()));
            } else {
                for ev in ["insert", "update", "delete"] {
                    triggers.push((format!("{table}_{ev}_revision"), table.to_owned()));
                }
            }
        }
        triggers.push(("person_name_revision".into(), "person".into()));
        triggers.push(("council_zone_revision".into(), "council".into()));
        for (trigger, table) in triggers {
            let on = if postgres {
                format!(" ON {table}")
            } else {
                String::new()
            };
            db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}{on}"))
                .await?;
        }
        if postgres {
            for function in [
                "consultation_revision",
                "section_revision",
                "person_name_revision",
                "council_zone_revision",
            ] {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS {function}()"))
                    .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Consultation::Table)
                    .drop_column(Consultation::Revision)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Consultation {
    Table,
    Revision,
}
