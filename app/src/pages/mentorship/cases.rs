//! `/cases`: the safeguarding cases, for the council's safeguarding lead and its council
//! admins only (the council admin also names the lead here); `/cases/:id`: one case, its
//! notes and status. To anybody else these pages do not exist.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::labels::CaseStatusLabel;
use crate::api::mentorship::{SetSafeguardingLead, UpdateCase, get_case, get_safeguarding};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::ids::CaseId;
use crate::model::mentorship::{CaseDetail, CaseStatus, Safeguarding};

/// The cases page.
#[component]
pub fn CasesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_safeguarding());
    view! {
        <Title text=t_string!(i18n, titles.cases).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <CasesView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CasesView(data: Safeguarding) -> impl IntoView {
    let i18n = use_i18n();
    let set_lead = ServerAction::<SetSafeguardingLead>::new();
    let lead = data.lead.clone();
    view! {
        <h1>{t!(i18n, cases.heading)}</h1>
        <p class="hint">{t!(i18n, cases.who_sees)}</p>
        <p id="lead">{match lead {
            Some(name) => t!(i18n, cases.lead_is, name = move || name.clone()).into_any(),
            None => t!(i18n, cases.no_lead).into_any(),
        }}</p>
        {data.may_set_lead.then(|| view! {
            <h2 id="lead-heading">{t!(i18n, cases.lead_heading)}</h2>
            <p class="hint">{t!(i18n, cases.lead_hint)}</p>
            <ActionError action=set_lead/>
            {move || matches!(set_lead.value().get(), Some(Ok(_))).then(|| view! {
                <p role="status" class="notice">{t!(i18n, cases.lead_saved)}</p>
            })}
            <PostForm url=SetSafeguardingLead::url() class="inline-form">
                <label for="lead-person">{t!(i18n, cases.lead_label)}</label>
                <select id="lead-person" name="person">
                    <option value="">{t!(i18n, cases.nobody)}</option>
                    {data.candidates.iter().map(|(p, name)| view! { <option value=p.to_string()>{name.clone()}</option> }).collect_view()}
                </select>
                <button type="submit" id="set-lead">{t!(i18n, cases.save_lead)}</button>
            </PostForm>
        })}
        <h2 id="cases-heading">{t!(i18n, cases.list_heading)}</h2>
        {if data.cases.is_empty() {
            view! { <p id="no-cases">{t!(i18n, cases.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list" id="cases">
                    {data.cases.into_iter().map(|c| {
                        let href = format!("/cases/{}", c.id);
                        view! {
                            <li class="card" data-case=c.id.to_string()>
                                <h3 class="card__title"><a href=href>{t!(i18n, cases.reported, when = move || c.reported.clone())}</a></h3>
                                <p><CaseStatusLabel status=c.status/></p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// One case's page.
#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<CaseId>().ok())
    };
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_case(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.case).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <CaseView detail/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseView(detail: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateCase>::new();
    let reported = detail.row.reported.clone();
    let reporter = detail.reporter.clone();
    let status = detail.row.status;
    view! {
        <h1>{t!(i18n, cases.one_heading)}</h1>
        <dl class="case">
            <dt>{t!(i18n, cases.reported_at)}</dt><dd>{reported}</dd>
            <dt>{t!(i18n, cases.reporter)}</dt><dd id="reporter">{reporter}</dd>
            <dt>{t!(i18n, cases.status)}</dt><dd id="case-status" data-status=status.code()><CaseStatusLabel status/></dd>
            {detail.programme.clone().map(|p| view! { <dt>{t!(i18n, cases.programme)}</dt><dd>{p}</dd> })}
            {detail.pair.clone().map(|(mentor, mentee)| view! {
                <dt>{t!(i18n, cases.pair)}</dt>
                <dd>{t!(i18n, mentorship.pair_of, mentor = move || mentor.clone(), mentee = move || mentee.clone())}</dd>
            })}
        </dl>
        <h2>{t!(i18n, cases.concern)}</h2>
        <p class="concern" id="concern-text">{detail.concern.clone()}</p>
        <h2>{t!(i18n, cases.notes_heading)}</h2>
        {detail.notes.is_empty().then(|| view! { <p>{t!(i18n, cases.no_notes)}</p> })}
        <ul class="card-list" id="case-notes">
            {detail.notes.clone().into_iter().map(|(when, who, text)| view! {
                <li class="card"><p class="hint">{when}" · "{who}</p><p>{text}</p></li>
            }).collect_view()}
        </ul>
        <h2 id="update-heading">{t!(i18n, cases.update_heading)}</h2>
        <ActionError action=update/>
        <PostForm url=UpdateCase::url() class="stack">
            <input type="hidden" name="case" value=detail.row.id.to_string()/>
            <label for="case-note">{t!(i18n, cases.note)}</label>
            <TextArea id="case-note" name="note" rows="4" maxlength="5000"/>
            <label for="case-status-select">{t!(i18n, cases.status)}</label>
            <select id="case-status-select" name="status">
                {CaseStatus::ALL.iter().map(|s| view! { <option value=s.code() selected={*s == status}><CaseStatusLabel status=*s/></option> }).collect_view()}
            </select>
            <button type="submit" id="update-case">{t!(i18n, cases.save)}</button>
        </PostForm>
        <p><a href="/cases">{t!(i18n, cases.back)}</a></p>
    }
}
