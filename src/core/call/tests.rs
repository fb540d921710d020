//! The call engine, driven by a script: every answer and failure the retry and decoding
//! rules distinguish, step by step, without a network; the reconciliation of a cancel whose
//! outcome is unknown; the inquiry; and the confirmation of a callback.

use super::*;
use crate::core::script::{
    answer, answer_retrying_after, config as scripted_config, failed, options as scripted_options,
    Script, SEED,
};
use crate::core::{CancelState, ConfirmedBy};
use crate::{ConfigOptions, ErrorKind};

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";
const KEY: &str = "private-key-0001";
const CLIENT: &str = "private-client-0001";

const SUCCESS: &str = r#"{"result":{"paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
    "paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
    "paymentRequestActivityTypeId":2,"paymentStatus":4},
    "failed":false,"message":null,"clientMessage":null,"succeeded":true}"#;

const ALREADY_CANCELLED: &str = r#"{"result":null,"failed":true,
    "message":"The payment already has a refund or cancel.",
    "clientMessage":"Payment.Async.AlreadyHasRefundOrCancel","succeeded":false}"#;

fn answer_with_retry_after(status: u16, retry_after: &str) -> Event {
    answer_retrying_after(status, "<html>slow down</html>", retry_after)
}

/// The engine's rules, without the reconciliation (tested on its own below).
fn config(max_retries: u32) -> Config {
    Config::from_options(ConfigOptions {
        reconcile: Some(false),
        ..scripted_options(KEY, CLIENT, max_retries)
    })
    .unwrap()
}

fn id() -> PaymentRequestId {
    PaymentRequestId::parse(ID).unwrap()
}

/// A cancel's result, once `host` has driven it.
fn cancelled(outcome: Result<Outcome, Error>) -> Result<CancelResult, Error> {
    outcome.map(|outcome| match outcome {
        Outcome::Cancelled(result) => result,
        other => panic!("a cancel resolved with {other:?}"),
    })
}

fn cancel(host: &Script, max_retries: u32) -> Result<CancelResult, Error> {
    cancelled(host.call(&config(max_retries), Operation::Cancel(id())))
}

fn cancel_error(host: &Script, max_retries: u32) -> Error {
    cancel(host, max_retries).expect_err("the cancel should fail")
}

/// A range of waits: backoff with equal jitter, half fixed and half random.
fn within(wait: u32, backoff: u32) -> bool {
    (backoff / 2..backoff).contains(&wait)
}

