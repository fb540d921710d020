//! The JSON Paywall reads and writes, as serde types: the single source of truth for the
//! wire format (and, through them, for the JS and TypeScript shapes).

use serde::{Deserialize, Serialize};

use super::codes::{ActivityType, PaymentStatus};
use super::json::RawNumber;
use super::payment_request_id::PaymentRequestId;

/// The body of `POST /api/payment/async/cancel`: `{"PaymentRequestId":"<guid>"}`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CancelRequest<'a> {
    /// The payment to cancel.
    #[serde(rename = "PaymentRequestId")]
    pub payment_request_id: &'a PaymentRequestId,
}

/// Paywall's answer envelope, around the `result` of one operation (`R`).
///
/// Paywall's documentation spells its fields in PascalCase in its tables and in camelCase
/// in the cancel sample, so both spellings are read. Fields this client does not use are
/// ignored, so that Paywall can add fields without breaking it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(bound = "R: Deserialize<'de>")]
pub struct Envelope<R> {
    /// The operation's outcome; present when `succeeded` is true.
    #[serde(rename = "result", alias = "Result", default)]
    pub result: Option<R>,
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

/// The envelope of a cancel's answer.
pub type CancelEnvelope = Envelope<CancelAnswer>;

/// The `result` of a cancel's envelope, read leniently: every field may be missing here,
/// so that a failure envelope with a partial result is still reported as Paywall's
/// refusal. A success must carry all four, which [`CancelAnswer::complete`] checks.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct CancelAnswer {
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

/// What a cancel's resolution means for the payment, from its activity type and status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum CancelState {
    /// A cancellation (type 2) that succeeded (status 4): the payment is cancelled.
    Cancelled,
    /// A cancellation whose terminal has not finished yet (status 1, 2, 7 to 11): Paywall
    /// reports the outcome by callback, or ask again with `inquirePayment`.
    Pending,
    /// Status 3 (could not be sent to the device), 5 (failed) or 12 (rolled back): the
    /// payment is not cancelled.
    Failed,
    /// Anything else, codes Paywall has not documented included: look at the codes.
    Unknown,
}

impl CancelState {
    /// The state an activity type and a status amount to (see the README's table).
    pub fn of(activity_type: i32, status: i32) -> CancelState {
        match (activity_type, status) {
            (_, 3 | 5 | 12) => CancelState::Failed,
            (2, 4) => CancelState::Cancelled,
            (2, 1 | 2 | 7..=11) => CancelState::Pending,
            _ => CancelState::Unknown,
        }
    }
}

/// Where a cancel's result comes from. It says nothing of whether the payment is cancelled:
/// that is [`CancelState`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ConfirmedBy {
    /// Paywall's answer to the cancel.
    Response,
    /// The cancel's answer was lost (or a retry met the cancel an earlier attempt made), and
    /// the inquiry endpoint showed a cancellation (activity type 2) as the payment's latest
    /// activity, in whatever status: the result's `state` may be `cancelled`, `pending` or
    /// `failed` (a cancellation that failed on the terminal). Nor does it say that this call
    /// made the cancellation.
    Inquiry,
}

/// What a successful cancel resolves with: Paywall's `result`, ids as Paywall wrote them,
/// the two codes as numbers, what they mean, and where they come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// What the two codes mean: `cancelled`, `pending`, `failed` or `unknown`.
    pub state: CancelState,
    /// Where the result comes from: `response`, Paywall's answer to the cancel; `inquiry`,
    /// the answer was lost and the inquiry endpoint showed a cancellation as the payment's
    /// latest activity, in whatever status (`state` says which).
    pub confirmed_by: ConfirmedBy,
}

impl CancelResult {
    /// The result for these codes, confirmed by `confirmed_by`.
    pub fn new(
        payment_request_id: String,
        payment_request_activity_id: String,
        payment_request_activity_type_id: i32,
        payment_status: i32,
        confirmed_by: ConfirmedBy,
    ) -> CancelResult {
        CancelResult {
            state: CancelState::of(payment_request_activity_type_id, payment_status),
            payment_request_id,
            payment_request_activity_id,
            payment_request_activity_type_id,
            payment_status,
            confirmed_by,
        }
    }

