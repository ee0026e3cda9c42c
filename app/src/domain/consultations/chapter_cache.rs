//! Readers' chapter views, kept in this process while their consultation is unchanged.
//!
//! Reading a chapter is by far the most frequent request, and its view (sections, threads,
//! names, answers, word diffs) costs most of a page's queries and work. Every change a reader
//! could see moves the consultation's `revision` (database triggers, migration
//! `m20261129_000006_revision`, in the same transaction as the change), and a cached view is
//! used only under the revision it was built at. The revision is read with the consultation on
//! every request (that read also checks access), so a view is never staler than the database,
//! in any number of processes.
//!
//! A view depends on who reads it (their own comments, hidden ones shown to their author and
//! to staff), so it is kept per reader; what depends on the time (may one still comment, the
//! phase) and the reader's saved drafts are worked out afresh on every request.
//!
//! Three things are kept, each under everything it shows: the view ([`ChapterCache`]), the
//! chapter rendered from it ([`RenderedCache`]), and the whole page as sent ([`KeptPages`]).

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::model::comment::CommentView;
use crate::model::consultation::{ChapterView, Permissions, Phase, SectionView};
use crate::model::ids::PersonId;

/// How much each of the two caches of views here may hold, roughly, in bytes of text. With
/// the consultations' aggregates (`aggregates::CAPACITY_BYTES`) and the kept pages
/// (`PAGES_CAPACITY_BYTES`), 16 MB each, what is kept stays under 80 MB however many people
/// read, so that the server stays under 150 MB (issue 18's bound).
const CAPACITY_BYTES: u64 = 24 * 1024 * 1024;

/// A view nobody has read for this long is dropped.
const IDLE: Duration = Duration::from_secs(30 * 60);

/// Whose view of which chapter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The consultation.
    pub consultation: Uuid,
    /// The chapter's anchor.
    pub anchor: String,
    /// The reader.
    pub reader: Option<Uuid>,
    /// Whether the reader runs the consultation (sees hidden comments).
    pub manage: bool,
}

/// The reader-specific, time-independent part of a chapter view.
#[derive(Debug)]
pub struct Chapter {
    /// The consultation's revision the view was built at.
    pub revision: i64,
    /// The council's time zone at that revision (times in the view are in it).
    pub time_zone: String,
    /// The version shown.
    pub version: i32,
    /// The chapter's sections.
    pub sections: Arc<Vec<SectionView>>,
    /// Its comments, threaded (bounded: see `threads::for_chapter`).
    pub comments: Arc<Vec<CommentView>>,
    /// Per section, the threads left out (on the section's page of comments).
    pub more: Vec<(crate::model::ids::SectionId, i64)>,
    /// The previous chapter (anchor, title).
    pub previous: Option<(String, String)>,
    /// The next chapter (anchor, title).
    pub next: Option<(String, String)>,
}

impl Chapter {
    /// Roughly how many bytes the view holds (its texts), for the cache's bound.
    fn weight(&self) -> u32 {
        let sections: usize = self
            .sections
            .iter()
            .map(|s| s.body.len() + s.heading.len() + s.anchor.len() + 128)
            .sum();
        let comments: usize = self.comments.iter().map(comment_weight).sum();
        u32::try_from(sections + comments).unwrap_or(u32::MAX)
    }
}

/// Roughly how many bytes a comment's view holds (its texts), for the caches' bounds.
pub(super) fn comment_weight(c: &CommentView) -> usize {
    c.body_html.len()
        + c.quote.as_ref().map_or(0, String::len)
        + c.own_fields
            .as_ref()
            .map_or(0, |f| f.body.len() + f.proposal.len())
        + c.response.as_ref().map_or(0, |r| r.explanation.len())
        + c.proposal.as_ref().map_or(0, |p| p.len() * 48)
        + 256
}

/// The cache. Cheap to clone (shared).
#[derive(Clone)]
pub struct ChapterCache(moka::sync::Cache<Key, Arc<Chapter>>);

impl std::fmt::Debug for ChapterCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChapterCache")
            .field("entries", &self.0.entry_count())
            .finish()
    }
}

impl Default for ChapterCache {
    fn default() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|_: &Key, v: &Arc<Chapter>| v.weight())
                .time_to_idle(IDLE)
                .build(),
        )
    }
}

impl ChapterCache {
    /// The view kept for `key`, if it was built at `revision`.
    pub fn get(&self, key: &Key, revision: i64) -> Option<Arc<Chapter>> {
        self.0.get(key).filter(|c| c.revision == revision)
    }

    /// Keeps a view.
    pub fn put(&self, key: Key, chapter: Arc<Chapter>) {
        self.0.insert(key, chapter);
    }
}

