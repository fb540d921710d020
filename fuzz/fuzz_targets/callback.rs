//! Callback verification on anything: never a panic; a callback is accepted only when its
//! Hash is the documented formula over the body's own text; every error is of a documented
//! kind and holds no fragment of the hash key.
//!
//! Two kinds of input, chosen by the first byte. Even: free bytes, `key\nbody` (so that a
//! seed is readable). Odd: a callback built from fuzzer-chosen pieces (casing of each key,
//! ids, codes, the amount's text, which fields are left out, where the key is echoed), with a
//! Hash computed by the formula over the exact texts written, or over other texts, or any.
//! The library's SHA-256 is checked against the `sha2` crate on the bytes too. The fields
//! the Hash does not cover (ConnectionId, TerminalId, DisplayCode, Message) are optional and
//! any text: a verified callback reads them as written, or null.
//!
//! A verified callback is then confirmed (`Operation::Confirm`, the library's call state
//! machine driven by its `Script`) against scripted inquiries: one that agrees confirms it,
//! as it is; one that differs in any field the inquiry can check is a `signature` error that
//! names it; and an inquiry that fails, or cannot be read, is never a verdict on the callback
//! (never `decode`, `signature` or `input`), and says the callback is unconfirmed.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::json::{self, RawNumber};
use paywall_edge::core::script::{answer, config, failed, Script};
use paywall_edge::core::{
    sha256, verify_callback, Error, ErrorKind, Failure, Operation, Outcome, PhysicalPosCallback,
    MAX_CALLBACK_BYTES,
};
use sha2::Digest;
use std::sync::OnceLock;

#[path = "../oracle.rs"]
mod oracle;

/// The reference Hash: lowercase hex SHA-256 (from `sha2`) of the documented formula.
/// A verified callback's `message` (`ours`) against the Message the body wrote (`theirs`):
/// one line, no control or direction characters, at most 300 characters; and, for a short
/// plain text that shares no four bytes with the key (so that no spelling of it, nor the
/// whole of a short key, can be in it), exactly what was written.
fn assert_message_is_quoted(theirs: &str, ours: &str, key: &str) {
    assert!(ours.chars().count() <= 300, "{ours:?}");
    assert!(
        !ours.chars().any(|c| c.is_control()
            || matches!(c, '\u{61c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')),
        "{ours:?}"
    );
    let plain = theirs.len() < 300
        && theirs.bytes().all(|b| b.is_ascii_graphic())
        && !key
            .as_bytes()
            .windows(4)
            .any(|window| theirs.as_bytes().windows(4).any(|piece| piece == window));
    if plain {
        assert_eq!(ours, theirs);
    }
}