    /// The activity type in words, if Paywall documents the code.
    pub fn activity_type(&self) -> ActivityType {
        ActivityType::from_code(self.payment_request_activity_type_id)
    }

    /// The payment status in words, if Paywall documents the code.
    pub fn status(&self) -> PaymentStatus {
        PaymentStatus::from_code(self.payment_status)
    }
}

impl CancelAnswer {
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
        Ok(CancelResult::new(
            payment_request_id,
            payment_request_activity_id,
            payment_request_activity_type_id,
            payment_status,
            ConfirmedBy::Response,
        ))
    }
}

/// The `result` of an inquiry's envelope, read leniently (see [`InquiryAnswer::complete`]):
/// Paywall's documented sample is PascalCase; camelCase is read too.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct InquiryAnswer {
    #[serde(rename = "paymentRequestId", alias = "PaymentRequestId", default)]
    payment_request_id: Option<String>,
    #[serde(
        rename = "paymentRequestActivityId",
        alias = "PaymentRequestActivityId",
        default
    )]
    payment_request_activity_id: Option<String>,
    #[serde(rename = "terminalId", alias = "TerminalId", default)]
    terminal_id: Option<String>,
    #[serde(rename = "merchantUniqueCode", alias = "MerchantUniqueCode", default)]
    merchant_unique_code: Option<String>,
    #[serde(rename = "displayCode", alias = "DisplayCode", default)]
    display_code: Option<String>,
    #[serde(rename = "callbackAddress", alias = "CallbackAddress", default)]
    callback_address: Option<String>,
    #[serde(rename = "amount", alias = "Amount", default)]
    amount: Option<RawNumber>,
    #[serde(rename = "currencyId", alias = "CurrencyId", default)]
    currency_id: Option<i32>,
    #[serde(rename = "paymentChannelId", alias = "PaymentChannelId", default)]
    payment_channel_id: Option<i32>,
    #[serde(rename = "paymentTypeId", alias = "PaymentTypeId", default)]
    payment_type_id: Option<i32>,
    #[serde(rename = "paymentStatusId", alias = "PaymentStatusId", default)]
    payment_status_id: Option<i32>,
    #[serde(rename = "createdDate", alias = "CreatedDate", default)]
    created_date: Option<String>,
    #[serde(rename = "modifiedDate", alias = "ModifiedDate", default)]
    modified_date: Option<String>,
}

/// What an inquiry resolves with: the payment's state at Paywall, from `Result` of
/// `GET /api/payment/inquiry/{paymentRequestId}`. Required: the id (the requested one), the
/// latest activity's id, `paymentTypeId` and `paymentStatusId`; any other field Paywall
/// leaves out is `null`, not an error.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
// A field Paywall leaves out is written as `null`: so the declaration says.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct PaymentInquiry {
    /// GUID of the async payment, as Paywall wrote it.
    pub payment_request_id: String,
    /// GUID of the payment's latest activity.
    pub payment_request_activity_id: String,
    /// The POS terminal.
    pub terminal_id: Option<String>,
    /// The merchant's own code for the sale.
    pub merchant_unique_code: Option<String>,
    /// The code shown on the terminal.
    pub display_code: Option<String>,
    /// Where Paywall sends the payment's callbacks.
    pub callback_address: Option<String>,
    /// The amount as a JS number, for display: a number cannot hold every decimal exactly.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub amount: Option<RawNumber>,
    /// The amount exactly as Paywall wrote it ("1.50"): the one to use for money.
    pub amount_text: Option<String>,
    /// Paywall's currency code (1 is TRY).
    pub currency_id: Option<i32>,
    /// Paywall's payment channel (1 is Async).
    pub payment_channel_id: Option<i32>,
    /// Type of the payment's latest activity: 1 sale, 2 cancellation, 3 refund, 4 unknown.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ActivityTypeCode"))]
    pub payment_type_id: i32,
    /// The payment's status (the same codes as a cancel's `paymentStatus`).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "PaymentStatusCode"))]
    pub payment_status_id: i32,
    /// When the payment was created, as Paywall wrote it (no time zone in its sample).
    pub created_date: Option<String>,
    /// When the payment last changed, as Paywall wrote it; null until it does.
    pub modified_date: Option<String>,
}

