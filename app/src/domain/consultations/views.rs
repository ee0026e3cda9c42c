//! The pages' read models: the whole draft, one chapter (kept per reader in
//! [`super::chapter_cache`]) and the management page. The top of the capability: these call
//! the rest, nothing calls them.

use std::collections::HashMap;

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
use crate::model::comment::CommentView;
use crate::model::consultation::{
    ChapterView, ConsultationDetail, ConsultationFields, LimitStop, ManageView, SectionComments,
    ThreadSort, Visibility,
};
use crate::model::ids::{CommentId, ConsultationId, CouncilId, SectionId, VersionId};
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
        more: view.more.clone(),
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
    let (comments, threads) =
        threads::for_chapter(state, actor, c, access, &time_zone, &anchors, &mine).await?;
    let counts = comment_counts(db, ConsultationId(c.id)).await?;
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
    // Per section, how many threads the chapter leaves out.
    let more = mine
        .iter()
        .filter_map(|s| {
            let all = threads.get(&s.anchor).copied().unwrap_or(0);
            let shown = comments
                .iter()
                .filter(|v| {
                    v.section.0 == s.id && v.depth == 0 && v.status != CommentStatus::Hidden
                })
                .count();
            let left = all - i64::try_from(shown).unwrap_or(0);
            (left > 0).then_some((SectionId(s.id), left))
        })
        .collect();
    Ok(chapter_cache::Chapter {
        revision: c.revision,
        time_zone,
        version: version.number,
        sections: std::sync::Arc::new(sections),
        comments: std::sync::Arc::new(comments),
        more,
        previous,
        next,
    })
}

