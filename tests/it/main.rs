//! Roundtable's tests, as one binary (`cargo test -p roundtable-tests`).
//!
//! - [`harness`]: [`harness::TestApp`] (a real server with a fresh database per test: every
//!   HTTP test runs twice, on a SQLite file and on a PostgreSQL database), clients, Debian's
//!   Chromium through chromedriver (JavaScript on and off, axe-core on every page), and the
//!   real SMTP and OpenID peers;
//! - [`fixtures`]: builders that arrange what a test needs, per capability;
//! - one folder per capability with its HTTP (`http.rs`) and browser (`browser.rs`) tests:
//!   [`identity`], [`consultations`], [`honoraria`]; [`platform`] for the shell (health, configuration,
//!   security headers, pages, demo, the whole-product walkthrough, the layout check);
//! - [`authz`]: the authorization matrix, one row file per capability behind the one
//!   completeness check.

mod fixtures;
mod harness;

mod authz;
mod consultations;
mod honoraria;
mod identity;
mod mentorship;
mod platform;
