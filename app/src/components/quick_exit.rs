//! Quick exit: a real link on every page, plus keyboard shortcuts when JavaScript runs.

use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// The quick-exit link. `/exit` ends the session, clears site data and leaves to a neutral
/// site; it works without JavaScript. With JavaScript, Escape twice or Shift three times
/// (within about a second, nothing else pressed in between) does the same.
#[component]
pub fn QuickExit() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="quick-exit" href="/exit" rel="external noreferrer" title=move || crate::i18n::t_string!(i18n, quick_exit_hint).to_string()>
            {t!(i18n, quick_exit)}
        </a>
    }
}

/// Installs the keyboard shortcuts (once per page load, by [`super::page_scripts`]).
#[cfg(feature = "hydrate")]
pub(crate) fn install_shortcuts() {
    use std::cell::RefCell;
    use std::rc::Rc;

    // Times (ms) of the recent presses of each key.
    let presses: Rc<RefCell<(Vec<f64>, Vec<f64>)>> = Rc::default();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let now = js_sys::Date::now();
        let mut p = presses.borrow_mut();
        if ev.repeat() {
            return;
        }
        let (list, needed, within) = match ev.key().as_str() {
            "Escape" => (&mut p.0, 2, 1000.0),
            "Shift" => (&mut p.1, 3, 1500.0),
            _ => {
                // Typing capitals ("Shift, S, …, Shift, A") must never leave the page: any
                // other key starts the count again.
                p.0.clear();
                p.1.clear();
                return;
            }
        };
        list.retain(|t| now - *t < within);
        list.push(now);
        if list.len() >= needed
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().replace("/exit");
        }
    });
    // The listener lives as long as the page.
    std::mem::forget(handle);
}
