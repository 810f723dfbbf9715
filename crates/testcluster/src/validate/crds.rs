//! The structural-schema rules the CRDs we serve enforce on the fields KubeChart uses (written
//! from reading the upstream CRDs: required fields, enums, patterns, list limits, ranges).

use serde_json::{Value, json};

use crate::status::Cause;
use crate::validate::is_dns1123_subdomain;

/// One constraint on the values found at a path.
enum Rule {
    Required,
    Enum(&'static [&'static str]),
    MaxItems(usize),
    MinItems(usize),
    Range(i64, i64),
    Hostname,
}

/// `(path, rule)`; `[*]` walks every list item.
type Rules = &'static [(&'static str, Rule)];

const HTTP_ROUTE: Rules = &[
    ("spec", Rule::Required),
    ("spec.hostnames", Rule::MaxItems(16)),
    ("spec.hostnames[*]", Rule::Hostname),
    ("spec.parentRefs", Rule::MaxItems(32)),
    ("spec.parentRefs[*].name", Rule::Required),
    ("spec.parentRefs[*].port", Rule::Range(1, 65535)),
    ("spec.rules", Rule::MaxItems(16)),
    ("spec.rules[*].matches", Rule::MaxItems(64)),
    (
        "spec.rules[*].matches[*].path.type",
        Rule::Enum(&["Exact", "PathPrefix", "RegularExpression"]),
    ),
    ("spec.rules[*].backendRefs", Rule::MaxItems(16)),
    ("spec.rules[*].backendRefs[*].name", Rule::Required),
    ("spec.rules[*].backendRefs[*].port", Rule::Range(1, 65535)),
    (
        "spec.rules[*].backendRefs[*].weight",
        Rule::Range(0, 1_000_000),
    ),
];

const GATEWAY: Rules = &[
    ("spec", Rule::Required),
    ("spec.gatewayClassName", Rule::Required),
    ("spec.listeners", Rule::Required),
    ("spec.listeners", Rule::MinItems(1)),
    ("spec.listeners", Rule::MaxItems(64)),
    ("spec.listeners[*].name", Rule::Required),
    ("spec.listeners[*].port", Rule::Required),
    ("spec.listeners[*].port", Rule::Range(1, 65535)),
    ("spec.listeners[*].protocol", Rule::Required),
    ("spec.listeners[*].hostname", Rule::Hostname),
];

const CERTIFICATE: Rules = &[
    ("spec", Rule::Required),
    ("spec.secretName", Rule::Required),
    ("spec.issuerRef", Rule::Required),
    ("spec.issuerRef.name", Rule::Required),
    (
        "spec.signatureAlgorithm",
        Rule::Enum(&[
            "SHA256WithRSA",
            "SHA384WithRSA",
            "SHA512WithRSA",
            "ECDSAWithSHA256",
            "ECDSAWithSHA384",
            "ECDSAWithSHA512",
            "PureEd25519",
        ]),
    ),
    (
        "spec.privateKey.algorithm",
        Rule::Enum(&["RSA", "ECDSA", "Ed25519"]),
    ),
    (
        "spec.privateKey.rotationPolicy",
        Rule::Enum(&["Never", "Always"]),
    ),
];

const ISSUER: Rules = &[
    ("spec", Rule::Required),
    ("spec.ca.secretName", Rule::Required),
    ("spec.acme.server", Rule::Required),
    ("spec.acme.privateKeySecretRef", Rule::Required),
];

const BACKEND_TRAFFIC_POLICY: Rules = &[
    ("spec", Rule::Required),
    ("spec.targetRef.group", Rule::Required),
    ("spec.targetRef.kind", Rule::Required),
    ("spec.targetRef.name", Rule::Required),
    ("spec.targetRefs[*].group", Rule::Required),
    ("spec.targetRefs[*].kind", Rule::Required),
    ("spec.targetRefs[*].name", Rule::Required),
    ("spec.loadBalancer.type", Rule::Required),
    (
        "spec.loadBalancer.type",
        Rule::Enum(&[
            "ConsistentHash",
            "LeastRequest",
            "Random",
            "RoundRobin",
            "BackendUtilization",
        ]),
    ),
];

fn rules_for(kind: &str) -> Rules {
    match kind {
        "HTTPRoute" => HTTP_ROUTE,
        "Gateway" => GATEWAY,
        "Certificate" => CERTIFICATE,
        "Issuer" | "ClusterIssuer" => ISSUER,
        "BackendTrafficPolicy" => BACKEND_TRAFFIC_POLICY,
        _ => &[],
    }
}

