//! Consultations: who may read which, the reading views (whole draft, one chapter), and
//! creating and editing a consultation's details.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::audit::{self, Event};
use super::entities::{
    comment, consultation, council, draft_version, membership, participant, person, section,
};
use super::{Actor, councils};
use crate::model::AppError;
use crate::model::comment::CommentStatus;
use crate::model::consultation::{
    ChapterView, ConsultationDetail, ConsultationFields, ConsultationInput, ConsultationList,
    ConsultationSummary, ManageView, Permissions, Phase, SectionView, Visibility,
};
use crate::model::ids::{ConsultationId, CouncilId, PersonId};
use crate::model::viewer::Role;

/// What one actor may do with one consultation. The rule lives here and only here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// May read the draft and the comments.
    pub read: bool,
    /// Runs the consultation (secretariat or council admin of its council).
    pub manage: bool,
}

/// The visibility rule: staff of the council always; drafts only for staff; members of
/// the council for "council" consultations, invited members for "invited" ones. Finance and
/// auditors read no comments (auditors see the figures). Never across councils.
pub async fn access(
    db: &impl ConnectionTrait,
    actor: &Actor,
    c: &consultation::Model,
) -> Result<Access, AppError> {
    let council = CouncilId(c.council_id);
    let manage = actor.is_staff_of(council);
    if manage {
        return Ok(Access { read: true, manage });
    }
    let phase = phase_of(c);
    let Some(person) = actor.person() else {
        return Ok(Access {
            read: false,
            manage,
        });
    };
    if phase == Phase::Draft || !actor.has_role(council, Role::Member) {
        return Ok(Access {
            read: false,
            manage,
        });
    }
    let read = match Visibility::from_code(&c.visibility).unwrap_or(Visibility::Invited) {
        Visibility::Council => true,
        Visibility::Invited => {
            participant::Entity::find()
                .filter(participant::Column::ConsultationId.eq(c.id))
                .filter(participant::Column::PersonId.eq(person.0))
                .count(db)
                .await?
                > 0
        }
    };
    Ok(Access { read, manage })
}

/// The consultation's phase (an unknown stored code reads as a draft, the safest).
pub fn phase_of(c: &consultation::Model) -> Phase {
    Phase::from_code(&c.phase).unwrap_or(Phase::Draft)
}

/// Whether comments are accepted at `now`: open, and not past the closing time even if the
/// background job has not closed it yet.
pub fn accepts_comments(c: &consultation::Model, now: DateTime<Utc>) -> bool {
    phase_of(c) == Phase::Open && c.closes_at.is_none_or(|close| now < close)
}

/// Loads a consultation the actor may read, or `NotFound` (unknown and forbidden look alike,
/// so ids cannot be probed).
pub async fn readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
) -> Result<(consultation::Model, Access), AppError> {
    let found = consultation::Entity::find_by_id(id.0).one(db).await?;
    let Some(c) = found else {
        return Err(AppError::NotFound);
    };
    let access = access(db, actor, &c).await?;
    if !access.read {
        return Err(AppError::NotFound);
    }
    Ok((c, access))
}

/// Loads a consultation the actor runs: `NotFound` when they may not even read it,
/// `Forbidden` when they read but do not run it.
pub async fn managed(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
) -> Result<consultation::Model, AppError> {
    let (c, access) = readable(db, actor, id).await?;
    if !access.manage {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

/// The council's time zone name.
pub async fn time_zone(db: &impl ConnectionTrait, council: Uuid) -> Result<String, AppError> {
    Ok(council::Entity::find_by_id(council)
        .one(db)
        .await?
        .map(|c| c.time_zone)
        .unwrap_or_else(|| "UTC".to_owned()))
}

/// The council's time zone, from the actor when they act in that council (no query).
pub async fn time_zone_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    council: Uuid,
) -> Result<String, AppError> {
    match actor {
        Actor::Person(p) if p.council_id.0 == council => Ok(p.time_zone.clone()),
        _ => time_zone(db, council).await,
    }
}

/// The consultations of the current council that the actor may see, newest first.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> Result<ConsultationList, AppError> {
    let Some(council) = councils::current(db, actor).await? else {
        return Ok(ConsultationList {
            council: None,
            consultations: Vec::new(),
        });
    };
    let all = consultation::Entity::find()
        .filter(consultation::Column::CouncilId.eq(council.id))
        .order_by_desc(consultation::Column::CreatedAt)
        .order_by_asc(consultation::Column::Id)
        .all(db)
        .await?;
    let mut consultations = Vec::new();
    for c in all {
        if access(db, actor, &c).await?.read {
            consultations.push(summary(&c, &council.time_zone));
        }
    }
    Ok(ConsultationList {
        council: Some(councils::summary(&council)),
        consultations,
    })
}

