//! The sample consultation, in full swing: open for comments, with comments of every kind
//! (comment, concern, question, proposed wording) and every attribution (by name, by
//! pseudonym, anonymous), a reply, answers of several decisions (and comments still waiting
//! for one), consent to the public report, and a second version whose diff links the changed
//! paragraph to the comment behind it. Everything after the first version goes through the
//! consultations capability's own rules, as the people would do it.

use crate::domain::platform::db::Connection;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use super::identity::DemoPeople;
use crate::domain::consultations::entities::{consultation, draft_version, section};
use crate::domain::consultations::{comments, drafts, responses};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState, SessionAuth};
use crate::model::AppError;
use crate::model::comment::{CommentFields, ResponseFields};
use crate::model::consultation::{Phase, SectionFields, Visibility};
use crate::model::ids::{CommentId, ConsultationId, PersonId, SectionId};

/// The paragraph the accepted proposal rewords in the second version.
const REWORDED: &str = "ch-2-art-3-p-2";

/// Seeds the sample consultation of the demo council.
pub(super) async fn seed(state: &AppState, people: &DemoPeople) -> Result<(), AppError> {
    let db = &state.db;
    let id = insert_open_consultation(db, people).await?;
    let amina = acting(db, people, people.member).await?;
    let lior = acting(db, people, people.other_member).await?;
    let sam = acting(db, people, people.secretariat).await?;

    let named = comments::add(
        state,
        &amina,
        id,
        Some(published_section(db, id, "ch-1-art-1-p-2").await?),
        None,
        &CommentFields {
            consent: Some("on".to_owned()),
            ..fields(
                "comment",
                "named",
                "Thank you for this paragraph. Many of us were afraid of the police at first; \
                 support must never wait for a statement.",
            )
        },
    )
    .await?;
    let proposal = comments::add(
        state,
        &amina,
        id,
        Some(published_section(db, id, REWORDED).await?),
        None,
        &CommentFields {
            quote: "shall respect the person's choices".to_owned(),
            proposal: PROPOSED_WORDING.to_owned(),
            ..fields(
                "wording",
                "named",
                "\"Respect\" is too vague. Say that nobody is moved or treated without agreeing.",
            )
        },
    )
    .await?;
    let concern = comments::add(
        state,
        &amina,
        id,
        Some(published_section(db, id, "ch-2-art-4-p-1").await?),
        None,
        &fields(
            "concern",
            "pseudonym",
            "90 days is too short for many people. Recovery takes longer than that.",
        ),
    )
    .await?;
    comments::add(
        state,
        &lior,
        id,
        Some(published_section(db, id, "ch-3-art-5-p-2").await?),
        None,
        &fields(
            "question",
            "anonymous",
            "Who sets the rates, and are travel and childcare counted as expenses?",
        ),
    )
    .await?;
    comments::add(
        state,
        &lior,
        id,
        None,
        Some(named),
        &fields(
            "comment",
            "pseudonym",
            "Agreed. It should also say so in the information people get on the first day.",
        ),
    )
    .await?;

    answer(state, &sam, proposal, "accepted", true, ACCEPTED).await?;
    answer(state, &sam, named, "noted", false, NOTED).await?;
    answer(state, &sam, concern, "partly_accepted", false, PARTLY).await?;

    // The second version: the accepted wording, published while the period is still open.
    drafts::start_revision(db, &sam, id).await?;
    let pending = pending_section(db, id, REWORDED).await?;
    drafts::edit_section(
        db,
        &sam,
        id,
        pending,
        &SectionFields {
            number: "2.".to_owned(),
            heading: String::new(),
            body: PROPOSED_WORDING.to_owned(),
            content_note: String::new(),
        },
    )
    .await?;
    drafts::publish(
        state,
        &sam,
        id,
        "Article 3(2) reworded after the council's comments.",
    )
    .await?;
    Ok(())
}

/// A comment form as a person fills it in.
fn fields(kind: &str, attribution: &str, body: &str) -> CommentFields {
    CommentFields {
        kind: kind.to_owned(),
        body: body.to_owned(),
        quote: String::new(),
        proposal: String::new(),
        attribution: attribution.to_owned(),
        consent: None,
    }
}

