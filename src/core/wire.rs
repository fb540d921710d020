//! The JSON Paywall reads and writes, as serde types: the single source of truth for the
//! wire format (and, through them, for the JS and TypeScript shapes).

use serde::{Deserialize, Serialize};

use super::codes::{ActivityType, PaymentStatus};
use super::payment_request_id::PaymentRequestId;

/// The body of `POST /api/payment/async/cancel`: `{"PaymentRequestId":"<guid>"}`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CancelRequest<'a> {
    /// The payment to cancel.
    #[serde(rename = "PaymentRequestId")]
    pub payment_request_id: &'a PaymentRequestId,
}

/// Paywall's answer envelope.
///
/// Paywall's documentation spells its fields in PascalCase in its tables and in camelCase
/// in the cancel sample, so both spellings are read. Fields this client does not use are
/// ignored, so that Paywall can add fields without breaking it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Envelope {
    /// The cancel's outcome; present when `succeeded` is true.
    #[serde(rename = "result", alias = "Result", default)]
    pub result: Option<EnvelopeResult>,
    /// True when the cancel succeeded. Required: without it the body is not an envelope.
    #[serde(rename = "succeeded", alias = "Succeeded")]
    pub succeeded: bool,
    /// The negation of `succeeded`, when Paywall sends it.
    #[serde(rename = "failed", alias = "Failed", default)]
    pub failed: Option<bool>,
    /// Numeric error code; documented, but absent from every Physical POS sample.
    #[serde(rename = "errorCode", alias = "ErrorCode", default)]
    pub error_code: Option<i64>,
    /// A human message, localised by Paywall.
    #[serde(rename = "message", alias = "Message", default)]
    pub message: Option<String>,
    /// Paywall's fixed text error code, such as `Payment.Async.AlreadyHasRefundOrCancel`.
    #[serde(rename = "clientMessage", alias = "ClientMessage", default)]
    pub client_message: Option<String>,
}

/// The `result` object of the envelope, read leniently: every field may be missing here,
/// so that a failure envelope with a partial result is still reported as Paywall's
/// refusal. A success must carry all four, which [`EnvelopeResult::complete`] checks.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct EnvelopeResult {
    /// GUID of the async payment.
    #[serde(rename = "paymentRequestId", alias = "PaymentRequestId", default)]
    pub payment_request_id: Option<String>,
    /// GUID of the payment's last activity (the cancel).
    #[serde(
        rename = "paymentRequestActivityId",
        alias = "PaymentRequestActivityId",
        default
    )]
    pub payment_request_activity_id: Option<String>,
    /// Type of the last activity; 2 is a cancellation.
    #[serde(
        rename = "paymentRequestActivityTypeId",
        alias = "PaymentRequestActivityTypeId",
        default
    )]
    pub payment_request_activity_type_id: Option<i32>,
    /// The payment's status after the cancel; 4 is successful.
    #[serde(rename = "paymentStatus", alias = "PaymentStatus", default)]
    pub payment_status: Option<i32>,
}

/// What a successful cancel resolves with: Paywall's `result`, ids as Paywall wrote them,
/// the two codes as numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CancelResult {
    /// GUID of the async payment; Paywall says to store it.
    pub payment_request_id: String,
    /// GUID of the cancel activity.
    pub payment_request_activity_id: String,
    /// Type of the payment's last activity: 2 (cancellation) after a cancel.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ActivityTypeCode"))]
    pub payment_request_activity_type_id: i32,
    /// The payment's status: 4 (successful) after a successful cancel.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "PaymentStatusCode"))]
    pub payment_status: i32,
}

impl CancelResult {
    /// The activity type in words, if Paywall documents the code.
    pub fn activity_type(&self) -> ActivityType {
        ActivityType::from_code(self.payment_request_activity_type_id)
    }

    /// The payment status in words, if Paywall documents the code.
    pub fn status(&self) -> PaymentStatus {
        PaymentStatus::from_code(self.payment_status)
    }
}

