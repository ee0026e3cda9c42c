//! `/places/:id`: one's own place in a cohort: the invitation to answer, and the profile,
//! where every field says who may see it. Nothing sensitive is required.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

use super::labels::{PlaceStateLabel, RoleLabel, VisibilityLabel};
use crate::api::mentorship::{AnswerInvitation, SaveProfile, get_place};
use crate::components::error::{ActionError, LoadError};
use crate::components::forms::PostForm;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::ids::ParticipantId;
use crate::model::mentorship::{
    ParticipantRole, ParticipantState, PlaceView, SharedProfile, Visibility,
};

/// The place page.
#[component]
pub fn PlacePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<ParticipantId>().ok())
    };
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_place(id).await,
            None => Err(crate::model::AppError::NotFound),
        }
    });
    view! {
        <Title text=t_string!(i18n, titles.place).to_string()/>
        <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <PlaceViewPage data=view/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A visibility choice for one field.
#[component]
fn Who(field: &'static str, name: &'static str, current: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{field}-visibility");
    view! {
        <label for=id.clone() class="visibility-label">{t!(i18n, mentorship.who_sees)}</label>
        <select id=id name=name class="visibility">
            {Visibility::ALL.iter().map(|v| view! {
                <option value=v.code() selected={v.code() == current}><VisibilityLabel visibility=*v/></option>
            }).collect_view()}
        </select>
    }
}

/// What somebody shares: one line per field shared.
#[component]
pub fn Shared(profile: SharedProfile) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="shared-profile">
            {profile.languages.map(|v| view! { <dt>{t!(i18n, fields.languages)}</dt><dd>{v}</dd> })}
            {profile.topics.map(|v| view! { <dt>{t!(i18n, mentorship.topics_shared)}</dt><dd>{v}</dd> })}
            {profile.region.map(|v| view! { <dt>{t!(i18n, mentorship.region)}</dt><dd>{v}</dd> })}
            {profile.availability.map(|v| view! { <dt>{t!(i18n, mentorship.availability)}</dt><dd>{v}</dd> })}
            {profile.gender.map(|v| view! { <dt>{t!(i18n, mentorship.gender)}</dt><dd>{v}</dd> })}
        </dl>
    }
}

