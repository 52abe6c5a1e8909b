//! Markdown to HTML that is safe to show: rendered with pulldown-cmark, then cleaned with
//! ammonia's allow-list (no `<script>`, `<style>`, `<iframe>`, event-handler or `style`
//! attribute, and links only to http, https and mailto). Pure and deterministic, so a replay
//! renders the same HTML.
use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

/// `markdown` as sanitised HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    cleaner().clean(&raw).to_string()
}

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("noopener noreferrer nofollow"));
        builder
    })
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_renders_and_scripts_do_not_survive() {
        let html = to_safe_html("# Title\n\n*em* [ok](https://example.com) <script>alert(1)</script>");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<em>em</em>"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(!html.contains("script"), "{html}");
        let link = to_safe_html("[x](javascript:alert(1))");
        assert!(!link.contains("javascript"), "{link}");
    }
}
