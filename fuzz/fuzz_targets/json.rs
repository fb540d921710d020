//! The JSON pull reader on any bytes: never a panic; any document, read whole by a small
//! recursive reader over the pull `Reader`, is the value serde_json reads (the reader is
//! stricter in nesting depth only, and more lenient in two ways only: a lone surrogate,
//! which it replaces, and a number beyond a float's range, whose text it keeps); and a
//! document read as a cancel envelope (`read_envelope` and `CancelAnswer::read`) is what a
//! reference decoder makes of that value, the same fields or the same problem in the same
//! words. A cancel result it completes is written as the object the JS caller gets.
//!
//! (The reader that this target compared with serde_json used to be a serde deserializer of
//! the envelope; it is a pull reader now, so the comparison goes through a value of any
//! shape, as the library's own `json/tests.rs` does with `read_any`.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use paywall_edge::core::json::{self, read_document, Reader, Stop};
use paywall_edge::core::{read_envelope, CancelAnswer, Envelope, PaymentRequestId};
use serde_json::Value;
use std::collections::BTreeMap;

const ID: &str = "72ec8714-d116-4306-8881-38a43c485da9";

/// The reader's nesting limit: an envelope is two levels deep.
const MAX_DEPTH: usize = 32;

/// A value of any shape as the pull reader reads it: a number as its text, an object's
/// members in order, duplicates kept.
#[derive(Debug)]
enum Any {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Any>),
    Object(Vec<(String, Any)>),
}

/// The kind of the value at the reader's cursor, as its messages name it, learned from the
/// problem `boolean` reports for anything but a boolean ("must be true or false, got a
/// string (at byte 12)"); the cursor stays where it was. Checks that the byte the message
/// points at starts a value of that kind. A boolean is read into `read` (and the kind is
/// empty). The reader keeps a problem's words, and stops with a `Stop`.
fn kind(reader: &mut Reader<'_>, text: &str, read: &mut Option<bool>) -> Result<String, Stop> {
    let problem = match reader.boolean() {
        Ok(value) => {
            *read = Some(value);
            return Ok(String::new());
        }
        Err(Stop) => reader.reason().to_owned(),
    };
    let Some(rest) = problem.strip_prefix("must be true or false, got ") else {
        return Err(Stop);
    };
    let (kind, at) = split_position(rest);
    let at = at.unwrap_or_else(|| panic!("no position in {problem:?}"));
    let byte = text.as_bytes().get(at).copied();
    let starts = match kind {
        "a string" => byte == Some(b'"'),
        "an object" => byte == Some(b'{'),
        "an array" => byte == Some(b'['),
        "a number" => matches!(byte, Some(b'-' | b'0'..=b'9')),
        "null" => text
            .as_bytes()
            .get(at..)
            .is_some_and(|rest| rest.starts_with(b"null")),
        "text that is not JSON" => return Err(Stop),
        other => panic!("a kind {other:?} in {problem:?}"),
    };
    assert!(starts, "{problem:?} points at {:?}", text.get(at..));
    Ok(kind.to_owned())
}

/// A problem's words and the byte it points at: "what (at byte N)".
fn split_position(problem: &str) -> (&str, Option<usize>) {
    match problem.rfind(" (at byte ") {
        Some(cut) if problem.ends_with(')') => {
            let digits = &problem[cut + " (at byte ".len()..problem.len() - 1];
            (&problem[..cut], digits.parse().ok())
        }
        _ => (problem, None),
    }
}

/// Any value, through the pull reader.
fn read_any(reader: &mut Reader<'_>, text: &str) -> Result<Any, Stop> {
    if reader.null() {
        return Ok(Any::Null);
    }
    let mut boolean = None;
    let kind = kind(reader, text, &mut boolean)?;
    if let Some(value) = boolean {
        return Ok(Any::Bool(value));
    }
    Ok(match kind.as_str() {
        "a string" => Any::Text(reader.string()?),
        "a number" => {
            let number = reader.optional_number()?.expect("a number, not null");
            Any::Number(number.as_str().to_owned())
        }
        "an array" => {
            let mut list = Vec::new();
            reader.array(&mut |reader| {
                list.push(read_any(reader, text)?);
                Ok(())
            })?;
            Any::List(list)
        }
        "an object" => {
            let mut members = Vec::new();
            reader.object(&mut |reader, key| {
                members.push((key.to_owned(), read_any(reader, text)?));
                Ok(())
            })?;
            Any::Object(members)
        }
        other => panic!("null is read above, not {other:?}"),
    })
}

