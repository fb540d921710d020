//! Checking the callbacks Paywall POSTs to a sale's `CallbackAddress`.
//!
//! Paywall signs a callback with a `Hash`: the lowercase hex SHA-256 of
//! `{hashKey}###{PaymentRequestId}###{MerchantUniqueCode}###{Amount}`, the key being the
//! merchant panel's "Physical POS webhook hash key". `Amount` enters the Hash as the C#
//! decimal's text, which keeps its scale ("1.50"), and the body carries the same text; so the
//! check hashes the number exactly as the body wrote it (a [`RawNumber`]), never a value
//! parsed and formatted again, which would turn "1.50" into "1.5" and fail.
//!
//! [`verify_callback`] is the check; [`confirm_callback`] compares a verified callback with
//! Paywall's inquiry of its payment, which the call engine makes (`Operation::Confirm`).
//!
//! Tested in: this module, `call/tests.rs` (the confirmation, step by step),
//! `tests/node/verify-callback.test.mjs`.

use alloc::string::String;
use serde::Serialize;

use super::codes::{describe_activity, ActivityType, PaymentStatus};
use super::error::{Error, ErrorKind};
use super::inquiry::PaymentInquiry;
use super::json::{Problem, RawNumber, Reader, NOT_DECIMAL};
use super::payment_request_id::PaymentRequestId;
use super::secrets::Secrets;
use super::sha256::sha256;
use crate::text;

/// The largest callback body read, in bytes: a callback is a few hundred bytes, and a
/// larger body is refused before it is parsed.
pub const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// Why a body over [`MAX_CALLBACK_BYTES`] is refused (the number written out: a test checks
/// it is the limit's).
const OVER_THE_LIMIT: &str = "the body is over 65536 bytes: refused before parsing";

/// How much of a callback's `Message` is kept: as much as of Paywall's message in an
/// envelope, which is the same kind of text.
const MESSAGE_CHARS: usize = 300;

/// What a verified callback says: Paywall's fields in camelCase, ids and texts as the body
/// wrote them.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
// A field the body leaves out is written as `null`: so the declaration says.
#[cfg_attr(feature = "typescript", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct PhysicalPosCallback {
    /// The merchant's connection (a GUID in Paywall's table), or null when the body has none.
    /// Not covered by the Hash.
    pub connection_id: Option<String>,
    /// The POS terminal (a GUID in Paywall's table; a terminal code in some set-ups), or
    /// null when the body has none. Not covered by the Hash; checked by `confirmWith`.
    pub terminal_id: Option<String>,
    /// GUID of the async payment, as the sale returned it. Covered by the Hash.
    pub payment_request_id: String,
    /// GUID of the activity the callback reports. Not covered by the Hash; checked by
    /// `confirmWith`.
    pub payment_request_activity_id: String,
    /// The activity's type: 1 sale, 2 cancellation, ... Not covered by the Hash; checked by
    /// `confirmWith`.
    #[cfg_attr(feature = "typescript", tsify(type = "ActivityTypeCode"))]
    pub payment_type_id: i32,
    /// The payment's status. Not covered by the Hash: ask the inquiry endpoint for the
    /// authoritative state (`confirmWith` does).
    #[cfg_attr(feature = "typescript", tsify(type = "PaymentStatusCode"))]
    pub payment_status_id: i32,
    /// The merchant's own code for the sale, as sent with it. Covered by the Hash.
    pub merchant_unique_code: String,
    /// The code shown on the terminal, when there is one. Not covered by the Hash; checked
    /// by `confirmWith`.
    pub display_code: Option<String>,
    /// The amount as a JS number, for display: a number cannot hold every decimal exactly
    /// (`9007199254740993` reads as `9007199254740992`). Covered by the Hash.
    #[cfg_attr(feature = "typescript", tsify(type = "number"))]
    pub amount: RawNumber,
    /// The amount exactly as the body wrote it ("1.50"): the text the Hash covers, and the
    /// one to use for money (compare it, store it, hand it to a decimal type).
    pub amount_text: String,
    /// Paywall's message (the failure message, when the payment failed), or null: on one
    /// line, without control or direction characters, at most 300 characters. Covered
    /// neither by the Hash nor by `confirmWith`: show it, never act on it.
    pub message: Option<String>,
}

impl PhysicalPosCallback {
    /// The payment type in words, if Paywall documents the code.
    pub fn payment_type(&self) -> ActivityType {
        ActivityType::from_code(self.payment_type_id)
    }

    /// The payment status in words, if Paywall documents the code.
    pub fn status(&self) -> PaymentStatus {
        PaymentStatus::from_code(self.payment_status_id)
    }
}

/// The body as sent: every field optional here, so that what is missing is named.
/// `HashFormat`, `HashKeyType` and any other field are skipped; a field sent twice (in both
/// casings, say) is refused.
#[derive(Default)]
struct Body {
    texts: [Option<String>; 8],
    amount: Option<RawNumber>,
    codes: [Option<i32>; 2],
}

/// The body's fields, PascalCase: the texts first (indexes into `Body::texts`), then the
/// amount, then the two codes.
const FIELDS: [&str; 11] = [
    "ConnectionId",
    "TerminalId",
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "MerchantUniqueCode",
    "DisplayCode",
    "Message",
    "Hash",
    "Amount",
    "PaymentTypeId",
    "PaymentStatusId",
];

