//! Server functions for mentorship: programmes and cohorts, places and profiles, matches,
//! what a pair does together, feedback, certificates and safeguarding. Each builds the actor
//! and calls the domain, nothing more.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::ids::{
    CaseId, ClaimId, CohortId, MatchId, MentorshipSessionId, ParticipantId, PersonId, ProgrammeId,
};
use crate::model::mentorship::{
    CaseDetail, Certificate, FeedbackFields, MatchDetail, MatchState, Overview, PlaceView,
    ProfileFields, ProgrammeDetail, ProgrammeFields, Safeguarding, SessionFields,
};

/// The mentorship start page.
#[server(prefix = "/fn", endpoint = "mentorship/overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::overview(&state, &actor).await
}

/// Creates a programme, and goes to it.
#[server(prefix = "/fn", endpoint = "mentorship/create_programme")]
pub async fn create_programme(fields: ProgrammeFields) -> Result<ProgrammeId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let id = crate::domain::mentorship::programmes::create(&state, &actor, &fields).await?;
    leptos_axum::redirect(&format!("/programmes/{id}"));
    Ok(id)
}

/// One programme's page.
#[server(prefix = "/fn", endpoint = "mentorship/programme")]
pub async fn get_programme(id: ProgrammeId) -> Result<ProgrammeDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::detail(&state, &actor, id).await
}

/// Adds a cohort to a programme.
#[server(prefix = "/fn", endpoint = "mentorship/add_cohort")]
pub async fn add_cohort(
    programme: ProgrammeId,
    #[server(default)] name: String,
) -> Result<CohortId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::add_cohort(&state, &actor, programme, &name).await
}

/// Ends a programme.
#[server(prefix = "/fn", endpoint = "mentorship/end_programme")]
pub async fn end_programme(programme: ProgrammeId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::end(&state, &actor, programme).await
}

/// Invites a member to a cohort.
#[server(prefix = "/fn", endpoint = "mentorship/invite")]
pub async fn invite_participant(
    cohort: CohortId,
    person: PersonId,
    #[server(default)] role: String,
) -> Result<ParticipantId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::invite(&state, &actor, cohort, person, &role).await
}

/// Applies to a cohort, and goes to the new place (to fill in the profile).
#[server(prefix = "/fn", endpoint = "mentorship/apply")]
pub async fn apply_to_cohort(
    cohort: CohortId,
    #[server(default)] role: String,
) -> Result<ParticipantId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let id = crate::domain::mentorship::programmes::apply(&state, &actor, cohort, &role).await?;
    leptos_axum::redirect(&format!("/places/{id}"));
    Ok(id)
}

/// The invited person answers their invitation (`accept` or `decline`).
#[server(prefix = "/fn", endpoint = "mentorship/answer_invitation")]
pub async fn answer_invitation(
    place: ParticipantId,
    #[server(default)] decision: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::answer(&state, &actor, place, &decision).await
}

/// Staff decide an application (`accept` or `decline`).
#[server(prefix = "/fn", endpoint = "mentorship/decide_application")]
pub async fn decide_application(
    place: ParticipantId,
    #[server(default)] decision: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::programmes::decide(&state, &actor, place, &decision).await
}

/// The viewer's own place and profile.
#[server(prefix = "/fn", endpoint = "mentorship/place")]
pub async fn get_place(id: ParticipantId) -> Result<PlaceView, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::profiles::place(&state, &actor, id).await
}

/// Saves the viewer's profile for a place.
#[server(prefix = "/fn", endpoint = "mentorship/save_profile")]
pub async fn save_profile(place: ParticipantId, fields: ProfileFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::profiles::save(&state, &actor, place, &fields).await
}

/// Proposes a match.
#[server(prefix = "/fn", endpoint = "mentorship/propose")]
pub async fn propose_match(
    cohort: CohortId,
    mentor: PersonId,
    mentee: PersonId,
) -> Result<MatchId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::matches::propose(&state, &actor, cohort, mentor, mentee).await
}

/// A match's page (the pair only).
#[server(prefix = "/fn", endpoint = "mentorship/pair")]
pub async fn get_match(id: MatchId) -> Result<MatchDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::together::detail(&state, &actor, id).await
}

/// One of the pair accepts or declines a proposed match.
#[server(prefix = "/fn", endpoint = "mentorship/answer_match")]
pub async fn answer_match(
    pair: MatchId,
    #[server(default)] decision: String,
) -> Result<MatchState, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::matches::answer(&state, &actor, pair, &decision).await
}

/// One of the pair ends the match.
#[server(prefix = "/fn", endpoint = "mentorship/end_match")]
pub async fn end_match(pair: MatchId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::matches::end(&state, &actor, pair).await
}