/// The newest published version of a consultation, if any.
pub async fn latest_published(
    db: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Option<draft_version::Model>, AppError> {
    Ok(draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(consultation))
        .filter(draft_version::Column::PublishedAt.is_not_null())
        .order_by_desc(draft_version::Column::Number)
        .one(db)
        .await?)
}

/// Every published version number, oldest first.
pub async fn published_numbers(
    db: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<Vec<i32>, AppError> {
    Ok(draft_version::Entity::find()
        .select_only()
        .column(draft_version::Column::Number)
        .filter(draft_version::Column::ConsultationId.eq(consultation))
        .filter(draft_version::Column::PublishedAt.is_not_null())
        .order_by_asc(draft_version::Column::Number)
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// The sections of one version, in reading order.
pub async fn sections_of(
    db: &impl ConnectionTrait,
    version: Uuid,
) -> Result<Vec<section::Model>, AppError> {
    Ok(section::Entity::find()
        .filter(section::Column::VersionId.eq(version))
        .order_by_asc(section::Column::Position)
        .all(db)
        .await?)
}

/// The anchor of the top-level section each section belongs to (the chapter view's key).
fn chapters_of(sections: &[section::Model]) -> Vec<String> {
    let mut current = String::new();
    sections
        .iter()
        .map(|s| {
            if s.depth == 0 || current.is_empty() {
                current.clone_from(&s.anchor);
            }
            current.clone()
        })
        .collect()
}

/// The reader's view of one section.
pub fn section_view(s: &section::Model, chapter: &str, comment_count: i32) -> SectionView {
    SectionView {
        id: crate::model::ids::SectionId(s.id),
        depth: s.depth,
        kind: s.kind.clone(),
        anchor: s.anchor.clone(),
        number: s.number.clone(),
        heading: s.heading.clone(),
        body: s.body.clone(),
        content_note: s.content_note.clone(),
        comment_count,
        chapter: chapter.to_owned(),
    }
}

/// Number and heading of a section as one line.
pub fn section_title(s: &section::Model) -> String {
    match (s.number.is_empty(), s.heading.is_empty()) {
        (false, false) => format!("{} – {}", s.number, s.heading),
        (false, true) => s.number.clone(),
        (true, false) => s.heading.clone(),
        (true, true) => s.anchor.clone(),
    }
}

/// Visible comments per anchor of a consultation (one query).
async fn comment_counts(
    db: &impl ConnectionTrait,
    consultation: Uuid,
) -> Result<HashMap<String, i32>, AppError> {
    let rows: Vec<(String, i64)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Anchor)
        .column_as(comment::Column::Id.count(), "n")
        .filter(comment::Column::ConsultationId.eq(consultation))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .group_by(comment::Column::Anchor)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(a, n)| (a, i32::try_from(n).unwrap_or(i32::MAX)))
        .collect())
}

/// What the reader may do, given their access and the time.
pub fn permissions(actor: &Actor, c: &consultation::Model, access: Access) -> Permissions {
    let phase = phase_of(c);
    Permissions {
        comment: access.read
            && actor.has_role(CouncilId(c.council_id), Role::Member)
            && accepts_comments(c, Utc::now()),
        manage: access.manage,
        outcome: access.read && phase >= Phase::Responded
            || access.manage && phase >= Phase::Closed,
    }
}

