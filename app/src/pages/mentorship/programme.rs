//! `/programmes/:id`: a programme's aims and cohorts for everybody in the council; for its
//! staff also the participants (applications to decide, members to invite), the suggested
//! matches with the plain reasons behind each, the matches' states and the feedback figures.
//! Staff never see what a pair writes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::labels::{
    MatchStateLabel, PlaceStateLabel, ProgrammeStateLabel, ReasonLabel, RoleLabel,
};
use crate::api::mentorship::{
    AddCohort, CompleteMatch, DecideApplication, EndProgramme, InviteParticipant, ProposeMatch,
    get_programme,
};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::PostForm;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::Activity;
use crate::model::ids::PersonId;
use crate::model::ids::ProgrammeId;
use crate::model::mentorship::{
    CohortView, FeedbackFigure, MatchState, ParticipantRole, ParticipantState, ProgrammeDetail,
    ProgrammeState,
};
use crate::pages::honoraria::labels::ActivityLabel;

/// The programme page.
#[component]
pub fn ProgrammePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<ProgrammeId>().ok())
    };
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_programme(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.programme).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <ProgrammeView detail/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProgrammeView(detail: ProgrammeDetail) -> impl IntoView {
    let i18n = use_i18n();
    let add_cohort = ServerAction::<AddCohort>::new();
    let end = ServerAction::<EndProgramme>::new();
    let p = detail.programme.clone();
    let open = p.state == ProgrammeState::Open;
    let activity = detail.activity.as_deref().and_then(Activity::from_code);
    let members = detail.members.clone();
    let hours = detail.expected_hours;
    view! {
        <h1>{p.title.clone()}</h1>
        <p>
            <span class="dates">{p.starts_on.clone()}" – "{p.ends_on.clone()}</span>
            " · "<ProgrammeStateLabel state=p.state/>
            " · "{t!(i18n, mentorship.hours_expected, hours = move || hours)}
        </p>
        {activity.map(|a| view! { <p id="paid-activity">{t!(i18n, mentorship.paid_as)}" "<ActivityLabel activity=a/></p> })}
        {(!detail.aims.is_empty()).then(|| view! { <p class="aims">{detail.aims.clone()}</p> })}
        {detail.cohorts.is_empty().then(|| view! { <p id="no-cohorts">{t!(i18n, mentorship.no_cohorts)}</p> })}
        {detail.cohorts.clone().into_iter().map(|c| {
            let may_manage = detail.may_manage;
            let members = members.clone();
            view! { <CohortSection c may_manage open members/> }
        }).collect_view()}
        {detail.may_manage.then(|| view! {
            {open.then(|| view! {
                <h2 id="add-cohort-heading">{t!(i18n, mentorship.add_cohort_heading)}</h2>
                <ActionError action=add_cohort/>
                <PostForm url=AddCohort::url() class="inline-form">
                    <input type="hidden" name="programme" value=p.id.to_string()/>
                    <label for="cohort-name">{t!(i18n, mentorship.cohort_name)}</label>
                    <input id="cohort-name" name="name" required maxlength="200" autocomplete="off"/>
                    <button type="submit" id="add-cohort">{t!(i18n, mentorship.add_cohort)}</button>
                </PostForm>
            })}
            <FeedbackFigures figures=detail.feedback.clone()/>
            {open.then(|| view! {
                <h2 id="end-heading">{t!(i18n, mentorship.end_heading)}</h2>
                <p class="hint">{t!(i18n, mentorship.end_hint)}</p>
                <ActionError action=end/>
                <PostForm url=EndProgramme::url()>
                    <input type="hidden" name="programme" value=p.id.to_string()/>
                    <button type="submit" id="end-programme">{t!(i18n, mentorship.end_programme)}</button>
                </PostForm>
            })}
        })}
        <p><a href="/programmes">{t!(i18n, mentorship.back)}</a></p>
    }
}

