//! The secretariat's answer queue: every comment to answer, a page at a time, filtered and
//! sorted; near-identical comments ([`super::groups`]) shown and answered as one item, and
//! decisions taken on a selection. Whatever the number of comments, a page is a fixed number
//! of statements and holds [`PAGE`] items. The items' order and the counts are worked out over
//! every comment once per change of the consultation and kept ([`super::aggregates`]); each
//! page then reads only its own items' comments.
//!
//! Answering a group or a selection goes through the same rules as one answer
//! ([`super::responses::answer_rows`]): the answer is recorded on each comment, each gets its
//! own audit entry, and each author their own mail.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Statement, Value,
};
use uuid::Uuid;

use super::aggregates::{self, Aggregate, QueueRow};
use super::entities::{comment, section};
use super::threads::ViewContext;
use super::{access, responses, store};
use crate::domain::{Actor, AppState};
use crate::model::AppError;
use crate::model::comment::{
    AnswerQueue, Attribution, CommentKind, CommentStatus, QueueFilter, QueueItem, QueueSort,
    ResponseFields,
};
use crate::model::ids::{CommentId, ConsultationId, CouncilId};

/// Items per page.
pub const PAGE: i64 = 25;

/// The longest search text kept.
const MAX_SEARCH_CHARS: usize = 200;

/// The filters as understood: unknown values cleared, the page at least 1.
pub fn normalise(filter: &QueueFilter, sections: &[(String, String)]) -> QueueFilter {
    let keep = |value: &str, known: &[&str]| {
        if known.contains(&value) {
            value.to_owned()
        } else {
            String::new()
        }
    };
    let kinds: Vec<&str> = CommentKind::ALL.iter().map(|k| k.code()).collect();
    let attributions: Vec<&str> = Attribution::ALL.iter().map(|a| a.code()).collect();
    let anchors: Vec<&str> = sections.iter().map(|(a, _)| a.as_str()).collect();
    let sort = QueueSort::from_code(&filter.sort);
    QueueFilter {
        section: keep(&filter.section, &anchors),
        kind: keep(&filter.kind, &kinds),
        attribution: keep(&filter.attribution, &attributions),
        answered: keep(&filter.answered, &["no", "yes"]),
        hidden: keep(&filter.hidden, &["only", "with"]),
        wording: keep(&filter.wording, &["on"]),
        q: filter.q.trim().chars().take(MAX_SEARCH_CHARS).collect(),
        sort: if sort == QueueSort::default() {
            String::new()
        } else {
            sort.code().to_owned()
        },
        page: filter.page.max(1),
    }
}

/// What the queue's text search looks in: a comment's text and proposed wording, in lower
/// case (Unicode: SQLite's `LOWER` would fold ASCII letters only). Stored with the comment
/// (`search_text`) when it is written or edited.
pub fn search_text(body: &str, proposal: Option<&str>) -> String {
    let mut text = body.to_lowercase();
    if let Some(p) = proposal.filter(|p| !p.is_empty()) {
        text.push('\n');
        text.push_str(&p.to_lowercase());
    }
    text
}

