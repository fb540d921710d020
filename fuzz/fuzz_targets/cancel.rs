//! The whole cancel procedure against answers and failures the fuzzer chooses: decoding, the
//! retry loop, error construction and redaction. Nothing may panic, and whatever comes out
//! must keep the promises the README makes.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::scripted_host::{answer, config, run, ScriptedHost};
use paywall_edge::core::{
    cancel_with, is_retried_automatically, ErrorKind, PaymentRequestId, SendFailure,
};

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";
/// Long keys holding quotes, backslashes and runs of spaces, all legal in a header value and
/// each spelled differently once JSON-escaped or flattened.
const KEY: &str =
    r#"fuzz_live_"quoted"\back\slash  two  spaces   three_KKKKKKKKKKKKKKKKKKKKKKKK_5150"#;
const CLIENT: &str = r#"fuzz_client_'single'  "double"\gap_CCCCCCCCCCCCCCCCCCCCCCCCCCCC_8086"#;

#[path = "../oracle.rs"]
mod oracle;

#[derive(Arbitrary, Debug)]
enum Attempt {
    Answer {
        status: u16,
        retry_after: Option<String>,
        location: Option<String>,
        body: String,
        /// Puts the keys into the body, as an echoing proxy or server would.
        echo_keys: bool,
        /// How much text comes before the echoed keys: moves them across every cut a message
        /// makes (160 and 300 characters).
        pad: u16,
        /// Starts the body with a well-formed envelope, so decoding goes deep.
        envelope: Option<Envelope>,
    },
    Network(String),
    NotAResponse(String),
    Timeout,
    Aborted,
    Setup(String),
}

#[derive(Arbitrary, Debug)]
struct Envelope {
    succeeded: bool,
    failed: Option<bool>,
    pascal: bool,
    error_code: Option<i64>,
    message: Option<String>,
    client_message: Option<String>,
    result_id: Option<String>,
    activity_id: Option<String>,
    activity_type: Option<i32>,
    status: Option<i32>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    /// Keys of the fuzzer's choosing (used when the config accepts them), so that redaction
    /// meets keys that overlap each other, the mark, or the texts around them.
    keys: Option<(String, String)>,
    max_retries: u8,
    abort_sleep: bool,
    now_ms: f64,
    random: f64,
    attempts: Vec<Attempt>,
}

fn envelope_json(envelope: &Envelope) -> String {
    let key = |camel: &str| {
        if envelope.pascal {
            let mut chars = camel.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        } else {
            camel.to_owned()
        }
    };
    let result = serde_json::json!({
        key("paymentRequestId"): envelope.result_id.clone().unwrap_or_else(|| ID.to_owned()),
        key("paymentRequestActivityId"): envelope.activity_id.clone().unwrap_or_else(|| ID.to_owned()),
        key("paymentRequestActivityTypeId"): envelope.activity_type,
        key("paymentStatus"): envelope.status,
    });
    serde_json::json!({
        key("result"): result,
        key("succeeded"): envelope.succeeded,
        key("failed"): envelope.failed,
        key("errorCode"): envelope.error_code,
        key("message"): envelope.message,
        key("clientMessage"): envelope.client_message,
    })
    .to_string()
}

