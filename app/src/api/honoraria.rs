//! Server functions for paid time: a member's claims and payment preference, the rate card,
//! finance's queue and decisions, payment batches, meetings. Each builds the actor and calls
//! the domain, nothing more.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::honoraria::{
    BatchDetail, BatchSummary, DecisionReport, MyClaims, PaymentFields, PaymentView, Queue,
    QueueFilter, RateCard, RateFields, SettingsFields, TimeFields,
};
use crate::model::ids::{BatchId, ClaimId, MeetingId, PersonId};

/// The member's own claims, totals and cap.
#[server(prefix = "/fn", endpoint = "honoraria/mine")]
pub async fn get_my_claims() -> Result<MyClaims, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::mine(&state, &actor).await
}

/// Logs time as a draft.
#[server(prefix = "/fn", endpoint = "honoraria/log_time")]
pub async fn log_time(fields: TimeFields) -> Result<ClaimId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::log_time(&state, &actor, &fields).await
}

/// Corrects a draft or returned time entry.
#[server(prefix = "/fn", endpoint = "honoraria/edit_time")]
pub async fn edit_time(claim: ClaimId, fields: TimeFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::edit_time(&state, &actor, claim, &fields).await
}

/// Submits a claim to finance.
#[server(prefix = "/fn", endpoint = "honoraria/submit")]
pub async fn submit_claim(claim: ClaimId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::submit(&state, &actor, claim).await
}

/// Takes a submitted claim back to draft.
#[server(prefix = "/fn", endpoint = "honoraria/withdraw")]
pub async fn withdraw_claim(claim: ClaimId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::withdraw(&state, &actor, claim).await
}

/// Counts a claim not yet approved towards next year (the yearly cap).
#[server(prefix = "/fn", endpoint = "honoraria/defer")]
pub async fn defer_claim(claim: ClaimId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::defer(&state, &actor, claim).await
}

/// Corrects an approved or paid claim with a new adjusting entry (a draft).
#[server(prefix = "/fn", endpoint = "honoraria/adjust")]
pub async fn adjust_claim(
    claim: ClaimId,
    #[server(default)] corrected: String,
    #[server(default)] reason: String,
) -> Result<ClaimId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::adjust(&state, &actor, claim, &corrected, &reason).await
}

/// Deletes a draft claim.
#[server(prefix = "/fn", endpoint = "honoraria/delete")]
pub async fn delete_claim(claim: ClaimId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::delete_draft(&state, &actor, claim).await
}

/// How the member is paid (no bank details are sent back).
#[server(prefix = "/fn", endpoint = "honoraria/payment")]
pub async fn payment_preference() -> Result<PaymentView, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::payment::view(&state, &actor).await
}

/// Sets how the member is paid and their annual cap.
#[server(prefix = "/fn", endpoint = "honoraria/set_payment")]
pub async fn set_payment(fields: PaymentFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::payment::set(&state, &actor, &fields).await
}

/// The council's rate card.
#[server(prefix = "/fn", endpoint = "honoraria/rates")]
pub async fn get_rate_card() -> Result<RateCard, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::rates::card(&state.db, &actor).await
}

/// Adds a line to the rate card.
#[server(prefix = "/fn", endpoint = "honoraria/add_rate")]
pub async fn add_rate(fields: RateFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::rates::add(&state.db, &actor, &fields).await
}

/// Sets the second-approval threshold and the paying account.
#[server(prefix = "/fn", endpoint = "honoraria/settings")]
pub async fn set_honoraria_settings(fields: SettingsFields) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::rates::set_settings(&state, &actor, &fields).await
}

/// Finance's queue, filtered.
#[server(prefix = "/fn", endpoint = "honoraria/queue")]
pub async fn finance_queue(filter: QueueFilter) -> Result<Queue, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::queue(&state, &actor, &filter).await
}

/// Finance decides one or several claims (`approve`, `reject`, `return`).
#[server(prefix = "/fn", endpoint = "honoraria/decide")]
pub async fn decide_claims(
    #[server(default)] claims: Vec<ClaimId>,
    decision: String,
    #[server(default)] reason: String,
) -> Result<DecisionReport, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::claims::decide_many(&state, &actor, &claims, &decision, &reason).await
}

/// The council's payment batches.
#[server(prefix = "/fn", endpoint = "honoraria/batches")]
pub async fn list_batches() -> Result<Vec<BatchSummary>, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::batches::list(&state, &actor).await
}

/// One batch with its payees.
#[server(prefix = "/fn", endpoint = "honoraria/batch")]
pub async fn get_batch(id: BatchId) -> Result<BatchDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::batches::detail(&state, &actor, id).await
}

/// Makes a batch of the approved claims of one currency, and goes to it.
#[server(prefix = "/fn", endpoint = "honoraria/create_batch")]
pub async fn create_batch(
    #[server(default)] currency: String,
    #[server(default)] execution_date: String,
) -> Result<BatchId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let id = crate::domain::honoraria::batches::create(&state, &actor, &currency, &execution_date)
        .await?;
    leptos_axum::redirect(&format!("/finance/batches/{id}"));
    Ok(id)
}

/// Marks a batch paid (again: no change).
#[server(prefix = "/fn", endpoint = "honoraria/mark_paid")]
pub async fn mark_batch_paid(id: BatchId) -> Result<(), AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::batches::mark_paid(&state, &actor, id).await
}

/// Records a council meeting, and goes to it (where attendance is recorded afterwards).
#[server(prefix = "/fn", endpoint = "honoraria/record_meeting")]
pub async fn record_meeting(
    fields: crate::model::honoraria::MeetingFields,
) -> Result<MeetingId, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    let id = crate::domain::honoraria::meetings::record(&state, &actor, &fields).await?;
    leptos_axum::redirect(&format!("/meetings/{id}"));
    Ok(id)
}

/// Records who attended a meeting; their entries are prefilled.
#[server(prefix = "/fn", endpoint = "honoraria/attendance")]
pub async fn record_attendance(
    meeting: MeetingId,
    #[server(default)] people: Vec<PersonId>,
) -> Result<usize, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::meetings::attendance(&state, &actor, meeting, &people).await
}

/// The council's meetings.
#[server(prefix = "/fn", endpoint = "honoraria/meetings")]
pub async fn get_meetings() -> Result<crate::model::honoraria::Meetings, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::meetings::list(&state, &actor).await
}

/// One meeting (with the members to tick, for its staff).
#[server(prefix = "/fn", endpoint = "honoraria/meeting")]
pub async fn get_meeting(
    id: MeetingId,
) -> Result<crate::model::honoraria::MeetingDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::meetings::detail(&state, &actor, id).await
}

/// The member's statement for a period.
#[server(prefix = "/fn", endpoint = "honoraria/statement")]
pub async fn get_statement(
    period: crate::model::honoraria::Period,
) -> Result<crate::model::honoraria::Statement, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::statements::statement(&state, &actor, &period).await
}

/// Finance's yearly totals per person.
#[server(prefix = "/fn", endpoint = "honoraria/totals")]
pub async fn get_year_totals(
    #[server(default)] year: String,
) -> Result<crate::model::honoraria::YearTotals, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::statements::yearly_totals(&state, &actor, &year).await
}

/// The council's payment times and what waits.
#[server(prefix = "/fn", endpoint = "honoraria/figures")]
pub async fn get_payment_figures() -> Result<crate::model::honoraria::PaymentFigures, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::honoraria::figures::payment_figures(&state, &actor).await
}
