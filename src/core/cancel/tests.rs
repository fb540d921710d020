//! The request pipeline, through the cancel, against a scripted host: every answer and
//! failure the retry and decoding rules distinguish, without a network; and the
//! reconciliation of a cancel whose outcome is unknown.

use super::*;
use crate::core::request::{HttpRequest, HttpResponse, SendFailure, MAX_BODY_BYTES};
use crate::core::scripted_host::{
    answer as scripted, config as scripted_config, options as scripted_options,
    run as run_scripted, Headers, Outcome, ScriptedHost,
};
use crate::core::CancelState;
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

/// Runs the procedure to completion; the scripted host never waits.
fn run<F: std::future::Future>(future: F) -> F::Output {
    run_scripted(future).expect("the scripted host never waits")
}

fn answer(status: u16, body: &str) -> Outcome {
    scripted(status, Headers::new(), body)
}

fn answer_with_retry_after(status: u16, retry_after: &str) -> Outcome {
    scripted(
        status,
        vec![("retry-after", retry_after.to_owned())],
        "<html>slow down</html>",
    )
}

/// The pipeline's rules, without the reconciliation (tested on its own below).
fn config(max_retries: u32) -> Config {
    Config::from_options(ConfigOptions {
        reconcile: Some(false),
        ..scripted_options(KEY, CLIENT, max_retries)
    })
    .unwrap()
}

fn cancel(host: &ScriptedHost, max_retries: u32) -> Result<CancelResult, Error> {
    let id = PaymentRequestId::parse(ID).unwrap();
    run(cancel_with(host, &config(max_retries), &id))
}

fn cancel_error(host: &ScriptedHost, max_retries: u32) -> Error {
    cancel(host, max_retries).expect_err("the cancel should fail")
}

