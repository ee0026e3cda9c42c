//! Forms that work the same with and without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// A plain POST form to a server function, followed by a full page load.
///
/// The page sends `Referrer-Policy: no-referrer`, so the browser does not tell the server
/// which page a form came from; the form therefore names its page in `return_to`, and the
/// server sends the visitor back there (with the error code, if any).
#[component]
pub fn PostForm(
    /// The server function's URL, e.g. `DemoSignIn::url()`.
    url: &'static str,
    /// Extra classes for the `<form>`.
    #[prop(optional)]
    class: &'static str,
    /// Where to go back to (a local path, may end in `#fragment`); the current page when unset.
    #[prop(optional, into)]
    return_to: Option<String>,
    /// Saves what is typed as a draft (consultation, slot), see [`super::autosave`].
    #[prop(optional, into)]
    autosave: Option<(String, String)>,
    /// The form's id (fields elsewhere on the page join it with `form=`).
    #[prop(optional)]
    id: Option<&'static str>,
    /// The form's fields and button.
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let action = move || {
        if let Some(back) = &return_to {
            return format!("{url}?return_to={}", url_encode(back));
        }
        // The query stays (e.g. an invitation's token), minus a previous error.
        let search: String = location
            .search
            .get()
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("__path=") && !p.starts_with("__err="))
            .collect::<Vec<_>>()
            .join("&");
        let back = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        };
        let encoded: String = url_encode(&back);
        format!("{url}?return_to={encoded}")
    };
    view! {
        <form method="post" action=action class=class id=id
            data-autosave-consultation=autosave.as_ref().map(|(c, _)| c.clone())
            data-autosave-slot=autosave.map(|(_, s)| s)>
            {children()}
        </form>
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::url_encode;

    #[test]
    fn keeps_paths_readable_and_escapes_the_rest() {
        assert_eq!(url_encode("/consultations/abc-1"), "/consultations/abc-1");
        assert_eq!(url_encode("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}

/// A `<textarea>` that escapes its text itself. Leptos 0.8 writes a textarea's children raw
/// (leptos PR 4730 escaped them, PR 4819 reverted it), so a text holding `</textarea>` would
/// close the field and turn the rest into live markup. Here the text is escaped and goes in
/// through `inner_html`, which is raw in every version, so the result does not depend on the
/// framework's choice; the browser decodes the entities back inside the field. Every form uses
/// this, never `<textarea>` directly (`tests/it/platform/layout.rs` checks).
#[component]
pub fn TextArea(
    /// The field's id (its `<label for>`).
    #[prop(into)]
    id: String,
    /// The form field's name.
    name: &'static str,
    /// Visible lines.
    rows: &'static str,
    /// The longest text the browser lets one type.
    #[prop(optional)]
    maxlength: Option<&'static str>,
    /// The text the field starts with.
    #[prop(optional, into)]
    text: String,
) -> impl IntoView {
    let escaped = html_escape::encode_text(&text).into_owned();
    view! { <textarea id=id name=name rows=rows maxlength=maxlength inner_html=escaped></textarea> }
}
