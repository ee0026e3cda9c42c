//! Who is acting: built from the session for every request, passed to every domain function.

use std::collections::BTreeSet;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::entities::council;
use super::entities::membership;
use super::entities::person;
use crate::model::AppError;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::viewer::Role;

/// The longest a sign-in lasts, however active the person is.
pub const ABSOLUTE_SESSION: chrono::Duration = chrono::Duration::hours(12);

/// What a signed-in session remembers: who, in which council they act, since when, and
/// whether they passed the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAuth {
    /// The signed-in person.
    pub person_id: PersonId,
    /// The council they are acting in.
    pub council_id: CouncilId,
    /// When they signed in (Unix seconds); sessions from before this field existed read 0
    /// and count as expired.
    #[serde(default)]
    pub signed_in_at: i64,
    /// Whether this session passed the second factor (TOTP or a recovery code).
    #[serde(default)]
    pub second_factor: bool,
}

impl SessionAuth {
    /// The key under which the session stores this.
    pub const KEY: &'static str = "auth";

    /// A fresh sign-in now, before any second factor.
    pub fn new(person_id: PersonId, council_id: CouncilId) -> Self {
        Self {
            person_id,
            council_id,
            signed_in_at: chrono::Utc::now().timestamp(),
            second_factor: false,
        }
    }

    /// Whether the 12-hour limit has passed.
    pub fn expired(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        now.timestamp() - self.signed_in_at > ABSOLUTE_SESSION.num_seconds()
    }
}

/// A signed-in person acting in one council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonActor {
    /// The person.
    pub person_id: PersonId,
    /// The council they act in.
    pub council_id: CouncilId,
    /// Their display name.
    pub display_name: String,
    /// The council's name (shown on every page).
    pub council_name: String,
    /// The council's time zone.
    pub time_zone: String,
    /// The roles they may use now in that council.
    pub roles: BTreeSet<Role>,
    /// Roles they hold but may use only after the second factor (finance, council admin).
    pub waiting_roles: BTreeSet<Role>,
    /// Whether this session passed the second factor.
    pub second_factor: bool,
}

/// One role of the signed-in person, with the person's and the council's shown fields.
#[derive(Debug, Clone, FromQueryResult, Serialize, Deserialize)]
pub(super) struct RoleRow {
    pub(super) council_id: uuid::Uuid,
    pub(super) role: String,
    pub(super) display_name: String,
    pub(super) disabled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub(super) council_name: String,
    pub(super) time_zone: String,
}

/// A person's usable roles in every council, read in the statement that loads their session
/// (`sessions::DbSessionStore::load`), so that a signed-in request needs no statement of its
/// own for its actor. Handed over in the loaded session under [`RolesOfSession::KEY`], never
/// stored: the store drops the key whenever it writes a session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct RolesOfSession {
    /// The person the session's row names.
    pub(super) person_id: uuid::Uuid,
    /// Their memberships that are not suspended, in any council.
    pub(super) rows: Vec<RoleRow>,
}

impl RolesOfSession {
    /// The session key it is handed over under.
    pub(super) const KEY: &'static str = "roles@load";
}

/// The acting user of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody is signed in.
    Anonymous,
    /// A signed-in person.
    Person(PersonActor),
}

impl crate::domain::platform::audit::ActingPerson for Actor {
    fn acting_person(&self) -> Option<PersonId> {
        self.person()
    }
}

impl Actor {
    /// Builds the actor for a session. A session past its 12 hours, of a disabled person, or
    /// of a person who no longer holds any role in the council acts as anonymous.
    pub async fn load(
        db: &impl ConnectionTrait,
        auth: Option<SessionAuth>,
    ) -> Result<Self, AppError> {
        Self::load_with(db, auth, None).await
    }

    /// [`Actor::load`], from the roles read with the session when they are the sign-in's
    /// person's (no statement), otherwise from the database (one statement).
    pub(super) async fn load_with(
        db: &impl ConnectionTrait,
        auth: Option<SessionAuth>,
        read_with_session: Option<RolesOfSession>,
    ) -> Result<Self, AppError> {
        let Some(auth) = auth else {
            return Ok(Self::Anonymous);
        };
        if auth.expired(chrono::Utc::now()) {
            return Ok(Self::Anonymous);
        }
        let rows = match read_with_session.filter(|r| r.person_id == auth.person_id.0) {
            Some(read) => read
                .rows
                .into_iter()
                .filter(|r| r.council_id == auth.council_id.0)
                .collect(),
            None => Self::roles(db, auth).await?,
        };
        Self::of_rows(auth, &rows)
    }

