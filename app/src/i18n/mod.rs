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
