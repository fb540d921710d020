//! What the fuzz targets check, written apart from the library's own code so that it can
//! catch that code out: secrets (apart from `paywall_edge::core::Secrets`), amounts (apart
//! from `RawNumber::is_decimal_amount`) and what a cancel reconciled by an inquiry resolves
//! with.

use std::collections::HashSet;

/// The length of the pieces of a secret that must never appear: the README's promise.
pub const FRAGMENT: usize = 12;

/// Secrets (and spellings) shorter than this are not protected: masking every "abc" of a
/// message would destroy it and protect nothing.
const MIN_SECRET: usize = 4;

/// The spellings the README promises to catch: as sent, JSON-escaped, and with runs of
/// white space collapsed.
pub fn spellings(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).expect("a string");
    vec![
        secret.to_owned(),
        json[1..json.len() - 1].to_owned(),
        secret.split_whitespace().collect::<Vec<_>>().join(" "),
    ]
}

/// Every piece of `secrets` that must not appear: each FRAGMENT-byte window of each
/// spelling, or the whole spelling when it is shorter.
pub struct Fragments(HashSet<Vec<u8>>);

impl Fragments {
    pub fn of(secrets: &[&str]) -> Fragments {
        Fragments::of_spellings(secrets, spellings)
    }

    /// The pieces to look for in a printed form of an error (Display, Debug, JSON): the
    /// spellings as sent and with white space collapsed. Not the JSON-escaped one: those
    /// forms escape quotes and backslashes themselves, so an 11-byte piece that foreign text
    /// wrote next to a quote (which no text may hold whole) prints as 12 bytes of the
    /// escaped spelling. A key that reached a text in any spelling is caught in that text.
    #[allow(dead_code)] // Not every target prints errors whole.
    pub fn as_printed(secrets: &[&str]) -> Fragments {
        Fragments::of_spellings(secrets, |secret| {
            let mut spellings = spellings(secret);
            spellings.remove(1);
            spellings
        })
    }

    fn of_spellings(secrets: &[&str], spellings: impl Fn(&str) -> Vec<String>) -> Fragments {
        let mut pieces = HashSet::new();
        for secret in secrets.iter().filter(|secret| secret.len() >= MIN_SECRET) {
            for spelling in spellings(secret) {
                if spelling.len() < MIN_SECRET {
                    continue;
                }
                let width = FRAGMENT.min(spelling.len());
                for window in spelling.as_bytes().windows(width) {
                    pieces.insert(window.to_vec());
                }
            }
        }
        Fragments(pieces)
    }

    /// Panics, naming the piece, when `text` holds one.
    pub fn assert_none_in(&self, text: &str) {
        let widths: HashSet<usize> = self.0.iter().map(Vec::len).collect();
        for width in widths {
            for window in text.as_bytes().windows(width) {
                assert!(
                    !self.0.contains(window),
                    "{:?} of a secret in {text:?}",
                    String::from_utf8_lossy(window)
                );
            }
        }
    }
}

/// A .NET decimal in plain notation, as Paywall writes an amount: an optional minus, 1 to 29
/// digits, and optionally a point and 1 to 28 digits (the reference for
/// `RawNumber::is_decimal_amount`, on a text that is already a JSON number).
#[allow(dead_code)] // Each target includes this file; not every one checks amounts.
pub fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole)
        && whole.len() <= 29
        && fraction.is_none_or(|fraction| all_digits(fraction) && fraction.len() <= 28)
}

/// A cancel resolved by the inquiry `found`, which shows a cancellation (type 2): the
/// inquiry's payment, activity and status, confirmed by the inquiry.
#[allow(dead_code)] // Only the cancel and inquiry targets reconcile.
pub fn assert_confirmed_by(
    result: &paywall_edge::CancelResult,
    found: &paywall_edge::PaymentInquiry,
) {
    assert_eq!(result.confirmed_by, paywall_edge::ConfirmedBy::Inquiry);
    assert_eq!(result.payment_request_id, found.payment_request_id);
    assert_eq!(
        result.payment_request_activity_id,
        found.payment_request_activity_id
    );
    assert_eq!(result.payment_request_activity_type_id, 2);
    assert_eq!(result.payment_status, found.payment_status_id);
}

/// Whether a call retries `error` by itself, when retries remain (the reference for the
/// library's rule, private to its call engine since the sans-IO core): a network failure it
/// calls retryable; a status that means "not now" or "the gateway failed" (429, 502, 503,
/// 504), with or without Paywall's envelope; a timeout of a request that changes nothing.
#[allow(dead_code)] // Only the targets that drive calls retry.
pub fn is_retried_automatically(error: &paywall_edge::Error, changes_state: bool) -> bool {
    use paywall_edge::ErrorKind;
    match error.kind() {
        ErrorKind::Network => error.retryable(),
        ErrorKind::Http | ErrorKind::Api => {
            matches!(error.http_status(), Some(429 | 502 | 503 | 504))
        }
        ErrorKind::Timeout => !changes_state,
        _ => false,
    }
}

/// The backoff before retry number `retry` (1 for the first): 500 ms, doubled for each
/// retry, never over 8 s. The wait is this with "equal jitter": its first half fixed, its
/// second half random.
#[allow(dead_code)]
pub fn backoff_ms(retry: u32) -> u32 {
    let exponent = retry.saturating_sub(1).min(16);
    (500u32 << exponent).min(8_000)
}

/// The delay a `Retry-After` value asks for, when the call must honour it: delay-seconds up
/// to 60 (computed here), or an HTTP-date at most 60 s ahead of `now_ms` (the library's
/// date parser, which the inputs target checks on its own). `None`: the backoff applies.
#[allow(dead_code)]
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<u32> {
    let trimmed = value.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|byte| byte.is_ascii_digit()) {
        let digits = trimmed.trim_start_matches('0');
        return if digits.len() > 2 {
            None
        } else {
            let seconds: u32 = digits.parse().unwrap_or(0);
            (seconds <= 60).then_some(seconds * 1000)
        };
    }
    let parsed = paywall_edge::core::parse_retry_after(value, now_ms);
    if let Some(delay) = parsed {
        assert!(delay <= 60_000, "{value:?} asks {delay} ms");
    }
    parsed
}

/// A wait before retry number `retry`, after an answer whose `Retry-After` was `retry_after`
/// (as of `now_ms`): exactly what a sane `Retry-After` asks, or else within the backoff's
/// range. The jitter comes from the call's own seeded generator, so the exact value is not
/// known here, only its range: half the backoff fixed, up to as much again random.
#[allow(dead_code)]
pub fn assert_wait(wait: u32, retry: u32, retry_after: Option<&str>, now_ms: f64) {
    match retry_after.and_then(|value| retry_after_ms(value, now_ms)) {
        Some(delay) => assert_eq!(wait, delay, "Retry-After {retry_after:?} at {now_ms}"),
        None => {
            let backoff = backoff_ms(retry);
            assert!(
                (backoff / 2..backoff).contains(&wait),
                "retry {retry} waited {wait} ms, not within [{}, {backoff}) (Retry-After {retry_after:?})",
                backoff / 2
            );
        }
    }
}

/// The lowercase hex of `bytes`.
#[allow(dead_code)]
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
