//! The frame of every page: quick exit, skip link, header, main landmark, footer.

use leptos::prelude::*;

use super::forms::PostForm;
use super::page_scripts::PageScripts;
use super::quick_exit::QuickExit;
use leptos_i18n::Locale as _;
use server_fn::ServerFn;

use crate::api::identity::auth::SignOut;
use crate::api::identity::session::{SetLanguage, get_page_context};
use crate::i18n::{Locale, t, use_i18n};
use crate::model::viewer::PageContext;

/// The page chrome around `children`.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let context = Resource::new(|| (), |_| get_page_context());
    view! {
        <QuickExit/>
        <PageScripts/>
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match context.await {
                            Ok(ctx) => view! { <HeaderContent ctx/> }.into_any(),
                            Err(_) => view! { <p class="council-name">{t!(i18n, app_name)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
                <LanguageSwitcher/>
            </div>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t!(i18n, footer_text)}</p>
        </footer>
    }
}

#[component]
fn HeaderContent(ctx: PageContext) -> impl IntoView {
    let i18n = use_i18n();
    let council = ctx
        .council
        .map(|c| c.name)
        .unwrap_or_else(|| crate::i18n::t_string!(i18n, app_name).to_string());
    let demo = ctx.demo;
    view! {
        <a class="council-name" href="/">{council}</a>
        <nav aria-label=move || crate::i18n::t_string!(i18n, nav_label).to_string() class="site-nav">
            {match ctx.viewer {
                Some(viewer) => {
                    let name = viewer.display_name;
                    let nav = viewer.nav;
                    view! {
                        <span class="viewer">{t!(i18n, signed_in_as, name = move || name.clone())}</span>
                        {nav.members.then(|| view! { <a href="/council/members">{t!(i18n, nav.members)}</a> })}
                        {nav.new_consultation.then(|| view! { <a href="/consultations/new">{t!(i18n, nav.new_consultation)}</a> })}
                        {nav.invitations.then(|| view! { <a href="/council/invitations">{t!(i18n, nav.invitations)}</a> })}
                        {nav.audit.then(|| view! { <a href="/council/audit">{t!(i18n, nav.audit)}</a> })}
                        {nav.meetings.then(|| view! { <a href="/meetings">{t!(i18n, nav.meetings)}</a> })}
                        {nav.programmes.then(|| view! { <a href="/programmes">{t!(i18n, nav.programmes)}</a> })}
                        {nav.cases.then(|| view! { <a href="/cases">{t!(i18n, nav.cases)}</a> })}
                        {nav.time.then(|| view! { <a href="/time">{t!(i18n, nav.time)}</a> })}
                        {nav.finance.then(|| view! { <a href="/finance">{t!(i18n, nav.finance)}</a> })}
                        {nav.rates.then(|| view! { <a href="/council/rates">{t!(i18n, nav.rates)}</a> })}
                        {nav.payment_times.then(|| view! { <a href="/council/payment-times">{t!(i18n, nav.payment_times)}</a> })}
                        <a href="/account">{t!(i18n, nav.account)}</a>
                        <PostForm url=SignOut::url() class="inline-form">
                            <button type="submit" class="link-button">{t!(i18n, sign_out)}</button>
                        </PostForm>
                    }
                    .into_any()
                }
                None if demo => view! {
                    <a href="/sign-in">{t!(i18n, nav.sign_in)}</a>
                    <a href="/demo">{t!(i18n, demo_sign_in)}</a>
                }.into_any(),
                None => view! { <a href="/sign-in">{t!(i18n, nav.sign_in)}</a> }.into_any(),
            }}
        </nav>
    }
}

/// Language choice: a plain form, so it works without JavaScript.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let current = i18n.get_locale_untracked();
    view! {
        <PostForm url=SetLanguage::url() class="language-switcher">
            <label for="lang-select">{t!(i18n, language)}</label>
            <select id="lang-select" name="lang">
                {Locale::get_all()
                    .iter()
                    .map(|locale| {
                        let code = locale.as_str();
                        view! {
                            <option value=code selected=*locale == current lang=code>
                                {language_name(*locale)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit">{t!(i18n, change_language)}</button>
        </PostForm>
    }
}

/// Each language's name in that language, so people can find their own.
fn language_name(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "English",
        Locale::fr => "Français",
    }
}
