//! Async Cancel: `POST {base}/api/payment/async/cancel` (`CANCEL_PATH`) with `{"PaymentRequestId": id}`,
//! what its answer means, and what to do when the answer is lost.
//!
//! A cancel is carried out by the POS terminal, so an attempt whose answer never comes
//! (a dropped connection, a timeout) may or may not have cancelled the payment, and a retried
//! attempt may meet `Payment.Async.AlreadyHasRefundOrCancel` because the first one did
//! cancel it. Paywall has no idempotency keys, but its inquiry endpoint tells the payment's
//! state: when the outcome is unknown ([`outcome_is_unknown`]), the call engine asks it once
//! and [`reconciled`] decides from it (unless the config says `reconcile: false`).
//!
//! Tested in: this module (the wire format), `call/tests.rs` (the whole cancel, step by
//! step), `tests/node/` (on the package).

use alloc::string::String;
use serde::Serialize;

use super::codes::{describe_activity, ActivityType, PaymentStatus};
use super::config::Config;
use super::error::{Error, ErrorKind};
use super::inquiry::PaymentInquiry;
use super::json::{Problem, Reader, Stop};
use super::payment_request_id::PaymentRequestId;
use super::retry::Action;
use super::text::Decimal;
use super::wire::{check_ids, require};
use crate::text;

/// A cancel changes the payment: a timed-out attempt is not retried.
pub const ACTION: Action = Action {
    name: "cancel",
    changes_state: true,
};

/// Paywall's text error code for a payment that already has a cancellation or a refund.
const ALREADY_CANCELLED: &str = "Payment.Async.AlreadyHasRefundOrCancel";

/// The cancel's URL: the base address and `CANCEL_PATH`, made once per config.
pub fn url(config: &Config) -> &str {
    config.cancel_url()
}

/// The cancel's body, exactly as Paywall documents it: `{"PaymentRequestId":"<guid>"}`,
/// the id in lowercase.
pub fn body(id: &PaymentRequestId) -> String {
    text![r#"{"PaymentRequestId":""#, id.as_text(), r#""}"#]
}

/// What a cancel's resolution means for the payment, from its activity type and status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CancelResult {
    /// GUID of the async payment; Paywall says to store it.
    pub payment_request_id: String,
    /// GUID of the cancel activity.
    pub payment_request_activity_id: String,
    /// Type of the payment's last activity: 2 (cancellation) after a cancel.
    #[cfg_attr(feature = "typescript", tsify(type = "ActivityTypeCode"))]
    pub payment_request_activity_type_id: i32,
    /// The payment's status: 4 (successful) after a successful cancel.
    #[cfg_attr(feature = "typescript", tsify(type = "PaymentStatusCode"))]
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

/// The `result` of a cancel's envelope, read leniently: every field may be missing here,
/// so that a failure envelope with a partial result is still reported as Paywall's
/// refusal. A success must carry all four, which [`CancelAnswer::complete`] checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CancelAnswer {
    /// GUID of the async payment.
    pub payment_request_id: Option<String>,
    /// GUID of the payment's last activity (the cancel).
    pub payment_request_activity_id: Option<String>,
    /// Type of the last activity; 2 is a cancellation.
    pub payment_request_activity_type_id: Option<i32>,
    /// The payment's status after the cancel; 4 is successful.
    pub payment_status: Option<i32>,
}

/// The result's fields, PascalCase.
const FIELDS: [&str; 4] = [
    "PaymentRequestId",
    "PaymentRequestActivityId",
    "PaymentRequestActivityTypeId",
    "PaymentStatus",
];

impl CancelAnswer {
    /// Reads a cancel envelope's `result` object, any field missing.
    pub fn read(reader: &mut Reader<'_>) -> Result<CancelAnswer, Stop> {
        let mut answer = CancelAnswer::default();
        answer.read_from(reader)?;
        Ok(answer)
    }

