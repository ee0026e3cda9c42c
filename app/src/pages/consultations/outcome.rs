//! What came of a consultation: the changes between versions with the comments that led to
//! them, and the "you said, we did" report (signed in, printable, and public).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::reading::{AuthorName, DecisionLabel, Diff, KindLabel, id_param};
use crate::api::consultations::{get_diff, get_outcome, get_public_outcome};
use crate::components::error::LoadError;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;
use crate::model::consultation::{Figures, OutcomeReport, VersionDiff};
use crate::model::ids::ConsultationId;

/// `/consultations/:id/changes?from=1&to=2`.
#[component]
pub fn DiffPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = id_param();
    let data = Resource::new(
        move || (query.read().get("from"), query.read().get("to")),
        move |(from, to)| {
            let id = id.clone();
            async move {
                let from: i32 = from.and_then(|f| f.parse().ok()).unwrap_or(1);
                let to: i32 = to.and_then(|f| f.parse().ok()).unwrap_or(from + 1);
                get_diff(id?, from, to).await
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, titles.consultation).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(diff) => view! { <Changes diff/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Changes(diff: VersionDiff) -> impl IntoView {
    let i18n = use_i18n();
    let id = diff.summary.id;
    let (from, to) = (diff.from, diff.to);
    let changed: Vec<_> = diff
        .sections
        .into_iter()
        .filter(|s| s.change != "same")
        .collect();
    let none = changed.is_empty();
    view! {
        <p><a href=format!("/consultations/{id}")>{t!(i18n, consultation.back_to_draft)}</a></p>
        <h1>{t!(i18n, outcome.changes_heading, from = move || from, to = move || to)}</h1>
        <p class="muted">{diff.summary.title.clone()}</p>
        <form method="get" class="inline">
            <label for="from">{t!(i18n, outcome.from)}</label>
            <select id="from" name="from">
                {diff.versions.iter().map(|v| view! { <option value=v.to_string() selected=*v == from>{*v}</option> }).collect_view()}
            </select>
            <label for="to">{t!(i18n, outcome.to)}</label>
            <select id="to" name="to">
                {diff.versions.iter().map(|v| view! { <option value=v.to_string() selected=*v == to>{*v}</option> }).collect_view()}
            </select>
            <button type="submit" class="secondary">{t!(i18n, outcome.compare)}</button>
        </form>
        {none.then(|| view! { <p>{t!(i18n, outcome.no_changes)}</p> })}
        <ol class="card-list" id="changes">
            {changed.into_iter().map(|s| {
                let label = match s.change.as_str() {
                    "added" => t!(i18n, outcome.added).into_any(),
                    "removed" => t!(i18n, outcome.removed).into_any(),
                    _ => t!(i18n, outcome.changed).into_any(),
                };
                view! {
                    <li class="card" data-anchor=s.anchor.clone() data-change=s.change.clone()>
                        <h2 class="card__title">{s.title.clone()}" "<span class="tag">{label}</span></h2>
                        <Diff parts=s.parts/>
                        {(!s.comments.is_empty()).then(|| view! {
                            <h3>{t!(i18n, outcome.because_of)}</h3>
                            <ul class="linked-comments">
                                {s.comments.into_iter().map(|c| view! {
                                    <li data-comment=c.id.to_string()>
                                        <AuthorName author=c.author/>": "{c.excerpt}
                                        {c.decision.map(|decision| view! { " ("<DecisionLabel decision/>")" })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The figures as a definition list.
#[component]
pub fn FiguresList(figures: Figures) -> impl IntoView {
    let i18n = use_i18n();
    let median = figures
        .median_hours_to_answer
        .map_or_else(|| "–".to_owned(), |h| format!("{h:.1}"));
    view! {
        <dl class="figures" id="figures">
            <dt>{t!(i18n, outcome.received)}</dt><dd data-figure="received">{figures.received}</dd>
            <dt>{t!(i18n, outcome.answered)}</dt><dd data-figure="answered_pct">{figures.answered_pct}" %"</dd>
            <dt>{t!(i18n, outcome.median)}</dt><dd data-figure="median_hours">{median}</dd>
            <dt>{t!(i18n, outcome.accepted)}</dt><dd data-figure="accepted_pct">{figures.accepted_pct}" %"</dd>
            <dt>{t!(i18n, outcome.sections_changed)}</dt><dd data-figure="sections_changed">{figures.sections_changed}</dd>
        </dl>
    }
}

/// The report itself (shared by every way of reading it).
#[component]
fn Report(report: OutcomeReport, print: bool, csv: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = report.summary.id;
    let class = if print { "report print-view" } else { "report" };
    view! {
        <article class=class>
            {(!print && !report.public).then(|| view! { <p class="no-print"><a href=format!("/consultations/{id}")>{t!(i18n, consultation.back_to_draft)}</a></p> })}
            <h1>{t!(i18n, outcome.heading)}</h1>
            <p class="lead">{report.summary.title.clone()}</p>
            {report.public.then(|| view! { <p class="hint">{t!(i18n, outcome.public_note)}</p> })}
            <FiguresList figures=report.figures.clone()/>
            {(!print).then(|| view! {
                <p class="no-print">
                    <a href=csv.clone() rel="external" download="">{t!(i18n, outcome.csv)}</a>" · "
                    <a href=format!("{}/print", if report.public { format!("/outcome/{id}") } else { format!("/consultations/{id}/outcome") })>{t!(i18n, outcome.print)}</a>
                </p>
            })}
            {report.sections.into_iter().map(|s| view! {
                <section class="report__section" data-anchor=s.anchor.clone()>
                    <h2>{s.title.clone()}</h2>
                    {s.changed.then(|| view! {
                        <h3>{t!(i18n, outcome.we_did)}</h3>
                        <Diff parts=s.change.clone()/>
                    })}
                    {(!s.comments.is_empty()).then(|| view! { <h3>{t!(i18n, outcome.you_said)}</h3> })}
                    <ul class="report__comments">
                        {s.comments.into_iter().map(|c| view! {
                            <li class="report__comment">
                                <p class="comment__meta"><KindLabel kind=c.kind/>" · "<AuthorName author=c.author/></p>
                                {(!c.body.is_empty()).then(|| view! { <p>{c.body.clone()}</p> })}
                                {c.proposal.clone().map(|p| view! { <p><em>{t!(i18n, consultation.proposed)}</em>" "{p}</p> })}
                                {match c.response {
                                    Some(r) => view! {
                                        <p class="response"><strong><DecisionLabel decision=r.decision/></strong>": "{r.explanation}</p>
                                    }.into_any(),
                                    None => view! { <p class="muted">{t!(i18n, outcome.no_answer)}</p> }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
        </article>
    }
}

fn report_page(
    load: impl Fn(
        ConsultationId,
    )
        -> std::pin::Pin<Box<dyn Future<Output = Result<OutcomeReport, AppError>> + Send>>
    + Send
    + Sync
    + 'static,
    print: bool,
    public: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id"),
        move |id| {
            let id: Option<ConsultationId> = id.and_then(|s| s.parse().ok());
            let fut = id.map(&load);
            async move {
                match fut {
                    Some(f) => f.await,
                    None => Err(AppError::NotFound),
                }
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, titles.outcome).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(report) => {
                        let id = report.summary.id;
                        let csv = if public { format!("/outcome/{id}/csv") } else { format!("/consultations/{id}/outcome.csv") };
                        view! { <Report report print csv/> }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/consultations/:id/outcome`.
#[component]
pub fn OutcomePage() -> impl IntoView {
    report_page(|id| Box::pin(get_outcome(id)), false, false)
}

/// `/consultations/:id/outcome/print`: the report alone, for printing or saving as PDF.
#[component]
pub fn OutcomePrintPage() -> impl IntoView {
    report_page(|id| Box::pin(get_outcome(id)), true, false)
}

/// `/outcome/:id`: the public report (no sign-in).
#[component]
pub fn PublicOutcomePage() -> impl IntoView {
    report_page(|id| Box::pin(get_public_outcome(id)), false, true)
}

/// `/outcome/:id/print`.
#[component]
pub fn PublicOutcomePrintPage() -> impl IntoView {
    report_page(|id| Box::pin(get_public_outcome(id)), true, true)
}
