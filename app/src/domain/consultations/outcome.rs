//! What came of a consultation: the difference between versions (each change with the
//! comments that led to it), the "you said, we did" report (page, CSV, print, public), and the
//! accountability figures.

use crate::domain::platform::text::csv_safe;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::access;
use super::access::phase_of;
use super::aggregates::{self, Aggregate};
use super::entities::comment;
use super::entities::comment_change;
use super::entities::consultation;
use super::entities::draft_version;
use super::entities::response;
use super::entities::section;
use super::store;
use super::threads::ViewContext;
use crate::domain::Actor;
use crate::domain::AppState;
use crate::domain::platform::consent::{self, ConsentPurpose};
use crate::domain::platform::text::word_diff;
use crate::model::AppError;
use crate::model::comment::{
    Attribution, AuthorLabel, CommentKind, CommentStatus, Decision, DiffPart,
};
use crate::model::consultation::{
    Figures, LinkedComment, OutcomeReport, Phase, ReportComment, ReportSection, SectionDiff,
    VersionDiff,
};
use crate::model::ids::{CommentId, ConsultationId, CouncilId, VersionId};

async fn version(
    db: &impl ConnectionTrait,
    consultation: Uuid,
    number: i32,
) -> Result<draft_version::Model, AppError> {
    draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(consultation))
        .filter(draft_version::Column::Number.eq(number))
        .filter(draft_version::Column::PublishedAt.is_not_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

fn text_of(s: &section::Model) -> String {
    [s.number.as_str(), s.heading.as_str(), s.body.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Pairs the sections of two versions by anchor, in the newer version's order with removed
/// sections where they stood: (anchor, old, new).
fn pair<'a>(
    old: &'a [section::Model],
    new: &'a [section::Model],
) -> Vec<(
    String,
    Option<&'a section::Model>,
    Option<&'a section::Model>,
)> {
    let old_by_anchor: HashMap<&str, &section::Model> =
        old.iter().map(|s| (s.anchor.as_str(), s)).collect();
    let new_anchors: HashSet<&str> = new.iter().map(|s| s.anchor.as_str()).collect();
    let mut out = Vec::new();
    let mut old_iter = old.iter().peekable();
    for s in new {
        // Removed sections that came before this one in the old order go first.
        while let Some(o) = old_iter.peek() {
            if new_anchors.contains(o.anchor.as_str()) {
                if o.anchor == s.anchor {
                    old_iter.next();
                }
                break;
            }
            out.push((o.anchor.clone(), Some(*o), None));
            old_iter.next();
        }
        out.push((
            s.anchor.clone(),
            old_by_anchor.get(s.anchor.as_str()).copied(),
            Some(s),
        ));
    }
    for o in old_iter {
        if !new_anchors.contains(o.anchor.as_str()) {
            out.push((o.anchor.clone(), Some(o), None));
        }
    }
    out
}

fn change_of(
    old: Option<&section::Model>,
    new: Option<&section::Model>,
) -> (&'static str, Vec<DiffPart>) {
    match (old, new) {
        (None, Some(n)) => ("added", vec![DiffPart::Added(text_of(n))]),
        (Some(o), None) => ("removed", vec![DiffPart::Removed(text_of(o))]),
        (Some(o), Some(n)) => {
            let (a, b) = (text_of(o), text_of(n));
            if a == b {
                ("same", vec![DiffPart::Same(b)])
            } else {
                ("changed", word_diff(&a, &b))
            }
        }
        (None, None) => ("same", Vec::new()),
    }
}

fn excerpt(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.iter().take(24).copied().collect::<Vec<_>>().join(" ");
    if words.len() > 24 {
        out.push_str(" …");
    }
    out
}

/// The difference between two published versions, section by section, with the comments the
/// secretariat linked to each change.
pub async fn diff(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
    from: i32,
    to: i32,
) -> Result<VersionDiff, AppError> {
    let db = &state.db;
    let (c, access) = access::readable(db, actor, id).await?;
    let tz = store::time_zone(db, CouncilId(c.council_id)).await?;
    let (from, to) = (from.min(to), from.max(to));
    let old = store::sections_of(db, VersionId(version(db, c.id, from).await?.id)).await?;
    let new = store::sections_of(db, VersionId(version(db, c.id, to).await?.id)).await?;
    let links = comment_change::Entity::find()
        .filter(comment_change::Column::ConsultationId.eq(c.id))
        .all(db)
        .await?;
    let linked_ids: Vec<Uuid> = links.iter().map(|l| l.comment_id).collect();
    let rows = comment::Entity::find()
        .filter(comment::Column::Id.is_in(linked_ids))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .all(db)
        .await?;
    let ctx = ViewContext::load(db, &rows, &tz, access.manage, actor.person()).await?;
    let by_id: HashMap<Uuid, &comment::Model> = rows.iter().map(|r| (r.id, r)).collect();
    let mut per_anchor: HashMap<&str, Vec<LinkedComment>> = HashMap::new();
    for link in &links {
        if let Some(r) = by_id.get(&link.comment_id) {
            per_anchor
                .entry(link.anchor.as_str())
                .or_default()
                .push(LinkedComment {
                    id: CommentId(r.id),
                    excerpt: excerpt(if r.body.is_empty() {
                        r.proposal.as_deref().unwrap_or("")
                    } else {
                        &r.body
                    }),
                    decision: ctx
                        .response_row(r)
                        .and_then(|x| Decision::from_code(&x.decision)),
                    author: ctx.author(r),
                });
        }
    }
    let sections = pair(&old, &new)
        .into_iter()
        .map(|(anchor, o, n)| {
            let (change, parts) = change_of(o, n);
            let title = n.or(o).map(store::section_title).unwrap_or_default();
            let comments = if change == "same" {
                Vec::new()
            } else {
                per_anchor.remove(anchor.as_str()).unwrap_or_default()
            };
            SectionDiff {
                anchor,
                title,
                change: change.to_owned(),
                parts,
                comments,
            }
        })
        .collect();
    Ok(VersionDiff {
        summary: store::summary(&c, &tz),
        versions: store::published_numbers(db, ConsultationId(c.id)).await?,
        from,
        to,
        sections,
    })
}

/// The accountability figures of one consultation, counted in the database (a consultation
/// of any size reads two numbers per answer, never the comments' text).
pub async fn figures(
    db: &impl ConnectionTrait,
    c: &consultation::Model,
) -> Result<Figures, AppError> {
    use sea_orm::{PaginatorTrait as _, QuerySelect as _};
    let received = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .count(db)
        .await?;
    let of_comment: sea_orm::RelationDef = response::Entity::belongs_to(comment::Entity)
        .from(response::Column::CommentId)
        .to(comment::Column::Id)
        .into();
    let answers: Vec<(
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        String,
    )> = response::Entity::find()
        .select_only()
        .column(comment::Column::CreatedAt)
        .column(response::Column::AnsweredAt)
        .column(response::Column::Decision)
        .join(sea_orm::JoinType::InnerJoin, of_comment)
        .filter(response::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .into_tuple()
        .all(db)
        .await?;
    let received = i64::try_from(received).unwrap_or(i64::MAX);
    let answered = i64::try_from(answers.len()).unwrap_or(i64::MAX);
    let mut hours: Vec<f64> = answers
        .iter()
        .map(|(created, answered_at, _)| {
            let seconds = (*answered_at - *created).num_seconds().max(0);
            // Seconds to hours; precision far beyond what the page shows.
            #[expect(clippy::cast_precision_loss, reason = "hours need no 53-bit precision")]
            let h = seconds as f64 / 3600.0;
            h
        })
        .collect();
    hours.sort_by(f64::total_cmp);
    let median = match hours.len() {
        0 => None,
        n if n % 2 == 1 => hours.get(n / 2).copied(),
        n => match (hours.get(n / 2 - 1), hours.get(n / 2)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        },
    };
    let accepted = answers
        .iter()
        .filter(|(_, _, d)| Decision::from_code(d).is_some_and(Decision::accepted))
        .count();
    let accepted = i64::try_from(accepted).unwrap_or(i64::MAX);
    let pct = |part: i64, whole: i64| {
        if whole == 0 {
            0
        } else {
            (part * 100 + whole / 2) / whole
        }
    };
    let versions = draft_version::Entity::find()
        .filter(draft_version::Column::ConsultationId.eq(c.id))
        .filter(draft_version::Column::PublishedAt.is_not_null())
        .order_by_asc(draft_version::Column::Number)
        .all(db)
        .await?;
    let sections_changed = match (versions.first(), versions.last()) {
        (Some(first), Some(last)) if first.id != last.id => {
            let old = store::sections_of(db, VersionId(first.id)).await?;
            let new = store::sections_of(db, VersionId(last.id)).await?;
            let changed = pair(&old, &new)
                .into_iter()
                .filter(|(_, o, n)| change_of(*o, *n).0 != "same")
                .count();
            i64::try_from(changed).unwrap_or(i64::MAX)
        }
        _ => 0,
    };
    Ok(Figures {
        received,
        answered,
        answered_pct: pct(answered, received),
        median_hours_to_answer: median.map(|h| (h * 10.0).round() / 10.0),
        accepted_pct: pct(accepted, answered),
        sections_changed,
    })
}

/// Comments on one page of the report as a page.
pub const REPORT_PAGE: u64 = 50;

/// Comments read at a time by a streamed export (CSV, print).
const STREAM_PAGE: u64 = 500;

/// A section as the report knows it before reading its comments.
#[derive(Debug, Clone)]
struct Head {
    anchor: String,
    title: String,
    change: Vec<DiffPart>,
    changed: bool,
    /// Its comments in the report (visible; in the public report, consenting).
    comments: u64,
}

impl Head {
    /// The places it takes in the report: one per comment, one for a change without any.
    fn places(&self) -> u64 {
        self.comments.max(1)
    }
}

/// A "you said, we did" report opened for reading: whether the reader may read it is settled,
/// and its sections are known with the number of comments on each. Pages of it
/// ([`ReportReader::page`]) and the streamed exports ([`ReportReader::stream`], the CSV and
/// the print view) read the comments a bounded number at a time, whatever their number.
pub struct ReportReader {
    state: AppState,
    consultation: consultation::Model,
    public: bool,
    time_zone: String,
    /// Sections with comments or a change, in the report's order.
    heads: Vec<Head>,
}

impl std::fmt::Debug for ReportReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportReader")
            .field("consultation", &self.consultation.id)
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl ReportReader {
    /// The report for someone signed in who may read it (members once responded, staff once
    /// closed).
    pub async fn open(
        state: &AppState,
        actor: &Actor,
        id: ConsultationId,
    ) -> Result<Self, AppError> {
        let (c, access) = access::readable(&state.db, actor, id).await?;
        if !access::permissions(actor, &c, access).outcome {
            return Err(AppError::NotFound);
        }
        Self::of(state, c, false).await
    }

    /// The public report: no sign-in, only once published as public, only comments whose
    /// authors consent (as they consent now), named only when the author chose to be.
    pub async fn open_public(state: &AppState, id: ConsultationId) -> Result<Self, AppError> {
        let c = consultation::Entity::find_by_id(id.0)
            .one(&state.db)
            .await?
            .filter(|c| phase_of(c) == Phase::OutcomePublished && c.outcome_public)
            .ok_or(AppError::NotFound)?;
        Self::of(state, c, true).await
    }

    async fn of(state: &AppState, c: consultation::Model, public: bool) -> Result<Self, AppError> {
        let db = &state.db;
        let time_zone = store::time_zone(db, CouncilId(c.council_id)).await?;
        let versions = store::published_numbers(db, ConsultationId(c.id)).await?;
        let (first, last) = match (versions.first(), versions.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => return Err(AppError::NotFound),
        };
        let old = store::sections_of(db, VersionId(version(db, c.id, first).await?.id)).await?;
        let new = store::sections_of(db, VersionId(version(db, c.id, last).await?.id)).await?;
        let counts: HashMap<String, i64> = section_counts(state, &c, public)
            .await?
            .iter()
            .cloned()
            .collect();
        let heads = pair(&old, &new)
            .into_iter()
            .filter_map(|(anchor, o, n)| {
                let (change, parts) = change_of(o, n);
                let changed = change != "same";
                let comments = counts
                    .get(&anchor)
                    .map_or(0, |n| u64::try_from(*n).unwrap_or(0));
                (changed || comments > 0).then(|| Head {
                    title: n.or(o).map(store::section_title).unwrap_or_default(),
                    anchor,
                    change: if changed { parts } else { Vec::new() },
                    changed,
                    comments,
                })
            })
            .collect();
        Ok(Self {
            state: state.clone(),
            consultation: c,
            public,
            time_zone,
            heads,
        })
    }

    /// The number of pages of the report as a page (at least one).
    pub fn pages(&self) -> u32 {
        let places: u64 = self.heads.iter().map(Head::places).sum();
        u32::try_from(places.div_ceil(REPORT_PAGE).max(1)).unwrap_or(u32::MAX)
    }

    /// Page `page` (1-based; beyond the last, the last) of the report: the figures, and
    /// [`REPORT_PAGE`] comments in the report's order with their sections.
    pub async fn page(&self, page: u32) -> Result<OutcomeReport, AppError> {
        use sea_orm::QuerySelect as _;
        use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait as _, Order};
        let db = &self.state.db;
        let pages = self.pages();
        let page = page.clamp(1, pages);
        let from = u64::from(page - 1) * REPORT_PAGE;
        let to = from + REPORT_PAGE;
        // The sections this page touches, and how many of each one's comments it shows.
        let mut start = 0;
        let mut touched: Vec<(&Head, u64, u64)> = Vec::new();
        for h in &self.heads {
            let end = start + h.places();
            if end > from && start < to {
                let (skip, take) = if h.comments == 0 {
                    (0, 0)
                } else {
                    (
                        from.saturating_sub(start),
                        Ord::min(end, to) - Ord::max(start, from),
                    )
                };
                touched.push((h, skip, take));
            }
            start = end;
        }
        let with_comments: Vec<&(&Head, u64, u64)> =
            touched.iter().filter(|(_, _, take)| *take > 0).collect();
        let rows = if with_comments.is_empty() {
            Vec::new()
        } else {
            // One statement for the page: the touched sections in the report's order.
            let mut order = CaseStatement::new();
            for (i, (h, _, _)) in with_comments.iter().enumerate() {
                order = order.case(
                    Expr::col(comment::Column::Anchor).eq(h.anchor.clone()),
                    Expr::val(i64::try_from(i).unwrap_or(i64::MAX)),
                );
            }
            let anchors: Vec<String> = with_comments
                .iter()
                .map(|(h, _, _)| h.anchor.clone())
                .collect();
            let skip = with_comments.first().map_or(0, |(_, skip, _)| *skip);
            let take: u64 = with_comments.iter().map(|(_, _, take)| *take).sum();
            visible(self.consultation.id, self.public)
                .filter(comment::Column::Anchor.is_in(anchors))
                .order_by(Into::<Expr>::into(order), Order::Asc)
                .order_by_asc(comment::Column::CreatedAt)
                .order_by_asc(comment::Column::Id)
                .offset(skip)
                .limit(take)
                .all(db)
                .await?
        };
        let mut comments = self.comments_of(&rows).await?.into_iter();
        let sections = touched
            .iter()
            .map(|(h, skip, take)| ReportSection {
                anchor: h.anchor.clone(),
                title: h.title.clone(),
                comments: comments
                    .by_ref()
                    .take(usize::try_from(*take).unwrap_or(usize::MAX))
                    .collect(),
                change: h.change.clone(),
                changed: h.changed,
                continued: *skip > 0,
                total: h.comments,
            })
            .collect();
        Ok(OutcomeReport {
            summary: store::summary(&self.consultation, &self.time_zone),
            public: self.public,
            figures: figures_kept(&self.state, &self.consultation).await?,
            sections,
            page,
            pages,
        })
    }

    /// The report's title and figures, without any section (the start of a streamed export).
    pub async fn front(&self) -> Result<OutcomeReport, AppError> {
        Ok(OutcomeReport {
            summary: store::summary(&self.consultation, &self.time_zone),
            public: self.public,
            figures: figures_kept(&self.state, &self.consultation).await?,
            sections: Vec::new(),
            page: 1,
            pages: self.pages(),
        })
    }

    /// The whole report a part at a time, for the streamed exports.
    pub fn stream(self) -> ReportStream {
        ReportStream {
            reader: self,
            at: 0,
            after: None,
        }
    }

    /// The comments of `rows` as the report shows them: the same for every reader (nobody is
    /// "mine", staff flags do not apply), authors only as they chose to be named.
    async fn comments_of(&self, rows: &[comment::Model]) -> Result<Vec<ReportComment>, AppError> {
        let ctx = ViewContext::load(&self.state.db, rows, &self.time_zone, false, None).await?;
        Ok(rows
            .iter()
            .map(|r| ReportComment {
                kind: CommentKind::from_code(&r.kind).unwrap_or(CommentKind::Comment),
                author: match Attribution::from_code(&r.attribution) {
                    Some(Attribution::Named | Attribution::Pseudonym) => ctx.author(r),
                    _ => AuthorLabel::Anonymous,
                },
                body: r.body.clone(),
                proposal: r.proposal.clone(),
                response: ctx.response(r),
            })
            .collect())
    }
}

/// The report's comments per section anchor. Kept while the consultation is unchanged
/// ([`super::aggregates`]), except in the public report: it counts only consenting authors,
/// and consent is not part of the revision.
async fn section_counts(
    state: &AppState,
    c: &consultation::Model,
    public: bool,
) -> Result<Arc<Vec<(String, i64)>>, AppError> {
    use sea_orm::QuerySelect as _;
    use sea_orm::sea_query::{Expr, ExprTrait as _};
    let key = aggregates::Key {
        consultation: c.id,
        revision: c.revision,
        what: "report-sections".to_owned(),
    };
    if !public && let Some(Aggregate::SectionCounts(counts)) = state.aggregates.get(&key) {
        return Ok(counts);
    }
    let counts = Arc::new(
        visible(c.id, public)
            .select_only()
            .column(comment::Column::Anchor)
            .column_as(Expr::col(comment::Column::Id).count(), "n")
            .group_by(comment::Column::Anchor)
            .into_tuple::<(String, i64)>()
            .all(&state.db)
            .await?,
    );
    if !public {
        state
            .aggregates
            .put(key, Aggregate::SectionCounts(counts.clone()));
    }
    Ok(counts)
}

/// [`figures`], kept while the consultation is unchanged ([`super::aggregates`]; they count
/// every visible comment, the same in the public report).
pub async fn figures_kept(state: &AppState, c: &consultation::Model) -> Result<Figures, AppError> {
    let key = aggregates::Key {
        consultation: c.id,
        revision: c.revision,
        what: "figures".to_owned(),
    };
    if let Some(Aggregate::Figures(figures)) = state.aggregates.get(&key) {
        return Ok(figures);
    }
    let figures = figures(&state.db, c).await?;
    state
        .aggregates
        .put(key, Aggregate::Figures(figures.clone()));
    Ok(figures)
}

/// The comments a report shows: visible ones; in the public report only those whose authors
/// consent now (the ledger's rule, asked in the database).
fn visible(consultation: Uuid, public: bool) -> sea_orm::Select<comment::Entity> {
    let query = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(consultation))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()));
    if public {
        query.filter(consent::given_condition(
            ConsentPurpose::CommentPublicReport,
            "comment",
        ))
    } else {
        query
    }
}