    /// Reads a cancel envelope's `result` object into this answer.
    pub fn read_from(&mut self, reader: &mut Reader<'_>) -> Result<(), Stop> {
        let mut ids = [None, None];
        let mut codes = [None, None];
        reader.record(&FIELDS, &mut ids, None, &mut codes)?;
        [self.payment_request_id, self.payment_request_activity_id] = ids;
        [self.payment_request_activity_type_id, self.payment_status] = codes;
        Ok(())
    }

    /// The result of a successful cancel of `requested`, or what is wrong with it.
    pub fn complete(self, requested: &PaymentRequestId) -> Result<CancelResult, Problem> {
        self.check(requested)?;
        // Checked: every field is there.
        Ok(CancelResult::new(
            self.payment_request_id.unwrap_or_default(),
            self.payment_request_activity_id.unwrap_or_default(),
            self.payment_request_activity_type_id.unwrap_or_default(),
            self.payment_status.unwrap_or_default(),
            ConfirmedBy::Response,
        ))
    }

    /// What is wrong with the result of a successful cancel of `requested`, if anything:
    /// checked before any field is moved out, so that no error path has fields to drop.
    fn check(&self, requested: &PaymentRequestId) -> Result<(), Problem> {
        check_ids(
            self.payment_request_id.as_deref(),
            self.payment_request_activity_id.as_deref(),
            requested,
        )?;
        require(&[
            (
                "paymentRequestActivityTypeId",
                self.payment_request_activity_type_id.is_some(),
            ),
            ("paymentStatus", self.payment_status.is_some()),
        ])
    }
}

/// Whether a failed cancel may have been carried out after all: no answer came (the
/// connection failed or the attempt timed out), or an attempt after the first met the
/// cancellation an earlier attempt may have made. A payment that was cancelled before this
/// call (the first attempt's refusal) and a caller's abort are not unknown.
pub fn outcome_is_unknown(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Network | ErrorKind::Timeout => true,
        ErrorKind::Api => error.attempts() > 1 && error.client_message() == Some(ALREADY_CANCELLED),
        _ => false,
    }
}

