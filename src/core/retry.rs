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
    let delay_ms = if let Some(seconds) = parse_number(value, 20) {
        // Twenty digits may overflow u64; such a delay is absurd anyway.
        seconds.checked_mul(1000)?
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
    // The words, without collecting them: at most six are read.
    let mut words = [""; 6];
    let mut count = 0;
    for word in value.split_ascii_whitespace() {
        *words.get_mut(count)? = word;
        count += 1;
    }
    let number = |text: &str, digits| parse_number(text, digits).map(|n| n as i64);
    let (day, month, year, time) = match words.get(..count)? {
        [weekday, day, month, year, time, "GMT"] if weekday.ends_with(',') => {
            (number(day, 2)?, *month, number(year, 4)?, *time)
        }
        [weekday, date, time, "GMT"] if weekday.ends_with(',') => {
            let mut parts = date.split('-');
            let day = number(parts.next()?, 2)?;
            let month = parts.next()?;
            let year = number(parts.next()?, 2)?;
            if parts.next().is_some() {
                return None;
            }
            // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
            (
                day,
                month,
                1900 + year + if year < 70 { 100 } else { 0 },
                *time,
            )
        }
        [_weekday, month, day, time, year] => (number(day, 2)?, *month, number(year, 4)?, *time),
        _ => return None,
    };
    let month = MONTHS
        .iter()
        .position(|name| *name == month)
        .map(|index| index as i64 + 1)?;
    let mut clock = time.split(':');
    let hour = number(clock.next()?, 2)?;
    let minute = number(clock.next()?, 2)?;
    let second = number(clock.next()?, 2)?;
    if clock.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// The months as HTTP-dates write them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A number of one to `max_digits` ASCII digits (at most 20: it saturates beyond u64).
fn parse_number(text: &str, max_digits: usize) -> Option<u64> {
    if text.is_empty() || text.len() > max_digits {
        return None;
    }
    text.bytes().try_fold(0u64, |value, byte| {
        byte.is_ascii_digit().then(|| {
            value
                .saturating_mul(10)
                .saturating_add(u64::from(byte - b'0'))
        })
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
    }

    #[test]
    fn an_absurd_or_malformed_retry_after_falls_back_to_backoff() {
        for value in [
            "61",
            "999999",
            "99999999999999999999999",
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
