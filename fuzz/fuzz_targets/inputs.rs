//! The small parsers and text helpers on any input: payment request ids, Retry-After and
//! HTTP dates, and the helpers that put foreign text into messages.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{
    delay_before_retry, describe_text, excerpt, parse_http_date, parse_retry_after,
    PaymentRequestId, MAX_RETRY_AFTER_MS,
};

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    now_ms: f64,
    jitter: f64,
    retry: u32,
    max_chars: u16,
}

fuzz_target!(|input: Input| {
    let text = input.text.as_str();

    if let Ok(id) = PaymentRequestId::parse(text) {
        let written = id.to_string();
        assert_eq!(written.len(), 36);
        assert!(written
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_ne!(written, "00000000-0000-0000-0000-000000000000");
        assert!(id.matches(text));
        assert_eq!(PaymentRequestId::parse(&written).ok(), Some(id));
    }

    if let Some(delay) = parse_retry_after(text, input.now_ms) {
        assert!(delay <= MAX_RETRY_AFTER_MS);
    }
    let _ = parse_http_date(text);
    let delay = delay_before_retry(input.retry, Some(text), input.now_ms, input.jitter);
    assert!(delay <= MAX_RETRY_AFTER_MS);
    assert!(delay_before_retry(input.retry, None, input.now_ms, input.jitter) <= 8_000);

    let quoted = describe_text(text);
    assert!(quoted.starts_with('"'));
    assert!(!quoted.contains(['\n', '\r', '\0']));
    let max = usize::from(input.max_chars);
    let short = excerpt(text, max);
    assert!(short.chars().count() <= max + 1);
    assert!(!short.chars().any(char::is_control));
});