/// Checks and reads a callback body exactly as received (the raw bytes of the POST, before
/// any JSON parsing: a body parsed and written again no longer matches its Hash).
///
/// Keys are read in PascalCase or camelCase. Required, or the body is refused:
/// `PaymentRequestId` and `PaymentRequestActivityId` (GUID strings), `MerchantUniqueCode`
/// (any non-empty string: a merchant's order code need not be a GUID), `Amount` (a JSON
/// number), `PaymentTypeId` and `PaymentStatusId` (whole numbers that fit an i32), and
/// `Hash`. `ConnectionId`, `TerminalId`, `DisplayCode` and `Message` may be missing or null
/// (`None`): none is covered by the Hash, and a callback that lacks one is still Paywall's.
///
/// The Hash is checked over the key, the `PaymentRequestId` and `MerchantUniqueCode` strings
/// as the body holds them (JSON escapes undone, nothing else: no trimming, no change of
/// letter case) and the `Amount` number's text exactly as written. It is read in either
/// letter case (Paywall writes lowercase hex; the case carries no information) and compared
/// in constant time: the expected digest is spelled in hex without branches or table
/// look-ups, and all 64 characters are compared with an accumulated XOR.
///
/// **What the Hash does not cover**: the status, the type, the activity id, the connection,
/// the terminal, the display code and the message. A genuine callback replayed with another
/// `PaymentStatusId` still verifies. Treat a verified callback as a signal to act on, and ask
/// the inquiry endpoint for the payment's authoritative state before releasing goods or money
/// ([`confirm_callback`]).
///
/// Errors, none of which quotes a value from the body, and none of which holds a fragment of
/// the hash key (every error is sealed with it):
/// - [`ErrorKind::Config`]: `hash_key` is empty.
/// - [`ErrorKind::Decode`]: the body is over [`MAX_CALLBACK_BYTES`] (refused before
///   parsing), not UTF-8, not JSON, not an object, or a required field is missing or of the
///   wrong kind.
/// - [`ErrorKind::Signature`]: the Hash is missing, not 64 hex digits, or does not match:
///   the callback is not from Paywall, or was altered, and must not be trusted.
///
/// The body is read first, then its Hash checked, so a body that is not a callback at all is
/// a Decode error even when it has no Hash.
pub fn verify_callback(raw_body: &[u8], hash_key: &str) -> Result<PhysicalPosCallback, Error> {
    let secrets = Secrets::one(hash_key);
    verify(raw_body, hash_key, &secrets).map_err(|error| error.seal(&secrets))
}

fn verify(
    raw_body: &[u8],
    hash_key: &str,
    secrets: &Secrets<'_>,
) -> Result<PhysicalPosCallback, Error> {
    if hash_key.is_empty() {
        return Err(Error::config(
            "hashKey is empty: pass the Physical POS webhook hash key from your Paywall \
             merchant panel",
        ));
    }
    // Filled in place: a body returned through each layer would be copied at each.
    let mut body = Body::default();
    let amount =
        read_body(raw_body, &mut body).map_err(|problem| Error::callback_decode(&problem))?;
    let problem = hash_problem(&body, &amount, hash_key);
    if !problem.is_empty() {
        return Err(Error::signature(problem));
    }
    let [connection_id, terminal_id, payment_request_id, payment_request_activity_id, merchant_unique_code, display_code, message, _] =
        body.texts;
    let [payment_type_id, payment_status_id] = body.codes;
    // Paywall's message is foreign text like any other that reaches a log: one line, no
    // characters that forge or hide log lines, bounded.
    let message = message.map(|text| secrets.quote(&text, MESSAGE_CHARS).into_string());
    // Checked by `read_body`: every required field is there.
    Ok(PhysicalPosCallback {
        connection_id,
        terminal_id,
        payment_request_id: payment_request_id.unwrap_or_default(),
        payment_request_activity_id: payment_request_activity_id.unwrap_or_default(),
        payment_type_id: payment_type_id.unwrap_or_default(),
        payment_status_id: payment_status_id.unwrap_or_default(),
        merchant_unique_code: merchant_unique_code.unwrap_or_default(),
        display_code,
        amount_text: String::from(amount.as_str()),
        amount,
        message,
    })
}

