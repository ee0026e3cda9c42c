//! Who may do what with one consultation: the one access rule of the capability. Everything
//! else in `consultations` loads what it works on through [`readable`] (unknown and forbidden
//! both answer `NotFound`, so ids cannot be probed) or [`managed`] (`Forbidden` for a reader
//! who does not run it).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryResult, QuerySelect,
};

use super::entities::{comment_draft, consultation, participant};
use crate::domain::Actor;
use crate::model::AppError;
use crate::model::consultation::{Permissions, Phase, Visibility};
use crate::model::ids::{ConsultationId, CouncilId};
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
    readable_found(db, actor, found).await
}

/// The consultation with, read in the same statement, whether the reader keeps typed text
/// in it (so a chapter read by someone without kept text needs no query to learn that).
struct WithKeptText(consultation::Model, bool);

impl FromQueryResult for WithKeptText {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self(
            consultation::Model::from_query_result(row, pre)?,
            row.try_get(pre, "kept_text")?,
        ))
    }
}

/// Like [`readable`], and also whether the signed-in reader keeps typed text (see
/// [`super::kept_text`]) in this consultation: still one statement.
pub(super) async fn readable_with_kept_text(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
) -> Result<(consultation::Model, Access, bool), AppError> {
    let Some(person) = actor.person() else {
        let (c, access) = readable(db, actor, id).await?;
        return Ok((c, access, false));
    };
    let kept = Query::select()
        .expr(Expr::val(1))
        .from(comment_draft::Entity)
        .and_where(Expr::col((comment_draft::Entity, comment_draft::Column::PersonId)).eq(person.0))
        .and_where(
            Expr::col((comment_draft::Entity, comment_draft::Column::ConsultationId))
                .equals((consultation::Entity, consultation::Column::Id)),
        )
        .to_owned();
    let found = consultation::Entity::find_by_id(id.0)
        .expr_as(Expr::exists(kept), "kept_text")
        .into_model::<WithKeptText>()
        .one(db)
        .await?;
    let kept_text = found.as_ref().is_some_and(|f| f.1);
    let (c, access) = readable_found(db, actor, found.map(|f| f.0)).await?;
    Ok((c, access, kept_text))
}

/// The rule of [`readable`] applied to a consultation already loaded (or not found).
async fn readable_found(
    db: &impl ConnectionTrait,
    actor: &Actor,
    found: Option<consultation::Model>,
) -> Result<(consultation::Model, Access), AppError> {
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
        log_time: access.read && actor.has_role(CouncilId(c.council_id), Role::Member),
    }
}
