//! Server functions about the visitor's session: page context, demo sign-in, sign-out, language.

use leptos::prelude::*;

use crate::model::AppError;
use crate::model::ids::PersonId;
use crate::model::viewer::{DemoPerson, PageContext};

/// The council and viewer shown in the page chrome.
#[server(prefix = "/fn", endpoint = "session/context")]
pub async fn get_page_context() -> Result<PageContext, AppError> {
    use crate::api::context::request;
    let (state, _, actor) = request().await?;
    crate::domain::identity::councils::page_context(&actor, state.settings.demo)
}

/// The people the demo sign-in page offers (404 outside demo mode).
#[server(prefix = "/fn", endpoint = "demo/people")]
pub async fn demo_people() -> Result<Vec<DemoPerson>, AppError> {
    use crate::api::context::state;
    let state = state()?;
    crate::domain::demo::people(&state).await
}

/// Signs in as a demo person (404 outside demo mode), then goes to the start page.
#[server(prefix = "/fn", endpoint = "demo/sign-in")]
pub async fn demo_sign_in(person: PersonId) -> Result<(), AppError> {
    use crate::api::context::{session, start_session, state};
    let state = state()?;
    let auth = crate::domain::demo::sign_in(&state, person).await?;
    start_session(&session().await?, auth).await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Switches the interface language: a cookie for everyone, and the person's saved preference
/// when signed in.
#[server(prefix = "/fn", endpoint = "preferences/language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::api::context::request;
    use crate::model::InputProblem;
    use leptos_i18n::Locale as _;
    let locale: crate::i18n::Locale = lang
        .parse()
        .map_err(|_| AppError::invalid("lang", InputProblem::Malformed))?;
    let (state, _, actor) = request().await?;
    crate::domain::identity::people::set_preferred_language(&state.db, &actor, locale.as_str())
        .await?;
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::i18n::LANGUAGE_COOKIE,
            locale.as_str()
        );
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            options.append_header(http::header::SET_COOKIE, value);
        }
    }
    Ok(())
}