#[test]
fn the_request_is_exactly_what_paywall_documents() {
    let config = config(2);
    let mut call = Call::new(&config, Operation::Cancel(id()), SEED);
    let Step::Send(request) = call.next(None) else {
        panic!("a cancel starts with its request");
    };
    assert_eq!(
        request.url,
        "https://paywall.example/api/payment/async/cancel"
    );
    assert_eq!(
        request.headers(),
        [
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("apikeyprivate", KEY),
            ("apiclientprivate", CLIENT),
        ]
    );
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.body,
        Some(format!(r#"{{"PaymentRequestId":"{ID}"}}"#).as_str())
    );
    assert_eq!(request.timeout_ms, 1_000);
    let printed = format!("{request:?}");
    assert!(
        !printed.contains(KEY) && !printed.contains(CLIENT),
        "{printed}"
    );
}

#[test]
fn a_call_is_a_state_machine_that_asks_for_each_step() {
    let config = config(1);
    let mut call = Call::new(&config, Operation::Cancel(id()), SEED);
    assert!(
        matches!(call.next(None), Step::Send(r) if r.url.ends_with("/api/payment/async/cancel"))
    );
    let busy = answer(503, "<html>busy</html>");
    let Step::Wait(ms) = call.next(Some(busy)) else {
        panic!("a 503 is retried after a wait");
    };
    assert!(within(ms, 500), "{ms}");
    assert!(matches!(call.next(Some(Event::Waited)), Step::Send(r) if r.method == "POST"));
    match call.next(Some(answer(200, SUCCESS))) {
        Step::Done(Ok(Outcome::Cancelled(result))) => {
            assert_eq!(result.state, CancelState::Cancelled)
        }
        other => panic!("{other:?}"),
    }
    // An event that was not asked for ends a call instead of being guessed at.
    let mut call = Call::new(&config, Operation::Cancel(id()), SEED);
    assert!(
        matches!(call.next(Some(Event::Waited)), Step::Done(Err(error)) if error.kind() == ErrorKind::Config)
    );
}

#[test]
fn a_signal_that_fired_before_the_call_sends_nothing() {
    let config = config(2);
    let mut call = Call::new(&config, Operation::Cancel(id()), SEED);
    match call.next(Some(failed(Failure::Aborted))) {
        Step::Done(Err(error)) => {
            assert_eq!(error.kind(), ErrorKind::Aborted);
            assert_eq!(error.attempts(), 0);
            assert!(error
                .message()
                .contains("before the call started; no request was sent"));
            assert_eq!(error.payment_request_id(), Some(ID));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_documented_success_resolves_with_the_result() {
    let host = Script::new(vec![answer(200, SUCCESS)]);
    let result = cancel(&host, 2).unwrap();
    assert_eq!(result.payment_request_id, ID);
    assert_eq!(result.payment_request_activity_type_id, 2);
    assert_eq!(result.payment_status, 4);
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_refusal_is_an_api_error_and_is_not_retried() {
    let host = Script::new(vec![answer(200, ALREADY_CANCELLED)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(200));
    assert_eq!(
        error.client_message(),
        Some("Payment.Async.AlreadyHasRefundOrCancel")
    );
    assert!(!error.retryable());
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.payment_request_id(), Some(ID));
    assert!(error
        .message()
        .contains("The payment already has a refund or cancel."));
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_non_2xx_envelope_is_an_api_error_with_its_status() {
    let host = Script::new(vec![answer(
        401,
        r#"{"Succeeded":false,"Failed":true,"Message":"Unauthorized","ClientMessage":"System.AuthError"}"#,
    )]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(401));
    assert_eq!(error.client_message(), Some("System.AuthError"));
    assert_eq!(host.attempts(), 1);
}

#[test]
fn transient_statuses_are_retried_until_success() {
    let host = Script::new(vec![
        answer(503, "<html>unavailable</html>"),
        answer(502, ""),
        answer(200, SUCCESS),
    ]);
    assert!(cancel(&host, 2).is_ok());
    assert_eq!(host.attempts(), 3);
    let sleeps = host.sleeps.borrow();
    assert!(
        within(sleeps[0], 500) && within(sleeps[1], 1_000),
        "{sleeps:?}"
    );
}

#[test]
fn retries_stop_at_max_retries_with_the_last_error() {
    let host = Script::new(vec![
        answer(503, "<html>1</html>"),
        answer(504, "<html>2</html>"),
        answer(503, "<html>3</html>"),
    ]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.http_status(), Some(503));
    assert!(error.retryable());
    assert_eq!(error.attempts(), 3);
    assert!(error
        .message()
        .contains("the body starts \"<html>3</html>\""));
    assert!(error.message().ends_with("[after 3 attempts]"));
}

#[test]
fn max_retries_zero_sends_once() {
    let host = Script::new(vec![answer(503, "")]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.attempts(), 1);
    assert!(error.message().contains("an empty body"));
}

#[test]
fn other_statuses_are_not_retried() {
    for status in [400, 404, 500, 501] {
        let host = Script::new(vec![answer(status, "<html>no</html>")]);
        let error = cancel_error(&host, 2);
        assert_eq!(error.kind(), ErrorKind::Http, "{status}");
        assert!(!error.retryable(), "{status}");
        assert_eq!(host.attempts(), 1, "{status}");
    }
}

#[test]
fn a_retryable_envelope_is_retried_and_reported_as_api() {
    let failure = r#"{"succeeded":false,"failed":true,"clientMessage":"System.ServerError"}"#;
    let host = Script::new(vec![answer(503, failure), answer(503, failure)]);
    let error = cancel_error(&host, 1);
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(503));
    assert!(error.retryable());
    assert_eq!(error.attempts(), 2);
}

#[test]
fn retry_after_is_honoured_and_absurd_values_fall_back_to_backoff() {
    let host = Script::new(vec![
        answer_with_retry_after(429, "1"),
        answer_with_retry_after(429, "999999"),
        answer(200, SUCCESS),
    ]);
    assert!(cancel(&host, 2).is_ok());
    let sleeps = host.sleeps.borrow();
    assert_eq!(sleeps[0], 1_000);
    assert!(within(sleeps[1], 1_000), "{sleeps:?}");
}

#[test]
fn connection_failures_are_retried() {
    let host = Script::new(vec![
        failed(Failure::Network("fetch failed (ECONNRESET)".into())),
        answer(200, SUCCESS),
    ]);
    assert!(cancel(&host, 2).is_ok());
    assert_eq!(host.attempts(), 2);

    let host = Script::new(vec![
        failed(Failure::Network("fetch failed (ECONNREFUSED)".into())),
        failed(Failure::Network("fetch failed (ECONNREFUSED)".into())),
    ]);
    let error = cancel_error(&host, 1);
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.retryable());
    assert!(error.message().contains("ECONNREFUSED"));
    assert!(error
        .message()
        .contains("https://paywall.example/api/payment/async/cancel"));
}

#[test]
fn a_fetch_that_returns_no_response_is_not_retried() {
    let host = Script::new(vec![failed(Failure::NotAResponse(
        "config.fetch resolved to a number, not a Response".into(),
    ))]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(!error.retryable());
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_timeout_is_retryable_but_not_retried() {
    let host = Script::new(vec![failed(Failure::Timeout)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.retryable());
    assert!(error.message().contains("1000 ms"));
    assert_eq!(host.attempts(), 1);
}

#[test]
fn an_abort_during_an_attempt_or_a_backoff_is_reported_as_aborted() {
    let host = Script::new(vec![failed(Failure::Aborted)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Aborted);
    assert!(!error.retryable());
    assert!(error.message().contains("may or may not be cancelled"));

    let mut host = Script::new(vec![answer(503, "busy")]);
    host.abort_sleep = true;
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Aborted);
    assert_eq!(error.attempts(), 1);
    assert!(error.message().contains("while waiting to retry after"));
    assert!(error.message().contains("HTTP 503"));
}

#[test]
fn a_2xx_that_is_not_an_envelope_is_a_decode_error() {
    let result_for_another = SUCCESS.replace(ID, "11111111-d116-4306-8881-38a43c485da9");
    let cases = [
        ("{\"result\": {", "ends too early"),
        ("", "the body is empty"),
        ("<html>ok</html>", "got text that is not JSON"),
        (r#"{"succeeded":true,"result":null}"#, "no result"),
        (r#"{"succeeded":true,"failed":true}"#, "both the same"),
        (result_for_another.as_str(), "not the requested"),
        (
            r#"{"succeeded":true,"result":{"paymentRequestId":"x"}}"#,
            "missing",
        ),
    ];
    for (body, says) in cases {
        let host = Script::new(vec![answer(200, body)]);
        let error = cancel_error(&host, 2);
        assert_eq!(error.kind(), ErrorKind::Decode, "{body}");
        assert!(!error.retryable());
        assert_eq!(error.http_status(), Some(200));
        assert!(
            error.message().contains(says),
            "{body}: {}",
            error.message()
        );
        assert_eq!(host.attempts(), 1);
    }
}

#[test]
fn an_answer_over_the_limit_is_too_large_and_not_parsed() {
    let huge = format!("{{\"succeeded\":true,\"pad\":\"{}\"}}", "x".repeat(100_000));
    let host = Script::new(vec![answer(200, &huge)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(!error.retryable());
    assert!(
        error
            .message()
            .contains("the answer is too large: over 65536 bytes"),
        "{}",
        error.message()
    );

    let host = Script::new(vec![answer(502, &huge), answer(200, SUCCESS)]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert!(error.retryable());
    assert!(error.message().contains("too large"), "{}", error.message());
    assert!(error.message().contains(r#"it starts "{"succeeded":true"#));
    assert!(error.message().len() < 600, "the excerpt is bounded");
}

#[test]
fn the_too_large_message_names_the_limit() {
    assert!(TOO_LARGE.contains(&format!(" {MAX_BODY_BYTES} bytes")));
}

#[test]
fn an_answer_just_under_the_limit_still_decodes() {
    let envelope = SUCCESS.trim_end_matches('}');
    let padding = MAX_BODY_BYTES - envelope.len() - 1;
    let body = format!("{envelope}{}}}", " ".repeat(padding));
    assert_eq!(body.len(), MAX_BODY_BYTES);
    let host = Script::new(vec![answer(200, &body)]);
    assert!(cancel(&host, 0).is_ok());
}

#[test]
fn a_redirect_is_an_http_error_that_names_the_target() {
    let host = Script::new(vec![Event::Answer(Answer {
        status: 302,
        location: Some("https://elsewhere.example/login".into()),
        ..Answer::default()
    })]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.http_status(), Some(302));
    assert!(error.message().contains("https://elsewhere.example/login"));
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_browsers_opaque_redirect_is_an_http_error_without_a_status() {
    let host = Script::new(vec![answer(0, "")]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.http_status(), None);
    assert!(!error.retryable());
    assert!(error
        .message()
        .starts_with("Paywall answered with a redirect"));
}

#[test]
fn an_envelope_claiming_success_on_a_failed_status_is_an_http_error() {
    let host = Script::new(vec![answer(500, SUCCESS)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert!(error.message().contains("claims success"));
}

#[test]
fn keys_echoed_by_a_server_or_a_fetch_never_reach_the_error() {
    let echo = format!("<html>bad key {KEY} for client {CLIENT}</html>");
    let host = Script::new(vec![answer(400, &echo)]);
    let error = cancel_error(&host, 2);
    assert!(!error.message().contains(KEY), "{}", error.message());
    assert!(!error.message().contains(CLIENT), "{}", error.message());

    let host = Script::new(vec![failed(Failure::NotAResponse(format!(
        "headers were {KEY}"
    )))]);
    let error = cancel_error(&host, 2);
    assert!(!format!("{error} {error:?}").contains(KEY));

    let echoing =
        format!(r#"{{"succeeded":false,"message":"key {KEY}","clientMessage":"{CLIENT}"}}"#);
    let host = Script::new(vec![answer(200, &echoing)]);
    let error = cancel_error(&host, 2);
    let everything = serde_json::to_string(&error).unwrap();
    assert!(
        !everything.contains(KEY) && !everything.contains(CLIENT),
        "{everything}"
    );
}

/// Every form a Rust caller or the JS error sees: Display, Debug and the JSON details.
fn every_form(error: &Error) -> String {
    format!(
        "{error} {error:?} {}",
        serde_json::to_string(error).unwrap()
    )
}

/// Asserts that no `FRAGMENT_BYTES` window of `secret`, raw, JSON-escaped or with its
/// white space collapsed, is in `text`.
fn assert_no_fragment_of(secret: &str, text: &str) {
    let json = serde_json::to_string(secret).unwrap();
    let collapsed = secret.split_whitespace().collect::<Vec<_>>().join(" ");
    for spelling in [secret, &json[1..json.len() - 1], &collapsed] {
        for window in spelling.as_bytes().windows(crate::core::FRAGMENT_BYTES) {
            let window = std::str::from_utf8(window).unwrap();
            assert!(!text.contains(window), "{window:?} leaked into {text}");
        }
    }
}

#[test]
fn a_key_straddling_any_cut_of_any_quoted_text_leaves_no_fragment() {
    let key = r#"sk_live_"quoted"\back\\slash  two  spaces_0123456789abcdef"#;
    let client = "cl_live_client_0123456789_abcdefghij";
    let config = scripted_config(key, client, 0).unwrap();
    for padding in 0..400 {
        let pad = "p".repeat(padding);
        let json_key = serde_json::to_string(key).unwrap();
        let outcomes = [
            answer(
                502,
                &format!("<html><pre>{pad}apikeyprivate: {key}\n</pre></html>"),
            ),
            answer(200, &format!("{pad}{key} not json")),
            answer(
                200,
                &format!(
                    r#"{{"succeeded":false,"message":"{pad} {}","clientMessage":{json_key}}}"#,
                    &json_key[1..json_key.len() - 1]
                ),
            ),
            answer(
                400,
                &format!(r#"{{"headers":{{"apikeyprivate":{json_key}}},"pad":"{pad}"}}"#),
            ),
            failed(Failure::Network(format!("{pad}fetch failed: {key}"))),
            Event::Answer(Answer {
                status: 302,
                location: Some(format!("/login?{pad}&key={key}")),
                ..Answer::default()
            }),
        ];
        for outcome in outcomes {
            let host = Script::new(vec![outcome]);
            let error = host.call(&config, Operation::Cancel(id())).unwrap_err();
            assert_no_fragment_of(key, &every_form(&error));
        }
    }
}

#[test]
fn a_key_passed_as_the_id_is_refused_before_anything_is_sent() {
    let guid_key = "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60718";
    let config = scripted_config(guid_key, CLIENT, 2).unwrap();
    let id = PaymentRequestId::parse(&guid_key.to_uppercase()).unwrap();
    let host = Script::new(vec![answer(200, SUCCESS)]);
    let error = host.call(&config, Operation::Cancel(id)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input);
    assert_eq!(error.attempts(), 0);
    assert_eq!(host.attempts(), 0);
    assert!(error.message().contains("holds part of a private key"));
    assert_no_fragment_of(guid_key, &every_form(&error));
}

#[test]
fn paywalls_message_cannot_forge_log_lines_or_flood_them() {
    let flood = format!(
        r#"{{"succeeded":false,"message":"Refused.\r\n2026-11-26T10:00:00Z INFO payment cancelled\u001b[0m {}","clientMessage":"System.Auth\nError{}"}}"#,
        "spam ".repeat(12_000),
        "X".repeat(5_000)
    );
    let host = Script::new(vec![answer(200, &flood)]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.kind(), ErrorKind::Api);
    for text in [
        error.message(),
        error.paywall_message().unwrap(),
        error.client_message().unwrap(),
    ] {
        assert!(!text.contains(['\n', '\r', '\u{1b}']), "{text:?}");
    }
    assert!(error.message().chars().count() < 700, "{}", error.message());
    assert!(error.paywall_message().unwrap().chars().count() <= 300);
    assert!(error.client_message().unwrap().chars().count() <= 120);
    assert!(error
        .paywall_message()
        .unwrap()
        .starts_with("Refused. 2026-11-26T10:00:00Z INFO payment cancelled[0m spam"));
}

// --- The reconciliation of a cancel whose outcome is unknown -----------------------------

/// An inquiry answer: the payment's latest activity `activity_type` in `status`.
fn inquiry_answer(activity_type: i32, status: i32) -> Event {
    answer(
        200,
        &format!(
            r#"{{"Result":{{"PaymentRequestId":"{ID}",
            "PaymentRequestActivityId":"9b2f3c1e-0d4a-4f6b-8c7d-1e2f3a4b5c6d",
            "PaymentTypeId":{activity_type},"PaymentStatusId":{status},"Amount":12.50}},
            "Succeeded":true,"Failed":false}}"#
        ),
    )
}

/// Cancels with reconciliation on (the default), `max_retries` retries.
fn reconciled(host: &Script, max_retries: u32) -> Result<CancelResult, Error> {
    cancelled(host.call(
        &scripted_config(KEY, CLIENT, max_retries).unwrap(),
        Operation::Cancel(id()),
    ))
}

fn dropped() -> Event {
    failed(Failure::Network("fetch failed (socket hang up)".into()))
}

#[test]
fn a_lost_answer_is_resolved_by_an_inquiry_that_shows_the_cancellation() {
    let host = Script::new(vec![dropped(), inquiry_answer(2, 4)]);
    let result = reconciled(&host, 0).unwrap();
    assert_eq!(result.confirmed_by, ConfirmedBy::Inquiry);
    assert_eq!(result.state, CancelState::Cancelled);
    assert_eq!(result.payment_request_id, ID);
    assert_eq!(result.payment_request_activity_type_id, 2);
    assert_eq!(result.payment_status, 4);
    assert_eq!(
        result.payment_request_activity_id,
        "9b2f3c1e-0d4a-4f6b-8c7d-1e2f3a4b5c6d"
    );
    assert_eq!((host.sent_with("POST"), host.sent_with("GET")), (1, 1));
    assert!(host.sent.borrow()[1].starts_with(
        "GET https://paywall.example/api/payment/inquiry/72ec8714-d116-4306-8881-38a43c485da9 "
    ));
}

#[test]
fn a_timed_out_cancel_that_an_inquiry_shows_pending_resolves_pending() {
    let host = Script::new(vec![failed(Failure::Timeout), inquiry_answer(2, 2)]);
    let result = reconciled(&host, 2).unwrap();
    assert_eq!(result.state, CancelState::Pending);
    assert_eq!(result.confirmed_by, ConfirmedBy::Inquiry);
    assert_eq!(
        host.sent_with("POST"),
        1,
        "a timed-out cancel is not retried"
    );
}

#[test]
fn a_retry_that_meets_the_earlier_attempts_cancel_is_confirmed_by_an_inquiry() {
    let host = Script::new(vec![
        dropped(),
        answer(200, ALREADY_CANCELLED),
        inquiry_answer(2, 4),
    ]);
    let result = reconciled(&host, 2).unwrap();
    assert_eq!(result.confirmed_by, ConfirmedBy::Inquiry);
    assert_eq!((host.sent_with("POST"), host.sent_with("GET")), (2, 1));
}

#[test]
fn a_lost_answer_of_a_cancel_that_did_not_happen_stays_an_error_and_says_what_was_found() {
    let host = Script::new(vec![failed(Failure::Timeout), inquiry_answer(1, 2)]);
    let error = reconciled(&host, 0).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(error.attempts(), 1);
    assert!(
        error.message().ends_with(
            "; an inquiry found the payment not cancelled: its latest activity is Sale (1) in \
             status Sent to device (2)"
        ),
        "{}",
        error.message()
    );
}

#[test]
fn a_failed_inquiry_keeps_the_original_error_and_says_so() {
    let host = Script::new(vec![dropped(), answer(503, "<html>busy</html>")]);
    let error = reconciled(&host, 0).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(
        error
            .message()
            .ends_with("; an inquiry to find out failed too (http error, HTTP 503)"),
        "{}",
        error.message()
    );
    assert_eq!(
        host.sent_with("GET"),
        1,
        "the inquiry is asked once, not retried"
    );
}

#[test]
fn what_is_known_is_not_reconciled() {
    // Cancelled before this call: the first attempt's refusal stays Paywall's refusal.
    let host = Script::new(vec![answer(200, ALREADY_CANCELLED), inquiry_answer(2, 4)]);
    assert_eq!(reconciled(&host, 2).unwrap_err().kind(), ErrorKind::Api);
    assert_eq!(host.sent_with("GET"), 0);
    // The caller's abort.
    let host = Script::new(vec![failed(Failure::Aborted), inquiry_answer(2, 4)]);
    assert_eq!(reconciled(&host, 2).unwrap_err().kind(), ErrorKind::Aborted);
    assert_eq!(host.sent_with("GET"), 0);
    // Any other refusal or failure the answer made plain.
    let host = Script::new(vec![answer(500, "<html>x</html>"), inquiry_answer(2, 4)]);
    assert_eq!(reconciled(&host, 2).unwrap_err().kind(), ErrorKind::Http);
    assert_eq!(host.sent_with("GET"), 0);
}

#[test]
fn reconcile_false_keeps_the_lost_answer_an_error_with_no_inquiry() {
    let host = Script::new(vec![dropped(), inquiry_answer(2, 4)]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.kind(), ErrorKind::Network);
    assert_eq!(host.sent_with("GET"), 0);
}

// --- The inquiry -------------------------------------------------------------------------

/// An inquiry's outcome.
fn inquired(outcome: Result<Outcome, Error>) -> Result<PaymentInquiry, Error> {
    outcome.map(|outcome| match outcome {
        Outcome::Inquired(inquiry) => inquiry,
        other => panic!("an inquiry resolved with {other:?}"),
    })
}

#[test]
fn an_inquiry_is_a_get_without_a_body_and_retries_a_timeout() {
    let config = scripted_config(KEY, CLIENT, 2).unwrap();
    let mut call = Call::new(&config, Operation::Inquiry(id()), SEED);
    let Step::Send(request) = call.next(None) else {
        panic!("an inquiry starts with its request");
    };
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.url,
        "https://paywall.example/api/payment/inquiry/72ec8714-d116-4306-8881-38a43c485da9"
    );
    assert_eq!(request.body, None);
    assert_eq!(
        request.headers(),
        [
            ("accept", "application/json"),
            ("apikeyprivate", KEY),
            ("apiclientprivate", CLIENT),
        ]
    );
    let host = Script::new(vec![failed(Failure::Timeout), inquiry_answer(1, 2)]);
    let inquiry = inquired(host.call(&config, Operation::Inquiry(id()))).unwrap();
    assert_eq!((inquiry.payment_type_id, inquiry.payment_status_id), (1, 2));
    assert_eq!(host.sent_with("GET"), 2, "a GET that timed out is retried");
}

#[test]
fn an_inquirys_refusal_names_the_inquiry() {
    let config = scripted_config(KEY, CLIENT, 2).unwrap();
    let host = Script::new(vec![answer(
        200,
        r#"{"Succeeded":false,"Failed":true,"ClientMessage":"Payment.Request.RequestNotFound"}"#,
    )]);
    let error = inquired(host.call(&config, Operation::Inquiry(id()))).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert!(
        error.message().starts_with("Paywall refused the inquiry"),
        "{}",
        error.message()
    );
}

// --- The confirmation of a callback ----------------------------------------------------

const HASH_KEY: &str = "pp-webhook-key-3f9a2c7e81d4";

/// A genuine callback of the payment `ID`: a sale, successful, 1.50.
fn callback() -> PhysicalPosCallback {
    let hash: String =
        crate::core::sha256(format!("{HASH_KEY}###{ID}###order-1###1.50").as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
    let body = format!(
        r#"{{"TerminalId":"T-1","PaymentRequestId":"{ID}",
        "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f","PaymentTypeId":1,
        "PaymentStatusId":4,"MerchantUniqueCode":"order-1","DisplayCode":"A1","Amount":1.50,
        "Hash":"{hash}"}}"#
    );
    crate::core::verify_callback(body.as_bytes(), HASH_KEY).unwrap()
}

/// The inquiry that agrees with [`callback`], but for its status.
fn confirming_inquiry(status: i32) -> Event {
    answer(
        200,
        &format!(
            r#"{{"Result":{{"PaymentRequestId":"{ID}",
            "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f","TerminalId":"T-1",
            "DisplayCode":"A1","MerchantUniqueCode":"order-1","Amount":1.5,
            "PaymentTypeId":1,"PaymentStatusId":{status}}},"Succeeded":true}}"#
        ),
    )
}

#[test]
fn a_confirmation_asks_the_inquiry_once_and_counts_it_in_a_refusal() {
    let config = scripted_config(KEY, CLIENT, 2).unwrap();
    let agrees = Script::new(vec![confirming_inquiry(4)]);
    assert_eq!(
        agrees.call(&config, Operation::Confirm(callback())),
        Ok(Outcome::Confirmed(callback()))
    );
    assert_eq!(agrees.sent_with("GET"), 1);

    let busy_then_disagrees = Script::new(vec![
        answer(503, "<html>busy</html>"),
        confirming_inquiry(5),
    ]);
    let error = busy_then_disagrees
        .call(&config, Operation::Confirm(callback()))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Signature);
    assert_eq!(
        error.attempts(),
        2,
        "the inquiry's requests, the retry included"
    );
    assert_eq!(error.payment_request_id(), Some(ID));

    let unavailable = Script::new(vec![answer(500, "<html>down</html>")]);
    let error = unavailable
        .call(&config, Operation::Confirm(callback()))
        .unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::Http,
        "the inquiry's own failure, not a verdict"
    );

    let unreadable = Script::new(vec![answer(200, "<html>portal</html>")]);
    let error = unreadable
        .call(&config, Operation::Confirm(callback()))
        .unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::Http,
        "an answer that cannot be read says nothing about the callback"
    );
    assert!(error.retryable());
    assert!(
        error
            .message()
            .starts_with("The callback could not be confirmed"),
        "{error}"
    );
}

#[test]
fn a_confirmation_whose_id_holds_part_of_a_key_is_a_config_error_and_sends_nothing() {
    let config = scripted_config(ID, CLIENT, 2).unwrap();
    let host = Script::new(vec![confirming_inquiry(4)]);
    let error = host
        .call(&config, Operation::Confirm(callback()))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert_eq!(host.attempts(), 0);
}
