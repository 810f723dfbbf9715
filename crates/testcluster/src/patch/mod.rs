//! Patch semantics: JSON patch, JSON merge patch, strategic merge patch and server-side apply.

pub mod apply;
pub mod fields;
pub mod lists;
pub mod merge;
pub mod strategic;

use serde_json::Value;

use crate::status::ApiError;

/// The patch flavours kube-apiserver accepts, by `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

impl PatchType {
    /// Maps a `Content-Type` header to a patch type.
    pub fn from_content_type(ct: &str) -> Result<Self, ApiError> {
        let base = ct.split(';').next().unwrap_or_default().trim();
        match base {
            "application/json-patch+json" => Ok(Self::Json),
            "application/merge-patch+json" => Ok(Self::Merge),
            "application/strategic-merge-patch+json" => Ok(Self::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Ok(Self::Apply),
            other => Err(ApiError::unsupported_media_type(other)),
        }
    }
}

/// Applies a non-apply patch body to an object.
pub fn apply_patch(
    kind: PatchType,
    target: &Value,
    body: &[u8],
    strategic_ok: bool,
) -> Result<Value, ApiError> {
    let patch: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    match kind {
        PatchType::Json => {
            let ops: json_patch::Patch = serde_json::from_value(patch)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            let mut doc = target.clone();
            json_patch::patch(&mut doc, &ops).map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(doc)
        }
        PatchType::Merge => Ok(merge::merge_patch(target, &patch)),
        PatchType::Strategic if strategic_ok => strategic::strategic_merge(target, &patch),
        PatchType::Strategic => Err(ApiError::unsupported_media_type(
            "application/strategic-merge-patch+json",
        )),
        PatchType::Apply => Err(ApiError::internal(
            "apply patches are handled by server-side apply",
        )),
    }
}