/// The whole draft (newest published version; staff see a draft consultation's newest
/// version even before it is published), with comment counts per section.
pub async fn detail(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<ConsultationDetail, AppError> {
    let (c, access) = readable(db, actor, id).await?;
    let time_zone = time_zone_for(db, actor, c.council_id).await?;
    let version = latest_published(db, c.id).await?;
    let counts = comment_counts(db, c.id).await?;
    let (number, sections) = match version {
        None => (0, Vec::new()),
        Some(v) => {
            let sections = sections_of(db, v.id).await?;
            let chapters = chapters_of(&sections);
            let views = sections
                .iter()
                .zip(&chapters)
                .map(|(s, ch)| section_view(s, ch, counts.get(&s.anchor).copied().unwrap_or(0)))
                .collect();
            (v.number, views)
        }
    };
    Ok(ConsultationDetail {
        summary: summary(&c, &time_zone),
        version: number,
        versions: published_numbers(db, c.id).await?,
        sections,
        may: permissions(actor, &c, access),
    })
}

/// One chapter of the newest published version with every comment on it. The number of
/// queries does not grow with sections or comments; a reader's view is reused while the
/// consultation is unchanged (see [`super::chapter_cache`]).
pub async fn chapter(
    state: &super::AppState,
    actor: &Actor,
    id: ConsultationId,
    anchor: &str,
) -> Result<ChapterView, AppError> {
    let db = &state.db;
    let (c, access) = readable(db, actor, id).await?;
    let key = super::chapter_cache::Key {
        consultation: c.id,
        anchor: anchor.to_owned(),
        reader: actor.person().map(|p| p.0),
        manage: access.manage,
    };
    let view = match state.chapters.get(&key, c.revision) {
        Some(view) => view,
        None => {
            let view = std::sync::Arc::new(chapter_view(state, actor, &c, access, anchor).await?);
            state.chapters.put(key, view.clone());
            view
        }
    };
    // Most readers keep no text; the actor already knows, so they need no query for it.
    let drafts = match actor.person() {
        Some(person) if actor.has_comment_drafts() => {
            super::comments::drafts_of(db, person, c.id).await?
        }
        _ => Vec::new(),
    };
    Ok(ChapterView {
        summary: summary(&c, &view.time_zone),
        version: view.version,
        sections: view.sections.clone(),
        comments: view.comments.clone(),
        previous: view.previous.clone(),
        next: view.next.clone(),
        may: permissions(actor, &c, access),
        drafts,
        reader: actor.person(),
        revision: view.revision,
    })
}

/// Builds the reader's view of one chapter from the database, at `c`'s revision.
async fn chapter_view(
    state: &super::AppState,
    actor: &Actor,
    c: &consultation::Model,
    access: Access,
    anchor: &str,
) -> Result<super::chapter_cache::Chapter, AppError> {
    let db = &state.db;
    // Read after the consultation (not taken from the actor), so it is at least as new as
    // the revision the view is kept under.
    let time_zone = time_zone(db, c.council_id).await?;
    let version = latest_published(db, c.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = sections_of(db, version.id).await?;
    let chapters = chapters_of(&all);
    // Chapter heads in order, for previous / next.
    let heads: Vec<&section::Model> = all
        .iter()
        .zip(&chapters)
        .filter(|(s, ch)| &s.anchor == *ch)
        .map(|(s, _)| s)
        .collect();
    let position = heads
        .iter()
        .position(|h| h.anchor == anchor)
        .ok_or(AppError::NotFound)?;
    let link = |s: &&section::Model| (s.anchor.clone(), section_title(s));
    let previous = position.checked_sub(1).and_then(|p| heads.get(p)).map(link);
    let next = heads.get(position + 1).map(link);
    let mine: Vec<&section::Model> = all
        .iter()
        .zip(&chapters)
        .filter(|(_, ch)| ch.as_str() == anchor)
        .map(|(s, _)| s)
        .collect();
    let anchors: Vec<String> = mine.iter().map(|s| s.anchor.clone()).collect();
    let comments =
        super::comments::for_anchors(state, actor, c, access, &time_zone, &anchors, &mine).await?;
    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
    for view in &comments {
        if view.status == CommentStatus::Visible
            && let Some(s) = mine.iter().find(|s| s.id == view.section.0)
        {
            *counts.entry(s.anchor.as_str()).or_default() += 1;
        }
    }
    let sections = mine
        .iter()
        .map(|s| {
            section_view(
                s,
                anchor,
                counts.get(s.anchor.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(super::chapter_cache::Chapter {
        revision: c.revision,
        time_zone,
        version: version.number,
        sections: std::sync::Arc::new(sections),
        comments: std::sync::Arc::new(comments),
        previous,
        next,
    })
}

/// The list form of a consultation.
pub fn summary(c: &consultation::Model, time_zone: &str) -> ConsultationSummary {
    ConsultationSummary {
        id: ConsultationId(c.id),
        title: c.title.clone(),
        summary: c.summary.clone(),
        phase: phase_of(c),
        closes_at_local: c.closes_at.map(|at| councils::local_time(at, time_zone)),
    }
}

/// Converts a local time in the council's zone to UTC (a time skipped by a clock change is
/// refused; an ambiguous one takes the earlier instant).
pub fn to_utc(
    field: &str,
    local: chrono::NaiveDateTime,
    time_zone: &str,
) -> Result<DateTime<Utc>, AppError> {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::invalid(field, crate::model::InputProblem::Incorrect))
}

fn local_field(at: Option<DateTime<Utc>>, time_zone: &str) -> String {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    at.map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// The council's time zone, for the "new consultation" form (secretariat or council admin).
pub async fn new_form(db: &DatabaseConnection, actor: &Actor) -> Result<String, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !actor.is_staff_of(council) {
        return Err(AppError::Forbidden);
    }
    time_zone(db, council.0).await
}

/// Creates a consultation in the actor's council (secretariat or council admin).
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    fields: &ConsultationFields,
) -> Result<ConsultationId, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !actor.is_staff_of(council) {
        return Err(AppError::Forbidden);
    }
    let input = ConsultationInput::parse(fields)?;
    let tz = time_zone(db, council.0).await?;
    let opens_at = input
        .opens_at
        .map(|t| to_utc("opens_at", t, &tz))
        .transpose()?;
    let closes_at = input
        .closes_at
        .map(|t| to_utc("closes_at", t, &tz))
        .transpose()?;
    let id = Uuid::now_v7();
    let txn = super::db::begin_write(db).await?;
    consultation::Entity::insert(consultation::ActiveModel {
        id: Set(id),
        council_id: Set(council.0),
        title: Set(input.title),
        summary: Set(input.summary),
        phase: Set(Phase::Draft.code().to_owned()),
        visibility: Set(input.visibility.code().to_owned()),
        opens_at: Set(opens_at),
        closes_at: Set(closes_at),
        created_at: Set(Utc::now()),
        languages: Set(input.languages.join(",")),
        created_by: Set(actor.person().map(|p| p.0)),
        outcome_public: Set(false),
        reminder_sent_at: Set(None),
        opened_at: Set(None),
        closed_at: Set(None),
        revision: Set(0),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        Event::new("consultation.created")
            .council(council)
            .by_actor(actor)
            .subject("consultation", id),
    )
    .await?;
    txn.commit().await?;
    Ok(ConsultationId(id))
}

/// Changes a consultation's details. The closing time may move while it is open (a reminder
/// already sent is sent again for the new time); the opening time only before it opens.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ConsultationId,
    fields: &ConsultationFields,
) -> Result<(), AppError> {
    let c = managed(db, actor, id).await?;
    let input = ConsultationInput::parse(fields)?;
    let tz = time_zone(db, c.council_id).await?;
    let phase = phase_of(&c);
    if phase >= Phase::Closed {
        return Err(AppError::Conflict);
    }
    let opens_at = match phase {
        Phase::Draft => input
            .opens_at
            .map(|t| to_utc("opens_at", t, &tz))
            .transpose()?,
        _ => c.opens_at,
    };
    let closes_at = input
        .closes_at
        .map(|t| to_utc("closes_at", t, &tz))
        .transpose()?;
    let txn = super::db::begin_write(db).await?;
    let mut update = consultation::Entity::update_many()
        .col_expr(consultation::Column::Title, Expr::value(input.title))
        .col_expr(consultation::Column::Summary, Expr::value(input.summary))
        .col_expr(
            consultation::Column::Languages,
            Expr::value(input.languages.join(",")),
        )
        .col_expr(
            consultation::Column::Visibility,
            Expr::value(input.visibility.code()),
        )
        .col_expr(consultation::Column::OpensAt, Expr::value(opens_at))
        .col_expr(consultation::Column::ClosesAt, Expr::value(closes_at));
    if closes_at != c.closes_at {
        update = update.col_expr(
            consultation::Column::ReminderSentAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    }
    update
        .filter(consultation::Column::Id.eq(c.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new("consultation.updated")
            .council(CouncilId(c.council_id))
            .by_actor(actor)
            .subject("consultation", c.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Adds or removes an invited member of an "invited members only" consultation.
pub async fn set_participant(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ConsultationId,
    person: PersonId,
    invited: bool,
) -> Result<(), AppError> {
    let c = managed(db, actor, id).await?;
    let is_member = membership::Entity::find()
        .filter(membership::Column::CouncilId.eq(c.council_id))
        .filter(membership::Column::PersonId.eq(person.0))
        .filter(membership::Column::Role.eq(Role::Member.code()))
        .count(db)
        .await?
        > 0;
    if !is_member {
        return Err(AppError::NotFound);
    }
    let txn = super::db::begin_write(db).await?;
    participant::Entity::delete_many()
        .filter(participant::Column::ConsultationId.eq(c.id))
        .filter(participant::Column::PersonId.eq(person.0))
        .exec(&txn)
        .await?;
    if invited {
        participant::Entity::insert(participant::ActiveModel {
            id: Set(Uuid::now_v7()),
            consultation_id: Set(c.id),
            person_id: Set(person.0),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Event::new(if invited {
            "consultation.participant_added"
        } else {
            "consultation.participant_removed"
        })
        .council(CouncilId(c.council_id))
        .by_actor(actor)
        .subject("consultation", c.id)
        .detail("person", person.0.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The management page: details, the version being prepared, counts and participants.
pub async fn manage_view(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<ManageView, AppError> {
    let c = managed(db, actor, id).await?;
    let tz = time_zone(db, c.council_id).await?;
    let published = latest_published(db, c.id).await?;
    let pending = super::drafts::pending_view(db, &c, published.as_ref()).await?;
    // The published sections, for content notes added later.
    let notes = match &published {
        Some(v) => sections_of(db, v.id)
            .await?
            .into_iter()
            .map(|s| {
                let words: String = s
                    .body
                    .split_whitespace()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" ");
                let label = [s.number.as_str(), s.heading.as_str(), words.as_str()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" – ");
                (s.id.to_string(), label, s.content_note)
            })
            .collect(),
        None => Vec::new(),
    };
    let (comments, unanswered) = super::responses::counts(db, c.id).await?;
    // The member list is needed (and shown) only to invite people.
    let invited_only = Visibility::from_code(&c.visibility) == Some(Visibility::Invited);
    let participant_ids: Vec<Uuid> = participant::Entity::find()
        .filter(participant::Column::ConsultationId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let member_ids: Vec<Uuid> = if invited_only {
        membership::Entity::find()
            .filter(membership::Column::CouncilId.eq(c.council_id))
            .filter(membership::Column::Role.eq(Role::Member.code()))
            .filter(membership::Column::SuspendedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.person_id)
            .collect()
    } else {
        Vec::new()
    };
    let people: HashMap<Uuid, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(member_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect();
    let named = |ids: &[Uuid]| -> Vec<(String, String)> {
        let mut list: Vec<(String, String)> = ids
            .iter()
            .filter_map(|id| people.get(id).map(|n| (id.to_string(), n.clone())))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    };
    let participants = named(&participant_ids);
    let members = named(
        &member_ids
            .iter()
            .copied()
            .filter(|m| !participant_ids.contains(m))
            .collect::<Vec<_>>(),
    );
    Ok(ManageView {
        summary: summary(&c, &tz),
        fields: ConsultationFields {
            title: c.title.clone(),
            summary: c.summary.clone(),
            languages: c.languages.clone(),
            visibility: c.visibility.clone(),
            opens_at: local_field(c.opens_at, &tz),
            closes_at: local_field(c.closes_at, &tz),
        },
        time_zone: tz,
        published_version: published.map_or(0, |v| v.number),
        notes,
        pending,
        comments,
        unanswered,
        outcome_public: c.outcome_public,
        participants,
        members,
    })
}
