//! Paid expert time (honoraria): rate cards, meetings and attendance, time entries, expense
//! claims with receipts, approval with separation of duties, payment batches (CSV and SEPA
//! credit transfer XML), statements and payment-time figures.
//!
//! Owns the tables `honoraria_settings`, `rate`, `meeting`, `meeting_attendee`, `receipt`,
//! `claim`, `payment_batch`, `batch_payee` and `payment_preference`. Depends on
//! [`super::identity`] and [`super::platform`] only; it refers to a consultation, meeting or
//! mentorship session by its typed id, never by calling another capability.
//!
//! Inside, dependencies run upwards:
//!
//! 1. [`access`] (the one access rule: [`access::readable`] answers 404, [`access::owned`] and
//!    [`access::decidable`] 403 or `own_claim`) and [`money`] (currencies, exact amounts,
//!    pricing): the bottom;
//! 2. [`rates`] (the rate card and the council's settings), [`payment`] (how members are
//!    paid), [`receipts`] and [`sepa`] (the file format, pure);
//! 3. the operations: [`claims`] (entries, expenses, transitions, corrections, deferring,
//!    queue), [`meetings`] (and their iCalendar files), [`batches`];
//! 4. what is read from them: [`statements`] (a member's statement, finance's yearly totals)
//!    and [`figures`] (payment times, small numbers held back for the auditor).

pub mod access;
pub mod batches;
pub mod claims;
pub mod entities;
pub mod figures;
pub mod meetings;
pub mod money;
pub mod payment;
pub mod rates;
pub mod receipts;
pub mod sepa;
pub mod statements;