/// How deep `value` nests: 0 for a scalar.
fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether the number text `ours` is serde_json's number: the same integer exactly, or the
/// same float up to serde_json's (not always correctly rounded) parsing.
fn same_number(ours: &str, theirs: &serde_json::Number) -> bool {
    if theirs.is_i64() || theirs.is_u64() {
        return ours == theirs.to_string();
    }
    let ours: f64 = ours.parse().expect("a JSON number is a float's text");
    let theirs = theirs.as_f64().expect("a float");
    ours == theirs || (theirs - ours).abs() <= ours.abs() * 1e-15 + f64::MIN_POSITIVE
}

/// Whether `ours` is serde_json's value; an object's members by name, the last of a
/// duplicate winning, as serde_json keeps them.
fn same(ours: &Any, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Any::Null, Value::Null) => true,
        (Any::Bool(ours), Value::Bool(theirs)) => ours == theirs,
        (Any::Number(ours), Value::Number(theirs)) => same_number(ours, theirs),
        (Any::Text(ours), Value::String(theirs)) => ours == theirs,
        (Any::List(ours), Value::Array(theirs)) => {
            ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| same(a, b))
        }
        (Any::Object(ours), Value::Object(theirs)) => {
            let ours: BTreeMap<&str, &Any> = ours.iter().map(|(k, v)| (k.as_str(), v)).collect();
            ours.len() == theirs.len()
                && ours
                    .iter()
                    .all(|(key, value)| theirs.get(*key).is_some_and(|theirs| same(value, theirs)))
        }
        _ => false,
    }
}

/// The words a reader uses for the kind of `value`.
fn kind_of(value: &Any) -> &'static str {
    match value {
        Any::Null => "null",
        Any::Bool(_) => "a boolean",
        Any::Number(_) => "a number",
        Any::Text(_) => "a string",
        Any::List(_) => "an array",
        Any::Object(_) => "an object",
    }
}

/// Whether `key` names the field `name` (PascalCase): as written, or with its first letter
/// in lowercase (the reference for `json::is_field`).
fn names(key: &str, name: &str) -> bool {
    key == name || key == name[..1].to_ascii_lowercase() + &name[1..]
}

/// A problem the reference expects: its words, without the position.
type Expected = String;

fn optional_string(value: &Any) -> Result<Option<String>, Expected> {
    match value {
        Any::Null => Ok(None),
        Any::Text(text) => Ok(Some(text.clone())),
        other => Err(format!("must be a string, got {}", kind_of(other))),
    }
}

fn optional_boolean(value: &Any) -> Result<Option<bool>, Expected> {
    match value {
        Any::Null => Ok(None),
        Any::Bool(value) => Ok(Some(*value)),
        other => Err(format!("must be true or false, got {}", kind_of(other))),
    }
}

fn optional_i64(value: &Any) -> Result<Option<i64>, Expected> {
    match value {
        Any::Null => Ok(None),
        Any::Number(text) if text.contains(['.', 'e', 'E']) => {
            Err("must be a whole number".to_owned())
        }
        Any::Number(text) => text
            .parse()
            .map(Some)
            .map_err(|_| "a whole number too large to read".to_owned()),
        other => Err(format!("must be a whole number, got {}", kind_of(other))),
    }
}

fn optional_i32(value: &Any) -> Result<Option<i32>, Expected> {
    match optional_i64(value)? {
        Some(value) => i32::try_from(value)
            .map(Some)
            .map_err(|_| "a number out of range for i32".to_owned()),
        None => Ok(None),
    }
}

/// Marks field `index` of `names` seen: the problem when it already was.
fn mark(seen: &mut [bool], index: usize, names: &[&str]) -> Result<(), Expected> {
    if std::mem::replace(&mut seen[index], true) {
        return Err(format!("duplicate field `{}`", names[index]));
    }
    Ok(())
}

