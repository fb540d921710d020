//! The JSON reader and writer, checked against serde_json where both should agree.

use alloc::collections::BTreeMap;
use serde::Serialize;

use super::*;
use crate::core::{CancelAnswer, CancelResult, Envelope};

/// A value of any shape, as both readers see it (no floats: this reader keeps a number's
/// text, and the comparison reads it as a whole number).
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(untagged)]
enum Any {
    Null,
    Bool(bool),
    Integer(i64),
    Text(String),
    List(Vec<Any>),
    Object(BTreeMap<String, Any>),
}

/// Any value, through the pull reader.
fn read_any(reader: &mut Reader<'_>) -> Result<Any, Stop> {
    Ok(match reader.peek_kind() {
        "null" => {
            assert!(reader.null());
            Any::Null
        }
        "a boolean" => Any::Bool(reader.boolean()?),
        "a string" => Any::Text(reader.string()?),
        "an array" => {
            let mut list = Vec::new();
            reader.array(&mut |reader| {
                list.push(read_any(reader)?);
                Ok(())
            })?;
            Any::List(list)
        }
        "an object" => {
            let mut object = BTreeMap::new();
            reader.object(&mut |reader, key| {
                object.insert(String::from(key), read_any(reader)?);
                Ok(())
            })?;
            Any::Object(object)
        }
        _ => Any::Integer(reader.optional_integer()?.unwrap_or_default()),
    })
}

fn from_text(text: &str) -> Result<Any, Problem> {
    read_document(text, read_any)
}

fn agrees_with_serde_json(text: &str) {
    let ours = from_text(text);
    let theirs: Result<Any, _> = serde_json::from_str(text);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text}"),
        (Err(_), Err(_)) => {}
        (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

/// A cancel envelope and its result, or the problem.
fn cancel_envelope(text: &str) -> Result<(Envelope, Option<CancelAnswer>), Problem> {
    let mut answer = None;
    let envelope = crate::core::read_envelope(text, &mut |reader| {
        answer = Some(CancelAnswer::read(reader)?);
        Ok(())
    })?;
    Ok((envelope, answer))
}

/// A number's text, alone in a document.
fn raw_number(text: &str) -> Result<RawNumber, Problem> {
    read_document(text, |reader| {
        reader
            .optional_number()?
            .ok_or_else(|| reader.problem("must be a number, got null"))
    })
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
    assert_eq!(from_text("-0"), Ok(Any::Integer(0)));
}

#[test]
fn reads_the_envelope_in_both_casings() {
    let camel = cancel_envelope(
        r#"{"result":{"paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
            "paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "paymentRequestActivityTypeId":2,"paymentStatus":4},
            "failed":false,"message":null,"clientMessage":null,"succeeded":true}"#,
    )
    .unwrap();
    let pascal = cancel_envelope(
        r#"{"Result":{"PaymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
            "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "PaymentRequestActivityTypeId":2,"PaymentStatus":4},
            "Failed":false,"Message":null,"ClientMessage":null,"Succeeded":true}"#,
    )
    .unwrap();
    assert_eq!(camel, pascal);
    assert!(camel.0.succeeded && camel.0.has_result);
    assert_eq!(camel.1.unwrap().payment_status, Some(4));
}

#[test]
fn skips_unknown_fields_of_any_shape_including_fractions() {
    let (envelope, _) = cancel_envelope(
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
        // An array is never an envelope, whatever it holds (found by fuzzing, when serde's
        // derive read an array as a struct's fields in order).
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
        let problem = cancel_envelope(text).unwrap_err();
        assert!(problem.contains(says), "{text}: {problem}");
        assert!(!problem.contains("sk-secret"), "{problem}");
    }
}

