//! Who is acting: built from the session for every request, passed to every domain function.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::entities::{membership, person};
use crate::model::AppError;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::viewer::Role;

/// What a signed-in session remembers: who, and in which council they act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAuth {
    /// The signed-in person.
    pub person_id: PersonId,
    /// The council they are acting in.
    pub council_id: CouncilId,
}

impl SessionAuth {
    /// The key under which the session stores this.
    pub const KEY: &'static str = "auth";
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
    /// Their roles in that council (never empty).
    pub roles: BTreeSet<Role>,
}

/// The acting user of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody is signed in.
    Anonymous,
    /// A signed-in person.
    Person(PersonActor),
}

impl Actor {
    /// Builds the actor for a session. A session whose person no longer holds any role in
    /// the council (removed, or the council deleted) acts as anonymous.
    pub async fn load(
        db: &DatabaseConnection,
        auth: Option<SessionAuth>,
    ) -> Result<Self, AppError> {
        let Some(auth) = auth else {
            return Ok(Self::Anonymous);
        };
        let Some(person) = person::Entity::find_by_id(auth.person_id.0).one(db).await? else {
            return Ok(Self::Anonymous);
        };
        let roles: BTreeSet<Role> = membership::Entity::find()
            .filter(membership::Column::PersonId.eq(auth.person_id.0))
            .filter(membership::Column::CouncilId.eq(auth.council_id.0))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|m| Role::from_code(&m.role))
            .collect();
        if roles.is_empty() {
            return Ok(Self::Anonymous);
        }
        Ok(Self::Person(PersonActor {
            person_id: auth.person_id,
            council_id: auth.council_id,
            display_name: person.display_name,
            roles,
        }))
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
            roles: roles.iter().copied().collect(),
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
