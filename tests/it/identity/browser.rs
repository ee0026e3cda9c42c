//! Browser end-to-end tests of the identity flows: an invitation from the mail to a signed-in
//! pseudonym, OpenID Connect, the second factor, quick exit after signing in, and a form whose
//! session ended. Each runs with JavaScript on and off, checks every page of ours with
//! axe-core and, with JavaScript, fails on console errors. Prerequisites and skipping work as
//! in [`crate::harness::browser`]; mail goes to a real SMTP server ([`SmtpPeer`]).

use std::time::Duration;

use fantoccini::Locator;
use roundtable_app::domain::identity::entities::person;
use roundtable_app::domain::identity::entities::session;
use roundtable_app::model::viewer::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::time::Instant;

use crate::fixtures::{create_council, create_person};
use crate::harness::browser::{Browser, prerequisites, weather_site};
use crate::harness::peers::{OidcPeer, ReceivedMail, SmtpPeer};
use crate::harness::{Db, TestApp, free_port};

/// How long a page may take to appear after a click or a redirect.
const PAGE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a mail may take to reach the SMTP peer.
const MAIL_TIMEOUT: Duration = Duration::from_secs(20);

/// How often a waiting test looks again.
const POLL: Duration = Duration::from_millis(100);

impl Browser {
    /// The first element matching `css`, or a failure with a screenshot.
    pub(crate) async fn element(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(_) => panic!("{}", self.report(&format!("no element {css}")).await),
        }
    }

    /// Fails the test with a report (see [`Browser::report`]) unless `ok`.
    pub(crate) async fn check(&self, ok: bool, what: &str) {
        if !ok {
            let report = self.report(what).await;
            panic!("{report}");
        }
    }

    /// Whether an element matches `css` now.
    pub(crate) async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Replaces the text of the field `css` with `text`, typed key by key.
    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let field = self.element(css).await;
        field.clear().await.expect("the field clears");
        field.send_keys(text).await.expect("typing into the field");
    }

    /// The current value of the form field `css`.
    pub(crate) async fn value(&self, css: &str) -> String {
        self.element(css)
            .await
            .prop("value")
            .await
            .expect("the field's value")
            .unwrap_or_default()
    }

    /// The attribute `name` of the first element matching `css` (empty when it has none).
    pub(crate) async fn attr(&self, css: &str, name: &str) -> String {
        self.element(css)
            .await
            .attr(name)
            .await
            .expect("the attribute")
            .unwrap_or_default()
    }

    /// Chooses the option with `value` in the select `css`.
    pub(crate) async fn choose(&self, css: &str, value: &str) {
        self.element(css)
            .await
            .select_by_value(value)
            .await
            .expect("the option is chosen");
    }

    /// Waits until the browser shows `path` (any query) with an element matching `css`, then
    /// for the page as [`Browser::settle`] does: hydration with JavaScript, then axe-core.
    pub(crate) async fn arrive(&self, path: &str, css: &str) {
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let url = self.client.current_url().await.expect("the current URL");
            if url.path() == path && self.has(css).await {
                break;
            }
            if Instant::now() >= deadline {
                let report = self
                    .report(&format!("expected {path} showing {css}; at {url}"))
                    .await;
                panic!("{report}");
            }
            tokio::time::sleep(POLL).await;
        }
        self.settle().await;
    }

    /// Why a test fails: `what`, the page's URL and text, console errors, and a screenshot
    /// saved under the temporary folder.
    pub(crate) async fn report(&self, what: &str) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map_or_else(|e| format!("({e})"), |u| u.to_string());
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let shot = std::env::temp_dir().join(format!(
            "browser-identity-{}.png",
            uuid::Uuid::new_v4().simple()
        ));
        let saved = match self.client.screenshot().await {
            Ok(png) => std::fs::write(&shot, png).map_or_else(
                |e| format!("screenshot not saved: {e}"),
                |()| format!("screenshot: {}", shot.display()),
            ),
            Err(e) => format!("no screenshot: {e}"),
        };
        let errors = if self.js {
            self.console_errors().await
        } else {
            Vec::new()
        };
        format!(
            "{what} (JavaScript {}; {saved})\nURL: {url}\nconsole errors: {errors:?}\npage text:\n{text}",
            if self.js { "on" } else { "off" }
        )
    }

    /// With JavaScript, fails on any console error from this app's origin except failed loads
    /// of `expected` (paths, with the start of their query: pages answered 401 or 410 on
    /// purpose). Then closes the browser.
    pub(crate) async fn finish(self, app: &TestApp, expected: &[&str]) {
        if self.js {
            let origin = app.base.as_str().trim_end_matches('/').to_owned();
            let errors: Vec<String> = self
                .console_errors()
                .await
                .into_iter()
                .filter(|e| {
                    e.starts_with(&origin)
                        && !expected.iter().any(|path| {
                            e.starts_with(&format!("{origin}{path}"))
                                && e.contains("Failed to load resource")
                        })
                })
                .collect();
            assert!(errors.is_empty(), "console errors: {errors:?}");
        }
        self.close().await;
    }
}