const ENVELOPE: [&str; 6] = [
    "Result",
    "Succeeded",
    "Failed",
    "ErrorCode",
    "Message",
    "ClientMessage",
];
const RESULT: [&str; 4] = [
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "PaymentRequestActivityTypeId",
    "PaymentStatus",
];

/// A cancel's `result`, as the reference reads it: every field optional, in either casing,
/// once.
fn reference_result(value: &Any) -> Result<CancelAnswer, Expected> {
    let Any::Object(members) = value else {
        return Err(format!("must be an object, got {}", kind_of(value)));
    };
    let mut answer = CancelAnswer::default();
    let mut seen = [false; 4];
    for (key, value) in members {
        let Some(index) = RESULT.iter().position(|name| names(key, name)) else {
            continue;
        };
        mark(&mut seen, index, &RESULT)?;
        match index {
            0 => answer.payment_request_id = optional_string(value)?,
            1 => answer.payment_request_activity_id = optional_string(value)?,
            2 => answer.payment_request_activity_type_id = optional_i32(value)?,
            _ => answer.payment_status = optional_i32(value)?,
        }
    }
    Ok(answer)
}

/// A cancel envelope, as the reference reads the value: the envelope's fields in either
/// casing, each once, `succeeded` required, unknown fields skipped; the problems in the
/// order the members come.
fn reference_envelope(value: &Any) -> Result<(Envelope, Option<CancelAnswer>), Expected> {
    let Any::Object(members) = value else {
        return Err(format!("must be an object, got {}", kind_of(value)));
    };
    let mut envelope = Envelope::default();
    let mut answer = None;
    let mut succeeded = None;
    let mut seen = [false; 6];
    for (key, value) in members {
        let Some(index) = ENVELOPE.iter().position(|name| names(key, name)) else {
            continue;
        };
        mark(&mut seen, index, &ENVELOPE)?;
        match index {
            0 => {
                if !matches!(value, Any::Null) {
                    answer = Some(reference_result(value)?);
                    envelope.has_result = true;
                }
            }
            1 => match value {
                Any::Bool(value) => succeeded = Some(*value),
                other => return Err(format!("must be true or false, got {}", kind_of(other))),
            },
            2 => envelope.failed = optional_boolean(value)?,
            3 => envelope.error_code = optional_i64(value)?,
            4 => envelope.message = optional_string(value)?,
            _ => envelope.client_message = optional_string(value)?,
        }
    }
    envelope.succeeded = succeeded.ok_or("missing field `succeeded`")?;
    Ok((envelope, answer))
}

/// What completing a successful cancel's result must give: the problem in the library's
/// words, or nothing wrong.
fn reference_completion(answer: &CancelAnswer, id: &PaymentRequestId) -> Result<(), String> {
    // The ids first, as every endpoint checks them (wire::check_ids), then the codes.
    let missing = |field: &str| Err(format!("result.{field} is missing"));
    let (Some(payment), Some(activity)) = (
        answer.payment_request_id.as_deref(),
        answer.payment_request_activity_id.as_deref(),
    ) else {
        return missing(if answer.payment_request_id.is_none() {
            "paymentRequestId"
        } else {
            "paymentRequestActivityId"
        });
    };
    if !payment.eq_ignore_ascii_case(&id.to_string()) {
        return Err(format!("result.paymentRequestId is not the requested {id}"));
    }
    if !is_guid(activity) {
        return Err("result.paymentRequestActivityId is not a GUID".to_owned());
    }
    if answer.payment_request_activity_type_id.is_none() {
        return missing("paymentRequestActivityTypeId");
    }
    if answer.payment_status.is_none() {
        return missing("paymentStatus");
    }
    Ok(())
}

/// Whether `text` holds a `\u` escape of a surrogate (U+D800 to U+DFFF).
fn has_surrogate_escape(text: &str) -> bool {
    text.match_indices("\\u").any(|(at, _)| {
        text.get(at + 2..at + 6)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .is_some_and(|code| (0xD800..0xE000).contains(&code))
    })
}

