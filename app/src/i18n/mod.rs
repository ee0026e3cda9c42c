//! Translations, generated at build time from `app/locales/*.json` by `build.rs`.
//! All user-facing text goes through here; English is the default and complete.

#![expect(
    clippy::module_inception,
    reason = "the generated code is a module named i18n"
)]
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub use i18n::*;

/// The cookie that keeps the chosen language (the name leptos_i18n reads and writes).
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// The language kept in a request's `Cookie` header, if any.
pub fn locale_from_cookie(header: &str) -> Option<Locale> {
    header.split(';').find_map(|pair| {
        pair.trim()
            .strip_prefix(LANGUAGE_COOKIE)
            .and_then(|v| v.strip_prefix('='))
            .and_then(|v| v.parse::<Locale>().ok())
    })
}

/// The language of a request outside a page (a streamed document): the language cookie,
/// else the browser's languages (`Accept-Language`, in its order), else the default.
pub fn request_locale(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
    use leptos_i18n::Locale as _;
    if let Some(found) = cookie.and_then(locale_from_cookie) {
        return found;
    }
    let accepted: Vec<&str> = accept_language
        .unwrap_or("")
        .split(',')
        .filter_map(|tag| tag.split(';').next().map(str::trim))
        .filter(|tag| !tag.is_empty())
        .collect();
    Locale::find_locale(&accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_speaks_its_cookie_then_its_browser() {
        let (french, english) = (Locale::fr, Locale::default());
        assert_eq!(
            request_locale(Some("a=1; i18n_pref_locale=fr"), Some("en")),
            french
        );
        assert_eq!(
            request_locale(None, Some("fr-CH, fr;q=0.9, en;q=0.5")),
            french
        );
        assert_eq!(
            request_locale(Some("i18n_pref_locale=xx"), Some("de, en")),
            english
        );
        assert_eq!(request_locale(None, Some(";;,")), english);
        assert_eq!(request_locale(None, None), english);
    }
}
