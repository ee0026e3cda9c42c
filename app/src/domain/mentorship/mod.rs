//! Mentorship programmes: programmes and cohorts, profiles, suggested matches both people
//! accept, goals and milestones, private session logs, feedback, safeguarding, certificates.
//!
//! Owns the tables `mentorship_settings`, `programme`, `cohort`, `participant`,
//! `mentorship_match`, `mentorship_goal`, `mentorship_milestone`, `mentorship_session`,
//! `mentorship_feedback`, `safeguarding_case` and `safeguarding_note`. Depends on
//! [`super::identity`] and [`super::platform`], and on honoraria's public face for two things
//! only: the rate card's priced activities (a paid programme names one) and
//! `claims::log_linked`, which turns a mentor's session into a draft time entry linked to it
//! by id.
//!
//! Inside, dependencies run upwards:
//!
//! 1. [`access`] (the one access rule: [`access::pair`] answers 404 to everybody but the
//!    pair, [`access::programme_managed`] 403 to anybody in the council but staff,
//!    [`access::case_readable`] 404 to everybody but the safeguarding lead and the council
//!    admins), [`matching`] (the pure suggestion algorithm) and [`records`] (shared pieces);
//! 2. [`profiles`], [`matches`] (propose, accept, decline, end, complete), [`together`]
//!    (goals, milestones, sessions, their calendar files, time entries, a match's page),
//!    [`feedback`], [`certificates`], [`safeguarding`];
//! 3. [`programmes`] (programmes, cohorts, invitations and applications, and the pages that
//!    gather them).

pub mod access;
pub mod certificates;
pub mod entities;
pub mod feedback;
pub mod matches;
pub mod matching;
pub mod profiles;
pub mod programmes;
pub mod records;
pub mod safeguarding;
pub mod together;