/// Reads a callback body into `body` and checks that its required fields are there and well
/// formed: the amount, taken out of the body, or why it is not a callback.
fn read_body(raw_body: &[u8], body: &mut Body) -> Result<RawNumber, Problem> {
    if raw_body.len() > MAX_CALLBACK_BYTES {
        return Err(String::from(OVER_THE_LIMIT));
    }
    let text = utf8_text(raw_body).ok_or_else(|| String::from("the body is not UTF-8 text"))?;
    let mut reader = Reader::new(text.strip_prefix('\u{feff}').unwrap_or(&text));
    let read = reader.start().and_then(|()| {
        reader.record(
            &FIELDS,
            &mut body.texts,
            Some(&mut body.amount),
            &mut body.codes,
        )
    });
    let read = reader.finish(read);
    // The copy of the text is dropped here, once, not at each of the checks' returns.
    drop(text);
    read?;
    let [_, _, payment_request_id, payment_request_activity_id, merchant_unique_code, ..] =
        &body.texts;
    let missing = |field: &str| text![field, " is missing or null"];
    for (field, id) in [
        ("PaymentRequestId", payment_request_id),
        ("PaymentRequestActivityId", payment_request_activity_id),
    ] {
        match id {
            Some(id) if PaymentRequestId::is_guid(id) => {}
            Some(_) => return Err(text![field, " is not a GUID"]),
            None => return Err(missing(field)),
        }
    }
    match merchant_unique_code {
        Some(code) if !code.is_empty() => {}
        Some(_) => return Err(String::from("MerchantUniqueCode is empty")),
        None => return Err(missing("MerchantUniqueCode")),
    }
    let amount = body.amount.take().ok_or_else(|| missing("Amount"))?;
    if !amount.is_decimal_amount() {
        return Err(text!["Amount", NOT_DECIMAL]);
    }
    for (field, code) in ["PaymentTypeId", "PaymentStatusId"].iter().zip(&body.codes) {
        if code.is_none() {
            return Err(missing(field));
        }
    }
    Ok(amount)
}

/// `bytes` as text when they are UTF-8, refused exactly as `core::str::from_utf8` refuses
/// (overlong forms, surrogates, code points past U+10FFFF, cut sequences). Decoded by hand
/// into a copy: `from_utf8` costs the WebAssembly module three times this loop.
fn utf8_text(bytes: &[u8]) -> Option<String> {
    let mut text = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while let [lead, tail @ ..] = rest {
        rest = tail;
        // How many continuation bytes follow the lead byte, and the least code point that
        // needs that many (a smaller one is an overlong form).
        let (count, least) = match *lead {
            0x00..=0x7f => (0, 0),
            0xc0..=0xdf => (1, 0x80),
            0xe0..=0xef => (2, 0x800),
            0xf0..=0xf7 => (3, 0x1_0000),
            _ => return None,
        };
        let mut code = u32::from(*lead) & (0xff >> (count + 1 + usize::from(count > 0)));
        for _ in 0..count {
            let [next @ 0x80..=0xbf, more @ ..] = rest else {
                return None;
            };
            code = code << 6 | u32::from(*next & 0x3f);
            rest = more;
        }
        if code < least {
            return None;
        }
        // Refuses surrogates and code points past U+10FFFF.
        text.push(char::from_u32(code)?);
    }
    Some(text)
}

/// What is wrong with a read body's Hash ("is missing", "does not match", ...), or nothing
/// (an empty text).
fn hash_problem(body: &Body, amount: &RawNumber, hash_key: &str) -> &'static str {
    let [_, _, payment_request_id, _, merchant_unique_code, _, _, hash] = &body.texts;
    let Some(hash) = hash else {
        return "is missing";
    };
    if hash.len() != 64 || !hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return "is not 64 hex digits";
    }
    let signed = text![
        hash_key,
        "###",
        payment_request_id.as_deref().unwrap_or_default(),
        "###",
        merchant_unique_code.as_deref().unwrap_or_default(),
        "###",
        amount.as_str()
    ];
    if !matches_in_constant_time(&sha256(signed.as_bytes()), hash.as_bytes()) {
        return "does not match";
    }
    ""
}

/// Checks a verified callback against Paywall's inquiry of the same payment: the callback
/// must report the payment's latest activity, as Paywall has it now. The activity (its id,
/// type and status), the terminal, the display code, the merchant's code and the amount
/// (as a decimal: "1.5" is "1.50") must all be the inquiry's. The Hash covers only the
/// payment, the merchant's code and the amount, so this is what catches a genuine callback
/// replayed with another status, with a new activity id (to pass a receiver's
/// de-duplication), or with another terminal or display code. `Message` is covered by
/// neither.
///
/// The error is a [`ErrorKind::Signature`] one that names what differs, and quotes no value
/// but the two codes.
pub fn confirm_callback(
    callback: &PhysicalPosCallback,
    inquiry: &PaymentInquiry,
) -> Result<(), Error> {
    let same_activity = callback
        .payment_request_activity_id
        .eq_ignore_ascii_case(&inquiry.payment_request_activity_id);
    if (callback.payment_type_id, callback.payment_status_id)
        != (inquiry.payment_type_id, inquiry.payment_status_id)
    {
        return Err(unconfirmed_codes(callback, inquiry, same_activity));
    }
    let same_amount = inquiry
        .amount
        .as_ref()
        .is_some_and(|amount| amount.same_decimal(&callback.amount));
    let mut message = String::from("The callback's ");
    // The names of the fields that differ, joined by ", ".
    let mut count = 0;
    for (field, same) in [
        ("PaymentRequestActivityId", same_activity),
        ("TerminalId", callback.terminal_id == inquiry.terminal_id),
        ("DisplayCode", callback.display_code == inquiry.display_code),
        (
            "MerchantUniqueCode",
            inquiry.merchant_unique_code.as_deref() == Some(&callback.merchant_unique_code),
        ),
        ("Amount", same_amount),
    ] {
        if !same {
            if count > 0 {
                message.push_str(", ");
            }
            message.push_str(field);
            count += 1;
        }
    }
    if count == 0 {
        return Ok(());
    }
    message.push_str(if count == 1 { " is" } else { " are" });
    message.push_str(" not what Paywall's inquiry of the payment says: ");
    Err(contradicted(
        message,
        if same_activity {
            "it was altered, or is not the one Paywall sent"
        } else {
            "it is not the payment's latest activity: out of date, or replayed"
        },
    ))
}

