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
            more_replies: 0,
        })
    }
}

/// Orders comments as threads: each top-level comment followed by its replies (depth first),
/// oldest first among replies; top-level comments newest first when `newest_first`.
/// Returns (row index, depth).
pub fn thread_order(rows: &[comment::Model], newest_first: bool) -> Vec<(usize, i32)> {
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
    if newest_first && let Some(roots) = children.get_mut(&None) {
        roots.reverse();
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

/// Top-level threads per section shown in a chapter (the newest).
pub const CHAPTER_THREADS: i64 = 5;
/// Replies per thread shown in a chapter (the oldest); the rest on the section's page.
pub const CHAPTER_REPLIES: i64 = 3;
/// Top-level threads per page of a section's comments.
pub const PAGE_THREADS: i64 = 20;
/// Replies per thread on a page of a section's comments.
pub const PAGE_REPLIES: i64 = 10;
/// Replies per page of one thread.
pub const THREAD_REPLIES: i64 = 50;

/// A comment row with figures computed by the statement that read it.
pub(super) struct Ranked {
    /// The row.
    pub row: comment::Model,
    /// Rows in its window (threads of its section, or replies of its thread).
    pub total: i64,
}

impl sea_orm::FromQueryResult for Ranked {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            row: comment::Model::from_query_result(row, pre)?,
            total: row.try_get(pre, "total")?,
        })
    }
}

/// Comments that take a place in a list: not withdrawn, or withdrawn but holding replies.
fn listed() -> sea_orm::Condition {
    use sea_orm::sea_query::Expr;
    sea_orm::Condition::any()
        .add(comment::Column::Status.ne(CommentStatus::Withdrawn.code()))
        .add(Expr::cust(
            "EXISTS (SELECT 1 FROM comment AS child WHERE child.parent_id = comment.id)",
        ))
}

/// Runs `inner` (a select of comment ids with a window figure `total` and a rank `rn`) and
/// reads the comments ranked `from..to` (1-based, `to` exclusive). The window sorts ids only
/// and the kept rows are read by primary key: sorting whole rows (texts and all) of a
/// paragraph with thousands of comments made SQLite hold megabytes per connection.
async fn ranked(
    db: &impl ConnectionTrait,
    inner: sea_orm::sea_query::SelectStatement,
    from: i64,
    to: i64,
) -> Result<Vec<Ranked>, AppError> {
    use sea_orm::FromQueryResult as _;
    use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait as _, JoinType, Query};
    let ranked = Alias::new("ranked");
    let outer = Query::select()
        .column((comment::Entity, Asterisk))
        .column((ranked.clone(), Alias::new("total")))
        .from(comment::Entity)
        .join_subquery(
            JoinType::InnerJoin,
            inner,
            ranked.clone(),
            Expr::col((ranked.clone(), comment::Column::Id))
                .equals((comment::Entity, comment::Column::Id)),
        )
        .and_where(Expr::col((ranked.clone(), Alias::new("rn"))).gte(from))
        .and_where(Expr::col((ranked, Alias::new("rn"))).lt(to))
        .to_owned();
    let statement = db.get_database_backend().build(&outer);
    Ok(Ranked::find_by_statement(statement).all(db).await?)
}

/// The order of a section's threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadOrder {
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
    /// Most replies first.
    Replies,
}

impl ThreadOrder {
    fn sql(self) -> &'static str {
        match self {
            Self::Newest => "created_at DESC, id DESC",
            Self::Oldest => "created_at ASC, id ASC",
            Self::Replies => {
                "(SELECT COUNT(*) FROM comment AS reply WHERE reply.thread_id = comment.id \
                 AND reply.parent_id IS NOT NULL) DESC, created_at DESC, id DESC"
            }
        }
    }
}

/// Top-level comments of `anchors`, ranked per section (hidden ones apart, so they never take
/// the place of visible ones), ranks `from..to` of each section.
pub(super) async fn roots(
    db: &impl ConnectionTrait,
    consultation: Uuid,
    anchors: &[String],
    order: ThreadOrder,
    from: i64,
    to: i64,
) -> Result<Vec<Ranked>, AppError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{QuerySelect as _, QueryTrait as _};
    let partition = "PARTITION BY anchor, CASE WHEN status = 'hidden' THEN 1 ELSE 0 END";
    let inner = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(consultation))
        .filter(comment::Column::Anchor.is_in(anchors.to_vec()))
        .filter(comment::Column::ParentId.is_null())
        .filter(listed())
        .select_only()
        .column(comment::Column::Id)
        .expr_as(
            Expr::cust(format!(
                "ROW_NUMBER() OVER ({partition} ORDER BY {})",
                order.sql()
            )),
            "rn",
        )
        .expr_as(Expr::cust(format!("COUNT(*) OVER ({partition})")), "total")
        .into_query();
    ranked(db, inner, from, to).await
}