impl EnvelopeResult {
    /// The result of a successful cancel of `requested`, or what is wrong with it.
    pub fn complete(self, requested: &PaymentRequestId) -> Result<CancelResult, String> {
        let missing = |field: &str| format!("result.{field} is missing");
        let payment_request_id = self
            .payment_request_id
            .ok_or_else(|| missing("paymentRequestId"))?;
        let payment_request_activity_id = self
            .payment_request_activity_id
            .ok_or_else(|| missing("paymentRequestActivityId"))?;
        let payment_request_activity_type_id = self
            .payment_request_activity_type_id
            .ok_or_else(|| missing("paymentRequestActivityTypeId"))?;
        let payment_status = self
            .payment_status
            .ok_or_else(|| missing("paymentStatus"))?;
        if !PaymentRequestId::is_guid(&payment_request_id) {
            return Err("result.paymentRequestId is not a GUID".into());
        }
        if !PaymentRequestId::is_guid(&payment_request_activity_id) {
            return Err("result.paymentRequestActivityId is not a GUID".into());
        }
        if !requested.matches(&payment_request_id) {
            return Err(format!(
                "result.paymentRequestId is {payment_request_id}, not the requested {requested}"
            ));
        }
        Ok(CancelResult {
            payment_request_id,
            payment_request_activity_id,
            payment_request_activity_type_id,
            payment_status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample answer from Paywall's Async Cancel page, verbatim.
    pub(crate) const DOCUMENTED_SAMPLE: &str = r#"{
        "result": {
            "paymentRequestId": "72ec8714-d116-4306-8881-38a43c485da9",
            "paymentRequestActivityId": "3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "paymentRequestActivityTypeId": 2,
            "paymentStatus": 4
        },
        "failed": false,
        "message": null,
        "clientMessage": null,
        "succeeded": true
    }"#;

    fn sample_id() -> PaymentRequestId {
        PaymentRequestId::parse("72ec8714-d116-4306-8881-38a43c485da9").unwrap()
    }

    #[test]
    fn request_body_is_exactly_the_documented_shape() {
        let id = PaymentRequestId::parse("7CC7C8E8-9D92-41B6-9378-E9ECEF5A7812").unwrap();
        let body = serde_json::to_string(&CancelRequest {
            payment_request_id: &id,
        })
        .unwrap();
        assert_eq!(
            body,
            r#"{"PaymentRequestId":"7cc7c8e8-9d92-41b6-9378-e9ecef5a7812"}"#
        );
    }

    #[test]
    fn reads_the_documented_sample() {
        let envelope: Envelope = serde_json::from_str(DOCUMENTED_SAMPLE).unwrap();
        assert!(envelope.succeeded);
        assert_eq!(envelope.failed, Some(false));
        let result = envelope.result.unwrap().complete(&sample_id()).unwrap();
        assert_eq!(
            result,
            CancelResult {
                payment_request_id: "72ec8714-d116-4306-8881-38a43c485da9".into(),
                payment_request_activity_id: "3a7deace-d437-4d3f-8ef8-1cba82f18e8f".into(),
                payment_request_activity_type_id: 2,
                payment_status: 4,
            }
        );
        assert_eq!(result.activity_type(), ActivityType::Cancellation);
        assert_eq!(result.status(), PaymentStatus::Successful);
    }

    #[test]
    fn reads_pascal_case_as_in_the_field_tables() {
        let envelope: Envelope = serde_json::from_str(
            r#"{"Result":{"PaymentRequestId":"72EC8714-D116-4306-8881-38A43C485DA9",
                "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
                "PaymentRequestActivityTypeId":2,"PaymentStatus":4},
                "Succeeded":true,"Failed":false,"ErrorCode":0,"Message":null,"ClientMessage":null}"#,
        )
        .unwrap();
        assert_eq!(envelope.error_code, Some(0));
        let result = envelope.result.unwrap().complete(&sample_id()).unwrap();
        assert_eq!(
            result.payment_request_id, "72EC8714-D116-4306-8881-38A43C485DA9",
            "ids are kept as Paywall wrote them"
        );
    }

    #[test]
    fn a_failure_envelope_with_a_partial_result_still_reads() {
        let envelope: Envelope = serde_json::from_str(
            r#"{"result":{},"succeeded":false,"failed":true,
                "message":"Already cancelled","clientMessage":"Payment.Async.AlreadyHasRefundOrCancel"}"#,
        )
        .unwrap();
        assert!(!envelope.succeeded);
        assert_eq!(
            envelope.client_message.as_deref(),
            Some("Payment.Async.AlreadyHasRefundOrCancel")
        );
    }

    #[test]
    fn a_body_without_succeeded_is_not_an_envelope() {
        assert!(serde_json::from_str::<Envelope>(r#"{"result":null}"#).is_err());
        assert!(serde_json::from_str::<Envelope>(r#"{"succeeded":"yes"}"#).is_err());
        assert!(serde_json::from_str::<Envelope>("[]").is_err());
    }

    #[test]
    fn an_incomplete_or_foreign_result_is_refused() {
        let full = EnvelopeResult {
            payment_request_id: Some("72ec8714-d116-4306-8881-38a43c485da9".into()),
            payment_request_activity_id: Some("3a7deace-d437-4d3f-8ef8-1cba82f18e8f".into()),
            payment_request_activity_type_id: Some(2),
            payment_status: Some(4),
        };
        let cases = [
            (
                EnvelopeResult {
                    payment_status: None,
                    ..full.clone()
                },
                "result.paymentStatus is missing",
            ),
            (
                EnvelopeResult {
                    payment_request_activity_id: Some("x".into()),
                    ..full.clone()
                },
                "result.paymentRequestActivityId is not a GUID",
            ),
            (
                EnvelopeResult {
                    payment_request_id: Some("11111111-d116-4306-8881-38a43c485da9".into()),
                    ..full.clone()
                },
                "not the requested 72ec8714-d116-4306-8881-38a43c485da9",
            ),
        ];
        for (result, says) in cases {
            let problem = result.complete(&sample_id()).unwrap_err();
            assert!(problem.contains(says), "{problem}");
        }
    }
}
