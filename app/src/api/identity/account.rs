//! Server functions for the signed-in person's own account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::AppError;
use crate::model::identity::AccountView;

/// What the account form holds; kept in the session if the session ended before saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDraft {
    /// The display name typed.
    pub display_name: String,
    /// The notification choice.
    pub notify: String,
}

/// The account page: the saved values, and any text kept from a form whose session ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    /// The saved account.
    pub account: AccountView,
    /// What was typed before the session ended, if anything.
    pub draft: Option<AccountDraft>,
}

/// The signed-in person's account.
#[server(prefix = "/fn", endpoint = "account/get")]
pub async fn get_account() -> Result<AccountPage, AppError> {
    use crate::api::context::{auth, request, take_stash};
    let (state, session, actor) = request().await?;
    let current = auth(&session).await;
    let account = crate::domain::identity::people::account(&state.db, &actor, current).await?;
    let draft = take_stash::<AccountDraft>(&session, "account").await;
    Ok(AccountPage { account, draft })
}

/// Saves display name and notification choice. If the session has ended, the typed values
/// are kept and come back in the form after signing in again.
#[server(prefix = "/fn", endpoint = "account/update")]
pub async fn update_account(display_name: String, notify: String) -> Result<(), AppError> {
    use crate::api::context::{remember_next, request, stash_form};
    let (state, session, actor) = request().await?;
    if actor == crate::domain::Actor::Anonymous {
        let draft = AccountDraft {
            display_name: display_name.chars().take(200).collect(),
            notify: notify.chars().take(20).collect(),
        };
        stash_form(&session, "account", &draft).await;
        remember_next(&session, Some("/account")).await;
        return Err(AppError::Unauthenticated);
    }
    crate::domain::identity::people::update_account(&state.db, &actor, &display_name, &notify).await
}
