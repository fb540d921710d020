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
const KEY: &str = "fuzz-private-key-5150";
const CLIENT: &str = "fuzz-private-client-8086";

#[derive(Arbitrary, Debug)]
enum Attempt {
    Answer {
        status: u16,
        retry_after: Option<String>,
        location: Option<String>,
        body: String,
        /// Puts the keys into the body, as an echoing proxy or server would.
        echo_keys: bool,
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
                envelope,
            } => {
                let mut headers = Vec::new();
                if let Some(value) = retry_after {
                    headers.push(("retry-after", value));
                }
                if let Some(value) = location {
                    headers.push((
                        "location",
                        if echo_keys {
                            format!("{value}{key}")
                        } else {
                            value
                        },
                    ));
                }
                let mut text = envelope.as_ref().map(envelope_json).unwrap_or_default();
                text.push_str(&body);
                if echo_keys {
                    text = text.replace('x', key).replace('y', client);
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
            // Every text an error carries is redacted of both keys. (Keys under four
            // characters are left alone: masking every "a" would protect nothing.) A key
            // the fuzzer chose may also be a piece of the error's fixed vocabulary, such as
            // a field name, so the whole printed forms are checked with the fixed keys.
            let texts = [
                Some(error.message()),
                error.client_message(),
                error.paywall_message(),
            ];
            for secret in [key, client].into_iter().filter(|secret| secret.len() >= 4) {
                for text in texts.into_iter().flatten() {
                    assert!(!text.contains(secret), "{secret:?} in {text:?}");
                }
            }
            // The printed forms, with the JSON read back: an escape such as \u001f before
            // "uzz-..." would otherwise spell a key that the error does not hold.
            let json = serde_json::to_value(&error).expect("serializable");
            let mut everything = format!("{error} {error:?}");
            for value in json.as_object().expect("an object").values() {
                if let Some(text) = value.as_str() {
                    everything.push(' ');
                    everything.push_str(text);
                }
            }
            if (key, client) == (KEY, CLIENT) {
                for secret in [KEY, CLIENT] {
                    assert!(!everything.contains(secret), "{secret:?} in {everything}");
                }
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