/// Everything a rendered chapter depends on: the reader's view at a revision, and what the
/// page shows around it that the revision does not cover (the consultation's title and phase,
/// what the reader may do now, the language).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RenderedKey {
    consultation: Uuid,
    anchor: String,
    reader: Option<PersonId>,
    revision: i64,
    version: i32,
    title: String,
    phase: Phase,
    may: Permissions,
    locale: String,
}

impl RenderedKey {
    /// The key of `view` rendered in `locale`. `None` when the page shows more than the
    /// view (kept texts of the reader): such pages are rendered every time.
    pub fn of(view: &ChapterView, locale: &str) -> Option<Self> {
        if !view.drafts.is_empty() {
            return None;
        }
        Some(Self {
            consultation: view.summary.id.0,
            anchor: view.sections.first()?.chapter.clone(),
            reader: view.reader,
            revision: view.revision,
            version: view.version,
            title: view.summary.title.clone(),
            phase: view.summary.phase,
            may: view.may,
            locale: locale.to_owned(),
        })
    }

    /// The key of `view` in the language of a request with these `Cookie` and
    /// `Accept-Language` headers (`i18n::request_locale`).
    pub fn of_request(view: &ChapterView, cookie: &str, accept_language: &str) -> Option<Self> {
        use leptos_i18n::Locale as _;
        let locale = crate::i18n::request_locale(Some(cookie), Some(accept_language));
        Self::of(view, locale.as_str())
    }
}

/// What a rendered page is kept under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Rendered {
    /// A reader's chapter.
    Chapter(RenderedKey),
    /// A page of the answer queue, under everything it shows (consultation, revision, time
    /// zone, reader, language, filters and page; see `get_or_render_queue`).
    Page(String),
}

/// Rendered chapters and pages (HTML), kept while their key holds. The key carries the
/// revision, so a change makes the old entries unreachable; they age out.
#[derive(Clone)]
pub struct RenderedCache(moka::sync::Cache<Rendered, Arc<str>>);

impl std::fmt::Debug for RenderedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderedCache")
            .field("entries", &self.0.entry_count())
            .finish()
    }
}

impl Default for RenderedCache {
    fn default() -> Self {
        Self(
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|k: &Rendered, v: &Arc<str>| {
                    let key = match k {
                        Rendered::Chapter(k) => k.title.len(),
                        Rendered::Page(k) => k.len(),
                    };
                    u32::try_from(v.len() + key + 256).unwrap_or(u32::MAX)
                })
                .time_to_idle(IDLE)
                .build(),
        )
    }
}

impl RenderedCache {
    /// The HTML kept for `key`, or `render`ed now and kept.
    pub fn get_or_render(&self, key: RenderedKey, render: impl FnOnce() -> String) -> Arc<str> {
        self.0
            .get_with(Rendered::Chapter(key), || Arc::from(render()))
    }

    /// The HTML of a page of the answer queue in `locale`, or `render`ed now and kept: under
    /// everything the page shows (consultation, revision, time zone, reader, filters, page).
    pub fn get_or_render_queue(
        &self,
        queue: crate::model::comment::AnswerQueue,
        locale: &str,
        render: impl FnOnce(crate::model::comment::AnswerQueue) -> String,
    ) -> Arc<str> {
        let key = format!(
            "queue|{}|{}|{}|{}|{locale}|{}",
            queue.consultation,
            queue.revision,
            queue.time_zone,
            queue.reader.map(|p| p.0.to_string()).unwrap_or_default(),
            queue.filter.query()
        );
        self.0
            .get_with(Rendered::Page(key), || Arc::from(render(queue)))
    }
}

/// Whole chapter pages as sent (the chapter in the frame around it, and the response's
/// headers), kept per address, reader and language, so that reading a chapter again does not
/// render the frame again either.
///
/// A page carries a fresh script nonce in every response (the Content-Security-Policy allows
/// the one inline script by it), so a page is kept split where its nonce stood
/// ([`NonceTemplate`]) and filled with the next response's own. It is used only while
/// everything it shows is unchanged: the reader's chapter at its revision with the title,
/// phase and what the reader may do now ([`RenderedKey`]), and the frame ([`PageContext`]:
/// council, viewer, navigation). Its key holds what a page reads from the request itself: the
/// address (without a query: a page with one is always rendered), the reader, the cookies
/// (the chosen language) and the browser's languages. One page per key: a newer one replaces it.
#[derive(Clone)]
pub struct KeptPages {
    pages: moka::sync::Cache<PageKey, Arc<KeptPage>>,
    /// How many times a kept page was found (tests tell a kept page from a rendered one by it).
    found: Arc<std::sync::atomic::AtomicU64>,
}

