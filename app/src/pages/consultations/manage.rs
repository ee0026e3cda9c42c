//! Running a consultation (secretariat): creating it, importing and fixing the draft,
//! publishing versions, moving phases, and answering every comment.

use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

use super::reading::{PhaseLabel, id_param};
use crate::api::consultations::{
    ChangePhase, CreateConsultation, DiscardVersion, EditSection, ImportPasted, MergeSection,
    PublishVersion, SetContentNote, SetParticipant, SetPostingRules, SplitSection, StartRevision,
    UpdateConsultation, manage_consultation, new_consultation_form,
};
use crate::components::error::ActionError;
use crate::components::error::LoadError;
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::consultation::{
    ConsultationFields, ManageView, PendingVersion, Phase, TRADITIONS, Visibility,
};

/// The details form shared by "new" and "manage".
#[component]
fn DetailsFields(fields: ConsultationFields, time_zone: String) -> impl IntoView {
    let i18n = use_i18n();
    let visibility = Visibility::from_code(&fields.visibility).unwrap_or(Visibility::Council);
    view! {
        <label for="title">{t!(i18n, fields.title)}</label>
        <input id="title" name="fields[title]" required maxlength="300" value=fields.title/>
        <label for="summary">{t!(i18n, fields.summary)}</label>
        <p class="hint">{t!(i18n, manage.summary_hint)}</p>
        <TextArea id="summary" name="fields[summary]" rows="4" text={fields.summary}/>
        <label for="languages">{t!(i18n, fields.languages)}</label>
        <input id="languages" name="fields[languages]" value=fields.languages placeholder="en,fr"/>
        <fieldset>
            <legend>{t!(i18n, manage.visibility)}</legend>
            <span class="choice">
                <input type="radio" id="vis-council" name="fields[visibility]" value="council" checked=visibility == Visibility::Council/>
                <label for="vis-council">{t!(i18n, manage.visibility_council)}</label>
            </span>
            <span class="choice">
                <input type="radio" id="vis-invited" name="fields[visibility]" value="invited" checked=visibility == Visibility::Invited/>
                <label for="vis-invited">{t!(i18n, manage.visibility_invited)}</label>
            </span>
        </fieldset>
        <p class="hint">{t!(i18n, manage.times_hint, zone = move || time_zone.clone())}</p>
        <label for="opens_at">{t!(i18n, fields.opens_at)}</label>
        <input id="opens_at" name="fields[opens_at]" type="datetime-local" value=fields.opens_at/>
        <label for="closes_at">{t!(i18n, fields.closes_at)}</label>
        <input id="closes_at" name="fields[closes_at]" type="datetime-local" value=fields.closes_at/>
    }
}

