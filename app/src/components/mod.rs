//! Components shared by pages.

pub mod error;
pub mod forms;
pub mod layout;
pub mod quick_exit;
