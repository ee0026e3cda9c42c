//! Reading a consultation's stored parts: versions, sections, comment counts, the council's
//! time zone, and the list form of a consultation. No authorization here: callers load the
//! consultation through [`super::access`] first.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::access::phase_of;
use super::entities::{comment, consultation, draft_version, section};
use crate::domain::Actor;
use crate::domain::identity::{councils, entities::council};
use crate::model::AppError;
use crate::model::comment::CommentStatus;
use crate::model::consultation::{ConsultationSummary, SectionView};
use crate::model::ids::{ConsultationId, CouncilId, VersionId};

/// The council's time zone name.
pub async fn time_zone(db: &impl ConnectionTrait, council: CouncilId) -> Result<String, AppError> {
    Ok(council::Entity::find_by_id(council.0)
        .one(db)
        .await?
        .map(|c| c.time_zone)
        .unwrap_or_else(|| "UTC".to_owned()))
}

/// The council's time zone, from the actor when they act in that council (no query).
pub async fn time_zone_for(
    db: &impl ConnectionTrait,
    actor: &Actor,
    council: CouncilId,
) -> Result<String, AppError> {
    match actor {
        Actor::Person(p) if p.council_id == council => Ok(p.time_zone.clone()),
        _ => time_zone(db, council).await,
    }
}

/// The newest published version of a consultation, if any.
pub async fn latest_published(
    db: &impl ConnectionTrait,
    consultation: ConsultationId,
) -> Result<Option<draft_version::Model>, AppError> {
    Ok(draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(consultation.0))
        .filter(draft_version::Column::PublishedAt.is_not_null())
        .order_by_desc(draft_version::Column::Number)
        .one(db)
        .await?)
}

/// Every published version number, oldest first.
pub async fn published_numbers(
    db: &impl ConnectionTrait,
    consultation: ConsultationId,
) -> Result<Vec<i32>, AppError> {
    Ok(draft_version::Entity::find()
        .select_only()
        .column(draft_version::Column::Number)
        .filter(draft_version::Column::ConsultationId.eq(consultation.0))
        .filter(draft_version::Column::PublishedAt.is_not_null())
        .order_by_asc(draft_version::Column::Number)
        .into_tuple::<i32>()
        .all(db)
        .await?)
}

/// The sections of one version, in reading order.
pub async fn sections_of(
    db: &impl ConnectionTrait,
    version: VersionId,
) -> Result<Vec<section::Model>, AppError> {
    Ok(section::Entity::find()
        .filter(section::Column::VersionId.eq(version.0))
        .order_by_asc(section::Column::Position)
        .all(db)
        .await?)
}

/// The anchor of the top-level section each section belongs to (the chapter view's key).
pub(super) fn chapters_of(sections: &[section::Model]) -> Vec<String> {
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
pub(super) async fn comment_counts(
    db: &impl ConnectionTrait,
    consultation: ConsultationId,
) -> Result<HashMap<String, i32>, AppError> {
    let rows: Vec<(String, i64)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Anchor)
        .column_as(comment::Column::Id.count(), "n")
        .filter(comment::Column::ConsultationId.eq(consultation.0))
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

pub(super) fn local_field(at: Option<DateTime<Utc>>, time_zone: &str) -> String {
    let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
    at.map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}
