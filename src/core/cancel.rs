//! Async Cancel: `POST {base}/api/payment/async/cancel` with `{"PaymentRequestId": id}`,
//! and what to do when its answer is lost.
//!
//! A cancel is carried out by the POS terminal, so an attempt whose answer never comes
//! (a dropped connection, a timeout) may or may not have cancelled the payment, and a retried
//! attempt may meet `Payment.Async.AlreadyHasRefundOrCancel` because the first one did
//! cancel it. Paywall has no idempotency keys, but its inquiry endpoint tells the payment's
//! state: when the outcome is unknown, [`cancel_with`] asks it once and decides from it
//! (unless the config says `reconcile: false`).

use super::config::{Config, CANCEL_PATH};
use super::error::{Error, ErrorKind};
use super::inquiry::Inquiry;
use super::payment_request_id::PaymentRequestId;
use super::request::{perform, Action, Host, Operation};
use super::wire::{CancelAnswer, CancelRequest, CancelResult, ConfirmedBy, PaymentInquiry};
use super::{ActivityType, PaymentStatus};

/// Paywall's text error code for a payment that already has a cancellation or a refund.
const ALREADY_CANCELLED: &str = "Payment.Async.AlreadyHasRefundOrCancel";

/// The Async Cancel request for one payment.
pub struct Cancel<'a> {
    /// The payment to cancel.
    pub id: &'a PaymentRequestId,
}

impl Operation for Cancel<'_> {
    type Answer = CancelAnswer;
    type Output = CancelResult;

    const ACTION: Action = Action {
        name: "cancel",
        changes_state: true,
    };

    fn payment_request_id(&self) -> &PaymentRequestId {
        self.id
    }

    fn method(&self) -> &'static str {
        "POST"
    }

    fn url(&self, config: &Config) -> String {
        config.url(CANCEL_PATH)
    }

    fn body(&self) -> Option<String> {
        let request = CancelRequest {
            payment_request_id: self.id,
        };
        // The writer handles every type the request holds; `None` only if that changed.
        super::json::to_string(&request).ok()
    }

    fn complete(&self, answer: CancelAnswer) -> Result<CancelResult, String> {
        answer.complete(self.id)
    }
}

/// Cancels `id` on Paywall through `host`, retrying transient failures as the config allows,
/// and, when the outcome is unknown, reconciling it with one inquiry (see the module doc).
///
/// Whatever the outcome, the returned error carries the number of cancel requests sent and
/// holds no fragment of a private key.
pub async fn cancel_with<H: Host>(
    host: &H,
    config: &Config,
    id: &PaymentRequestId,
) -> Result<CancelResult, Error> {
    match perform(host, config, &Cancel { id }, config.max_retries()).await {
        Err(error) if config.reconciles() && outcome_is_unknown(&error) => {
            reconcile(host, config, id, error).await
        }
        outcome => outcome,
    }
}

/// Whether a failed cancel may have been carried out after all: no answer came (the
/// connection failed or the attempt timed out), or an attempt after the first met the
/// cancellation an earlier attempt may have made. A payment that was cancelled before this
/// call (the first attempt's refusal) and a caller's abort are not unknown.
fn outcome_is_unknown(error: &Error) -> bool {
    match error.kind() {
        ErrorKind::Network | ErrorKind::Timeout => true,
        ErrorKind::Api => error.attempts() > 1 && error.client_message() == Some(ALREADY_CANCELLED),
        _ => false,
    }
}

/// Asks the inquiry endpoint once (no retries; the same deadline and signal) what became of
/// the payment: a cancellation resolves the call, anything else keeps `error`, with what the
/// inquiry found added to its message.
async fn reconcile<H: Host>(
    host: &H,
    config: &Config,
    id: &PaymentRequestId,
    error: Error,
) -> Result<CancelResult, Error> {
    let found = match perform(host, config, &Inquiry { id }, 0).await {
        Ok(inquiry) if inquiry.payment_type_id == ActivityType::Cancellation.code() => {
            return Ok(confirmed_by_inquiry(inquiry));
        }
        Ok(inquiry) => format!(
            "an inquiry found the payment not cancelled: its latest activity is {} in status {}",
            described(
                ActivityType::from_code(inquiry.payment_type_id).label(),
                inquiry.payment_type_id
            ),
            described(
                PaymentStatus::from_code(inquiry.payment_status_id).label(),
                inquiry.payment_status_id
            ),
        ),
        Err(inquiry_error) if inquiry_error.kind() == ErrorKind::Aborted => {
            String::from("an inquiry to find out was aborted by config.signal")
        }
        // The kind and what identifies the failure (Paywall's code, the HTTP status), not the
        // inquiry's whole message: a failure of the same connection would repeat the
        // cancel's own text and double the message.
        Err(inquiry_error) => {
            let mut note = format!(
                "an inquiry to find out failed too ({} error",
                inquiry_error.kind()
            );
            if let Some(code) = inquiry_error.client_message() {
                note.push_str(", ");
                note.push_str(code);
            } else if let Some(status) = inquiry_error.http_status() {
                note.push_str(&format!(", HTTP {status}"));
            }
            note.push(')');
            note
        }
    };
    Err(error.with_note(&found).seal(&config.secrets()))
}

/// A code's words and number, "Sale (1)", or the number alone when Paywall does not
/// document it.
fn described(label: Option<&str>, code: i32) -> String {
    match label {
        Some(words) => format!("{words} ({code})"),
        None => format!("code {code}"),
    }
}

/// The result of a cancel that the inquiry endpoint confirmed.
fn confirmed_by_inquiry(inquiry: PaymentInquiry) -> CancelResult {
    CancelResult::new(
        inquiry.payment_request_id,
        inquiry.payment_request_activity_id,
        inquiry.payment_type_id,
        inquiry.payment_status_id,
        ConfirmedBy::Inquiry,
    )
}

#[cfg(test)]
mod tests;
