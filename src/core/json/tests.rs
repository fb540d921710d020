//! The JSON reader and writer, checked against serde_json where both should agree.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::*;
use crate::core::{CancelResult, Envelope};

/// A value of any shape, as both readers see it (no floats: this reader refuses them).
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Any {
    Null,
    Bool(bool),
    Integer(i64),
    Text(String),
    List(Vec<Any>),
    Object(BTreeMap<String, Any>),
}

fn agrees_with_serde_json(text: &str) {
    let ours: Result<Any, String> = from_str(text);
    let theirs: Result<Any, _> = serde_json::from_str(text);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text}"),
        (Err(_), Err(_)) => {}
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

#[test]
fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
    for text in [
        "null",
        "true",
        " false ",
        "0",
        "42",
        "-9223372036854775808",
        "\"\"",
        r#""plain""#,
        r#""esc \" \\ \/ \b \f \n \r \t""#,
        r#""\u00e7\u011f \ud83d\ude00""#,
        "[]",
        "[1, [2, [3]], {\"a\": null}]",
        "{}",
        r#"{"a": 1, "b": "two", "c": [true, false], "d": {"e": {}}}"#,
        "\n\t{ \"spaced\" : 1 }\r\n",
        // Malformed: both refuse.
        "",
        "   ",
        "{",
        "}",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "'single'",
        "01",
        "1.",
        ".5",
        "1e",
        "+1",
        "-",
        "tru",
        "nul",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"raw\ncontrol\"",
        "[1] [2]",
        "{\"a\":1}}",
        "\u{feff}{}",
    ] {
        agrees_with_serde_json(text);
    }
}

#[test]
fn reads_minus_zero_as_zero() {
    // serde_json reads -0 as a float; as a whole number it is 0.
    assert_eq!(from_str::<i32>("-0"), Ok(0));
}

#[test]
fn reads_the_envelope_in_both_casings() {
    let camel: Envelope = from_str(
        r#"{"result":{"paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
            "paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "paymentRequestActivityTypeId":2,"paymentStatus":4},
            "failed":false,"message":null,"clientMessage":null,"succeeded":true}"#,
    )
    .unwrap();
    let pascal: Envelope = from_str(
        r#"{"Result":{"PaymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
            "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "PaymentRequestActivityTypeId":2,"PaymentStatus":4},
            "Failed":false,"Message":null,"ClientMessage":null,"Succeeded":true}"#,
    )
    .unwrap();
    assert_eq!(camel, pascal);
    assert_eq!(
        camel,
        serde_json::from_str::<Envelope>(
            &serde_json::to_string(&serde_json::json!({
                "result": {"paymentRequestId": "72ec8714-d116-4306-8881-38a43c485da9",
                    "paymentRequestActivityId": "3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
                    "paymentRequestActivityTypeId": 2, "paymentStatus": 4},
                "failed": false, "message": null, "clientMessage": null, "succeeded": true
            }))
            .unwrap()
        )
        .unwrap()
    );
}

#[test]
fn skips_unknown_fields_of_any_shape_including_fractions() {
    let envelope: Envelope = from_str(
        r#"{"succeeded":false,"extra":[1.5e-3,{"deep":[null,true,"x"]}],"ratio":-0.25,
            "message":"Reddedildi: \u00f6deme iptal edilemez"}"#,
    )
    .unwrap();
    assert!(!envelope.succeeded);
    assert_eq!(
        envelope.message.as_deref(),
        Some("Reddedildi: ödeme iptal edilemez")
    );
}