/// Replies of the threads `roots`, oldest first, ranks `from..to` of each thread.
pub(super) async fn replies(
    db: &impl ConnectionTrait,
    roots: &[Uuid],
    from: i64,
    to: i64,
) -> Result<Vec<Ranked>, AppError> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{QuerySelect as _, QueryTrait as _};
    if roots.is_empty() {
        return Ok(Vec::new());
    }
    let inner = comment::Entity::find()
        .filter(comment::Column::ThreadId.is_in(roots.to_vec()))
        .filter(comment::Column::ParentId.is_not_null())
        .filter(listed())
        .select_only()
        .column(comment::Column::Id)
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (PARTITION BY thread_id ORDER BY created_at, id)"),
            "rn",
        )
        .expr_as(
            Expr::cust("COUNT(*) OVER (PARTITION BY thread_id)"),
            "total",
        )
        .into_query();
    ranked(db, inner, from, to).await
}

/// Turns rows (top-level comments in the order given, each followed by its replies) into the
/// views `actor` may see. `more` gives, per top-level comment, how many of its replies are
/// not among the rows.
#[expect(
    clippy::too_many_arguments,
    reason = "a reader, their access, the rows and how to show them"
)]
pub(super) async fn views_of(
    state: &AppState,
    actor: &Actor,
    access: Access,
    time_zone: &str,
    rows: &[comment::Model],
    more: &HashMap<Uuid, i64>,
    sections: &[&section::Model],
    newest_first: bool,
) -> Result<Vec<CommentView>, AppError> {
    let db = &state.db;
    let ctx = ViewContext::load(db, rows, time_zone, access.manage, actor.person()).await?;
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
    let mut ordered = thread_order(rows, newest_first);
    ordered.sort_by_key(|&(i, _)| {
        position
            .get(rows[i].anchor.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    let mut views = Vec::with_capacity(ordered.len());
    for (i, depth) in ordered {
        let row = &rows[i];
        let body = bodies.get(row.anchor.as_str()).copied();
        if let Some(mut view) = ctx.view(&state.keyring, row, body, depth) {
            // The reader's own comment points at the section of the newest version they read.
            if let Some(s) = sections.iter().find(|s| s.anchor == row.anchor) {
                view.section = SectionId(s.id);
            }
            view.more_replies = more.get(&row.id).copied().unwrap_or(0);
            views.push(view);
        }
    }
    Ok(views)
}

/// A chapter's comments as `actor` may see them: per section the newest
/// [`CHAPTER_THREADS`] threads with their first [`CHAPTER_REPLIES`] replies. Also returns,
/// per section anchor, how many visible threads it has in all. Five statements, whatever
/// the number of comments.
pub async fn for_chapter(
    state: &AppState,
    actor: &Actor,
    c: &consultation::Model,
    access: Access,
    time_zone: &str,
    anchors: &[String],
    sections: &[&section::Model],
) -> Result<(Vec<CommentView>, HashMap<String, i64>), AppError> {
    let db = &state.db;
    let roots = roots(
        db,
        c.id,
        anchors,
        ThreadOrder::Newest,
        1,
        CHAPTER_THREADS + 1,
    )
    .await?;
    let mut threads: HashMap<String, i64> = HashMap::new();
    for r in &roots {
        if r.row.status != CommentStatus::Hidden.code() {
            threads.insert(r.row.anchor.clone(), r.total);
        }
    }
    let root_ids: Vec<Uuid> = roots.iter().map(|r| r.row.id).collect();
    let replies = replies(db, &root_ids, 1, CHAPTER_REPLIES + 1).await?;
    let mut shown: HashMap<Uuid, i64> = HashMap::new();
    let mut totals: HashMap<Uuid, i64> = HashMap::new();
    for r in &replies {
        if let Some(t) = r.row.thread_id {
            *shown.entry(t).or_default() += 1;
            totals.insert(t, r.total);
        }
    }
    let more: HashMap<Uuid, i64> = totals
        .iter()
        .map(|(t, total)| (*t, total - shown.get(t).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let rows: Vec<comment::Model> = roots.into_iter().chain(replies).map(|r| r.row).collect();
    let views = views_of(
        state, actor, access, time_zone, &rows, &more, sections, true,
    )
    .await?;
    Ok((views, threads))
}
