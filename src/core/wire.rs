//! Paywall's answer envelope, the same around every endpoint's `result`:
//! `{ result, succeeded, failed, errorCode, message, clientMessage }`.
//!
//! Paywall's documentation spells its fields in PascalCase in its tables and in camelCase
//! in the cancel sample, so both spellings are read (and a field given in both is refused).
//! Fields this client does not use are skipped, so that Paywall can add fields without
//! breaking it. The `result` is read by the endpoint's own reader, leniently: a refusal may
//! come with a partial result, and only a success must carry a complete one.

use alloc::string::String;

use super::json::{Problem, Reader, Stop};
use super::payment_request_id::PaymentRequestId;
use crate::text;

/// The envelope around a `result`, which the endpoint's reader has read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Envelope {
    /// Whether a non-null `result` was there.
    pub has_result: bool,
    /// True when the request succeeded. Required: without it the body is not an envelope.
    pub succeeded: bool,
    /// The negation of `succeeded`, when Paywall sends it.
    pub failed: Option<bool>,
    /// Numeric error code; documented, but absent from every Physical POS sample.
    pub error_code: Option<i64>,
    /// A human message, localised by Paywall.
    pub message: Option<String>,
    /// Paywall's fixed text error code, such as `Payment.Async.AlreadyHasRefundOrCancel`.
    pub client_message: Option<String>,
}

/// The envelope's fields, PascalCase.
const FIELDS: [&str; 6] = [
    "Result",
    "Succeeded",
    "Failed",
    "ErrorCode",
    "Message",
    "ClientMessage",
];

/// Reads Paywall's envelope from a body's text; `read_result` reads a non-null `result`
/// (the endpoint's own fields).
pub fn read_envelope(
    text: &str,
    read_result: &mut dyn FnMut(&mut Reader<'_>) -> Result<(), Stop>,
) -> Result<Envelope, Problem> {
    let mut envelope = Envelope::default();
    fill_envelope(text, &mut envelope, read_result)?;
    Ok(envelope)
}

/// [`read_envelope`] into an empty `envelope`, filled in place: an envelope returned through
/// each layer would be copied at each.
pub fn fill_envelope(
    text: &str,
    envelope: &mut Envelope,
    read_result: &mut dyn FnMut(&mut Reader<'_>) -> Result<(), Stop>,
) -> Result<(), Problem> {
    let mut reader = Reader::new(text);
    let mut succeeded = None;
    let read = reader.start().and_then(|()| {
        reader.fields(&FIELDS, &mut |reader, index| {
            match index {
                0 => {
                    if !reader.null() {
                        read_result(reader)?;
                        envelope.has_result = true;
                    }
                }
                1 => succeeded = Some(reader.boolean()?),
                2 => envelope.failed = reader.optional_boolean()?,
                3 => envelope.error_code = reader.optional_integer()?,
                4 => envelope.message = reader.optional_string()?,
                _ => envelope.client_message = reader.optional_string()?,
            }
            Ok(())
        })?;
        envelope.succeeded =
            succeeded.ok_or_else(|| reader.stop(String::from("missing field `succeeded`")))?;
        Ok(())
    });
    reader.finish(read)
}

/// Checks that a successful answer's `result` has its required fields, given in order as
/// their camelCase name and whether it is there: "result.`name` is missing" names the first
/// that is not.
pub fn require(fields: &[(&str, bool)]) -> Result<(), Problem> {
    match fields.iter().find(|(_, present)| !present) {
        Some((name, _)) => Err(text!["result.", name, " is missing"]),
        None => Ok(()),
    }
}

/// Checks the ids of a successful answer's `result`, as every endpoint's does: both there,
/// the payment the `requested` one (in any letter case), and the activity a GUID.
pub fn check_ids(
    id: Option<&str>,
    activity: Option<&str>,
    requested: &PaymentRequestId,
) -> Result<(), Problem> {
    require(&[
        ("paymentRequestId", id.is_some()),
        ("paymentRequestActivityId", activity.is_some()),
    ])?;
    if !requested.matches(id.unwrap_or_default()) {
        return Err(text![
            "result.paymentRequestId is not the requested ",
            requested.as_text()
        ]);
    }
    if !PaymentRequestId::is_guid(activity.unwrap_or_default()) {
        return Err(String::from(
            "result.paymentRequestActivityId is not a GUID",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(text: &str) -> Result<Envelope, Problem> {
        read_envelope(text, &mut |reader| reader.skip_value())
    }

    #[test]
    fn reads_both_casings_and_skips_what_it_does_not_use() {
        let camel = envelope(
            r#"{"result":{"x":1},"failed":false,"message":null,"clientMessage":null,
                "succeeded":true,"extra":[1,{"deep":true}]}"#,
        )
        .unwrap();
        assert!(camel.succeeded && camel.has_result);
        assert_eq!(camel.failed, Some(false));
        let pascal = envelope(
            r#"{"Result":null,"Succeeded":false,"Failed":true,"ErrorCode":1001,
                "Message":"Refused","ClientMessage":"Payment.Request.RequestNotFound"}"#,
        )
        .unwrap();
        assert!(!pascal.succeeded && !pascal.has_result);
        assert_eq!(pascal.error_code, Some(1001));
        assert_eq!(pascal.message.as_deref(), Some("Refused"));
        assert_eq!(
            pascal.client_message.as_deref(),
            Some("Payment.Request.RequestNotFound")
        );
    }

    #[test]
    fn a_body_without_succeeded_is_not_an_envelope() {
        assert_eq!(
            envelope(r#"{"result":null}"#).unwrap_err(),
            "missing field `succeeded`"
        );
        assert!(envelope(r#"{"succeeded":"yes"}"#)
            .unwrap_err()
            .starts_with("must be true or false, got a string"));
        assert!(envelope("[]")
            .unwrap_err()
            .starts_with("must be an object, got an array"));
        assert_eq!(envelope("  ").unwrap_err(), "the body is empty, not JSON");
        assert!(envelope(r#"{"succeeded":true} x"#)
            .unwrap_err()
            .starts_with("text after the end of the JSON value"));
    }

    #[test]
    fn a_field_given_in_both_casings_is_refused() {
        assert_eq!(
            envelope(r#"{"succeeded":true,"Succeeded":true}"#).unwrap_err(),
            "duplicate field `Succeeded`"
        );
        // Another casing is another field, and skipped.
        assert!(
            envelope(r#"{"succeeded":true,"SUCCEEDED":false}"#)
                .unwrap()
                .succeeded
        );
    }
}
