//! `/invitation?token=…`: accept an invitation, choosing a display name (a pseudonym by
//! default), language and notifications. No legal name is asked.

use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::identity::invitations::{AcceptInvitation, preview_invitation};
use crate::components::error::ActionError;
use crate::components::error::ErrorPage;
use crate::components::forms::PostForm;
use crate::components::labels::RoleLabel;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::model::identity::{InvitationPreview, NotifyPreference};

/// The invitation page.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let preview = Resource::new(token, preview_invitation);
    view! {
        <Title text=t_string!(i18n, titles.invitation).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! { <AcceptForm preview token=token()/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AcceptForm(preview: InvitationPreview, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let accept = ServerAction::<AcceptInvitation>::new();
    let council = preview.council.name.clone();
    let role = preview.role;
    let current = i18n.get_locale_untracked();
    view! {
        <h1>{t!(i18n, invitation.heading)}</h1>
        <p class="lead">{t!(i18n, invitation.intro, council = move || council.clone(), role = move || view! { <RoleLabel role/> })}</p>
        {preview.existing_account.then(|| view! { <p>{t!(i18n, invitation.existing)}</p> })}
        <ActionError action=accept/>
        <PostForm url=AcceptInvitation::url() class="stack">
            <input type="hidden" name="token" value=token/>
            <label for="display_name">{t!(i18n, invitation.display_name_label)}</label>
            <p id="display-name-hint" class="hint">{t!(i18n, invitation.display_name_hint)}</p>
            <input id="display_name" name="display_name" type="text" required maxlength="60"
                autocomplete="nickname" value=preview.suggested_name aria-describedby="display-name-hint"/>
            <label for="language">{t!(i18n, invitation.language_label)}</label>
            <select id="language" name="language">
                {Locale::get_all().iter().map(|locale| {
                    let code = locale.as_str();
                    view! { <option value=code selected=*locale == current lang=code>{language_name(*locale)}</option> }
                }).collect_view()}
            </select>
            <NotifyChoice selected=NotifyPreference::Discreet/>
            <button type="submit" id="accept-invitation">{t!(i18n, invitation.accept_button)}</button>
        </PostForm>
    }
}

/// The notification choice as radio buttons, `selected` checked.
#[component]
pub fn NotifyChoice(selected: NotifyPreference) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend>{t!(i18n, invitation.notify_label)}</legend>
            {NotifyPreference::ALL.into_iter().map(|choice| {
                let id = format!("notify-{}", choice.code());
                view! {
                    <div class="choice">
                        <input type="radio" name="notify" id=id.clone() value=choice.code()
                            checked=choice == selected/>
                        <label for=id><NotifyLabel choice/></label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The translated description of a notification choice.
#[component]
pub fn NotifyLabel(choice: NotifyPreference) -> impl IntoView {
    let i18n = use_i18n();
    match choice {
        NotifyPreference::Discreet => t!(i18n, invitation.notify_discreet).into_any(),
        NotifyPreference::Email => t!(i18n, invitation.notify_email).into_any(),
        NotifyPreference::None => t!(i18n, invitation.notify_none).into_any(),
    }
}

fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "English",
        Locale::fr => "Français",
    }
}
