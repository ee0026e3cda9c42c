//! Certificates of completion: once a match is complete (its goals met, the programme ended,
//! or the secretariat marked it), each of the pair can download theirs, a printable page in
//! their language with the name they chose to show (their display name, another name such
//! as their legal name, kept sealed, or none). Only the pair reach their certificates.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::access;
use super::entities::{goal, participant, programme, session};
use super::matches::state_of;
use super::records::{self, council_name, names, zone};
use crate::domain::platform::crypto::Purpose;
use crate::domain::{Actor, AppState};
use crate::model::ids::MatchId;
use crate::model::mentorship::{Certificate, CertificateName, MatchState, line};
use crate::model::{AppError, InputProblem};

/// Sets the name the actor wants on their certificate of this match.
pub async fn choose_name(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
    choice: &str,
    other: &str,
) -> Result<(), AppError> {
    let (m, _) = access::pair(&state.db, actor, id).await?;
    let me = access::person_of(actor)?;
    let choice = CertificateName::parse("certificate_name", choice)?;
    let sealed = match choice {
        CertificateName::Other => {
            let name = line("other_name", other, 120, false)?;
            Some(state.keyring.seal(Purpose::CertificateName, &name))
        }
        _ => None,
    };
    let done = participant::Entity::update_many()
        .col_expr(
            participant::Column::CertificateName,
            Expr::value(choice.code()),
        )
        .col_expr(
            participant::Column::CertificateOtherSealed,
            Expr::value(sealed),
        )
        .filter(participant::Column::CohortId.eq(m.cohort_id))
        .filter(participant::Column::PersonId.eq(me.0))
        .exec(&state.db)
        .await?;
    if done.rows_affected != 1 {
        return Err(AppError::invalid(
            "certificate_name",
            InputProblem::Unavailable,
        ));
    }
    Ok(())
}

/// The actor's certificate for a complete match (`Conflict` before it is complete).
pub async fn certificate(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
) -> Result<Certificate, AppError> {
    let (m, side) = access::pair(&state.db, actor, id).await?;
    if state_of(&m) != MatchState::Completed {
        return Err(AppError::Conflict);
    }
    let me = access::person_of(actor)?;
    let p = programme::Entity::find_by_id(m.programme_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = participant::Entity::find()
        .filter(participant::Column::CohortId.eq(m.cohort_id))
        .filter(participant::Column::PersonId.eq(me.0))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = match records::certificate_name(&place) {
        CertificateName::Display => names(&state.db, [me.0]).await?.remove(&me.0),
        CertificateName::Other => match &place.certificate_other_sealed {
            Some(sealed) => Some(state.keyring.open(Purpose::CertificateName, sealed)?),
            None => None,
        },
        CertificateName::Hidden => None,
    };
    let sessions: Vec<session::Model> = session::Entity::find()
        .filter(session::Column::MatchId.eq(m.id))
        .all(&state.db)
        .await?;
    let goals: Vec<goal::Model> = goal::Entity::find()
        .filter(goal::Column::MatchId.eq(m.id))
        .filter(goal::Column::MetAt.is_not_null())
        .all(&state.db)
        .await?;
    let tz = zone(actor);
    let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let minutes: i64 = sessions.iter().map(|s| i64::from(s.minutes)).sum();
    Ok(Certificate {
        name,
        role: side,
        programme: p.title.clone(),
        council: council_name(actor),
        from: day(m.started_at),
        to: day(m.closed_at),
        sessions: u64::try_from(sessions.len()).unwrap_or(0),
        hours: minutes / 60,
        goals_met: goals
            .iter()
            .map(|g| state.keyring.open(Purpose::MentorshipPair, &g.title_sealed))
            .collect::<Result<_, _>>()?,
    })
}
