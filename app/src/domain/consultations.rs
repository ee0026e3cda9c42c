//! Consultations: who may see which, and the views of them.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::Actor;
use super::councils;
use super::entities::{consultation, draft_version, section};
use crate::model::AppError;
use crate::model::consultation::{
    ConsultationDetail, ConsultationList, ConsultationSummary, Phase, SectionView,
};
use crate::model::ids::{ConsultationId, CouncilId, SectionId};

/// Who may see a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Title, summary and draft are public; comments are not.
    Public,
    /// Only people with a role in the council.
    Council,
}

impl Visibility {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Council => "council",
        }
    }
}

/// The visibility rule, in one place: drafts are for staff; council consultations for
/// the council's people; public ones for everybody. Never across councils.
fn may_view(actor: &Actor, c: &consultation::Model) -> bool {
    let council = CouncilId(c.council_id);
    let phase = Phase::from_code(&c.phase).unwrap_or(Phase::Draft);
    if phase == Phase::Draft {
        return actor.is_staff_of(council);
    }
    if actor.council().is_some() && !actor.belongs_to(council) {
        // Signed in to another council: acts for that council only.
        return false;
    }
    c.visibility == Visibility::Public.code() || actor.belongs_to(council)
}

/// The consultations of the current council that the actor may see, newest first.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> Result<ConsultationList, AppError> {
    let Some(council) = councils::current(db, actor).await? else {
        return Ok(ConsultationList {
            council: None,
            consultations: Vec::new(),
        });
    };
    let consultations = consultation::Entity::find()
        .filter(consultation::Column::CouncilId.eq(council.id))
        .order_by_desc(consultation::Column::CreatedAt)
        .order_by_asc(consultation::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|c| may_view(actor, c))
        .map(|c| summary(&c, &council.time_zone))
        .collect();
    Ok(ConsultationList {
        council: Some(councils::summary(&council)),
        consultations,
    })
}

/// One consultation with the sections of its latest draft version.
///
/// Unknown and forbidden look the same (`NotFound`), so ids cannot be probed.
pub async fn detail(
    db: &DatabaseConnection,
    actor: &Actor,
    id: ConsultationId,
) -> Result<ConsultationDetail, AppError> {
    let found = consultation::Entity::find_by_id(id.0).one(db).await?;
    let Some(c) = found.filter(|c| may_view(actor, c)) else {
        return Err(AppError::NotFound);
    };
    let time_zone = super::entities::council::Entity::find_by_id(c.council_id)
        .one(db)
        .await?
        .map(|council| council.time_zone)
        .unwrap_or_else(|| "UTC".to_owned());
    let version = draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(c.id))
        .order_by_desc(draft_version::Column::Number)
        .one(db)
        .await?;
    let (number, sections) = match version {
        None => (0, Vec::new()),
        Some(v) => {
            let sections = section::Entity::find()
                .filter(section::Column::VersionId.eq(v.id))
                .order_by_asc(section::Column::Position)
                .all(db)
                .await?
                .into_iter()
                .map(|s| SectionView {
                    id: SectionId(s.id),
                    depth: s.depth,
                    kind: s.kind,
                    anchor: s.anchor,
                    number: s.number,
                    heading: s.heading,
                    body: s.body,
                    content_note: s.content_note,
                })
                .collect();
            (v.number, sections)
        }
    };
    Ok(ConsultationDetail {
        summary: summary(&c, &time_zone),
        version: number,
        sections,
    })
}

fn summary(c: &consultation::Model, time_zone: &str) -> ConsultationSummary {
    ConsultationSummary {
        id: ConsultationId(c.id),
        title: c.title.clone(),
        summary: c.summary.clone(),
        phase: Phase::from_code(&c.phase).unwrap_or(Phase::Draft),
        closes_at_local: c.closes_at.map(|at| councils::local_time(at, time_zone)),
    }
}