/// The mail a test's server sent to the SMTP peer, read in order.
struct Inbox {
    peer: SmtpPeer,
    read: usize,
}

impl Inbox {
    /// Starts the SMTP peer; `None` when it cannot run here (see [`SmtpPeer::start`]).
    async fn start() -> Option<Self> {
        Some(Self {
            peer: SmtpPeer::start(0).await?,
            read: 0,
        })
    }

    /// The next mail not read yet, waiting for it to arrive.
    async fn next(&mut self) -> ReceivedMail {
        let mut mails = self
            .peer
            .wait_for_messages(self.read + 1, MAIL_TIMEOUT)
            .await;
        assert!(
            mails.len() > self.read,
            "mail number {} arrived within {MAIL_TIMEOUT:?}",
            self.read + 1
        );
        self.read += 1;
        mails.swap_remove(self.read - 1)
    }
}

/// The one link in `mail`, which must lead to `app`.
fn only_link(mail: &ReceivedMail, app: &TestApp) -> String {
    let links = mail.links();
    assert_eq!(links.len(), 1, "one link in {:?}", mail.subject());
    assert!(
        links[0].starts_with(app.base.as_str()),
        "{} leads to {}",
        links[0],
        app.base
    );
    links[0].clone()
}

/// On a sign-in page (`/sign-in`, any `next`): asks for a link for `email`, opens it from the
/// mail, presses the button, and waits for `landing` showing `css`.
async fn sign_in_by_link(
    browser: &Browser,
    app: &TestApp,
    inbox: &mut Inbox,
    email: &str,
    landing: &str,
    css: &str,
) {
    browser.fill("#email", email).await;
    browser.click("form:has(#email) button[type=submit]").await;
    browser.arrive("/sign-in/sent", "main [role=status]").await;
    let mail = inbox.next().await;
    assert_eq!(mail.to, vec![email.to_owned()], "the link goes to {email}");
    browser.visit(&only_link(&mail, app)).await;
    assert_eq!(
        browser.client.current_url().await.expect("url").path(),
        "/sign-in/link",
        "opening the link only shows a button"
    );
    browser.click("#use-link").await;
    browser.arrive(landing, css).await;
}