#[test]
fn says_where_the_text_went_wrong() {
    let problem = cancel_envelope("{\"succeeded\": tru}").unwrap_err();
    assert_eq!(
        problem,
        "must be true or false, got text that is not JSON (at byte 14)"
    );
    assert_eq!(
        cancel_envelope("").unwrap_err(),
        "the body is empty, not JSON"
    );
    assert!(cancel_envelope("{\"succeeded\":true} x")
        .unwrap_err()
        .contains("text after the end"));
    // A word that only starts like a literal is not taken for one.
    for (text, says) in [
        ("nope", "got text that is not JSON"),
        ("n", "got text that is not JSON"),
        ("tru", "got text that is not JSON"),
        ("null", "got null"),
        ("false", "got a boolean"),
    ] {
        let problem = cancel_envelope(text).unwrap_err();
        assert!(problem.contains(says), "{text}: {problem}");
    }
}

#[test]
fn refuses_nesting_deeper_than_the_limit_without_recursing_on_it() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(from_text(&deep).unwrap_err().contains("nested too deeply"));
    let deep_unknown = format!(
        "{{\"succeeded\":true,\"x\":{}{}}}",
        "{\"a\":".repeat(10_000),
        "}".repeat(10_000)
    );
    assert!(cancel_envelope(&deep_unknown)
        .unwrap_err()
        .contains("nested too deeply"));
    let allowed = format!("{}{}", "[".repeat(20), "]".repeat(20));
    assert!(from_text(&allowed).is_ok());
}