async fn answer(
    state: &AppState,
    secretariat: &Actor,
    comment: CommentId,
    decision: &str,
    changed: bool,
    explanation: &str,
) -> Result<(), AppError> {
    responses::answer(
        state,
        secretariat,
        comment,
        &ResponseFields {
            decision: decision.to_owned(),
            explanation: explanation.to_owned(),
            changed: changed.then(|| "on".to_owned()),
            also: None,
        },
    )
    .await
}

/// The actor of a demo person, as their signed-in session would load it.
pub(super) async fn acting(
    db: &impl ConnectionTrait,
    people: &DemoPeople,
    person: PersonId,
) -> Result<Actor, AppError> {
    let mut auth = SessionAuth::new(person, people.council);
    auth.second_factor = true;
    Actor::load(db, Some(auth)).await
}

/// The section with `anchor` in the newest published version.
async fn published_section(
    db: &impl ConnectionTrait,
    id: ConsultationId,
    anchor: &str,
) -> Result<SectionId, AppError> {
    section_in(db, id, anchor, true).await
}

/// The section with `anchor` in the version being prepared.
async fn pending_section(
    db: &impl ConnectionTrait,
    id: ConsultationId,
    anchor: &str,
) -> Result<SectionId, AppError> {
    section_in(db, id, anchor, false).await
}

async fn section_in(
    db: &impl ConnectionTrait,
    id: ConsultationId,
    anchor: &str,
    published: bool,
) -> Result<SectionId, AppError> {
    let versions = draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(id.0))
        .all(db)
        .await?;
    let version = versions
        .iter()
        .filter(|v| v.published_at.is_some() == published)
        .max_by_key(|v| v.number)
        .ok_or(AppError::NotFound)?;
    section::Entity::find()
        .filter(section::Column::VersionId.eq(version.id))
        .filter(section::Column::Anchor.eq(anchor))
        .one(db)
        .await?
        .map(|s| SectionId(s.id))
        .ok_or(AppError::NotFound)
}

/// The consultation, open for three weeks, with the first version published (one
/// transaction: the sample text is data, like a migration's).
async fn insert_open_consultation(
    database: &impl Connection,
    people: &DemoPeople,
) -> Result<ConsultationId, AppError> {
    let txn = db::begin_write(database).await?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    consultation::ActiveModel {
        id: Set(id),
        council_id: Set(people.council.0),
        title: Set("Draft Act on Support Services (sample)".to_owned()),
        summary: Set(SAMPLE_SUMMARY.to_owned()),
        phase: Set(Phase::Open.code().to_owned()),
        visibility: Set(Visibility::Council.code().to_owned()),
        opens_at: Set(Some(now)),
        closes_at: Set(Some(now + Duration::days(21))),
        created_at: Set(now),
        languages: Set("en,fr".to_owned()),
        created_by: Set(Some(people.secretariat.0)),
        outcome_public: Set(false),
        reminder_sent_at: Set(None),
        opened_at: Set(Some(now)),
        closed_at: Set(None),
        revision: Set(0),
    }
    .insert(&txn)
    .await?;
    let version = Uuid::new_v4();
    draft_version::ActiveModel {
        id: Set(version),
        consultation_id: Set(id),
        number: Set(1),
        created_at: Set(now),
        published_at: Set(Some(now)),
        note: Set(String::new()),
        tradition: Set(Some("eu".to_owned())),
        tradition_detected: Set(true),
    }
    .insert(&txn)
    .await?;
    let rows = SAMPLE_DRAFT
        .iter()
        .enumerate()
        .map(|(i, s)| section::ActiveModel {
            id: Set(Uuid::new_v4()),
            version_id: Set(version),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            depth: Set(s.depth),
            kind: Set(s.kind.to_owned()),
            anchor: Set(s.anchor.to_owned()),
            number: Set(s.number.to_owned()),
            heading: Set(s.heading.to_owned()),
            body: Set(s.body.to_owned()),
            content_note: Set(s.note.map(str::to_owned)),
        });
    section::Entity::insert_many(rows).exec(&txn).await?;
    txn.commit().await?;
    Ok(ConsultationId(id))
}

const PROPOSED_WORDING: &str = "Support shall be offered in a language the person understands. \
Nobody shall be moved, examined or treated without their informed agreement.";

const ACCEPTED: &str = "Agreed. The second version uses your wording for Article 3(2).";
const NOTED: &str = "Thank you. Article 1(2) already says this; we will repeat it in the \
information leaflet.";
const PARTLY: &str = "We will ask the ministry for 120 days. The extension in paragraph 2 \
stays.";

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
