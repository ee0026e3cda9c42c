//! A `tower-sessions` store on the database, so several server processes share sessions.
//!
//! Rows are keyed by the SHA-256 of the session id: the cookie value never sits in the
//! database. The person id is copied into its own column so that "log out everywhere",
//! role changes and disablement can end all of a person's sessions with one statement, and
//! so that loading a session reads the person's roles in the same statement (handed to
//! `Actor::load_with` in the loaded session, never stored).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use uuid::Uuid;

use super::actor::{RoleRow, RolesOfSession};
use super::entities::{council, membership, person, session};
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

/// A record's data as stored: without the roles `load` handed over with it.
fn stored_data(record: &Record) -> session_store::Result<String> {
    let kept: std::collections::BTreeMap<&String, &serde_json::Value> = record
        .data
        .iter()
        .filter(|(key, _)| key.as_str() != RolesOfSession::KEY)
        .collect();
    serde_json::to_string(&kept).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// A session's row with one of its person's memberships that are not suspended (all
/// `None` for a session without a person, or a person without one).
#[derive(Debug, sea_orm::FromQueryResult)]
struct SessionRow {
    data: String,
    expires_at: DateTime<Utc>,
    person_id: Option<Uuid>,
    council_id: Option<Uuid>,
    role: Option<String>,
    display_name: Option<String>,
    disabled_at: Option<DateTime<Utc>>,
    council_name: Option<String>,
    time_zone: Option<String>,
}

impl SessionRow {
    fn role(&self) -> Option<RoleRow> {
        Some(RoleRow {
            council_id: self.council_id?,
            role: self.role.clone()?,
            display_name: self.display_name.clone()?,
            disabled_at: self.disabled_at,
            council_name: self.council_name.clone()?,
            time_zone: self.time_zone.clone()?,
        })
    }
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
        let data = stored_data(record)?;
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
        let data = stored_data(record)?;
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

    /// The session and, in the same statement, its person's memberships (one row each).
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        use sea_orm::sea_query::ExprTrait as _;
        use sea_orm::{JoinType, QuerySelect};
        let rows = session::Entity::find()
            .select_only()
            .column(session::Column::Data)
            .column(session::Column::ExpiresAt)
            .column(session::Column::PersonId)
            .column_as(membership::Column::CouncilId, "council_id")
            .column_as(membership::Column::Role, "role")
            .column_as(person::Column::DisplayName, "display_name")
            .column_as(person::Column::DisabledAt, "disabled_at")
            .column_as(council::Column::Name, "council_name")
            .column_as(council::Column::TimeZone, "time_zone")
            .join(
                JoinType::LeftJoin,
                session::Entity::belongs_to(membership::Entity)
                    .from(session::Column::PersonId)
                    .to(membership::Column::PersonId)
                    .on_condition(|_, membership| {
                        sea_orm::Condition::all().add(
                            sea_orm::sea_query::Expr::col((
                                membership,
                                membership::Column::SuspendedAt,
                            ))
                            .is_null(),
                        )
                    })
                    .into(),
            )
            .join(
                JoinType::LeftJoin,
                membership::Entity::belongs_to(person::Entity)
                    .from(membership::Column::PersonId)
                    .to(person::Column::Id)
                    .into(),
            )
            .join(
                JoinType::LeftJoin,
                membership::Entity::belongs_to(council::Entity)
                    .from(membership::Column::CouncilId)
                    .to(council::Column::Id)
                    .into(),
            )
            .filter(session::Column::IdHash.eq(id_hash(id)))
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .into_model::<SessionRow>()
            .all(&self.db)
            .await
            .map_err(backend)?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let mut data: std::collections::HashMap<String, serde_json::Value> =
            serde_json::from_str(&row.data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        // Whatever was stored under the key is replaced: only this load says what it holds.
        data.remove(RolesOfSession::KEY);
        if let Some(person_id) = row.person_id {
            let roles = RolesOfSession {
                person_id,
                rows: rows.iter().filter_map(SessionRow::role).collect(),
            };
            let value = serde_json::to_value(roles)
                .map_err(|e| session_store::Error::Encode(e.to_string()))?;
            data.insert(RolesOfSession::KEY.to_owned(), value);
        }
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
