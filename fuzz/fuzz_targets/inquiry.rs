//! Inquiry answers, whatever JSON the server returns (scripted answers to the library's call
//! state machine): never a panic; a decoded inquiry is of
//! the requested payment, with its required fields, and says what the body says (checked
//! against serde_json's reading of the same text); an answer whose fields are all of the
//! documented types is decoded; and a cancel whose answer was lost resolves on this answer
//! exactly when the inquiry decodes and shows a cancellation (issue 13).
//!
//! Two kinds of input, chosen by the first byte. Even: the next byte picks the HTTP status,
//! the rest is the body, free. Odd: an inquiry envelope built from fuzzer-chosen pieces: each
//! field missing, null, or a value of any JSON type (the right one or not), in PascalCase,
//! camelCase or both, some nested deep, some unknown fields around them.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paywall_edge::core::script::{answer, config, failed, Script};
use paywall_edge::core::{
    json, Error, ErrorKind, Failure, Operation, Outcome, PaymentInquiry, PaymentRequestId,
    MAX_BODY_BYTES,
};
use serde_json::Value;
use std::sync::OnceLock;

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";
const OTHER_ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
const ACTIVITY: &str = "9b2f3c1e-0d4a-4f6b-8c7d-1e2f3a4b5c6d";
const KEY: &str = "fuzz_inquiry_private_key_KKKKKKKKKKKKKKKK_7177";
const CLIENT: &str = "fuzz_inquiry_private_client_CCCCCCCCCCCC_6502";

#[path = "../oracle.rs"]
mod oracle;

/// One field's value, as written in the body.
#[derive(Arbitrary, Debug)]
enum Piece {
    Null,
    Bool(bool),
    Small(i8),
    Whole(i64),
    /// A number with a fraction or an exponent: never a whole number to this reader.
    Fraction {
        whole: i32,
        digits: u16,
        exponent: Option<i8>,
    },
    /// A whole number written with an exponent, `1e2`.
    Exponent(u8, u8),
    Text(String),
    /// A GUID: the requested one (uppercase or not), another, or the activity's.
    Guid(u8),
    Array(Vec<i8>),
    Object(Option<String>),
    /// Arrays in arrays, this deep.
    Deep(u8),
    /// Any text, written raw: often not JSON.
    Raw(String),
}

/// How a field's name is spelled.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Casing {
    Pascal,
    Camel,
    /// Both spellings, one after the other: a field sent twice.
    Both,
    /// All lowercase: not a spelling this client reads.
    Lower,
}

#[derive(Arbitrary, Debug)]
struct Field {
    piece: Option<Piece>,
    casing: Casing,
}

/// The envelope's and the result's fields, in the documented order, by PascalCase name.
const RESULT_FIELDS: [&str; 18] = [
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "TerminalId",
    "MerchantUniqueCode",
    "DisplayCode",
    "CallbackAddress",
    "Amount",
    "PaymentChannelId",
    "PaymentChannel",
    "CurrencyId",
    "Currency",
    "IP",
    "PaymentTypeId",
    "PaymentType",
    "PaymentStatusId",
    "PaymentStatus",
    "CreatedDate",
    "ModifiedDate",
];
const ENVELOPE_FIELDS: [&str; 5] = [
    "Succeeded",
    "Failed",
    "ErrorCode",
    "Message",
    "ClientMessage",
];

/// What a field of the result or the envelope must hold to be read.
#[derive(Clone, Copy, PartialEq)]
enum Type {
    /// A GUID string (the id must be the requested one, the activity any GUID).
    Guid,
    Text,
    /// A JSON number of any form.
    Number,
    /// A whole number that fits an i32.
    I32,
    /// A whole number that fits an i64.
    I64,
    Bool,
    /// Not read: anything goes.
    Ignored,
}

fn result_type(name: &str) -> (Type, bool) {
    // (type, required)
    match name {
        "PaymentRequestId" | "PaymentRequestActivityId" => (Type::Guid, true),
        "PaymentTypeId" | "PaymentStatusId" => (Type::I32, true),
        "TerminalId" | "MerchantUniqueCode" | "DisplayCode" | "CallbackAddress" | "CreatedDate"
        | "ModifiedDate" => (Type::Text, false),
        "Amount" => (Type::Number, false),
        "PaymentChannelId" | "CurrencyId" => (Type::I32, false),
        _ => (Type::Ignored, false),
    }
}

