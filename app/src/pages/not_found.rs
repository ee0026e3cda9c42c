//! The page for unknown paths (HTTP 404).

use leptos::prelude::*;

use crate::components::error::ErrorPage;
use crate::model::AppError;

/// Shown for every path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}
