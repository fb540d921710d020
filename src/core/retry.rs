//! When a failed attempt is tried again, and how long to wait first.
//!
//! Retrying a cancel is safe: cancelling a payment that an earlier attempt already
//! cancelled does not cancel anything twice, Paywall answers
//! `Payment.Async.AlreadyHasRefundOrCancel`. So the policy retries every failure that is
//! likely to be transient and says nothing about the payment: no connection, or a status
//! that means "not now" (429) or "the gateway in front of Paywall failed" (502, 503, 504).
//! A 500 is not retried: it is Paywall's own answer about this request, and repeating it
//! would most likely repeat the failure. A timed-out cancel is not retried either: the
//! attempt may still be running at Paywall, and its wait has already used the caller's time.
//! A timed-out request that changes nothing (an inquiry) is retried.
//!
//! The decision itself is `call::is_retried_automatically`, beside the loop that makes it;
//! this module holds what it decides from (an [`Action`]) and the timing.

/// What a request is, for messages and for the retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Action {
    /// What the request is called in messages: "cancel", "inquiry".
    pub name: &'static str,
    /// Whether the request may change the payment. A timed-out attempt of such a request
    /// may still be carried out, so it is not retried automatically; one that changes
    /// nothing (a GET) is.
    pub changes_state: bool,
}

/// The first backoff, in milliseconds; each retry doubles it.
pub const BASE_DELAY_MS: u32 = 500;

/// The backoff never grows beyond this.
pub const MAX_BACKOFF_MS: u32 = 8_000;

/// A `Retry-After` longer than this is treated as absurd and replaced by the backoff: a
/// cancel that waits minutes for a server's permission is a cancel the caller has given up on.
pub const MAX_RETRY_AFTER_MS: u32 = 60_000;

/// How long to wait before retry number `retry` (1 for the first retry).
///
/// A sane `Retry-After` from the server wins; otherwise exponential backoff with "equal
/// jitter": half of the backoff is fixed, the other half random, so that many clients that
/// failed together do not all come back at the same instant. `jitter` is a random number in
/// `[0, 1)` and `now_ms` the current Unix time, both supplied by the host so this stays pure.
pub fn delay_before_retry(retry: u32, retry_after: Option<&str>, now_ms: f64, jitter: f64) -> u32 {
    if let Some(delay) = retry_after.and_then(|value| parse_retry_after(value, now_ms)) {
        return delay;
    }
    let exponent = retry.saturating_sub(1).min(16);
    let backoff = BASE_DELAY_MS
        .saturating_mul(1 << exponent)
        .min(MAX_BACKOFF_MS);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let half = backoff / 2;
    // `half * jitter` is at most `half`, so the cast cannot overflow.
    half + (f64::from(half) * jitter) as u32
}

/// Reads a `Retry-After` value as a delay in milliseconds: either delay-seconds or an
/// HTTP-date (RFC 9110 section 10.2.3). `None` when the value is malformed or longer than
/// [`MAX_RETRY_AFTER_MS`]; a date in the past means "now".
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u32> {
    let value = value.trim();
    // Delay-seconds may have any number of leading zeros ("0000000000000000000000030" is
    // 30 s): they are skipped before the digits are counted, the last zero of "000" kept.
    let zeros = span(value.as_bytes(), |byte| *byte == b'0');
    let significant = value
        .as_bytes()
        .get(zeros.min(value.len().saturating_sub(1))..)
        .unwrap_or_default();
    let delay_ms = if let Some(seconds) = parse_number(significant, 20) {
        // A number past u32 saturates there, which is absurd as a delay all the same.
        u64::from(seconds) * 1000
    } else {
        let at_ms = parse_http_date(value)? as f64 * 1000.0;
        if !now_ms.is_finite() {
            return None;
        }
        let ahead = (at_ms - now_ms).max(0.0);
        if ahead > f64::from(MAX_RETRY_AFTER_MS) {
            return None;
        }
        // Bounded just above, so the casts cannot overflow; rounded up to a whole
        // millisecond (without f64::ceil, which core lacks).
        let whole = ahead as u64;
        whole + u64::from((whole as f64) < ahead)
    };
    u32::try_from(delay_ms)
        .ok()
        .filter(|&delay| delay <= MAX_RETRY_AFTER_MS)
}

