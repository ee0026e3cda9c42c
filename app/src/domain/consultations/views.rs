//! The pages' read models: the whole draft, one chapter (kept per reader in
//! [`super::chapter_cache`]) and the management page. The top of the capability: these call
//! the rest, nothing calls them.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::access::{Access, managed, permissions, readable, readable_with_kept_text};
use super::entities::{consultation, participant, section};
use super::store::{
    chapters_of, comment_counts, latest_published, local_field, published_numbers, section_title,
    section_view, sections_of, summary, time_zone, time_zone_for,
};
use super::{chapter_cache, drafts, kept_text, responses, threads};
use crate::domain::identity::entities::{membership, person};
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::comment::CommentStatus;
use crate::model::consultation::{
    ChapterView, ConsultationDetail, ConsultationFields, ManageView, Visibility,
};
use crate::model::ids::{ConsultationId, CouncilId, VersionId};
use crate::model::viewer::Role;

/// The whole draft (newest published version; staff see a draft consultation's newest
/// version even before it is published), with comment counts per section.
pub async fn detail(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
) -> Result<ConsultationDetail, AppError> {
    let (c, access) = readable(db, actor, id).await?;
    let time_zone = time_zone_for(db, actor, CouncilId(c.council_id)).await?;
    let version = latest_published(db, ConsultationId(c.id)).await?;
    let counts = comment_counts(db, ConsultationId(c.id)).await?;
    let (number, sections) = match version {
        None => (0, Vec::new()),
        Some(v) => {
            let sections = sections_of(db, VersionId(v.id)).await?;
            let chapters = chapters_of(&sections);
            let views = sections
                .iter()
                .zip(&chapters)
                .map(|(s, ch)| section_view(s, ch, counts.get(&s.anchor).copied().unwrap_or(0)))
                .collect();
            (v.number, views)
        }
    };
    Ok(ConsultationDetail {
        summary: summary(&c, &time_zone),
        version: number,
        versions: published_numbers(db, ConsultationId(c.id)).await?,
        sections,
        may: permissions(actor, &c, access),
    })
}

/// One chapter of the newest published version with every comment on it. The number of
/// queries does not grow with sections or comments; a reader's view is reused while the
/// consultation is unchanged (see [`super::chapter_cache`]).
pub async fn chapter(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    anchor: &str,
) -> Result<ChapterView, AppError> {
    let db = &state.db;
    let (c, access, keeps_text) = readable_with_kept_text(db, actor, id).await?;
    let key = chapter_cache::Key {
        consultation: c.id,
        anchor: anchor.to_owned(),
        reader: actor.person().map(|p| p.0),
        manage: access.manage,
    };
    let view = match state.chapters.get(&key, c.revision) {
        Some(view) => view,
        None => {
            let view = std::sync::Arc::new(chapter_view(state, actor, &c, access, anchor).await?);
            state.chapters.put(key, view.clone());
            view
        }
    };
    // Most readers keep no text; the consultation's statement said so, so they need no query.
    let drafts = match actor.person() {
        Some(person) if keeps_text => {
            let own: Vec<crate::model::ids::CommentId> = view
                .comments
                .iter()
                .filter(|c| c.mine)
                .map(|c| c.id)
                .collect();
            kept_text::drafts_of(db, &state.keyring, person, ConsultationId(c.id), &own).await?
        }
        _ => Vec::new(),
    };
    Ok(ChapterView {
        summary: summary(&c, &view.time_zone),
        version: view.version,
        sections: view.sections.clone(),
        comments: view.comments.clone(),
        previous: view.previous.clone(),
        next: view.next.clone(),
        may: permissions(actor, &c, access),
        drafts,
        reader: actor.person(),
        revision: view.revision,
    })
}

