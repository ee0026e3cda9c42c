//! Roundtable's tests, as one binary (`cargo test -p roundtable-tests`).
//!
//! Modules mirror the routes. Every HTTP test runs twice, on a fresh SQLite file and on a
//! fresh PostgreSQL database ([`helpers::TestApp`]); browser tests drive Debian's Chromium
//! through chromedriver with JavaScript on and off, and run axe-core on every page.

mod helpers;
mod support;

mod authz;
mod browser;
mod browser_consultations;
mod browser_identity;
mod config;
mod consultations;
mod demo;
mod health;
mod identity;
mod pages;
mod security;
