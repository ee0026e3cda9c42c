//! The page's only island: the code that runs in the browser.
//!
//! Roundtable renders every page on the server and hydrates only this island (Leptos "islands"
//! mode), so the WebAssembly bundle carries the keyboard shortcuts of the quick exit, the
//! autosave of comment texts and quoting by selection, not the pages. Everything else is plain HTML with forms and
//! links, the same with JavaScript on or off, and stays usable on a cheap phone.

use leptos::prelude::*;

/// Installs the quick-exit shortcuts, the autosave listener and quoting by selection;
/// renders nothing.
///
/// When done it marks `<html data-hydrated>` (tests wait for it; CSS may use it).
#[island]
pub fn PageScripts() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        super::quick_exit::install_shortcuts();
        super::autosave::install();
        super::quote::install();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