/// All comments on one section of the newest published version, [`threads::PAGE_THREADS`]
/// threads a page, or one thread with its replies [`threads::THREAD_REPLIES`] a page. The
/// same number of statements for any number of comments.
pub async fn section_comments(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    anchor: &str,
    sort: ThreadSort,
    page: i64,
    thread: Option<CommentId>,
) -> Result<SectionComments, AppError> {
    use super::entities::comment;
    let db = &state.db;
    let (c, access, keeps_text) = readable_with_kept_text(db, actor, id).await?;
    let time_zone = time_zone(db, CouncilId(c.council_id)).await?;
    let version = latest_published(db, ConsultationId(c.id))
        .await?
        .ok_or(AppError::NotFound)?;
    let all = sections_of(db, VersionId(version.id)).await?;
    let chapters = chapters_of(&all);
    let (s, chapter) = all
        .iter()
        .zip(&chapters)
        .find(|(s, _)| s.anchor == anchor)
        .ok_or(AppError::NotFound)?;
    let anchors = vec![s.anchor.clone()];
    let page = page.max(1);
    let (rows, total, more) = match thread {
        Some(root) => {
            let root = comment::Entity::find_by_id(root.0)
                .one(db)
                .await?
                .filter(|r| r.consultation_id == c.id && r.anchor == s.anchor)
                .filter(|r| r.parent_id.is_none())
                .ok_or(AppError::NotFound)?;
            let from = (page - 1) * threads::THREAD_REPLIES + 1;
            let replies =
                threads::replies(db, &[root.id], from, from + threads::THREAD_REPLIES).await?;
            let total = replies.first().map_or(0, |r| r.total);
            let rows: Vec<comment::Model> = std::iter::once(root)
                .chain(replies.into_iter().map(|r| r.row))
                .collect();
            (rows, total, HashMap::new())
        }
        None => {
            let order = match sort {
                ThreadSort::Newest => threads::ThreadOrder::Newest,
                ThreadSort::Oldest => threads::ThreadOrder::Oldest,
                ThreadSort::Replies => threads::ThreadOrder::Replies,
            };
            let from = (page - 1) * threads::PAGE_THREADS + 1;
            let roots = threads::roots(
                db,
                c.id,
                &anchors,
                order,
                from,
                from + threads::PAGE_THREADS,
            )
            .await?;
            let total = roots
                .iter()
                .find(|r| r.row.status != CommentStatus::Hidden.code())
                .map_or(0, |r| r.total);
            // The order of the statement, kept in the view.
            let rank: HashMap<uuid::Uuid, usize> = roots
                .iter()
                .enumerate()
                .map(|(i, r)| (r.row.id, i))
                .collect();
            let ids: Vec<uuid::Uuid> = roots.iter().map(|r| r.row.id).collect();
            let replies = threads::replies(db, &ids, 1, threads::PAGE_REPLIES + 1).await?;
            let mut shown: HashMap<uuid::Uuid, i64> = HashMap::new();
            let mut totals: HashMap<uuid::Uuid, i64> = HashMap::new();
            for r in &replies {
                if let Some(t) = r.row.thread_id {
                    *shown.entry(t).or_default() += 1;
                    totals.insert(t, r.total);
                }
            }
            let more = totals
                .iter()
                .map(|(t, n)| (*t, n - shown.get(t).copied().unwrap_or(0)))
                .filter(|(_, n)| *n > 0)
                .collect();
            let mut rows: Vec<comment::Model> = roots.into_iter().map(|r| r.row).collect();
            rows.sort_by_key(|r| rank.get(&r.id).copied().unwrap_or(usize::MAX));
            rows.extend(replies.into_iter().map(|r| r.row));
            (rows, total, more)
        }
    };
    let per = if thread.is_some() {
        threads::THREAD_REPLIES
    } else {
        threads::PAGE_THREADS
    };
    let pages = ((total + per - 1) / per).max(1);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let mut comments =
        threads::views_of(state, actor, access, &time_zone, &rows, &more, &[s], false).await?;
    if thread.is_none() {
        // Keep the statement's order of threads (newest, oldest or most replied).
        let order: HashMap<uuid::Uuid, usize> = rows
            .iter()
            .filter(|r| r.parent_id.is_none())
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        let mut current = usize::MAX;
        let mut keyed: Vec<(usize, usize, CommentView)> = comments
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                if v.depth == 0 {
                    current = order.get(&v.id.0).copied().unwrap_or(usize::MAX);
                }
                (current, i, v)
            })
            .collect();
        keyed.sort_by_key(|(t, i, _)| (*t, *i));
        comments = keyed.into_iter().map(|(_, _, v)| v).collect();
    }
    let counts = comment_counts(db, ConsultationId(c.id)).await?;
    let drafts = match actor.person() {
        Some(person) if keeps_text => {
            let own: Vec<CommentId> = comments.iter().filter(|c| c.mine).map(|c| c.id).collect();
            kept_text::drafts_of(db, &state.keyring, person, ConsultationId(c.id), &own).await?
        }
        _ => Vec::new(),
    };
    Ok(SectionComments {
        summary: summary(&c, &time_zone),
        version: version.number,
        section: section_view(s, chapter, counts.get(&s.anchor).copied().unwrap_or(0)),
        comments,
        total,
        page,
        pages,
        sort,
        thread,
        may: permissions(actor, &c, access),
        drafts,
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
    let titles: HashMap<String, String> = responses::section_anchors(db, c.id)
        .await?
        .into_iter()
        .collect();
    let limit_stops = super::fair_use::recent_stops(db, c.id, 50)
        .await?
        .into_iter()
        .map(|hit| LimitStop {
            hour_local: crate::domain::identity::councils::local_time(hit.hour, &tz),
            section: titles.get(&hit.anchor).cloned().unwrap_or(hit.anchor),
            section_cap: super::fair_use::LimitKind::from_code(&hit.kind)
                == Some(super::fair_use::LimitKind::Section),
            count: hit.count,
        })
        .collect();
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
        limit_stops,
        posting: super::fair_use::rules_fields(db, actor).await?,
    })
}
