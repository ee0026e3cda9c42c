//! Autosave of comment texts: one listener for the whole document (with JavaScript).
//!
//! A form carrying [`CONSULTATION_ATTR`] and [`SLOT_ATTR`] is saved as the person's draft a moment
//! after typing stops. One listener serves every form, including forms in server-rendered
//! regions. It is installed by the page's one island, [`super::page_scripts`]. Without JavaScript a
//! failed post keeps the text instead.

/// The attribute naming the consultation of an autosaved form.
pub const CONSULTATION_ATTR: &str = "data-autosave-consultation";
/// The attribute naming the draft slot of an autosaved form (`section:<id>`, `reply:<id>`, …).
pub const SLOT_ATTR: &str = "data-autosave-slot";

/// Installs the listener (once per page load).
#[cfg(feature = "hydrate")]
pub(crate) fn install() {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use crate::api::consultations::save_comment_draft;
    use crate::model::comment::CommentFields;
    use crate::model::ids::ConsultationId;

    // One pending save per form (slot): typing again restarts that form's timer only.
    let pending: Rc<RefCell<HashMap<String, TimeoutHandle>>> = Rc::default();
    let handle = window_event_listener(leptos::ev::input, move |ev| {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest(&format!("form[{SLOT_ATTR}]")).ok().flatten())
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let (Some(consultation), Some(slot)) = (
            form.get_attribute(CONSULTATION_ATTR)
                .and_then(|c| c.parse::<ConsultationId>().ok()),
            form.get_attribute(SLOT_ATTR),
        ) else {
            return;
        };
        if let Some(earlier) = pending.borrow_mut().remove(&slot) {
            earlier.clear();
        }
        let done = Rc::clone(&pending);
        let key = slot.clone();
        let timer = set_timeout_with_handle(
            move || {
                done.borrow_mut().remove(&key);
                let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                    return;
                };
                let get = |k: &str| data.get(k).as_string().unwrap_or_default();
                let fields = CommentFields {
                    kind: get("fields[kind]"),
                    body: get("fields[body]"),
                    quote: get("fields[quote]"),
                    proposal: get("fields[proposal]"),
                    attribution: get("fields[attribution]"),
                    consent: data.get("fields[consent]").as_string(),
                };
                leptos::task::spawn_local(async move {
                    // A failure (e.g. an ended session) keeps the text server-side anyway.
                    let _ = save_comment_draft(consultation, key, fields).await;
                });
            },
            std::time::Duration::from_millis(1500),
        );
        if let Ok(timer) = timer {
            pending.borrow_mut().insert(slot, timer);
        }
    });
    // The listener lives as long as the page.
    std::mem::forget(handle);
}
