//! `X-Request-Id`: a client's id is kept when it is short and safe to log and echo; any other
//! (too long, odd characters, absent) is replaced by a fresh UUID.
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest client id kept.
pub const MAX_LEN: usize = 128;

/// 1 to [`MAX_LEN`] characters of `A-Z a-z 0-9 . _ : -`: nothing a log or a header could
/// misread.
pub fn is_safe(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Sets the request's id before anything reads it.
///
/// A plain request map (`tower::util::MapRequestLayer`), not an axum `from_fn` middleware:
/// that one clones and boxes the whole service stack under it on every request.
pub fn assign(mut req: Request) -> Request {
    let kept = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_safe);
    if !kept {
        let mut buf = uuid::Uuid::encode_buffer();
        let fresh = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf);
        let value = HeaderValue::from_str(fresh).expect("a UUID is a valid header value");
        req.headers_mut().insert(HEADER, value);
    }
    req
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(is_safe("req-42_a.b:c"));
        assert!(is_safe(&"a".repeat(128)));
        assert!(!is_safe(&"a".repeat(129)));
        assert!(!is_safe(""));
        assert!(!is_safe("a b"));
        assert!(!is_safe("a\"b"));
        assert!(!is_safe("é"));
    }
}
