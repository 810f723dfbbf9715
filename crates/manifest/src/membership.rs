//! Which app an object belongs to, recorded on the object itself (KEP-3659 ApplySet labels), so
//! that prune can confirm membership before deleting and kubectl's ApplySet tooling sees the same set.
//!
//! An app is identified by its namespace and name: a cluster holds at most one live deployment of
//! each, so the set identity follows from the spec and the preview, the stored YAML and the applied
//! objects always carry the same labels.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Label on every member: the id of the set it belongs to. The source of truth for membership.
pub const APPLYSET_PART_OF_LABEL: &str = "applyset.kubernetes.io/part-of";
/// Label on the parent object: the set's id.
pub const APPLYSET_ID_LABEL: &str = "applyset.kubernetes.io/id";
/// Annotation on the parent: the tool that owns the set (`kubechart/v…`); other tools must not touch it.
pub const APPLYSET_TOOLING_ANNOTATION: &str = "applyset.kubernetes.io/tooling";
/// Annotation on the parent: sorted `Kind.group` list of every kind the set may contain.
pub const APPLYSET_GROUP_KINDS_ANNOTATION: &str = "applyset.kubernetes.io/contains-group-kinds";
/// Annotation on the parent: sorted namespaces other than the parent's that hold members.
pub const APPLYSET_NAMESPACES_ANNOTATION: &str = "applyset.kubernetes.io/additional-namespaces";

/// The ApplySet of one app: its parent Secret and the id every member is labelled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplySet {
    /// Name of the parent Secret.
    pub parent_name: String,
    /// Namespace of the parent Secret: the app's namespace.
    pub namespace: String,
    /// `applyset-<hash>-v1`, the value of the part-of label.
    pub id: String,
}

impl ApplySet {
    /// The set of the app called `name` in `namespace`.
    pub fn of_app(name: &str, namespace: &str) -> Self {
        let parent_name = format!("kubechart-{name}");
        // KEP-3659: base64url (no padding) of sha256("<name>.<namespace>.<kind>.<group>").
        let digest = Sha256::digest(format!("{parent_name}.{namespace}.Secret."));
        Self {
            id: format!("applyset-{}-v1", URL_SAFE_NO_PAD.encode(digest)),
            parent_name,
            namespace: namespace.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_kubectls_hash_of_the_parent_and_fits_a_label() {
        let set = ApplySet::of_app("shop", "prod");
        assert_eq!(set.parent_name, "kubechart-shop");
        assert!(set.id.starts_with("applyset-") && set.id.ends_with("-v1"));
        // 32 bytes of SHA-256 are 43 base64 characters without padding.
        assert_eq!(set.id.len(), "applyset-".len() + 43 + "-v1".len());
        assert!(set.id.len() <= 63);
        assert_ne!(set.id, ApplySet::of_app("shop", "staging").id);
        assert_eq!(set, ApplySet::of_app("shop", "prod"));
    }
}
