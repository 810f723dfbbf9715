//! Reading fields of an object given as JSON, by JSON pointer.

use crate::spec::StringMap;
use serde_json::Value;

pub(super) fn text(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

pub(super) fn int(value: &Value, pointer: &str) -> Option<i64> {
    value.pointer(pointer).and_then(Value::as_i64)
}

pub(super) fn int32(value: &Value, pointer: &str) -> Option<i32> {
    int(value, pointer).and_then(|n| i32::try_from(n).ok())
}

pub(super) fn flag(value: &Value, pointer: &str) -> Option<bool> {
    value.pointer(pointer).and_then(Value::as_bool)
}

pub(super) fn strings(value: &Value, pointer: &str) -> Vec<String> {
    items(value, pointer)
        .iter()
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect()
}

pub(super) fn items<'v>(value: &'v Value, pointer: &str) -> &'v [Value] {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A map of strings; values of other types are left out (the override keeps them).
pub(super) fn string_map(value: &Value, pointer: &str) -> StringMap {
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// An IntOrString field as the form writes it: `1` → `"1"`, `"25%"` stays.
pub(super) fn int_or_string(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The metadata name.
pub(super) fn name(value: &Value) -> String {
    text(value, "/metadata/name").unwrap_or_default()
}

/// A closed-set field (`"Recreate"`) as the form's enum, when it is one of its values.
pub(super) fn choice<T: serde::de::DeserializeOwned>(value: &Value, pointer: &str) -> Option<T> {
    serde_json::from_value(value.pointer(pointer)?.clone()).ok()
}

/// The items of a list of closed-set values that are among the form's (the rest stay in the
/// override).
pub(super) fn choices<T: serde::de::DeserializeOwned>(value: &Value, pointer: &str) -> Vec<T> {
    items(value, pointer)
        .iter()
        .filter_map(|item| serde_json::from_value(item.clone()).ok())
        .collect()
}