/// A report read from start to end, a part at a time: each part is one section with up to
/// [`STREAM_PAGE`] of its comments (a long section comes in several parts, the later ones
/// `continued`), so an export of any size holds one part in memory.
#[derive(Debug)]
pub struct ReportStream {
    reader: ReportReader,
    /// The section being read, and the last comment read in it (time, id).
    at: usize,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
}

impl ReportStream {
    /// The report's title and figures.
    pub async fn front(&self) -> Result<OutcomeReport, AppError> {
        self.reader.front().await
    }

    /// The next part; `None` at the end.
    pub async fn next_part(&mut self) -> Result<Option<ReportSection>, AppError> {
        use sea_orm::QuerySelect as _;
        let Some(h) = self.reader.heads.get(self.at).cloned() else {
            return Ok(None);
        };
        let continued = self.after.is_some();
        let rows = if h.comments == 0 {
            Vec::new()
        } else {
            let mut query = visible(self.reader.consultation.id, self.reader.public)
                .filter(comment::Column::Anchor.eq(h.anchor.clone()));
            if let Some((at, id)) = self.after {
                query = query.filter(
                    sea_orm::Condition::any()
                        .add(comment::Column::CreatedAt.gt(at))
                        .add(
                            sea_orm::Condition::all()
                                .add(comment::Column::CreatedAt.eq(at))
                                .add(comment::Column::Id.gt(id)),
                        ),
                );
            }
            query
                .order_by_asc(comment::Column::CreatedAt)
                .order_by_asc(comment::Column::Id)
                .limit(STREAM_PAGE)
                .all(&self.reader.state.db)
                .await?
        };
        if rows.len() as u64 == STREAM_PAGE {
            self.after = rows.last().map(|r| (r.created_at, r.id));
        } else {
            self.at += 1;
            self.after = None;
        }
        if rows.is_empty() && continued {
            // The section ended exactly at a page's end: nothing more of it.
            return Box::pin(self.next_part()).await;
        }
        Ok(Some(ReportSection {
            comments: self.reader.comments_of(&rows).await?,
            anchor: h.anchor,
            title: h.title,
            change: h.change,
            changed: h.changed,
            continued,
            total: h.comments,
        }))
    }
}

