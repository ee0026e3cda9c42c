//! Mentorship in the demo council: a paid programme with one cohort, Lior mentoring Amina
//! (both invited, both accepted, profiles filled in, the match proposed from the suggestions
//! and accepted by both), an agreed goal with a milestone, two sessions with private notes,
//! one of them already turned into a time entry, and Sam named safeguarding lead. All through
//! mentorship's own rules, as the people would do it.

use chrono::{Duration, Utc};

use super::consultations::acting;
use super::identity::DemoPeople;
use crate::domain::AppState;
use crate::domain::mentorship::{matches, profiles, programmes, safeguarding, together};
use crate::model::AppError;
use crate::model::mentorship::{ProfileFields, ProgrammeFields, SessionFields};

fn day(days_from_now: i64) -> String {
    (Utc::now() + Duration::days(days_from_now))
        .with_timezone(&chrono_tz::Europe::Vienna)
        .format("%Y-%m-%d")
        .to_string()
}

/// Seeds it.
pub(super) async fn seed(state: &AppState, people: &DemoPeople) -> Result<(), AppError> {
    let db = &state.db;
    let sam = acting(db, people, people.secretariat).await?;
    let noor = acting(db, people, people.admin).await?;
    let amina = acting(db, people, people.member).await?;
    let lior = acting(db, people, people.other_member).await?;
    safeguarding::set_lead(state, &noor, &people.secretariat.to_string()).await?;
    let programme = programmes::create(
        state,
        &sam,
        &ProgrammeFields {
            title: "Leadership in advocacy".into(),
            aims: "Newer members learn, from members who have done it, how to prepare for a \
                   consultation, speak at a hearing and negotiate their terms."
                .into(),
            starts_on: day(-45),
            ends_on: day(140),
            expected_hours: "12".into(),
            paid: true,
            activity: "mentoring".into(),
        },
    )
    .await?;
    let cohort = programmes::add_cohort(state, &sam, programme, "Autumn cohort").await?;
    let mentor_place =
        programmes::invite(state, &sam, cohort, people.other_member, "mentor").await?;
    let mentee_place = programmes::invite(state, &sam, cohort, people.member, "mentee").await?;
    programmes::answer(state, &lior, mentor_place, "accept").await?;
    programmes::answer(state, &amina, mentee_place, "accept").await?;
    profiles::save(
        state,
        &lior,
        mentor_place,
        &ProfileFields {
            languages: "English, French".into(),
            languages_visibility: "partner".into(),
            topics: "public speaking, consultations, negotiating fees".into(),
            topics_visibility: "cohort".into(),
            region: "Vienna".into(),
            region_visibility: "partner".into(),
            availability: "Weekday evenings".into(),
            availability_visibility: "partner".into(),
            online: true,
            in_person: true,
            capacity: "2".into(),
            ..ProfileFields::default()
        },
    )
    .await?;
    profiles::save(
        state,
        &amina,
        mentee_place,
        &ProfileFields {
            languages: "English".into(),
            languages_visibility: "partner".into(),
            topics: "public speaking, consultations".into(),
            topics_visibility: "partner".into(),
            online: true,
            wish_language: "English".into(),
            ..ProfileFields::default()
        },
    )
    .await?;
    let pair = matches::propose(state, &sam, cohort, people.other_member, people.member).await?;
    matches::answer(state, &lior, pair, "accept").await?;
    matches::answer(state, &amina, pair, "accept").await?;
    together::propose_goal(state, &amina, pair, "Speak for five minutes at a hearing").await?;
    let detail = together::detail(state, &lior, pair).await?;
    if let Some(goal) = detail.goals.first() {
        together::agree_goal(state, &lior, goal.id).await?;
        together::add_milestone(
            state,
            &amina,
            goal.id,
            "Write the five minutes down",
            &day(10),
        )
        .await?;
    }
    let first = together::log_session(
        state,
        &lior,
        pair,
        &SessionFields {
            held_on: day(-20),
            starts_at: "18:00".into(),
            minutes: "60".into(),
            format: "online".into(),
            topics: "Getting to know each other; what a hearing looks like".into(),
            notes: "Amina would like to practise with a timer next time.".into(),
        },
    )
    .await?;
    together::log_session(
        state,
        &amina,
        pair,
        &SessionFields {
            held_on: day(-6),
            starts_at: "18:30".into(),
            minutes: "75".into(),
            format: "online".into(),
            topics: "A practice run with a timer".into(),
            notes: "Under five minutes on the second try.".into(),
        },
    )
    .await?;
    // In the first days of January the session may fall before this year's rate card.
    match together::claim_session(state, &lior, first).await {
        Ok(_) | Err(AppError::InvalidInput { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