    /// The person's usable roles in the council, with what every page shows of the person
    /// and the council, in one statement. No row: unknown person, no role, or all suspended.
    async fn roles(db: &impl ConnectionTrait, auth: SessionAuth) -> Result<Vec<RoleRow>, AppError> {
        Ok(membership::Entity::find()
            .select_only()
            .column(membership::Column::CouncilId)
            .column(membership::Column::Role)
            .column_as(person::Column::DisplayName, "display_name")
            .column_as(person::Column::DisabledAt, "disabled_at")
            .column_as(council::Column::Name, "council_name")
            .column_as(council::Column::TimeZone, "time_zone")
            .join(
                JoinType::InnerJoin,
                membership::Entity::belongs_to(person::Entity)
                    .from(membership::Column::PersonId)
                    .to(person::Column::Id)
                    .into(),
            )
            .join(
                JoinType::InnerJoin,
                membership::Entity::belongs_to(council::Entity)
                    .from(membership::Column::CouncilId)
                    .to(council::Column::Id)
                    .into(),
            )
            .filter(membership::Column::PersonId.eq(auth.person_id.0))
            .filter(membership::Column::CouncilId.eq(auth.council_id.0))
            .filter(membership::Column::SuspendedAt.is_null())
            .into_model::<RoleRow>()
            .all(db)
            .await?)
    }

    /// The actor of a sign-in holding `rows` (its roles in its council).
    fn of_rows(auth: SessionAuth, rows: &[RoleRow]) -> Result<Self, AppError> {
        let Some(first) = rows.first() else {
            return Ok(Self::Anonymous);
        };
        if first.disabled_at.is_some() {
            return Ok(Self::Anonymous);
        }
        let (display_name, council_name, time_zone) = (
            first.display_name.clone(),
            first.council_name.clone(),
            first.time_zone.clone(),
        );
        let held: BTreeSet<Role> = rows
            .iter()
            .filter_map(|m| Role::from_code(&m.role))
            .collect();
        if held.is_empty() {
            return Ok(Self::Anonymous);
        }
        let (roles, waiting_roles) = held
            .into_iter()
            .partition(|r| auth.second_factor || !r.needs_second_factor());
        Ok(Self::Person(PersonActor {
            person_id: auth.person_id,
            council_id: auth.council_id,
            display_name,
            council_name,
            time_zone,
            roles,
            waiting_roles,
            second_factor: auth.second_factor,
        }))
    }

    /// The signed-in person's id.
    pub fn person(&self) -> Option<PersonId> {
        match self {
            Self::Anonymous => None,
            Self::Person(p) => Some(p.person_id),
        }
    }

    /// The council this actor acts in, if signed in.
    pub fn council(&self) -> Option<CouncilId> {
        match self {
            Self::Anonymous => None,
            Self::Person(p) => Some(p.council_id),
        }
    }

    /// Whether the actor holds any role in `council`.
    pub fn belongs_to(&self, council: CouncilId) -> bool {
        self.council() == Some(council)
    }

    /// Whether the actor holds `role` in `council`.
    pub fn has_role(&self, council: CouncilId, role: Role) -> bool {
        match self {
            Self::Anonymous => false,
            Self::Person(p) => p.council_id == council && p.roles.contains(&role),
        }
    }

    /// Whether the actor runs the council's work (secretariat or council admin).
    pub fn is_staff_of(&self, council: CouncilId) -> bool {
        self.has_role(council, Role::Secretariat) || self.has_role(council, Role::CouncilAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn actor(council: CouncilId, roles: &[Role]) -> Actor {
        Actor::Person(PersonActor {
            person_id: PersonId(Uuid::new_v4()),
            council_id: council,
            display_name: "x".into(),
            council_name: "c".into(),
            time_zone: "UTC".into(),
            roles: roles.iter().copied().collect(),
            waiting_roles: BTreeSet::new(),
            second_factor: true,
        })
    }

    #[test]
    fn roles_count_only_in_their_own_council() {
        let mine = CouncilId(Uuid::new_v4());
        let other = CouncilId(Uuid::new_v4());
        let secretariat = actor(mine, &[Role::Secretariat]);
        assert!(secretariat.is_staff_of(mine));
        assert!(!secretariat.is_staff_of(other));
        assert!(!secretariat.belongs_to(other));
        assert!(!Actor::Anonymous.belongs_to(mine));
        assert!(!actor(mine, &[Role::Member]).is_staff_of(mine));
    }
}
