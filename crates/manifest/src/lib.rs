//! The AppSpec form model and the pure renderer that turns it into Kubernetes manifests.
