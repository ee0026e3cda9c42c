//! The start page: the council's consultations.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::consultations::list_consultations;
use crate::components::error::ErrorPage;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::consultation::{ConsultationList, ConsultationSummary};

/// Lists the consultations of the current council.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| list_consultations());
    view! {
        <Title text=t_string!(i18n, titles.home).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <ConsultationListView list/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsultationListView(list: ConsultationList) -> impl IntoView {
    let i18n = use_i18n();
    if !list.signed_in {
        // Names no council and lists nothing: the visitor may be anyone.
        return view! {
            <h1>{t!(i18n, app_name)}</h1>
            <p class="lead">{t!(i18n, home.signed_out)}</p>
            <p><a class="button" href="/sign-in">{t!(i18n, home.sign_in)}</a></p>
        }
        .into_any();
    }
    if list.council.is_none() {
        return view! {
            <h1>{t!(i18n, home.heading)}</h1>
            <p>{t!(i18n, home.no_council)}</p>
        }
        .into_any();
    }
    let empty = list.consultations.is_empty();
    let answers = list.answers;
    view! {
        <h1>{t!(i18n, home.heading)}</h1>
        <p class="lead">{t!(i18n, home.intro)}</p>
        {(!answers.is_empty()).then(|| view! {
            <section id="your-answers" aria-labelledby="your-answers-heading">
                <h2 id="your-answers-heading">{t!(i18n, home.answers_heading)}</h2>
                <p>{t!(i18n, home.answers_intro)}</p>
                <ul>
                    {answers.into_iter().map(|a| {
                        let href = format!("/go/{}", a.comment);
                        let when = a.answered_local.clone();
                        view! {
                            <li>
                                <a href=href>{a.consultation_title}</a>
                                " — "<crate::pages::consultations::reading::DecisionLabel decision=a.decision/>
                                " "<span class="muted">{when}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {if empty {
            view! { <p>{t!(i18n, home.empty)}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list">
                    {list.consultations.into_iter().map(|c| view! { <ConsultationCard c/> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
    .into_any()
}

#[component]
fn ConsultationCard(c: ConsultationSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/consultations/{}", c.id);
    let closes = c.closes_at_local.clone();
    view! {
        <li class="card">
            <h2 class="card__title"><a href=href>{c.title}</a></h2>
            <p class="phase"><span class="visually-hidden">{t!(i18n, phase.label)}": "</span>
                <crate::pages::consultations::reading::PhaseLabel phase=c.phase/></p>
            <p>{c.summary}</p>
            {closes.map(|when| view! { <p class="muted">{t!(i18n, home.closes, when = move || when.clone())}</p> })}
        </li>
    }
}
