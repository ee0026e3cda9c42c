//! The comment threads a reader sees: comment rows turned into views (author shown as the
//! author chose, answers, change links, hidden comments only for their author and the
//! secretariat), with a fixed number of queries whatever the number of comments.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::access::Access;
use super::authorship::is_author;
use super::entities::{comment, comment_change, consultation, response, section};
use crate::domain::identity::{councils, entities::person};
use crate::domain::platform::crypto::Keyring;
use crate::domain::platform::text::word_diff;
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::comment::{
    Attribution, AuthorLabel, CommentFields, CommentKind, CommentStatus, CommentView, Decision,
    HideReason, ResponseView,
};
use crate::model::ids::{CommentId, PersonId, SectionId};

/// Everything needed to turn comment rows into views for one reader, loaded with a fixed
/// number of queries.
pub struct ViewContext {
    names: HashMap<Uuid, String>,
    responses: HashMap<Uuid, response::Model>,
    changes: HashMap<Uuid, Vec<String>>,
    time_zone: String,
    manage: bool,
    reader: Option<PersonId>,
}

impl ViewContext {
    /// Loads names, answers and change links for `rows`.
    pub async fn load(
        db: &impl ConnectionTrait,
        rows: &[comment::Model],
        time_zone: &str,
        manage: bool,
        reader: Option<PersonId>,
    ) -> Result<Self, AppError> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let authors: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.attribution == Attribution::Named.code())
            .filter_map(|r| r.author_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let names = if authors.is_empty() {
            HashMap::new()
        } else {
            person::Entity::find()
                .filter(person::Column::Id.is_in(authors))
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p.display_name))
                .collect()
        };
        let responses = if ids.is_empty() {
            HashMap::new()
        } else {
            response::Entity::find()
                .filter(response::Column::CommentId.is_in(ids.clone()))
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.comment_id, r))
                .collect()
        };
        let mut changes: HashMap<Uuid, Vec<String>> = HashMap::new();
        if !ids.is_empty() {
            for link in comment_change::Entity::find()
                .filter(comment_change::Column::CommentId.is_in(ids))
                .all(db)
                .await?
            {
                changes
                    .entry(link.comment_id)
                    .or_default()
                    .push(link.anchor);
            }
        }
        Ok(Self {
            names,
            responses,
            changes,
            time_zone: time_zone.to_owned(),
            manage,
            reader,
        })
    }

    /// How the author of `c` is shown.
    pub fn author(&self, c: &comment::Model) -> AuthorLabel {
        match Attribution::from_code(&c.attribution) {
            Some(Attribution::Named) => c
                .author_id
                .and_then(|a| self.names.get(&a).cloned())
                .map_or(AuthorLabel::Anonymous, AuthorLabel::Named),
            Some(Attribution::Pseudonym) => c
                .pseudonym
                .clone()
                .map_or(AuthorLabel::Anonymous, AuthorLabel::Pseudonym),
            _ => AuthorLabel::Anonymous,
        }
    }

    /// The answer to `c`, if any.
    pub fn response(&self, c: &comment::Model) -> Option<ResponseView> {
        self.responses.get(&c.id).map(|r| ResponseView {
            decision: Decision::from_code(&r.decision).unwrap_or(Decision::Noted),
            explanation: r.explanation.clone(),
            answered_local: councils::local_time(r.answered_at, &self.time_zone),
            changed: self.changes.get(&c.id).cloned().unwrap_or_default(),
        })
    }

    /// The raw answer row of `c`.
    pub fn response_row(&self, c: &comment::Model) -> Option<&response::Model> {
        self.responses.get(&c.id)
    }

    /// The view of `c` for this reader; `None` when the reader may not see it.
    pub fn view(
        &self,
        keyring: &Keyring,
        c: &comment::Model,
        section_body: Option<&str>,
        depth: i32,
    ) -> Option<CommentView> {
        let status = CommentStatus::from_code(&c.status).unwrap_or(CommentStatus::Hidden);
        let mine = self.reader.is_some_and(|p| is_author(keyring, p, c));
        let shown = match status {
            CommentStatus::Visible => true,
            CommentStatus::Hidden => mine || self.manage,
            CommentStatus::Withdrawn => true,
        };
        if !shown {
            return None;
        }
        let withdrawn = status == CommentStatus::Withdrawn;
        let author_may_see = mine || self.manage;
        Some(CommentView {
            id: CommentId(c.id),
            section: SectionId(c.section_id),
            parent: c.parent_id.map(CommentId),
            kind: CommentKind::from_code(&c.kind).unwrap_or(CommentKind::Comment),
            body_html: if withdrawn {
                String::new()
            } else {
                c.body_html.clone()
            },
            quote: c.quote.clone().filter(|_| !withdrawn),
            proposal: c
                .proposal
                .as_deref()
                .filter(|_| !withdrawn)
                .map(|p| word_diff(section_body.unwrap_or(""), p)),
            author: if withdrawn {
                AuthorLabel::Anonymous
            } else {
                self.author(c)
            },
            mine,
            status,
            hidden_reason: c
                .hidden_reason
                .as_deref()
                .and_then(HideReason::from_code)
                .filter(|_| author_may_see),
            hidden_note: c.hidden_note.clone().filter(|_| author_may_see),
            created_local: councils::local_time(c.created_at, &self.time_zone),
            edited: c.updated_at > c.created_at + chrono::Duration::seconds(1),
            response: self.response(c),
            own_fields: mine.then(|| CommentFields {
                kind: c.kind.clone(),
                body: c.body.clone(),
                quote: c.quote.clone().unwrap_or_default(),
                proposal: c.proposal.clone().unwrap_or_default(),
                attribution: c.attribution.clone(),
                consent: None,
            }),
            version: c.version_number,
            depth,
        })
    }
}

