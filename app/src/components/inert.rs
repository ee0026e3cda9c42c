//! Server-rendered regions that the browser never rebuilds.
//!
//! A long page such as a chapter with a hundred comments has nothing the browser needs to
//! bring to life: its forms are plain POST forms and autosave listens on the whole document.
//! Hydrating it would mean sending every comment twice — once as HTML and once as data for
//! the client to render the same HTML again. An [`Inert`] resource sends only "loaded" (or the
//! error) to the client; the page renders the region to a string with
//! [`inner_html`](leptos::html), and hydration leaves an element's inner HTML alone, so the
//! server's markup stays as it is. When the browser navigates to such a page itself, the data
//! comes in full from the server function and the same components render it.

use codee::{Decoder, Encoder};

use crate::model::AppError;

/// A page's data: in full on the server (and after client-side navigation), or only the
/// fact that it loaded while the browser takes over the server's HTML.
#[derive(Debug, Clone)]
pub enum Inert<T> {
    /// The data, to render.
    Loaded(T),
    /// The server rendered it; the HTML is already in the page.
    Hydrating,
}

/// The hydration codec of an [`Inert`] resource: the data itself never crosses.
#[derive(Debug, Clone, Copy)]
pub struct InertCodec;

/// What crosses for an `Ok`: a marker, nothing of the data.
const LOADED: &str = "\"loaded\"";

impl<T: 'static> Encoder<Result<Inert<T>, AppError>> for InertCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &Result<Inert<T>, AppError>) -> Result<String, Self::Error> {
        match val {
            Ok(_) => Ok(LOADED.to_owned()),
            Err(error) => serde_json::to_string(error),
        }
    }
}

impl<T: 'static> Decoder<Result<Inert<T>, AppError>> for InertCodec {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<Result<Inert<T>, AppError>, Self::Error> {
        if val == LOADED {
            Ok(Ok(Inert::Hydrating))
        } else {
            serde_json::from_str::<AppError>(val).map(Err)
        }
    }
}

impl<T> Inert<T> {
    /// Renders the data to HTML with `render`; while hydrating, nothing (the server's HTML
    /// stays in place because hydration does not touch inner HTML).
    pub fn html<V: leptos::tachys::view::RenderHtml>(self, render: impl FnOnce(T) -> V) -> String {
        match self {
            Inert::Loaded(data) => render(data).to_html(),
            Inert::Hydrating => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_marker_or_the_error_crosses() {
        let loaded: Result<Inert<String>, AppError> = Ok(Inert::Loaded("secret".to_owned()));
        let encoded = <InertCodec as Encoder<_>>::encode(&loaded).expect("encodes");
        assert!(!encoded.contains("secret"));
        let decoded: Result<Inert<String>, AppError> =
            <InertCodec as Decoder<_>>::decode(&encoded).expect("decodes");
        assert!(matches!(decoded, Ok(Inert::Hydrating)));

        let failed: Result<Inert<String>, AppError> = Err(AppError::NotFound);
        let encoded = <InertCodec as Encoder<_>>::encode(&failed).expect("encodes");
        let decoded: Result<Inert<String>, AppError> =
            <InertCodec as Decoder<_>>::decode(&encoded).expect("decodes");
        assert!(matches!(decoded, Err(AppError::NotFound)));
    }
}