fn author_cell(a: &AuthorLabel) -> String {
    match a {
        AuthorLabel::Named(n) => n.clone(),
        AuthorLabel::Pseudonym(p) => p.clone(),
        AuthorLabel::Anonymous => "anonymous".to_owned(),
    }
}

/// The columns of the report's CSV.
const CSV_HEADER: [&str; 11] = [
    "section",
    "anchor",
    "section_changed",
    "kind",
    "author",
    "comment",
    "proposed_wording",
    "decision",
    "explanation",
    "answered_at",
    "led_to_change",
];

/// The report as CSV, streamed (one row per comment; a section changed without comments gets
/// one row). [`CsvExport::next_chunk`] gives the next part until there is none.
#[derive(Debug)]
pub struct CsvExport {
    stream: ReportStream,
    header: bool,
}

impl CsvExport {
    /// The export of the report a signed-in reader may read.
    pub async fn open(
        state: &AppState,
        actor: &Actor,
        id: ConsultationId,
    ) -> Result<Self, AppError> {
        Ok(Self::of(ReportReader::open(state, actor, id).await?))
    }

    /// The export of a public report (consenting comments only).
    pub async fn open_public(state: &AppState, id: ConsultationId) -> Result<Self, AppError> {
        Ok(Self::of(ReportReader::open_public(state, id).await?))
    }