fn envelope_type(name: &str) -> Type {
    match name {
        "Succeeded" | "Failed" => Type::Bool,
        "ErrorCode" => Type::I64,
        "Message" | "ClientMessage" => Type::Text,
        _ => Type::Ignored,
    }
}

#[derive(Arbitrary, Debug)]
struct Structured {
    http_status: u8,
    result: Option<[Field; 18]>,
    /// `Result` spelled twice, or as something other than an object.
    result_casing: Casing,
    envelope: [Field; 5],
    /// An unknown member, before the others.
    extra: Option<(String, Piece)>,
}

fn string(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

fn camel(name: &str) -> String {
    name[..1].to_lowercase() + &name[1..]
}

impl Piece {
    /// The text of the piece, and whether it is of type `wanted` (for a GUID: the requested
    /// id when `requested`).
    fn write(&self, wanted: Type, requested: bool) -> (String, bool) {
        let guid = |at: &u8| match at % 4 {
            0 => ID.to_owned(),
            1 => ID.to_uppercase(),
            2 => OTHER_ID.to_owned(),
            _ => ACTIVITY.to_owned(),
        };
        match self {
            Piece::Null => ("null".into(), wanted == Type::Ignored),
            Piece::Bool(value) => (
                value.to_string(),
                matches!(wanted, Type::Bool | Type::Ignored),
            ),
            Piece::Small(value) => (
                value.to_string(),
                matches!(wanted, Type::Number | Type::I32 | Type::I64 | Type::Ignored),
            ),
            Piece::Whole(value) => {
                let fits = match wanted {
                    Type::I32 => i32::try_from(*value).is_ok(),
                    Type::I64 | Type::Number | Type::Ignored => true,
                    _ => false,
                };
                (value.to_string(), fits)
            }
            Piece::Fraction {
                whole,
                digits,
                exponent,
            } => {
                let mut text = format!("{whole}.{digits}");
                if let Some(exponent) = exponent {
                    text.push_str(&format!("e{exponent}"));
                }
                (text, matches!(wanted, Type::Number | Type::Ignored))
            }
            Piece::Exponent(whole, exponent) => (
                format!("{whole}e{}", exponent % 5),
                matches!(wanted, Type::Number | Type::Ignored),
            ),
            Piece::Text(text) => (string(text), matches!(wanted, Type::Text | Type::Ignored)),
            Piece::Guid(at) => {
                let text = guid(at);
                let fits = match wanted {
                    Type::Guid if requested => at % 4 < 2,
                    Type::Guid | Type::Text | Type::Ignored => true,
                    _ => false,
                };
                (string(&text), fits)
            }
            Piece::Array(items) => (
                serde_json::to_string(items).expect("an array"),
                wanted == Type::Ignored,
            ),
            Piece::Object(member) => (
                match member {
                    Some(name) => format!("{{{}: [1, {{}}]}}", string(name)),
                    None => "{}".into(),
                },
                wanted == Type::Ignored,
            ),
            Piece::Deep(depth) => {
                // The reader refuses nesting deeper than 32; the envelope and the result are
                // two levels already.
                let depth = usize::from(*depth % 48);
                (
                    format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
                    wanted == Type::Ignored && depth + 2 <= 32,
                )
            }
            Piece::Raw(text) => (text.clone(), false),
        }
    }
}

/// Writes `name: piece` into `members` in `casing`; whether it is read as valid (false when
/// a spelling this client reads is written twice).
fn member(members: &mut Vec<String>, name: &str, casing: Casing, text: &str) -> bool {
    let names = match casing {
        Casing::Pascal => vec![name.to_owned()],
        Casing::Camel => vec![camel(name)],
        Casing::Both => vec![name.to_owned(), camel(name)],
        Casing::Lower => vec![name.to_lowercase()],
    };
    for spelled in &names {
        members.push(format!("{}: {text}", string(spelled)));
    }
    names.len() == 1
}

impl Structured {
    /// The status, the body, and whether it must decode to an inquiry.
    fn answer(&self) -> (u16, String, bool) {
        let status = [200, 200, 200, 201, 204, 400, 404, 503][usize::from(self.http_status % 8)];
        let mut must = (200..300).contains(&status);
        let mut members = Vec::new();
        if let Some((name, piece)) = &self.extra {
            let (text, _) = piece.write(Type::Ignored, false);
            members.push(format!("{}: {text}", string(name)));
            // An unknown name: one this client reads, in either casing, would clash.
            let known = RESULT_FIELDS
                .iter()
                .chain(&ENVELOPE_FIELDS)
                .chain(&["Result"])
                .any(|field| *field == name || camel(field) == *name);
            must &= !known && !matches!(piece, Piece::Raw(_));
            must &= !matches!(piece, Piece::Deep(depth) if usize::from(depth % 48) + 1 > 32);
        }
        match &self.result {
            None => must = false,
            Some(fields) => {
                let mut inner = Vec::new();
                for (name, field) in RESULT_FIELDS.iter().zip(fields) {
                    let (wanted, required) = result_type(name);
                    let read = !matches!(field.casing, Casing::Lower);
                    match &field.piece {
                        None => must &= !required || !read,
                        Some(piece) => {
                            let (text, fits) = piece.write(wanted, *name == "PaymentRequestId");
                            // An amount must also be a decimal as Paywall writes one.
                            let fits =
                                fits && (*name != "Amount" || oracle::is_plain_decimal(&text));
                            let null_is_fine = matches!(piece, Piece::Null) && !required;
                            let once = member(&mut inner, name, field.casing, &text);
                            if read {
                                must &= (fits || null_is_fine) && once;
                            } else {
                                // Unread (lowercase): a required field is missing.
                                must &= !required && piece.write(Type::Ignored, false).1;
                            }
                        }
                    }
                }
                let result = format!("{{{}}}", inner.join(", "));
                let once = member(&mut members, "Result", self.result_casing, &result);
                must &= once && !matches!(self.result_casing, Casing::Lower);
            }
        }
        for (name, field) in ENVELOPE_FIELDS.iter().zip(&self.envelope) {
            let wanted = envelope_type(name);
            let read = !matches!(field.casing, Casing::Lower);
            match &field.piece {
                // Succeeded is required; the others may be left out.
                None => must &= *name != "Succeeded",
                Some(piece) => {
                    let (text, fits) = piece.write(wanted, false);
                    let once = member(&mut members, name, field.casing, &text);
                    let valid = match (*name, piece) {
                        ("Succeeded", Piece::Bool(true)) => read && once,
                        ("Succeeded", _) => false,
                        // Failed: absent, null or false when it succeeded.
                        ("Failed", Piece::Null | Piece::Bool(false)) => once || !read,
                        ("Failed", _) => !read && piece.write(Type::Ignored, false).1,
                        (_, Piece::Null) => once || !read,
                        _ if read => fits && once,
                        _ => piece.write(Type::Ignored, false).1,
                    };
                    must &= valid;
                }
            }
        }
        (status, format!("{{{}}}", members.join(", ")), must)
    }
}

/// The member `name` of `object`, in either casing.
fn member_of<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| object.get(camel(name)))
}

