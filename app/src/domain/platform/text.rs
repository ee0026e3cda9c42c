//! Text shared by every capability: the sanitized Markdown subset people write in, the
//! word-level difference between two texts, and CSV cells safe from formulas.

use std::collections::{HashMap, HashSet};

use crate::model::comment::DiffPart;

/// Guards a CSV cell against spreadsheet formula injection (a leading `=`, `+`, `-`, `@`,
/// tab or carriage return gets a `'` before it).
pub fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Renders the Markdown subset (emphasis, lists, quotes, code, links) to HTML and sanitizes
/// it: no raw HTML, scripts, styles or attributes survive; links go only to `http(s)` and
/// `mailto` addresses with a scheme (no relative or protocol-relative links) and get
/// `rel="nofollow noopener noreferrer"`.
pub fn render_markdown(text: &str) -> String {
    use pulldown_cmark::{Event as Md, Options, Parser, html};
    // Raw HTML in the source is shown as text, never passed on.
    let events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        Md::Html(raw) | Md::InlineHtml(raw) => Md::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    ammonia::Builder::default()
        .tags(
            [
                "p",
                "br",
                "em",
                "strong",
                "del",
                "ul",
                "ol",
                "li",
                "blockquote",
                "code",
                "pre",
                "a",
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([("a", ["href"].into_iter().collect())]))
        .url_schemes(["https", "http", "mailto"].into_iter().collect())
        // Only absolute links with a scheme: `//evil.example` (protocol-relative) and paths
        // would point wherever the page is served from, or anywhere, without saying so.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// The word-by-word difference between two texts.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_unicode_words(old, new);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value().to_owned();
        let same_kind = |p: &DiffPart| {
            matches!(
                (p, change.tag()),
                (DiffPart::Same(_), ChangeTag::Equal)
                    | (DiffPart::Added(_), ChangeTag::Insert)
                    | (DiffPart::Removed(_), ChangeTag::Delete)
            )
        };
        match parts.last_mut() {
            Some(last) if same_kind(last) => match last {
                DiffPart::Same(t) | DiffPart::Added(t) | DiffPart::Removed(t) => t.push_str(&text),
            },
            _ => parts.push(match change.tag() {
                ChangeTag::Equal => DiffPart::Same(text),
                ChangeTag::Insert => DiffPart::Added(text),
                ChangeTag::Delete => DiffPart::Removed(text),
            }),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_the_subset_and_drops_html() {
        let html = render_markdown(
            "**bold** _it_\n\n- a\n- b\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](https://example.org)",
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<li>a</li>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
        assert!(html.contains("nofollow"), "{html}");
        // The script's text is shown as text, escaped.
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn markdown_links_only_to_absolute_web_and_mail_addresses() {
        for bad in [
            "//evil.example/x",
            "/consultations",
            "x/y",
            "data:text/html,x",
            "ftp://e.example",
        ] {
            let html = render_markdown(&format!("[link]({bad})"));
            assert!(!html.contains("href"), "{bad}: {html}");
            assert!(html.contains("link"), "the words stay: {html}");
        }
        for good in [
            "https://example.org/a",
            "http://example.org",
            "mailto:a@example.org",
        ] {
            let html = render_markdown(&format!("[link]({good})"));
            assert!(html.contains(&format!("href=\"{good}\"")), "{good}: {html}");
        }
    }

    #[test]
    fn word_diff_marks_changes() {
        let parts = word_diff(
            "The State shall provide support.",
            "The State shall provide free support.",
        );
        assert!(
            parts.contains(&DiffPart::Added("free ".into())),
            "{parts:?}"
        );
        assert!(matches!(parts.first(), Some(DiffPart::Same(_))));
    }
}