fn formula(key: &str, payment: &str, merchant: &str, amount: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{key}###{payment}###{merchant}###{amount}"));
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Keys that are no part of the printed forms' own vocabulary, for which the error's
/// Display, Debug and JSON are checked whole. (A key the fuzzer chooses may be a piece of
/// that vocabulary, such as "false, attem" of a Debug, which no redaction can take out; for
/// those the error's texts are checked.)
const FIXED_KEYS: [&str; 3] = [
    "pp-webhook-key-3f9a2c7e81d4",
    "k \"quoted\" key  with  spaces\\ and \t tab",
    "7cc7c8e8-9d92-41b6-9378-e9ecef5a7812",
];

const GUIDS: [&str; 4] = [
    "72ec8714-d116-4306-8881-38a43c485da9",
    "3A7DEACE-D437-4D3F-8EF8-1CBA82F18E8F",
    "00000000-0000-0000-0000-000000000000",
    "0f8fad5b-d9cb-469f-a165-70867728950e",
];

#[derive(Arbitrary, Debug)]
enum Id {
    Guid(u8),
    Key,
    Text(String),
}

#[derive(Arbitrary, Debug)]
enum Text {
    Plain(String),
    Key,
    AroundKey(String, String),
}

#[derive(Arbitrary, Debug)]
enum Amount {
    /// Always a valid JSON number.
    Number {
        negative: bool,
        whole: u64,
        fraction: Option<(u8, u32)>,
        exponent: Option<(u8, u16)>,
    },
    /// Any text, written raw: often not a number, or not JSON.
    Raw(String),
    /// A JSON string instead of a number.
    Quoted(String),
}

#[derive(Arbitrary, Debug)]
enum Hash {
    Formula {
        upper: bool,
    },
    /// The formula over another amount text (a reformatted number, say).
    OverAmount(String),
    /// The formula over another key.
    OverKey(String),
    Any(String),
    Missing,
    Null,
    Number(u32),
}

#[derive(Arbitrary, Debug)]
enum Integer {
    Small(i8),
    Any(i64),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Structured {
    key: String,
    /// Use one of FIXED_KEYS instead of `key`.
    fixed_key: Option<u8>,
    /// Bit i: field i is written in camelCase.
    camel: u16,
    /// Bit i: field i is left out.
    omit: u16,
    /// Bit i: field i is written null.
    null: u16,
    connection: Id,
    terminal: Id,
    payment: Id,
    activity: Id,
    payment_type: Integer,
    status: Integer,
    merchant: Text,
    display: Text,
    message: Text,
    amount: Amount,
    hash: Hash,
    /// A field the callback does not define, written first.
    extra: Option<(String, Text)>,
    byte_order_mark: bool,
}

/// The fields in the order written; the index is the bit of `camel`, `omit` and `null`.
const NAMES: [&str; 11] = [
    "ConnectionId",
    "TerminalId",
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "PaymentTypeId",
    "PaymentStatusId",
    "MerchantUniqueCode",
    "DisplayCode",
    "Amount",
    "Message",
    "Hash",
];

fn string(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

impl Structured {
    fn id(&self, id: &Id) -> String {
        match id {
            Id::Guid(at) => GUIDS[usize::from(*at) % GUIDS.len()].to_owned(),
            Id::Key => self.key.clone(),
            Id::Text(text) => text.clone(),
        }
    }

    fn text(&self, text: &Text) -> String {
        match text {
            Text::Plain(text) => text.clone(),
            Text::Key => self.key.clone(),
            Text::AroundKey(before, after) => format!("{before}{}{after}", self.key),
        }
    }

    fn integer(integer: &Integer) -> (String, bool) {
        match integer {
            Integer::Small(value) => (value.to_string(), true),
            Integer::Any(value) => (value.to_string(), i32::try_from(*value).is_ok()),
            Integer::Raw(text) => (text.clone(), false),
        }
    }

    /// The amount's text, and whether it is a valid JSON number.
    fn amount(&self) -> (String, bool) {
        match &self.amount {
            Amount::Number {
                negative,
                whole,
                fraction,
                exponent,
            } => {
                let mut text = format!("{}{whole}", if *negative { "-" } else { "" });
                if let Some((zeros, digits)) = fraction {
                    text.push('.');
                    text.push_str(&"0".repeat(usize::from(zeros % 4)));
                    text.push_str(&digits.to_string());
                }
                if let Some((sign, digits)) = exponent {
                    text.push(['e', 'E'][usize::from(sign % 2)]);
                    text.push_str(["", "+", "-"][usize::from(sign / 2 % 3)]);
                    text.push_str(&digits.to_string());
                }
                (text, true)
            }
            Amount::Raw(text) => (text.clone(), false),
            Amount::Quoted(text) => (string(text), false),
        }
    }

    /// The body, and whether it must verify: every field present and valid, and the Hash
    /// the formula over the texts written.
    fn body(&self) -> (String, bool) {
        let bit = |mask: u16, field: usize| mask & (1 << field) != 0;
        let (amount, amount_valid) = self.amount();
        let (payment_type, type_valid) = Self::integer(&self.payment_type);
        let (status, status_valid) = Self::integer(&self.status);
        let ids = [
            self.id(&self.connection),
            self.id(&self.terminal),
            self.id(&self.payment),
            self.id(&self.activity),
        ];
        let merchant = self.text(&self.merchant);
        let hash = match &self.hash {
            Hash::Formula { upper } => {
                let hash = formula(&self.key, &ids[2], &merchant, &amount);
                Some(string(&if *upper { hash.to_uppercase() } else { hash }))
            }
            Hash::OverAmount(other) => Some(string(&formula(&self.key, &ids[2], &merchant, other))),
            Hash::OverKey(other) => Some(string(&formula(other, &ids[2], &merchant, &amount))),
            Hash::Any(text) => Some(string(text)),
            Hash::Missing => None,
            Hash::Null => Some("null".to_owned()),
            Hash::Number(value) => Some(value.to_string()),
        };
        let hash_written = hash.is_some();
        let values: [Option<String>; 11] = [
            Some(string(&ids[0])),
            Some(string(&ids[1])),
            Some(string(&ids[2])),
            Some(string(&ids[3])),
            Some(payment_type),
            Some(status),
            Some(string(&merchant)),
            Some(string(&self.text(&self.display))),
            Some(amount.clone()),
            Some(string(&self.text(&self.message))),
            hash,
        ];
        let mut members = Vec::new();
        if let Some((name, value)) = &self.extra {
            members.push(format!("{}: {}", string(name), string(&self.text(value))));
        }
        let mut all_present = true;
        for (field, (name, value)) in NAMES.iter().zip(values).enumerate() {
            let Some(mut value) = value else { continue };
            // ConnectionId, TerminalId, DisplayCode and Message may be missing or null.
            let optional = matches!(field, 0 | 1 | 7 | 9);
            if bit(self.omit, field) {
                all_present &= optional;
                continue;
            }
            if bit(self.null, field) {
                all_present &= optional;
                value = "null".to_owned();
            }
            let name = if bit(self.camel, field) {
                name[..1].to_lowercase() + &name[1..]
            } else {
                (*name).to_owned()
            };
            members.push(format!("\"{name}\": {value}"));
        }
        let bom = if self.byte_order_mark { "\u{feff}" } else { "" };
        let body = format!("{bom}{{{}}}", members.join(", "));
        let extra_clashes = self.extra.as_ref().is_some_and(|(name, _)| {
            NAMES
                .iter()
                .any(|field| field == name || field[..1].to_lowercase() + &field[1..] == *name)
        });
        let must_verify = matches!(self.hash, Hash::Formula { .. })
            && hash_written
            && all_present
            && !extra_clashes
            && !self.key.is_empty()
            && ids.iter().skip(2).all(|id| is_guid(id))
            && !merchant.is_empty()
            && amount_valid
            && oracle::is_plain_decimal(&amount)
            && type_valid
            && status_valid
            && body.len() <= MAX_CALLBACK_BYTES;
        (body, must_verify)
    }
}

/// A GUID in the canonical hyphenated form, any letter case (the reference for
/// `PaymentRequestId::is_guid`).
fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

/// The member `name` of `object`, in either casing.
fn member<'a>(object: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    let camel = name[..1].to_lowercase() + &name[1..];
    object.get(name).or_else(|| object.get(&camel))
}

/// The private keys of the config that confirmations are made with: no run of twelve GUID
/// characters in either, so that no callback's id can hold part of them.
const PRIVATE_KEY: &str = "fuzz_confirm_private_key_QQQQ_zz_0001";
const PRIVATE_CLIENT: &str = "fuzz_confirm_private_client_WWWW_yy_0002";

/// How a confirmation failure begins: unconfirmed, not refused.
const UNCONFIRMED: &str =
    "The callback could not be confirmed (answer 5xx, so that Paywall sends it again): ";

/// A field of the inquiry made to differ from the callback.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Differ {
    PaymentTypeId,
    PaymentStatusId,
    PaymentRequestActivityId,
    TerminalId,
    DisplayCode,
    MerchantUniqueCode,
    Amount,
}

const DIFFERENCES: [Differ; 7] = [
    Differ::PaymentTypeId,
    Differ::PaymentStatusId,
    Differ::PaymentRequestActivityId,
    Differ::TerminalId,
    Differ::DisplayCode,
    Differ::MerchantUniqueCode,
    Differ::Amount,
];

/// Another text: `text` with one more character, or one when there is none.
fn other_text(text: Option<&str>) -> Option<String> {
    Some(text.map_or_else(|| "T-other".to_owned(), |text| format!("{text}x")))
}

/// The amount `text` (a decimal amount) with its last digit changed: another value, just as
/// long, so still a decimal amount.
fn other_amount(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let last = bytes.last_mut().expect("an amount has digits");
    *last = b'0' + (*last - b'0' + 1) % 10;
    String::from_utf8(bytes).expect("ASCII")
}

/// The amount `text` written another way with the same value: a zero more after the point
/// ("1.5" is "1.50"), when there is room for it.
fn same_amount(text: &str) -> String {
    match text.split_once('.') {
        Some((_, fraction)) if fraction.len() < 28 => format!("{text}0"),
        Some(_) => text.to_owned(),
        None => format!("{text}.0"),
    }
}

/// Paywall's inquiry of the callback's payment (PascalCase, as Paywall documents it), which
/// agrees with it but for `differ`; its amount written as `amount`.
fn inquiry_body(callback: &PhysicalPosCallback, differ: Option<Differ>, amount: &str) -> String {
    let changed = |field: Differ| differ == Some(field);
    let text = |value: Option<&str>, field: Differ| {
        let value = if changed(field) {
            other_text(value)
        } else {
            value.map(str::to_owned)
        };
        value.map_or_else(|| "null".to_owned(), |value| string(&value))
    };
    let activity = if changed(Differ::PaymentRequestActivityId) {
        GUIDS
            .iter()
            .find(|guid| !guid.eq_ignore_ascii_case(&callback.payment_request_activity_id))
            .expect("another GUID")
            .to_string()
    } else {
        callback.payment_request_activity_id.clone()
    };
    let amount = if changed(Differ::Amount) {
        other_amount(amount)
    } else {
        amount.to_owned()
    };
    let bump = |code: i32, field: Differ| {
        if changed(field) {
            code.wrapping_add(1)
        } else {
            code
        }
    };
    format!(
        r#"{{"Result":{{"PaymentRequestId":{},"PaymentRequestActivityId":{},"TerminalId":{},"DisplayCode":{},"MerchantUniqueCode":{},"Amount":{amount},"PaymentTypeId":{},"PaymentStatusId":{},"PaymentChannelId":1,"CurrencyId":1}},"Succeeded":true,"Failed":false}}"#,
        string(&callback.payment_request_id),
        string(&activity),
        text(callback.terminal_id.as_deref(), Differ::TerminalId),
        text(callback.display_code.as_deref(), Differ::DisplayCode),
        text(
            Some(&callback.merchant_unique_code),
            Differ::MerchantUniqueCode
        ),
        bump(callback.payment_type_id, Differ::PaymentTypeId),
        bump(callback.payment_status_id, Differ::PaymentStatusId),
    )
}

/// The confirmation of `callback` against the answers of `script`: what it resolved with,
/// and the script. Every error keeps the config's keys out of every text.
fn confirm(callback: &PhysicalPosCallback, script: Script) -> (Result<(), Error>, Script) {
    thread_local! {
        static CONFIG: paywall_edge::Config =
            config(PRIVATE_KEY, PRIVATE_CLIENT, 1).expect("a config");
    }
    static PRINTED: OnceLock<oracle::Fragments> = OnceLock::new();
    let outcome = CONFIG.with(|config| script.call(config, Operation::Confirm(callback.clone())));
    let outcome = outcome.map(|outcome| match outcome {
        Outcome::Confirmed(confirmed) => assert_eq!(&confirmed, callback, "confirmed as it is"),
        other => panic!("a confirmation resolved with {other:?}"),
    });
    if let Err(error) = &outcome {
        let json = serde_json::to_string(error).expect("an error writes");
        PRINTED
            .get_or_init(|| oracle::Fragments::as_printed(&[PRIVATE_KEY, PRIVATE_CLIENT]))
            .assert_none_in(&format!("{error} {error:?} {json}"));
    }
    (outcome, script)
}

/// A confirmation that could not be made: never a verdict on the callback.
fn assert_unconfirmed(error: &Error, kind: ErrorKind) {
    assert_eq!(error.kind(), kind, "{error:?}");
    assert!(
        !matches!(
            error.kind(),
            ErrorKind::Decode | ErrorKind::Signature | ErrorKind::Input
        ),
        "{error:?}"
    );
    assert!(error.message().starts_with(UNCONFIRMED), "{error}");
}

/// A verified callback, confirmed against inquiries that agree, differ, or fail.
fn check_confirmation(callback: &PhysicalPosCallback) {
    let inquiry_sent = format!(
        "GET https://paywall.example/api/payment/inquiry/{} ",
        callback.payment_request_id.to_ascii_lowercase()
    );
    let amount = callback.amount_text.as_str();
    let agrees = || answer(200, &inquiry_body(callback, None, amount));
    let (outcome, script) = confirm(callback, Script::new(vec![agrees()]));
    if callback
        .payment_request_id
        .bytes()
        .all(|b| b == b'0' || b == b'-')
    {
        // The nil GUID verifies (the Hash covers it), but Paywall never issues it: nothing to
        // ask, and the config, not the callback, is blamed.
        let error = outcome.expect_err("the nil GUID is not confirmed");
        assert_unconfirmed(&error, ErrorKind::Config);
        assert_eq!((error.attempts(), script.attempts()), (0, 0));
        return;
    }
    assert_eq!(
        outcome.as_ref().err(),
        None,
        "{}",
        inquiry_body(callback, None, amount)
    );
    assert_eq!(
        script.sent.borrow().as_slice(),
        std::slice::from_ref(&inquiry_sent)
    );

    // After a busy gateway, retried; the amount written another way is the same amount.
    let (outcome, script) = confirm(
        callback,
        Script::new(vec![
            answer(503, "<html>busy</html>"),
            answer(200, &inquiry_body(callback, None, &same_amount(amount))),
        ]),
    );
    assert_eq!(outcome.as_ref().err(), None);
    assert_eq!(script.attempts(), 2);
    oracle::assert_wait(script.sleeps.borrow()[0], 1, None, 0.0);

    // Any field the inquiry checks, differing: a verdict, naming it.
    for differ in DIFFERENCES {
        let body = inquiry_body(callback, Some(differ), amount);
        let (outcome, script) = confirm(callback, Script::new(vec![answer(200, &body)]));
        let error = outcome.expect_err(&format!("{differ:?} differs in {body}"));
        assert_eq!(error.kind(), ErrorKind::Signature, "{error:?}");
        assert!(!error.retryable());
        assert_eq!((error.attempts(), script.attempts()), (1, 1));
        assert_eq!(
            error.payment_request_id(),
            Some(callback.payment_request_id.as_str())
        );
        let message = error.message();
        match differ {
            Differ::PaymentTypeId | Differ::PaymentStatusId => {
                assert!(message.starts_with("The callback says "), "{message}")
            }
            _ => assert!(
                message.starts_with(&format!(
                    "The callback's {differ:?} is not what Paywall's inquiry of the payment says"
                )),
                "{message}"
            ),
        }
    }

    // An inquiry that fails, or says nothing about this payment: unconfirmed.
    let other_payment = inquiry_body(callback, None, amount).replacen(
        &string(&callback.payment_request_id),
        &string(
            GUIDS
                .iter()
                .find(|guid| !guid.eq_ignore_ascii_case(&callback.payment_request_id))
                .expect("another GUID"),
        ),
        1,
    );
    let refusal = r#"{"Result":null,"Succeeded":false,"Failed":true,"Message":"No payment request was found with this id.","ClientMessage":"Payment.Request.RequestNotFound"}"#;
    for (events, kind, attempts) in [
        (vec![answer(500, "<html>down</html>")], ErrorKind::Http, 1),
        (vec![answer(200, "<html>portal</html>")], ErrorKind::Http, 1),
        (vec![answer(200, &other_payment)], ErrorKind::Http, 1),
        (vec![answer(200, refusal)], ErrorKind::Api, 1),
        (
            vec![
                failed(Failure::Network(format!("echo {PRIVATE_KEY}"))),
                failed(Failure::Network(PRIVATE_CLIENT.to_owned())),
            ],
            ErrorKind::Network,
            2,
        ),
        (
            vec![failed(Failure::Timeout), failed(Failure::Timeout)],
            ErrorKind::Timeout,
            2,
        ),
        (vec![failed(Failure::Aborted)], ErrorKind::Aborted, 1),
    ] {
        let (outcome, script) = confirm(callback, Script::new(events));
        let error = outcome.expect_err("no confirmation");
        assert_unconfirmed(&error, kind);
        assert_eq!(
            (error.attempts() as usize, script.attempts()),
            (attempts, attempts)
        );
        if kind == ErrorKind::Http && error.http_status() == Some(200) {
            assert!(error.retryable(), "an unreadable answer may be read later");
        }
        assert!(script
            .sent
            .borrow()
            .iter()
            .all(|sent| *sent == inquiry_sent));
    }
}

/// What every outcome must satisfy, whatever the input.
fn check(body: &[u8], key: &str) -> Result<(), Error> {
    let outcome = verify_callback(body, key);
    match &outcome {
        Ok(callback) => {
            assert!(!key.is_empty());
            assert!(body.len() <= MAX_CALLBACK_BYTES);
            let text = std::str::from_utf8(body).expect("a verified body is UTF-8");
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            for id in [
                &callback.payment_request_id,
                &callback.payment_request_activity_id,
            ] {
                assert!(is_guid(id), "{id:?}");
            }
            assert!(!callback.merchant_unique_code.is_empty());
            assert!(
                oracle::is_plain_decimal(callback.amount.as_str()),
                "{callback:?}"
            );
            assert_eq!(
                RawNumber::parse(callback.amount.as_str()).as_ref(),
                Some(&callback.amount)
            );
            // The Hash and the fields, as serde_json reads the same body (when it does: it
            // refuses lone surrogates, which this reader replaces).
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
                let hash = member(&value, "Hash").and_then(|hash| hash.as_str());
                let hash = hash.expect("a verified body has a Hash string");
                assert_eq!(
                    hash.to_ascii_lowercase(),
                    formula(
                        key,
                        &callback.payment_request_id,
                        &callback.merchant_unique_code,
                        callback.amount.as_str()
                    ),
                    "{text:?}"
                );
                for (name, read) in [
                    ("PaymentRequestId", &callback.payment_request_id),
                    ("MerchantUniqueCode", &callback.merchant_unique_code),
                ] {
                    assert_eq!(
                        member(&value, name).and_then(|v| v.as_str()),
                        Some(read.as_str())
                    );
                }
                // The fields the Hash does not cover are read as written too: ConnectionId,
                // TerminalId and DisplayCode are any string (a terminal code need not be a
                // GUID), or null when the body has null or nothing.
                for (name, read) in [
                    ("ConnectionId", &callback.connection_id),
                    ("TerminalId", &callback.terminal_id),
                    ("DisplayCode", &callback.display_code),
                ] {
                    let theirs = member(&value, name)
                        .filter(|v| !v.is_null())
                        .map(|v| v.as_str().expect("a verified optional field is a string"));
                    assert_eq!(theirs, read.as_deref(), "{name} in {text:?}");
                }
                // Message is foreign text for a log: there when written, on one line, bounded.
                let theirs = member(&value, "Message")
                    .filter(|v| !v.is_null())
                    .map(|v| v.as_str().expect("a verified optional field is a string"));
                assert_eq!(theirs.is_some(), callback.message.is_some(), "{text:?}");
                if let (Some(theirs), Some(message)) = (theirs, &callback.message) {
                    assert_message_is_quoted(theirs, message, key);
                }
                assert_eq!(
                    callback.amount_text,
                    callback.amount.as_str(),
                    "amountText is the Amount as written"
                );
                assert_eq!(
                    member(&value, "PaymentRequestActivityId").and_then(|v| v.as_str()),
                    Some(callback.payment_request_activity_id.as_str())
                );
                for (name, read) in [
                    ("PaymentTypeId", callback.payment_type_id),
                    ("PaymentStatusId", callback.payment_status_id),
                ] {
                    assert_eq!(
                        member(&value, name).and_then(|v| v.as_i64()),
                        Some(i64::from(read))
                    );
                }
                // The amount's text is a number of the value serde_json reads there.
                let theirs = member(&value, "Amount").and_then(|v| v.as_f64());
                let ours: f64 = callback.amount.as_str().parse().expect("a number");
                if let Some(theirs) = theirs {
                    assert!(
                        (theirs - ours).abs() <= ours.abs() * 1e-15 + f64::MIN_POSITIVE,
                        "{theirs} {ours} in {text:?}"
                    );
                }
            }
            // The result is written as JSON with the amount a number.
            let written = json::to_string(callback).expect("a callback writes");
            assert!(written.contains(&format!("\"amount\":{},", callback.amount.as_str())));
            if let Err(error) = serde_json::from_str::<serde_json::Value>(&written) {
                assert!(
                    error.to_string().contains("out of range"),
                    "{error}: {written}"
                );
            }
            check_confirmation(callback);
        }
        Err(error) => {
            match error.kind() {
                ErrorKind::Config => assert!(key.is_empty()),
                ErrorKind::Decode | ErrorKind::Signature => assert!(!key.is_empty()),
                other => panic!("a callback error of kind {other}"),
            }
            if body.len() > MAX_CALLBACK_BYTES && !key.is_empty() {
                assert_eq!(error.kind(), ErrorKind::Decode);
                assert!(error.message().contains("before parsing"));
            }
            assert!(!error.retryable());
            let texts = [
                Some(error.message()),
                error.client_message(),
                error.paywall_message(),
                error.payment_request_id(),
            ];
            let fragments = oracle::Fragments::of(&[key]);
            for text in texts.into_iter().flatten() {
                fragments.assert_none_in(text);
            }
            let json = serde_json::to_string(error).expect("an error writes");
            if FIXED_KEYS.contains(&key) {
                oracle::Fragments::as_printed(&[key])
                    .assert_none_in(&format!("{error} {error:?} {json}"));
            }
        }
    }
    outcome.map(drop)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let (key, body) = match rest.iter().position(|&byte| byte == b'\n') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (&rest[..0], rest),
        };
        let key = String::from_utf8_lossy(key);
        let _ = check(body, &key);
        // The library's SHA-256 against the reference, on all the bytes.
        assert_eq!(sha256(rest), <[u8; 32]>::from(sha2::Sha256::digest(rest)));
        return;
    }
    let Ok(mut input) = Structured::arbitrary_take_rest(Unstructured::new(rest)) else {
        return;
    };
    if let Some(at) = input.fixed_key {
        input.key = FIXED_KEYS[usize::from(at) % FIXED_KEYS.len()].to_owned();
    }
    let (body, must_verify) = input.body();
    let outcome = check(body.as_bytes(), &input.key);
    if must_verify {
        assert!(outcome.is_ok(), "{outcome:?}: {body:?}");
        // The optional fields are what was written (any text), or null when left out or
        // written null.
        let callback = verify_callback(body.as_bytes(), &input.key).expect("verified above");
        let bit = |mask: u16, field: usize| mask & (1 << field) != 0;
        let written = |field: usize, text: String| {
            (!bit(input.omit, field) && !bit(input.null, field)).then_some(text)
        };
        assert_eq!(
            callback.connection_id,
            written(0, input.id(&input.connection))
        );
        assert_eq!(callback.terminal_id, written(1, input.id(&input.terminal)));
        assert_eq!(
            callback.display_code,
            written(7, input.text(&input.display))
        );
        let message = written(9, input.text(&input.message));
        assert_eq!(callback.message.is_some(), message.is_some());
        if let (Some(theirs), Some(message)) = (&message, &callback.message) {
            assert_message_is_quoted(theirs, message, &input.key);
        }
    }
    if outcome.is_ok() {
        // A Hash not made by the formula over these texts never verifies (unless it happens
        // to equal it, which `check` has already compared against the reference).
        assert!(
            matches!(
                input.hash,
                Hash::Formula { .. } | Hash::Any(_) | Hash::OverAmount(_) | Hash::OverKey(_)
            ),
            "{body:?}"
        );
    }
});