/// A decoded inquiry against serde_json's reading of the same body (when it reads it:
/// serde_json refuses lone surrogates, which this reader replaces, and keeps the last of
/// duplicate keys, which this reader refuses).
fn agrees_with_serde_json(inquiry: &PaymentInquiry, body: &str) {
    let Ok(envelope) = serde_json::from_str::<Value>(body) else {
        return;
    };
    assert_eq!(
        member_of(&envelope, "Succeeded"),
        Some(&Value::Bool(true)),
        "{body}"
    );
    assert_ne!(member_of(&envelope, "Failed"), Some(&Value::Bool(true)));
    let result = member_of(&envelope, "Result").expect("a result");
    let text = |name: &str| {
        member_of(result, name)
            .filter(|value| !value.is_null())
            .map(|value| value.as_str().expect("a string").to_owned())
    };
    let whole = |name: &str| {
        member_of(result, name)
            .filter(|value| !value.is_null())
            .map(|value| value.as_i64().expect("a whole number"))
    };
    assert_eq!(
        text("PaymentRequestId").as_deref(),
        Some(inquiry.payment_request_id.as_str())
    );
    assert_eq!(
        text("PaymentRequestActivityId").as_deref(),
        Some(inquiry.payment_request_activity_id.as_str())
    );
    assert_eq!(text("TerminalId"), inquiry.terminal_id);
    assert_eq!(text("MerchantUniqueCode"), inquiry.merchant_unique_code);
    assert_eq!(text("DisplayCode"), inquiry.display_code);
    assert_eq!(text("CallbackAddress"), inquiry.callback_address);
    assert_eq!(text("CreatedDate"), inquiry.created_date);
    assert_eq!(text("ModifiedDate"), inquiry.modified_date);
    assert_eq!(
        whole("PaymentTypeId"),
        Some(i64::from(inquiry.payment_type_id))
    );
    assert_eq!(
        whole("PaymentStatusId"),
        Some(i64::from(inquiry.payment_status_id))
    );
    assert_eq!(whole("CurrencyId"), inquiry.currency_id.map(i64::from));
    assert_eq!(
        whole("PaymentChannelId"),
        inquiry.payment_channel_id.map(i64::from)
    );
    // The amount: its text exactly as written, a number of the value serde_json reads.
    match (&inquiry.amount, member_of(result, "Amount")) {
        (None, None | Some(Value::Null)) => {}
        (Some(amount), Some(Value::Number(theirs))) => {
            let ours: f64 = amount.as_str().parse().expect("a number");
            let theirs = theirs.as_f64().expect("a finite number");
            assert!(
                (theirs - ours).abs() <= ours.abs() * 1e-15 + f64::MIN_POSITIVE
                    || ours.is_infinite(),
                "{theirs} {ours} in {body:?}"
            );
        }
        (ours, theirs) => panic!("amount {ours:?}, serde_json reads {theirs:?} in {body:?}"),
    }
}

