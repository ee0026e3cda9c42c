//! Roundtable's Leptos application.
//!
//! Built twice: with `ssr` for the server (pages, server functions and the domain layer) and
//! with `hydrate` to WebAssembly for the browser. Every page also works without JavaScript.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
#[cfg(feature = "ssr")]
pub mod domain;
pub mod i18n;
pub mod model;
pub mod pages;

/// The WebAssembly entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Marks the page as interactive (tests wait for it; CSS may use it).
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