#[test]
fn refuses_wrong_types_without_quoting_values() {
    let cases = [
        (r#"{"succeeded":"yes"}"#, "must be true or false"),
        (
            r#"{"succeeded":true,"errorCode":1.5}"#,
            "must be a whole number",
        ),
        (r#"{"succeeded":true,"errorCode":"sk-secret"}"#, "must be"),
        (
            r#"{"succeeded":true,"result":{"paymentStatus":99999999999}}"#,
            "out of range for i32",
        ),
        (r#"{"result":null}"#, "missing field `succeeded`"),
        (r#"{"succeeded":true,"Succeeded":true}"#, "duplicate field"),
        ("[]", "must be an object"),
        ("\"text\"", "must be an object"),
        // serde_json reads an array as a struct's fields in order and takes this for an
        // envelope; Paywall never answers so, and this reader refuses it (found by fuzzing).
        (
            "[[\n\n]\n,\nfalse\n\n]\n",
            "must be an object, got an array",
        ),
        (
            r#"{"succeeded":true,"result":["x"]}"#,
            "must be an object, got an array",
        ),
    ];
    for (text, says) in cases {
        let problem = from_str::<Envelope>(text).unwrap_err();
        assert!(problem.contains(says), "{text}: {problem}");
        assert!(!problem.contains("sk-secret"), "{problem}");
    }
}

#[test]
fn says_where_the_text_went_wrong() {
    let problem = from_str::<Envelope>("{\"succeeded\": tru}").unwrap_err();
    assert_eq!(problem, "not a JSON value (at byte 14)");
    assert_eq!(
        from_str::<Envelope>("").unwrap_err(),
        "the body is empty, not JSON"
    );
    assert!(from_str::<Envelope>("{\"succeeded\":true} x")
        .unwrap_err()
        .contains("text after the end"));
}

#[test]
fn refuses_nesting_deeper_than_the_limit_without_recursing_on_it() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(from_str::<Any>(&deep)
        .unwrap_err()
        .contains("nested too deeply"));
    let deep_unknown = format!(
        "{{\"succeeded\":true,\"x\":{}{}}}",
        "{\"a\":".repeat(10_000),
        "}".repeat(10_000)
    );
    assert!(from_str::<Envelope>(&deep_unknown)
        .unwrap_err()
        .contains("nested too deeply"));
    let allowed = format!("{}{}", "[".repeat(20), "]".repeat(20));
    assert!(from_str::<Any>(&allowed).is_ok());
}

#[test]
fn keeps_a_lone_surrogate_as_a_replacement_character() {
    let text: String = from_str(r#""a\ud800b""#).unwrap();
    assert_eq!(text, "a\u{fffd}b");
    let pair: String = from_str(r#""\ud83d\ude00""#).unwrap();
    assert_eq!(pair, "😀");
}

#[test]
fn writes_compact_json_that_serde_json_reads_back() {
    #[derive(Serialize)]
    struct Sample<'a> {
        text: &'a str,
        count: u32,
        negative: i64,
        flag: bool,
        missing: Option<u8>,
        kind: crate::ErrorKind,
    }
    let written = to_string(&Sample {
        text: "quote \" backslash \\ newline \n nul \u{0} ç",
        count: 4_000_000_000,
        negative: -5,
        flag: true,
        missing: None,
        kind: crate::ErrorKind::Api,
    })
    .unwrap();
    assert_eq!(
        written,
        r#"{"text":"quote \" backslash \\ newline \u000a nul \u0000 ç","count":4000000000,"negative":-5,"flag":true,"missing":null,"kind":"api"}"#
    );
    let back: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(back["text"], "quote \" backslash \\ newline \n nul \u{0} ç");

    let result = CancelResult {
        payment_request_id: "72ec8714-d116-4306-8881-38a43c485da9".into(),
        payment_request_activity_id: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f".into(),
        payment_request_activity_type_id: 2,
        payment_status: 4,
    };
    assert_eq!(
        to_string(&result).unwrap(),
        serde_json::to_string(&result).unwrap()
    );
}

#[test]
fn refuses_to_write_what_the_wire_types_never_hold() {
    assert!(to_string(&1.5_f64).unwrap_err().contains("fractional"));
    assert!(to_string(&vec![1]).unwrap_err().contains("sequence"));
}