/// `/consultations/new`.
#[component]
pub fn NewConsultationPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateConsultation>::new();
    let form = Resource::new(|| (), |_| new_consultation_form());
    view! {
        <Title text=t_string!(i18n, titles.consultation).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(time_zone) => view! {
                        <h1>{t!(i18n, manage.new_heading)}</h1>
                        <ActionError action=create/>
                        <PostForm url=CreateConsultation::url() class="stack">
                            <DetailsFields fields=ConsultationFields::default() time_zone/>
                            <button type="submit" id="create">{t!(i18n, manage.create)}</button>
                        </PostForm>
                    }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/consultations/:id/manage`.
#[component]
pub fn ManagePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(
        || (),
        |_| async move { manage_consultation(id_param()?).await },
    );
    let update = ServerAction::<UpdateConsultation>::new();
    let paste = ServerAction::<ImportPasted>::new();
    let revise = ServerAction::<StartRevision>::new();
    let discard = ServerAction::<DiscardVersion>::new();
    let section = ServerAction::<EditSection>::new();
    let merge = ServerAction::<MergeSection>::new();
    let split = ServerAction::<SplitSection>::new();
    let publish = ServerAction::<PublishVersion>::new();
    let phase = ServerAction::<ChangePhase>::new();
    let participant = ServerAction::<SetParticipant>::new();
    let note = ServerAction::<SetContentNote>::new();
    let posting = ServerAction::<SetPostingRules>::new();
    let query = leptos_router::hooks::use_query_map();
    let import_error = move || {
        let reason = query.read().get("import_error");
        reason.map(|code| {
            // An unknown code (an edited URL) still says the file was refused.
            let reason = crate::model::consultation::ImportRefusal::from_code(&code)
                .unwrap_or(crate::model::consultation::ImportRefusal::NotText);
            let error = crate::model::AppError::FileRefused { reason };
            view! { <p role="alert" class="error" data-error-code="file_refused"><crate::components::error::ErrorText error/></p> }
        })
    };
    view! {
        <Title text=t_string!(i18n, titles.consultation).to_string()/>
        <ActionError action=update/>
        <ActionError action=paste/>
        <ActionError action=revise/>
        <ActionError action=discard/>
        <ActionError action=section/>
        <ActionError action=merge/>
        <ActionError action=split/>
        <ActionError action=publish/>
        <ActionError action=phase/>
        <ActionError action=participant/>
        <ActionError action=note/>
        <ActionError action=posting/>
        {import_error}
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Manage view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Manage(view: ManageView) -> impl IntoView {
    let i18n = use_i18n();
    let id = view.summary.id;
    let phase = view.summary.phase;
    let unanswered = view.unanswered;
    let step = |step: &'static str, label: AnyView, public: bool| {
        view! {
            <PostForm url=ChangePhase::url() class="inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="step" value=step/>
                {public.then(|| view! {
                    <span class="choice">
                        <input type="checkbox" id="outcome-public" name="public" value="on"/>
                        <label for="outcome-public">{t!(i18n, manage.outcome_public)}</label>
                    </span>
                })}
                <button type="submit" id=format!("phase-{step}")>{label}</button>
            </PostForm>
        }
    };
    let phase_controls = match phase {
        Phase::Draft => step("open", t!(i18n, manage.open_now).into_any(), false).into_any(),
        Phase::Open => step("close", t!(i18n, manage.close_now).into_any(), false).into_any(),
        Phase::Closed => view! {
            {step("responded", t!(i18n, manage.mark_responded).into_any(), false)}
            {step("outcome", t!(i18n, manage.publish_outcome).into_any(), true)}
        }
        .into_any(),
        Phase::Responded => {
            step("outcome", t!(i18n, manage.publish_outcome).into_any(), true).into_any()
        }
        Phase::OutcomePublished => {
            if view.outcome_public {
                step(
                    "outcome_private",
                    t!(i18n, manage.make_private).into_any(),
                    false,
                )
                .into_any()
            } else {
                step(
                    "outcome_public",
                    t!(i18n, manage.make_public).into_any(),
                    false,
                )
                .into_any()
            }
        }
    };
    let public_link = (phase == Phase::OutcomePublished && view.outcome_public).then(|| {
        let href = format!("/outcome/{id}");
        view! { <p>{t!(i18n, manage.public_at)}" "<a href=href.clone()>{href.clone()}</a></p> }
    });
    let invited = view.fields.visibility == Visibility::Invited.code();
    let participants = view.participants.clone();
    let members = view.members.clone();
    view! {
        <p><a href=format!("/consultations/{id}")>{t!(i18n, consultation.back_to_draft)}</a></p>
        <h1>{view.summary.title.clone()}</h1>
        <p class="phase"><PhaseLabel phase/></p>
        <section aria-labelledby="phase-heading" class="card">
            <h2 id="phase-heading">{t!(i18n, manage.phase_heading)}</h2>
            <p>{t!(i18n, manage.counts, comments = move || view.comments, unanswered = move || unanswered)}
                " "<a href=format!("/consultations/{id}/answers")>{t!(i18n, consultation.answers)}</a></p>
            {phase_controls}
            {public_link}
        </section>
        <section aria-labelledby="posting-heading" class="card">
            <h2 id="posting-heading">{t!(i18n, manage.posting_heading)}</h2>
            <p>{t!(i18n, manage.posting_intro)}</p>
            <PostForm url=SetPostingRules::url() class="stack" return_to=format!("/consultations/{id}/manage#posting-heading")>
                <label for="posting-burst">{t!(i18n, manage.posting_burst)}</label>
                <input id="posting-burst" name="fields[burst]" type="number" min="1" max="1000" required value=view.posting.burst.clone()/>
                <label for="posting-per-hour">{t!(i18n, manage.posting_per_hour)}</label>
                <input id="posting-per-hour" name="fields[per_hour]" type="number" min="1" max="1000" required value=view.posting.per_hour.clone()/>
                <label for="posting-section">{t!(i18n, manage.posting_section)}</label>
                <input id="posting-section" name="fields[section_per_hour]" type="number" min="1" max="1000" required value=view.posting.section_per_hour.clone()/>
                <button type="submit" id="posting-save">{t!(i18n, manage.posting_save)}</button>
            </PostForm>
        </section>
        {(!view.limit_stops.is_empty()).then(|| view! {
            <section aria-labelledby="limits-heading" class="card">
                <h2 id="limits-heading">{t!(i18n, manage.limits_heading)}</h2>
                <p>{t!(i18n, manage.limits_intro)}</p>
                <table id="limit-stops">
                    <thead><tr>
                        <th scope="col">{t!(i18n, manage.limits_hour)}</th>
                        <th scope="col">{t!(i18n, manage.limits_section)}</th>
                        <th scope="col">{t!(i18n, manage.limits_kind)}</th>
                        <th scope="col">{t!(i18n, manage.limits_count)}</th>
                    </tr></thead>
                    <tbody>
                        {view.limit_stops.clone().into_iter().map(|stop| view! {
                            <tr>
                                <td>{stop.hour_local}</td>
                                <td>{stop.section}</td>
                                <td>{if stop.section_cap { t!(i18n, manage.limits_cap).into_any() } else { t!(i18n, manage.limits_rate).into_any() }}</td>
                                <td>{stop.count}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {(!view.notes.is_empty()).then(|| {
            let noted: Vec<(String, String)> = view.notes.iter()
                .filter_map(|(_, label, note)| note.clone().map(|n| (label.clone(), n)))
                .collect();
            let sections = view.notes.clone();
            view! {
                <section aria-labelledby="notes-heading" class="card">
                    <h2 id="notes-heading">{t!(i18n, manage.notes_heading)}</h2>
                    <p>{t!(i18n, manage.notes_intro)}</p>
                    {(!noted.is_empty()).then(|| view! {
                        <ul id="content-notes">
                            {noted.into_iter().map(|(label, note)| view! { <li>{label}": "<strong>{note}</strong></li> }).collect_view()}
                        </ul>
                    })}
                    <PostForm url=SetContentNote::url() class="stack">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <label for="note-section">{t!(i18n, manage.note_section)}</label>
                        <select id="note-section" name="section">
                            {sections.into_iter().map(|(sid, label, _)| view! { <option value=sid>{label}</option> }).collect_view()}
                        </select>
                        <label for="note-text">{t!(i18n, fields.content_note)}</label>
                        <p class="hint">{t!(i18n, manage.content_note_hint)}</p>
                        <input id="note-text" name="note" maxlength="300"/>
                        <button type="submit" id="set-note">{t!(i18n, manage.save)}</button>
                    </PostForm>
                </section>
            }
        })}
        {(phase < Phase::Closed).then(|| view! {
            <section aria-labelledby="details-heading" class="card">
                <h2 id="details-heading">{t!(i18n, manage.details_heading)}</h2>
                <PostForm url=UpdateConsultation::url() class="stack">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <DetailsFields fields=view.fields.clone() time_zone=view.time_zone.clone()/>
                    <button type="submit">{t!(i18n, manage.save)}</button>
                </PostForm>
            </section>
        })}
        {invited.then(|| view! {
            <section aria-labelledby="participants-heading" class="card">
                <h2 id="participants-heading">{t!(i18n, manage.participants_heading)}</h2>
                <ul id="participants">
                    {participants.clone().into_iter().map(|(person, name)| view! {
                        <li>{name.clone()}" "
                            <PostForm url=SetParticipant::url() class="inline">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <input type="hidden" name="person" value=person.clone()/>
                                <input type="hidden" name="invited" value="false"/>
                                <button type="submit" class="link">{t!(i18n, manage.remove)}</button>
                            </PostForm>
                        </li>
                    }).collect_view()}
                </ul>
                <PostForm url=SetParticipant::url() class="stack">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="invited" value="true"/>
                    <label for="person">{t!(i18n, manage.add_participant)}</label>
                    <select id="person" name="person">
                        {members.clone().into_iter().map(|(person, name)| view! { <option value=person.clone()>{name.clone()}</option> }).collect_view()}
                    </select>
                    <button type="submit">{t!(i18n, manage.add)}</button>
                </PostForm>
            </section>
        })}
        {(phase != Phase::OutcomePublished).then(|| view! {
            <section aria-labelledby="import-heading" class="card">
                <h2 id="import-heading">{t!(i18n, manage.import_heading)}</h2>
                <p>{t!(i18n, manage.import_intro, version = move || view.published_version)}</p>
                <form method="post" enctype="multipart/form-data" action=format!("/consultations/{id}/import") class="stack">
                    <label for="file">{t!(i18n, manage.file_label)}</label>
                    <input id="file" name="file" type="file" accept=".md,.markdown,.txt,.docx"/>
                    <TraditionSelect id="tradition"/>
                    <button type="submit" id="import-file">{t!(i18n, manage.import)}</button>
                </form>
                <PostForm url=ImportPasted::url() class="stack">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label for="paste">{t!(i18n, manage.paste_label)}</label>
                    <TextArea id="paste" name="text" rows="8"/>
                    <label for="format">{t!(i18n, manage.format_label)}</label>
                    <select id="format" name="format">
                        <option value="markdown">"Markdown"</option>
                        <option value="plain_text">{t!(i18n, manage.plain_text)}</option>
                    </select>
                    <TraditionSelect id="paste-tradition"/>
                    <button type="submit">{t!(i18n, manage.import)}</button>
                </PostForm>
                {(view.published_version > 0 && view.pending.is_none()).then(|| view! {
                    <PostForm url=StartRevision::url() class="inline">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <button type="submit" class="secondary" id="revise">{t!(i18n, manage.revise)}</button>
                    </PostForm>
                })}
            </section>
        })}
        {view.pending.clone().map(|PendingVersion { number, sections, tradition, detected }| view! {
            <section aria-labelledby="pending-heading" class="card" id="pending">
                <h2 id="pending-heading">{t!(i18n, manage.pending_heading, number = move || number)}</h2>
                <p>{t!(i18n, manage.pending_intro)}</p>
                <p id="read-as">
                    {match tradition {
                        Some(code) if detected => view! { {t!(i18n, manage.read_as_found)}" "<strong>{tradition_name(&code)}</strong>". "{t!(i18n, manage.read_as_hint)} }.into_any(),
                        Some(code) => view! { {t!(i18n, manage.read_as_chosen)}" "<strong>{tradition_name(&code)}</strong>". "{t!(i18n, manage.read_as_hint)} }.into_any(),
                        None => view! { {t!(i18n, manage.read_as_none)}" "{t!(i18n, manage.read_as_hint)} }.into_any(),
                    }}
                </p>
                <PostForm url=PublishVersion::url() class="stack">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label for="version-note">{t!(i18n, manage.version_note)}</label>
                    <input id="version-note" name="note" maxlength="2000"/>
                    <button type="submit" id="publish-version">{t!(i18n, manage.publish_version)}</button>
                </PostForm>
                <PostForm url=DiscardVersion::url() class="inline">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="link danger">{t!(i18n, manage.discard)}</button>
                </PostForm>
                <ol class="tree">
                    {sections.into_iter().map(|d| {
                        let s = d.section;
                        let sid = s.id;
                        let class = format!("tree__item depth-{}{}", s.depth.clamp(0, 6), if d.changed { " changed" } else { "" });
                        view! {
                            <li class=class data-anchor=s.anchor.clone()>
                                <details>
                                    <summary>
                                        <span class="tag">{s.kind.clone()}</span>" "
                                        <strong>{s.number.clone()}</strong>" "{s.heading.clone()}" "
                                        <span class="muted">{s.body.chars().take(80).collect::<String>()}</span>
                                        {s.content_note.clone().map(|n| view! { " "<span class="tag">{n}</span> })}
                                    </summary>
                                    <PostForm url=EditSection::url() class="stack">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="section" value=sid.to_string()/>
                                        <label for=format!("num-{sid}")>{t!(i18n, fields.number)}</label>
                                        <input id=format!("num-{sid}") name="fields[number]" value=s.number.clone()/>
                                        <label for=format!("head-{sid}")>{t!(i18n, fields.heading)}</label>
                                        <input id=format!("head-{sid}") name="fields[heading]" value=s.heading.clone()/>
                                        <label for=format!("body-{sid}")>{t!(i18n, manage.text)}</label>
                                        <TextArea id=format!("body-{sid}") name="fields[body]" rows="4" text={s.body.clone()}/>
                                        <label for=format!("note-{sid}")>{t!(i18n, fields.content_note)}</label>
                                        <p class="hint">{t!(i18n, manage.content_note_hint)}</p>
                                        <input id=format!("note-{sid}") name="fields[content_note]" value=s.content_note.clone().unwrap_or_default()/>
                                        <button type="submit">{t!(i18n, manage.save)}</button>
                                    </PostForm>
                                    <PostForm url=MergeSection::url() class="inline">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="section" value=sid.to_string()/>
                                        <button type="submit" class="secondary">{t!(i18n, manage.merge)}</button>
                                    </PostForm>
                                    <PostForm url=SplitSection::url() class="stack">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="section" value=sid.to_string()/>
                                        <label for=format!("split-{sid}")>{t!(i18n, fields.split_at)}</label>
                                        <input id=format!("split-{sid}") name="at"/>
                                        <button type="submit" class="secondary">{t!(i18n, manage.split)}</button>
                                    </PostForm>
                                </details>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        })}
    }
}

/// The drafting tradition to read an import in: found in the text, or chosen.
#[component]
fn TraditionSelect(id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id>{t!(i18n, manage.tradition_label)}</label>
        <select id=id name="tradition">
            <option value="">{t!(i18n, manage.tradition_detect)}</option>
            {TRADITIONS.iter().map(|code| view! { <option value=*code>{tradition_name(code)}</option> }).collect_view()}
        </select>
    }
}

/// A drafting tradition's name, in the reader's language.
fn tradition_name(code: &str) -> AnyView {
    let i18n = use_i18n();
    match code {
        "en" => t!(i18n, tradition.en).into_any(),
        "eu" => t!(i18n, tradition.eu).into_any(),
        "us" => t!(i18n, tradition.us).into_any(),
        "fr" => t!(i18n, tradition.fr).into_any(),
        "de" => t!(i18n, tradition.de).into_any(),
        "nl" => t!(i18n, tradition.nl).into_any(),
        "ru" => t!(i18n, tradition.ru).into_any(),
        "uk" => t!(i18n, tradition.uk).into_any(),
        "pl" => t!(i18n, tradition.pl).into_any(),
        "es" => t!(i18n, tradition.es).into_any(),
        "it" => t!(i18n, tradition.it).into_any(),
        other => other.to_owned().into_any(),
    }
}