/// A GUID in the canonical hyphenated form, any letter case.
fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(at, byte)| match at {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let blank = text.trim_matches([' ', '\t', '\n', '\r']).is_empty();

    // Any value, against serde_json's reading of the same text.
    let ours = read_document(text, |reader| read_any(reader, text));
    match (&ours, serde_json::from_str::<Value>(text)) {
        (Ok(ours), Ok(theirs)) => {
            assert!(depth(&theirs) <= MAX_DEPTH, "{text:?}");
            assert!(same(ours, &theirs), "{text:?}: {ours:?} {theirs:?}");
        }
        (Err(problem), Ok(theirs)) => {
            // Stricter only in depth: an envelope is two levels deep.
            assert!(
                problem.starts_with("the JSON is nested too deeply") && depth(&theirs) > MAX_DEPTH,
                "{text:?}: {problem}"
            );
        }
        (Ok(ours), Err(error)) => {
            // More lenient only where a Rust string or a float cannot hold what JSON can.
            // serde_json words a lone surrogate "lone leading surrogate in hex escape", or,
            // when a high one is followed by something other than `\u`, "unexpected end of hex
            // escape".
            let error = error.to_string();
            let surrogate = (error.contains("surrogate") || error.contains("end of hex escape"))
                && has_surrogate_escape(text);
            assert!(
                surrogate || error.contains("number out of range"),
                "{text:?}: we read {ours:?}, serde_json: {error}"
            );
        }
        (Err(problem), Err(_)) => {
            if blank {
                assert_eq!(problem, "the body is empty, not JSON");
            } else {
                let (_, at) = split_position(problem);
                let at = at.unwrap_or_else(|| panic!("no position in {problem:?}"));
                assert!(at <= text.len(), "{problem:?} in {} bytes", text.len());
            }
        }
    }

    // The same text as a cancel envelope, against the reference decoder of the value.
    let mut answer = None;
    let envelope = read_envelope(text, &mut |reader| {
        answer = Some(CancelAnswer::read(reader)?);
        Ok(())
    });
    match &ours {
        Ok(value) => match (reference_envelope(value), &envelope) {
            (Ok((expected, expected_answer)), Ok(envelope)) => {
                assert_eq!(envelope, &expected, "{text:?}");
                assert_eq!(answer, expected_answer, "{text:?}");
            }
            (Err(expected), Err(problem)) => {
                assert_eq!(split_position(problem).0, expected, "{text:?}");
            }
            (expected, envelope) => {
                panic!("{text:?}: the reference reads {expected:?}, the library {envelope:?}")
            }
        },
        // A text that is not one JSON value is no envelope either.
        Err(problem) => {
            let envelope_problem = envelope.as_ref().expect_err("not JSON, yet an envelope");
            if blank {
                assert_eq!(envelope_problem, problem);
            }
        }
    }

    // A result that completes is written as the JS object it becomes: the same fields, its
    // codes as numbers, and what they mean.
    let id = PaymentRequestId::parse(ID).expect("a valid id");
    let Some(answer) = answer.filter(|_| envelope.is_ok()) else {
        return;
    };
    let expected = reference_completion(&answer, &id);
    let completed = answer.complete(&id);
    assert_eq!(
        completed.as_ref().map(drop).map_err(String::as_str),
        expected.as_ref().map(drop).map_err(String::as_str),
        "{text:?}"
    );
    if let Ok(result) = completed {
        let written = json::to_string(&result).expect("a result writes");
        let value: Value = serde_json::from_str(&written).expect("valid JSON");
        assert_eq!(
            value["paymentRequestId"],
            result.payment_request_id.as_str()
        );
        assert_eq!(
            value["paymentRequestActivityId"],
            result.payment_request_activity_id.as_str()
        );
        assert_eq!(
            value["paymentRequestActivityTypeId"],
            result.payment_request_activity_type_id
        );
        assert_eq!(value["paymentStatus"], result.payment_status);
        assert_eq!(value["confirmedBy"], "response");
        let state = match (
            result.payment_request_activity_type_id,
            result.payment_status,
        ) {
            (2, 4) => "cancelled",
            (2, 1 | 2 | 7..=11) => "pending",
            (_, 3 | 5 | 12) => "failed",
            _ => "unknown",
        };
        assert_eq!(value["state"], state, "{written}");
        assert_eq!(value.as_object().map(|object| object.len()), Some(6));
    }
});
