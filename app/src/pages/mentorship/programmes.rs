//! `/programmes`: a member's places (invitations to answer, profiles to fill in), their
//! matches, and the cohorts they may apply to; the secretariat's programmes and the form for
//! a new one.

use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

use super::labels::{MatchStateLabel, PlaceStateLabel, ProgrammeStateLabel, RoleLabel};
use crate::api::mentorship::{ApplyToCohort, CreateProgramme, get_overview};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::Activity;
use crate::model::mentorship::{Overview, ParticipantRole, ParticipantState, ProgrammeRow};
use crate::pages::honoraria::labels::ActivityLabel;

/// The programmes page.
#[component]
pub fn ProgrammesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text=t_string!(i18n, titles.programmes).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <OverviewView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgrammeLine(p: ProgrammeRow) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="dates">{p.starts_on.clone()}" – "{p.ends_on.clone()}</span>
        " · "<ProgrammeStateLabel state=p.state/>
        {p.paid.then(|| view! { " · "{t!(i18n, mentorship.paid_time)} })}
    }
}

#[component]
fn OverviewView(data: Overview) -> impl IntoView {
    let i18n = use_i18n();
    let apply = ServerAction::<ApplyToCohort>::new();
    let create = ServerAction::<CreateProgramme>::new();
    let today = data.today.clone();
    let default_end = data.default_end.clone();
    view! {
        <h1>{t!(i18n, mentorship.heading)}</h1>
        <p class="hint">{t!(i18n, mentorship.intro)}</p>
        {data.may_take_part.then(|| view! {
            <section aria-labelledby="places-heading">
                <h2 id="places-heading">{t!(i18n, mentorship.places_heading)}</h2>
                {if data.places.is_empty() {
                    view! { <p id="no-places">{t!(i18n, mentorship.no_places)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="card-list" id="places">
                            {data.places.clone().into_iter().map(|place| {
                                let href = format!("/places/{}", place.participant);
                                let invited = place.state == ParticipantState::Invited;
                                let needs_profile = place.state != ParticipantState::Declined && !place.has_profile;
                                view! {
                                    <li class="card" data-place=place.participant.to_string()>
                                        <h3 class="card__title"><a href=href>{place.programme.title.clone()}</a></h3>
                                        <p>{place.cohort.clone()}" · "<RoleLabel role=place.role/>" · "<PlaceStateLabel state=place.state/></p>
                                        {invited.then(|| view! { <p class="notice">{t!(i18n, mentorship.answer_invitation)}</p> })}
                                        {(needs_profile && !invited).then(|| view! { <p class="notice">{t!(i18n, mentorship.fill_profile)}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="matches-heading">
                <h2 id="matches-heading">{t!(i18n, mentorship.matches_heading)}</h2>
                {if data.matches.is_empty() {
                    view! { <p id="no-matches">{t!(i18n, mentorship.no_matches)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="card-list" id="my-matches">
                            {data.matches.clone().into_iter().map(|m| {
                                let href = format!("/pairs/{}", m.id);
                                let with = m.partner.clone();
                                view! {
                                    <li class="card" data-match=m.id.to_string()>
                                        <h3 class="card__title"><a href=href>{m.programme.clone()}</a></h3>
                                        <p>
                                            {match m.role {
                                                ParticipantRole::Mentor => t!(i18n, mentorship.you_mentor, name = move || with.clone()).into_any(),
                                                ParticipantRole::Mentee => t!(i18n, mentorship.you_are_mentored, name = move || with.clone()).into_any(),
                                            }}
                                            " · "<MatchStateLabel state=m.state/>
                                        </p>
                                        {m.awaiting_me.then(|| view! { <p class="notice">{t!(i18n, mentorship.awaiting_you)}</p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            {(!data.open_cohorts.is_empty()).then(|| view! {
                <section aria-labelledby="apply-heading">
                    <h2 id="apply-heading">{t!(i18n, mentorship.apply_heading)}</h2>
                    <p class="hint">{t!(i18n, mentorship.apply_hint)}</p>
                    <ActionError action=apply/>
                    <ul class="card-list" id="open-cohorts">
                        {data.open_cohorts.clone().into_iter().map(|(p, cohort, name)| {
                            let role_id = format!("role-{cohort}");
                            let title = p.title.clone();
                            view! {
                                <li class="card" data-cohort=cohort.to_string()>
                                    <h3 class="card__title">{title}" – "{name}</h3>
                                    <p><ProgrammeLine p/></p>
                                    <PostForm url=ApplyToCohort::url() class="inline-form">
                                        <input type="hidden" name="cohort" value=cohort.to_string()/>
                                        <label for=role_id.clone()>{t!(i18n, mentorship.apply_as)}</label>
                                        <select id=role_id name="role">
                                            <option value="mentee">{t!(i18n, mentorship.role_mentee)}</option>
                                            <option value="mentor">{t!(i18n, mentorship.role_mentor)}</option>
                                        </select>
                                        <button type="submit" class="apply">{t!(i18n, mentorship.apply)}</button>
                                    </PostForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        })}
        {data.may_manage.then(|| view! {
            <section aria-labelledby="programmes-heading">
                <h2 id="programmes-heading">{t!(i18n, mentorship.programmes_heading)}</h2>
                {if data.programmes.is_empty() {
                    view! { <p id="no-programmes">{t!(i18n, mentorship.no_programmes)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="card-list" id="programmes">
                            {data.programmes.clone().into_iter().map(|p| {
                                let href = format!("/programmes/{}", p.id);
                                let title = p.title.clone();
                                let pid = p.id.to_string();
                                view! {
                                    <li class="card" data-programme=pid>
                                        <h3 class="card__title"><a href=href>{title}</a></h3>
                                        <p><ProgrammeLine p/></p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <h2 id="create-heading">{t!(i18n, mentorship.create_heading)}</h2>
                <ActionError action=create/>
                <PostForm url=CreateProgramme::url() class="stack">
                    <label for="programme-title">{t!(i18n, fields.title)}</label>
                    <input id="programme-title" name="fields[title]" required maxlength="200" autocomplete="off"/>
                    <label for="aims">{t!(i18n, mentorship.aims)}</label>
                    <TextArea id="aims" name="fields[aims]" rows="4" maxlength="5000"/>
                    <label for="starts_on">{t!(i18n, mentorship.starts_on)}</label>
                    <input id="starts_on" name="fields[starts_on]" type="date" required value=today.clone()/>
                    <label for="ends_on">{t!(i18n, mentorship.ends_on)}</label>
                    <input id="ends_on" name="fields[ends_on]" type="date" required value=default_end.clone()/>
                    <label for="expected_hours">{t!(i18n, mentorship.expected_hours)}</label>
                    <input id="expected_hours" name="fields[expected_hours]" type="number" min="1" max="500"
                        step="1" required inputmode="numeric" value="12"/>
                    <span class="choice">
                        <input type="checkbox" id="paid" name="fields[paid]" value="true"/>
                        <label for="paid">{t!(i18n, mentorship.paid)}</label>
                    </span>
                    <label for="activity">{t!(i18n, mentorship.activity)}</label>
                    <p id="activity-hint" class="hint">{t!(i18n, mentorship.activity_hint)}</p>
                    <select id="activity" name="fields[activity]" aria-describedby="activity-hint">
                        <option value="">{t!(i18n, mentorship.no_activity)}</option>
                        {data.activities.iter().filter_map(|code| Activity::from_code(code)).map(|a| view! {
                            <option value=a.code() selected={a == Activity::Mentoring}><ActivityLabel activity=a/></option>
                        }).collect_view()}
                    </select>
                    <button type="submit" id="create-programme">{t!(i18n, mentorship.create)}</button>
                </PostForm>
            </section>
        })}
    }
}
