//! The shell's rows: the start page, the page context, the language, the demo (absent here),
//! health checks and quick exit.

use super::*;

pub(super) const ROWS: &[Row] = &[
    func("/fn/session/context", &[], Scope::Global, EVERYONE),
    func(
        "/fn/preferences/language",
        &[("lang", "en")],
        Scope::Global,
        EVERYONE,
    ),
    func("/fn/demo/people", &[], Scope::Global, NOT_HERE),
    func(
        "/fn/demo/sign-in",
        &[("person", "{member}")],
        Scope::Global,
        NOT_HERE,
    ),
    // Pages: 200 when allowed; a sign-in prompt (401), 403 or 404 when not.
    page("/", "/", Scope::Acting, EVERYONE).shows(Fixture::Consultation),
    page("/demo", "/demo", Scope::Global, NOT_HERE),
    // Routes outside Leptos.
    plain("/healthz", EVERYONE),
    plain("/readyz", EVERYONE),
    plain("/exit", EVERYONE_SENT_AWAY),
];