/// The error for a verified callback that Paywall's inquiry contradicts: `message` (what
/// differs), then `why` and what to do.
fn contradicted(mut message: String, why: &str) -> Error {
    message.push_str(why);
    message.push_str("; act on the inquiry's state, not on the callback's");
    Error::new(ErrorKind::Signature, message)
}

/// The error for a verified callback whose type or status Paywall's inquiry contradicts: the
/// Hash does not cover them, so a genuine callback replayed with another status verifies too.
/// When the inquiry's latest activity is another one, the callback may just be out of date
/// (a "sent to device" notice that arrived after the outcome): the message says so, since
/// only the caller can tell a late genuine callback from a replayed one.
fn unconfirmed_codes(
    callback: &PhysicalPosCallback,
    inquiry: &PaymentInquiry,
    same_activity: bool,
) -> Error {
    let mut message = String::from("The callback says ");
    describe_activity(
        &mut message,
        callback.payment_type_id,
        callback.payment_status_id,
    );
    message.push_str(", but Paywall's inquiry of the payment says ");
    describe_activity(
        &mut message,
        inquiry.payment_type_id,
        inquiry.payment_status_id,
    );
    message.push_str(": ");
    contradicted(
        message,
        if same_activity {
            "the Hash does not cover the status: a replay with another status verifies too"
        } else {
            "its latest activity is another one: the callback is out of date, or replayed"
        },
    )
}

