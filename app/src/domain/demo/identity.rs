//! The demo council and its people: one person per role, and a second member so that
//! comments have replies from someone else. Demo people have no email address, so no mail
//! is ever queued for them.

use crate::domain::platform::db::Connection;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use super::DEMO_COUNCIL_SLUG;
use crate::domain::identity::entities::{council, membership, person};
use crate::domain::platform::db;
use crate::model::AppError;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::viewer::Role;

/// The demo page lists them in this order within each role.
const DEMO_PEOPLE: &[(&str, Role)] = &[
    ("Amina", Role::Member),
    ("Sam", Role::Secretariat),
    ("Farah", Role::Finance),
    ("Noor", Role::CouncilAdmin),
    ("Jules", Role::Auditor),
    ("Lior", Role::Member),
];

/// Who the other seed functions act as.
#[derive(Debug, Clone, Copy)]
pub(super) struct DemoPeople {
    /// The demo council.
    pub council: CouncilId,
    /// The first member (Amina).
    pub member: PersonId,
    /// The second member (Lior).
    pub other_member: PersonId,
    /// The secretariat (Sam).
    pub secretariat: PersonId,
    /// Finance (Farah).
    pub finance: PersonId,
    /// The council admin (Noor).
    pub admin: PersonId,
}

/// Creates the council and its people in one transaction.
pub(super) async fn seed(database: &impl Connection) -> Result<DemoPeople, AppError> {
    let txn = db::begin_write(database).await?;
    let now = Utc::now();
    let council = Uuid::new_v4();
    council::ActiveModel {
        id: Set(council),
        slug: Set(DEMO_COUNCIL_SLUG.to_owned()),
        name: Set("Demo Advisory Council".to_owned()),
        country: Set("XX".to_owned()),
        default_language: Set("en".to_owned()),
        time_zone: Set("Europe/Vienna".to_owned()),
        currency: Set("EUR".to_owned()),
        languages: Set("en,fr".to_owned()),
        settings: Set("{}".to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut ids = Vec::with_capacity(DEMO_PEOPLE.len());
    for (i, (name, role)) in DEMO_PEOPLE.iter().enumerate() {
        let person_id = Uuid::new_v4();
        // Distinct creation times keep the demo page's order fixed.
        let created = now + chrono::Duration::milliseconds(i64::try_from(i).unwrap_or(0));
        person::ActiveModel {
            id: Set(person_id),
            display_name: Set((*name).to_owned()),
            preferred_language: Set("en".to_owned()),
            is_demo: Set(true),
            created_at: Set(created),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        membership::ActiveModel {
            id: Set(Uuid::new_v4()),
            council_id: Set(council),
            person_id: Set(person_id),
            role: Set(role.code().to_owned()),
            created_at: Set(created),
            suspended_at: Set(None),
        }
        .insert(&txn)
        .await?;
        ids.push(PersonId(person_id));
    }
    txn.commit().await?;
    Ok(DemoPeople {
        council: CouncilId(council),
        member: ids[0],
        other_member: ids[5],
        secretariat: ids[1],
        finance: ids[2],
        admin: ids[3],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_demo_person() {
        for role in Role::ALL {
            assert!(DEMO_PEOPLE.iter().any(|(_, r)| *r == role), "{role:?}");
        }
        assert_eq!(DEMO_PEOPLE[0].1, Role::Member);
        assert_eq!(DEMO_PEOPLE[5].1, Role::Member);
        assert_eq!(DEMO_PEOPLE[1].1, Role::Secretariat);
    }
}