#[component]
fn PlaceViewPage(data: PlaceView) -> impl IntoView {
    let i18n = use_i18n();
    let answer = ServerAction::<AnswerInvitation>::new();
    let save = ServerAction::<SaveProfile>::new();
    let place = data.place.clone();
    let f = data.fields.clone();
    let mentor = place.role == ParticipantRole::Mentor;
    let declined = place.state == ParticipantState::Declined;
    view! {
        <h1>{place.programme.title.clone()}</h1>
        <p>{place.cohort.clone()}" · "<RoleLabel role=place.role/>" · "<PlaceStateLabel state=place.state/></p>
        {(place.state == ParticipantState::Invited).then(|| view! {
            <section aria-labelledby="invitation-heading" class="card">
                <h2 id="invitation-heading" class="card__title">{t!(i18n, mentorship.invitation_heading)}</h2>
                <p>{t!(i18n, mentorship.invitation_hint)}</p>
                <ActionError action=answer/>
                <PostForm url=AnswerInvitation::url() class="inline-form">
                    <input type="hidden" name="place" value=place.participant.to_string()/>
                    <button type="submit" name="decision" value="accept" id="accept-invitation">{t!(i18n, mentorship.accept)}</button>
                    <button type="submit" name="decision" value="decline" id="decline-invitation">{t!(i18n, mentorship.decline)}</button>
                </PostForm>
            </section>
        })}
        {(!declined).then(|| view! {
            <h2 id="profile-heading">{t!(i18n, mentorship.profile_heading)}</h2>
            <p class="hint">{t!(i18n, mentorship.profile_hint)}</p>
            <ActionError action=save/>
            {move || matches!(save.value().get(), Some(Ok(_))).then(|| view! {
                <p role="status" class="notice">{t!(i18n, mentorship.profile_saved)}</p>
            })}
            <PostForm url=SaveProfile::url() class="stack">
                <input type="hidden" name="place" value=place.participant.to_string()/>
                <label for="languages">{t!(i18n, fields.languages)}</label>
                <p id="languages-hint" class="hint">{t!(i18n, mentorship.languages_hint)}</p>
                <input id="languages" name="fields[languages]" required maxlength="500" value=f.languages.clone()
                    aria-describedby="languages-hint" autocomplete="off"/>
                <Who field="languages" name="fields[languages_visibility]" current=f.languages_visibility.clone()/>
                <label for="topics">{if mentor { t!(i18n, mentorship.expertise).into_any() } else { t!(i18n, mentorship.goals_wanted).into_any() }}</label>
                <p id="topics-hint" class="hint">{t!(i18n, mentorship.topics_hint)}</p>
                <input id="topics" name="fields[topics]" maxlength="1000" value=f.topics.clone()
                    aria-describedby="topics-hint" autocomplete="off"/>
                <Who field="topics" name="fields[topics_visibility]" current=f.topics_visibility.clone()/>
                <fieldset id="format">
                    <legend>{t!(i18n, mentorship.can_meet)}</legend>
                    <span class="choice">
                        <input type="checkbox" id="online" name="fields[online]" value="true" checked=f.online/>
                        <label for="online">{t!(i18n, mentorship.format_online)}</label>
                    </span>
                    <span class="choice">
                        <input type="checkbox" id="in_person" name="fields[in_person]" value="true" checked=f.in_person/>
                        <label for="in_person">{t!(i18n, mentorship.format_in_person)}</label>
                    </span>
                </fieldset>
                <label for="region">{t!(i18n, mentorship.region_optional)}</label>
                <input id="region" name="fields[region]" maxlength="100" value=f.region.clone() autocomplete="off"/>
                <Who field="region" name="fields[region_visibility]" current=f.region_visibility.clone()/>
                <label for="availability">{t!(i18n, mentorship.availability_optional)}</label>
                <input id="availability" name="fields[availability]" maxlength="300" value=f.availability.clone() autocomplete="off"/>
                <Who field="availability" name="fields[availability_visibility]" current=f.availability_visibility.clone()/>
                <label for="gender">{t!(i18n, mentorship.gender_optional)}</label>
                <p id="gender-hint" class="hint">{t!(i18n, mentorship.gender_hint)}</p>
                <input id="gender" name="fields[gender]" maxlength="60" value=f.gender.clone()
                    aria-describedby="gender-hint" autocomplete="off"/>
                <Who field="gender" name="fields[gender_visibility]" current=f.gender_visibility.clone()/>
                {if mentor {
                    view! {
                        <label for="capacity">{t!(i18n, mentorship.capacity)}</label>
                        <input id="capacity" name="fields[capacity]" type="number" min="1" max="10" step="1"
                            inputmode="numeric" value=f.capacity.clone()/>
                    }.into_any()
                } else {
                    view! {
                        <fieldset id="wishes">
                            <legend>{t!(i18n, mentorship.wishes)}</legend>
                            <p class="hint">{t!(i18n, mentorship.wishes_hint)}</p>
                            <label for="wish_gender">{t!(i18n, mentorship.wish_gender)}</label>
                            <input id="wish_gender" name="fields[wish_gender]" maxlength="60" value=f.wish_gender.clone() autocomplete="off"/>
                            <label for="wish_language">{t!(i18n, mentorship.wish_language)}</label>
                            <input id="wish_language" name="fields[wish_language]" maxlength="60" value=f.wish_language.clone() autocomplete="off"/>
                        </fieldset>
                    }.into_any()
                }}
                <button type="submit" id="save-profile">{t!(i18n, mentorship.save_profile)}</button>
            </PostForm>
        })}
        {(!data.cohort.is_empty()).then(|| view! {
            <h2 id="cohort-heading">{t!(i18n, mentorship.cohort_shares)}</h2>
            <ul class="card-list">
                {data.cohort.clone().into_iter().map(|(name, role, profile)| view! {
                    <li class="card"><h3 class="card__title">{name}" · "<RoleLabel role/></h3><Shared profile/></li>
                }).collect_view()}
            </ul>
        })}
        <p><a href="/programmes">{t!(i18n, mentorship.back)}</a></p>
    }
}