/// Completes a match (staff at any time; the pair once its goals are met).
#[server(prefix = "/fn", endpoint = "mentorship/complete_match")]
pub async fn complete_match(pair: MatchId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::matches::complete(&state, &actor, pair).await
}

/// Proposes a goal.
#[server(prefix = "/fn", endpoint = "mentorship/propose_goal")]
pub async fn propose_goal(pair: MatchId, #[server(default)] title: String) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::together::propose_goal(&state, &actor, pair, &title).await
}

/// Agrees to the other one's goal.
#[server(prefix = "/fn", endpoint = "mentorship/agree_goal")]
pub async fn agree_goal(#[server(default)] goal: String) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let goal = crate::model::mentorship::parse_item("goal", &goal)?;
    crate::domain::mentorship::together::agree_goal(&state, &actor, goal).await
}

/// Marks a goal met.
#[server(prefix = "/fn", endpoint = "mentorship/goal_met")]
pub async fn goal_met(#[server(default)] goal: String) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let goal = crate::model::mentorship::parse_item("goal", &goal)?;
    crate::domain::mentorship::together::goal_met(&state, &actor, goal).await
}

/// Adds a milestone to a goal.
#[server(prefix = "/fn", endpoint = "mentorship/add_milestone")]
pub async fn add_milestone(
    #[server(default)] goal: String,
    #[server(default)] title: String,
    #[server(default)] due_on: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let goal = crate::model::mentorship::parse_item("goal", &goal)?;
    crate::domain::mentorship::together::add_milestone(&state, &actor, goal, &title, &due_on).await
}

/// Ticks a milestone off.
#[server(prefix = "/fn", endpoint = "mentorship/milestone_done")]
pub async fn milestone_done(#[server(default)] milestone: String) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let milestone = crate::model::mentorship::parse_item("milestone", &milestone)?;
    crate::domain::mentorship::together::milestone_done(&state, &actor, milestone).await
}

/// Logs a session.
#[server(prefix = "/fn", endpoint = "mentorship/log_session")]
pub async fn log_session(
    pair: MatchId,
    fields: SessionFields,
) -> Result<MentorshipSessionId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::together::log_session(&state, &actor, pair, &fields).await
}

/// Turns a mentor's session into a draft time entry.
#[server(prefix = "/fn", endpoint = "mentorship/claim_session")]
pub async fn claim_session(session: MentorshipSessionId) -> Result<ClaimId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::together::claim_session(&state, &actor, session).await
}

/// Gives feedback.
#[server(prefix = "/fn", endpoint = "mentorship/feedback")]
pub async fn give_feedback(pair: MatchId, fields: FeedbackFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::feedback::give(&state, &actor, pair, &fields).await
}

/// Chooses the name on the viewer's certificate.
#[server(prefix = "/fn", endpoint = "mentorship/certificate_name")]
pub async fn choose_certificate_name(
    pair: MatchId,
    #[server(default)] choice: String,
    #[server(default)] other: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::certificates::choose_name(&state, &actor, pair, &choice, &other)
        .await
}

/// The viewer's certificate of a complete match.
#[server(prefix = "/fn", endpoint = "mentorship/certificate")]
pub async fn get_certificate(id: MatchId) -> Result<Certificate, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::certificates::certificate(&state, &actor, id).await
}

/// Reports a concern about a match to the safeguarding lead.
#[server(prefix = "/fn", endpoint = "mentorship/report_concern")]
pub async fn report_concern(
    pair: MatchId,
    #[server(default)] concern: String,
) -> Result<CaseId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::safeguarding::report(&state, &actor, pair, &concern).await
}

/// The safeguarding page (lead and council admins).
#[server(prefix = "/fn", endpoint = "mentorship/safeguarding")]
pub async fn get_safeguarding() -> Result<Safeguarding, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::safeguarding::overview(&state, &actor).await
}

/// Names the safeguarding lead (empty: nobody).
#[server(prefix = "/fn", endpoint = "mentorship/set_lead")]
pub async fn set_safeguarding_lead(#[server(default)] person: String) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::safeguarding::set_lead(&state, &actor, &person).await
}

/// One safeguarding case.
#[server(prefix = "/fn", endpoint = "mentorship/case")]
pub async fn get_case(id: CaseId) -> Result<CaseDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::safeguarding::case(&state, &actor, id).await
}

/// Adds a note to a case and sets its status.
#[server(prefix = "/fn", endpoint = "mentorship/update_case")]
pub async fn update_case(
    case: CaseId,
    #[server(default)] note: String,
    #[server(default)] status: String,
) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::mentorship::safeguarding::update(&state, &actor, case, &note, &status).await
}
