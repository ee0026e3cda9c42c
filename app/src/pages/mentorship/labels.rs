//! Translated names of mentorship's codes, and the reasons behind a suggestion.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};
use crate::model::mentorship::{
    CaseStatus, MatchState, ParticipantRole, ParticipantState, ProgrammeState, ReasonView,
    SessionFormat, Visibility,
};

/// Mentor or mentee.
#[component]
pub fn RoleLabel(role: ParticipantRole) -> impl IntoView {
    let i18n = use_i18n();
    match role {
        ParticipantRole::Mentor => t!(i18n, mentorship.role_mentor).into_any(),
        ParticipantRole::Mentee => t!(i18n, mentorship.role_mentee).into_any(),
    }
}

/// A place's state.
#[component]
pub fn PlaceStateLabel(state: ParticipantState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        ParticipantState::Invited => t!(i18n, mentorship.place_invited).into_any(),
        ParticipantState::Applied => t!(i18n, mentorship.place_applied).into_any(),
        ParticipantState::Active => t!(i18n, mentorship.place_active).into_any(),
        ParticipantState::Declined => t!(i18n, mentorship.place_declined).into_any(),
    }
}

/// A programme's state.
#[component]
pub fn ProgrammeStateLabel(state: ProgrammeState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        ProgrammeState::Open => t!(i18n, mentorship.programme_open).into_any(),
        ProgrammeState::Ended => t!(i18n, mentorship.programme_ended).into_any(),
    }
}

/// A match's state. Declined and ended say nothing of who.
#[component]
pub fn MatchStateLabel(state: MatchState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        MatchState::Proposed => t!(i18n, mentorship.match_proposed).into_any(),
        MatchState::Active => t!(i18n, mentorship.match_active).into_any(),
        MatchState::Declined => t!(i18n, mentorship.match_declined).into_any(),
        MatchState::Ended => t!(i18n, mentorship.match_ended).into_any(),
        MatchState::Completed => t!(i18n, mentorship.match_completed).into_any(),
    }
}

/// How a session was held.
#[component]
pub fn FormatLabel(format: SessionFormat) -> impl IntoView {
    let i18n = use_i18n();
    match format {
        SessionFormat::Online => t!(i18n, mentorship.format_online).into_any(),
        SessionFormat::InPerson => t!(i18n, mentorship.format_in_person).into_any(),
        SessionFormat::Phone => t!(i18n, mentorship.format_phone).into_any(),
    }
}

/// Who sees a field.
#[component]
pub fn VisibilityLabel(visibility: Visibility) -> impl IntoView {
    let i18n = use_i18n();
    match visibility {
        Visibility::Matching => t!(i18n, mentorship.visibility_matching).into_any(),
        Visibility::Partner => t!(i18n, mentorship.visibility_partner).into_any(),
        Visibility::Cohort => t!(i18n, mentorship.visibility_cohort).into_any(),
    }
}

/// A case's status.
#[component]
pub fn CaseStatusLabel(status: CaseStatus) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        CaseStatus::Open => t!(i18n, cases.status_open).into_any(),
        CaseStatus::InProgress => t!(i18n, cases.status_in_progress).into_any(),
        CaseStatus::Closed => t!(i18n, cases.status_closed).into_any(),
    }
}

/// One reason behind a suggestion, in plain words.
#[component]
pub fn ReasonLabel(reason: ReasonView) -> impl IntoView {
    let i18n = use_i18n();
    let value = reason.value.clone();
    let (wish_kind, wish_value) = match value.split_once(':') {
        Some((k, v)) => (k.to_owned(), v.to_owned()),
        None => (String::new(), value.clone()),
    };
    let wish = move || {
        let v = wish_value.clone();
        if wish_kind == "gender" {
            t!(i18n, mentorship.wish_gender_is, value = move || v.clone()).into_any()
        } else {
            t!(i18n, mentorship.wish_language_is, value = move || v.clone()).into_any()
        }
    };
    let v = value.clone();
    match reason.code.as_str() {
        "shared_language" => t!(i18n, mentorship.reason_shared_language, value = move || v.clone()).into_any(),
        "goal_covered" => t!(i18n, mentorship.reason_goal_covered, value = move || v.clone()).into_any(),
        "shared_format" if value == "in_person" => t!(i18n, mentorship.reason_in_person).into_any(),
        "shared_format" => t!(i18n, mentorship.reason_online).into_any(),
        "same_region" => t!(i18n, mentorship.reason_same_region, value = move || v.clone()).into_any(),
        "wish_met" => view! { <span class="reason-met">{t!(i18n, mentorship.reason_wish_met)}" "{wish}</span> }.into_any(),
        "wish_not_met" => view! { <strong class="reason-unmet">{t!(i18n, mentorship.reason_wish_not_met)}" "{wish}</strong> }.into_any(),
        "places_left" => t!(i18n, mentorship.reason_places_left, count = move || v.clone()).into_any(),
        "nobody_workable" => t!(i18n, mentorship.reason_nobody_workable).into_any(),
        _ => t!(i18n, mentorship.reason_mentors_full).into_any(),
    }
}
