//! Short feedback from each side, after a session and at the end of a match: three questions
//! answered 1 to 5, nothing typed. The secretariat sees only figures per side and question
//! for the whole programme, and nothing for fewer than
//! [`FEEDBACK_MIN_ANSWERS`] answers, so no answer can be traced to a person.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect,
};

use super::access;
use super::entities::{feedback, session};
use super::matches::state_of;
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::ids::{MatchId, MentorshipSessionId};
use crate::model::mentorship::{
    FEEDBACK_MIN_ANSWERS, FeedbackFields, FeedbackFigure, FeedbackMoment, MatchState,
    ParticipantRole, parse_score,
};
use crate::model::{AppError, InputProblem};

/// Gives feedback on a session of the pair's, or on the match once it has ended or is
/// complete; once per side and moment (`Conflict` for a second time).
pub async fn give(
    state: &AppState,
    actor: &Actor,
    id: MatchId,
    fields: &FeedbackFields,
) -> Result<(), AppError> {
    let (m, side) = access::pair(&state.db, actor, id).await?;
    let moment = FeedbackMoment::parse("moment", &fields.moment)?;
    let useful = parse_score("useful", &fields.useful)?;
    let respected = parse_score("respected", &fields.respected)?;
    let recommend = parse_score("recommend", &fields.recommend)?;
    let slot = match moment {
        FeedbackMoment::Session => {
            let sid: MentorshipSessionId = fields
                .session
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("session", InputProblem::Malformed))?;
            let s = session::Entity::find_by_id(sid.0)
                .one(&state.db)
                .await?
                .filter(|s| s.match_id == m.id)
                .ok_or(AppError::NotFound)?;
            s.id.to_string()
        }
        FeedbackMoment::End => {
            if !matches!(state_of(&m), MatchState::Ended | MatchState::Completed) {
                return Err(AppError::Conflict);
            }
            FeedbackMoment::End.code().to_owned()
        }
    };
    let txn = db::begin_write(&state.db).await?;
    let already = feedback::Entity::find()
        .filter(feedback::Column::MatchId.eq(m.id))
        .filter(feedback::Column::Side.eq(side.code()))
        .filter(feedback::Column::Slot.eq(slot.clone()))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict);
    }
    feedback::Entity::insert(feedback::ActiveModel {
        id: Set(db::new_id()),
        programme_id: Set(m.programme_id),
        match_id: Set(m.id),
        side: Set(side.code().to_owned()),
        moment: Set(moment.code().to_owned()),
        slot: Set(slot),
        useful: Set(useful),
        respected: Set(respected),
        recommend: Set(recommend),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct Sums {
    side: String,
    answers: i64,
    useful: Option<i64>,
    respected: Option<i64>,
    recommend: Option<i64>,
}

/// The mean of `sum` over `n` answers in tenths, rounded half up; `None` below the minimum.
pub fn mean_tenths(sum: i64, n: i64) -> Option<u32> {
    if n < i64::from(FEEDBACK_MIN_ANSWERS) {
        return None;
    }
    u32::try_from((sum * 20 + n) / (2 * n)).ok()
}

/// Figures per side and question for a programme, in one statement.
pub async fn figures(
    db: &impl ConnectionTrait,
    programme: uuid::Uuid,
) -> Result<Vec<FeedbackFigure>, AppError> {
    use sea_orm::sea_query::{Expr, Func};
    let sum = |c: feedback::Column| Expr::from(Func::cast_as(Func::sum(Expr::col(c)), "BIGINT"));
    let rows = feedback::Entity::find()
        .select_only()
        .column(feedback::Column::Side)
        .column_as(feedback::Column::Id.count(), "answers")
        .column_as(sum(feedback::Column::Useful), "useful")
        .column_as(sum(feedback::Column::Respected), "respected")
        .column_as(sum(feedback::Column::Recommend), "recommend")
        .filter(feedback::Column::ProgrammeId.eq(programme))
        .group_by(feedback::Column::Side)
        .into_model::<Sums>()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for side in ParticipantRole::ALL {
        let row = rows.iter().find(|r| r.side == side.code());
        let n = row.map_or(0, |r| r.answers);
        for (question, sum) in [
            ("useful", row.and_then(|r| r.useful)),
            ("respected", row.and_then(|r| r.respected)),
            ("recommend", row.and_then(|r| r.recommend)),
        ] {
            out.push(FeedbackFigure {
                side: *side,
                question: question.to_owned(),
                answers: u32::try_from(n).unwrap_or(0),
                mean_tenths: mean_tenths(sum.unwrap_or(0), n),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_than_five_answers_show_nothing() {
        assert_eq!(mean_tenths(20, 4), None);
        assert_eq!(mean_tenths(0, 0), None);
        assert_eq!(mean_tenths(25, 5), Some(50));
        // 4 + 4 + 5 + 5 + 4 = 22 over 5 = 4.4
        assert_eq!(mean_tenths(22, 5), Some(44));
        // 26 over 6 = 4.333… → 4.3; 27 over 6 = 4.5
        assert_eq!(mean_tenths(26, 6), Some(43));
        assert_eq!(mean_tenths(27, 6), Some(45));
    }
}
