//! A `tower-sessions` store on the database, so several server processes share sessions.
//!
//! Rows are keyed by the SHA-256 of the session id: the cookie value never sits in the
//! database. The person id is copied into its own column so that "log out everywhere",
//! role changes and disablement can end all of a person's sessions with one statement.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use uuid::Uuid;

use super::entities::session;
use crate::domain::SessionAuth;

/// The database-backed session store.
#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    /// A store on `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes sessions whose expiry has passed; returns how many.
    pub async fn delete_expired(&self) -> Result<u64, sea_orm::DbErr> {
        let done = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected)
    }
}

fn id_hash(id: &Id) -> String {
    format!("{:x}", Sha256::digest(id.to_string().as_bytes()))
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn to_utc(at: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond()).unwrap_or_else(Utc::now)
}

fn person_of(record: &Record) -> Option<Uuid> {
    let auth = record.data.get(SessionAuth::KEY)?;
    serde_json::from_value::<SessionAuth>(auth.clone())
        .ok()
        .map(|a| a.person_id.0)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// A new session: inserted, never overwriting another (a clashing id gets a new one).
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        for _ in 0..4 {
            let row = session::ActiveModel {
                id_hash: Set(id_hash(&record.id)),
                person_id: Set(person_of(record)),
                data: Set(data.clone()),
                expires_at: Set(to_utc(record.expiry_date)),
            };
            let inserted = session::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(session::Column::IdHash)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(backend("no free session id"))
    }

    /// An existing session: updated only. A session that was ended meanwhile (sign-out
    /// everywhere, a role change, a suspension) stays ended, even when a request that loaded
    /// it before the end saves it afterwards.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        session::Entity::update_many()
            .col_expr(
                session::Column::PersonId,
                sea_orm::sea_query::Expr::value(person_of(record)),
            )
            .col_expr(session::Column::Data, sea_orm::sea_query::Expr::value(data))
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(to_utc(record.expiry_date)),
            )
            .filter(session::Column::IdHash.eq(id_hash(&record.id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = session::Entity::find_by_id(id_hash(id))
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(id_hash(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
