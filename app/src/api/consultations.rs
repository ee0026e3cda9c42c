//! Server functions for consultations.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::consultation::{ConsultationDetail, ConsultationList};
use crate::model::ids::ConsultationId;

/// The current council's consultations the viewer may see.
#[server(prefix = "/fn", endpoint = "consultations/list")]
pub async fn list_consultations() -> Result<ConsultationList, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::list(&state.db, &actor).await
}

/// One consultation with its current draft.
#[server(prefix = "/fn", endpoint = "consultations/get")]
pub async fn get_consultation(id: ConsultationId) -> Result<ConsultationDetail, AppError> {
    use super::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::consultations::detail(&state.db, &actor, id).await
}
