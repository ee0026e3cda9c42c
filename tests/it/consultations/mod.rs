//! Consultations: visibility, import, phases, comments, answers, versions, outcome, mails.

mod browser;
mod http;