/// Whether `hex` (64 hex digits, checked by the caller) spells `digest`, in either letter
/// case. Takes the same time wherever the first difference is: each expected digit is made
/// with arithmetic, not a table or a branch, and every digit is compared.
fn matches_in_constant_time(digest: &[u8; 32], hex: &[u8]) -> bool {
    let mut difference = 0u8;
    for at in 0..64 {
        // The high half of each byte first.
        let byte = digest.get(at / 2).copied().unwrap_or(0);
        let nibble = i16::from((byte >> (4 - 4 * (at % 2))) & 0xf);
        // '0' + n for n < 10, 'a' + n - 10 otherwise: 39 more when 9 - n is negative.
        let want = (nibble + 48 + (((9 - nibble) >> 8) & 39)) as u8;
        // For a hex digit, `| 0x20` lowers the case of a letter and leaves a digit as it is.
        difference |= want ^ (hex.get(at).copied().unwrap_or(0) | 0x20);
    }
    hex.len() == 64 && core::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ErrorKind;

    const KEY: &str = "pp-webhook-key-3f9a2c7e81d4";
    const PAYMENT: &str = "72ec8714-d116-4306-8881-38a43c485da9";
    const MERCHANT: &str = "order-2024-000123";

    /// The lowercase hex SHA-256 of the documented formula.
    fn hash(key: &str, payment: &str, merchant: &str, amount: &str) -> String {
        sha256(format!("{key}###{payment}###{merchant}###{amount}").as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// A genuine callback's fields, PascalCase name and JSON value text, signed with `key`.
    fn genuine(key: &str, amount: &str) -> Vec<(&'static str, String)> {
        vec![
            (
                "ConnectionId",
                r#""0f8fad5b-d9cb-469f-a165-70867728950e""#.into(),
            ),
            (
                "TerminalId",
                r#""7c9e6679-7425-40de-944b-e07fc1f90ae7""#.into(),
            ),
            ("PaymentRequestId", format!("\"{PAYMENT}\"")),
            (
                "PaymentRequestActivityId",
                r#""3a7deace-d437-4d3f-8ef8-1cba82f18e8f""#.into(),
            ),
            ("PaymentTypeId", "1".into()),
            ("PaymentStatusId", "4".into()),
            ("MerchantUniqueCode", format!("\"{MERCHANT}\"")),
            ("DisplayCode", r#""A1B2""#.into()),
            ("Amount", amount.into()),
            ("Message", "null".into()),
            ("HashFormat", r#""{0}###{1}###{2}###{3}""#.into()),
            ("HashKeyType", "7".into()),
            (
                "Hash",
                format!("\"{}\"", hash(key, PAYMENT, MERCHANT, amount)),
            ),
        ]
    }

    /// The body of `fields`, its keys in PascalCase or camelCase.
    fn body(fields: &[(&str, String)], camel: bool) -> String {
        let members: Vec<String> = fields
            .iter()
            .map(|(name, value)| {
                let name = if camel {
                    name[..1].to_lowercase() + &name[1..]
                } else {
                    (*name).to_owned()
                };
                format!("\"{name}\": {value}")
            })
            .collect();
        format!("{{{}}}", members.join(", "))
    }

    /// `fields` with `name` set to `value`, or removed when `value` is None.
    fn with(fields: &[(&'static str, String)], name: &str, value: Option<&str>) -> String {
        let mut fields = fields.to_vec();
        match value {
            Some(value) => {
                let field = fields.iter_mut().find(|(field, _)| *field == name).unwrap();
                field.1 = value.into();
            }
            None => fields.retain(|(field, _)| *field != name),
        }
        body(&fields, false)
    }

    fn error_of(body: &str, key: &str) -> Error {
        verify_callback(body.as_bytes(), key).unwrap_err()
    }

    #[test]
    fn a_genuine_callback_verifies_in_both_casings() {
        for camel in [false, true] {
            let text = body(&genuine(KEY, "1.50"), camel);
            let callback = verify_callback(text.as_bytes(), KEY).unwrap();
            assert_eq!(
                callback,
                PhysicalPosCallback {
                    connection_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
                    terminal_id: Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".into()),
                    payment_request_id: PAYMENT.into(),
                    payment_request_activity_id: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f".into(),
                    payment_type_id: 1,
                    payment_status_id: 4,
                    merchant_unique_code: MERCHANT.into(),
                    display_code: Some("A1B2".into()),
                    amount: RawNumber::parse("1.50").unwrap(),
                    amount_text: "1.50".into(),
                    message: None,
                }
            );
            assert_eq!(callback.payment_type(), ActivityType::Sale);
            assert_eq!(callback.status(), PaymentStatus::Successful);
        }
    }

    #[test]
    fn a_verified_callback_writes_its_amount_as_a_number() {
        let text = body(&genuine(KEY, "1.50"), false);
        let callback = verify_callback(text.as_bytes(), KEY).unwrap();
        let written = crate::core::json::to_string(&callback).unwrap();
        assert_eq!(
            written,
            r#"{"connectionId":"0f8fad5b-d9cb-469f-a165-70867728950e","terminalId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9","paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f","paymentTypeId":1,"paymentStatusId":4,"merchantUniqueCode":"order-2024-000123","displayCode":"A1B2","amount":1.50,"amountText":"1.50","message":null}"#
        );
        let value: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(value["amount"].as_f64(), Some(1.5));
    }

    #[test]
    fn the_amount_is_hashed_exactly_as_written() {
        let fields = genuine(KEY, "1.50");
        // The same value reformatted no longer matches the Hash made over "1.50".
        for reformatted in ["1.5", "1.500", "1.50000"] {
            let error = error_of(&with(&fields, "Amount", Some(reformatted)), KEY);
            assert_eq!(error.kind(), ErrorKind::Signature, "{reformatted}");
        }
        for amount in ["125", "0", "-0.5", "99999999999999999999.99"] {
            let text = body(&genuine(KEY, amount), true);
            let callback = verify_callback(text.as_bytes(), KEY).unwrap();
            assert_eq!(callback.amount.as_str(), amount);
        }
        // Paywall writes a .NET decimal, never an exponent; `1E+400` would be Infinity in
        // JavaScript. Such an Amount is not Paywall's, even signed over its own text.
        for amount in ["150e-2", "1.5e0", "1E+400", &"9".repeat(400)] {
            let error = error_of(&body(&genuine(KEY, amount), true), KEY);
            assert_eq!(error.kind(), ErrorKind::Decode, "{amount}");
            assert!(error.message().contains("not a decimal amount"), "{error}");
        }
    }

    #[test]
    fn a_tampered_covered_field_fails_the_signature() {
        let fields = genuine(KEY, "10.00");
        for (name, value) in [
            ("Amount", "1000.00"),
            (
                "PaymentRequestId",
                r#""72ec8714-d116-4306-8881-38a43c485da8""#,
            ),
            (
                "PaymentRequestId",
                r#""72EC8714-D116-4306-8881-38A43C485DA9""#,
            ),
            ("MerchantUniqueCode", r#""order-2024-000124""#),
            ("MerchantUniqueCode", r#"" order-2024-000123""#),
        ] {
            let error = error_of(&with(&fields, name, Some(value)), KEY);
            assert_eq!(error.kind(), ErrorKind::Signature, "{name} {value}");
            assert!(!error.retryable());
            assert!(
                error.message().contains("does not match")
                    && error.message().contains("must not be trusted"),
                "{error}"
            );
        }
        let error = error_of(&body(&fields, false), "another-key-entirely");
        assert_eq!(error.kind(), ErrorKind::Signature);
    }

    #[test]
    fn escapes_in_covered_strings_are_undone_before_hashing() {
        // A serializer may escape any character; the Hash covers the string, not its escapes.
        let mut fields = genuine(KEY, "5");
        let merchant = &mut fields
            .iter_mut()
            .find(|(name, _)| *name == "MerchantUniqueCode");
        merchant.as_mut().unwrap().1 = r#""order\u002d2024-000123""#.into();
        assert!(verify_callback(body(&fields, false).as_bytes(), KEY).is_ok());
    }

    #[test]
    fn fields_the_hash_does_not_cover_can_be_changed_undetected() {
        // The documented limit: a replayed genuine callback with another status verifies.
        let fields = genuine(KEY, "10.00");
        for (name, value) in [
            ("PaymentStatusId", "5"),
            ("PaymentTypeId", "2"),
            (
                "PaymentRequestActivityId",
                r#""11111111-d437-4d3f-8ef8-1cba82f18e8f""#,
            ),
            ("TerminalId", r#""11111111-7425-40de-944b-e07fc1f90ae7""#),
            ("Message", r#""forged""#),
        ] {
            let text = with(&fields, name, Some(value));
            assert!(verify_callback(text.as_bytes(), KEY).is_ok(), "{name}");
        }
    }

    #[test]
    fn a_missing_or_malformed_hash_fails_the_signature() {
        let fields = genuine(KEY, "1.50");
        let good = hash(KEY, PAYMENT, MERCHANT, "1.50");
        for (value, says) in [
            (None, "is missing"),
            (Some("null".to_owned()), "is missing"),
            (Some(r#""""#.to_owned()), "is not 64 hex digits"),
            (Some(format!("\"{}\"", &good[..63])), "is not 64 hex digits"),
            (Some(format!("\"{good}0\"")), "is not 64 hex digits"),
            (
                Some(format!("\"{}g\"", &good[..63])),
                "is not 64 hex digits",
            ),
            (Some(format!("\" {}\"", &good[1..])), "is not 64 hex digits"),
            (Some(format!("\"{}\"", "0".repeat(64))), "does not match"),
        ] {
            let error = error_of(&with(&fields, "Hash", value.as_deref()), KEY);
            assert_eq!(error.kind(), ErrorKind::Signature, "{value:?}");
            assert!(error.message().contains(says), "{value:?}: {error}");
        }
        // A Hash that is not even a string is a body that is not a callback.
        let error = error_of(&with(&fields, "Hash", Some("12")), KEY);
        assert_eq!(error.kind(), ErrorKind::Decode);
    }

    #[test]
    fn the_hash_is_read_in_either_letter_case() {
        // Paywall writes lowercase ("x2"); the case carries no information, so uppercase
        // (a sender writing "X2") is accepted too.
        let fields = genuine(KEY, "1.50");
        let good = hash(KEY, PAYMENT, MERCHANT, "1.50");
        assert!(good.bytes().any(|byte| byte.is_ascii_alphabetic()));
        let upper = format!("\"{}\"", good.to_uppercase());
        assert!(verify_callback(with(&fields, "Hash", Some(&upper)).as_bytes(), KEY).is_ok());
    }

    #[test]
    fn a_body_that_is_not_a_callback_is_a_decode_error() {
        let fields = genuine(KEY, "1.50");
        let mut cases: Vec<(String, &str)> = vec![
            ("".into(), "empty"),
            (
                "<html>".into(),
                "must be an object, got text that is not JSON",
            ),
            ("{\"Hash\" \"x\"}".into(), "expected : after an object key"),
            ("[]".into(), "must be an object, got an array"),
            ("\"text\"".into(), "must be an object"),
            (body(&fields, false) + " x", "text after the end"),
            (
                with(&fields, "Amount", Some(r#""1.50""#)),
                "must be a number, got a string",
            ),
            (with(&fields, "Amount", Some("01.5")), "at byte"),
            (with(&fields, "Amount", Some("null")), "Amount is missing"),
            (
                with(&fields, "PaymentStatusId", Some("4.0")),
                "must be a whole number",
            ),
            (
                with(&fields, "PaymentTypeId", Some("\"1\"")),
                "must be a whole number",
            ),
            (
                with(&fields, "PaymentStatusId", Some("4294967296")),
                "out of range",
            ),
            (
                with(&fields, "PaymentRequestId", Some("\"order-1\"")),
                "PaymentRequestId is not a GUID",
            ),
            (with(&fields, "TerminalId", Some("7")), "must be a string"),
            (
                with(&fields, "MerchantUniqueCode", Some("\"\"")),
                "MerchantUniqueCode is empty",
            ),
            (
                body(&fields, false).replacen("{", r#"{"amount": 1.50, "#, 1),
                "duplicate field `Amount`",
            ),
        ];
        for name in [
            "PaymentRequestId",
            "PaymentRequestActivityId",
            "PaymentTypeId",
            "PaymentStatusId",
            "MerchantUniqueCode",
            "Amount",
        ] {
            cases.push((with(&fields, name, None), name));
        }
        for (text, says) in cases {
            let error = error_of(&text, KEY);
            assert_eq!(error.kind(), ErrorKind::Decode, "{text}: {error}");
            assert!(error.message().contains(says), "{text}: {error}");
            assert!(!error.retryable());
        }
        let not_utf8 = error_of_bytes(b"{\"Hash\": \"\xff\"}");
        assert!(not_utf8.message().contains("not UTF-8"), "{not_utf8}");
    }

    fn error_of_bytes(bytes: &[u8]) -> Error {
        let error = verify_callback(bytes, KEY).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        error
    }

    #[test]
    fn bytes_are_read_as_utf8_exactly_as_from_utf8_reads_them() {
        let mut cases: Vec<Vec<u8>> = [
            &b"plain ASCII"[..],
            "\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}\u{feff}\u{e9}".as_bytes(),
            // Overlong forms, surrogates, past U+10FFFF, cut and stray bytes.
            b"\xc0\x80",
            b"\xc1\xbf",
            b"\xe0\x9f\xbf",
            b"\xf0\x8f\xbf\xbf",
            b"\xed\xa0\x80",
            b"\xed\xbf\xbf",
            b"\xf4\x90\x80\x80",
            b"\xf5\x80\x80\x80",
            b"\xf8\x88\x80\x80\x80",
            b"\xff",
            b"\x80",
            b"a\xe2\x82",
            b"\xe2\x28\xa1",
            b"\xf0\x9f\x98",
        ]
        .iter()
        .map(|case| case.to_vec())
        .collect();
        // Every sequence of up to two bytes from a set that spans each class of byte.
        let bytes = [
            0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
            0xff,
        ];
        for &a in &bytes {
            for &b in &bytes {
                cases.push(vec![a, b]);
                for &c in &[0x80u8, 0x9f, 0xa0, 0xbf] {
                    cases.push(vec![a, b, c]);
                    cases.push(vec![a, b, c, 0x80]);
                }
            }
        }
        for case in cases {
            assert_eq!(
                utf8_text(&case).as_deref(),
                core::str::from_utf8(&case).ok(),
                "{case:x?}"
            );
        }
    }

    #[test]
    fn optional_fields_may_be_missing_or_null() {
        let fields = genuine(KEY, "1.50");
        let text = with(&fields, "DisplayCode", Some("null"));
        let callback = verify_callback(text.as_bytes(), KEY).unwrap();
        assert_eq!(callback.display_code, None);
        let mut fields = fields;
        fields.retain(|(name, _)| {
            !["DisplayCode", "Message", "HashFormat", "HashKeyType"].contains(name)
        });
        let callback = verify_callback(body(&fields, true).as_bytes(), KEY).unwrap();
        assert_eq!((callback.display_code, callback.message), (None, None));
    }

    #[test]
    fn a_body_over_the_limit_is_refused_before_parsing() {
        let fields = genuine(KEY, "1.50");
        let text = body(&fields, false);
        // A genuine callback padded with white space to the limit still verifies...
        let padded = text.clone() + &" ".repeat(MAX_CALLBACK_BYTES - text.len());
        assert_eq!(padded.len(), MAX_CALLBACK_BYTES);
        assert!(verify_callback(padded.as_bytes(), KEY).is_ok());
        // ...and one byte more is refused, even though it is valid JSON.
        let over = padded + " ";
        let error = error_of_bytes(over.as_bytes());
        assert!(
            error.message().contains("refused before parsing"),
            "{error}"
        );
        assert!(error.message().contains("65536"), "{error}");
        assert!(OVER_THE_LIMIT.contains(&format!(" {MAX_CALLBACK_BYTES} ")));
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let text = format!("\u{feff}{}", body(&genuine(KEY, "1.50"), false));
        assert!(verify_callback(text.as_bytes(), KEY).is_ok());
    }

    #[test]
    fn an_empty_key_is_a_config_error() {
        let text = body(&genuine("", "1.50"), false);
        let error = verify_callback(text.as_bytes(), "").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        assert!(error.message().contains("hashKey is empty"), "{error}");
    }

    #[test]
    fn connection_and_terminal_may_be_missing_and_need_not_be_guids() {
        let fields = genuine(KEY, "1.50");
        for body in [
            with(&fields, "TerminalId", None),
            with(&fields, "TerminalId", Some("\"T-0001\"")),
            with(&fields, "ConnectionId", Some("null")),
        ] {
            assert!(verify_callback(body.as_bytes(), KEY).is_ok(), "{body}");
        }
    }

    #[test]
    fn no_error_text_holds_a_fragment_of_the_key() {
        // A key with quotes and spaces, holding words of the messages themselves, echoed in
        // every string field an attacker controls.
        let keys = [
            r#"k "quoted" key  The callback's Hash does not match 0123"#,
            "The body is not a valid Paywall callback: MerchantUniqueCode is empty",
            "  spaced\tkey\\with \"escapes\" is missing or null  ",
        ];
        for key in keys {
            let escaped = serde_json::to_string(key).unwrap();
            let mut fields = genuine(key, "1.50");
            for (name, value) in &mut fields {
                if ["DisplayCode", "Message", "HashFormat"].contains(name) {
                    *value = escaped.clone();
                }
            }
            let mut bodies = vec![
                with(&fields, "Hash", Some(&escaped)),
                with(&fields, "Hash", Some(&format!("\"{}\"", "a".repeat(64)))),
                with(&fields, "Hash", None),
                with(&fields, "Amount", Some(&escaped)),
                with(&fields, "PaymentRequestId", Some(&escaped)),
                with(&fields, "MerchantUniqueCode", Some("\"\"")),
                with(&fields, "Hash", None).replacen('{', &format!("{{{escaped}: 1, "), 1),
                format!("{escaped} {escaped}"),
                format!("[{escaped}"),
            ];
            bodies.push("x".repeat(MAX_CALLBACK_BYTES + 1));
            for text in bodies {
                let error = error_of(&text, key);
                let everything = format!(
                    "{error} {error:?} {}",
                    serde_json::to_string(&error).unwrap()
                );
                for window in key.as_bytes().windows(crate::core::FRAGMENT_BYTES) {
                    let window = String::from_utf8_lossy(window);
                    assert!(!everything.contains(&*window), "{window:?} in {everything}");
                }
            }
            let error = verify_callback(body(&fields, false).as_bytes(), key);
            assert!(error.is_ok(), "{error:?}");
        }
    }

    #[test]
    fn the_comparison_reads_every_digit_in_either_case() {
        let digest = sha256(b"abc");
        let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert!(matches_in_constant_time(&digest, hex.as_bytes()));
        assert!(matches_in_constant_time(
            &digest,
            hex.to_uppercase().as_bytes()
        ));
        for at in 0..64 {
            let mut wrong = hex.as_bytes().to_vec();
            wrong[at] = if wrong[at] == b'0' { b'1' } else { b'0' };
            assert!(!matches_in_constant_time(&digest, &wrong), "{at}");
        }
        assert!(!matches_in_constant_time(&digest, &hex.as_bytes()[..63]));
    }

    /// The inquiry that agrees with the genuine callback on everything it reports.
    fn agreeing_inquiry(callback: &PhysicalPosCallback) -> PaymentInquiry {
        PaymentInquiry {
            payment_request_id: PAYMENT.into(),
            payment_request_activity_id: callback.payment_request_activity_id.to_uppercase(),
            terminal_id: callback.terminal_id.clone(),
            merchant_unique_code: Some(MERCHANT.into()),
            display_code: callback.display_code.clone(),
            callback_address: None,
            amount: RawNumber::parse("1.5"),
            amount_text: Some("1.5".into()),
            currency_id: None,
            payment_channel_id: None,
            payment_type_id: callback.payment_type_id,
            payment_status_id: callback.payment_status_id,
            created_date: None,
            modified_date: None,
        }
    }

    #[test]
    fn a_callback_is_confirmed_only_by_an_inquiry_that_agrees_on_type_and_status() {
        let callback = verify_callback(body(&genuine(KEY, "1.50"), false).as_bytes(), KEY).unwrap();
        let agreeing = agreeing_inquiry(&callback);
        assert!(confirm_callback(&callback, &agreeing).is_ok());
        let error = confirm_callback(
            &callback,
            &PaymentInquiry {
                payment_status_id: 2,
                ..agreeing
            },
        )
        .unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::Signature);
        assert!(
            error.message().starts_with(
                "The callback says Sale (1) in status Successful (4), but Paywall's inquiry of \
                 the payment says Sale (1) in status Sent to device (2)"
            ),
            "{}",
            error.message()
        );
    }

    #[test]
    fn a_confirmed_callback_must_be_the_latest_activity_in_every_field_the_hash_leaves_out() {
        let callback = verify_callback(body(&genuine(KEY, "1.50"), false).as_bytes(), KEY).unwrap();
        let agreeing = agreeing_inquiry(&callback);
        let other = |text: &str| Some(String::from(text));
        let cases = [
            (
                "PaymentRequestActivityId",
                PaymentInquiry {
                    payment_request_activity_id: "11111111-d437-4d3f-8ef8-1cba82f18e8f".into(),
                    ..agreeing.clone()
                },
            ),
            (
                "TerminalId",
                PaymentInquiry {
                    terminal_id: other("T-0002"),
                    ..agreeing.clone()
                },
            ),
            (
                "TerminalId",
                PaymentInquiry {
                    terminal_id: None,
                    ..agreeing.clone()
                },
            ),
            (
                "DisplayCode",
                PaymentInquiry {
                    display_code: other("REFUND APPROVED"),
                    ..agreeing.clone()
                },
            ),
            (
                "MerchantUniqueCode",
                PaymentInquiry {
                    merchant_unique_code: other("order-2024-000124"),
                    ..agreeing.clone()
                },
            ),
            (
                "MerchantUniqueCode",
                PaymentInquiry {
                    merchant_unique_code: None,
                    ..agreeing.clone()
                },
            ),
            (
                "Amount",
                PaymentInquiry {
                    amount: RawNumber::parse("1.51"),
                    ..agreeing.clone()
                },
            ),
            (
                "Amount",
                PaymentInquiry {
                    amount: None,
                    ..agreeing.clone()
                },
            ),
        ];
        for (field, inquiry) in cases {
            let error = confirm_callback(&callback, &inquiry).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::Signature, "{field}");
            assert!(
                error
                    .message()
                    .starts_with(&format!("The callback's {field} is not")),
                "{field}: {}",
                error.message()
            );
            assert!(!error.message().contains("REFUND"), "{}", error.message());
        }
        let error = confirm_callback(
            &callback,
            &PaymentInquiry {
                display_code: None,
                amount: RawNumber::parse("2"),
                ..agreeing
            },
        )
        .unwrap_err();
        assert!(
            error
                .message()
                .starts_with("The callback's DisplayCode, Amount are not"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn a_callback_message_is_one_bounded_line() {
        let fields = genuine(KEY, "1.50");
        let flood = format!(
            "\"line one\\r\\nFORGED LOG LINE\\u001b[31m\\u202eevil {}\"",
            "x ".repeat(2000)
        );
        let callback =
            verify_callback(with(&fields, "Message", Some(&flood)).as_bytes(), KEY).unwrap();
        let message = callback.message.unwrap();
        assert!(
            message.starts_with("line one FORGED LOG LINE[31mevil x x"),
            "{message}"
        );
        assert!(
            !message.contains(['\r', '\n', '\u{1b}', '\u{202e}']),
            "{message}"
        );
        assert!(message.chars().count() <= MESSAGE_CHARS, "{message}");
        let callback = verify_callback(
            with(&fields, "Message", Some(&format!("\"bad key {KEY}\""))).as_bytes(),
            KEY,
        )
        .unwrap();
        assert_eq!(callback.message.as_deref(), Some("bad key [redacted]"));
    }
}