/// Builds the reader's view of one chapter from the database, at `c`'s revision.
async fn chapter_view(
    state: &AppState,
    actor: &Actor,
    c: &consultation::Model,
    access: Access,
    anchor: &str,
) -> Result<chapter_cache::Chapter, AppError> {
    let db = &state.db;
    // Read after the consultation (not taken from the actor), so it is at least as new as
    // the revision the view is kept under.
    let time_zone = time_zone(db, CouncilId(c.council_id)).await?;
    let version = latest_published(db, ConsultationId(c.id))
        .await?
        .ok_or(AppError::NotFound)?;
    let all = sections_of(db, VersionId(version.id)).await?;
    let chapters = chapters_of(&all);
    // Chapter heads in order, for previous / next.
    let heads: Vec<&section::Model> = all
        .iter()
        .zip(&chapters)
        .filter(|(s, ch)| &s.anchor == *ch)
        .map(|(s, _)| s)
        .collect();
    let position = heads
        .iter()
        .position(|h| h.anchor == anchor)
        .ok_or(AppError::NotFound)?;
    let link = |s: &&section::Model| (s.anchor.clone(), section_title(s));
    let previous = position.checked_sub(1).and_then(|p| heads.get(p)).map(link);
    let next = heads.get(position + 1).map(link);
    let mine: Vec<&section::Model> = all
        .iter()
        .zip(&chapters)
        .filter(|(_, ch)| ch.as_str() == anchor)
        .map(|(s, _)| s)
        .collect();
    let anchors: Vec<String> = mine.iter().map(|s| s.anchor.clone()).collect();
    let comments =
        threads::for_anchors(state, actor, c, access, &time_zone, &anchors, &mine).await?;
    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
    for view in &comments {
        if view.status == CommentStatus::Visible
            && let Some(s) = mine.iter().find(|s| s.id == view.section.0)
        {
            *counts.entry(s.anchor.as_str()).or_default() += 1;
        }
    }
    let sections = mine
        .iter()
        .map(|s| {
            section_view(
                s,
                anchor,
                counts.get(s.anchor.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(chapter_cache::Chapter {
        revision: c.revision,
        time_zone,
        version: version.number,
        sections: std::sync::Arc::new(sections),
        comments: std::sync::Arc::new(comments),
        previous,
        next,
    })
}

/// The management page: details, the version being prepared, counts and participants.
pub async fn manage_view(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: ConsultationId,
) -> Result<ManageView, AppError> {
    let c = managed(db, actor, id).await?;
    let tz = time_zone(db, CouncilId(c.council_id)).await?;
    let published = latest_published(db, ConsultationId(c.id)).await?;
    let pending = drafts::pending_view(db, &c, published.as_ref()).await?;
    // The published sections, for content notes added later.
    let notes = match &published {
        Some(v) => sections_of(db, VersionId(v.id))
            .await?
            .into_iter()
            .map(|s| {
                let words: String = s
                    .body
                    .split_whitespace()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" ");
                let label = [s.number.as_str(), s.heading.as_str(), words.as_str()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" – ");
                (s.id.to_string(), label, s.content_note)
            })
            .collect(),
        None => Vec::new(),
    };
    let (comments, unanswered) = responses::counts(db, ConsultationId(c.id)).await?;
    // The member list is needed (and shown) only to invite people.
    let invited_only = Visibility::from_code(&c.visibility) == Some(Visibility::Invited);
    let participant_ids: Vec<Uuid> = participant::Entity::find()
        .filter(participant::Column::ConsultationId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let member_ids: Vec<Uuid> = if invited_only {
        membership::Entity::find()
            .filter(membership::Column::CouncilId.eq(c.council_id))
            .filter(membership::Column::Role.eq(Role::Member.code()))
            .filter(membership::Column::SuspendedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.person_id)
            .collect()
    } else {
        Vec::new()
    };
    let people: HashMap<Uuid, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(member_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect();
    let named = |ids: &[Uuid]| -> Vec<(String, String)> {
        let mut list: Vec<(String, String)> = ids
            .iter()
            .filter_map(|id| people.get(id).map(|n| (id.to_string(), n.clone())))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    };
    let participants = named(&participant_ids);
    let members = named(
        &member_ids
            .iter()
            .copied()
            .filter(|m| !participant_ids.contains(m))
            .collect::<Vec<_>>(),
    );
    Ok(ManageView {
        summary: summary(&c, &tz),
        fields: ConsultationFields {
            title: c.title.clone(),
            summary: c.summary.clone(),
            languages: c.languages.clone(),
            visibility: c.visibility.clone(),
            opens_at: local_field(c.opens_at, &tz),
            closes_at: local_field(c.closes_at, &tz),
        },
        time_zone: tz,
        published_version: published.map_or(0, |v| v.number),
        notes,
        pending,
        comments,
        unanswered,
        outcome_public: c.outcome_public,
        participants,
        members,
    })
}
