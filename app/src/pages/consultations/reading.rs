//! Reading a consultation: the whole draft (text with comment counts), and one chapter with
//! its comments, the comment forms and the answers. Every form is a plain POST form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server_fn::ServerFn;

use crate::api::consultations::{
    DiscardCommentDraft, EditComment, HideComment, PostComment, SetCommentConsent, WithdrawComment,
    get_chapter, get_consultation,
};
use crate::components::error::ActionError;
use crate::components::error::LoadError;
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::AppError;
use crate::model::comment::{
    Attribution, AuthorLabel, CommentFields, CommentKind, CommentStatus, CommentView, Decision,
    DiffPart, HideReason,
};
use crate::model::consultation::{ChapterView, ConsultationDetail, Phase, SectionView};
use crate::model::ids::{ConsultationId, SectionId};

/// The consultation id in the path (a malformed id is a missing page).
pub fn id_param() -> Result<ConsultationId, AppError> {
    use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse().ok())
        .ok_or(AppError::NotFound)
}

/// The consultation page at `/consultations/:id`: the whole draft.
#[component]
pub fn ConsultationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id"),
        |id| async move {
            let id: ConsultationId = id.and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)?;
            get_consultation(id).await
        },
    );
    view! {
        <Title text=t_string!(i18n, titles.consultation).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
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

/// Links shared by the consultation's pages.
#[component]
fn ConsultationNav(
    id: ConsultationId,
    versions: Vec<i32>,
    manage: bool,
    outcome: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let diff = (versions.len() > 1).then(|| {
        let to = versions.last().copied().unwrap_or(1);
        let from = to - 1;
        view! { <li><a href=format!("/consultations/{id}/changes?from={from}&to={to}")>{t!(i18n, consultation.changes)}</a></li> }
    });
    view! {
        <nav aria-label=move || t_string!(i18n, consultation.nav_label).to_string() class="subnav">
            <ul>
                <li><a href=format!("/consultations/{id}")>{t!(i18n, consultation.whole_draft)}</a></li>
                {diff}
                {outcome.then(|| view! { <li><a href=format!("/consultations/{id}/outcome")>{t!(i18n, consultation.outcome)}</a></li> })}
                {manage.then(|| view! {
                    <li><a href=format!("/consultations/{id}/manage")>{t!(i18n, consultation.manage)}</a></li>
                    <li><a href=format!("/consultations/{id}/answers")>{t!(i18n, consultation.answers)}</a></li>
                })}
            </ul>
        </nav>
    }
}

#[component]
fn Detail(detail: ConsultationDetail) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let id = summary.id;
    let number = detail.version;
    let empty = detail.sections.is_empty();
    let may = detail.may;
    view! {
        <p><a href="/">{t!(i18n, consultation.back)}</a></p>
        <h1>{summary.title}</h1>
        <p class="phase"><PhaseLabel phase=summary.phase/></p>
        {summary.closes_at_local.map(|when| view! { <p class="muted">{t!(i18n, home.closes, when = move || when.clone())}</p> })}
        <p class="lead">{summary.summary}</p>
        <ConsultationNav id versions=detail.versions manage=may.manage outcome=may.outcome/>
        {may.log_time.then(|| view! {
            <p><a id="log-time-for-this" href=format!("/time?link_kind=consultation&link_id={id}#log-heading")>{t!(i18n, consultation.log_time)}</a></p>
        })}
        {if empty {
            view! { <p>{t!(i18n, consultation.no_draft)}</p> }.into_any()
        } else {
            view! {
                <p class="muted">{t!(i18n, consultation.version, number = move || number)}</p>
                {may.comment.then(|| view! { <p class="notice">{t!(i18n, consultation.how_to_comment)}</p> })}
                <article class="draft">
                    {detail.sections.into_iter().map(|s| {
                        let count = s.comment_count;
                        let link = if count == 0 && may.comment {
                            // Straight to an open comment box.
                            open_link(&format!("/consultations/{id}/part/{}", s.chapter), "on", &s.id.to_string(), &format!("section-{}", s.id))
                        } else {
                            format!("/consultations/{id}/part/{}#comments-{}", s.chapter, s.anchor)
                        };
                        view! {
                            <SectionBlock s>
                                <p class="section__comments">
                                    <a href=link rel="external">
                                        {if count > 0 {
                                            t!(i18n, consultation.comments_count, count = move || count).into_any()
                                        } else if may.comment {
                                            t!(i18n, consultation.comment_here).into_any()
                                        } else {
                                            t!(i18n, consultation.read_comments).into_any()
                                        }}
                                    </a>
                                </p>
                            </SectionBlock>
                        }
                    }).collect_view()}
                </article>
            }
            .into_any()
        }}
    }
}

