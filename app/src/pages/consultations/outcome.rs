//! What came of a consultation: the changes between versions with the comments that led to
//! them, and the "you said, we did" report (signed in and public, a page at a time; the
//! printable whole streamed by the server from [`print`]).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::reading::{AuthorName, DecisionLabel, Diff, id_param};
use crate::api::consultations::{get_diff, get_outcome, get_public_outcome};
use crate::components::error::LoadError;
use crate::components::pager::Pager;
use crate::i18n::{Locale, t, t_string, td, td_string, use_i18n};
use crate::model::AppError;
use crate::model::comment::{AuthorLabel, CommentKind, Decision};
use crate::model::consultation::{Figures, OutcomeReport, ReportSection, VersionDiff};
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

/// The figures as a definition list, in `locale` (no reactive context: also for the
/// streamed print view).
#[component]
fn FiguresIn(figures: Figures, locale: Locale) -> impl IntoView {
    let median = figures
        .median_hours_to_answer
        .map_or_else(|| "–".to_owned(), |h| format!("{h:.1}"));
    view! {
        <dl class="figures" id="figures">
            <dt>{td_string!(locale, outcome.received)}</dt><dd data-figure="received">{figures.received}</dd>
            <dt>{td_string!(locale, outcome.answered)}</dt><dd data-figure="answered_pct">{figures.answered_pct}" %"</dd>
            <dt>{td_string!(locale, outcome.median)}</dt><dd data-figure="median_hours">{median}</dd>
            <dt>{td_string!(locale, outcome.accepted)}</dt><dd data-figure="accepted_pct">{figures.accepted_pct}" %"</dd>
            <dt>{td_string!(locale, outcome.sections_changed)}</dt><dd data-figure="sections_changed">{figures.sections_changed}</dd>
        </dl>
    }
}

fn kind_text(locale: Locale, kind: CommentKind) -> &'static str {
    match kind {
        CommentKind::Comment => td_string!(locale, kinds.comment),
        CommentKind::Concern => td_string!(locale, kinds.concern),
        CommentKind::Question => td_string!(locale, kinds.question),
        CommentKind::Wording => td_string!(locale, kinds.wording),
    }
}

fn decision_text(locale: Locale, decision: Decision) -> &'static str {
    match decision {
        Decision::Accepted => td_string!(locale, decisions.accepted),
        Decision::PartlyAccepted => td_string!(locale, decisions.partly_accepted),
        Decision::NotAccepted => td_string!(locale, decisions.not_accepted),
        Decision::Noted => td_string!(locale, decisions.noted),
    }
}

