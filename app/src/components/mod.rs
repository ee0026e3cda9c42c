//! Components shared by pages.

pub mod autosave;
pub mod error;
pub mod forms;
pub mod labels;
pub mod layout;
pub mod page_scripts;
pub mod pager;
pub mod quick_exit;
pub mod quote;
