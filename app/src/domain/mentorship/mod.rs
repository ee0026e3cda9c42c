//! Mentorship programmes: programmes and cohorts, profiles, suggested matches both people
//! accept, goals and milestones, private session logs, feedback, safeguarding, certificates.
//! So far only [`matching`], the pure suggestion algorithm; the tables, rules and pages follow
//! with the rest of its issue.
//!
//! Will own its own tables and depend on [`super::identity`] and [`super::platform`] only; a
//! mentor's session becomes paid time through honoraria's public face, passed by id.

pub mod matching;
