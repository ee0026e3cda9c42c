//! `/account`: the signed-in person's name, notifications, second factor, groups, and
//! signing out everywhere.

use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

use super::invitation::NotifyChoice;
use crate::api::identity::account::{AccountPage as AccountData, UpdateAccount, get_account};
use crate::api::identity::auth::{SignOutEverywhere, SwitchCouncil};
use crate::components::error::ActionError;
use crate::components::error::ErrorPage;
use crate::components::error::SignInPrompt;
use crate::components::forms::PostForm;
use crate::components::labels::RoleLabel;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;
use crate::model::identity::NotifyPreference;

/// The account page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_account());
    view! {
        <Title text=t_string!(i18n, titles.account).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <AccountView data/> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <SignInPrompt/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountView(data: AccountData) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateAccount>::new();
    let account = data.account;
    let restored = data.draft.is_some();
    let (name, notify) = match data.draft {
        Some(draft) => (
            draft.display_name,
            NotifyPreference::from_code(&draft.notify).unwrap_or(account.notify),
        ),
        None => (account.display_name.clone(), account.notify),
    };
    let session_ended =
        move || matches!(update.value().get(), Some(Err(AppError::Unauthenticated)));
    let saved = move || matches!(update.value().get(), Some(Ok(())));
    let current = account.current_council;
    view! {
        <h1>{t!(i18n, account.heading)}</h1>
        {restored.then(|| view! { <p role="status" class="notice" id="restored">{t!(i18n, account.restored)}</p> })}
        {move || if session_ended() {
            view! {
                <p role="alert" class="error" data-error-code="unauthenticated">{t!(i18n, account.session_ended)}" "
                    <a href="/sign-in?next=/account">{t!(i18n, account.sign_in_again)}</a></p>
            }.into_any()
        } else {
            view! { <ActionError action=update/> }.into_any()
        }}
        {move || saved().then(|| view! { <p role="status" class="notice">{t!(i18n, account.saved)}</p> })}
        <PostForm url=UpdateAccount::url() class="stack">
            <label for="display_name">{t!(i18n, invitation.display_name_label)}</label>
            <p id="display-name-hint" class="hint">{t!(i18n, invitation.display_name_hint)}</p>
            <input id="display_name" name="display_name" type="text" required maxlength="60"
                autocomplete="nickname" value=name aria-describedby="display-name-hint"/>
            <NotifyChoice selected=notify/>
            <button type="submit" id="save-account">{t!(i18n, account.save)}</button>
        </PostForm>

        <h2>{t!(i18n, second_factor.heading)}</h2>
        {if account.second_factor_enrolled {
            view! {
                <p>{t!(i18n, account.second_factor_on)}</p>
                <p><a href="/sign-in/second-factor?replace=1">{t!(i18n, account.replace)}</a></p>
            }.into_any()
        } else {
            view! { <p>{t!(i18n, account.second_factor_off)}</p> }.into_any()
        }}
        {(!account.roles_waiting_for_second_factor.is_empty()).then(|| view! {
            <p>{t!(i18n, second_factor.waiting)}" "
                {account.roles_waiting_for_second_factor.iter().map(|role| view! { <span class="tag"><RoleLabel role=*role/></span>" " }).collect_view()}
            </p>
            <p><a class="button" href="/sign-in/second-factor">{t!(i18n, account.set_up)}</a></p>
        })}

        <h2>{t!(i18n, account.councils_heading)}</h2>
        <ul class="card-list">
            {account.councils.into_iter().map(|c| {
                let here = c.id == current;
                view! {
                    <li class="card card--row">
                        <span>{c.name}</span>
                        {if here {
                            view! { <span class="muted">{t!(i18n, account.acting_in)}</span> }.into_any()
                        } else {
                            view! {
                                <PostForm url=SwitchCouncil::url()>
                                    <input type="hidden" name="council" value=c.id.to_string()/>
                                    <button type="submit">{t!(i18n, account.switch)}</button>
                                </PostForm>
                            }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>

        <h2>{t!(i18n, account.sign_out_everywhere)}</h2>
        <p>{t!(i18n, account.sign_out_everywhere_hint)}</p>
        <PostForm url=SignOutEverywhere::url()>
            <button type="submit" id="sign-out-everywhere">{t!(i18n, account.sign_out_everywhere)}</button>
        </PostForm>
    }
}