/// Parses the three HTTP-date formats every recipient must accept into Unix seconds:
/// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, obsolete RFC 850
/// `Sunday, 06-Nov-94 08:49:37 GMT`, and asctime `Sun Nov  6 08:49:37 1994`.
pub fn parse_http_date(value: &str) -> Option<i64> {
    let text = value.as_bytes().trim_ascii();
    DATE_FORMS.iter().find_map(|form| read_date(text, form))
}

/// The three HTTP-date forms, read by [`read_date`]: `w` a weekday (any word), `c` a weekday
/// that ends with a comma, `d` a day (one or two digits), `m` a month, `y` a year (one to
/// four digits), `z` a two-digit year, `h` `i` `s` the hour, minute and second (one or two
/// digits each), a space one or more ASCII white space characters, and any other
/// character itself.
const DATE_FORMS: [&[u8]; 3] = [b"c d m y h:i:s GMT", b"c d-m-z h:i:s GMT", b"w m d h:i:s y"];

/// `text` read as the HTTP-date `form` (one of [`DATE_FORMS`]), in Unix seconds.
fn read_date(mut text: &[u8], form: &[u8]) -> Option<i64> {
    // The day, month, year, hour, minute and second.
    let mut fields = [0i32; 6];
    let mut two_digit_year = false;
    for &part in form {
        let (field, max_digits) = match part {
            b'd' => (0, 2),
            b'y' => (2, 4),
            b'z' => (2, 2),
            b'h' => (3, 2),
            b'i' => (4, 2),
            b's' => (5, 2),
            b' ' | b'w' | b'c' => {
                let length = if part == b' ' {
                    span(text, u8::is_ascii_whitespace)
                } else {
                    span(text, |byte| !byte.is_ascii_whitespace())
                };
                let run = text.get(..length)?;
                if run.is_empty() || (part == b'c' && run.last() != Some(&b',')) {
                    return None;
                }
                text = text.get(length..)?;
                continue;
            }
            b'm' => {
                let month = MONTHS.chunks(3).position(|name| text.starts_with(name))?;
                *fields.get_mut(1)? = month as i32 + 1;
                text = text.get(3..)?;
                continue;
            }
            literal => {
                let [first, rest @ ..] = text else {
                    return None;
                };
                if *first != literal {
                    return None;
                }
                text = rest;
                continue;
            }
        };
        two_digit_year |= part == b'z';
        let digits = span(text, u8::is_ascii_digit);
        // At most four digits: the cast is exact.
        *fields.get_mut(field)? = parse_number(text.get(..digits)?, max_digits)? as i32;
        text = text.get(digits..)?;
    }
    let [day, month, mut year, hour, minute, second] = fields;
    if !text.is_empty() || hour > 23 || minute > 59 || second > 60 || !(1..=31).contains(&day) {
        return None;
    }
    if two_digit_year {
        // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
        year += if year < 70 { 2000 } else { 1900 };
    }
    let seconds = hour * 3_600 + minute * 60 + second;
    Some(i64::from(days_from_civil(year, month, day)) * 86_400 + i64::from(seconds))
}

/// The months as HTTP-dates write them, three letters each.
const MONTHS: &[u8] = b"JanFebMarAprMayJunJulAugSepOctNovDec";

/// How many bytes at the start of `text` pass `test`.
fn span(text: &[u8], test: fn(&u8) -> bool) -> usize {
    text.iter().take_while(|byte| test(byte)).count()
}

