//! The HTML shell, the router and the page layout.

use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::layout::Layout;
use crate::i18n::I18nContextProvider;
use crate::pages::consultations::answers::AnswersPage;
use crate::pages::consultations::manage::{ManagePage, NewConsultationPage};
use crate::pages::consultations::outcome::{DiffPage, OutcomePage, PublicOutcomePage};
use crate::pages::consultations::reading::{ChapterPage, ConsultationPage};
use crate::pages::consultations::section::SectionCommentsPage;
use crate::pages::honoraria::finance::{BatchPage, BatchesPage, FinancePage};
use crate::pages::honoraria::meetings::{MeetingPage, MeetingsPage};
use crate::pages::honoraria::rates::RatesPage;
use crate::pages::honoraria::statements::{PaymentTimesPage, StatementPage, YearTotalsPage};
use crate::pages::honoraria::time::{PaymentPage, TimePage};
use crate::pages::identity::account::AccountPage;
use crate::pages::identity::council::{AuditLogPage, InvitationsPage, MembersPage};
use crate::pages::identity::invitation::InvitationPage;
use crate::pages::identity::sign_in::{
    RecoveryCodesPage, SecondFactorPage, SignInLinkPage, SignInPage, SignInSentPage,
};
use crate::pages::mentorship::cases::{CasePage, CasesPage};
use crate::pages::mentorship::pair::{CertificatePage, PairPage};
use crate::pages::mentorship::place::PlacePage;
use crate::pages::mentorship::programme::ProgrammePage;
use crate::pages::mentorship::programmes::ProgrammesPage;
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
    #[cfg(feature = "ssr")]
    pause_effects_once_rendered();
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
                        <Route path=path!("consultations/:id/comments/:anchor") view=SectionCommentsPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/manage") view=ManagePage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/answers") view=AnswersPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/changes") view=DiffPage ssr=SsrMode::Async/>
                        <Route path=path!("consultations/:id/outcome") view=OutcomePage ssr=SsrMode::Async/>
                        <Route path=path!("outcome/:id") view=PublicOutcomePage ssr=SsrMode::Async/>
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
                        <Route path=path!("council/rates") view=RatesPage ssr=SsrMode::Async/>
                        <Route path=path!("time") view=TimePage ssr=SsrMode::Async/>
                        <Route path=path!("time/payment") view=PaymentPage ssr=SsrMode::Async/>
                        <Route path=path!("time/statement") view=StatementPage ssr=SsrMode::Async/>
                        <Route path=path!("finance/totals") view=YearTotalsPage ssr=SsrMode::Async/>
                        <Route path=path!("council/payment-times") view=PaymentTimesPage ssr=SsrMode::Async/>
                        <Route path=path!("meetings") view=MeetingsPage ssr=SsrMode::Async/>
                        <Route path=path!("meetings/:id") view=MeetingPage ssr=SsrMode::Async/>
                        <Route path=path!("finance") view=FinancePage ssr=SsrMode::Async/>
                        <Route path=path!("finance/batches") view=BatchesPage ssr=SsrMode::Async/>
                        <Route path=path!("finance/batches/:id") view=BatchPage ssr=SsrMode::Async/>
                        <Route path=path!("programmes") view=ProgrammesPage ssr=SsrMode::Async/>
                        <Route path=path!("programmes/:id") view=ProgrammePage ssr=SsrMode::Async/>
                        <Route path=path!("places/:id") view=PlacePage ssr=SsrMode::Async/>
                        <Route path=path!("pairs/:id") view=PairPage ssr=SsrMode::Async/>
                        <Route path=path!("pairs/:id/certificate") view=CertificatePage ssr=SsrMode::Async/>
                        <Route path=path!("cases") view=CasesPage ssr=SsrMode::Async/>
                        <Route path=path!("cases/:id") view=CasePage ssr=SsrMode::Async/>
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// Stops the request's server-side effects from running once its HTML is rendered.
///
/// leptos_i18n starts an isomorphic effect for every request; on the server it is a task
/// that first runs whenever the runtime gets to it. Under load that can be after the response
/// was sent and the request's signals were disposed, and the effect then panics ("Tried to
/// access a reactive value that has already been disposed"; seen 4 times in 6 benchmark runs
/// of about 60,000 pages each). Effects play no part in server rendering, so after rendering the request's
/// owner is paused: a paused effect skips its run. The pause runs as a deferred step of the
/// response stream, which Leptos awaits once the HTML is complete (every page here, and the
/// fallback, renders the whole page before the first chunk; a streamed route would be paused
/// too early) and before it cleans up. The same holds for Leptos's own Suspense effect. The
/// server runs each page in its own task, so a client that leaves does not drop a render
/// half-way, before this step (`finish_without_the_client` in the server crate).
#[cfg(feature = "ssr")]
fn pause_effects_once_rendered() {
    use leptos::reactive::owner::Owner;
    let (Some(owner), Some(shared)) = (Owner::current(), Owner::current_shared_context()) else {
        return;
    };
    if leptos_router::RouteList::is_generating() {
        // Listing the routes (once per process, at start) renders the app in an owner Leptos
        // drops right after, with no response stream to pause in; that owner is kept instead.
        static LISTINGS: std::sync::Mutex<Vec<Owner>> = std::sync::Mutex::new(Vec::new());
        if let Ok(mut kept) = LISTINGS.lock() {
            kept.push(owner);
        }
        return;
    }
    // Weak, so the owner's own shared context does not keep the owner alive.
    let owner = owner.downgrade();
    shared.defer_stream(Box::pin(async move {
        if let Some(owner) = owner.upgrade() {
            owner.pause();
        }
    }));
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
