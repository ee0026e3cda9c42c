//! Signing in: ask for an email link, use it, and pass the second factor.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::api::identity::auth::{
    ConfirmSecondFactor, RequestSignInLink, UseSignInLink, VerifySecondFactor, get_sign_in_options,
    second_factor_enrolment, second_factor_status, take_recovery_codes,
};
use crate::components::error::ActionError;
use crate::components::error::{ErrorPage, ErrorText};
use crate::components::forms::PostForm;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;

/// `/sign-in`: ask for a one-time link by email, or use the OpenID provider.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let options = Resource::new(|| (), |_| get_sign_in_options());
    let request = ServerAction::<RequestSignInLink>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let url_error = move || {
        query
            .read()
            .get("error")
            .and_then(|c| AppError::from_code(&c))
            .map(|error| {
                let code = error.code();
                view! { <p role="alert" class="error" data-error-code=code><ErrorText error/></p> }
            })
    };
    view! {
        <Title text=t_string!(i18n, titles.sign_in).to_string()/>
        <h1>{t!(i18n, sign_in.heading)}</h1>
        <p class="lead">{t!(i18n, sign_in.intro)}</p>
        {url_error}
        <ActionError action=request/>
        <PostForm url=RequestSignInLink::url() class="stack">
            <input type="hidden" name="next" value=next/>
            <label for="email">{t!(i18n, sign_in.email_label)}</label>
            <p id="email-hint" class="hint">{t!(i18n, sign_in.email_hint)}</p>
            <input id="email" name="email" type="email" autocomplete="email" required
                maxlength="254" aria-describedby="email-hint"/>
            <button type="submit">{t!(i18n, sign_in.submit)}</button>
        </PostForm>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                options.await.ok().and_then(|o| o.oidc_label).map(|label| {
                    let href = match next() {
                        n if n.is_empty() => "/auth/oidc/start".to_owned(),
                        n => format!("/auth/oidc/start?next={}", crate::components::forms::url_encode(&n)),
                    };
                    view! {
                        <p class="divider">{t!(i18n, sign_in.or)}</p>
                        <p><a class="button" href=href id="oidc-sign-in" rel="external">{label}</a></p>
                    }
                })
            })}
        </Suspense>
    }
}

/// `/sign-in/sent`: the same answer for every address.
#[component]
pub fn SignInSentPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, titles.sign_in).to_string()/>
        <h1>{t!(i18n, sign_in.sent_heading)}</h1>
        <p role="status">{t!(i18n, sign_in.sent_text)}</p>
        <p><a href="/sign-in">{t!(i18n, sign_in.ask_again)}</a></p>
    }
}

/// `/sign-in/link?token=…`: a button that uses the link. Opening the link does nothing by
/// itself, so mail scanners that follow links cannot use it up.
#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let use_link = ServerAction::<UseSignInLink>::new();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text=t_string!(i18n, titles.sign_in).to_string()/>
        <h1>{t!(i18n, sign_in.heading)}</h1>
        <ActionError action=use_link/>
        {move || if token().is_empty() {
            view! {
                <p role="alert">{t!(i18n, sign_in.link_missing)}</p>
                <p><a href="/sign-in">{t!(i18n, sign_in.ask_again)}</a></p>
            }.into_any()
        } else {
            view! {
                <p>{t!(i18n, sign_in.link_text)}</p>
                <PostForm url=UseSignInLink::url()>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" id="use-link">{t!(i18n, sign_in.link_button)}</button>
                </PostForm>
                <p><a href="/sign-in">{t!(i18n, sign_in.ask_again)}</a></p>
            }.into_any()
        }}
    }
}

/// `/sign-in/second-factor`: enter a code, or enrol first.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let status = Resource::new(|| (), |_| second_factor_status());
    // `?replace=1` (from the account page): set up a new app while the current one stays on.
    let replace = use_query_map().with_untracked(|q| q.get("replace").is_some());
    view! {
        <Title text=t_string!(i18n, titles.second_factor).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(true) if replace => view! { <EnrolForm replacing=true/> }.into_any(),
                    Ok(true) => view! { <VerifyForm/> }.into_any(),
                    Ok(false) => view! { <EnrolForm replacing=false/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VerifyForm() -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifySecondFactor>::new();
    view! {
        <h1>{t!(i18n, second_factor.heading)}</h1>
        <p>{t!(i18n, second_factor.verify_intro)}</p>
        <ActionError action=verify/>
        <PostForm url=VerifySecondFactor::url() class="stack">
            <CodeField/>
            <button type="submit">{t!(i18n, second_factor.verify_button)}</button>
        </PostForm>
    }
}

/// Sets up an authenticator app; `replacing` when one is on already (its code is asked too).
#[component]
fn EnrolForm(replacing: bool) -> impl IntoView {
    let i18n = use_i18n();
    let enrolment = Resource::new(|| (), |_| second_factor_enrolment());
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    view! {
        {if replacing {
            view! {
                <h1>{t!(i18n, second_factor.replace_heading)}</h1>
                <p>{t!(i18n, second_factor.replace_intro)}</p>
            }.into_any()
        } else {
            view! {
                <h1>{t!(i18n, second_factor.enrol_heading)}</h1>
                <p>{t!(i18n, second_factor.enrol_intro)}</p>
            }.into_any()
        }}
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match enrolment.await {
                    Ok(e) => view! {
                        <figure class="qr">
                            <div role="img" aria-label=move || t_string!(i18n, second_factor.qr_label).to_string()
                                inner_html=e.qr_svg></div>
                        </figure>
                        <p>{t!(i18n, second_factor.secret_label)}": "<code id="totp-secret">{e.secret}</code></p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
        <ActionError action=confirm/>
        <PostForm url=ConfirmSecondFactor::url() class="stack">
            {if replacing {
                view! {
                    <label for="code">{t!(i18n, second_factor.new_code_label)}</label>
                    <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        required maxlength="20"/>
                    <label for="current">{t!(i18n, second_factor.current_code_label)}</label>
                    <input id="current" name="current" type="text" autocomplete="one-time-code"
                        required maxlength="20"/>
                    <button type="submit">{t!(i18n, second_factor.replace_button)}</button>
                }.into_any()
            } else {
                view! {
                    <CodeField/>
                    <button type="submit">{t!(i18n, second_factor.confirm_button)}</button>
                }.into_any()
            }}
        </PostForm>
    }
}

/// The field for a six-digit code or a recovery code.
#[component]
fn CodeField() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for="code">{t!(i18n, second_factor.code_label)}</label>
        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
            required maxlength="20"/>
    }
}

/// `/sign-in/recovery-codes`: the recovery codes, shown once after enrolment.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let i18n = use_i18n();
    let codes = Resource::new(|| (), |_| take_recovery_codes());
    view! {
        <Title text=t_string!(i18n, titles.second_factor).to_string()/>
        <h1>{t!(i18n, second_factor.codes_heading)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match codes.await {
                    Ok(codes) => view! {
                        <p>{t!(i18n, second_factor.codes_intro)}</p>
                        <ul class="codes" id="recovery-codes">
                            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                        </ul>
                        <p><a class="button" href="/">{t!(i18n, second_factor.done)}</a></p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
