//! The small parsers and text helpers on any input: payment request ids, Retry-After and
//! HTTP dates, the backoff, the numbers messages are written with (`Decimal`), and the one
//! place that puts foreign text into messages (`Secrets::quote`), with a secret of the
//! fuzzer's choosing placed anywhere in the text.
//!
//! (Body decoding, `decode_body`, is no longer the library's: the driver in JavaScript reads
//! the body with a `TextDecoder`, and hands the call a string.)
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::{
    delay_before_retry, parse_http_date, parse_retry_after, Decimal, PaymentRequestId, Secrets,
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
    number: i64,
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

    // Retry-After: delay-seconds as the reference reads them (an HTTP-date as the library
    // does), never over the bound; a sane one wins over the backoff.
    let retry_after = parse_retry_after(text, input.now_ms);
    if let Some(delay) = retry_after {
        assert!(delay <= MAX_RETRY_AFTER_MS);
    }
    assert_eq!(
        retry_after,
        oracle::retry_after_ms(text, input.now_ms),
        "{text:?}"
    );
    if let Some(seconds) = parse_http_date(text) {
        // A date is a weekday, a day, a month, a year and a time: never more than 9999 years
        // away.
        assert!(seconds.abs() < 400_000_000_000, "{text:?} {seconds}");
    }
    let delay = delay_before_retry(input.retry, Some(text), input.now_ms, input.jitter);
    assert!(delay <= MAX_RETRY_AFTER_MS);
    // The backoff: half of it fixed, the other half the jitter's share of it (a jitter out of
    // [0, 1] is clamped, one that is not a number is a half).
    let backoff = delay_before_retry(input.retry, None, input.now_ms, input.jitter);
    let full = oracle::backoff_ms(input.retry);
    let share = if input.jitter.is_finite() {
        input.jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    assert_eq!(
        backoff,
        full / 2 + (f64::from(full / 2) * share) as u32,
        "retry {} jitter {}",
        input.retry,
        input.jitter
    );
    assert_eq!(delay, retry_after.unwrap_or(backoff));

    // Numbers in messages, written without `core::fmt`.
    assert_eq!(
        Decimal::signed(input.number).as_ref(),
        input.number.to_string()
    );
    assert_eq!(
        Decimal::of(input.number as u64).to_text(),
        (input.number as u64).to_string()
    );

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
