//! Consultations: visibility, import, phases, comments, answers, versions, outcome, mails.

mod browser;
mod browser_scale;
mod http;
