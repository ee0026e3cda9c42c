//! `/meetings`: the council's meetings (everybody in the council), each offered as an
//! iCalendar file; the secretariat records new ones. `/meetings/:id`: one meeting, where its
//! staff tick who attended (each attendee then finds a prefilled time entry).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use crate::api::honoraria::{RecordAttendance, RecordMeeting, get_meeting, get_meetings};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::{PostForm, TextArea};
use crate::i18n::{t, t_string, use_i18n};
use crate::model::honoraria::{MeetingDetail, MeetingRow, Meetings};
use crate::model::ids::MeetingId;

/// The meetings page.
#[component]
pub fn MeetingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_meetings());
    view! {
        <Title text=t_string!(i18n, titles.meetings).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <MeetingsView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MeetingsView(data: Meetings) -> impl IntoView {
    let i18n = use_i18n();
    let record = ServerAction::<RecordMeeting>::new();
    let tz = data.time_zone.clone();
    let tz2 = data.time_zone.clone();
    view! {
        <h1>{t!(i18n, meetings.heading)}</h1>
        <p class="hint">{t!(i18n, meetings.who_sees, zone = move || tz.clone())}</p>
        {if data.rows.is_empty() {
            view! { <p id="no-meetings">{t!(i18n, meetings.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list" id="meeting-list">
                    {data.rows.into_iter().map(|m| view! { <MeetingCard m link=true/> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {data.may_record.then(|| view! {
            <h2 id="record-heading">{t!(i18n, meetings.record_heading)}</h2>
            <ActionError action=record/>
            <PostForm url=RecordMeeting::url() class="stack">
                <label for="starts_at">{t!(i18n, meetings.starts, zone = move || tz2.clone())}</label>
                <input id="starts_at" name="fields[starts_at]" type="datetime-local" required
                    value=data.default_start.clone()/>
                <label for="meeting-minutes">{t!(i18n, time.minutes)}</label>
                <input id="meeting-minutes" name="fields[minutes]" type="number" min="1" max="960" step="1"
                    required inputmode="numeric" value="120"/>
                <span class="choice">
                    <input type="checkbox" id="online" name="fields[online]" value="true"/>
                    <label for="online">{t!(i18n, meetings.online)}</label>
                </span>
                <label for="place">{t!(i18n, meetings.place)}</label>
                <input id="place" name="fields[place]" maxlength="500" autocomplete="off"/>
                <label for="agenda">{t!(i18n, meetings.agenda)}</label>
                <TextArea id="agenda" name="fields[agenda]" rows="5" maxlength="5000"/>
                <button type="submit" id="record-meeting">{t!(i18n, meetings.record)}</button>
            </PostForm>
        })}
    }
}

/// One meeting: when, where, the agenda, and the calendar file.
#[component]
fn MeetingCard(m: MeetingRow, link: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = m.id.to_string();
    let href = format!("/meetings/{id}");
    let ics = format!("/meetings/{id}/calendar.ics");
    let starts = m.starts.clone();
    view! {
        <li class="card" data-meeting=id.clone()>
            <h3 class="card__title">
                {if link {
                    view! { <a href=href>{starts.clone()}" – "{m.ends.clone()}</a> }.into_any()
                } else {
                    view! { <span>{starts.clone()}" – "{m.ends.clone()}</span> }.into_any()
                }}
            </h3>
            <p>
                {if m.online { t!(i18n, meetings.is_online).into_any() } else { t!(i18n, meetings.in_person).into_any() }}
                {(!m.place.is_empty()).then(|| view! { " · "<span class="place">{m.place.clone()}</span> })}
            </p>
            {(!m.agenda.is_empty()).then(|| view! { <p class="agenda">{m.agenda.clone()}</p> })}
            {m.attended.then(|| view! {
                <p class="notice attended">{t!(i18n, meetings.you_attended)}" "<a href="/time#claims">{t!(i18n, meetings.see_entry)}</a></p>
            })}
            <p><a href=ics download="meeting.ics">{t!(i18n, meetings.calendar)}</a></p>
        </li>
    }
}

/// One meeting's page.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<MeetingId>().ok())
    };
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_meeting(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.meeting).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <MeetingView detail/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MeetingView(detail: MeetingDetail) -> impl IntoView {
    let i18n = use_i18n();
    let attend = ServerAction::<RecordAttendance>::new();
    let id = detail.meeting.id.to_string();
    let past = detail.meeting.past;
    let recorded = detail.meeting.attendance_recorded;
    view! {
        <h1>{t!(i18n, meetings.one_heading)}</h1>
        <ul class="card-list"><MeetingCard m=detail.meeting link=false/></ul>
        {detail.may_record.then(|| view! {
            <h2 id="attendance-heading">{t!(i18n, meetings.attendance_heading)}</h2>
            <p class="hint">{t!(i18n, meetings.attendance_hint)}</p>
            <ActionError action=attend/>
            {move || matches!(attend.value().get(), Some(Ok(_))).then(|| view! {
                <p role="status" class="notice">{t!(i18n, meetings.attendance_saved)}</p>
            })}
            {recorded.then(|| view! { <p id="attendance-recorded">{t!(i18n, meetings.attendance_recorded)}</p> })}
            {if !past {
                view! { <p id="not-yet">{t!(i18n, meetings.not_yet)}</p> }.into_any()
            } else if detail.members.is_empty() {
                view! { <p>{t!(i18n, meetings.no_members)}</p> }.into_any()
            } else {
                view! {
                    <PostForm url=RecordAttendance::url() class="stack">
                        <input type="hidden" name="meeting" value=id.clone()/>
                        <fieldset id="attendees">
                            <legend>{t!(i18n, meetings.who_attended)}</legend>
                            {detail.members.into_iter().enumerate().map(|(n, (person, name, present))| {
                                let check = format!("person-{person}");
                                view! {
                                    <span class="choice">
                                        <input type="checkbox" id=check.clone() name=format!("people[{n}]")
                                            value=person.to_string() checked=present disabled=present/>
                                        <label for=check>{name}</label>
                                    </span>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" id="record-attendance">{t!(i18n, meetings.save_attendance)}</button>
                    </PostForm>
                }.into_any()
            }}
        })}
        <p><a href="/meetings">{t!(i18n, meetings.back)}</a></p>
    }
}
