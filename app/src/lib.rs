//! Roundtable's Leptos application.
//!
//! Built twice: with `ssr` for the server (pages, server functions and the domain layer) and
//! with `hydrate` to WebAssembly for the browser. The browser hydrates only the islands
//! (`components::page_scripts`); every page is server-rendered HTML that works without JavaScript.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
#[cfg(feature = "ssr")]
pub mod domain;
pub mod i18n;
pub mod model;
pub mod pages;

/// The WebAssembly entry point: prepares the islands, which the loader script then hydrates.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
