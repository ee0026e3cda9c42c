//! `/pairs/:id`: a match's page, for the pair only: answering the proposal, what the partner
//! shares, goals and milestones, sessions with private notes, time for a paid mentor,
//! feedback, ending the match, reporting a concern, and the certificate.
//! `/pairs/:id/certificate`: the printable certificate.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::labels::{FormatLabel, MatchStateLabel};
use super::place::Shared;
use crate::api::mentorship::{
    AddMilestone, AgreeGoal, AnswerMatch, ChooseCertificateName, ClaimSession, CompleteMatch,
    EndMatch, GiveFeedback, GoalMet, LogSession, MilestoneDone, ProposeGoal, ReportConcern,
    get_certificate, get_match,
};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::ids::MatchId;
use crate::model::mentorship::{
    Certificate, CertificateName, MatchDetail, MatchState, ParticipantRole, SessionFormat,
    SessionView,
};

fn match_id() -> impl Fn() -> Option<MatchId> + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<MatchId>().ok())
    }
}

/// The pair's page.
#[component]
pub fn PairPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(match_id(), |id| async move {
        match id {
            Some(id) => get_match(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.pair).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <PairView detail/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Three questions answered 1 to 5.
#[component]
fn FeedbackForm(pair: String, moment: &'static str, session: String) -> impl IntoView {
    let i18n = use_i18n();
    let give = ServerAction::<GiveFeedback>::new();
    let prefix = if session.is_empty() {
        "end".to_owned()
    } else {
        format!("s-{session}")
    };
    let question = move |key: &'static str, label: AnyView| {
        let legend_id = format!("{prefix}-{key}");
        view! {
            <fieldset class="scale" aria-labelledby=legend_id.clone()>
                <legend id=legend_id.clone()>{label}</legend>
                {(1..=5).map(|n| {
                    let id = format!("{legend_id}-{n}");
                    view! {
                        <span class="choice">
                            <input type="radio" id=id.clone() name=format!("fields[{key}]") value=n.to_string() required/>
                            <label for=id>{n}</label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
        }
    };
    view! {
        <ActionError action=give/>
        {move || matches!(give.value().get(), Some(Ok(_))).then(|| view! {
            <p role="status" class="notice">{t!(i18n, mentorship.feedback_thanks)}</p>
        })}
        <PostForm url=GiveFeedback::url() class="stack feedback-form">
            <input type="hidden" name="pair" value=pair.to_string()/>
            <input type="hidden" name="fields[moment]" value=moment/>
            <input type="hidden" name="fields[session]" value=session.clone()/>
            <p class="hint">{t!(i18n, mentorship.scale_hint)}</p>
            {question("useful", t!(i18n, mentorship.q_useful).into_any())}
            {question("respected", t!(i18n, mentorship.q_respected).into_any())}
            {question("recommend", t!(i18n, mentorship.q_recommend).into_any())}
            <button type="submit" class="give-feedback">{t!(i18n, mentorship.send_feedback)}</button>
        </PostForm>
    }
}

#[component]
fn SessionCard(
    s: SessionView,
    pair: String,
    may_claim: bool,
    today: String,
    active: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let claim = ServerAction::<ClaimSession>::new();
    let ics = format!("/sessions/{}/calendar.ics", s.id);
    let minutes = s.minutes;
    let held = s.held_on <= today;
    view! {
        <li class="card session" data-session=s.id.to_string()>
            <h4 class="card__title">{s.held_on.clone()}{(!s.starts_at.is_empty()).then(|| format!(" {}", s.starts_at))}</h4>
            <p>{t!(i18n, mentorship.minutes_long, minutes = move || minutes)}" · "<FormatLabel format=s.format/></p>
            {(!s.topics.is_empty()).then(|| view! { <p class="topics"><strong>{t!(i18n, mentorship.topics)}": "</strong>{s.topics.clone()}</p> })}
            {(!s.notes.is_empty()).then(|| view! {
                <details class="notes">
                    <summary>{t!(i18n, mentorship.private_notes)}</summary>
                    <p class="notes__text">{s.notes.clone()}</p>
                </details>
            })}
            <p><a href=ics download="appointment.ics">{t!(i18n, mentorship.calendar)}</a></p>
            {match s.claim {
                Some(_) => view! { <p class="notice claimed">{t!(i18n, mentorship.claimed)}" "<a href="/time#claims">{t!(i18n, mentorship.see_time)}</a></p> }.into_any(),
                None if may_claim && held => view! {
                    <ActionError action=claim/>
                    <PostForm url=ClaimSession::url() class="inline-form">
                        <input type="hidden" name="session" value=s.id.to_string()/>
                        <button type="submit" class="claim-session">{t!(i18n, mentorship.claim_time)}</button>
                    </PostForm>
                }.into_any(),
                None => ().into_any(),
            }}
            {(held && !s.feedback_given && active).then(|| view! {
                <details class="session-feedback">
                    <summary>{t!(i18n, mentorship.feedback_on_session)}</summary>
                    <FeedbackForm pair=pair.clone() moment="session" session=s.id.to_string()/>
                </details>
            })}
        </li>
    }
}

#[component]
fn PairView(detail: MatchDetail) -> impl IntoView {
    let i18n = use_i18n();
    let answer = ServerAction::<AnswerMatch>::new();
    let end = ServerAction::<EndMatch>::new();
    let complete = ServerAction::<CompleteMatch>::new();
    let propose_goal = ServerAction::<ProposeGoal>::new();
    let agree = ServerAction::<AgreeGoal>::new();
    let met = ServerAction::<GoalMet>::new();
    let add_milestone = ServerAction::<AddMilestone>::new();
    let done = ServerAction::<MilestoneDone>::new();
    let log = ServerAction::<LogSession>::new();
    let report = ServerAction::<ReportConcern>::new();
    let name = ServerAction::<ChooseCertificateName>::new();
    let pair = detail.id;
    let partner = detail.partner.clone();
    let st = detail.state;
    let active = st == MatchState::Active;
    let goals_met = detail.goals.iter().any(|g| g.agreed)
        && detail.goals.iter().filter(|g| g.agreed).all(|g| g.met);
    let today = detail.today.clone();
    let log_day = detail.today.clone();
    view! {
        <h1>{detail.programme.clone()}</h1>
        <p id="pair-with">
            {match detail.role {
                ParticipantRole::Mentor => t!(i18n, mentorship.you_mentor, name = move || partner.clone()).into_any(),
                ParticipantRole::Mentee => t!(i18n, mentorship.you_are_mentored, name = move || partner.clone()).into_any(),
            }}
            " · "<span id="match-state" data-state=st.code()><MatchStateLabel state=st/></span>
        </p>
        {match st {
            MatchState::Proposed if !detail.accepted_by_me => view! {
                <section aria-labelledby="proposal-heading" class="card">
                    <h2 id="proposal-heading" class="card__title">{t!(i18n, mentorship.proposal_heading)}</h2>
                    <p>{t!(i18n, mentorship.proposal_hint)}</p>
                    <ActionError action=answer/>
                    <PostForm url=AnswerMatch::url() class="inline-form">
                        <input type="hidden" name="pair" value=pair.to_string()/>
                        <button type="submit" name="decision" value="accept" id="accept-match">{t!(i18n, mentorship.accept)}</button>
                        <button type="submit" name="decision" value="decline" id="decline-match">{t!(i18n, mentorship.decline)}</button>
                    </PostForm>
                </section>
            }.into_any(),
            MatchState::Proposed => view! { <p class="notice" id="waiting">{t!(i18n, mentorship.waiting_for_other)}</p> }.into_any(),
            MatchState::Declined => view! { <p class="notice" id="not-going-ahead">{t!(i18n, mentorship.not_going_ahead)}</p> }.into_any(),
            MatchState::Ended => view! { <p class="notice" id="has-ended">{t!(i18n, mentorship.has_ended)}</p> }.into_any(),
            _ => ().into_any(),
        }}
        {matches!(st, MatchState::Active | MatchState::Completed).then(|| view! {
            <section aria-labelledby="partner-heading">
                <h2 id="partner-heading">{t!(i18n, mentorship.partner_heading)}</h2>
                <Shared profile=detail.partner_profile.clone()/>
            </section>
        })}
        {matches!(st, MatchState::Active | MatchState::Completed).then(|| view! {
            <section aria-labelledby="goals-heading">
                <h2 id="goals-heading">{t!(i18n, mentorship.goals_heading)}</h2>
                <p class="hint">{t!(i18n, mentorship.goals_hint)}</p>
                <ActionError action=agree/>
                <ActionError action=met/>
                <ActionError action=add_milestone/>
                <ActionError action=done/>
                {detail.goals.is_empty().then(|| view! { <p id="no-goals">{t!(i18n, mentorship.no_goals)}</p> })}
                <ul class="card-list" id="goals">
                    {detail.goals.clone().into_iter().map(|g| {
                        let ms_title = format!("milestone-{}", g.id);
                        let ms_due = format!("milestone-due-{}", g.id);
                        view! {
                            <li class="card goal" data-goal=g.id.to_string() data-agreed=g.agreed.to_string() data-met=g.met.to_string()>
                                <h3 class="card__title">{g.title.clone()}</h3>
                                <p>{if g.met { t!(i18n, mentorship.goal_met).into_any() }
                                    else if g.agreed { t!(i18n, mentorship.goal_agreed).into_any() }
                                    else if g.proposed_by_me { t!(i18n, mentorship.goal_waiting).into_any() }
                                    else { t!(i18n, mentorship.goal_to_agree).into_any() }}</p>
                                {(active && !g.agreed && !g.proposed_by_me).then(|| view! {
                                    <PostForm url=AgreeGoal::url() class="inline-form">
                                        <input type="hidden" name="goal" value=g.id.to_string()/>
                                        <button type="submit" class="agree-goal">{t!(i18n, mentorship.agree_goal)}</button>
                                    </PostForm>
                                })}
                                {(active && g.agreed && !g.met).then(|| view! {
                                    <PostForm url=GoalMet::url() class="inline-form">
                                        <input type="hidden" name="goal" value=g.id.to_string()/>
                                        <button type="submit" class="goal-met">{t!(i18n, mentorship.mark_met)}</button>
                                    </PostForm>
                                })}
                                {(!g.milestones.is_empty()).then(|| view! {
                                    <ul class="milestones">
                                        {g.milestones.clone().into_iter().map(|(mid, title, due, is_done)| view! {
                                            <li data-milestone=mid.to_string()>
                                                {title}{(!due.is_empty()).then(|| format!(" ({due})"))}
                                                {if is_done {
                                                    view! { " · "{t!(i18n, mentorship.milestone_done)} }.into_any()
                                                } else if active {
                                                    view! {
                                                        <PostForm url=MilestoneDone::url() class="inline-form">
                                                            <input type="hidden" name="milestone" value=mid.to_string()/>
                                                            <button type="submit" class="milestone-done link-button">{t!(i18n, mentorship.tick_off)}</button>
                                                        </PostForm>
                                                    }.into_any()
                                                } else {
                                                    ().into_any()
                                                }}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })}
                                {active.then(|| view! {
                                    <PostForm url=AddMilestone::url() class="inline-form">
                                        <input type="hidden" name="goal" value=g.id.to_string()/>
                                        <label for=ms_title.clone()>{t!(i18n, mentorship.milestone)}</label>
                                        <input id=ms_title name="title" required maxlength="200" autocomplete="off"/>
                                        <label for=ms_due.clone()>{t!(i18n, mentorship.due_on)}</label>
                                        <input id=ms_due name="due_on" type="date"/>
                                        <button type="submit" class="add-milestone">{t!(i18n, mentorship.add_milestone)}</button>
                                    </PostForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {active.then(|| view! {
                    <ActionError action=propose_goal/>
                    <PostForm url=ProposeGoal::url() class="inline-form">
                        <input type="hidden" name="pair" value=pair.to_string()/>
                        <label for="goal-title">{t!(i18n, mentorship.new_goal)}</label>
                        <input id="goal-title" name="title" required maxlength="200" autocomplete="off"/>
                        <button type="submit" id="propose-goal">{t!(i18n, mentorship.propose_goal)}</button>
                    </PostForm>
                })}
            </section>
            <section aria-labelledby="sessions-heading">
                <h2 id="sessions-heading">{t!(i18n, mentorship.sessions_heading)}</h2>
                <p class="hint">{t!(i18n, mentorship.sessions_hint)}</p>
                {active.then(|| view! {
                    <h3 id="log-heading">{t!(i18n, mentorship.log_heading)}</h3>
                    <ActionError action=log/>
                    {move || matches!(log.value().get(), Some(Ok(_))).then(|| view! {
                        <p role="status" class="notice">{t!(i18n, mentorship.session_logged)}</p>
                    })}
                    <PostForm url=LogSession::url() class="stack">
                        <input type="hidden" name="pair" value=pair.to_string()/>
                        <label for="held_on">{t!(i18n, mentorship.held_on)}</label>
                        <input id="held_on" name="fields[held_on]" type="date" required value=log_day/>
                        <label for="session-start">{t!(i18n, mentorship.start_optional)}</label>
                        <input id="session-start" name="fields[starts_at]" type="time"/>
                        <label for="session-minutes">{t!(i18n, time.minutes)}</label>
                        <input id="session-minutes" name="fields[minutes]" type="number" min="1" max="960" step="1"
                            required inputmode="numeric" value="60"/>
                        <label for="session-format">{t!(i18n, mentorship.format)}</label>
                        <select id="session-format" name="fields[format]">
                            {SessionFormat::ALL.iter().map(|f| view! { <option value=f.code()><FormatLabel format=*f/></option> }).collect_view()}
                        </select>
                        <label for="session-topics">{t!(i18n, mentorship.topics)}</label>
                        <TextArea id="session-topics" name="fields[topics]" rows="3" maxlength="5000"/>
                        <label for="session-notes">{t!(i18n, mentorship.private_notes)}</label>
                        <p id="notes-hint" class="hint">{t!(i18n, mentorship.notes_hint)}</p>
                        <TextArea id="session-notes" name="fields[notes]" rows="4" maxlength="5000"/>
                        <button type="submit" id="log-session">{t!(i18n, mentorship.log_session)}</button>
                    </PostForm>
                })}
                {detail.sessions.is_empty().then(|| view! { <p id="no-sessions">{t!(i18n, mentorship.no_sessions)}</p> })}
                <ul class="card-list" id="sessions">
                    {detail.sessions.clone().into_iter().map(|s| view! {
                        <SessionCard s pair=pair.to_string() may_claim=detail.may_claim_time today=today.clone() active/>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(matches!(st, MatchState::Ended | MatchState::Completed) && !detail.end_feedback_given).then(|| view! {
            <section aria-labelledby="end-feedback-heading">
                <h2 id="end-feedback-heading">{t!(i18n, mentorship.end_feedback_heading)}</h2>
                <FeedbackForm pair=pair.to_string() moment="end" session=String::new()/>
            </section>
        })}
        {(active && goals_met).then(|| view! {
            <section aria-labelledby="complete-heading">
                <h2 id="complete-heading">{t!(i18n, mentorship.complete_heading)}</h2>
                <ActionError action=complete/>
                <PostForm url=CompleteMatch::url()>
                    <input type="hidden" name="pair" value=pair.to_string()/>
                    <button type="submit" id="complete-match">{t!(i18n, mentorship.mark_complete)}</button>
                </PostForm>
            </section>
        })}
        {(st == MatchState::Completed).then(|| {
            let current = detail.certificate_name;
            let href = format!("/pairs/{pair}/certificate");
            view! {
                <section aria-labelledby="certificate-heading">
                    <h2 id="certificate-heading">{t!(i18n, mentorship.certificate_heading)}</h2>
                    <ActionError action=name/>
                    {move || matches!(name.value().get(), Some(Ok(_))).then(|| view! {
                        <p role="status" class="notice">{t!(i18n, mentorship.name_saved)}</p>
                    })}
                    <PostForm url=ChooseCertificateName::url() class="stack">
                        <input type="hidden" name="pair" value=pair.to_string()/>
                        <fieldset>
                            <legend>{t!(i18n, mentorship.name_on_certificate)}</legend>
                            <span class="choice">
                                <input type="radio" id="name-display" name="choice" value="display" checked={current == CertificateName::Display}/>
                                <label for="name-display">{t!(i18n, mentorship.name_display)}</label>
                            </span>
                            <span class="choice">
                                <input type="radio" id="name-other" name="choice" value="other" checked={current == CertificateName::Other}/>
                                <label for="name-other">{t!(i18n, mentorship.name_other)}</label>
                            </span>
                            <span class="choice">
                                <input type="radio" id="name-none" name="choice" value="none" checked={current == CertificateName::Hidden}/>
                                <label for="name-none">{t!(i18n, mentorship.name_none)}</label>
                            </span>
                        </fieldset>
                        <label for="other-name">{t!(i18n, mentorship.other_name)}</label>
                        <input id="other-name" name="other" maxlength="120" autocomplete="off"/>
                        <button type="submit" id="save-name">{t!(i18n, mentorship.save_name)}</button>
                    </PostForm>
                    <p><a href=href id="certificate-link">{t!(i18n, mentorship.open_certificate)}</a></p>
                </section>
            }
        })}
        {matches!(st, MatchState::Proposed | MatchState::Active).then(|| view! {
            <section aria-labelledby="end-match-heading">
                <h2 id="end-match-heading">{t!(i18n, mentorship.end_match_heading)}</h2>
                <p class="hint">{t!(i18n, mentorship.end_match_hint)}</p>
                <ActionError action=end/>
                <PostForm url=EndMatch::url()>
                    <input type="hidden" name="pair" value=pair.to_string()/>
                    <button type="submit" id="end-match">{t!(i18n, mentorship.end_match)}</button>
                </PostForm>
            </section>
        })}
        <section aria-labelledby="concern-heading">
            <h2 id="concern-heading">{t!(i18n, mentorship.concern_heading)}</h2>
            <p class="hint">{if detail.has_lead { t!(i18n, mentorship.concern_hint_lead).into_any() } else { t!(i18n, mentorship.concern_hint_admins).into_any() }}</p>
            <ActionError action=report/>
            {move || matches!(report.value().get(), Some(Ok(_))).then(|| view! {
                <p role="status" class="notice" id="concern-sent">{t!(i18n, mentorship.concern_sent)}</p>
            })}
            <PostForm url=ReportConcern::url() class="stack">
                <input type="hidden" name="pair" value=pair.to_string()/>
                <label for="concern">{t!(i18n, mentorship.concern)}</label>
                <TextArea id="concern" name="concern" rows="4" maxlength="5000"/>
                <button type="submit" id="report-concern">{t!(i18n, mentorship.report)}</button>
            </PostForm>
        </section>
        <p><a href="/programmes">{t!(i18n, mentorship.back)}</a></p>
    }
}

/// The printable certificate.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(match_id(), |id| async move {
        match id {
            Some(id) => get_certificate(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.certificate).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! { <CertificateView c/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CertificateView(c: Certificate) -> impl IntoView {
    let i18n = use_i18n();
    let programme = c.programme.clone();
    let council = c.council.clone();
    let (from, to) = (c.from.clone(), c.to.clone());
    let (sessions, hours) = (c.sessions, c.hours);
    view! {
        <article class="print-view certificate">
            <p class="no-print hint">{t!(i18n, mentorship.print_hint)}</p>
            <h1>{t!(i18n, mentorship.certificate_title)}</h1>
            {match c.name.clone() {
                Some(name) => view! { <p class="certificate__name" id="certificate-name">{name}</p> }.into_any(),
                None => ().into_any(),
            }}
            <p class="certificate__text">
                {match c.role {
                    ParticipantRole::Mentor => t!(i18n, mentorship.certificate_mentor, programme = move || programme.clone()).into_any(),
                    ParticipantRole::Mentee => t!(i18n, mentorship.certificate_mentee, programme = move || programme.clone()).into_any(),
                }}
            </p>
            <p>{t!(i18n, mentorship.certificate_dates, from = move || from.clone(), to = move || to.clone())}</p>
            <p>{t!(i18n, mentorship.sessions_hours, sessions = move || sessions, hours = move || hours)}</p>
            {(!c.goals_met.is_empty()).then(|| view! {
                <h2>{t!(i18n, mentorship.goals_met_heading)}</h2>
                <ul>{c.goals_met.clone().into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul>
            })}
            <p class="certificate__council">{council}</p>
        </article>
    }
}