/// How much the kept pages may hold, roughly, in bytes (see `CAPACITY_BYTES`).
const PAGES_CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// What a kept page is found by: everything a page reads from its request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The address's path (a page is kept only when the address has no query).
    pub path: String,
    /// The reader.
    pub reader: Option<PersonId>,
    /// The request's `Cookie` header (the language cookie is in it).
    pub cookie: String,
    /// The request's `Accept-Language` header.
    pub accept_language: String,
}

/// A kept page, and what it showed.
#[derive(Debug)]
pub struct KeptPage {
    /// The chapter it shows.
    pub chapter: RenderedKey,
    /// The frame it shows.
    pub context: crate::model::viewer::PageContext,
    /// The response's headers (name, value), each split where the nonce stood.
    pub headers: Vec<(http::HeaderName, NonceTemplate)>,
    /// The page, split where the nonce stood.
    pub body: NonceTemplate,
}

impl KeptPage {
    /// Whether the page shows `chapter` in the frame `context`.
    pub fn shows(
        &self,
        chapter: &RenderedKey,
        context: &crate::model::viewer::PageContext,
    ) -> bool {
        self.chapter == *chapter && self.context == *context
    }

    fn weight(&self) -> u32 {
        let headers: usize = self.headers.iter().map(|(_, v)| v.len() + 64).sum();
        u32::try_from(self.body.len() + headers + 512).unwrap_or(u32::MAX)
    }
}

/// A text with a response's nonce taken out: the pieces between its occurrences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceTemplate(Vec<Box<str>>);

impl NonceTemplate {
    /// `text` split at every occurrence of `nonce` (which must not be empty).
    pub fn split(text: &str, nonce: &str) -> Self {
        debug_assert!(!nonce.is_empty());
        Self(text.split(nonce).map(Box::from).collect())
    }

    /// The text with `nonce` where the old one stood.
    pub fn fill(&self, nonce: &str) -> String {
        let holes = self.0.len().saturating_sub(1);
        let mut out = String::with_capacity(self.len() + holes * nonce.len());
        for (n, piece) in self.0.iter().enumerate() {
            if n > 0 {
                out.push_str(nonce);
            }
            out.push_str(piece);
        }
        out
    }

    /// The length of the text without its nonces.
    fn len(&self) -> usize {
        self.0.iter().map(|p| p.len()).sum()
    }
}

impl std::fmt::Debug for KeptPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptPages")
            .field("entries", &self.pages.entry_count())
            .field("found", &self.found())
            .finish()
    }
}

impl Default for KeptPages {
    fn default() -> Self {
        Self {
            pages: moka::sync::Cache::builder()
                .max_capacity(PAGES_CAPACITY_BYTES)
                .weigher(|k: &PageKey, v: &Arc<KeptPage>| {
                    let key = k.path.len() + k.cookie.len() + k.accept_language.len();
                    v.weight()
                        .saturating_add(u32::try_from(key).unwrap_or(u32::MAX))
                })
                .time_to_idle(IDLE)
                .build(),
            found: Arc::default(),
        }
    }
}

impl KeptPages {
    /// The page kept under `key`, if it shows `chapter` in the frame `context`.
    pub fn get(
        &self,
        key: &PageKey,
        chapter: &RenderedKey,
        context: &crate::model::viewer::PageContext,
    ) -> Option<Arc<KeptPage>> {
        let page = self.pages.get(key).filter(|p| p.shows(chapter, context));
        if page.is_some() {
            self.found
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        page
    }

    /// Keeps a page (replacing the one kept under the same key).
    pub fn put(&self, key: PageKey, page: KeptPage) {
        self.pages.insert(key, Arc::new(page));
    }

    /// How many times a kept page was found and sent.
    pub fn found(&self) -> u64 {
        self.found.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::NonceTemplate;

    #[test]
    fn a_kept_text_gets_the_new_nonce_wherever_the_old_one_stood() {
        let page = r#"<script nonce="OLD1">x</script><link crossorigin="OLD1"><p>OLD</p>OLD1"#;
        let kept = NonceTemplate::split(page, "OLD1");
        assert_eq!(
            kept.fill("new-22"),
            r#"<script nonce="new-22">x</script><link crossorigin="new-22"><p>OLD</p>new-22"#
        );
        assert_eq!(
            kept.fill("OLD1"),
            page,
            "the same nonce gives the same text back"
        );
        let none = NonceTemplate::split("no nonce here", "OLD1");
        assert_eq!(none.fill("new"), "no nonce here");
        assert_eq!(NonceTemplate::split("", "OLD1").fill("new"), "");
    }
}
