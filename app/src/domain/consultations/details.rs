//! A consultation's details: the list of a council's consultations, creating one, editing its
//! title, summary, languages, visibility and times, and inviting members to it.

use crate::domain::platform::db::Connection;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::access::{access, managed, phase_of};
use super::entities::{consultation, participant};
use super::store::{summary, time_zone, to_utc};
use crate::domain::Actor;
use crate::domain::identity::{councils, entities::membership};
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::db;
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::consultation::{ConsultationFields, ConsultationInput, ConsultationList, Phase};
use crate::model::ids::CouncilId;
use crate::model::ids::{ConsultationId, PersonId};
use crate::model::viewer::Role;

/// The consultations of the current council that the actor may see, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    keyring: &crate::domain::platform::crypto::Keyring,
    actor: &Actor,
) -> Result<ConsultationList, AppError> {
    let signed_in = actor.person().is_some();
    let Some(council) = councils::current(db, actor).await? else {
        return Ok(ConsultationList {
            council: None,
            consultations: Vec::new(),
            signed_in,
            answers: Vec::new(),
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
    let readable: Vec<(ConsultationId, String)> = consultations
        .iter()
        .map(|c| (c.id, c.title.clone()))
        .collect();
    let answers =
        super::responses::own_answered(db, keyring, actor, &readable, &council.time_zone).await?;
    Ok(ConsultationList {
        council: Some(councils::summary(&council)),
        consultations,
        signed_in,
        answers,
    })
}

/// The council's time zone, for the "new consultation" form (secretariat or council admin).
pub async fn new_form(db: &impl ConnectionTrait, actor: &Actor) -> Result<String, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !actor.is_staff_of(council) {
        return Err(AppError::Forbidden);
    }
    time_zone(db, council).await
}

/// Creates a consultation in the actor's council (secretariat or council admin).
pub async fn create(
    db: &impl Connection,
    actor: &Actor,
    fields: &ConsultationFields,
) -> Result<ConsultationId, AppError> {
    let council = actor.council().ok_or(AppError::Unauthenticated)?;
    if !actor.is_staff_of(council) {
        return Err(AppError::Forbidden);
    }
    let input = ConsultationInput::parse(fields)?;
    let tz = time_zone(db, council).await?;
    let opens_at = input
        .opens_at
        .map(|t| to_utc("opens_at", t, &tz))
        .transpose()?;
    let closes_at = input
        .closes_at
        .map(|t| to_utc("closes_at", t, &tz))
        .transpose()?;
    let id = crate::domain::platform::db::new_id();
    let txn = db::begin_write(db).await?;
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
        Event::new(AuditAction::ConsultationCreated)
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
    db: &impl Connection,
    actor: &Actor,
    id: ConsultationId,
    fields: &ConsultationFields,
) -> Result<(), AppError> {
    let c = managed(db, actor, id).await?;
    let input = ConsultationInput::parse(fields)?;
    let tz = time_zone(db, CouncilId(c.council_id)).await?;
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
    let txn = db::begin_write(db).await?;
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
        Event::new(AuditAction::ConsultationUpdated)
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
    db: &impl Connection,
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
    let txn = db::begin_write(db).await?;
    participant::Entity::delete_many()
        .filter(participant::Column::ConsultationId.eq(c.id))
        .filter(participant::Column::PersonId.eq(person.0))
        .exec(&txn)
        .await?;
    if invited {
        participant::Entity::insert(participant::ActiveModel {
            id: Set(crate::domain::platform::db::new_id()),
            consultation_id: Set(c.id),
            person_id: Set(person.0),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Event::new(if invited {
            AuditAction::ParticipantAdded
        } else {
            AuditAction::ParticipantRemoved
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
