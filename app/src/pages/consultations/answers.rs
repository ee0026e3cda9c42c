//! `/consultations/:id/answers`: the secretariat's answer queue. A page of items (a comment,
//! or a group of near-identical ones answered together), filtered and sorted through a GET
//! form, so the address says what is shown and works without JavaScript. Each item's form
//! saves and comes back to the queue, where the next one waits ("answer and next"); a
//! decision can also be taken on a selection.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use super::reading::{AuthorName, DecisionLabel, Diff, KindLabel, id_param};
use crate::api::consultations::{AnswerComment, AnswerGroup, AnswerSelection, get_answer_queue};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::{PostForm, TextArea};
use crate::components::pager::Pager;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::comment::{
    AnswerQueue, Attribution, CommentKind, Decision, QueueFilter, QueueItem, QueueSort,
};
use crate::model::ids::ConsultationId;

#[component]
pub fn AnswersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            QueueFilter {
                section: get("section"),
                kind: get("kind"),
                attribution: get("attribution"),
                answered: get("answered"),
                hidden: get("hidden"),
                wording: get("wording"),
                q: get("q"),
                sort: get("sort"),
                page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            }
        },
        |filter| async move { get_answer_queue(id_param()?, filter).await },
    );
    let answer = ServerAction::<AnswerComment>::new();
    let group = ServerAction::<AnswerGroup>::new();
    let selection = ServerAction::<AnswerSelection>::new();
    view! {
        <Title text=t_string!(i18n, titles.answers).to_string()/>
        <ActionError action=answer/>
        <ActionError action=group/>
        <ActionError action=selection/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(queue) => view! { <div class="answers-page" inner_html=answers_html(queue)/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The queue's page as HTML, rendered once per reader, revision, time zone, language and
/// filters, then kept (as a chapter is, see `reading::chapter_html`): the page holds a form
/// per item, and rendering them was most of its cost.
///
/// An item whose "also changed" list is open (`?also=`) is rendered for that visit only: the
/// list holds every section, so the page shows it on one item at a time.
fn answers_html(queue: AnswerQueue) -> std::sync::Arc<str> {
    use leptos::tachys::view::RenderHtml;
    let also = use_query_map().read_untracked().get("also");
    #[cfg(feature = "ssr")]
    let opened = also.is_some();
    let render = move |queue: AnswerQueue| view! { <Answers queue also/> }.to_html();
    #[cfg(feature = "ssr")]
    {
        use leptos_i18n::Locale as _;
        let locale = use_i18n().get_locale_untracked();
        if let (false, Some(state)) = (opened, use_context::<crate::domain::AppState>()) {
            return state
                .rendered
                .get_or_render_queue(queue, locale.as_str(), render);
        }
    }
    std::sync::Arc::from(render(queue))
}

/// The decision radios and explanation of an answer form; `key` keeps ids unique.
#[component]
fn AnswerFields(key: String, decision: Option<Decision>, explanation: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend>{t!(i18n, fields.decision)}</legend>
            {Decision::ALL.iter().map(|d| {
                let rid = format!("d-{}-{key}", d.code());
                view! {
                    <span class="choice">
                        <input type="radio" id=rid.clone() name="fields[decision]" value=d.code() checked=decision == Some(*d)/>
                        <label for=rid><DecisionLabel decision=*d/></label>
                    </span>
                }
            }).collect_view()}
        </fieldset>
        <label for=format!("exp-{key}")>{t!(i18n, fields.explanation)}</label>
        <TextArea id=format!("exp-{key}") name="fields[explanation]" rows="3" text={explanation}/>
    }
}

/// A `<select>` of the filter form with "any" first.
#[component]
fn Choose(
    id: &'static str,
    label: AnyView,
    current: String,
    options: Vec<(String, AnyView)>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="filter">
            <label for=id>{label}</label>
            <select id=id name=id>
                <option value="">{t!(i18n, queue.any)}</option>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == current;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </span>
    }
}

