//! Consultations: the list and reading pages, the secretariat's management pages, the
//! outcome report.

pub mod manage;
pub mod outcome;
pub mod reading;
