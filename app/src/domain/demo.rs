//! Demo data and the demo sign-in that stands in for real login on a developer's machine.
//!
//! Demo sign-in exists only when the server runs with `--demo` on a loopback address
//! ([`super::Settings::demo`]), and only ever signs in people created here (`is_demo`).

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::entities::{consultation, council, draft_version, membership, person, section};
use super::{AppState, SessionAuth};
use crate::model::AppError;
use crate::model::consultation::Phase;
use crate::model::consultation::Visibility;
use crate::model::ids::{CouncilId, PersonId};
use crate::model::viewer::{DemoPerson, Role};

/// The slug of the demo council.
pub const DEMO_COUNCIL_SLUG: &str = "demo";

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo council was created.
    Created,
    /// The database already had the demo council; nothing changed.
    AlreadyPresent,
}

/// Seeds the demo council only if the database has no council at all (first start).
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<Option<SeedOutcome>, AppError> {
    if council::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    seed(db).await.map(Some)
}

/// Creates the demo council with one person per role and a sample consultation.
pub async fn seed(db: &DatabaseConnection) -> Result<SeedOutcome, AppError> {
    let existing = council::Entity::find()
        .filter(council::Column::Slug.eq(DEMO_COUNCIL_SLUG))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(SeedOutcome::AlreadyPresent);
    }
    let txn = super::db::begin_write(db).await?;
    let now = Utc::now();
    let council_id = Uuid::new_v4();
    council::ActiveModel {
        id: Set(council_id),
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

    for (name, role) in DEMO_PEOPLE {
        let person_id = Uuid::new_v4();
        person::ActiveModel {
            id: Set(person_id),
            display_name: Set((*name).to_owned()),
            preferred_language: Set("en".to_owned()),
            is_demo: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        membership::ActiveModel {
            id: Set(Uuid::new_v4()),
            council_id: Set(council_id),
            person_id: Set(person_id),
            role: Set(role.code().to_owned()),
            created_at: Set(now),
            suspended_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }

    let consultation_id = Uuid::new_v4();
    consultation::ActiveModel {
        id: Set(consultation_id),
        council_id: Set(council_id),
        title: Set("Draft Act on Support Services (sample)".to_owned()),
        summary: Set(SAMPLE_SUMMARY.to_owned()),
        phase: Set(Phase::Open.code().to_owned()),
        visibility: Set(Visibility::Council.code().to_owned()),
        opens_at: Set(Some(now)),
        closes_at: Set(Some(now + Duration::days(21))),
        created_at: Set(now),
        languages: Set("en,fr".to_owned()),
        created_by: Set(None),
        outcome_public: Set(false),
        reminder_sent_at: Set(None),
        opened_at: Set(Some(now)),
        closed_at: Set(None),
        revision: Set(0),
    }
    .insert(&txn)
    .await?;
    insert_sample_draft(&txn, consultation_id).await?;
    txn.commit().await?;
    Ok(SeedOutcome::Created)
}

async fn insert_sample_draft(
    txn: &impl ConnectionTrait,
    consultation_id: Uuid,
) -> Result<(), AppError> {
    let version_id = Uuid::new_v4();
    draft_version::ActiveModel {
        id: Set(version_id),
        consultation_id: Set(consultation_id),
        number: Set(1),
        created_at: Set(Utc::now()),
        published_at: Set(Some(Utc::now())),
        note: Set(String::new()),
    }
    .insert(txn)
    .await?;
    let rows = SAMPLE_DRAFT
        .iter()
        .enumerate()
        .map(|(i, s)| section::ActiveModel {
            id: Set(Uuid::new_v4()),
            version_id: Set(version_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            depth: Set(s.depth),
            kind: Set(s.kind.to_owned()),
            anchor: Set(s.anchor.to_owned()),
            number: Set(s.number.to_owned()),
            heading: Set(s.heading.to_owned()),
            body: Set(s.body.to_owned()),
            content_note: Set(s.note.map(str::to_owned)),
        });
    section::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// The demo people, in the order the demo page lists them.
pub async fn people(state: &AppState) -> Result<Vec<DemoPerson>, AppError> {
    ensure_enabled(state)?;
    let Some(demo) = demo_council(&state.db).await? else {
        return Ok(Vec::new());
    };
    let memberships = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(demo.id))
        .all(&state.db)
        .await?;
    let demo_people = person::Entity::find()
        .filter(person::Column::IsDemo.eq(true))
        .order_by_asc(person::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let mut out: Vec<DemoPerson> = memberships
        .iter()
        .filter_map(|m| {
            let p = demo_people.iter().find(|p| p.id == m.person_id)?;
            Some(DemoPerson {
                id: PersonId(p.id),
                display_name: p.display_name.clone(),
                role: Role::from_code(&m.role)?,
            })
        })
        .collect();
    out.sort_by_key(|p| p.role);
    Ok(out)
}

/// Signs in as a demo person. Refused unless demo mode is on and the person is a demo person.
pub async fn sign_in(state: &AppState, person_id: PersonId) -> Result<SessionAuth, AppError> {
    ensure_enabled(state)?;
    let Some(demo) = demo_council(&state.db).await? else {
        return Err(AppError::NotFound);
    };
    let is_demo_person = person::Entity::find_by_id(person_id.0)
        .one(&state.db)
        .await?
        .is_some_and(|p| p.is_demo);
    if !is_demo_person {
        return Err(AppError::NotFound);
    }
    // Demo people have no second factor to pass; demo mode exists only on loopback.
    let mut auth = SessionAuth::new(person_id, CouncilId(demo.id));
    auth.second_factor = true;
    super::audit::record(
        &state.db,
        super::audit::Event::new("auth.sign_in")
            .council(auth.council_id)
            .by(person_id.0)
            .detail("method", "demo"),
    )
    .await?;
    Ok(auth)
}

/// The demo page does not exist outside demo mode: a 404, not a 403, so it cannot be found.
fn ensure_enabled(state: &AppState) -> Result<(), AppError> {
    if state.settings.demo {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

async fn demo_council(db: &DatabaseConnection) -> Result<Option<council::Model>, AppError> {
    Ok(council::Entity::find()
        .filter(council::Column::Slug.eq(DEMO_COUNCIL_SLUG))
        .one(db)
        .await?)
}

const DEMO_PEOPLE: &[(&str, Role)] = &[
    ("Amina", Role::Member),
    ("Sam", Role::Secretariat),
    ("Farah", Role::Finance),
    ("Noor", Role::CouncilAdmin),
    ("Jules", Role::Auditor),
];

const SAMPLE_SUMMARY: &str = "The government wants to set out in law what support people can \
get, who pays for it and how people with lived experience are asked for advice. This sample \
draft has three chapters. Please tell us what works, what is missing and what should change.";

struct SampleSection {
    depth: i32,
    kind: &'static str,
    anchor: &'static str,
    number: &'static str,
    heading: &'static str,
    body: &'static str,
    note: Option<&'static str>,
}

const fn s(
    depth: i32,
    kind: &'static str,
    anchor: &'static str,
    number: &'static str,
    heading: &'static str,
    body: &'static str,
) -> SampleSection {
    SampleSection {
        depth,
        kind,
        anchor,
        number,
        heading,
        body,
        note: None,
    }
}

/// A short sample law written for this project (not a real text).
const SAMPLE_DRAFT: &[SampleSection] = &[
    s(0, "chapter", "ch-1", "Chapter 1", "General provisions", ""),
    s(1, "article", "ch-1-art-1", "Article 1", "Purpose", ""),
    s(
        2,
        "paragraph",
        "ch-1-art-1-p-1",
        "1.",
        "",
        "This Act sets out the support that the State provides to people who have been harmed by \
       serious exploitation, and how those people take part in decisions about that support.",
    ),
    s(
        2,
        "paragraph",
        "ch-1-art-1-p-2",
        "2.",
        "",
        "Support under this Act does not depend on a person taking part in criminal proceedings.",
    ),
    s(1, "article", "ch-1-art-2", "Article 2", "Definitions", ""),
    s(2, "paragraph", "ch-1-art-2-p-1", "1.", "", "In this Act:"),
    s(
        3,
        "point",
        "ch-1-art-2-p-1-a",
        "(a)",
        "",
        "\"support provider\" means a public body or an organisation funded under Chapter 2;",
    ),
    s(
        3,
        "point",
        "ch-1-art-2-p-1-b",
        "(b)",
        "",
        "\"advisory council\" means the body established under Article 5;",
    ),
    s(
        3,
        "point",
        "ch-1-art-2-p-1-c",
        "(c)",
        "",
        "\"expert adviser\" means a member of the advisory council who has lived experience.",
    ),
    s(0, "chapter", "ch-2", "Chapter 2", "Support", ""),
    s(
        1,
        "article",
        "ch-2-art-3",
        "Article 3",
        "Right to support",
        "",
    ),
    s(
        2,
        "paragraph",
        "ch-2-art-3-p-1",
        "1.",
        "",
        "Every person referred to in Article 1 has the right to safe housing, medical care, \
       psychological support, legal advice and interpretation, free of charge.",
    ),
    s(
        2,
        "paragraph",
        "ch-2-art-3-p-2",
        "2.",
        "",
        "Support shall be offered in a language the person understands and shall respect the \
       person's choices.",
    ),
    s(
        1,
        "article",
        "ch-2-art-4",
        "Article 4",
        "Recovery period",
        "",
    ),
    SampleSection {
        note: Some("Describes coercion and threats."),
        ..s(
            2,
            "paragraph",
            "ch-2-art-4-p-1",
            "1.",
            "",
            "A person who has been threatened or coerced into work shall have a recovery period \
             of at least 90 days, during which no removal order may be carried out.",
        )
    },
    s(
        2,
        "paragraph",
        "ch-2-art-4-p-2",
        "2.",
        "",
        "The recovery period may be extended where the person's health or safety requires it.",
    ),
    s(0, "chapter", "ch-3", "Chapter 3", "Advice and review", ""),
    s(
        1,
        "article",
        "ch-3-art-5",
        "Article 5",
        "Advisory council",
        "",
    ),
    s(
        2,
        "paragraph",
        "ch-3-art-5-p-1",
        "1.",
        "",
        "An advisory council of expert advisers is established. The responsible ministry shall \
       consult it on every draft law, policy and procedure that concerns the people referred to \
       in Article 1.",
    ),
    s(
        2,
        "paragraph",
        "ch-3-art-5-p-2",
        "2.",
        "",
        "Expert advisers shall be paid for their time and expenses at rates set by the council.",
    ),
    s(
        2,
        "paragraph",
        "ch-3-art-5-p-3",
        "3.",
        "",
        "The ministry shall answer every comment of the council in writing, giving reasons.",
    ),
    s(
        1,
        "article",
        "ch-3-art-6",
        "Article 6",
        "Entry into force",
        "",
    ),
    s(
        2,
        "paragraph",
        "ch-3-art-6-p-1",
        "1.",
        "",
        "This Act enters into force six months after its publication.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn sample_anchors_are_unique_and_depths_nest() {
        let anchors: HashSet<_> = SAMPLE_DRAFT.iter().map(|s| s.anchor).collect();
        assert_eq!(anchors.len(), SAMPLE_DRAFT.len());
        let mut previous = -1;
        for section in SAMPLE_DRAFT {
            assert!(
                section.depth <= previous + 1,
                "{} skips a level",
                section.anchor
            );
            previous = section.depth;
        }
    }
}
