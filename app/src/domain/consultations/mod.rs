//! Consultations on drafts: a draft law or policy imported into sections, comment periods,
//! comments and replies, the secretariat's answer to every comment, new versions with their
//! diff, and the outcome report ("you said, we did").
//!
//! Owns the tables `consultation`, `draft_version`, `section`, `participant`, `comment`,
//! `comment_band`, `comment_draft`, `comment_change`, `pseudonym`, `posting_limit_hit` and
//! `response`. Depends on
//! [`super::identity`] (the actor, councils, people) and [`super::platform`]; never on
//! another capability.
//!
//! Inside, dependencies run upwards:
//!
//! 1. [`access`] (the one access rule: [`access::readable`] answers 404, [`access::managed`] 403),
//!    [`store`] (versions, sections, counts, time zones) and [`aggregates`] (counts over every
//!    comment, kept while the consultation is unchanged): the bottom;
//! 2. [`authorship`], [`kept_text`], [`similarity`] and [`threads`] (comment rows turned into
//!    what one reader may see, a bounded number per page);
//! 3. the operations: [`details`], [`comments`] (with [`fair_use`], the posting limits, and
//!    [`groups`] of near-identical comments), [`responses`] and the answer [`queue`],
//!    [`drafts`] (versions and the [`import`]er), [`phases`] (with [`notify`]), [`outcome`]
//!    (its CSV streamed a page at a time);
//! 4. [`views`], the pages' read models (whole draft, chapter, management page), kept per
//!    reader in [`chapter_cache`]: the top.

pub mod access;
pub mod aggregates;
pub mod authorship;
pub mod chapter_cache;
pub mod comments;
pub mod details;
pub mod drafts;
pub mod entities;
pub mod fair_use;
pub(crate) mod groups;
pub mod import;
pub mod kept_text;
pub mod notify;
pub mod outcome;
pub mod phases;
pub mod queue;
pub mod responses;
pub mod similarity;
pub mod store;
pub(crate) mod threads;
pub mod views;