impl InquiryAnswer {
    /// The inquiry of `requested`, or what is wrong with the answer.
    pub fn complete(self, requested: &PaymentRequestId) -> Result<PaymentInquiry, String> {
        let missing = |field: &str| format!("result.{field} is missing");
        let payment_request_id = self
            .payment_request_id
            .ok_or_else(|| missing("paymentRequestId"))?;
        let payment_request_activity_id = self
            .payment_request_activity_id
            .ok_or_else(|| missing("paymentRequestActivityId"))?;
        if !requested.matches(&payment_request_id) {
            return Err(format!(
                "result.paymentRequestId is not the requested {requested}"
            ));
        }
        if !PaymentRequestId::is_guid(&payment_request_activity_id) {
            return Err("result.paymentRequestActivityId is not a GUID".into());
        }
        if self
            .amount
            .as_ref()
            .is_some_and(|amount| !amount.is_decimal_amount())
        {
            return Err(
                "result.amount is not a decimal amount (no exponent, at most 29 \
                        digits before the point and 28 after)"
                    .into(),
            );
        }
        Ok(PaymentInquiry {
            payment_request_id,
            payment_request_activity_id,
            terminal_id: self.terminal_id,
            merchant_unique_code: self.merchant_unique_code,
            display_code: self.display_code,
            callback_address: self.callback_address,
            amount_text: self
                .amount
                .as_ref()
                .map(|amount| amount.as_str().to_owned()),
            amount: self.amount,
            currency_id: self.currency_id,
            payment_channel_id: self.payment_channel_id,
            payment_type_id: self
                .payment_type_id
                .ok_or_else(|| missing("paymentTypeId"))?,
            payment_status_id: self
                .payment_status_id
                .ok_or_else(|| missing("paymentStatusId"))?,
            created_date: self.created_date,
            modified_date: self.modified_date,
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
        let envelope: Envelope<CancelAnswer> = serde_json::from_str(DOCUMENTED_SAMPLE).unwrap();
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
                state: CancelState::Cancelled,
                confirmed_by: ConfirmedBy::Response,
            }
        );
        assert_eq!(result.activity_type(), ActivityType::Cancellation);
        assert_eq!(result.status(), PaymentStatus::Successful);
    }

