//! Mentorship: programmes, cohorts and profiles, suggested matches both people accept, what a
//! pair does together (goals, sessions with private notes, paid time), feedback, completion
//! certificates, and safeguarding.

mod browser;
mod http;
