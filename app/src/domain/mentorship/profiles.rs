//! Profiles: each participant fills in theirs for each place (languages, expertise or
//! learning goals, region, availability, ways of meeting, a self-described gender and wishes
//! about the mentor, all optional but a language and a way of meeting), and says for each
//! field who may see it: only the matching (the secretariat, in the suggestions), also the
//! person they are matched with, or also their cohort. Sealed as one record.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::access;
use super::entities::{cohort, participant, programme};
use super::records::{self, names, profile_of, seal_profile};
use crate::domain::platform::audit::{self, Event};
use crate::domain::platform::db;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::audit::AuditAction;
use crate::model::ids::{CouncilId, ParticipantId};
use crate::model::mentorship::{
    MyPlace, ParticipantRole, ParticipantState, PlaceView, Profile, ProfileFields, ProgrammeRow,
    ProgrammeState, SharedProfile, Visibility, parse_capacity,
};

fn cohort_share(value: String, visibility: Option<Visibility>) -> Option<String> {
    (visibility == Some(Visibility::Cohort) && !value.is_empty()).then_some(value)
}

/// The actor's own place: what they answer and their profile; and what the others of an
/// active cohort share with it.
pub async fn place(
    state: &AppState,
    actor: &Actor,
    id: ParticipantId,
) -> Result<PlaceView, AppError> {
    let place = access::own_place(&state.db, actor, id).await?;
    let p = programme::Entity::find_by_id(place.programme_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = cohort::Entity::find_by_id(place.cohort_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let profile = profile_of(&state.keyring, &place)?;
    let mut shared = Vec::new();
    if records::state(&place) == ParticipantState::Active {
        let others: Vec<participant::Model> = participant::Entity::find()
            .filter(participant::Column::CohortId.eq(c.id))
            .filter(participant::Column::State.eq(ParticipantState::Active.code()))
            .filter(participant::Column::Id.ne(place.id))
            .all(&state.db)
            .await?;
        let people = names(&state.db, others.iter().map(|o| o.person_id)).await?;
        for o in &others {
            let Some(pr) = profile_of(&state.keyring, o)? else {
                continue;
            };
            let view = SharedProfile {
                languages: cohort_share(pr.languages.join(", "), pr.languages_visibility),
                topics: cohort_share(pr.topics.join(", "), pr.topics_visibility),
                region: cohort_share(pr.region, pr.region_visibility),
                availability: cohort_share(pr.availability, pr.availability_visibility),
                gender: cohort_share(pr.gender, pr.gender_visibility),
            };
            if view != SharedProfile::default() {
                shared.push((
                    people.get(&o.person_id).cloned().unwrap_or_default(),
                    records::role(o),
                    view,
                ));
            }
        }
        shared.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(PlaceView {
        place: MyPlace {
            participant: ParticipantId(place.id),
            programme: ProgrammeRow {
                id: crate::model::ids::ProgrammeId(p.id),
                title: p.title.clone(),
                starts_on: p.starts_on.clone(),
                ends_on: p.ends_on.clone(),
                state: ProgrammeState::from_code(&p.state).unwrap_or(ProgrammeState::Ended),
                paid: p.paid,
            },
            cohort: c.name.clone(),
            role: records::role(&place),
            state: records::state(&place),
            has_profile: profile.is_some(),
        },
        fields: profile.unwrap_or_default().fields(place.capacity),
        cohort: shared,
    })
}

/// Saves the actor's profile for their place (and a mentor's capacity).
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: ParticipantId,
    fields: &ProfileFields,
) -> Result<(), AppError> {
    let place = access::own_place(&state.db, actor, id).await?;
    if records::state(&place) == ParticipantState::Declined {
        return Err(AppError::Conflict);
    }
    let mut profile = Profile::parse(fields)?;
    let capacity = if records::role(&place) == ParticipantRole::Mentor {
        // Wishes are a mentee's; a mentor's are not kept.
        profile.wish_gender.clear();
        profile.wish_language.clear();
        parse_capacity(&fields.capacity)?
    } else {
        1
    };
    let sealed = seal_profile(&state.keyring, &profile)?;
    let txn = db::begin_write(&state.db).await?;
    participant::Entity::update_many()
        .col_expr(
            participant::Column::ProfileSealed,
            Expr::value(Some(sealed)),
        )
        .col_expr(participant::Column::Capacity, Expr::value(capacity))
        .col_expr(participant::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(participant::Column::Id.eq(place.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Event::new(AuditAction::ProfileChanged)
            .council(CouncilId(place.council_id))
            .by_actor(actor)
            .subject("participant", place.id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