/// A number of one to `max_digits` ASCII digits, saturating at `u32::MAX` (no delay or date
/// field comes near it; u32 rather than u64 arithmetic keeps a 128-bit multiplication helper
/// out of the WebAssembly module).
fn parse_number(text: &[u8], max_digits: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max_digits {
        return None;
    }
    text.iter().try_fold(0u32, |value, &byte| {
        byte.is_ascii_digit().then(|| {
            value
                .saturating_mul(10)
                .saturating_add(u32::from(byte - b'0'))
        })
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date in the years 0 to 9999 (Howard
/// Hinnant's algorithm, counted from March of the year -400 so that every quotient is of
/// a positive number).
fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    // The years since March of the year -400 began, and the day in that year.
    let years = year + 399 + i32::from(month > 2);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    years * 365 + years / 4 - years / 100 + years / 400 + day_of_year - 719_468 - 146_097
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06T08:49:37Z, the RFC's example date.
    const RFC_EXAMPLE_SECONDS: i64 = 784_111_777;

    #[test]
    fn backoff_doubles_with_equal_jitter_and_is_capped() {
        assert_eq!(delay_before_retry(1, None, 0.0, 0.0), 250);
        assert_eq!(delay_before_retry(1, None, 0.0, 0.999_999), 499);
        assert_eq!(delay_before_retry(2, None, 0.0, 0.0), 500);
        assert_eq!(delay_before_retry(3, None, 0.0, 0.5), 1_500);
        assert_eq!(delay_before_retry(10, None, 0.0, 0.0), 4_000);
        assert_eq!(delay_before_retry(u32::MAX, None, 0.0, 1.0), 8_000);
        assert_eq!(delay_before_retry(1, None, 0.0, f64::NAN), 375);
        assert_eq!(delay_before_retry(1, None, 0.0, -4.0), 250);
    }

    #[test]
    fn a_sane_retry_after_wins_over_backoff() {
        assert_eq!(delay_before_retry(1, Some("1"), 0.0, 0.0), 1_000);
        assert_eq!(delay_before_retry(1, Some(" 0 "), 0.0, 0.0), 0);
        assert_eq!(delay_before_retry(1, Some("60"), 0.0, 0.0), 60_000);
        // Leading zeros, as many as a sender writes (a fuzz finding: 69 zeros read as 0 s).
        let zeros = "0".repeat(69);
        assert_eq!(delay_before_retry(1, Some(&zeros), 0.0, 0.0), 0);
        assert_eq!(
            delay_before_retry(1, Some(&(zeros + "30")), 0.0, 0.0),
            30_000
        );
        assert_eq!(delay_before_retry(1, Some("007"), 0.0, 0.0), 7_000);
    }

    #[test]
    fn an_absurd_or_malformed_retry_after_falls_back_to_backoff() {
        for value in [
            "61",
            "999999",
            "99999999999999999999999",
            // Past u32 (parse_number saturates there), and past u64.
            "4294967296",
            "4294967",
            "18446744073709551616",
            "-1",
            "1.5",
            "soon",
            "",
            "Sun, 06 Nov 2094 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(
                delay_before_retry(1, Some(value), 0.0, 0.0),
                250,
                "{value:?}"
            );
        }
    }

    #[test]
    fn reads_all_three_http_date_formats() {
        for value in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(value), Some(RFC_EXAMPLE_SECONDS), "{value}");
        }
        // The words may be spaced by any ASCII white space; the weekday is not checked.
        for value in [
            " Any-word,\t06  Nov 1994 08:49:37 GMT\n",
            "x, 6-Nov-94 8:49:37 GMT",
            "Sun, Nov 6 08:49:37 1994",
        ] {
            assert_eq!(
                parse_http_date(value),
                Some(RFC_EXAMPLE_SECONDS),
                "{value:?}"
            );
        }
        for value in [
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMTx",
            "Sun, 006 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 -Nov-94 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday, 06-Nov-94- 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
        ] {
            assert_eq!(parse_http_date(value), None, "{value:?}");
        }
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 24 Nov 2026 12:00:00 GMT"),
            Some(1_795_521_600)
        );
    }

    #[test]
    fn an_http_date_is_a_delay_from_now() {
        let now_ms = RFC_EXAMPLE_SECONDS as f64 * 1000.0;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", now_ms),
            Some(2_000)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now_ms),
            Some(0),
            "a date in the past means now"
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 09:49:37 GMT", now_ms),
            None,
            "an hour ahead is absurd"
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:39 GMT", f64::NAN),
            None
        );
    }
}
