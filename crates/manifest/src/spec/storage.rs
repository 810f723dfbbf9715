//! PersistentVolumeClaims and PersistentVolumes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// # PersistentVolumeClaim
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersistentVolumeClaimSpec {
    /// Name (DNS-1123 subdomain); mount it with source `persistentVolumeClaim`.
    pub name: String,
    /// Size, e.g. `20Gi`.
    pub size: String,
    /// # Access modes
    ///
    /// Defaults to ReadWriteOnce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<AccessMode>,
    /// Storage class; the cluster default when empty, `""` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// # Volume mode
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<VolumeMode>,
    /// Bind to this PersistentVolume (one of `persistentVolumes` or an existing one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_name: Option<String>,
}

/// # Volume mode
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum VolumeMode {
    /// A mounted filesystem.
    Filesystem,
    /// A raw block device.
    Block,
}

/// # Reclaim policy
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum ReclaimPolicy {
    /// Keep the data when the claim is deleted.
    #[default]
    Retain,
    /// Delete the storage with the claim.
    Delete,
    /// Scrub and reuse (deprecated).
    Recycle,
}

impl ReclaimPolicy {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Retain => "Retain",
            Self::Delete => "Delete",
            Self::Recycle => "Recycle",
        }
    }
}

/// # PersistentVolume source
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum PvSource {
    /// A directory on the node (single-node clusters and tests).
    #[serde(rename_all = "camelCase")]
    HostPath {
        /// Absolute path on the node.
        path: String,
        /// Type check, e.g. `DirectoryOrCreate`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path_type: Option<String>,
    },
    /// An NFS export.
    #[serde(rename_all = "camelCase")]
    Nfs {
        /// Server host name or IP.
        server: String,
        /// Exported path.
        path: String,
        /// Mount read-only.
        #[serde(default, skip_serializing_if = "super::is_false")]
        read_only: bool,
    },
    /// A CSI driver volume.
    #[serde(rename_all = "camelCase")]
    Csi {
        /// Driver name, e.g. `ebs.csi.aws.com`.
        driver: String,
        /// The driver's volume id.
        volume_handle: String,
        /// Filesystem type, e.g. `ext4`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fs_type: Option<String>,
        /// Mount read-only.
        #[serde(default, skip_serializing_if = "super::is_false")]
        read_only: bool,
    },
}

/// # PersistentVolume
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersistentVolumeSpec {
    /// Name (DNS-1123 subdomain, cluster-wide).
    pub name: String,
    /// Capacity, e.g. `100Gi`.
    pub capacity: String,
    /// Access modes; defaults to ReadWriteOnce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<AccessMode>,
    /// # Reclaim policy
    #[serde(default)]
    pub reclaim_policy: ReclaimPolicy,
    /// Storage class this volume belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// # Volume mode
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<VolumeMode>,
    /// # Source
    pub source: PvSource,
    /// # Reserve for claim
    ///
    /// Name of a claim in `persistentVolumeClaims`: the volume is pre-bound to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
}

/// # Access mode
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AccessMode {
    /// Read-write by the pods of one node.
    ReadWriteOnce,
    /// Read-only by many nodes.
    ReadOnlyMany,
    /// Read-write by many nodes.
    ReadWriteMany,
    /// Read-write by one pod.
    ReadWriteOncePod,
}

impl AccessMode {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadWriteOnce => "ReadWriteOnce",
            Self::ReadOnlyMany => "ReadOnlyMany",
            Self::ReadWriteMany => "ReadWriteMany",
            Self::ReadWriteOncePod => "ReadWriteOncePod",
        }
    }
}

/// The access modes a claim or volume gets when none are given.
pub(crate) fn access_modes_or_default(modes: &[AccessMode]) -> Vec<String> {
    if modes.is_empty() {
        vec![AccessMode::ReadWriteOnce.as_str().to_owned()]
    } else {
        modes.iter().map(|m| m.as_str().to_owned()).collect()
    }
}

impl VolumeMode {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filesystem => "Filesystem",
            Self::Block => "Block",
        }
    }
}
