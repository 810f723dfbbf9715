//! cert-manager Certificates; DNS names default to the hosts that use them.

use super::Object;
use super::meta::namespaced;
use crate::crd::Certificate;
use crate::crd::certificate::{CertificateSpec, IssuerReference};
use crate::refs::Refs;

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for certificate in &refs.spec.certificates {
        let spec = CertificateSpec {
            secret_name: certificate.secret(),
            issuer_ref: IssuerReference {
                name: certificate.issuer.name.clone(),
                kind: Some(certificate.issuer.kind.as_str().to_owned()),
                group: Some("cert-manager.io".to_owned()),
            },
            dns_names: refs.certificate_dns_names(certificate),
            duration: certificate.duration.clone(),
            renew_before: certificate.renew_before.clone(),
            ..Default::default()
        };
        out.push(Object::Certificate(Certificate::new(
            namespaced(refs, &certificate.name),
            spec,
        )));
    }
}