/// An inquiry's result, from what its call resolved with.
fn inquired(outcome: Result<Outcome, Error>) -> Result<PaymentInquiry, Error> {
    outcome.map(|outcome| match outcome {
        Outcome::Inquired(inquiry) => inquiry,
        other => panic!("an inquiry resolved with {other:?}"),
    })
}

/// The inquiry of ID, answered once with `status` and `body`, with no retry.
fn inquire(status: u16, body: &str) -> (Script, Result<PaymentInquiry, Error>) {
    let id = PaymentRequestId::parse(ID).expect("a valid id");
    let config = config(KEY, CLIENT, 0).expect("a config");
    let host = Script::new(vec![answer(status, body)]);
    let outcome = inquired(host.call(&config, Operation::Inquiry(id)));
    (host, outcome)
}

/// What every inquiry outcome must satisfy, whatever the answer.
fn check(status: u16, body: &str) {
    let id = PaymentRequestId::parse(ID).expect("a valid id");
    let (host, outcome) = inquire(status, body);
    assert_eq!(host.sent_with("GET"), 1);
    assert_eq!(host.attempts(), 1);
    assert_eq!(
        host.sent.borrow()[0],
        format!("GET https://paywall.example/api/payment/inquiry/{ID} ")
    );
    assert!(host.sleeps.borrow().is_empty(), "max_retries 0 never waits");
    match &outcome {
        Ok(inquiry) => {
            assert!((200..300).contains(&status), "{status}");
            assert!(body.len() <= MAX_BODY_BYTES);
            assert!(id.matches(&inquiry.payment_request_id), "{inquiry:?}");
            assert!(PaymentRequestId::is_guid(
                &inquiry.payment_request_activity_id
            ));
            agrees_with_serde_json(inquiry, body);
            assert!(
                inquiry
                    .amount
                    .as_ref()
                    .is_none_or(|amount| oracle::is_plain_decimal(amount.as_str())),
                "{inquiry:?}"
            );
            // Written as the JS object it becomes: fourteen fields, codes and amount numbers,
            // and the amount's text.
            let written = json::to_string(inquiry).expect("an inquiry writes");
            match serde_json::from_str::<Value>(&written) {
                Ok(value) => {
                    let object = value.as_object().expect("an object");
                    assert_eq!(object.len(), 14, "{written}");
                    assert_eq!(
                        object["amountText"].as_str(),
                        inquiry.amount.as_ref().map(|amount| amount.as_str())
                    );
                    assert_eq!(object["paymentTypeId"], inquiry.payment_type_id);
                    assert_eq!(object["paymentStatusId"], inquiry.payment_status_id);
                    assert_eq!(
                        object["paymentRequestId"],
                        inquiry.payment_request_id.as_str()
                    );
                    assert!(object["amount"].is_number() || object["amount"].is_null());
                }
                // A huge amount (1e999) is a number JSON.parse reads as Infinity; serde_json
                // refuses it.
                Err(error) => assert!(error.to_string().contains("out of range"), "{error}"),
            }
        }
        Err(error) => check_error(error, status),
    }

    // A cancel whose answer was lost asks this inquiry once, and resolves exactly when it
    // decodes and shows a cancellation: with its status, confirmed by the inquiry.
    let reconciled = config_with_reconcile();
    let host = Script::new(vec![
        failed(Failure::Network("socket hang up".into())),
        answer(status, body),
    ]);
    let cancel = host
        .call(&reconciled, Operation::Cancel(id))
        .map(|outcome| match outcome {
            Outcome::Cancelled(result) => result,
            other => panic!("a cancel resolved with {other:?}"),
        });
    assert_eq!((host.sent_with("POST"), host.sent_with("GET")), (1, 1));
    match (&outcome, &cancel) {
        (Ok(inquiry), Ok(result)) if inquiry.payment_type_id == 2 => {
            oracle::assert_confirmed_by(result, inquiry);
        }
        (found, Err(error)) => {
            assert!(
                !matches!(found, Ok(inquiry) if inquiry.payment_type_id == 2),
                "{found:?} {error:?}"
            );
            assert_eq!(error.kind(), ErrorKind::Network);
            assert_eq!(error.attempts(), 1);
            assert!(error.message().contains("; an inquiry "), "{error}");
            fragments().assert_none_in(&format!("{error:?}"));
        }
        (found, Ok(result)) => panic!("resolved {result:?} on {found:?}"),
    }
}