/// One section. Headings keep the document outline (h2 for top level); paragraphs are text.
/// A content note hides the text behind a disclosure the reader opens on purpose.
#[component]
pub fn SectionBlock(s: SectionView, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let i18n = use_i18n();
    let has_heading = !s.heading.is_empty() || s.body.is_empty();
    let title = if s.heading.is_empty() {
        s.number.clone()
    } else if s.number.is_empty() {
        s.heading.clone()
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
    // A table of the draft (rows by "\n", cells by "\t"), scrollable on a narrow screen; a
    // footnote, kept apart from the text that refers to it.
    if s.kind == "table" {
        let rows: Vec<Vec<String>> = s
            .body
            .split('\n')
            .map(|row| row.split('\t').map(str::to_owned).collect())
            .collect();
        return view! {
            <section id=s.anchor class=format!("section section--table depth-{}", s.depth.clamp(0, 4))>
                <div class="section__table" role="region" tabindex="0" data-section=s.id.to_string()
                    aria-label=t_string!(i18n, consultation.table).to_string()>
                    <table>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {children.map(|c| c())}
            </section>
        }
        .into_any();
    }
    if s.kind == "note" {
        return view! {
            <section id=s.anchor class=format!("section section--note depth-{}", s.depth.clamp(0, 4))>
                <p class="section__note" role="note" data-section=s.id.to_string()>
                    <span class="section__number">{t!(i18n, consultation.footnote)}" "{s.number.clone()}": "</span>
                    {s.body.clone()}
                </p>
                {children.map(|c| c())}
            </section>
        }
        .into_any();
    }
    let number = (!has_heading && !s.number.is_empty()).then(|| s.number.clone());
    let body = (!s.body.is_empty()).then(|| {
        let text = view! {
            <p class="section__body" data-section=s.id.to_string()>
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
            {children.map(|c| c())}
        </section>
    }
    .into_any()
}

/// `/consultations/:id/part/:anchor`: one chapter with its comments and comment forms.
///
/// Like every page it is server-rendered and not hydrated: its forms are plain POST forms,
/// autosave listens on the whole document, and a form opens through a link (`?on=`, `?reply=`, `?edit=`, `?hide=`)
/// that loads the page again — the same with and without JavaScript. A box with kept text
/// is always open.
#[component]
pub fn ChapterPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let chapter = Resource::new(
        move || (params.read().get("id"), params.read().get("anchor")),
        |(id, anchor)| async move {
            let id: ConsultationId = id.and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)?;
            get_chapter(id, anchor.unwrap_or_default()).await
        },
    );
    let post = ServerAction::<PostComment>::new();
    let edit = ServerAction::<EditComment>::new();
    let withdraw = ServerAction::<WithdrawComment>::new();
    let consent = ServerAction::<SetCommentConsent>::new();
    let hide = ServerAction::<HideComment>::new();
    let discard = ServerAction::<DiscardCommentDraft>::new();
    view! {
        <Title text=t_string!(i18n, titles.consultation).to_string()/>
        <ActionError action=post/>
        <ActionError action=edit/>
        <ActionError action=withdraw/>
        <ActionError action=consent/>
        <ActionError action=hide/>
        <ActionError action=discard/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match chapter.await {
                    Ok(view) => view! { <div class="chapter-page" inner_html=chapter_html(view)/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The chapter as HTML. It is rendered once per reader, revision and language and then kept
/// (the page's costliest part; see `domain::chapter_cache`), except when the page opens a box
/// or holds kept text. Kept or not, it goes through this one path, so both are the same HTML.
fn chapter_html(view: ChapterView) -> std::sync::Arc<str> {
    use leptos::tachys::view::RenderHtml;
    let render = |view: ChapterView| view! { <Chapter view/> }.to_html();
    #[cfg(feature = "ssr")]
    {
        use leptos_i18n::Locale as _;
        let locale = use_i18n().get_locale_untracked();
        let key =
            crate::domain::consultations::chapter_cache::RenderedKey::of(&view, locale.as_str())
                .filter(|_| !Opened::from_query().any());
        if let (Some(key), Some(state)) = (key, use_context::<crate::domain::AppState>()) {
            return state.rendered.get_or_render(key, move || render(view));
        }
    }
    std::sync::Arc::from(render(view))
}

/// Which box the address asks to open (`?on=`, `?reply=`, `?edit=`, `?hide=`), and the words
/// the reader selected to quote (`?quote=`, with `?on=`).
#[derive(Debug, Default, Clone)]
pub(super) struct Opened {
    pub(super) on: Option<String>,
    pub(super) reply: Option<String>,
    pub(super) edit: Option<String>,
    pub(super) hide: Option<String>,
    pub(super) quote: Option<String>,
}

impl Opened {
    /// Whether the address asks for anything.
    #[cfg(feature = "ssr")]
    fn any(&self) -> bool {
        self.on.is_some()
            || self.reply.is_some()
            || self.edit.is_some()
            || self.hide.is_some()
            || self.quote.is_some()
    }

    pub(super) fn from_query() -> Self {
        let query = use_query_map();
        let query = query.read_untracked();
        Self {
            on: query.get("on"),
            reply: query.get("reply"),
            edit: query.get("edit"),
            hide: query.get("hide"),
            // Longer quotes are cut, as the field itself would (maxlength).
            quote: query.get("quote").map(|q| {
                q.trim()
                    .chars()
                    .take(crate::model::comment::MAX_QUOTE_CHARS)
                    .collect()
            }),
        }
    }
}

/// The address of a page (which may have a query already) opening one box, scrolled to it.
pub(super) fn open_link(page: &str, key: &str, id: &str, slot: &str) -> String {
    link_with(page, key, id, &format!("write-{slot}"))
}

/// The address of a page (which may have a query already) with one more `key=value`,
/// scrolled to `fragment`.
pub(super) fn link_with(page: &str, key: &str, value: &str, fragment: &str) -> String {
    let join = if page.contains('?') { '&' } else { '?' };
    format!("{page}{join}{key}={value}#{fragment}")
}

#[component]
fn Chapter(view: ChapterView) -> impl IntoView {
    let i18n = use_i18n();
    let id = view.summary.id;
    let may = view.may;
    let opened = Opened::from_query();
    let page = match view.sections.first() {
        Some(first) => format!("/consultations/{id}/part/{}", first.chapter),
        None => format!("/consultations/{id}"),
    };
    let mut drafts: std::collections::HashMap<String, CommentFields> =
        view.drafts.into_iter().collect();
    // Per section, keeping the thread order.
    let mut comments: std::collections::HashMap<SectionId, Vec<CommentView>> =
        std::collections::HashMap::new();
    for c in view.comments.iter().cloned() {
        comments.entry(c.section).or_default().push(c);
    }
    let more: std::collections::HashMap<SectionId, i64> = view.more.iter().copied().collect();
    let pager = move |link: Option<(String, String)>, next: bool| {
        link.map(|(anchor, title)| {
            let href = format!("/consultations/{id}/part/{anchor}");
            view! {
                <a href=href rel=if next { "next" } else { "prev" }>
                    {if next { t!(i18n, consultation.next).into_any() } else { t!(i18n, consultation.previous).into_any() }}
                    ": "{title}
                </a>
            }
        })
    };
    let closed_note = (view.summary.phase == Phase::Open && !may.comment && !may.manage)
        .then(|| view! { <p class="notice">{t!(i18n, consultation.not_commenting)}</p> });
    let sections = view.sections.iter().cloned().map(|s| {
        let section = s.id.to_string();
        let on_this = comments.remove(&s.id).unwrap_or_default();
        let count = s.comment_count;
        let left = more.get(&s.id).copied().unwrap_or(0);
        let all_link = (left > 0).then(|| {
            let href = format!("/consultations/{id}/comments/{}", s.anchor);
            view! {
                <p class="comments__all">
                    <a href=href>{t!(i18n, consultation.all_comments, count = move || count)}
                        <span class="visually-hidden">" "{label_for(&s)}</span></a>
                    " "<span class="muted">{t!(i18n, consultation.threads_left, count = move || left)}</span>
                </p>
            }
        });
        let slot = format!("section:{section}");
        let kept = drafts.remove(&slot);
        let asked = opened.on.as_deref() == Some(section.as_str());
        let open = kept.is_some() || asked;
        // Words selected in the text (with JavaScript) arrive as `?quote=`; kept text wins.
        let quote = asked.then(|| opened.quote.clone()).flatten();
        let back = format!("{page}#comments-{}", s.anchor);
        let label = if s.number.is_empty() { s.heading.clone() } else { s.number.clone() };
        let body = s.body.clone();
        let heading_id = format!("comments-heading-{}", s.anchor);
        let region_id = format!("comments-{}", s.anchor);
        let list = on_this.into_iter().map(|c| {
            let cid = c.id.to_string();
            let reply_kept = drafts.remove(&format!("reply:{cid}"));
            let edit_kept = drafts.remove(&format!("edit:{cid}"));
            let reply_open = reply_kept.is_some() || opened.reply.as_deref() == Some(cid.as_str());
            let edit_open = edit_kept.is_some() || opened.edit.as_deref() == Some(cid.as_str());
            let hide_open = opened.hide.as_deref() == Some(cid.as_str());
            let more = (c.more_replies > 0).then(|| {
                (format!("/consultations/{id}/comments/{}?thread={cid}", s.anchor), c.more_replies)
            });
            view! {
                <Comment c consultation=id may_comment=may.comment manage=may.manage page=page.clone() back=back.clone()
                    reply=(reply_open, reply_kept) edit=(edit_open, edit_kept) hide_open more/>
            }
        }).collect_view();
        let write = may.comment.then(|| if open {
            view! {
                <CommentForm consultation=id section=Some(section.clone()) parent=None
                    section_text=body.clone() kept quote back=back.clone()/>
            }.into_any()
        } else {
            view! {
                <p class="comments__write">
                    <a class="button secondary" rel="external" href=open_link(&page, "on", &section, &format!("section-{section}"))>
                        {t!(i18n, consultation.comment_on_section)}
                        <span class="visually-hidden">" "{label.clone()}</span>
                    </a>
                    // Shown by the page script when words of this section are selected.
                    " "
                    <a class="button secondary quote-link" rel="external" hidden
                        data-quote-for=section.clone()
                        data-quote-page=format!("{page}?on={section}")
                        data-quote-anchor=format!("#write-section-{section}")
                        href=open_link(&page, "on", &section, &format!("section-{section}"))>
                        {t!(i18n, consultation.quote_selection)}
                    </a>
                </p>
            }.into_any()
        });
        view! {
            <SectionBlock s>
                <div class="comments" role="region" aria-labelledby=heading_id.clone() id=region_id>
                    <h3 class="comments__heading" id=heading_id.clone()>
                        {t!(i18n, consultation.comments_count, count = move || count)}
                    </h3>
                    <ol class="comment-list">{list}</ol>
                    {all_link}
                    {write}
                </div>
            </SectionBlock>
        }
    }).collect_view();
    view! {
        <p><a href=format!("/consultations/{id}")>{t!(i18n, consultation.back_to_draft)}</a></p>
        <p class="muted">{view.summary.title.clone()}" · "<PhaseLabel phase=view.summary.phase/>
            " · "{t!(i18n, consultation.version, number = move || view.version)}</p>
        {closed_note}
        <article class="draft chapter">{sections}</article>
        <nav class="pager" aria-label=move || t_string!(i18n, consultation.pager_label).to_string()>
            {pager(view.previous, false)}
            {pager(view.next, true)}
        </nav>
    }
}

/// How a section is named in link texts for screen readers: its number, else its heading.
pub(super) fn label_for(s: &SectionView) -> String {
    if s.number.is_empty() {
        s.heading.clone()
    } else {
        s.number.clone()
    }
}

/// Who can see a comment, for the attribution chosen.
#[component]
fn AttributionHint() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="hint">
            <li>{t!(i18n, consultation.hint_named)}</li>
            <li>{t!(i18n, consultation.hint_pseudonym)}</li>
            <li>{t!(i18n, consultation.hint_anonymous)}</li>
        </ul>
    }
}

/// The "discard this text" button under a box with kept text (a separate form: forms do
/// not nest).
#[component]
fn DiscardKept(consultation: ConsultationId, draft_slot: String, back: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PostForm url=DiscardCommentDraft::url() class="inline" return_to=back>
            <input type="hidden" name="consultation" value=consultation.to_string()/>
            <input type="hidden" name="slot" value=draft_slot/>
            <button type="submit" class="link">{t!(i18n, consultation.discard_text)}</button>
        </PostForm>
    }
}

/// The comment form of a section (or a reply form when `parent` is set). A kept draft fills it.
#[component]
fn CommentForm(
    consultation: ConsultationId,
    section: Option<String>,
    parent: Option<String>,
    section_text: String,
    kept: Option<CommentFields>,
    /// Where to go after sending (the section's comments).
    back: String,
    /// Words to quote, selected in the text (used when nothing is kept).
    quote: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reply = parent.is_some();
    let key = parent
        .clone()
        .or_else(|| section.clone())
        .unwrap_or_default();
    let restored = kept.is_some();
    let kept = kept.unwrap_or_else(|| CommentFields {
        quote: quote.unwrap_or_default(),
        ..CommentFields::default()
    });
    let attribution = Attribution::from_code(&kept.attribution).unwrap_or(Attribution::Named);
    let kind = CommentKind::from_code(&kept.kind).unwrap_or(CommentKind::Comment);
    let body_id = format!("body-{key}");
    let slot = match (&parent, &section) {
        (Some(p), _) => format!("reply:{p}"),
        (None, Some(s)) => format!("section:{s}"),
        (None, None) => String::new(),
    };
    let anchor = format!("write-{}", slot.replace(':', "-"));
    let label = if reply {
        t!(i18n, consultation.reply_label).into_any()
    } else {
        t!(i18n, consultation.comment_label).into_any()
    };
    let discard = restored
        .then(|| view! { <DiscardKept consultation draft_slot=slot.clone() back=back.clone()/> });
    let cancel = (!restored)
        .then(|| view! { <a href=back.clone() rel="external">{t!(i18n, consultation.cancel)}</a> });
    view! {
        <div class="comment-form" id=anchor>
            <PostForm url=PostComment::url() class="stack" return_to=back.clone()
                autosave=(consultation.to_string(), slot.clone())>
                <input type="hidden" name="consultation" value=consultation.to_string()/>
                {section.map(|s| view! { <input type="hidden" name="section" value=s/> })}
                {parent.map(|p| view! { <input type="hidden" name="parent" value=p/> })}
                {restored.then(|| view! { <p class="notice" role="status">{t!(i18n, consultation.kept)}</p> })}
                {(!reply).then(|| view! {
                    <label for=format!("kind-{key}")>{t!(i18n, consultation.kind_label)}</label>
                    <select id=format!("kind-{key}") name="fields[kind]">
                        {CommentKind::ALL.iter().map(|k| view! {
                            <option value=k.code() selected=*k == kind><KindLabel kind=*k/></option>
                        }).collect_view()}
                    </select>
                    <label for=format!("quote-{key}")>{t!(i18n, consultation.quote_label)}</label>
                    <input id=format!("quote-{key}") name="fields[quote]" maxlength="1000" value=kept.quote.clone()/>
                    <label for=format!("proposal-{key}")>{t!(i18n, consultation.proposal_label)}</label>
                    <p class="hint">{t!(i18n, consultation.proposal_hint)}</p>
                    <TextArea id=format!("proposal-{key}") name="fields[proposal]" rows="4" text={if kept.proposal.is_empty() && kind == CommentKind::Wording { section_text.clone() } else { kept.proposal.clone() }}/>
                })}
                <label for=body_id.clone()>{label}</label>
                <p class="hint">{t!(i18n, consultation.markdown_hint)}</p>
                <TextArea id=body_id name="fields[body]" rows="5" maxlength="10000" text={kept.body.clone()}/>
                <fieldset>
                    <legend>{t!(i18n, consultation.attribution_label)}</legend>
                    {Attribution::ALL.iter().map(|a| {
                        let id = format!("attr-{}-{key}", a.code());
                        view! {
                            <span class="choice">
                                <input type="radio" id=id.clone() name="fields[attribution]" value=a.code() checked=*a == attribution/>
                                <label for=id><AttributionLabel attribution=*a/></label>
                            </span>
                        }
                    }).collect_view()}
                    <AttributionHint/>
                </fieldset>
                <span class="choice">
                    <input type="checkbox" id=format!("consent-{key}") name="fields[consent]" value="on"
                        checked=kept.consent.is_some()/>
                    <label for=format!("consent-{key}")>{t!(i18n, consultation.consent_label)}</label>
                </span>
                <p class="form-actions">
                    <button type="submit">{if reply { t!(i18n, consultation.post_reply).into_any() } else { t!(i18n, consultation.post).into_any() }}</button>
                    " "{cancel}
                </p>
            </PostForm>
            {discard}
        </div>
    }
}

/// The translated name of a comment kind.
#[component]
pub fn KindLabel(kind: CommentKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        CommentKind::Comment => t!(i18n, kinds.comment).into_any(),
        CommentKind::Concern => t!(i18n, kinds.concern).into_any(),
        CommentKind::Question => t!(i18n, kinds.question).into_any(),
        CommentKind::Wording => t!(i18n, kinds.wording).into_any(),
    }
}

#[component]
fn AttributionLabel(attribution: Attribution) -> impl IntoView {
    let i18n = use_i18n();
    match attribution {
        Attribution::Named => t!(i18n, consultation.attr_named).into_any(),
        Attribution::Pseudonym => t!(i18n, consultation.attr_pseudonym).into_any(),
        Attribution::Anonymous => t!(i18n, consultation.attr_anonymous).into_any(),
    }
}

/// The translated name of a decision.
#[component]
pub fn DecisionLabel(decision: Decision) -> impl IntoView {
    let i18n = use_i18n();
    match decision {
        Decision::Accepted => t!(i18n, decisions.accepted).into_any(),
        Decision::PartlyAccepted => t!(i18n, decisions.partly_accepted).into_any(),
        Decision::NotAccepted => t!(i18n, decisions.not_accepted).into_any(),
        Decision::Noted => t!(i18n, decisions.noted).into_any(),
    }
}

/// The translated reason for hiding.
#[component]
pub fn HideReasonLabel(reason: HideReason) -> impl IntoView {
    let i18n = use_i18n();
    match reason {
        HideReason::PersonalDetails => t!(i18n, hide.personal_details).into_any(),
        HideReason::Abusive => t!(i18n, hide.abusive).into_any(),
        HideReason::OffTopic => t!(i18n, hide.off_topic).into_any(),
        HideReason::Spam => t!(i18n, hide.spam).into_any(),
        HideReason::Other => t!(i18n, hide.other).into_any(),
    }
}

/// How an author is shown.
#[component]
pub fn AuthorName(author: AuthorLabel) -> impl IntoView {
    let i18n = use_i18n();
    match author {
        AuthorLabel::Named(name) => view! { <span class="author">{name}</span> }.into_any(),
        AuthorLabel::Pseudonym(name) => view! { <span class="author author--pseudonym">{name}</span> }.into_any(),
        AuthorLabel::Anonymous => view! { <span class="author author--anonymous">{t!(i18n, consultation.anonymous)}</span> }.into_any(),
    }
}

/// A word-level difference.
#[component]
pub fn Diff(parts: Vec<DiffPart>) -> impl IntoView {
    view! {
        <p class="diff">
            {parts.into_iter().map(|p| match p {
                DiffPart::Same(t) => view! { <span>{t}</span> }.into_any(),
                DiffPart::Added(t) => view! { <ins>{t}</ins> }.into_any(),
                DiffPart::Removed(t) => view! { <del>{t}</del> }.into_any(),
            }).collect_view()}
        </p>
    }
}

/// One comment with its answer and the actions the reader may take. Reply, edit and hide
/// are links that open their form in place (`reply`/`edit`: whether open, and kept text).
#[component]
pub(super) fn Comment(
    c: CommentView,
    consultation: ConsultationId,
    may_comment: bool,
    manage: bool,
    /// The chapter page's path.
    page: String,
    /// Where to go after an action (the section's comments).
    back: String,
    reply: (bool, Option<CommentFields>),
    edit: (bool, Option<CommentFields>),
    hide_open: bool,
    /// The rest of the thread, when the page leaves replies out: (address, how many).
    #[prop(default = None)]
    more: Option<(String, i64)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let cid = id.to_string();
    let withdrawn = c.status == CommentStatus::Withdrawn;
    let hidden = c.status == CommentStatus::Hidden;
    let kind = c.kind;
    let class = format!(
        "comment depth-{} comment--{}",
        c.depth.clamp(0, 4),
        c.status.code()
    );
    let response = c.response.clone();
    let own = c.own_fields.clone();
    let may_edit = c.mine && !withdrawn && (may_comment || hidden);
    let may_reply = may_comment && !withdrawn && !hidden;
    let may_hide = manage && !withdrawn && !hidden;
    let (reply_open, reply_kept) = reply;
    let (edit_open, edit_kept) = edit;
    let links = {
        let reply_link = (may_reply && !reply_open).then(|| view! {
            <a rel="external" href=open_link(&page, "reply", &cid, &format!("reply-{cid}"))>{t!(i18n, consultation.reply)}</a>" "
        });
        let edit_link = (may_edit && !edit_open).then(|| view! {
            <a rel="external" href=open_link(&page, "edit", &cid, &format!("edit-{cid}"))>{t!(i18n, consultation.edit)}</a>" "
        });
        let hide_link = (may_hide && !hide_open).then(|| view! {
            <a rel="external" href=open_link(&page, "hide", &cid, &format!("hide-{cid}"))>{t!(i18n, consultation.hide)}</a>" "
        });
        let own_forms = (c.mine && !withdrawn).then(|| {
            let (give, take, withdraw) = (cid.clone(), cid.clone(), cid.clone());
            view! {
                <PostForm url=SetCommentConsent::url() class="inline" return_to=back.clone()>
                    <input type="hidden" name="comment" value=give/>
                    <input type="hidden" name="given" value="true"/>
                    <button type="submit" class="link">{t!(i18n, consultation.consent_give)}</button>
                </PostForm>
                <PostForm url=SetCommentConsent::url() class="inline" return_to=back.clone()>
                    <input type="hidden" name="comment" value=take/>
                    <input type="hidden" name="given" value="false"/>
                    <button type="submit" class="link">{t!(i18n, consultation.consent_withdraw)}</button>
                </PostForm>
                <PostForm url=WithdrawComment::url() class="inline" return_to=back.clone()>
                    <input type="hidden" name="comment" value=withdraw/>
                    <button type="submit" class="link danger">{t!(i18n, consultation.withdraw)}</button>
                </PostForm>
            }
        });
        let any = reply_link.is_some()
            || edit_link.is_some()
            || hide_link.is_some()
            || own_forms.is_some();
        any.then(|| view! { <div class="comment__actions">{reply_link}{edit_link}{hide_link}{own_forms}</div> })
    };
    let reply_form = (may_reply && reply_open).then(|| view! {
        <CommentForm consultation section=None parent=Some(cid.clone()) section_text=String::new() kept=reply_kept quote=None back=back.clone()/>
    });
    let edit_form = (may_edit && edit_open).then(|| {
        let restored = edit_kept.is_some();
        let fields = edit_kept.or(own).unwrap_or_default();
        view! { <EditForm consultation comment=cid.clone() fields restored back=back.clone()/> }
    });
    let hide_form = (may_hide && hide_open)
        .then(|| view! { <HideForm comment=cid.clone() back=back.clone()/> });
    view! {
        <li class=class id=format!("comment-{id}") data-comment=cid.clone()>
            {if withdrawn {
                view! { <p class="muted">{t!(i18n, consultation.withdrawn)}</p> }.into_any()
            } else {
                view! {
                    <p class="comment__meta">
                        <span class=format!("tag tag--{}", kind.code())><KindLabel kind/></span>" "
                        <AuthorName author=c.author.clone()/>
                        {c.mine.then(|| view! { " "<span class="tag">{t!(i18n, consultation.yours)}</span> })}
                        " · "{c.created_local.clone()}
                        {c.edited.then(|| view! { " · "{t!(i18n, consultation.edited)} })}
                    </p>
                    {hidden.then(|| view! {
                        <p class="notice" role="status">
                            {t!(i18n, consultation.hidden_notice)}" "
                            {c.hidden_reason.map(|reason| view! { <HideReasonLabel reason/> })}
                            {c.hidden_note.clone().map(|n| view! { " — "{n} })}
                        </p>
                    })}
                    {c.quote.clone().map(|q| view! { <blockquote class="comment__quote">{q}</blockquote> })}
                    {c.proposal.clone().map(|parts| view! {
                        <div class="comment__proposal">
                            <p class="muted">{t!(i18n, consultation.proposed)}</p>
                            <Diff parts/>
                        </div>
                    })}
                    <div class="comment__body" inner_html=c.body_html.clone()></div>
                }.into_any()
            }}
            {response.map(|r| view! {
                <div class="response">
                    <p><strong>{t!(i18n, consultation.answer)}": "<DecisionLabel decision=r.decision/></strong>
                        " · "{r.answered_local.clone()}</p>
                    <p>{r.explanation.clone()}</p>
                    {(!r.changed.is_empty()).then(|| view! { <p class="muted">{t!(i18n, consultation.led_to_change)}</p> })}
                </div>
            })}
            {links}
            {reply_form}
            {edit_form}
            {hide_form}
            {more.map(|(href, n)| view! {
                <p class="comment__more"><a href=href>{t!(i18n, consultation.more_replies, count = move || n)}</a></p>
            })}
        </li>
    }
}

#[component]
fn EditForm(
    consultation: ConsultationId,
    comment: String,
    fields: CommentFields,
    restored: bool,
    back: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let reply_like = fields.kind != CommentKind::Wording.code();
    let slot = format!("edit:{comment}");
    let discard = restored
        .then(|| view! { <DiscardKept consultation draft_slot=slot.clone() back=back.clone()/> });
    let cancel = (!restored)
        .then(|| view! { <a href=back.clone() rel="external">{t!(i18n, consultation.cancel)}</a> });
    let anchor = format!("write-edit-{comment}");
    view! {
        <div class="comment-form" id=anchor>
            <PostForm url=EditComment::url() class="stack" return_to=back.clone()
                autosave=(consultation.to_string(), slot.clone())>
                <input type="hidden" name="consultation" value=consultation.to_string()/>
                <input type="hidden" name="comment" value=comment.clone()/>
                <input type="hidden" name="fields[kind]" value=fields.kind.clone()/>
                <input type="hidden" name="fields[attribution]" value=fields.attribution.clone()/>
                <input type="hidden" name="fields[quote]" value=fields.quote.clone()/>
                {restored.then(|| view! { <p class="notice" role="status">{t!(i18n, consultation.kept)}</p> })}
                {(!reply_like).then(|| view! {
                    <label for=format!("edit-proposal-{comment}")>{t!(i18n, consultation.proposal_label)}</label>
                    <TextArea id=format!("edit-proposal-{comment}") name="fields[proposal]" rows="4" text={fields.proposal.clone()}/>
                })}
                <label for=format!("edit-body-{comment}")>{t!(i18n, consultation.comment_label)}</label>
                <TextArea id=format!("edit-body-{comment}") name="fields[body]" rows="5" text={fields.body.clone()}/>
                <p class="form-actions">
                    <button type="submit">{t!(i18n, consultation.save)}</button>
                    " "{cancel}
                </p>
            </PostForm>
            {discard}
        </div>
    }
}

#[component]
fn HideForm(comment: String, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let anchor = format!("write-hide-{comment}");
    view! {
        <div class="comment-form" id=anchor>
            <PostForm url=HideComment::url() class="stack" return_to=back.clone()>
                <input type="hidden" name="comment" value=comment.clone()/>
                <label for=format!("reason-{comment}")>{t!(i18n, fields.reason)}</label>
                <select id=format!("reason-{comment}") name="reason">
                    {HideReason::ALL.iter().map(|r| view! { <option value=r.code()><HideReasonLabel reason=*r/></option> }).collect_view()}
                </select>
                <label for=format!("note-{comment}")>{t!(i18n, consultation.hide_note)}</label>
                <TextArea id=format!("note-{comment}") name="note" rows="2"/>
                <p class="form-actions">
                    <button type="submit">{t!(i18n, consultation.hide)}</button>
                    " "<a href=back.clone() rel="external">{t!(i18n, consultation.cancel)}</a>
                </p>
            </PostForm>
        </div>
    }
}
