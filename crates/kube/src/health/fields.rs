//! Reading fields of an object as the API server returns it, where any field may be missing.

use serde_json::Value;

/// The string at a JSON pointer.
pub(crate) fn str_at<'a>(object: &'a Value, pointer: &str) -> Option<&'a str> {
    object.pointer(pointer).and_then(Value::as_str)
}

/// The integer at a JSON pointer.
pub(crate) fn int_at(object: &Value, pointer: &str) -> Option<i64> {
    object.pointer(pointer).and_then(Value::as_i64)
}

/// A replica count: absent means zero, as the controllers omit zero counts.
pub(crate) fn count_at(object: &Value, pointer: &str) -> i64 {
    int_at(object, pointer).unwrap_or(0)
}

/// The array at a JSON pointer; empty when absent.
pub(crate) fn array_at<'a>(object: &'a Value, pointer: &str) -> &'a [Value] {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One entry of a `conditions` list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Condition<'a> {
    pub status: &'a str,
    pub reason: &'a str,
    pub message: &'a str,
    pub observed_generation: Option<i64>,
}

impl Condition<'_> {
    pub(crate) fn is_true(&self) -> bool {
        self.status == "True"
    }

    pub(crate) fn is_false(&self) -> bool {
        self.status == "False"
    }

    /// `Reason: message`, or whichever of the two is present.
    pub(crate) fn explain(&self) -> String {
        join_reason(self.reason, self.message)
    }
}

/// The condition of a type in a `conditions` list (at `pointer`, usually `/status/conditions`).
pub(crate) fn condition_in<'a>(
    conditions: &'a [Value],
    condition_type: &str,
) -> Option<Condition<'a>> {
    conditions
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(condition_type))
        .map(|c| Condition {
            status: c.get("status").and_then(Value::as_str).unwrap_or("Unknown"),
            reason: c.get("reason").and_then(Value::as_str).unwrap_or(""),
            message: c.get("message").and_then(Value::as_str).unwrap_or(""),
            observed_generation: c.get("observedGeneration").and_then(Value::as_i64),
        })
}

/// The object's `status.conditions` entry of a type.
pub(crate) fn condition<'a>(object: &'a Value, condition_type: &str) -> Option<Condition<'a>> {
    condition_in(array_at(object, "/status/conditions"), condition_type)
}

/// `reason: message`, without a dangling separator when one is empty.
pub(crate) fn join_reason(reason: &str, message: &str) -> String {
    let message = message.trim();
    match (reason.is_empty(), message.is_empty()) {
        (false, false) => format!("{reason}: {message}"),
        (false, true) => reason.to_owned(),
        (true, false) => message.to_owned(),
        (true, true) => String::new(),
    }
}
