//! The HTML shell, the router and the page layout.

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::Layout;
use crate::i18n::I18nContextProvider;
use crate::pages::account::AccountPage;
use crate::pages::consultation::{ChapterPage, ConsultationPage};
use crate::pages::council::{AuditLogPage, InvitationsPage, MembersPage};
use crate::pages::invitation::InvitationPage;
use crate::pages::manage::{AnswersPage, ManagePage, NewConsultationPage};
use crate::pages::outcome::{
    DiffPage, OutcomePage, OutcomePrintPage, PublicOutcomePage, PublicOutcomePrintPage,
};
use crate::pages::sign_in::{
    RecoveryCodesPage, SecondFactorPage, SignInLinkPage, SignInPage, SignInSentPage,
};
use crate::pages::{demo::DemoPage, home::HomePage, not_found::NotFound};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        // `lang` and `dir` are set by the translation layer for the chosen language.
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="robots" content="noindex, nofollow"/>
                <link rel="stylesheet" href="/pkg/roundtable.css"/>
                // A neutral icon: nothing in the tab may hint at what the site is about.
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: translations, router and pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Router>
                <Layout>
                    // Async: the whole page is rendered before it is sent, so it works without
                    // JavaScript and errors can still set the HTTP status.
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/new") view=NewConsultationPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id") view=ConsultationPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/part/:anchor") view=ChapterPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/manage") view=ManagePage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/answers") view=AnswersPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/changes") view=DiffPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/outcome") view=OutcomePage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/outcome/print") view=OutcomePrintPage ssr=SsrMode::Async/>
                        <Route path=path!("outcome/:id") view=PublicOutcomePage ssr=SsrMode::Async/>
                        <Route path=path!("outcome/:id/print") view=PublicOutcomePrintPage ssr=SsrMode::Async/>
                        <Route path=path!("demo") view=DemoPage ssr=SsrMode::Async/>
                        <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::Async/>
                        <Route path=path!("sign-in/sent") view=SignInSentPage ssr=SsrMode::Async/>
                        <Route path=path!("sign-in/link") view=SignInLinkPage ssr=SsrMode::Async/>
                        <Route path=path!("sign-in/second-factor") view=SecondFactorPage ssr=SsrMode::Async/>
                        <Route path=path!("sign-in/recovery-codes") view=RecoveryCodesPage ssr=SsrMode::Async/>
                        <Route path=path!("invitation") view=InvitationPage ssr=SsrMode::Async/>
                        <Route path=path!("account") view=AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("council/members") view=MembersPage ssr=SsrMode::Async/>
                        <Route path=path!("council/invitations") view=InvitationsPage ssr=SsrMode::Async/>
                        <Route path=path!("council/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// The page's Content-Security-Policy: scripts only from this site, and the inline hydration
/// script only with this response's nonce.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{}'", &*n))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
