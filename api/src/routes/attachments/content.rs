//! What an attachment's bytes are and how they are handed out: the type is sniffed from the
//! bytes (never the client's word), types a browser would run are served as plain bytes, and
//! every download is `Content-Disposition: attachment` under the sanitised name.
use axum::http::{HeaderMap, HeaderValue, header};

use crate::http::security_headers::API_CSP;

/// How many leading bytes the sniffer looks at.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The media type of content that starts with `head`: what its magic numbers say, else
/// `text/plain` for UTF-8 text, else `application/octet-stream`.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_string();
    }
    if looks_like_svg(head) {
        return "image/svg+xml".to_string();
    }
    if is_text(head) {
        return "text/plain".to_string();
    }
    "application/octet-stream".to_string()
}

/// UTF-8 without NUL (a multi-byte character cut at the end of `head` still counts).
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    };
    valid && !head.contains(&0)
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    text.trim_start().starts_with("<svg") || (text.contains("<svg") && text.trim_start().starts_with('<'))
}

/// The type a download is served as: the sniffed one, except the types a browser renders
/// as a page or runs (HTML, SVG, XML, scripts), which go out as plain bytes.
pub fn served_type(mime: &str) -> &str {
    const ACTIVE: &[&str] = &[
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
    ];
    if ACTIVE.contains(&mime) {
        "application/octet-stream"
    } else {
        mime
    }
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>`.
pub fn disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(filename.len() * 3);
    for byte in filename.bytes() {
        // RFC 8187 attr-char.
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The headers of a download of `size` bytes stored as `mime` under `filename`.
pub fn download_headers(filename: &str, mime: &str, size: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let served = HeaderValue::from_str(served_type(mime))
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, served);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(value) = HeaderValue::from_str(&disposition(filename)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Even opened as a page, nothing in it runs or loads: the API's policy, sandboxed.
    if let Ok(csp) = HeaderValue::from_str(&format!("{API_CSP}; sandbox")) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"<!DOCTYPE html><html><script>alert(1)</script>"), "text/html");
        assert_eq!(
            sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
            "image/svg+xml"
        );
        assert_eq!(sniff("plain text, caf\u{e9}".as_bytes()), "text/plain");
        assert_eq!(sniff(&[0, 1, 2, 3, 0xff]), "application/octet-stream");
        // A character cut by the end of the sniffed window is still text.
        assert_eq!(sniff(&"é".as_bytes()[..1]), "text/plain");
    }

    #[test]
    fn pages_and_scripts_are_served_as_plain_bytes() {
        for active in ["text/html", "image/svg+xml", "text/xml", "application/javascript"] {
            assert_eq!(served_type(active), "application/octet-stream");
        }
        assert_eq!(served_type("image/png"), "image/png");
    }

    #[test]
    fn the_disposition_is_always_an_attachment_with_a_safe_name() {
        assert_eq!(
            disposition("r\u{e9}sum\u{e9} \"final\".pdf"),
            "attachment; filename=\"r_sum_ _final_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"
        );
        assert!(HeaderValue::from_str(&disposition("a\\b;c.txt")).is_ok());
    }
}
