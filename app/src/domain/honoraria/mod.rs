//! Paid expert time (honoraria): rate cards, meetings and attendance, time entries, expense
//! claims with receipts, approval with separation of duties, payment batches (CSV and SEPA
//! credit transfer XML) and statements. Empty until its issue lands.
//!
//! Will own its own tables and depend on [`super::identity`] and [`super::platform`] only;
//! it refers to a consultation, meeting or mentorship session by its typed id, never by
//! calling another capability.
