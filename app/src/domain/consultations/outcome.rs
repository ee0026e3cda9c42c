//! What came of a consultation: the difference between versions (each change with the
//! comments that led to it), the "you said, we did" report (page, CSV, print, public), and the
//! accountability figures.

use crate::domain::platform::text::csv_safe;
use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::access;
use super::access::phase_of;
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

/// The accountability figures of one consultation.
pub async fn figures(
    db: &impl ConnectionTrait,
    c: &consultation::Model,
) -> Result<Figures, AppError> {
    let rows = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .all(db)
        .await?;
    let created: HashMap<Uuid, chrono::DateTime<chrono::Utc>> =
        rows.iter().map(|r| (r.id, r.created_at)).collect();
    let answers: Vec<response::Model> = response::Entity::find()
        .filter(response::Column::ConsultationId.eq(c.id))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| created.contains_key(&r.comment_id))
        .collect();
    let received = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let answered = i64::try_from(answers.len()).unwrap_or(i64::MAX);
    let mut hours: Vec<f64> = answers
        .iter()
        .filter_map(|a| {
            created.get(&a.comment_id).map(|at| {
                let seconds = (a.answered_at - *at).num_seconds().max(0);
                // Seconds to hours; precision far beyond what the page shows.
                #[expect(clippy::cast_precision_loss, reason = "hours need no 53-bit precision")]
                let h = seconds as f64 / 3600.0;
                h
            })
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
        .filter(|a| Decision::from_code(&a.decision).is_some_and(Decision::accepted))
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

/// The report for someone signed in who may read it (members once responded, staff once
/// closed).
pub async fn report(
    state: &AppState,
    actor: &Actor,
    id: ConsultationId,
) -> Result<OutcomeReport, AppError> {
    let (c, access) = access::readable(&state.db, actor, id).await?;
    if !access::permissions(actor, &c, access).outcome {
        return Err(AppError::NotFound);
    }
    build_report(state, &c, false).await
}

/// The public report: no sign-in, only once published as public, only comments whose
/// authors consent (as they consent now), named only when the author chose to be.
pub async fn public_report(
    state: &AppState,
    id: ConsultationId,
) -> Result<OutcomeReport, AppError> {
    let c = consultation::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .filter(|c| phase_of(c) == Phase::OutcomePublished && c.outcome_public)
        .ok_or(AppError::NotFound)?;
    build_report(state, &c, true).await
}

async fn build_report(
    state: &AppState,
    c: &consultation::Model,
    public: bool,
) -> Result<OutcomeReport, AppError> {
    let db = &state.db;
    let tz = store::time_zone(db, CouncilId(c.council_id)).await?;
    let versions = store::published_numbers(db, ConsultationId(c.id)).await?;
    let (first, last) = match (versions.first(), versions.last()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => return Err(AppError::NotFound),
    };
    let old = store::sections_of(db, VersionId(version(db, c.id, first).await?.id)).await?;
    let new = store::sections_of(db, VersionId(version(db, c.id, last).await?.id)).await?;
    let mut rows = comment::Entity::find()
        .filter(comment::Column::ConsultationId.eq(c.id))
        .filter(comment::Column::Status.eq(CommentStatus::Visible.code()))
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await?;
    if public {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let allowed = consent::given(db, ConsentPurpose::CommentPublicReport, &ids).await?;
        rows.retain(|r| allowed.contains(&r.id));
    }
    // The report is the same for every reader: nobody is "mine", staff flags do not apply.
    let ctx = ViewContext::load(db, &rows, &tz, false, None).await?;
    let mut per_anchor: HashMap<&str, Vec<ReportComment>> = HashMap::new();
    for r in &rows {
        per_anchor
            .entry(r.anchor.as_str())
            .or_default()
            .push(ReportComment {
                kind: CommentKind::from_code(&r.kind).unwrap_or(CommentKind::Comment),
                author: match Attribution::from_code(&r.attribution) {
                    Some(Attribution::Named | Attribution::Pseudonym) => ctx.author(r),
                    _ => AuthorLabel::Anonymous,
                },
                body: r.body.clone(),
                proposal: r.proposal.clone(),
                response: ctx.response(r),
            });
    }
    let sections = pair(&old, &new)
        .into_iter()
        .filter_map(|(anchor, o, n)| {
            let (change, parts) = change_of(o, n);
            let comments = per_anchor.remove(anchor.as_str()).unwrap_or_default();
            let changed = change != "same";
            (changed || !comments.is_empty()).then(|| ReportSection {
                title: n.or(o).map(store::section_title).unwrap_or_default(),
                anchor,
                comments,
                change: if changed { parts } else { Vec::new() },
                changed,
            })
        })
        .collect();
    Ok(OutcomeReport {
        summary: store::summary(c, &tz),
        public,
        figures: figures(db, c).await?,
        sections,
    })
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

/// Comments read per page of a CSV export.
const CSV_PAGE: u64 = 500;

/// The report as CSV, read from the database a page at a time (one row per comment; a
/// section changed without comments gets one row), so a consultation of any size exports
/// in bounded memory. [`CsvExport::next_chunk`] gives the next part until there is none.
pub struct CsvExport {
    state: AppState,
    consultation: Uuid,
    public: bool,
    time_zone: String,
    /// (anchor, title, changed) in the report's order.
    sections: Vec<(String, String, bool)>,
    /// The section being read, and the last comment read in it (time, id).
    at: usize,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
    rows_in_section: usize,
    header: bool,
}

impl std::fmt::Debug for CsvExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvExport")
            .field("consultation", &self.consultation)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}

impl CsvExport {
    /// The export of the report a signed-in reader may read.
    pub async fn open(
        state: &AppState,
        actor: &Actor,
        id: ConsultationId,
    ) -> Result<Self, AppError> {
        let (c, access) = access::readable(&state.db, actor, id).await?;
        if !access::permissions(actor, &c, access).outcome {
            return Err(AppError::NotFound);
        }
        Self::of(state, &c, false).await
    }

    /// The export of a public report (consenting comments only).
    pub async fn open_public(state: &AppState, id: ConsultationId) -> Result<Self, AppError> {
        let c = consultation::Entity::find_by_id(id.0)
            .one(&state.db)
            .await?
            .filter(|c| phase_of(c) == Phase::OutcomePublished && c.outcome_public)
            .ok_or(AppError::NotFound)?;
        Self::of(state, &c, true).await
    }

    async fn of(state: &AppState, c: &consultation::Model, public: bool) -> Result<Self, AppError> {
        let db = &state.db;
        let time_zone = store::time_zone(db, CouncilId(c.council_id)).await?;
        let versions = store::published_numbers(db, ConsultationId(c.id)).await?;
        let (first, last) = match (versions.first(), versions.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => return Err(AppError::NotFound),
        };
        let old = store::sections_of(db, VersionId(version(db, c.id, first).await?.id)).await?;
        let new = store::sections_of(db, VersionId(version(db, c.id, last).await?.id)).await?;
        let sections = pair(&old, &new)
            .into_iter()
            .map(|(anchor, o, n)| {
                let changed = change_of(o, n).0 != "same";
                let title = n.or(o).map(store::section_title).unwrap_or_default();
                (anchor, title, changed)
            })
            .collect();
        Ok(Self {
            state: state.clone(),
            consultation: c.id,
            public,
            time_zone,
            sections,
            at: 0,
            after: None,
            rows_in_section: 0,
            header: false,
        })
    }

    /// The next part of the CSV (the header, then rows a page of comments at a time);
    /// `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        if !self.header {
            self.header = true;
            w.write_record(CSV_HEADER).map_err(|_| AppError::Internal)?;
        }
        while let Some((anchor, title, changed)) = self.sections.get(self.at).cloned() {
            let db = &self.state.db;
            let mut query = comment::Entity::find()
                .filter(comment::Column::ConsultationId.eq(self.consultation))
                .filter(comment::Column::Anchor.eq(anchor.clone()))
                .filter(comment::Column::Status.eq(CommentStatus::Visible.code()));
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
            let mut rows = sea_orm::QuerySelect::limit(
                query
                    .order_by_asc(comment::Column::CreatedAt)
                    .order_by_asc(comment::Column::Id),
                CSV_PAGE,
            )
            .all(db)
            .await?;
            let full = rows.len() as u64 == CSV_PAGE;
            self.after = rows.last().map(|r| (r.created_at, r.id));
            if self.public && !rows.is_empty() {
                let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
                let allowed = consent::given(db, ConsentPurpose::CommentPublicReport, &ids).await?;
                rows.retain(|r| allowed.contains(&r.id));
            }
            // The report is the same for every reader: nobody is "mine".
            let ctx = ViewContext::load(db, &rows, &self.time_zone, false, None).await?;
            for r in &rows {
                let author = match Attribution::from_code(&r.attribution) {
                    Some(Attribution::Named | Attribution::Pseudonym) => ctx.author(r),
                    _ => AuthorLabel::Anonymous,
                };
                let answer = ctx.response(r);
                let a = answer.as_ref();
                w.write_record([
                    csv_safe(&title),
                    anchor.clone(),
                    changed.to_string(),
                    CommentKind::from_code(&r.kind)
                        .unwrap_or(CommentKind::Comment)
                        .code()
                        .to_owned(),
                    csv_safe(&author_cell(&author)),
                    csv_safe(&r.body),
                    csv_safe(r.proposal.as_deref().unwrap_or("")),
                    a.map(|a| a.decision.code().to_owned()).unwrap_or_default(),
                    csv_safe(a.map(|a| a.explanation.as_str()).unwrap_or("")),
                    a.map(|a| a.answered_local.clone()).unwrap_or_default(),
                    a.map(|a| (!a.changed.is_empty()).to_string())
                        .unwrap_or_default(),
                ])
                .map_err(|_| AppError::Internal)?;
            }
            self.rows_in_section += rows.len();
            if !full {
                if self.rows_in_section == 0 && changed {
                    let row = [csv_safe(&title), anchor.clone(), changed.to_string()]
                        .into_iter()
                        .chain(std::iter::repeat_n(String::new(), 8));
                    w.write_record(row).map_err(|_| AppError::Internal)?;
                }
                self.at += 1;
                self.after = None;
                self.rows_in_section = 0;
            }
            if !rows.is_empty() || !full {
                let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
                if !bytes.is_empty() {
                    return Ok(Some(bytes));
                }
                w = csv::Writer::from_writer(Vec::new());
            }
        }
        let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
        Ok((!bytes.is_empty()).then_some(bytes))
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
