//! The shell and what every capability stands on: health, configuration, security headers,
//! pages, the demo, the whole-product walkthrough in a browser, and the layout of the code.

mod audit;
mod config;
mod demo;
mod health;
mod layout;
mod pages;
mod security;
mod walkthrough;