fn config_with_reconcile() -> paywall_edge::core::Config {
    let config = config(KEY, CLIENT, 0).expect("a config");
    assert!(config.reconciles(), "reconcile is on by default");
    config
}

/// The pieces of the two keys no error may hold (the keys are fixed: made once).
fn fragments() -> &'static oracle::Fragments {
    static FRAGMENTS: OnceLock<oracle::Fragments> = OnceLock::new();
    FRAGMENTS.get_or_init(|| oracle::Fragments::of(&[KEY, CLIENT]))
}

fn check_error(error: &Error, status: u16) {
    let success = (200..300).contains(&status);
    match error.kind() {
        // A 2xx answer that is not an inquiry of this payment, or Paywall's refusal.
        ErrorKind::Decode => assert!(success),
        ErrorKind::Api => assert_eq!(error.http_status(), Some(status)),
        ErrorKind::Http => assert!(!success),
        other => panic!("an inquiry answer gave a {other} error: {error:?}"),
    }
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.payment_request_id(), Some(ID));
    let json = serde_json::to_string(error).expect("an error writes");
    fragments().assert_none_in(&format!("{error} {error:?} {json}"));
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Some((&status, body)) = rest.split_first() else {
            return;
        };
        let status = [200, 200, 201, 204, 299, 400, 404, 409, 500, 503][usize::from(status % 10)];
        // The body as a driver reads it: UTF-8, invalid sequences replaced.
        check(status, &String::from_utf8_lossy(body));
        return;
    }
    let Ok(input) = Structured::arbitrary_take_rest(Unstructured::new(rest)) else {
        return;
    };
    let (status, body, must_decode) = input.answer();
    check(status, &body);
    if must_decode {
        let (_, outcome) = inquire(status, &body);
        assert!(outcome.is_ok(), "{outcome:?}: {body}");
    }
});
