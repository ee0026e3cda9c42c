//! The pager of a paged list: plain links to the previous and next page (they work without
//! JavaScript) and "Page N of M"; nothing when there is one page.

use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

/// `previous`/`next`: the addresses of the neighbouring pages, when there are any.
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    previous: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=move || t_string!(i18n, consultation.pages_label).to_string()>
                {previous.map(|href| view! { <a href=href rel="prev">{t!(i18n, consultation.page_previous)}</a> })}
                <span>{t!(i18n, consultation.page_of, page = move || page, pages = move || pages)}</span>
                {next.map(|href| view! { <a href=href rel="next">{t!(i18n, consultation.page_next)}</a> })}
            </nav>
        }
    })
}