fuzz_target!(|input: Input| {
    let max_retries = u32::from(input.max_retries % 11);
    let (config, key, client) = match input.keys.as_ref().and_then(|(key, client)| {
        config(key, client, max_retries)
            .ok()
            .map(|config| (config, key.as_str(), client.as_str()))
    }) {
        Some(chosen) => chosen,
        None => (
            config(KEY, CLIENT, max_retries).expect("a valid config"),
            KEY,
            CLIENT,
        ),
    };
    let id = PaymentRequestId::parse(ID).expect("a valid id");

    let script = input
        .attempts
        .into_iter()
        .map(|attempt| match attempt {
            Attempt::Answer {
                status,
                retry_after,
                location,
                body,
                echo_keys,
                pad,
                envelope,
            } => {
                let pad = "p".repeat(usize::from(pad % 400));
                let mut headers = Vec::new();
                if let Some(value) = retry_after {
                    headers.push(("retry-after", value));
                }
                if let Some(value) = location {
                    headers.push((
                        "location",
                        if echo_keys {
                            format!("{value}{pad}{key}")
                        } else {
                            value
                        },
                    ));
                }
                let mut text = envelope.as_ref().map(envelope_json).unwrap_or_default();
                text.push_str(&body);
                if echo_keys {
                    let json_key = serde_json::to_string(key).unwrap_or_default();
                    text = text
                        .replace('x', &format!("{pad}{key}"))
                        .replace('y', client)
                        .replace('z', &json_key);
                }
                answer(status % 1000, headers, &text)
            }
            Attempt::Network(cause) => Err(SendFailure::Network(format!("{cause} {key}"))),
            Attempt::NotAResponse(what) => {
                Err(SendFailure::NotAResponse(format!("{what} {client}")))
            }
            Attempt::Timeout => Err(SendFailure::Timeout),
            Attempt::Aborted => Err(SendFailure::Aborted),
            Attempt::Setup(problem) => Err(SendFailure::Setup(format!("{problem}{key}"))),
        })
        .collect();
    let mut host = ScriptedHost::new(script);
    host.abort_sleep = input.abort_sleep;
    host.now_ms = input.now_ms;
    host.random = input.random;

    let outcome = run(cancel_with(&host, &config, &id)).expect("the scripted host never waits");
    let attempts = host.attempts();
    // A key that holds part of the id (in any letter case) means the id may be a key passed
    // by mistake: refused before anything is sent.
    let id_holds_a_key = [key, client].iter().any(|secret| {
        let secret = secret.to_ascii_lowercase();
        let width = oracle::FRAGMENT.min(secret.len());
        secret.len() >= 4
            && secret
                .as_bytes()
                .windows(width)
                .any(|piece| ID.as_bytes().windows(width).any(|part| part == piece))
    });
    if id_holds_a_key {
        let error = outcome.expect_err("an id that holds part of a key is refused");
        assert_eq!(error.kind(), ErrorKind::Input);
        assert_eq!((attempts, error.attempts()), (0, 0));
        return;
    }
    assert!(
        attempts >= 1 && attempts <= max_retries as usize + 1,
        "{attempts} attempts"
    );
    for &wait in host.sleeps.borrow().iter() {
        assert!(wait <= 60_000, "waited {wait} ms");
    }
    match outcome {
        Ok(result) => {
            assert!(id.matches(&result.payment_request_id), "{result:?}");
            assert!(
                PaymentRequestId::is_guid(&result.payment_request_activity_id),
                "{result:?}"
            );
        }
        Err(error) => {
            assert_eq!(error.attempts() as usize, attempts);
            assert!(error.attempts() <= max_retries + 1);
            assert_eq!(error.payment_request_id(), Some(ID));
            // No text an error carries holds a fragment of either key: no FRAGMENT-byte
            // window of it (or all of it, when it is shorter), as sent, JSON-escaped or with
            // its white space collapsed. (Keys under four bytes are left alone: masking every
            // "a" would protect nothing.) A key the fuzzer chose may be a piece of the
            // printed forms' own vocabulary, such as a Debug field name, so those forms are
            // checked whole with the fixed keys only.
            let texts = [
                Some(error.message()),
                error.client_message(),
                error.paywall_message(),
                error.payment_request_id(),
            ];
            let fragments = oracle::Fragments::of(&[key, client]);
            for text in texts.into_iter().flatten() {
                fragments.assert_none_in(text);
            }
            if (key, client) == (KEY, CLIENT) {
                let json = serde_json::to_string(&error).expect("serializable");
                fragments.assert_none_in(&format!("{error} {error:?} {json}"));
            }
            match error.kind() {
                ErrorKind::Decode => {
                    assert!(!error.retryable());
                    assert!(error.http_status().is_some_and(|s| (200..300).contains(&s)));
                }
                ErrorKind::Http => {
                    assert!(error.http_status().is_none_or(|s| !(200..300).contains(&s)))
                }
                ErrorKind::Api => assert!(error.http_status().is_some()),
                ErrorKind::Timeout => assert!(error.retryable()),
                ErrorKind::Aborted | ErrorKind::Config | ErrorKind::Input => {
                    assert!(!error.retryable())
                }
                ErrorKind::Network => {}
            }
            // The loop stopped for a reason: no retries left, or not a retried failure.
            assert!(
                error.attempts() == max_retries + 1
                    || !is_retried_automatically(&error)
                    || error.kind() == ErrorKind::Aborted,
                "stopped early: {error:?}"
            );
        }
    }
});
