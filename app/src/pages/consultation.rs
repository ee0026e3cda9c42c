//! One consultation: its summary and the current draft, section by section.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::consultations::get_consultation;
use crate::components::error::ErrorPage;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;
use crate::model::consultation::{ConsultationDetail, Phase, SectionView};
use crate::model::ids::ConsultationId;

/// The consultation page at `/consultations/:id`.
#[component]
pub fn ConsultationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id"),
        |id| async move {
            // A malformed id is a missing page, not a server error.
            let id: ConsultationId = id.and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)?;
            get_consultation(id).await
        },
    );
    view! {
        <Title text=move || t_string!(i18n, titles.consultation).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The translated name of a phase.
#[component]
pub fn PhaseLabel(phase: Phase) -> impl IntoView {
    let i18n = use_i18n();
    match phase {
        Phase::Draft => t!(i18n, phase.draft).into_any(),
        Phase::Open => t!(i18n, phase.open).into_any(),
        Phase::Closed => t!(i18n, phase.closed).into_any(),
        Phase::Responded => t!(i18n, phase.responded).into_any(),
        Phase::OutcomePublished => t!(i18n, phase.outcome_published).into_any(),
    }
}

#[component]
fn Detail(detail: ConsultationDetail) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let number = detail.version;
    let empty = detail.sections.is_empty();
    view! {
        <p><a href="/">{t!(i18n, consultation.back)}</a></p>
        <h1>{summary.title}</h1>
        <p class="phase"><PhaseLabel phase=summary.phase/></p>
        {summary.closes_at_local.map(|when| view! { <p class="muted">{t!(i18n, home.closes, when = move || when.clone())}</p> })}
        <p class="lead">{summary.summary}</p>
        {if empty {
            view! { <p>{t!(i18n, consultation.no_draft)}</p> }.into_any()
        } else {
            view! {
                <p class="muted">{t!(i18n, consultation.version, number = move || number)}</p>
                <article class="draft">
                    {detail.sections.into_iter().map(|s| view! { <SectionBlock s/> }).collect_view()}
                </article>
            }
            .into_any()
        }}
    }
}

/// One section. Headings keep the document outline (h2 for top level); paragraphs are text.
/// A content note hides the text behind a disclosure the reader opens on purpose.
#[component]
fn SectionBlock(s: SectionView) -> impl IntoView {
    let i18n = use_i18n();
    let has_heading = !s.heading.is_empty() || s.body.is_empty();
    let title = if s.heading.is_empty() {
        s.number.clone()
    } else {
        format!("{} – {}", s.number, s.heading)
    };
    let level = (s.depth + 2).clamp(2, 6);
    let heading = has_heading.then(|| match level {
        2 => view! { <h2>{title.clone()}</h2> }.into_any(),
        3 => view! { <h3>{title.clone()}</h3> }.into_any(),
        4 => view! { <h4>{title.clone()}</h4> }.into_any(),
        5 => view! { <h5>{title.clone()}</h5> }.into_any(),
        _ => view! { <h6>{title.clone()}</h6> }.into_any(),
    });
    let number = (!has_heading).then(|| s.number.clone());
    let body = (!s.body.is_empty()).then(|| {
        let text = view! {
            <p class="section__body">
                {number.map(|n| view! { <span class="section__number">{n}" "</span> })}
                {s.body.clone()}
            </p>
        };
        match s.content_note.clone() {
            Some(note) => view! {
                <details class="content-note">
                    <summary>
                        <strong>{t!(i18n, consultation.content_note)}</strong>" "{note}" — "
                        {t!(i18n, consultation.show_text)}
                    </summary>
                    {text}
                </details>
            }
            .into_any(),
            None => text.into_any(),
        }
    });
    view! {
        <section id=s.anchor class=format!("section section--{} depth-{}", s.kind, s.depth.clamp(0, 4))>
            {heading}
            {body}
        </section>
    }
}