#[component]
fn CohortSection(
    c: CohortView,
    may_manage: bool,
    open: bool,
    members: Vec<(PersonId, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<InviteParticipant>::new();
    let decide = ServerAction::<DecideApplication>::new();
    let propose = ServerAction::<ProposeMatch>::new();
    let complete = ServerAction::<CompleteMatch>::new();
    let cohort = c.id;
    let heading_for = format!("cohort-{cohort}");
    let heading_id = heading_for.clone();
    let mentors: Vec<(PersonId, String)> = c
        .participants
        .iter()
        .filter(|x| x.role == ParticipantRole::Mentor && x.state == ParticipantState::Active)
        .map(|x| (x.person, x.name.clone()))
        .collect();
    let mentees: Vec<(PersonId, String)> = c
        .participants
        .iter()
        .filter(|x| x.role == ParticipantRole::Mentee && x.state == ParticipantState::Active)
        .map(|x| (x.person, x.name.clone()))
        .collect();
    view! {
        <section aria-labelledby=heading_for class="cohort" data-cohort=cohort.to_string()>
            <h2 id=heading_id>{c.name.clone()}</h2>
            {may_manage.then(|| view! {
                <h3>{t!(i18n, mentorship.participants_heading)}</h3>
                <ActionError action=decide/>
                {if c.participants.is_empty() {
                    view! { <p>{t!(i18n, mentorship.no_participants)}</p> }.into_any()
                } else {
                    view! {
                        <table class="participants">
                            <thead><tr>
                                <th scope="col">{t!(i18n, mentorship.name)}</th>
                                <th scope="col">{t!(i18n, mentorship.role)}</th>
                                <th scope="col">{t!(i18n, mentorship.state)}</th>
                                <th scope="col">{t!(i18n, mentorship.profile)}</th>
                                <th scope="col"><span class="visually-hidden">{t!(i18n, mentorship.actions)}</span></th>
                            </tr></thead>
                            <tbody>
                                {c.participants.clone().into_iter().map(|x| {
                                    let applied = x.state == ParticipantState::Applied;
                                    view! {
                                        <tr data-participant=x.id.to_string()>
                                            <td>{x.name.clone()}</td>
                                            <td><RoleLabel role=x.role/>
                                                {(x.role == ParticipantRole::Mentor).then(|| view! { " ("{t!(i18n, mentorship.capacity_of, count = move || x.capacity)}")" })}</td>
                                            <td><PlaceStateLabel state=x.state/></td>
                                            <td>{if x.has_profile { t!(i18n, mentorship.profile_done).into_any() } else { t!(i18n, mentorship.profile_missing).into_any() }}</td>
                                            <td>{applied.then(|| view! {
                                                <PostForm url=DecideApplication::url() class="inline-form">
                                                    <input type="hidden" name="place" value=x.id.to_string()/>
                                                    <button type="submit" name="decision" value="accept" class="accept">{t!(i18n, mentorship.accept)}</button>
                                                    <button type="submit" name="decision" value="decline" class="decline">{t!(i18n, mentorship.decline)}</button>
                                                </PostForm>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                {open.then(|| {
                    let invite_person = format!("invite-person-{cohort}");
                    let invite_role = format!("invite-role-{cohort}");
                    view! {
                        <h3>{t!(i18n, mentorship.invite_heading)}</h3>
                        <ActionError action=invite/>
                        <PostForm url=InviteParticipant::url() class="inline-form">
                            <input type="hidden" name="cohort" value=cohort.to_string()/>
                            <label for=invite_person.clone()>{t!(i18n, mentorship.member)}</label>
                            <select id=invite_person name="person" required>
                                {members.iter().map(|(p, name)| view! { <option value=p.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                            <label for=invite_role.clone()>{t!(i18n, mentorship.as_role)}</label>
                            <select id=invite_role name="role">
                                <option value="mentee">{t!(i18n, mentorship.role_mentee)}</option>
                                <option value="mentor">{t!(i18n, mentorship.role_mentor)}</option>
                            </select>
                            <button type="submit" class="invite">{t!(i18n, mentorship.invite)}</button>
                        </PostForm>
                    }
                })}
                {open.then(|| view! {
                    <h3>{t!(i18n, mentorship.suggestions_heading)}</h3>
                    <p class="hint">{t!(i18n, mentorship.suggestions_hint)}</p>
                    <ActionError action=propose/>
                    {if c.suggestions.is_empty() {
                        view! { <p class="no-suggestions">{t!(i18n, mentorship.no_suggestions)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="card-list suggestions">
                                {c.suggestions.clone().into_iter().map(|s| {
                                    let score = s.score;
                                    view! {
                                        <li class="card suggestion" data-mentor=s.mentor.to_string() data-mentee=s.mentee.to_string()>
                                            <h4 class="card__title">{t!(i18n, mentorship.pair_of, mentor = move || s.mentor_name.clone(), mentee = move || s.mentee_name.clone())}</h4>
                                            <p class="score">{t!(i18n, mentorship.score, score = move || score)}</p>
                                            <ul class="reasons">
                                                {s.reasons.clone().into_iter().map(|reason| { let code = reason.code.clone(); view! { <li data-reason=code><ReasonLabel reason/></li> } }).collect_view()}
                                            </ul>
                                            <PostForm url=ProposeMatch::url() class="inline-form">
                                                <input type="hidden" name="cohort" value=c.id.to_string()/>
                                                <input type="hidden" name="mentor" value=s.mentor.to_string()/>
                                                <input type="hidden" name="mentee" value=s.mentee.to_string()/>
                                                <button type="submit" class="propose">{t!(i18n, mentorship.propose)}</button>
                                            </PostForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {(!c.unmatched.is_empty()).then(|| view! {
                        <h4>{t!(i18n, mentorship.unmatched_heading)}</h4>
                        <ul class="unmatched">
                            {c.unmatched.clone().into_iter().map(|(name, reason)| view! { <li>{name}": "<ReasonLabel reason/></li> }).collect_view()}
                        </ul>
                    })}
                    {(!mentors.is_empty() && !mentees.is_empty()).then(|| {
                        let mentor_id = format!("propose-mentor-{cohort}");
                        let mentee_id = format!("propose-mentee-{cohort}");
                        view! {
                            <h4>{t!(i18n, mentorship.propose_other_heading)}</h4>
                            <PostForm url=ProposeMatch::url() class="inline-form">
                                <input type="hidden" name="cohort" value=cohort.to_string()/>
                                <label for=mentor_id.clone()>{t!(i18n, mentorship.role_mentor)}</label>
                                <select id=mentor_id name="mentor">
                                    {mentors.iter().map(|(p, n)| view! { <option value=p.to_string()>{n.clone()}</option> }).collect_view()}
                                </select>
                                <label for=mentee_id.clone()>{t!(i18n, mentorship.role_mentee)}</label>
                                <select id=mentee_id name="mentee">
                                    {mentees.iter().map(|(p, n)| view! { <option value=p.to_string()>{n.clone()}</option> }).collect_view()}
                                </select>
                                <button type="submit" class="propose-other">{t!(i18n, mentorship.propose)}</button>
                            </PostForm>
                        }
                    })}
                })}
                <h3>{t!(i18n, mentorship.cohort_matches_heading)}</h3>
                <p class="hint">{t!(i18n, mentorship.cohort_matches_hint)}</p>
                <ActionError action=complete/>
                {if c.matches.is_empty() {
                    view! { <p>{t!(i18n, mentorship.no_cohort_matches)}</p> }.into_any()
                } else {
                    view! {
                        <table class="matches">
                            <thead><tr>
                                <th scope="col">{t!(i18n, mentorship.role_mentor)}</th>
                                <th scope="col">{t!(i18n, mentorship.role_mentee)}</th>
                                <th scope="col">{t!(i18n, mentorship.state)}</th>
                                <th scope="col">{t!(i18n, mentorship.sessions)}</th>
                                <th scope="col"><span class="visually-hidden">{t!(i18n, mentorship.actions)}</span></th>
                            </tr></thead>
                            <tbody>
                                {c.matches.clone().into_iter().map(|m| {
                                    let hours = m.minutes / 60;
                                    let sessions = m.sessions;
                                    view! {
                                        <tr data-match=m.id.to_string()>
                                            <td>{m.mentor.clone()}</td>
                                            <td>{m.mentee.clone()}</td>
                                            <td><MatchStateLabel state=m.state/></td>
                                            <td>{t!(i18n, mentorship.sessions_hours, sessions = move || sessions, hours = move || hours)}</td>
                                            <td>{(m.state == MatchState::Active).then(|| view! {
                                                <PostForm url=CompleteMatch::url() class="inline-form">
                                                    <input type="hidden" name="pair" value=m.id.to_string()/>
                                                    <button type="submit" class="complete">{t!(i18n, mentorship.mark_complete)}</button>
                                                </PostForm>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            })}
        </section>
    }
}

#[component]
fn FeedbackFigures(figures: Vec<FeedbackFigure>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2 id="feedback-heading">{t!(i18n, mentorship.feedback_heading)}</h2>
        <p class="hint">{t!(i18n, mentorship.feedback_hint)}</p>
        <table class="feedback-figures">
            <thead><tr>
                <th scope="col">{t!(i18n, mentorship.question)}</th>
                <th scope="col">{t!(i18n, mentorship.side)}</th>
                <th scope="col">{t!(i18n, mentorship.answers)}</th>
                <th scope="col">{t!(i18n, mentorship.mean)}</th>
            </tr></thead>
            <tbody>
                {figures.into_iter().map(|f| {
                    let answers = f.answers;
                    view! {
                        <tr data-side=f.side.code() data-question=f.question.clone()>
                            <td>{match f.question.as_str() {
                                "useful" => t!(i18n, mentorship.q_useful).into_any(),
                                "respected" => t!(i18n, mentorship.q_respected).into_any(),
                                _ => t!(i18n, mentorship.q_recommend).into_any(),
                            }}</td>
                            <td><RoleLabel role=f.side/></td>
                            <td>{answers}</td>
                            <td class="mean">{match f.mean_tenths {
                                Some(m) => format!("{}.{}", m / 10, m % 10).into_any(),
                                None => t!(i18n, mentorship.too_few).into_any(),
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