/// A statement with `?` placeholders, numbered for PostgreSQL.
fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = if backend == sea_orm::DatabaseBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for ch in sql.chars() {
            if ch == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The `WHERE` of the queue's statements for `filter` (comment `c`, answer `r`).
fn conditions(consultation: Uuid, filter: &QueueFilter) -> (String, Vec<Value>) {
    let mut sql = vec!["c.consultation_id = ?".to_owned()];
    let mut values: Vec<Value> = vec![consultation.into()];
    match filter.hidden.as_str() {
        "only" => sql.push(format!("c.status = '{}'", CommentStatus::Hidden.code())),
        "with" => sql.push(format!("c.status <> '{}'", CommentStatus::Withdrawn.code())),
        _ => sql.push(format!("c.status = '{}'", CommentStatus::Visible.code())),
    }
    for (column, value) in [
        ("c.anchor", &filter.section),
        ("c.kind", &filter.kind),
        ("c.attribution", &filter.attribution),
    ] {
        if !value.is_empty() {
            sql.push(format!("{column} = ?"));
            values.push(value.clone().into());
        }
    }
    match filter.answered.as_str() {
        "no" => sql.push("r.comment_id IS NULL".to_owned()),
        "yes" => sql.push("r.comment_id IS NOT NULL".to_owned()),
        _ => {}
    }
    if filter.wording == "on" {
        sql.push("c.proposal IS NOT NULL AND c.proposal <> ''".to_owned());
    }
    if !filter.q.is_empty() {
        let escaped: String = filter
            .q
            .to_lowercase()
            .chars()
            .flat_map(|ch| match ch {
                '%' | '_' | '\\' => vec!['\\', ch],
                _ => vec![ch],
            })
            .collect();
        let pattern = format!("%{escaped}%");
        sql.push("c.search_text LIKE ? ESCAPE '\\'".to_owned());
        values.push(pattern.into());
    }
    (sql.join(" AND "), values)
}

#[derive(Debug, FromQueryResult)]
struct ItemRow {
    item: Uuid,
    size: i64,
    unanswered: i64,
}

/// One page of the queue.
pub async fn page(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    filter: &QueueFilter,
) -> Result<AnswerQueue, AppError> {
    let db = &state.db;
    let c = access::managed(db, actor, id).await?;
    let tz = store::time_zone(db, CouncilId(c.council_id)).await?;
    // The whole page, kept while nothing it shows changed: the revision covers comments,
    // answers and the draft; the rest of the key is who reads it, in which time zone, how.
    let kept = aggregates::Key {
        consultation: c.id,
        revision: c.revision,
        what: format!(
            "page|{tz}|{}|{}",
            actor.person().map(|p| p.0.to_string()).unwrap_or_default(),
            filter.query()
        ),
    };
    if let Some(Aggregate::Page(page)) = state.aggregates.get(&kept) {
        return Ok((*page).clone());
    }
    let sections = responses::section_anchors(db, c.id).await?;
    let filter = normalise(filter, &sections);
    let (filters, values) = conditions(c.id, &filter);
    let order = match QueueSort::from_code(&filter.sort) {
        QueueSort::Reading => {
            "CASE WHEN unanswered > 0 THEN 0 ELSE 1 END, reading_pos, first_at, item"
        }
        QueueSort::Oldest => "first_at, item",
        QueueSort::Newest => "last_at DESC, item",
        QueueSort::Largest => "size DESC, reading_pos, first_at, item",
    };
    // Every item in order, kept while the consultation is unchanged: the grouping reads
    // every comment, a page only its slice.
    let key = aggregates::Key {
        consultation: c.id,
        revision: c.revision,
        what: format!(
            "queue{}",
            QueueFilter {
                page: 1,
                ..filter.clone()
            }
            .query()
        ),
    };
    let all = if let Some(Aggregate::Queue(rows)) = state.aggregates.get(&key) {
        rows
    } else {
        let sql = format!(
            "SELECT item, size, unanswered FROM ( \
               SELECT COALESCE(c.group_id, c.id) AS item, COUNT(*) AS size, \
                 SUM(CASE WHEN r.comment_id IS NULL THEN 1 ELSE 0 END) AS unanswered, \
                 MIN(c.created_at) AS first_at, MAX(c.created_at) AS last_at, \
                 MIN(s.position) AS reading_pos \
               FROM comment c \
               LEFT JOIN response r ON r.comment_id = c.id \
               LEFT JOIN section s ON s.id = c.section_id \
               WHERE {filters} \
               GROUP BY COALESCE(c.group_id, c.id)) AS grouped \
             ORDER BY {order}"
        );
        let rows: Vec<QueueRow> = ItemRow::find_by_statement(statement(db, &sql, values.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| QueueRow {
                item: r.item,
                size: r.size,
                unanswered: r.unanswered,
            })
            .collect();
        let rows = std::sync::Arc::new(rows);
        state.aggregates.put(key, Aggregate::Queue(rows.clone()));
        rows
    };
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let pages = ((total + PAGE - 1) / PAGE).max(1);
    if filter.page > pages && filter.page > 1 {
        return Err(AppError::NotFound);
    }
    let from = usize::try_from((filter.page - 1) * PAGE).unwrap_or(usize::MAX);
    let items: Vec<QueueRow> = all
        .iter()
        .skip(from)
        .take(usize::try_from(PAGE).unwrap_or(usize::MAX))
        .copied()
        .collect();
    // Each item's first comment (matching the filters). The page's members are found by key
    // first (primary key, group index) and kept apart (MATERIALIZED), so neither database
    // walks the consultation's comments for them; the window then sorts only those, and the
    // chosen rows are read by primary key.
    let firsts: Vec<comment::Model> = if items.is_empty() {
        Vec::new()
    } else {
        let keys = vec!["?"; items.len()].join(", ");
        // The columns the filters and the window use.
        let columns = "id, group_id, created_at, consultation_id, status, anchor, kind, \
                       attribution, proposal, search_text";
        let sql = format!(
            "WITH members AS MATERIALIZED ( \
               SELECT {columns} FROM comment WHERE id IN ({keys}) \
               UNION SELECT {columns} FROM comment WHERE group_id IN ({keys})) \
             SELECT * FROM comment WHERE id IN (SELECT id FROM ( \
               SELECT c.id, ROW_NUMBER() OVER (PARTITION BY COALESCE(c.group_id, c.id) \
                 ORDER BY c.created_at, c.id) AS rn \
               FROM members c LEFT JOIN response r ON r.comment_id = c.id \
               WHERE {filters} AND COALESCE(c.group_id, c.id) IN ({keys})) AS firsts \
             WHERE rn = 1)"
        );
        let key_values = || items.iter().map(|i| Value::from(i.item));
        let mut ordered: Vec<Value> = key_values().chain(key_values()).collect();
        ordered.extend(values);
        ordered.extend(key_values());
        comment::Model::find_by_statement(statement(db, &sql, ordered))
            .all(db)
            .await?
    };
    let ctx = ViewContext::load(db, &firsts, &tz, true, actor.person()).await?;
    let section_rows: HashMap<Uuid, section::Model> = if firsts.is_empty() {
        HashMap::new()
    } else {
        section::Entity::find()
            .filter(section::Column::Id.is_in(firsts.iter().map(|f| f.section_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let by_key: HashMap<Uuid, &comment::Model> = firsts
        .iter()
        .map(|f| (f.group_id.unwrap_or(f.id), f))
        .collect();
    let list = items
        .iter()
        .filter_map(|item| {
            let row = by_key.get(&item.item)?;
            let s = section_rows.get(&row.section_id);
            let view = ctx.view(&state.keyring, row, s.map(|s| s.body.as_str()), 0)?;
            Some(QueueItem {
                section_title: s.map_or_else(|| row.anchor.clone(), store::section_title),
                anchor: row.anchor.clone(),
                comment: view,
                group: row.group_id.map(CommentId),
                size: item.size,
                unanswered: item.unanswered,
            })
        })
        .collect();
    let (comments, unanswered) = responses::counts_kept(state, &c).await?;
    let page = AnswerQueue {
        consultation: id,
        title: c.title,
        comments,
        unanswered,
        filter,
        total,
        pages,
        items: list,
        sections,
        revision: c.revision,
        time_zone: tz,
        reader: actor.person(),
    };
    state
        .aggregates
        .put(kept, Aggregate::Page(std::sync::Arc::new(page.clone())));
    Ok(page)
}

/// The visible comments of the items `keys` (comment or group ids) of `consultation`.
async fn members(
    db: &impl ConnectionTrait,
    consultation: Uuid,
    keys: &[Uuid],
) -> Result<Vec<comment::Model>, AppError> {
    let mut rows = Vec::new();
    for chunk in keys.chunks(200) {
        rows.extend(
            comment::Entity::find()
                .filter(comment::Column::ConsultationId.eq(consultation))
                .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
                .filter(
                    sea_orm::Condition::any()
                        .add(comment::Column::Id.is_in(chunk.to_vec()))
                        .add(comment::Column::GroupId.is_in(chunk.to_vec())),
                )
                .all(db)
                .await?,
        );
    }
    rows.sort_by_key(|r| r.id);
    rows.dedup_by_key(|r| r.id);
    Ok(rows)
}

/// Answers a whole group of near-identical comments at once (or a single comment, when
/// `item` is one): the answer is recorded on every visible comment of the group. Returns how
/// many were answered.
pub async fn answer_item(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    item: CommentId,
    fields: &ResponseFields,
) -> Result<usize, AppError> {
    let db = &state.db;
    let c = access::managed(db, actor, id).await?;
    let rows = members(db, c.id, &[item.0]).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let group = rows
        .iter()
        .find_map(|r| r.group_id)
        .filter(|g| *g == item.0);
    responses::answer_rows(state, actor, &c, &rows, fields, group).await
}

/// One decision on a selection of items (comments and groups): every visible comment of each
/// gets the answer, each audited. Returns how many were answered.
pub async fn answer_selection(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    items: &[CommentId],
    fields: &ResponseFields,
) -> Result<usize, AppError> {
    let db = &state.db;
    let c = access::managed(db, actor, id).await?;
    if items.is_empty() {
        return Err(AppError::invalid(
            "items",
            crate::model::InputProblem::Required,
        ));
    }
    let keys: Vec<Uuid> = items.iter().map(|i| i.0).collect();
    let rows = members(db, c.id, &keys).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    responses::answer_rows(state, actor, &c, &rows, fields, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_filters_are_cleared() {
        let sections = vec![("art-1".to_owned(), "Article 1".to_owned())];
        let f = normalise(
            &QueueFilter {
                section: "art-9".into(),
                kind: "wording".into(),
                attribution: "x".into(),
                answered: "no".into(),
                hidden: "all".into(),
                wording: "on".into(),
                q: format!("  {}  ", "a".repeat(300)),
                sort: "largest".into(),
                page: -3,
            },
            &sections,
        );
        assert_eq!(f.section, "");
        assert_eq!(f.kind, "wording");
        assert_eq!(f.attribution, "");
        assert_eq!(f.answered, "no");
        assert_eq!(f.hidden, "");
        assert_eq!(f.q.chars().count(), MAX_SEARCH_CHARS);
        assert_eq!(f.sort, "largest");
        assert_eq!(f.page, 1);
        assert_eq!(normalise(&QueueFilter::default(), &sections).query(), "");
    }

    #[test]
    fn search_text_folds_every_letter() {
        assert_eq!(
            search_text("ЗАКОН über Ärzte", Some("Ωmega")),
            "закон über ärzte\nωmega"
        );
        assert_eq!(search_text("Body", Some("")), "body");
    }

    #[test]
    fn search_text_is_escaped() {
        let (sql, values) = conditions(
            Uuid::nil(),
            &QueueFilter {
                q: "100%_sure".into(),
                ..Default::default()
            },
        );
        assert!(sql.contains("LIKE ? ESCAPE"));
        assert_eq!(values.len(), 2);
        assert_eq!(values[1], Value::from("%100\\%\\_sure%".to_owned()));
    }
}