/// One section of the report (or the part of it on this page), in `locale`.
#[component]
fn ReportSectionIn(section: ReportSection, locale: Locale) -> impl IntoView {
    let s = section;
    let total = s.total;
    view! {
        <section class="report__section" data-anchor=s.anchor.clone()>
            <h2>{s.title.clone()}{s.continued.then(|| format!(" {}", td_string!(locale, outcome.continued)))}</h2>
            {(s.changed && !s.continued).then(|| view! {
                <h3>{td_string!(locale, outcome.we_did)}</h3>
                <Diff parts=s.change.clone()/>
            })}
            {(!s.comments.is_empty() && !s.continued).then(|| view! {
                <h3>{td_string!(locale, outcome.you_said)}" "<span class="muted">{td!(locale, outcome.comments_count, count = move || total)}</span></h3>
            })}
            <ul class="report__comments">
                {s.comments.into_iter().map(|c| {
                    let author = match c.author {
                        AuthorLabel::Named(name) => view! { <span class="author">{name}</span> }.into_any(),
                        AuthorLabel::Pseudonym(name) => view! { <span class="author author--pseudonym">{name}</span> }.into_any(),
                        AuthorLabel::Anonymous => view! { <span class="author author--anonymous">{td_string!(locale, consultation.anonymous)}</span> }.into_any(),
                    };
                    view! {
                        <li class="report__comment">
                            <p class="comment__meta">{kind_text(locale, c.kind)}" · "{author}</p>
                            {(!c.body.is_empty()).then(|| view! { <p>{c.body.clone()}</p> })}
                            {c.proposal.clone().map(|p| view! { <p><em>{td_string!(locale, consultation.proposed)}</em>" "{p}</p> })}
                            {match c.response {
                                Some(r) => view! {
                                    <p class="response"><strong>{decision_text(locale, r.decision)}</strong>": "{r.explanation}</p>
                                }.into_any(),
                                None => view! { <p class="muted">{td_string!(locale, outcome.no_answer)}</p> }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Where a report lives: signed in or public.
fn report_base(id: ConsultationId, public: bool) -> String {
    if public {
        format!("/outcome/{id}")
    } else {
        format!("/consultations/{id}/outcome")
    }
}

/// A page of the report, with the pager.
#[component]
fn Report(report: OutcomeReport, csv: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = report.summary.id;
    let base = report_base(id, report.public);
    let (page, pages) = (report.page, report.pages);
    let address = move |p: u32| {
        if p <= 1 {
            base.clone()
        } else {
            format!("{base}?page={p}")
        }
    };
    let pager = view! {
        <Pager page=i64::from(page) pages=i64::from(pages)
            previous=(page > 1).then(|| address(page - 1)) next=(page < pages).then(|| address(page + 1))/>
    };
    view! {
        <article class="report">
            {(!report.public).then(|| view! { <p class="no-print"><a href=format!("/consultations/{id}")>{t!(i18n, consultation.back_to_draft)}</a></p> })}
            <h1>{t!(i18n, outcome.heading)}</h1>
            <p class="lead">{report.summary.title.clone()}</p>
            {report.public.then(|| view! { <p class="hint">{t!(i18n, outcome.public_note)}</p> })}
            <FiguresIn figures=report.figures.clone() locale/>
            <p class="no-print">
                <a href=csv rel="external" download="">{t!(i18n, outcome.csv)}</a>" · "
                <a href=format!("{}/print", report_base(id, report.public)) rel="external">{t!(i18n, outcome.print)}</a>
            </p>
            {(pages > 1).then(|| view! { <p class="hint no-print">{t!(i18n, outcome.paged_note)}</p> })}
            {report.sections.into_iter().map(|section| view! { <ReportSectionIn section locale/> }).collect_view()}
            {pager}
        </article>
    }
}

/// The streamed print view, a piece at a time: a document of its own (no scripts, the quick
/// exit as a plain link), the whole report, for printing or saving as PDF. The server sends
/// [`print_start`], then [`print_part`] for each part of the report, then [`print_end`].
#[cfg(feature = "ssr")]
pub mod print {
    use leptos::prelude::*;
    use leptos::tachys::view::RenderHtml;
    use leptos_i18n::Locale as _;

    use super::{FiguresIn, ReportSectionIn, report_base};
    use crate::i18n::{Locale, td_string};
    use crate::model::consultation::{OutcomeReport, ReportSection};

    /// The document's start: head, quick exit, title and figures.
    pub fn print_start(locale: Locale, front: OutcomeReport) -> String {
        let id = front.summary.id;
        let back = report_base(id, front.public);
        let body = view! {
            <a class="quick-exit no-print" href="/exit" rel="external noreferrer" title=td_string!(locale, quick_exit_hint)>
                {td_string!(locale, quick_exit)}
            </a>
            <p class="no-print"><a href=back>{td_string!(locale, outcome.back_to_report)}</a></p>
            <h1>{td_string!(locale, outcome.heading)}</h1>
            <p class="lead">{front.summary.title.clone()}</p>
            {front.public.then(|| view! { <p class="hint">{td_string!(locale, outcome.public_note)}</p> })}
            <FiguresIn figures=front.figures locale/>
        }
        .to_html();
        let head = view! {
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <meta name="robots" content="noindex, nofollow"/>
            <link rel="stylesheet" href="/pkg/roundtable.css"/>
            <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
            <title>{td_string!(locale, titles.outcome)}</title>
        }
        .to_html();
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head>{head}</head><body><main id=\"main\">\
             <article class=\"report print-view\">{body}",
            lang = locale.as_str(),
        )
    }

    /// One part of the report.
    pub fn print_part(locale: Locale, section: ReportSection) -> String {
        view! { <ReportSectionIn section locale/> }.to_html()
    }

    /// The document's end.
    pub fn print_end() -> &'static str {
        "</article></main></body></html>"
    }
}

fn report_page(
    load: impl Fn(
        ConsultationId,
        Option<u32>,
    )
        -> std::pin::Pin<Box<dyn Future<Output = Result<OutcomeReport, AppError>> + Send>>
    + Send
    + Sync
    + 'static,
    public: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("id"), query.read().get("page")),
        move |(id, page)| {
            let id: Option<ConsultationId> = id.and_then(|s| s.parse().ok());
            let page: Option<u32> = page.and_then(|p| p.parse().ok());
            let fut = id.map(|id| load(id, page));
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
                        view! { <Report report csv/> }.into_any()
                    }
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/consultations/:id/outcome?page=`.
#[component]
pub fn OutcomePage() -> impl IntoView {
    report_page(|id, page| Box::pin(get_outcome(id, page)), false)
}

/// `/outcome/:id?page=`: the public report (no sign-in).
#[component]
pub fn PublicOutcomePage() -> impl IntoView {
    report_page(|id, page| Box::pin(get_public_outcome(id, page)), true)
}
