//! Quoting by selection (with JavaScript): selecting words in a section's text shows a link
//! that opens the comment form with those words as the quote.
//!
//! The link is rendered hidden next to "Comment on this section" and carries where it leads
//! (`data-quote-page`, `data-quote-anchor`); the script only fills in `&quote=` and shows it.
//! Without JavaScript the quote is typed into the form's field instead.

/// The attribute on a section's text naming the section (`p.section__body`).
pub const SECTION_ATTR: &str = "data-section";
/// The attribute on a quote link naming its section.
pub const QUOTE_FOR_ATTR: &str = "data-quote-for";

/// Installs the selection listener (once per page load, by [`super::page_scripts`]).
#[cfg(feature = "hydrate")]
pub(crate) fn install() {
    use leptos::prelude::*;

    let update = move || {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let selected = selection_in_section();
        let Ok(links) = document.query_selector_all(&format!("a[{QUOTE_FOR_ATTR}]")) else {
            return;
        };
        for i in 0..links.length() {
            let Some(link) = links
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            else {
                continue;
            };
            let mine = selected.as_ref().filter(|(section, _)| {
                link.get_attribute(QUOTE_FOR_ATTR).as_deref() == Some(section)
            });
            match mine {
                Some((_, text)) => {
                    let page = link.get_attribute("data-quote-page").unwrap_or_default();
                    let anchor = link.get_attribute("data-quote-anchor").unwrap_or_default();
                    let quote = String::from(js_sys::encode_uri_component(text));
                    let _ = link.set_attribute("href", &format!("{page}&quote={quote}{anchor}"));
                    let _ = link.remove_attribute("hidden");
                }
                None => {
                    let _ = link.set_attribute("hidden", "");
                }
            }
        }
    };
    // After a mouse or touch selection, and after selecting with the keyboard (Shift + arrows).
    let handles = [
        window_event_listener(leptos::ev::mouseup, move |_| update()),
        window_event_listener(leptos::ev::touchend, move |_| update()),
    ];
    let keys = window_event_listener(leptos::ev::keyup, move |ev| {
        if ev.shift_key() || ev.key() == "Shift" {
            update();
        }
    });
    // The listeners live as long as the page.
    std::mem::forget(handles);
    std::mem::forget(keys);
}

/// The selected words and their section, when the selection lies within one section's text.
#[cfg(feature = "hydrate")]
fn selection_in_section() -> Option<(String, String)> {
    let selection = web_sys::window()?.get_selection().ok()??;
    if selection.is_collapsed() {
        return None;
    }
    let section_of = |node: Option<web_sys::Node>| -> Option<String> {
        let node = node?;
        let element = match wasm_bindgen::JsCast::dyn_ref::<web_sys::Element>(&node) {
            Some(e) => e.clone(),
            None => node.parent_element()?,
        };
        element
            .closest(&format!("[{SECTION_ATTR}]"))
            .ok()??
            .get_attribute(SECTION_ATTR)
    };
    let start = section_of(selection.anchor_node())?;
    if section_of(selection.focus_node())? != start {
        return None;
    }
    let text: String = String::from(selection.to_string())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text: String = text
        .chars()
        .take(crate::model::comment::MAX_QUOTE_CHARS)
        .collect();
    (!text.is_empty()).then_some((start, text))
}