/// A fresh server (SQLite, `settings` added) sending mail to a fresh SMTP peer; `None` when
/// a prerequisite is missing outside CI.
async fn app_with_inbox(settings: &[(&'static str, String)]) -> Option<(TestApp, Inbox)> {
    if !prerequisites() {
        return None;
    }
    let inbox = Inbox::start().await?;
    let mut builder = TestApp::builder(Db::Sqlite).smtp(inbox.peer.url());
    for (name, value) in settings.iter().cloned() {
        builder = builder.setting(name, value);
    }
    let app = builder.spawn().await;
    Some((app, inbox))
}

/// The stored person called `name`.
async fn person_named(app: &TestApp, name: &str) -> person::Model {
    person::Entity::find()
        .filter(person::Column::DisplayName.eq(name))
        .one(&app.db)
        .await
        .expect("person query")
        .unwrap_or_else(|| panic!("a person called {name}"))
}

/// Invite → the mail arrives at the SMTP server → its link → choose a pseudonym → signed in;
/// the link then no longer works.
async fn invitation_end_to_end(js: bool) {
    let Some((app, mut inbox)) = app_with_inbox(&[]).await else {
        return;
    };
    let council = create_council(&app, "at").await;
    create_person(
        &app,
        council,
        "Steady Oak",
        "staff@example.org",
        &[Role::Secretariat],
    )
    .await;

    // The secretariat signs in with an email link and invites a new member.
    let staff = Browser::start(js).await;
    staff.visit(app.url("/sign-in").as_str()).await;
    sign_in_by_link(
        &staff,
        &app,
        &mut inbox,
        "staff@example.org",
        "/",
        ".viewer",
    )
    .await;
    assert_eq!(staff.text(".viewer").await, "Signed in as Steady Oak");
    staff.visit(app.url("/council/invitations").as_str()).await;
    assert!(
        !staff.has("#pending-invitations").await,
        "no invitations yet"
    );
    staff.fill("#email", "new.member@example.org").await;
    staff.choose("#role", "member").await;
    staff.click("#send-invitation").await;
    staff
        .arrive("/council/invitations", "#pending-invitations li")
        .await;
    let pending = staff.text("#pending-invitations").await;
    assert!(
        !pending.contains("new.member"),
        "the list shows no address: {pending}"
    );
    staff.finish(&app, &[]).await;

    let mail = inbox.next().await;
    assert_eq!(mail.to, vec!["new.member@example.org".to_owned()]);
    assert_eq!(
        mail.subject(),
        "You have a new message",
        "a neutral subject"
    );
    let body = mail.body_text();
    assert!(
        !body.contains("Steady Oak"),
        "no display name in the mail:\n{body}"
    );
    let link = only_link(&mail, &app);
    assert!(
        link.starts_with(app.url("/invitation?token=").as_str()),
        "{link}"
    );

    // The invitee, in a browser of their own, replaces the suggested pseudonym with their own
    // choice and is signed in.
    let invitee = Browser::start(js).await;
    invitee.visit(&link).await;
    let suggested = invitee.value("#display_name").await;
    assert!(!suggested.trim().is_empty(), "a pseudonym is suggested");
    assert_ne!(suggested, "Quiet River");
    invitee.fill("#display_name", "Quiet River").await;
    invitee.choose("#language", "fr").await;
    invitee.click("#notify-none").await;
    invitee.click("#accept-invitation").await;
    invitee.arrive("/", ".viewer").await;
    let viewer = invitee.text(".viewer").await;
    assert!(
        viewer.contains("Quiet River"),
        "the header shows the pseudonym: {viewer}"
    );
    let stored = person_named(&app, "Quiet River").await;
    assert_eq!(stored.preferred_language, "fr");
    assert_eq!(stored.notify, "none");

    // The same link again: a clear message, not a server error.
    invitee.visit(&link).await;
    assert!(
        invitee
            .has("main [role=alert][data-error-code=link_invalid]")
            .await,
        "the used link is explained"
    );
    assert!(!invitee.has("#accept-invitation").await, "no form any more");
    let path = link
        .strip_prefix(app.base.as_str().trim_end_matches('/'))
        .expect("the link is ours");
    assert_eq!(app.page(path).await.0, 410, "gone, not a server error");
    invitee.finish(&app, &["/invitation?token="]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_with_javascript() {
    invitation_end_to_end(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_without_javascript() {
    invitation_end_to_end(false).await;
}

/// Signing in through the OpenID provider, which answers without a page of its own.
async fn openid_connect(js: bool) {
    if !prerequisites() {
        return;
    }
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/auth/oidc/callback");
    let Some(idp) =
        OidcPeer::start("roundtable", "s3cret", &redirect, "ana@example.org", true).await
    else {
        return;
    };
    let app = TestApp::builder(Db::Sqlite)
        .listen(format!("127.0.0.1:{port}"))
        .setting("ROUNDTABLE_OIDC_ISSUER", idp.issuer.clone())
        .setting("ROUNDTABLE_OIDC_CLIENT_ID", "roundtable")
        .setting("ROUNDTABLE_OIDC_CLIENT_SECRET", "s3cret")
        .spawn()
        .await;
    let council = create_council(&app, "at").await;
    create_person(
        &app,
        council,
        "Blue Heron",
        "ana@example.org",
        &[Role::Member],
    )
    .await;

    let browser = Browser::start(js).await;
    browser.visit(app.url("/sign-in").as_str()).await;
    assert!(!browser.has(".viewer").await, "not signed in yet");
    browser.click("#oidc-sign-in").await;
    browser.arrive("/", ".viewer").await;
    assert_eq!(browser.text(".viewer").await, "Signed in as Blue Heron");
    browser.finish(&app, &[]).await;
    drop(idp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openid_connect_with_javascript() {
    openid_connect(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openid_connect_without_javascript() {
    openid_connect(false).await;
}

/// The current code of a TOTP app holding the base32 `secret`.
fn totp_now(secret: &str, offset_steps: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("the secret is base32");
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    )
    .expect("a valid TOTP");
    let now = chrono::Utc::now().timestamp() + offset_steps * 30;
    totp.generate(u64::try_from(now).expect("after 1970"))
}

/// Finance needs a second factor: enrolment with a QR code and the secret, recovery codes,
/// then on the next sign-in a code, where a wrong one is refused and a recovery code works.
async fn second_factor(js: bool) {
    let Some((app, mut inbox)) = app_with_inbox(&[]).await else {
        return;
    };
    let council = create_council(&app, "at").await;
    create_person(
        &app,
        council,
        "Blue Heron",
        "ana@example.org",
        &[Role::Member, Role::Finance],
    )
    .await;

    // First sign-in: enrol.
    let browser = Browser::start(js).await;
    browser.visit(app.url("/sign-in").as_str()).await;
    sign_in_by_link(
        &browser,
        &app,
        &mut inbox,
        "ana@example.org",
        "/sign-in/second-factor",
        "#totp-secret",
    )
    .await;
    assert!(
        browser.has("figure.qr [role=img] svg").await,
        "a QR code to scan"
    );
    let secret = browser.text("#totp-secret").await;
    assert!(!secret.trim().is_empty(), "the secret to type instead");
    let code = totp_now(secret.trim(), 0);
    browser.fill("#code", &code).await;
    assert_eq!(browser.value("#code").await, code, "the code as typed");
    // Shown only if the test fails: what was typed, for which secret, when.
    eprintln!(
        "enrolment: secret {secret}, code {code}, at {}",
        chrono::Utc::now()
    );
    browser.click("form:has(#code) button[type=submit]").await;
    browser
        .arrive("/sign-in/recovery-codes", "#recovery-codes")
        .await;
    let codes: Vec<String> = browser
        .text("#recovery-codes")
        .await
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes: {codes:?}");
    browser.finish(&app, &[]).await;
    // The person is told, neutrally, that their sign-in changed.
    let notice = inbox.next().await;
    assert_eq!(notice.to, vec!["ana@example.org".to_owned()]);
    assert_eq!(notice.subject(), "Your sign-in settings changed");

    // Next sign-in, elsewhere: a code is asked for.
    let browser = Browser::start(js).await;
    browser.visit(app.url("/sign-in").as_str()).await;
    sign_in_by_link(
        &browser,
        &app,
        &mut inbox,
        "ana@example.org",
        "/sign-in/second-factor",
        "#code",
    )
    .await;
    assert!(!browser.has("#totp-secret").await, "no new enrolment");
    let valid: Vec<String> = (-1..=1).map(|s| totp_now(secret.trim(), s)).collect();
    let wrong = (0..)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .expect("a wrong code");
    browser.fill("#code", &wrong).await;
    browser.click("form:has(#code) button[type=submit]").await;
    browser
        .arrive("/sign-in/second-factor", "main [role=alert]")
        .await;
    let alert = browser.text("main [role=alert]").await;
    assert!(!alert.trim().is_empty(), "the refusal is explained");
    // The page keeps working: the form is still there, and a recovery code lets them in.
    browser.fill("#code", &codes[0]).await;
    browser.click("form:has(#code) button[type=submit]").await;
    browser.arrive("/", ".viewer").await;
    assert_eq!(browser.text(".viewer").await, "Signed in as Blue Heron");
    browser.visit(app.url("/account").as_str()).await;
    let waiting = browser.has("main a[href=\"/sign-in/second-factor\"]").await;
    browser
        .check(!waiting, "no role waits for the second factor any more")
        .await;
    // A new phone: the account page leads to a replacement, which asks for the current factor
    // too (here a recovery code) and keeps the old one on until the switch.
    browser
        .click("main a[href=\"/sign-in/second-factor?replace=1\"]")
        .await;
    browser.arrive("/sign-in/second-factor", "#current").await;
    let fresh = browser.text("#totp-secret").await;
    assert_ne!(fresh.trim(), secret.trim(), "a new key for the new app");
    browser.fill("#code", &totp_now(fresh.trim(), 0)).await;
    browser.fill("#current", &codes[1]).await;
    browser
        .click("form:has(#current) button[type=submit]")
        .await;
    browser
        .arrive("/sign-in/recovery-codes", "#recovery-codes")
        .await;
    let notice = inbox.next().await;
    assert_eq!(
        notice.subject(),
        "Your sign-in settings changed",
        "told again"
    );
    browser.finish(&app, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_with_javascript() {
    second_factor(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_without_javascript() {
    second_factor(false).await;
}

/// How a test leaves by quick exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// Escape twice (JavaScript only).
    Keys,
    /// The quick-exit link, as on a phone.
    Link,
}

/// Quick exit after signing in leaves for the neutral site, and Back shows nothing private.
async fn quick_exit_after_sign_in(js: bool, exit: Exit) {
    let (weather, _site) = weather_site().await;
    let Some((app, mut inbox)) = app_with_inbox(&[("ROUNDTABLE_EXIT_URL", weather.clone())]).await
    else {
        return;
    };
    let council = create_council(&app, "at").await;
    create_person(
        &app,
        council,
        "Silent Harbour",
        "ana@example.org",
        &[Role::Member],
    )
    .await;

    let browser = Browser::start(js).await;
    browser.visit(app.url("/sign-in").as_str()).await;
    sign_in_by_link(
        &browser,
        &app,
        &mut inbox,
        "ana@example.org",
        "/",
        ".viewer",
    )
    .await;
    browser.visit(app.url("/account").as_str()).await;
    assert_eq!(browser.value("#display_name").await, "Silent Harbour");

    if exit == Exit::Keys {
        let body = browser.element("body").await;
        let esc = fantoccini::key::Key::Escape.to_string();
        body.send_keys(&esc).await.expect("escape");
        body.send_keys(&esc).await.expect("escape");
    } else {
        browser.click("a.quick-exit").await;
    }
    let left = browser
        .client
        .wait()
        .at_most(PAGE_TIMEOUT)
        .for_url(&url::Url::parse(&weather).expect("url"))
        .await;
    if left.is_err() {
        let report = browser
            .report("quick exit did not reach the neutral site")
            .await;
        panic!("{report}");
    }

    // Back: one of our pages again (the account page, or the one before it where the exit
    // replaced the account page in the history), fetched anew without the session.
    browser.client.back().await.expect("back");
    let deadline = Instant::now() + PAGE_TIMEOUT;
    let back = loop {
        let url = browser.client.current_url().await.expect("url");
        if url.origin() == app.base.origin() && browser.has("main h1").await {
            break url;
        }
        if Instant::now() >= deadline {
            let report = browser.report("Back did not return to the app").await;
            panic!("{report}");
        }
        tokio::time::sleep(POLL).await;
    };
    browser.settle().await;
    let source = browser.client.source().await.expect("source");
    let signed_in = browser.has(".viewer").await;
    browser
        .check(
            !source.contains("Silent Harbour") && !signed_in,
            &format!("nothing private after quick exit and Back to {back}"),
        )
        .await;
    if back.path() == "/account" {
        let prompt = browser.has("main [data-error-code=unauthenticated]").await;
        browser
            .check(prompt, "the account page asks to sign in")
            .await;
    }
    browser.finish(&app, &["/account"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_exit_after_sign_in_with_javascript() {
    quick_exit_after_sign_in(true, Exit::Keys).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_exit_link_after_sign_in_with_javascript() {
    quick_exit_after_sign_in(true, Exit::Link).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_exit_after_sign_in_without_javascript() {
    quick_exit_after_sign_in(false, Exit::Link).await;
}

/// A session that ends while a form is half filled: signing in again brings the text back.
async fn expired_session_keeps_typed_text(js: bool) {
    let Some((app, mut inbox)) = app_with_inbox(&[]).await else {
        return;
    };
    let council = create_council(&app, "at").await;
    let person = create_person(
        &app,
        council,
        "Blue Heron",
        "ana@example.org",
        &[Role::Member],
    )
    .await;

    let browser = Browser::start(js).await;
    browser.visit(app.url("/sign-in").as_str()).await;
    sign_in_by_link(
        &browser,
        &app,
        &mut inbox,
        "ana@example.org",
        "/",
        ".viewer",
    )
    .await;
    browser.visit(app.url("/account").as_str()).await;
    browser.fill("#display_name", "Calm Cedar 7").await;

    // The session ends on the server (idle timeout, sign-out elsewhere); then Save.
    session::Entity::delete_many()
        .exec(&app.db)
        .await
        .expect("sessions deleted");
    browser.click("#save-account").await;
    browser
        .arrive("/account", "main [data-error-code=unauthenticated]")
        .await;
    assert!(
        browser.has("main a[href=\"/sign-in?next=/account\"]").await,
        "a way to sign in and come back"
    );
    // Forms are plain POST forms with and without JavaScript, so both show the sign-in
    // prompt; the typed text waits in the session and comes back after signing in.
    assert!(
        browser
            .has("main [role=alert][data-error-code=unauthenticated]")
            .await,
        "the sign-in prompt"
    );
    let stored = person::Entity::find_by_id(person.0)
        .one(&app.db)
        .await
        .expect("person query")
        .expect("the person");
    assert_eq!(
        stored.display_name, "Blue Heron",
        "nothing saved without a session"
    );

    // Sign in again in the same browser: back to the form, the text restored.
    browser
        .click("main a[href=\"/sign-in?next=/account\"]")
        .await;
    browser.arrive("/sign-in", "#email").await;
    sign_in_by_link(
        &browser,
        &app,
        &mut inbox,
        "ana@example.org",
        "/account",
        "#restored",
    )
    .await;
    assert_eq!(browser.value("#display_name").await, "Calm Cedar 7");
    assert!(
        browser.displayed("#restored").await,
        "the restored note shows"
    );
    browser
        .finish(&app, &["/account", "/fn/account/update"])
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_keeps_typed_text_with_javascript() {
    expired_session_keeps_typed_text(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_keeps_typed_text_without_javascript() {
    expired_session_keeps_typed_text(false).await;
}