#[component]
fn Filters(
    id: ConsultationId,
    filter: QueueFilter,
    sections: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sort = QueueSort::from_code(&filter.sort);
    view! {
        <form method="get" action=format!("/consultations/{id}/answers") class="filters" role="search"
            aria-label=move || t_string!(i18n, queue.filters_label).to_string()>
            <Choose id="section" label=t!(i18n, queue.section).into_any() current=filter.section.clone()
                options=sections.into_iter().map(|(a, title)| (a, title.into_any())).collect()/>
            <Choose id="kind" label=t!(i18n, queue.kind).into_any() current=filter.kind.clone()
                options=CommentKind::ALL.iter().map(|k| (k.code().to_owned(), view! { <KindLabel kind=*k/> }.into_any())).collect()/>
            <Choose id="attribution" label=t!(i18n, queue.attribution).into_any() current=filter.attribution.clone()
                options=Attribution::ALL.iter().map(|a| {
                    let text = match a {
                        Attribution::Named => t!(i18n, consultation.attr_named).into_any(),
                        Attribution::Pseudonym => t!(i18n, consultation.attr_pseudonym).into_any(),
                        Attribution::Anonymous => t!(i18n, consultation.attr_anonymous).into_any(),
                    };
                    (a.code().to_owned(), text)
                }).collect()/>
            <Choose id="answered" label=t!(i18n, queue.answered).into_any() current=filter.answered.clone()
                options=vec![
                    ("no".to_owned(), t!(i18n, queue.answered_no).into_any()),
                    ("yes".to_owned(), t!(i18n, queue.answered_yes).into_any()),
                ]/>
            <span class="filter">
                <label for="hidden">{t!(i18n, queue.hidden)}</label>
                <select id="hidden" name="hidden">
                    <option value="">{t!(i18n, queue.hidden_without)}</option>
                    <option value="with" selected={filter.hidden == "with"}>{t!(i18n, queue.hidden_with)}</option>
                    <option value="only" selected={filter.hidden == "only"}>{t!(i18n, queue.hidden_only)}</option>
                </select>
            </span>
            <span class="filter">
                <label for="sort">{t!(i18n, queue.sort)}</label>
                <select id="sort" name="sort">
                    {QueueSort::ALL.into_iter().map(|s| {
                        let text = match s {
                            QueueSort::Reading => t!(i18n, queue.sort_reading).into_any(),
                            QueueSort::Oldest => t!(i18n, queue.sort_oldest).into_any(),
                            QueueSort::Newest => t!(i18n, queue.sort_newest).into_any(),
                            QueueSort::Largest => t!(i18n, queue.sort_largest).into_any(),
                        };
                        view! { <option value=s.code() selected={s == sort}>{text}</option> }
                    }).collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="q">{t!(i18n, queue.search)}</label>
                <input type="search" id="q" name="q" value=filter.q.clone() maxlength="200"/>
            </span>
            <span class="choice">
                <input type="checkbox" id="wording" name="wording" value="on" checked={filter.wording == "on"}/>
                <label for="wording">{t!(i18n, queue.wording)}</label>
            </span>
            <p class="form-actions">
                <button type="submit">{t!(i18n, queue.show)}</button>
                " "<a href=format!("/consultations/{id}/answers")>{t!(i18n, queue.clear)}</a>
            </p>
        </form>
    }
}

/// The "also changed" list of every item on a page: the same sections on each of its items, so
/// each option is escaped once per page and each item only joins them (and marks its choice).
struct SectionOptions {
    /// The "none" option, first in every list.
    none: String,
    options: Vec<SectionOption>,
}

struct SectionOption {
    anchor: String,
    /// `<option value="…"`, escaped, open for a `selected`.
    open: String,
    /// `>title</option>`, escaped.
    close: String,
    /// The title as shown.
    title: String,
}

impl SectionOptions {
    fn new(none: &str, sections: &[(String, String)]) -> Self {
        let none = format!(
            r#"<option value="">{}</option>"#,
            html_escape::encode_text(none)
        );
        let options = sections
            .iter()
            .map(|(anchor, title)| SectionOption {
                anchor: anchor.clone(),
                open: format!(
                    r#"<option value="{}""#,
                    html_escape::encode_double_quoted_attribute(anchor)
                ),
                close: format!(">{}</option>", html_escape::encode_text(title)),
                title: title.clone(),
            })
            .collect();
        Self { none, options }
    }

    /// The title of the section `anchor`, if it is one of the list.
    fn title(&self, anchor: &str) -> Option<String> {
        self.options
            .iter()
            .find(|o| o.anchor == anchor)
            .map(|o| o.title.clone())
    }

    /// The options for an item on `anchor`: every other section, `selected` the one chosen.
    fn without(&self, anchor: &str, selected: &str) -> String {
        let mut html = String::with_capacity(self.none.len() + self.options.len() * 64);
        html.push_str(&self.none);
        for option in self.options.iter().filter(|o| o.anchor != anchor) {
            html.push_str(&option.open);
            if option.anchor == selected {
                html.push_str(" selected");
            }
            html.push_str(&option.close);
        }
        html
    }
}

#[component]
fn Item(
    item: QueueItem,
    n: usize,
    consultation: ConsultationId,
    sections: std::sync::Arc<SectionOptions>,
    back: String,
    /// This page's address (with its filters), for the link that opens the list.
    here: String,
    /// Whether the item's "also changed" list is open.
    open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = item.key();
    let c = item.comment;
    let cid = c.id;
    let current = c.response.clone();
    let answered = (item.unanswered == 0).to_string();
    let explanation = current
        .as_ref()
        .map(|r| r.explanation.clone())
        .unwrap_or_default();
    let decision = current.as_ref().map(|r| r.decision);
    let changed = current
        .as_ref()
        .is_some_and(|r| r.changed.contains(&item.anchor));
    let also = current
        .as_ref()
        .and_then(|r| r.changed.iter().find(|a| **a != item.anchor).cloned())
        .unwrap_or_default();
    let size = item.size;
    let unanswered = item.unanswered;
    let heading_id = format!("item-{n}");
    let check = format!("select-{key}");
    let rest = view! {
        <span class="choice">
            <input type="checkbox" id=format!("chg-{key}") name="fields[changed]" value="on" checked=changed/>
            <label for=format!("chg-{key}")>{t!(i18n, manage.changed_label)}</label>
        </span>
    };
    // The list of every other section, on the item that asks for it; the others keep their
    // choice in a hidden field, shown as text with a link that opens the list.
    let (also_link, also_list) = if open {
        let others = sections.without(&item.anchor, &also);
        let list = view! {
            <label for=format!("also-{key}")>{t!(i18n, manage.also_label)}</label>
            <select id=format!("also-{key}") name="fields[also]" inner_html=others></select>
        };
        (None, Some(list))
    } else {
        let chosen = sections.title(&also);
        let key = key.to_string();
        let href = super::reading::link_with(&here, "also", &key, &format!("also-{key}"));
        let title = item.section_title.clone();
        let link = view! {
            <input type="hidden" name="fields[also]" value=also.clone()/>
            <p class="hint">
                {chosen.map(|chosen| view! {
                    <span>{t!(i18n, queue.also_current, title = move || chosen.clone())}</span>" "
                })}
                <a href=href class="also-link">{t!(i18n, queue.also_choose)}
                    <span class="visually-hidden">" ("{title}")"</span></a>
            </p>
        };
        (Some(link), None)
    };
    let form = if item.group.is_some() {
        view! {
            <PostForm url=AnswerGroup::url() class="stack" return_to=back.clone()>
                <input type="hidden" name="consultation" value=consultation.to_string()/>
                <input type="hidden" name="item" value=key.to_string()/>
                {also_link}
                <AnswerFields key=key.to_string() decision explanation/>
                {rest}
                {also_list}
                <button type="submit">{t!(i18n, queue.answer_group, count = move || size)}</button>
            </PostForm>
        }
        .into_any()
    } else {
        view! {
            <PostForm url=AnswerComment::url() class="stack" return_to=back.clone()>
                <input type="hidden" name="comment" value=cid.to_string()/>
                {also_link}
                <AnswerFields key=key.to_string() decision explanation/>
                {rest}
                {also_list}
                <button type="submit">{t!(i18n, queue.answer_next)}</button>
            </PostForm>
        }
        .into_any()
    };
    view! {
        <li class="card" data-comment=cid.to_string() data-answered=answered data-size=size.to_string()>
            <h2 class="card__title" id=heading_id.clone() tabindex="-1">
                <span class="choice">
                    <input type="checkbox" form="bulk" id=check.clone() name=format!("items[{n}]") value=key.to_string()/>
                    <label for=check>{item.section_title.clone()}</label>
                </span>
            </h2>
            {item.group.is_some().then(|| view! {
                <p class="tag tag--group" role="note">{t!(i18n, queue.group, count = move || size)}" · "
                    {t!(i18n, queue.group_unanswered, count = move || unanswered)}</p>
            })}
            <p><KindLabel kind=c.kind/>" · "<AuthorName author=c.author.clone()/>" · "{c.created_local.clone()}</p>
            {c.quote.clone().map(|q| view! { <blockquote>{q}</blockquote> })}
            {c.proposal.clone().map(|parts| view! { <Diff parts/> })}
            <div class="comment__body" inner_html=c.body_html.clone()></div>
            {form}
        </li>
    }
}

#[component]
fn Answers(
    queue: AnswerQueue,
    /// The item (its key) whose "also changed" list is open, from `?also=`.
    also: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = queue.consultation;
    let (comments, unanswered) = (queue.comments, queue.unanswered);
    let (total, pages, page) = (queue.total, queue.pages, queue.filter.page);
    let filter = queue.filter.clone();
    // After an answer: this page again, where the next item now waits.
    let here = format!("/consultations/{id}/answers{}", filter.query());
    let back = format!("{here}#queue");
    let none = t_string!(i18n, manage.also_none).to_string();
    let sections = std::sync::Arc::new(SectionOptions::new(&none, &queue.sections));
    let link = move |page: i64| {
        let f = QueueFilter {
            page,
            ..filter.clone()
        };
        format!("/consultations/{id}/answers{}", f.query())
    };
    let pager = view! {
        <Pager page pages previous=(page > 1).then(|| link(page - 1)) next=(page < pages).then(|| link(page + 1))/>
    };
    let empty = queue.items.is_empty();
    view! {
        <p><a href=format!("/consultations/{id}/manage")>{t!(i18n, consultation.manage)}</a></p>
        <h1>{t!(i18n, manage.answers_heading)}</h1>
        <p class="muted">{queue.title.clone()}</p>
        <p role="status" id="queue-status">
            {t!(i18n, queue.counts, comments = move || comments, unanswered = move || unanswered)}
        </p>
        <Filters id filter=queue.filter.clone() sections=queue.sections.clone()/>
        <p id="queue" tabindex="-1">{t!(i18n, queue.items, count = move || total)}</p>
        {empty.then(|| view! { <p>{t!(i18n, queue.none)}</p> })}
        <ol class="card-list" aria-labelledby="queue">
            {queue.items.into_iter().enumerate().map(|(n, item)| view! {
                {
                    let open = also.as_deref() == Some(item.key().to_string().as_str());
                    view! {
                        <Item item n consultation=id sections=sections.clone() back=back.clone() here=here.clone() open/>
                    }
                }
            }).collect_view()}
        </ol>
        {pager}
        {(!empty).then(|| view! {
            <section class="card" aria-labelledby="bulk-heading">
                <h2 id="bulk-heading">{t!(i18n, queue.bulk_heading)}</h2>
                <p class="hint">{t!(i18n, queue.bulk_hint)}</p>
                <PostForm url=AnswerSelection::url() class="stack" return_to=back.clone() id="bulk">
                    <input type="hidden" name="consultation" value=id.to_string()/>
                    <AnswerFields key="bulk".to_owned() decision=None explanation=String::new()/>
                    <button type="submit">{t!(i18n, queue.bulk_submit)}</button>
                </PostForm>
            </section>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::SectionOptions;

    fn sections() -> Vec<(String, String)> {
        [
            ("art-1", "Article 1"),
            ("art-2", "Article <2> & \"more\""),
            ("art-3", "Article 3"),
        ]
        .map(|(a, t)| (a.to_owned(), t.to_owned()))
        .into()
    }

    #[test]
    fn an_items_list_leaves_out_its_own_section_and_marks_the_chosen_one() {
        let options = SectionOptions::new("None", &sections());
        assert_eq!(
            options.without("art-1", "art-3"),
            concat!(
                r#"<option value="">None</option>"#,
                r#"<option value="art-2">Article &lt;2&gt; &amp; "more"</option>"#,
                r#"<option value="art-3" selected>Article 3</option>"#
            )
        );
        let none = options.without("art-2", "");
        assert!(!none.contains("selected"), "{none}");
        assert!(!none.contains(r#"value="art-2""#), "{none}");
        assert_eq!(none.matches("<option").count(), 3, "{none}");
    }

    #[test]
    fn an_items_choice_is_named_by_its_title() {
        let options = SectionOptions::new("None", &sections());
        assert_eq!(options.title("art-3").as_deref(), Some("Article 3"));
        assert_eq!(options.title(""), None);
        assert_eq!(options.title("no-such"), None);
    }

    #[test]
    fn titles_and_anchors_are_escaped() {
        let options = SectionOptions::new("<none>", &[("a\"b".to_owned(), "<script>".to_owned())]);
        let html = options.without("x", "");
        assert!(html.contains("&lt;none&gt;"), "{html}");
        assert!(html.contains(r#"value="a&quot;b""#), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }
}
