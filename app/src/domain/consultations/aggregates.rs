//! Counts and orderings over all of a consultation's comments, kept in this process while
//! the consultation is unchanged.
//!
//! The answer queue's items (comments grouped, sorted) and the report's section counts and
//! figures are worked out over every comment of a consultation: with tens of thousands of
//! comments that is the cost of a page, and it would be paid on every page of the queue and
//! of the report. They change only when a comment, an answer or the draft changes, and each
//! such change moves the consultation's `revision` (database triggers, in the same
//! transaction; see [`super::chapter_cache`]). So they are kept under the revision they were
//! worked out at, and used only while the consultation is read at that revision: never staler
//! than the database, in any number of processes.
//!
//! The aggregates are ids and numbers, never a comment's text or author. The one exception is
//! a page of the answer queue, kept whole per member of the secretariat who read it (as a
//! reader's chapter view is, see [`super::chapter_cache`]), under the revision, the time zone
//! and the filters it was read with. The public report's counts are not kept: they depend on
//! the authors' consent, which is not part of the revision.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::model::comment::AnswerQueue;
use crate::model::consultation::Figures;

/// How much the cache may hold, roughly, in bytes (see `chapter_cache::CAPACITY_BYTES`).
const CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// An entry nobody has used for this long is dropped.
const IDLE: Duration = Duration::from_secs(30 * 60);

/// One item of the answer queue: a comment, or a group of near-identical ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueRow {
    /// The comment's id, or the group's.
    pub item: Uuid,
    /// Comments in the item (matching the filters).
    pub size: i64,
    /// Of them, not answered.
    pub unanswered: i64,
}

/// What is kept.
#[derive(Debug, Clone)]
pub enum Aggregate {
    /// The answer queue's items for one filter and sort, in order.
    Queue(Arc<Vec<QueueRow>>),
    /// Visible comments, and of them not answered.
    Counts(i64, i64),
    /// The report's visible comments per section anchor.
    SectionCounts(Arc<Vec<(String, i64)>>),
    /// The report's figures.
    Figures(Figures),
    /// A page of the answer queue as one member of the secretariat reads it, texts and all
    /// (like a reader's chapter view in `chapter_cache`).
    Page(Arc<AnswerQueue>),
}

impl Aggregate {
    fn weight(&self) -> u32 {
        let bytes = match self {
            Self::Queue(rows) => rows.len() * std::mem::size_of::<QueueRow>(),
            Self::Counts(..) | Self::Figures(_) => 64,
            Self::SectionCounts(counts) => counts.iter().map(|(a, _)| a.len() + 32).sum(),
            Self::Page(page) => {
                let items: usize = page
                    .items
                    .iter()
                    .map(|i| {
                        i.section_title.len()
                            + super::chapter_cache::comment_weight(&i.comment)
                            + 256
                    })
                    .sum();
                let sections: usize = page
                    .sections
                    .iter()
                    .map(|(a, t)| a.len() + t.len() + 48)
                    .sum();
                items + sections + page.title.len()
            }
        };
        u32::try_from(bytes + 64).unwrap_or(u32::MAX)
    }
}

/// Which aggregate of which consultation, at which revision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The consultation.
    pub consultation: Uuid,
    /// Its revision when the aggregate was worked out.
    pub revision: i64,
    /// Which aggregate (for the queue: its filters and sort, without the page).
    pub what: String,
}

/// The cache. Cheap to clone (shared).
#[derive(Clone)]
pub struct Aggregates(moka::sync::Cache<Key, Aggregate>);

impl std::fmt::Debug for Aggregates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aggregates")
            .field("entries", &self.0.entry_count())
            .finish()
    }
}

impl Default for Aggregates {
    fn default() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|k: &Key, v: &Aggregate| {
                    v.weight()
                        .saturating_add(u32::try_from(k.what.len()).unwrap_or(u32::MAX))
                })
                .time_to_idle(IDLE)
                .build(),
        )
    }
}

impl Aggregates {
    /// The aggregate kept for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Aggregate> {
        self.0.get(key)
    }

    /// Keeps an aggregate.
    pub fn put(&self, key: Key, value: Aggregate) {
        self.0.insert(key, value);
    }
}
