//! Components shared by pages.

pub mod autosave;
pub mod error;
pub mod forms;
pub mod inert;
pub mod layout;
pub mod quick_exit;
