//! Finding markup that a text field turned live: the check behind the XSS corpus tests.
//!
//! Every payload carries `pwned`. Text is fine wherever it appears; what must never appear is
//! an element or attribute a payload made: event handlers, ids or classes naming `pwned`,
//! links or sources with a dangerous scheme or the payloads' host, `<base>`, `<meta
//! http-equiv>`, scripts without the page's nonce, styles that mention `pwned`.

/// The live things found in `html`, described; empty when the page is safe.
pub fn live_markup(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    let all = scraper::Selector::parse("*").expect("selector");
    for el in doc.select(&all) {
        let v = el.value();
        let name = v.name().to_ascii_lowercase();
        let here = |what: &str| format!("<{name}> {what}");
        if name == "base" {
            found.push(here("a base element"));
        }
        if name.contains("pwned") {
            found.push(here("a payload's element"));
        }
        if name == "meta" && v.attr("http-equiv").is_some() {
            found.push(here("meta http-equiv"));
        }
        // (Leptos ends the body with an empty `<script></script>`: nothing runs there.)
        let empty = v.attrs().next().is_none() && el.text().all(|t| t.trim().is_empty());
        if name == "script" && v.attr("nonce").is_none() && !empty {
            found.push(here(&format!(
                "a script without the nonce: {:?}",
                v.attrs().collect::<Vec<_>>()
            )));
        }
        if name == "style" && el.text().any(|t| t.contains("pwned")) {
            found.push(here("a style naming pwned"));
        }
        for (attr, value) in v.attrs() {
            let attr = attr.to_ascii_lowercase();
            let normal: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if attr.starts_with("on") {
                found.push(here(&format!("event handler {attr}")));
            }
            if matches!(attr.as_str(), "id" | "name" | "class" | "for" | "form")
                && normal.contains("pwned")
            {
                found.push(here(&format!("{attr}={value}")));
            }
            if attr.starts_with("data-pwned") || attr.contains("pwned") {
                found.push(here(&format!("attribute {attr}")));
            }
            let url_like = matches!(
                attr.as_str(),
                "href"
                    | "src"
                    | "action"
                    | "formaction"
                    | "data"
                    | "srcdoc"
                    | "background"
                    | "poster"
                    | "xlink:href"
                    | "cite"
                    | "ping"
                    | "srcset"
                    | "style"
            );
            if url_like
                && (normal.starts_with("javascript:")
                    || normal.starts_with("vbscript:")
                    || normal.starts_with("data:")
                    || normal.contains("pwned.example")
                    || (attr == "href" && normal.starts_with("//"))
                    || (attr != "href" && normal.contains("pwned")))
            {
                found.push(here(&format!("{attr}={value}")));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::live_markup;

    #[test]
    fn finds_what_a_payload_made_and_leaves_text_alone() {
        assert!(live_markup("<p>&lt;img src=x onerror=pwned()&gt;</p><textarea>&lt;/textarea&gt;pwned</textarea><input value=\"<b id=pwned>\">").is_empty());
        for bad in [
            "<img src=x onerror=pwned()>",
            "<a href=\"javascript:pwned()\">x</a>",
            "<a href=\"//pwned.example\">x</a>",
            "<p id=pwned-1>x</p>",
            "<meta http-equiv=refresh content=0>",
            "<base href=/>",
            "<script>pwned()</script>",
            "<pwned-2>x</pwned-2>",
            "<form action=//pwned.example></form>",
        ] {
            assert!(!live_markup(bad).is_empty(), "{bad} not found");
        }
    }
}