/// Orders comments as threads: each top-level comment followed by its replies (depth first),
/// oldest first at every level. Returns (row index, depth).
pub fn thread_order(rows: &[comment::Model]) -> Vec<(usize, i32)> {
    let ids: HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut children: HashMap<Option<Uuid>, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        // A reply whose parent is not in the set shows as top level rather than vanishing.
        let parent = r.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by_key(|&i| (rows[i].created_at, rows[i].id));
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(usize, i32)> = children
        .get(&None)
        .map(|l| l.iter().rev().map(|&i| (i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        out.push((i, depth));
        if let Some(kids) = children.get(&Some(rows[i].id)) {
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
    }
    out
}

/// The comments on the given anchors (all versions), threaded, as `actor` may see them.
pub async fn for_anchors(
    state: &AppState,
    actor: &Actor,
    c: &consultation::Model,
    access: Access,
    time_zone: &str,
    anchors: &[String],
    sections: &[&section::Model],
) -> Result<Vec<CommentView>, AppError> {
    let db = &state.db;
    let rows = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Anchor.is_in(anchors.to_vec()))
        .all(db)
        .await?;
    let ctx = ViewContext::load(db, &rows, time_zone, access.manage, actor.person()).await?;
    let bodies: HashMap<&str, &str> = sections
        .iter()
        .map(|s| (s.anchor.as_str(), s.body.as_str()))
        .collect();
    // Comments follow the reading order of their sections.
    let position: HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.anchor.as_str(), i))
        .collect();
    let mut ordered = thread_order(&rows);
    ordered.sort_by_key(|&(i, _)| {
        position
            .get(rows[i].anchor.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    // Withdrawn comments stay only as placeholders that hold replies.
    let parents: HashSet<Uuid> = rows.iter().filter_map(|r| r.parent_id).collect();
    let mut views = Vec::with_capacity(ordered.len());
    for (i, depth) in ordered {
        let row = &rows[i];
        if row.status == CommentStatus::Withdrawn.code() && !parents.contains(&row.id) {
            continue;
        }
        let body = bodies.get(row.anchor.as_str()).copied();
        if let Some(mut view) = ctx.view(&state.keyring, row, body, depth) {
            // The reader's own comment points at the section of the newest version they read.
            if let Some(s) = sections.iter().find(|s| s.anchor == row.anchor) {
                view.section = SectionId(s.id);
            }
            views.push(view);
        }
    }
    Ok(views)
}
