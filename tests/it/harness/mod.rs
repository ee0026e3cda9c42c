//! The test harness: [`TestApp`] (a real server on port 0 with a fresh SQLite file or
//! PostgreSQL database per test) and its clients, the browser ([`browser`]: Chromium through
//! chromedriver, axe-core), and the real network peers ([`peers`]: SMTP server, OpenID
//! provider).

mod app;
pub mod browser;
pub mod markup;
pub mod peers;

pub use app::*;
