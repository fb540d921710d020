//! The small parsers and text helpers on any input: payment request ids, Retry-After and
//! HTTP dates, body decoding, and the one place that puts foreign text into messages
//! (`Secrets::quote`), with a secret of the fuzzer's choosing placed anywhere in the text.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{
    decode_body, delay_before_retry, parse_http_date, parse_retry_after, PaymentRequestId, Secrets,
    FRAGMENT_BYTES, MAX_RETRY_AFTER_MS,
};

#[path = "../oracle.rs"]
mod oracle;

#[derive(Arbitrary, Debug)]
struct Input {
    text: String,
    now_ms: f64,
    jitter: f64,
    retry: u32,
    max_chars: u16,
    /// A secret, and where in the text it is echoed (and in which spelling).
    secret: String,
    at: u16,
    spelling: u8,
    bytes: Vec<u8>,
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

    assert_eq!(decode_body(&input.bytes), {
        let bytes = input
            .bytes
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&input.bytes);
        String::from_utf8_lossy(bytes)
    });

    // A secret echoed into foreign text, at any place and in any spelling, never survives
    // quoting; and a quote is one bounded line.
    let secret = input.secret.as_str();
    let spellings = oracle::spellings(secret);
    let echoed = &spellings[usize::from(input.spelling) % spellings.len()];
    let mut at = usize::from(input.at) % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let foreign = format!("{}{echoed}{}", &text[..at], &text[at..]);
    let max = usize::from(input.max_chars % 512);
    let quoted = Secrets::one(secret).quote(&foreign, max);
    let quoted = quoted.as_str();
    assert!(quoted.chars().count() <= max + 1, "{quoted:?}");
    assert!(
        !quoted.chars().any(|c| c.is_control() || c == '\u{2028}'),
        "{quoted:?}"
    );
    oracle::Fragments::of(&[secret]).assert_none_in(quoted);
    assert_eq!(
        oracle::FRAGMENT,
        FRAGMENT_BYTES,
        "the oracle checks the library's promise"
    );
});
