//! Mentorship: programmes and cohorts (`/programmes`, `/programmes/:id`), one's own place and
//! profile (`/places/:id`), a pair's page and certificate (`/pairs/:id`,
//! `/pairs/:id/certificate`), and safeguarding cases (`/cases`, `/cases/:id`). The paths are
//! neutral words: they appear in mails and in a browser's history.

pub mod cases;
pub mod labels;
pub mod pair;
pub mod place;
pub mod programme;
pub mod programmes;