    fn of(reader: ReportReader) -> Self {
        Self {
            stream: reader.stream(),
            header: false,
        }
    }

    /// The next part of the CSV (the header, then rows a part of the report at a time);
    /// `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        if !self.header {
            self.header = true;
            w.write_record(CSV_HEADER).map_err(|_| AppError::Internal)?;
        }
        let Some(part) = self.stream.next_part().await? else {
            let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
            return Ok((!bytes.is_empty()).then_some(bytes));
        };
        let title = csv_safe(&part.title);
        if part.comments.is_empty() && !part.continued {
            let row = [title.clone(), part.anchor.clone(), part.changed.to_string()]
                .into_iter()
                .chain(std::iter::repeat_n(String::new(), 8));
            w.write_record(row).map_err(|_| AppError::Internal)?;
        }
        for c in &part.comments {
            let a = c.response.as_ref();
            w.write_record([
                title.clone(),
                part.anchor.clone(),
                part.changed.to_string(),
                c.kind.code().to_owned(),
                csv_safe(&author_cell(&c.author)),
                csv_safe(&c.body),
                csv_safe(c.proposal.as_deref().unwrap_or("")),
                a.map(|a| a.decision.code().to_owned()).unwrap_or_default(),
                csv_safe(a.map(|a| a.explanation.as_str()).unwrap_or("")),
                a.map(|a| a.answered_local.clone()).unwrap_or_default(),
                a.map(|a| (!a.changed.is_empty()).to_string())
                    .unwrap_or_default(),
            ])
            .map_err(|_| AppError::Internal)?;
        }
        Ok(Some(w.into_inner().map_err(|_| AppError::Internal)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_start_formulas() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("plain"), "plain");
    }
}
