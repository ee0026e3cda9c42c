//! `/consultations/:id/comments/:anchor`: every comment on one section, a page at a time
//! (`?page=`, `?sort=newest|oldest|replies`), or one thread with all its replies
//! (`?thread=`). The chapter shows only each section's newest threads and links here. Plain
//! links and POST forms: the same with and without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::reading::{Comment, Opened, PhaseLabel, SectionBlock};
use crate::api::consultations::{
    DiscardCommentDraft, EditComment, HideComment, PostComment, SetCommentConsent, WithdrawComment,
    get_section_comments,
};
use crate::components::error::{ActionError, LoadError};
use crate::components::pager::Pager;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;
use crate::model::comment::CommentFields;
use crate::model::consultation::{SectionComments, ThreadSort};
use crate::model::ids::ConsultationId;

#[component]
pub fn SectionCommentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id"),
                params.read().get("anchor"),
                q.get("sort").unwrap_or_default(),
                q.get("page")
                    .and_then(|p| p.parse::<i64>().ok())
                    .unwrap_or(1),
                q.get("thread"),
            )
        },
        |(id, anchor, sort, page, thread)| async move {
            let id: ConsultationId = id.and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)?;
            let thread = match thread {
                Some(t) => Some(t.parse().map_err(|_| AppError::NotFound)?),
                None => None,
            };
            get_section_comments(id, anchor.unwrap_or_default(), sort, page, thread).await
        },
    );
    let post = ServerAction::<PostComment>::new();
    let edit = ServerAction::<EditComment>::new();
    let withdraw = ServerAction::<WithdrawComment>::new();
    let consent = ServerAction::<SetCommentConsent>::new();
    let hide = ServerAction::<HideComment>::new();
    let discard = ServerAction::<DiscardCommentDraft>::new();
    view! {
        <Title text=t_string!(i18n, titles.section_comments).to_string()/>
        <ActionError action=post/>
        <ActionError action=edit/>
        <ActionError action=withdraw/>
        <ActionError action=consent/>
        <ActionError action=hide/>
        <ActionError action=discard/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Comments view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Comments(view: SectionComments) -> impl IntoView {
    let i18n = use_i18n();
    let id = view.summary.id;
    let may = view.may;
    let opened = Opened::from_query();
    let s = view.section.clone();
    let base = format!("/consultations/{id}/comments/{}", s.anchor);
    let sort = view.sort;
    let address = |page: i64| {
        let mut query = Vec::new();
        if let Some(t) = view.thread {
            query.push(format!("thread={t}"));
        } else if sort != ThreadSort::default() {
            query.push(format!("sort={}", sort.code()));
        }
        if page > 1 {
            query.push(format!("page={page}"));
        }
        if query.is_empty() {
            base.clone()
        } else {
            format!("{base}?{}", query.join("&"))
        }
    };
    let here = address(view.page);
    let back = format!("{here}#comments");
    let chapter = format!(
        "/consultations/{id}/part/{}#comments-{}",
        s.chapter, s.anchor
    );
    let title = [s.number.as_str(), s.heading.as_str()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" – ");
    let mut drafts: std::collections::HashMap<String, CommentFields> =
        view.drafts.into_iter().collect();
    let total = view.total;
    let (page, pages) = (view.page, view.pages);
    let sorts = view.thread.is_none().then(|| {
        view! {
            <nav class="subnav" aria-label=move || t_string!(i18n, consultation.sort_label).to_string()>
                <ul>
                    {ThreadSort::ALL.into_iter().map(|option| {
                        let href = if option == ThreadSort::default() {
                            base.clone()
                        } else {
                            format!("{base}?sort={}", option.code())
                        };
                        let label = match option {
                            ThreadSort::Newest => t!(i18n, consultation.sort_newest).into_any(),
                            ThreadSort::Oldest => t!(i18n, consultation.sort_oldest).into_any(),
                            ThreadSort::Replies => t!(i18n, consultation.sort_replies).into_any(),
                        };
                        view! {
                            <li><a href=href aria-current={if option == sort { Some("true") } else { None }}>{label}</a></li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
        }
    });
    let list = view.comments.into_iter().map(|c| {
        let cid = c.id.to_string();
        let reply_kept = drafts.remove(&format!("reply:{cid}"));
        let edit_kept = drafts.remove(&format!("edit:{cid}"));
        let reply_open = reply_kept.is_some() || opened.reply.as_deref() == Some(cid.as_str());
        let edit_open = edit_kept.is_some() || opened.edit.as_deref() == Some(cid.as_str());
        let hide_open = opened.hide.as_deref() == Some(cid.as_str());
        let more = (c.more_replies > 0).then(|| (format!("{base}?thread={cid}"), c.more_replies));
        view! {
            <Comment c consultation=id may_comment=may.comment manage=may.manage page=here.clone() back=back.clone()
                reply=(reply_open, reply_kept) edit=(edit_open, edit_kept) hide_open more/>
        }
    }).collect_view();
    let pager = view! {
        <Pager page pages previous=(page > 1).then(|| address(page - 1)) next=(page < pages).then(|| address(page + 1))/>
    };
    let thread_back = view.thread.map(|_| {
        view! {
            <p><a href=base.clone()>{t!(i18n, consultation.all_threads)}</a></p>
        }
    });
    view! {
        <p><a href=chapter>{t!(i18n, consultation.back_to_chapter)}</a></p>
        <p class="muted">{view.summary.title.clone()}" · "<PhaseLabel phase=view.summary.phase/>
            " · "{t!(i18n, consultation.version, number = move || view.version)}</p>
        <h1>{t!(i18n, consultation.section_comments_heading)}" "{title}</h1>
        <article class="draft chapter"><SectionBlock s/></article>
        {thread_back}
        <div class="comments" role="region" aria-labelledby="comments-heading" id="comments">
            <h2 class="comments__heading" id="comments-heading">
                {if view.thread.is_some() {
                    t!(i18n, consultation.thread_replies, count = move || total).into_any()
                } else {
                    t!(i18n, consultation.threads_count, count = move || total).into_any()
                }}
            </h2>
            {sorts}
            <ol class="comment-list">{list}</ol>
            {pager}
        </div>
    }
}