    #[test]
    fn reads_pascal_case_as_in_the_field_tables() {
        let envelope: Envelope<CancelAnswer> = serde_json::from_str(
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
        let envelope: Envelope<CancelAnswer> = serde_json::from_str(
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
        assert!(serde_json::from_str::<Envelope<CancelAnswer>>(r#"{"result":null}"#).is_err());
        assert!(serde_json::from_str::<Envelope<CancelAnswer>>(r#"{"succeeded":"yes"}"#).is_err());
        assert!(serde_json::from_str::<Envelope<CancelAnswer>>("[]").is_err());
    }

    #[test]
    fn an_incomplete_or_foreign_result_is_refused() {
        let full = CancelAnswer {
            payment_request_id: Some("72ec8714-d116-4306-8881-38a43c485da9".into()),
            payment_request_activity_id: Some("3a7deace-d437-4d3f-8ef8-1cba82f18e8f".into()),
            payment_request_activity_type_id: Some(2),
            payment_status: Some(4),
        };
        let cases = [
            (
                CancelAnswer {
                    payment_status: None,
                    ..full.clone()
                },
                "result.paymentStatus is missing",
            ),
            (
                CancelAnswer {
                    payment_request_activity_id: Some("x".into()),
                    ..full.clone()
                },
                "result.paymentRequestActivityId is not a GUID",
            ),
            (
                CancelAnswer {
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

    #[test]
    fn a_state_is_derived_from_the_activity_type_and_the_status() {
        use CancelState::*;
        for (activity_type, status, state) in [
            (2, 4, Cancelled),
            (2, 1, Pending),
            (2, 2, Pending),
            (2, 7, Pending),
            (2, 11, Pending),
            (2, 3, Failed),
            (2, 5, Failed),
            (2, 12, Failed),
            (1, 5, Failed),
            (2, 6, Unknown),
            (1, 4, Unknown),
            (3, 4, Unknown),
            (2, 13, Unknown),
            (9, 4, Unknown),
        ] {
            assert_eq!(
                CancelState::of(activity_type, status),
                state,
                "{activity_type}/{status}"
            );
        }
        assert_eq!(
            serde_json::to_value(CancelState::Pending).unwrap(),
            "pending"
        );
        assert_eq!(
            serde_json::to_value(ConfirmedBy::Inquiry).unwrap(),
            "inquiry"
        );
    }

    /// Paywall's documented inquiry sample (paywall-facts.md), PascalCase.
    const INQUIRY_SAMPLE: &str = r#"{"Result":{"PaymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
        "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f","TerminalId":"T-1",
        "MerchantUniqueCode":"ORDER-1","DisplayCode":"A1","CallbackAddress":"https://m.example/cb",
        "Amount":1.44,"PaymentChannelId":1,"PaymentChannel":"Async","CurrencyId":1,"Currency":"TRY",
        "IP":"10.0.0.1","PaymentTypeId":1,"PaymentType":"Sale","PaymentStatusId":2,
        "PaymentStatus":"SentToDevice","CreatedDate":"2024-09-02T13:52:34.504179","ModifiedDate":null},
        "Succeeded":true,"Failed":false,"ErrorCode":0,"Message":null,"ClientMessage":null}"#;

    #[test]
    fn reads_the_documented_inquiry_and_keeps_the_amount_as_written() {
        let envelope: Envelope<InquiryAnswer> =
            crate::core::json::from_str(INQUIRY_SAMPLE).unwrap();
        let inquiry = envelope.result.unwrap().complete(&sample_id()).unwrap();
        assert_eq!(inquiry.payment_type_id, 1);
        assert_eq!(inquiry.payment_status_id, 2);
        assert_eq!(inquiry.amount.as_ref().unwrap().as_str(), "1.44");
        assert_eq!(
            inquiry.created_date.as_deref(),
            Some("2024-09-02T13:52:34.504179")
        );
        assert_eq!(inquiry.modified_date, None);
        assert_eq!(
            inquiry.callback_address.as_deref(),
            Some("https://m.example/cb")
        );
        let written = crate::core::json::to_string(&inquiry).unwrap();
        assert!(written.contains(r#""amount":1.44,"#), "{written}");
        assert!(written.contains(r#""modifiedDate":null"#), "{written}");
    }

    #[test]
    fn an_inquiry_needs_the_id_the_activity_and_the_two_codes_only() {
        let minimal = r#"{"paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9",
            "paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
            "paymentTypeId":2,"paymentStatusId":4}"#;
        let answer: InquiryAnswer = crate::core::json::from_str(minimal).unwrap();
        let inquiry = answer.complete(&sample_id()).unwrap();
        assert_eq!((inquiry.terminal_id, inquiry.amount), (None, None));
        for (field, says) in [
            ("paymentTypeId", "result.paymentTypeId is missing"),
            ("paymentStatusId", "result.paymentStatusId is missing"),
            (
                "paymentRequestActivityId",
                "result.paymentRequestActivityId is missing",
            ),
        ] {
            let without = minimal.replace(&format!("\"{field}\""), "\"ignored\"");
            let answer: InquiryAnswer = crate::core::json::from_str(&without).unwrap();
            assert_eq!(answer.complete(&sample_id()).unwrap_err(), says);
        }
        let other = minimal.replace("72ec8714", "11111111");
        let answer: InquiryAnswer = crate::core::json::from_str(&other).unwrap();
        assert!(answer
            .complete(&sample_id())
            .unwrap_err()
            .contains("not the requested"));
    }
}