/// Expands `a.b[*].c` against an object into the concrete (path, value) pairs whose parent
/// exists; the value is `None` when the last field is absent.
fn resolve<'a>(obj: &'a Value, path: &str) -> Vec<(String, Option<&'a Value>)> {
    let mut current: Vec<(String, &Value)> = vec![(String::new(), obj)];
    let segments: Vec<&str> = path.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let (field, each) = match seg.strip_suffix("[*]") {
            Some(f) => (f, true),
            None => (*seg, false),
        };
        let mut next = Vec::new();
        for (prefix, v) in current {
            let p = if prefix.is_empty() {
                field.to_string()
            } else {
                format!("{prefix}.{field}")
            };
            match v.get(field).filter(|x| !x.is_null()) {
                None if last && !each => return_missing(&mut next, p),
                None => {}
                Some(child) if each => {
                    for (j, item) in child.as_array().into_iter().flatten().enumerate() {
                        next.push((format!("{p}[{j}]"), Some(item)));
                    }
                }
                Some(child) => next.push((p, Some(child))),
            }
        }
        if last {
            return next;
        }
        current = next
            .into_iter()
            .filter_map(|(p, v)| v.map(|v| (p, v)))
            .collect();
    }
    Vec::new()
}

fn return_missing(out: &mut Vec<(String, Option<&Value>)>, path: String) {
    out.push((path, None));
}

/// Validates a custom resource.
pub fn validate(kind: &str, obj: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    for (path, rule) in rules_for(kind) {
        for (field, value) in resolve(obj, path) {
            match (rule, value) {
                (Rule::Required, None) => causes.push(Cause::required(field)),
                (Rule::Required, Some(v)) if v.as_str() == Some("") => {
                    causes.push(Cause::required(field))
                }
                (_, None) | (Rule::Required, Some(_)) => {}
                (Rule::Enum(allowed), Some(v)) => {
                    if !v.as_str().is_some_and(|s| allowed.contains(&s)) {
                        causes.push(Cause::not_supported(field, v, allowed));
                    }
                }
                (Rule::MaxItems(max), Some(v)) => {
                    let n = v.as_array().map_or(0, Vec::len);
                    if n > *max {
                        causes.push(Cause::too_many(field, n, *max));
                    }
                }
                (Rule::MinItems(min), Some(v)) => {
                    if v.as_array().map_or(0, Vec::len) < *min {
                        causes.push(Cause::invalid(
                            field.clone(),
                            v,
                            format!("{field} in body should have at least {min} items"),
                        ));
                    }
                }
                (Rule::Range(lo, hi), Some(v)) => match v.as_i64() {
                    Some(n) if n < *lo => causes.push(Cause::invalid(
                        field.clone(),
                        v,
                        format!("{field} in body should be greater than or equal to {lo}"),
                    )),
                    Some(n) if n > *hi => causes.push(Cause::invalid(
                        field.clone(),
                        v,
                        format!("{field} in body should be less than or equal to {hi}"),
                    )),
                    _ => {}
                },
                (Rule::Hostname, Some(v)) => {
                    let s = v.as_str().unwrap_or_default();
                    let host = s.strip_prefix("*.").unwrap_or(s);
                    if s.len() > 253 || !is_dns1123_subdomain(host) {
                        causes.push(Cause::invalid(
                            field.clone(),
                            &json!(s),
                            format!("{field} in body should match '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'"),
                        ));
                    }
                }
            }
        }
    }
    causes
}

/// Whether a cron schedule has five fields (or is a `@` macro), each with cron syntax.
pub fn valid_cron(s: &str) -> bool {
    if let Some(m) = s.strip_prefix('@') {
        return [
            "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly",
        ]
        .contains(&m);
    }
    let s = s
        .strip_prefix("CRON_TZ=")
        .or_else(|| s.strip_prefix("TZ="))
        .map_or(s, |rest| rest.split_once(' ').map_or("", |(_, r)| r));
    let fields: Vec<&str> = s.split_whitespace().collect();
    fields.len() == 5
        && fields.iter().all(|f| {
            f.chars()
                .all(|c| c.is_ascii_alphanumeric() || "*/,-?".contains(c))
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn certificate_requires_secret_name_and_issuer() {
        let causes = validate(
            "Certificate",
            &json!({"spec": {"dnsNames": ["a.example.com"]}}),
        );
        let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["spec.secretName", "spec.issuerRef"]);
    }

    #[test]
    fn httproute_limits_and_enums() {
        let hostnames: Vec<String> = (0..17).map(|i| format!("h{i}.example.com")).collect();
        let route = json!({"spec": {"hostnames": hostnames, "rules": [{"matches": [{"path": {"type": "Prefix", "value": "/"}}]}]}});
        let causes = validate("HTTPRoute", &route);
        assert!(causes.iter().any(|c| c.field == "spec.hostnames"
            && c.message == "Too many: 17: must have at most 16 items"));
        assert!(
            causes
                .iter()
                .any(|c| c.field == "spec.rules[0].matches[0].path.type"
                    && c.reason == "FieldValueNotSupported")
        );
    }

    #[test]
    fn cron_schedules() {
        assert!(valid_cron("*/5 * * * *"));
        assert!(valid_cron("@daily"));
        assert!(!valid_cron("every minute"));
    }
}
