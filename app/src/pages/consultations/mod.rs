//! Consultations: the list and reading pages, the secretariat's management pages, the
//! outcome report.

pub mod answers;
pub mod manage;
pub mod outcome;
pub mod reading;
pub mod section;