/// The outcome of a cancel whose answer was lost (`original`, finished and sealed), once
/// one inquiry of the payment came back as `found`: a cancellation as its latest activity
/// resolves the call, confirmed by the inquiry; anything else keeps `original`, with what
/// the inquiry found added to its message (the caller seals it again).
pub fn reconciled(
    original: Error,
    found: Result<PaymentInquiry, Error>,
) -> Result<CancelResult, Error> {
    let mut note = String::new();
    match found {
        Ok(inquiry) if inquiry.payment_type_id == ActivityType::Cancellation.code() => {
            return Ok(CancelResult::new(
                inquiry.payment_request_id,
                inquiry.payment_request_activity_id,
                inquiry.payment_type_id,
                inquiry.payment_status_id,
                ConfirmedBy::Inquiry,
            ));
        }
        Ok(inquiry) => {
            note.push_str("an inquiry found the payment not cancelled: its latest activity is ");
            describe_activity(
                &mut note,
                inquiry.payment_type_id,
                inquiry.payment_status_id,
            );
        }
        Err(inquiry_error) if inquiry_error.kind() == ErrorKind::Aborted => {
            note.push_str("an inquiry to find out was aborted by config.signal");
        }
        // The kind and what identifies the failure (Paywall's code, the HTTP status), not the
        // inquiry's whole message: a failure of the same connection would repeat the
        // cancel's own text and double the message.
        Err(inquiry_error) => {
            note.push_str("an inquiry to find out failed too (");
            note.push_str(inquiry_error.kind().as_str());
            note.push_str(" error");
            if let Some(code) = inquiry_error.client_message() {
                note.push_str(", ");
                note.push_str(code);
            } else if let Some(status) = inquiry_error.http_status() {
                note.push_str(", HTTP ");
                note.push_str(Decimal::of(status.into()).as_ref());
            }
            note.push(')');
        }
    }
    Err(original.with_note(&note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::read_document;
    use crate::core::wire::read_envelope;
    use alloc::vec::Vec;

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

    fn answer_of(text: &str) -> (crate::core::wire::Envelope, Option<CancelAnswer>) {
        let mut answer = None;
        let envelope = read_envelope(text, &mut |reader| {
            answer = Some(CancelAnswer::read(reader)?);
            Ok(())
        })
        .unwrap();
        (envelope, answer)
    }

    #[test]
    fn request_body_is_exactly_the_documented_shape() {
        let id = PaymentRequestId::parse("7CC7C8E8-9D92-41B6-9378-E9ECEF5A7812").unwrap();
        assert_eq!(
            body(&id),
            r#"{"PaymentRequestId":"7cc7c8e8-9d92-41b6-9378-e9ecef5a7812"}"#
        );
    }

    #[test]
    fn reads_the_documented_sample() {
        let (envelope, answer) = answer_of(DOCUMENTED_SAMPLE);
        assert!(envelope.succeeded);
        assert_eq!(envelope.failed, Some(false));
        let result = answer.unwrap().complete(&sample_id()).unwrap();
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
        assert_eq!(
            crate::core::json::to_string(&result).unwrap(),
            r#"{"paymentRequestId":"72ec8714-d116-4306-8881-38a43c485da9","paymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f","paymentRequestActivityTypeId":2,"paymentStatus":4,"state":"cancelled","confirmedBy":"response"}"#
        );
    }

    #[test]
    fn reads_pascal_case_as_in_the_field_tables() {
        let (envelope, answer) = answer_of(
            r#"{"Result":{"PaymentRequestId":"72EC8714-D116-4306-8881-38A43C485DA9",
                "PaymentRequestActivityId":"3a7deace-d437-4d3f-8ef8-1cba82f18e8f",
                "PaymentRequestActivityTypeId":2,"PaymentStatus":4},
                "Succeeded":true,"Failed":false,"ErrorCode":0,"Message":null,"ClientMessage":null}"#,
        );
        assert_eq!(envelope.error_code, Some(0));
        let result = answer.unwrap().complete(&sample_id()).unwrap();
        assert_eq!(
            result.payment_request_id, "72EC8714-D116-4306-8881-38A43C485DA9",
            "ids are kept as Paywall wrote them"
        );
    }

    #[test]
    fn a_failure_envelope_with_a_partial_result_still_reads() {
        let (envelope, answer) = answer_of(
            r#"{"result":{},"succeeded":false,"failed":true,
                "message":"Already cancelled","clientMessage":"Payment.Async.AlreadyHasRefundOrCancel"}"#,
        );
        assert!(!envelope.succeeded);
        assert_eq!(answer, Some(CancelAnswer::default()));
        assert_eq!(
            envelope.client_message.as_deref(),
            Some("Payment.Async.AlreadyHasRefundOrCancel")
        );
    }

    #[test]
    fn result_fields_of_the_wrong_type_or_given_twice_are_refused() {
        for (result, says) in [
            (
                r#"{"paymentStatus":"4"}"#,
                "must be a whole number, got a string",
            ),
            (r#"{"paymentStatus":4.5}"#, "must be a whole number"),
            (r#"{"paymentStatus":4294967296}"#, "out of range for i32"),
            (
                r#"{"paymentRequestId":7}"#,
                "must be a string, got a number",
            ),
            (
                r#"{"paymentStatus":4,"PaymentStatus":4}"#,
                "duplicate field `PaymentStatus`",
            ),
        ] {
            let problem = read_document(result, CancelAnswer::read).unwrap_err();
            assert!(problem.contains(says), "{result}: {problem}");
        }
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

    #[test]
    fn only_lost_answers_and_a_retry_meeting_the_cancel_are_unknown_outcomes() {
        use crate::core::secrets::quoted;
        let refused = |attempts| {
            Error::api(200, "cancel", None, None, Some(&quoted(ALREADY_CANCELLED)))
                .finish(attempts, "id")
        };
        let unknown: Vec<bool> = [
            Error::network("u", &quoted("reset"), true),
            Error::timeout("u", 10, "cancel", true),
            refused(2),
            refused(1),
            Error::http(502, "x").finish(3, "id"),
            Error::aborted("cancel", true, true, "x"),
        ]
        .iter()
        .map(outcome_is_unknown)
        .collect();
        assert_eq!(unknown, [true, true, true, false, false, false]);
    }
}
