//! The whole product in a browser, as a visitor and as each demo person: every page with
//! JavaScript on and off, axe-core on each, and the narrow phone screen.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;

use crate::harness::browser::{Browser, prerequisites, weather_site};
use crate::harness::{Db, TestApp};

async fn walkthrough(js: bool) {
    if !prerequisites() {
        return;
    }
    let (weather, _site) = weather_site().await;
    let app = TestApp::builder(Db::Sqlite)
        .demo()
        .setting("ROUNDTABLE_EXIT_URL", weather.clone())
        .spawn()
        .await;
    let browser = Browser::start(js).await;

    // Demo sign-in with a plain form.
    browser.visit(app.url("/demo").as_str()).await;
    browser
        .click("li.card:first-child button[type=submit]")
        .await;
    browser.settle().await;
    assert_eq!(browser.text(".viewer").await, "Signed in as Amina");

    // Home: the council's consultations, rendered on the server.
    browser.visit(app.url("/").as_str()).await;
    assert_eq!(browser.text("h1").await, "Consultations");
    assert_eq!(
        browser.text(".card__title").await,
        "Draft Act on Support Services (sample)"
    );

    // The consultation and its draft; the content note opens on purpose.
    browser.click(".card__title a").await;
    browser.settle().await;
    assert_eq!(
        browser.text("h1").await,
        "Draft Act on Support Services (sample)"
    );
    let hidden = browser
        .displayed("details.content-note .section__body")
        .await;
    assert!(!hidden, "text behind a content note starts hidden");
    browser.click("details.content-note summary").await;
    let shown = browser
        .displayed("details.content-note .section__body")
        .await;
    assert!(shown, "opening the note shows the text");

    // 404 keeps the layout and is accessible too.
    browser.visit(app.url("/nowhere").as_str()).await;
    assert_eq!(browser.text("h1").await, "Page not found");

    // Language switch with a plain form, on the home page.
    browser.visit(app.url("/").as_str()).await;
    let select = browser
        .client
        .find(Locator::Css("#lang-select"))
        .await
        .expect("select");
    select.select_by_value("fr").await.expect("choose fr");
    browser.click(".language-switcher button").await;
    browser.settle().await;
    assert_eq!(browser.text("h1").await, "Consultations");
    assert_eq!(browser.text("a.quick-exit").await, "Sortie rapide");
    assert_eq!(
        browser
            .client
            .find(Locator::Css("html"))
            .await
            .expect("html")
            .attr("lang")
            .await
            .expect("attr"),
        Some("fr".into())
    );

    // Quick exit: by keyboard with JavaScript, by the link without.
    if js {
        let body = browser
            .client
            .find(Locator::Css("body"))
            .await
            .expect("body");
        let esc = fantoccini::key::Key::Escape.to_string();
        body.send_keys(&esc).await.expect("escape");
        body.send_keys(&esc).await.expect("escape");
    } else {
        browser.click("a.quick-exit").await;
    }
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_url(&url::Url::parse(&weather).expect("url"))
        .await
        .expect("left to the neutral site");
    // Back shows nothing private: the session is gone and pages were never cached.
    browser.client.back().await.expect("back");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let source = browser.client.source().await.expect("source");
    assert!(
        !source.contains("Amina"),
        "nothing private after quick exit and Back"
    );

    if js {
        // The deliberate 404 visit and the stand-in weather site's favicon are expected network
        // errors; anything else from the app (script errors, failed assets) fails the test.
        let origin = app.base.as_str().trim_end_matches('/').to_owned();
        let errors: Vec<String> = browser
            .console_errors()
            .await
            .into_iter()
            .filter(|e| {
                e.starts_with(&origin)
                    && !e.starts_with(&format!("{origin}/nowhere - Failed to load resource"))
            })
            .collect();
        assert!(errors.is_empty(), "console errors: {errors:?}");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walkthrough_with_javascript() {
    walkthrough(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walkthrough_without_javascript() {
    walkthrough(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_phone_screen_has_no_horizontal_scroll() {
    if !prerequisites() {
        return;
    }
    let app = TestApp::builder(Db::Sqlite).seeded().spawn().await;
    let browser = Browser::start(true).await;
    browser
        .client
        .set_window_size(360, 740)
        .await
        .expect("resize");
    for path in ["/", "/nowhere"] {
        browser.visit(app.url(path).as_str()).await;
        let overflow = browser
            .client
            .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
            .await
            .expect("measure");
        assert_eq!(overflow, Value::from(0), "{path} fits 360 px");
    }
    browser.close().await;
}