#[test]
fn the_request_is_exactly_what_paywall_documents() {
    let config = config(2);
    let id = PaymentRequestId::parse(ID).unwrap();
    let request = HttpRequest::new(&config, &Cancel { id: &id });
    assert_eq!(
        request.url,
        "https://paywall.example/api/payment/async/cancel"
    );
    assert_eq!(
        request.headers,
        [
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("apikeyprivate", KEY),
            ("apiclientprivate", CLIENT),
        ]
    );
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.body.as_deref(),
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
fn a_documented_success_resolves_with_the_result() {
    let host = ScriptedHost::new(vec![answer(200, SUCCESS)]);
    let result = cancel(&host, 2).unwrap();
    assert_eq!(result.payment_request_id, ID);
    assert_eq!(result.payment_request_activity_type_id, 2);
    assert_eq!(result.payment_status, 4);
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_refusal_is_an_api_error_and_is_not_retried() {
    let host = ScriptedHost::new(vec![answer(200, ALREADY_CANCELLED)]);
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
    let host = ScriptedHost::new(vec![answer(
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
    let host = ScriptedHost::new(vec![
        answer(503, "<html>unavailable</html>"),
        answer(502, ""),
        answer(200, SUCCESS),
    ]);
    assert!(cancel(&host, 2).is_ok());
    assert_eq!(host.attempts(), 3);
    assert_eq!(*host.sleeps.borrow(), [250, 500]);
}

#[test]
fn retries_stop_at_max_retries_with_the_last_error() {
    let host = ScriptedHost::new(vec![
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
    let host = ScriptedHost::new(vec![answer(503, "")]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.attempts(), 1);
    assert!(error.message().contains("an empty body"));
}

#[test]
fn other_statuses_are_not_retried() {
    for status in [400, 404, 500, 501] {
        let host = ScriptedHost::new(vec![answer(status, "<html>no</html>")]);
        let error = cancel_error(&host, 2);
        assert_eq!(error.kind(), ErrorKind::Http, "{status}");
        assert!(!error.retryable(), "{status}");
        assert_eq!(host.attempts(), 1, "{status}");
    }
}

#[test]
fn a_retryable_envelope_is_retried_and_reported_as_api() {
    let failure = r#"{"succeeded":false,"failed":true,"clientMessage":"System.ServerError"}"#;
    let host = ScriptedHost::new(vec![answer(503, failure), answer(503, failure)]);
    let error = cancel_error(&host, 1);
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(503));
    assert!(error.retryable());
    assert_eq!(error.attempts(), 2);
}

#[test]
fn headers_are_read_only_when_an_answer_needs_them() {
    let host = ScriptedHost::new(vec![answer(200, SUCCESS)]);
    cancel(&host, 2).unwrap();
    assert!(host.headers_read.borrow().is_empty());

    let host = ScriptedHost::new(vec![answer_with_retry_after(503, "1")]);
    cancel_error(&host, 0);
    assert!(
        host.headers_read.borrow().is_empty(),
        "no retry is left, so Retry-After does not matter"
    );

    let host = ScriptedHost::new(vec![
        answer_with_retry_after(503, "0"),
        answer(200, SUCCESS),
    ]);
    cancel(&host, 1).unwrap();
    assert_eq!(*host.headers_read.borrow(), ["retry-after"]);
}

#[test]
fn retry_after_is_honoured_and_absurd_values_fall_back_to_backoff() {
    let host = ScriptedHost::new(vec![
        answer_with_retry_after(429, "1"),
        answer_with_retry_after(429, "999999"),
        answer(200, SUCCESS),
    ]);
    assert!(cancel(&host, 2).is_ok());
    assert_eq!(*host.sleeps.borrow(), [1_000, 500]);
}

#[test]
fn connection_failures_are_retried() {
    let host = ScriptedHost::new(vec![
        Err(SendFailure::Network("fetch failed (ECONNRESET)".into())),
        answer(200, SUCCESS),
    ]);
    assert!(cancel(&host, 2).is_ok());
    assert_eq!(host.attempts(), 2);

    let host = ScriptedHost::new(vec![
        Err(SendFailure::Network("fetch failed (ECONNREFUSED)".into())),
        Err(SendFailure::Network("fetch failed (ECONNREFUSED)".into())),
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
    let host = ScriptedHost::new(vec![Err(SendFailure::NotAResponse(
        "config.fetch resolved to a number, not a Response".into(),
    ))]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(!error.retryable());
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_timeout_is_retryable_but_not_retried() {
    let host = ScriptedHost::new(vec![Err(SendFailure::Timeout)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.retryable());
    assert!(error.message().contains("1000 ms"));
    assert_eq!(host.attempts(), 1);
}

#[test]
fn an_abort_during_an_attempt_or_a_backoff_is_reported_as_aborted() {
    let host = ScriptedHost::new(vec![Err(SendFailure::Aborted)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Aborted);
    assert!(!error.retryable());
    assert!(error.message().contains("may or may not be cancelled"));

    let mut host = ScriptedHost::new(vec![answer(503, "busy")]);
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
        let host = ScriptedHost::new(vec![answer(200, body)]);
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
    let host = ScriptedHost::new(vec![answer(200, &huge)]);
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

    let host = ScriptedHost::new(vec![answer(502, &huge), answer(200, SUCCESS)]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert!(error.retryable());
    assert!(error.message().contains("too large"), "{}", error.message());
    assert!(error.message().contains(r#"it starts "{"succeeded":true"#));
    assert!(error.message().len() < 600, "the excerpt is bounded");
}

#[test]
fn an_answer_just_under_the_limit_still_decodes() {
    let envelope = SUCCESS.trim_end_matches('}');
    let padding = MAX_BODY_BYTES - envelope.len() - 1;
    let body = format!("{envelope}{}}}", " ".repeat(padding));
    assert_eq!(body.len(), MAX_BODY_BYTES);
    let host = ScriptedHost::new(vec![answer(200, &body)]);
    assert!(cancel(&host, 0).is_ok());
}

#[test]
fn a_redirect_is_an_http_error_that_names_the_target() {
    let host = ScriptedHost::new(vec![Ok(HttpResponse {
        status: 302,
        headers: vec![("location", "https://elsewhere.example/login".into())],
        body: String::new(),
        too_large: false,
    })]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert_eq!(error.http_status(), Some(302));
    assert!(error.message().contains("https://elsewhere.example/login"));
    assert_eq!(host.attempts(), 1);
}

#[test]
fn a_browsers_opaque_redirect_is_an_http_error_without_a_status() {
    let host = ScriptedHost::new(vec![answer(0, "")]);
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
    let host = ScriptedHost::new(vec![answer(500, SUCCESS)]);
    let error = cancel_error(&host, 2);
    assert_eq!(error.kind(), ErrorKind::Http);
    assert!(error.message().contains("claims success"));
}

#[test]
fn keys_echoed_by_a_server_or_a_fetch_never_reach_the_error() {
    let echo = format!("<html>bad key {KEY} for client {CLIENT}</html>");
    let host = ScriptedHost::new(vec![answer(400, &echo)]);
    let error = cancel_error(&host, 2);
    assert!(!error.message().contains(KEY), "{}", error.message());
    assert!(!error.message().contains(CLIENT), "{}", error.message());

    let host = ScriptedHost::new(vec![Err(SendFailure::NotAResponse(format!(
        "headers were {KEY}"
    )))]);
    let error = cancel_error(&host, 2);
    assert!(!format!("{error} {error:?}").contains(KEY));

    let echoing =
        format!(r#"{{"succeeded":false,"message":"key {KEY}","clientMessage":"{CLIENT}"}}"#);
    let host = ScriptedHost::new(vec![answer(200, &echoing)]);
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
    let id = PaymentRequestId::parse(ID).unwrap();
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
            Err(SendFailure::Network(format!("{pad}fetch failed: {key}"))),
            scripted(
                302,
                vec![("location", format!("/login?{pad}&key={key}"))],
                "",
            ),
        ];
        for outcome in outcomes {
            let host = ScriptedHost::new(vec![outcome]);
            let error = run(cancel_with(&host, &config, &id)).unwrap_err();
            assert_no_fragment_of(key, &every_form(&error));
        }
    }
}

#[test]
fn a_key_passed_as_the_id_is_refused_before_anything_is_sent() {
    let guid_key = "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60718";
    let config = scripted_config(guid_key, CLIENT, 2).unwrap();
    let id = PaymentRequestId::parse(&guid_key.to_uppercase()).unwrap();
    let host = ScriptedHost::new(vec![answer(200, SUCCESS)]);
    let error = run(cancel_with(&host, &config, &id)).unwrap_err();
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
    let host = ScriptedHost::new(vec![answer(200, &flood)]);
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
    assert!(error.paywall_message().unwrap().chars().count() <= 301);
    assert!(error.client_message().unwrap().chars().count() <= 121);
    assert!(error
        .paywall_message()
        .unwrap()
        .starts_with("Refused. 2026-11-26T10:00:00Z INFO payment cancelled[0m spam"));
}

// --- The reconciliation of a cancel whose outcome is unknown -----------------------------

/// An inquiry answer: the payment's latest activity `activity_type` in `status`.
fn inquiry_answer(activity_type: i32, status: i32) -> Outcome {
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
fn reconciled(host: &ScriptedHost, max_retries: u32) -> Result<CancelResult, Error> {
    let id = PaymentRequestId::parse(ID).unwrap();
    run(cancel_with(
        host,
        &scripted_config(KEY, CLIENT, max_retries).unwrap(),
        &id,
    ))
}

fn dropped() -> Outcome {
    Err(SendFailure::Network("fetch failed (socket hang up)".into()))
}

#[test]
fn a_lost_answer_is_resolved_by_an_inquiry_that_shows_the_cancellation() {
    let host = ScriptedHost::new(vec![dropped(), inquiry_answer(2, 4)]);
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
    let host = ScriptedHost::new(vec![Err(SendFailure::Timeout), inquiry_answer(2, 2)]);
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
    let host = ScriptedHost::new(vec![
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
    let host = ScriptedHost::new(vec![Err(SendFailure::Timeout), inquiry_answer(1, 2)]);
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
    let host = ScriptedHost::new(vec![dropped(), answer(503, "<html>busy</html>")]);
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
    let host = ScriptedHost::new(vec![answer(200, ALREADY_CANCELLED), inquiry_answer(2, 4)]);
    assert_eq!(reconciled(&host, 2).unwrap_err().kind(), ErrorKind::Api);
    assert_eq!(host.sent_with("GET"), 0);
    // The caller's abort.
    let host = ScriptedHost::new(vec![Err(SendFailure::Aborted), inquiry_answer(2, 4)]);
    assert_eq!(reconciled(&host, 2).unwrap_err().kind(), ErrorKind::Aborted);
    assert_eq!(host.sent_with("GET"), 0);
    // Any other refusal or failure the answer made plain.
    let host = ScriptedHost::new(vec![answer(500, "<html>x</html>"), inquiry_answer(2, 4)]);
    assert_eq!(reconciled(&host, 2).unwrap_err().kind(), ErrorKind::Http);
    assert_eq!(host.sent_with("GET"), 0);
}

#[test]
fn reconcile_false_keeps_the_lost_answer_an_error_with_no_inquiry() {
    let host = ScriptedHost::new(vec![dropped(), inquiry_answer(2, 4)]);
    let error = cancel_error(&host, 0);
    assert_eq!(error.kind(), ErrorKind::Network);
    assert_eq!(host.sent_with("GET"), 0);
}

// --- The inquiry -------------------------------------------------------------------------

#[test]
fn an_inquiry_is_a_get_without_a_body_and_retries_a_timeout() {
    let config = scripted_config(KEY, CLIENT, 2).unwrap();
    let id = PaymentRequestId::parse(ID).unwrap();
    let request = HttpRequest::new(&config, &crate::core::Inquiry { id: &id });
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.url,
        "https://paywall.example/api/payment/inquiry/72ec8714-d116-4306-8881-38a43c485da9"
    );
    assert_eq!(request.body, None);
    assert_eq!(
        request.headers,
        [
            ("accept", "application/json"),
            ("apikeyprivate", KEY),
            ("apiclientprivate", CLIENT),
        ]
    );
    let host = ScriptedHost::new(vec![Err(SendFailure::Timeout), inquiry_answer(1, 2)]);
    let inquiry = run(crate::core::inquire_with(&host, &config, &id)).unwrap();
    assert_eq!((inquiry.payment_type_id, inquiry.payment_status_id), (1, 2));
    assert_eq!(host.sent_with("GET"), 2, "a GET that timed out is retried");
}

#[test]
fn an_inquirys_refusal_names_the_inquiry() {
    let config = scripted_config(KEY, CLIENT, 2).unwrap();
    let id = PaymentRequestId::parse(ID).unwrap();
    let host = ScriptedHost::new(vec![answer(
        200,
        r#"{"Succeeded":false,"Failed":true,"ClientMessage":"Payment.Request.RequestNotFound"}"#,
    )]);
    let error = run(crate::core::inquire_with(&host, &config, &id)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert!(
        error.message().starts_with("Paywall refused the inquiry"),
        "{}",
        error.message()
    );
}