#[test]
fn keeps_a_lone_surrogate_as_a_replacement_character() {
    assert_eq!(
        from_text(r#""a\ud800b""#),
        Ok(Any::Text("a\u{fffd}b".into()))
    );
    assert_eq!(from_text(r#""\ud83d\ude00""#), Ok(Any::Text("😀".into())));
}

#[test]
fn a_field_is_named_in_pascal_or_camel_case_and_no_other() {
    assert!(is_field("PaymentStatus", "PaymentStatus"));
    assert!(is_field("paymentStatus", "PaymentStatus"));
    assert!(!is_field("paymentstatus", "PaymentStatus"));
    assert!(!is_field("PAYMENTSTATUS", "PaymentStatus"));
    assert!(!is_field("", "PaymentStatus"));
    assert!(!is_field("PaymentStatusId", "PaymentStatus"));
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

    let result = CancelResult::new(
        "72ec8714-d116-4306-8881-38a43c485da9".into(),
        "3a7deace-d437-4d3f-8ef8-1cba82f18e8f".into(),
        2,
        4,
        crate::core::ConfirmedBy::Response,
    );
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

#[test]
fn a_raw_number_keeps_its_text_exactly() {
    for text in [
        "1.50",
        "1e3",
        "-0",
        "0",
        "125",
        "-0.5e3",
        "1E+2",
        "2.000e-10",
        "0.0",
        "123456789012345678901234567890.123456789",
    ] {
        let read = raw_number(text).unwrap();
        assert_eq!(read.as_str(), text);
        assert_eq!(RawNumber::parse(text).as_ref(), Some(&read));
        assert_eq!(to_string(&read).unwrap(), text);
        let spaced = raw_number(&format!(" \n{text}\t")).unwrap();
        assert_eq!(spaced.as_str(), text);
    }
}

#[test]
fn a_raw_number_follows_the_json_grammar() {
    for text in [
        "01",
        "1.",
        ".5",
        "+1",
        "1e",
        "1e+",
        "-",
        "--1",
        "NaN",
        "Infinity",
        "-Infinity",
        "0x10",
        "1.5.2",
        "1_000",
        "",
        " ",
        "١",
    ] {
        assert!(raw_number(text).is_err(), "{text:?}");
        assert_eq!(RawNumber::parse(text), None, "{text:?}");
    }
    // parse takes the number alone, without white space around it.
    assert_eq!(RawNumber::parse(" 1"), None);
    assert_eq!(RawNumber::parse("1 "), None);
    // Any other kind of value is named, never quoted.
    for (text, found) in [
        (r#""1.50""#, "a string"),
        ("true", "a boolean"),
        ("[1]", "an array"),
        ("{}", "an object"),
    ] {
        let problem = raw_number(text).unwrap_err();
        assert_eq!(
            problem,
            format!("must be a number, got {found} (at byte 0)")
        );
    }
}

#[test]
fn a_raw_number_writes_unquoted_as_json_parse_reads_it() {
    #[derive(Serialize)]
    struct Sale {
        amount: RawNumber,
        fee: Option<RawNumber>,
        code: &'static str,
    }
    let sale = Sale {
        amount: RawNumber::parse("-2e-1").unwrap(),
        fee: RawNumber::parse("0.10"),
        code: "B",
    };
    let written = to_string(&sale).unwrap();
    assert_eq!(written, r#"{"amount":-2e-1,"fee":0.10,"code":"B"}"#);
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(value["fee"].as_f64(), Some(0.1));
}

#[test]
fn a_decimal_amount_is_plain_notation_that_a_dotnet_decimal_can_hold() {
    let amount = |text: &str| RawNumber::parse(text).expect(text).is_decimal_amount();
    for ok in [
        "0",
        "1.50",
        "-3",
        "125.50",
        &"9".repeat(29),
        &format!("0.{}", "1".repeat(28)),
    ] {
        assert!(amount(ok), "{ok}");
    }
    for refused in [
        "1.5e2",
        "1E+400",
        "1e-3",
        &"9".repeat(30),
        &format!("0.{}", "1".repeat(29)),
    ] {
        assert!(!amount(refused), "{refused}");
    }
}

#[test]
fn decimal_amounts_are_compared_as_values_however_they_are_written() {
    let number = |text: &str| RawNumber::parse(text).expect(text);
    for (one, another) in [
        ("1.5", "1.50"),
        ("1.50", "1.5000"),
        ("0", "0.00"),
        ("-0", "0"),
        ("-0.0", "0.0"),
        ("10", "10.0"),
        ("9007199254740993", "9007199254740993.00"),
        ("-2.5", "-2.50"),
    ] {
        assert!(
            number(one).same_decimal(&number(another)),
            "{one} {another}"
        );
        assert!(
            number(another).same_decimal(&number(one)),
            "{another} {one}"
        );
    }
    for (one, another) in [
        ("1.5", "1.51"),
        ("1.5", "-1.5"),
        ("10", "1"),
        ("100", "1.00"),
        ("9007199254740993", "9007199254740992"),
        ("0.1000000000000000000000000001", "0.1"),
        ("1.5", "15e-1"),
        ("15e-1", "15e-1"),
    ] {
        assert!(
            !number(one).same_decimal(&number(another)),
            "{one} {another}"
        );
    }
}

#[test]
fn reads_whole_numbers_to_the_limits_of_an_i64() {
    let integer = |text: &str| read_document(text, |reader| reader.optional_integer());
    for value in [0, 7, -7, 10, i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1] {
        assert_eq!(integer(&value.to_string()), Ok(Some(value)), "{value}");
    }
    for text in [
        "9223372036854775808",
        "-9223372036854775809",
        "10000000000000000000",
        "18446744073709551616",
        "99999999999999999999",
        "-99999999999999999999",
    ] {
        let problem = integer(text).unwrap_err();
        assert!(
            problem.starts_with("a whole number too large"),
            "{text}: {problem}"
        );
    }
}

#[test]
fn a_text_that_stops_where_a_value_or_token_is_due_ends_too_early() {
    for text in [
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1,",
        "[",
        "[1,",
        "-",
        "{\"a\" ",
        "[1 ",
    ] {
        let problem = from_text(text).unwrap_err();
        assert!(
            problem.starts_with("the JSON ends too early (at byte "),
            "{text:?}: {problem}"
        );
        let problem = cancel_envelope(text).unwrap_err();
        assert!(
            problem.starts_with("the JSON ends too early")
                || problem.starts_with("must be an object"),
            "{text:?}: {problem}"
        );
    }
}
