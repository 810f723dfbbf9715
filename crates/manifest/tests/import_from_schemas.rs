//! Import, tested as a property from the other side than `properties.rs`: arbitrary objects of the
//! kinds the form models, built from the upstream schemas in `../shared/k8s-schemas/`, survive
//! `render(import(objects))` (issue 10 §4). Each object starts as a minimal valid object of its
//! kind and gains a random subset of the optional fields the schema lists, respecting types, enums
//! and integer formats, with bounded depth and size. The import either refuses with problems that
//! each name a path, or renders back the same objects, compared as the corpus test in `import.rs`
//! compares them. Deterministic: fixed seed, no persisted failures. Skips with a notice when the
//! schemas folder is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use kubechart_manifest::import::{ImportOptions, Outcome, import, without_server_fields};
use kubechart_manifest::{RenderOptions, render};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use support::oracle;

const CASES: u32 = 64;

/// The Kubernetes OpenAPI v3 components, merged over all documents, and the schema name of
/// each "apiVersion/kind".
struct Schemas {
    components: Map<String, Value>,
    by_kind: HashMap<String, String>,
}

impl Schemas {
    fn load(dir: &std::path::Path) -> Self {
        let mut components = Map::new();
        let mut by_kind = HashMap::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("openapi-v3"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            for (name, schema) in doc["components"]["schemas"]
                .as_object()
                .into_iter()
                .flatten()
            {
                for key in support::kinds_of(schema) {
                    by_kind.entry(key).or_insert_with(|| name.clone());
                }
                components
                    .entry(name.clone())
                    .or_insert_with(|| schema.clone());
            }
        }
        Self {
            components,
            by_kind,
        }
    }

    /// The schema with `$ref` and single-element `allOf` wrappers resolved, and the name of the
    /// component it came from.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> (&'a Value, Option<&'a str>) {
        let mut name = None;
        loop {
            if let Some(reference) = schema["$ref"].as_str() {
                let n = reference.trim_start_matches("#/components/schemas/");
                name = Some(n);
                schema = &self.components[n];
            } else if let Some([inner]) = schema["allOf"].as_array().map(Vec::as_slice) {
                schema = inner;
            } else {
                return (schema, name);
            }
        }
    }
}

/// The choices a case is made of: shrinking the tape (shorter, smaller numbers) gives smaller
/// objects, because choice 0 (also when the tape runs out) always means "leave it out" / "the
/// simplest value".
struct Tape {
    choices: Vec<u16>,
    next: usize,
    /// Optional fields still allowed in this object.
    budget: u32,
}

impl Tape {
    fn draw(&mut self, n: u32) -> u32 {
        let value = self.choices.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        u32::from(value) % n.max(1)
    }

    /// Whether to add an optional field (one chance in `odds`, while the budget lasts).
    fn optional(&mut self, odds: u32) -> bool {
        let take = self.budget > 0 && self.draw(odds) == 1;
        if take {
            self.budget -= 1;
        }
        take
    }
}

/// Fields never generated: what the API server writes (the import drops it anyway, and the
/// oracle too), and the identity the minimal object fixes.
const SKIPPED: [&str; 12] = [
    "status",
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "managedFields",
    "selfLink",
    "ownerReferences",
];

/// Field names the generator treats as Kubernetes names (DNS-1123 labels from a small pool, so
/// references between fields sometimes resolve).
const NAMES: [&str; 6] = ["web", "api", "data", "cache", "http", "a-1"];
const WORDS: [&str; 8] = ["web", "x", "a-b", "Hello", "v1.2", "80", "true", "a_b.c"];
const QUANTITIES: [&str; 7] = ["1", "100m", "1Gi", "512Mi", "0.5", "2k", "1e3"];

const MAX_DEPTH: usize = 5;

/// Objects whose fields form a union that the schemas only describe in prose ("exactly one of"):
/// a generated one gets exactly one member, drawn from the list, so most objects stay valid.
const ONE_OF: [(&str, &[&str]); 6] = [
    (
        "io.k8s.api.core.v1.Probe",
        &["exec", "httpGet", "tcpSocket", "grpc"],
    ),
    (
        "io.k8s.api.core.v1.LifecycleHandler",
        &["exec", "httpGet", "sleep", "tcpSocket"],
    ),
    (
        "io.k8s.api.core.v1.EnvFromSource",
        &["configMapRef", "secretRef"],
    ),
    (
        "io.k8s.api.core.v1.EnvVarSource",
        &[
            "configMapKeyRef",
            "fieldRef",
            "resourceFieldRef",
            "secretKeyRef",
        ],
    ),
    (
        "io.k8s.api.core.v1.Volume",
        &[
            "configMap",
            "emptyDir",
            "persistentVolumeClaim",
            "projected",
            "secret",
            "hostPath",
            "downwardAPI",
        ],
    ),
    (
        "io.k8s.api.networking.v1.IngressBackend",
        &["service", "resource"],
    ),
];

struct Generator<'a> {
    schemas: &'a Schemas,
    tape: Tape,
}

impl Generator<'_> {
    /// `base` augmented with optional fields of `schema`; `depth` counts levels below the first
    /// field that `base` does not have.
    fn augment(&mut self, schema: &Value, base: &Value, depth: usize) -> Value {
        let (schema, _) = self.schemas.resolve(schema);
        match base {
            Value::Object(fields) if schema["properties"].is_object() => {
                let mut out = fields.clone();
                let properties = schema["properties"].as_object().unwrap();
                let mut keys: Vec<&String> = properties.keys().collect();
                keys.sort();
                for key in keys {
                    if let Some(existing) = fields.get(key.as_str()) {
                        let value = self.augment(&properties[key], existing, depth);
                        out.insert(key.clone(), value);
                    } else if !SKIPPED.contains(&key.as_str())
                        && self.tape.optional(6)
                        && let Some(value) = self.generate(&properties[key], key, depth + 1)
                    {
                        out.insert(key.clone(), value);
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) if schema["items"].is_object() => Value::Array(
                items
                    .iter()
                    .map(|item| self.augment(&schema["items"], item, depth))
                    .collect(),
            ),
            _ => base.clone(),
        }
    }

    /// A new value for `schema` (the field is called `key`), or `None` for what the schema says
    /// too little about to generate.
    fn generate(&mut self, schema: &Value, key: &str, depth: usize) -> Option<Value> {
        let (schema, component) = self.schemas.resolve(schema);
        if let Some(values) = schema["enum"].as_array().filter(|v| !v.is_empty()) {
            return Some(values[self.tape.draw(values.len() as u32) as usize].clone());
        }
        match component {
            Some("io.k8s.apimachinery.pkg.api.resource.Quantity") => {
                return Some(json!(
                    QUANTITIES[self.tape.draw(QUANTITIES.len() as u32) as usize]
                ));
            }
            Some("io.k8s.apimachinery.pkg.util.intstr.IntOrString") => {
                return Some(match self.tape.draw(4) {
                    0 => json!(80),
                    1 => json!("http"),
                    2 => json!("25%"),
                    _ => json!(self.tape.draw(65535) + 1),
                });
            }
            Some("io.k8s.apimachinery.pkg.apis.meta.v1.Time")
            | Some("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime") => {
                return Some(json!("2026-01-02T03:04:05Z"));
            }
            _ => {}
        }
        match schema["type"].as_str() {
            Some("string") => Some(match schema["format"].as_str() {
                Some("byte") => json!(["", "aGVsbG8=", "AAEC/w=="][self.tape.draw(3) as usize]),
                Some("date-time") => json!("2026-01-02T03:04:05Z"),
                _ => json!(self.string(key)),
            }),
            Some("integer") => {
                let small = i64::from(self.tape.draw(100));
                Some(json!(
                    match (self.tape.draw(10), schema["format"].as_str()) {
                        (9, Some("int64")) => i64::MAX,
                        (9, _) => i64::from(i32::MAX),
                        _ => small,
                    }
                ))
            }
            Some("number") => Some(json!(f64::from(self.tape.draw(8)) + 0.5)),
            Some("boolean") => Some(json!(self.tape.draw(2) == 1)),
            Some("array") if depth <= MAX_DEPTH => {
                let count = 1 + self.tape.draw(2) as usize;
                let item_key = key.trim_end_matches('s');
                let mut items: Vec<Value> = (0..count)
                    .filter_map(|_| self.generate(&schema["items"], item_key, depth + 1))
                    .collect();
                dedupe(&mut items, schema);
                Some(Value::Array(items))
            }
            Some("object") | None if schema["properties"].is_object() => {
                if depth > MAX_DEPTH && !schema["required"].is_array() {
                    return None;
                }
                let mut out = Map::new();
                let mut required: BTreeSet<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                // Unions the schema states only in words: exactly one member, the rest left out.
                let union = ONE_OF
                    .iter()
                    .find(|(name, _)| component == Some(*name))
                    .map(|(_, members)| *members)
                    .unwrap_or_default();
                // References name what they refer to, though the schemas leave `name` optional.
                if properties_have_name(schema) {
                    required.insert("name");
                }
                if component == Some("io.k8s.api.core.v1.Container") {
                    required.insert("image");
                }
                if !union.is_empty() {
                    required.insert(union[self.tape.draw(union.len() as u32) as usize]);
                }
                let properties = schema["properties"].as_object().unwrap();
                let mut keys: Vec<&String> = properties.keys().collect();
                keys.sort();
                for key in keys {
                    let wanted = required.contains(key.as_str())
                        || (depth <= MAX_DEPTH
                            && !union.contains(&key.as_str())
                            && !SKIPPED.contains(&key.as_str())
                            && self.tape.optional(4));
                    if wanted && let Some(value) = self.generate(&properties[key], key, depth + 1) {
                        out.insert(key.clone(), value);
                    }
                }
                Some(Value::Object(out))
            }
            Some("object") if schema["additionalProperties"].is_object() => {
                if depth > MAX_DEPTH {
                    return None;
                }
                let count = 1 + self.tape.draw(2);
                let mut out = Map::new();
                for i in 0..count {
                    let name = self.map_key(key, i);
                    let item = &schema["additionalProperties"];
                    if let Some(value) = self.generate(item, key, depth + 1) {
                        out.insert(name, value);
                    }
                }
                Some(Value::Object(out))
            }
            _ => None,
        }
    }

    fn string(&mut self, key: &str) -> String {
        let lower = key.to_ascii_lowercase();
        if lower.ends_with("name") || lower == "container" || lower == "item" {
            NAMES[self.tape.draw(NAMES.len() as u32) as usize].to_owned()
        } else if lower.contains("path") {
            ["/", "/data", "/api/v1"][self.tape.draw(3) as usize].to_owned()
        } else {
            WORDS[self.tape.draw(WORDS.len() as u32) as usize].to_owned()
        }
    }

    fn map_key(&mut self, field: &str, i: u32) -> String {
        match field {
            "labels" | "annotations" | "matchLabels" | "selector" | "nodeSelector" => {
                ["app", "tier", "example.com/team", "version"][self.tape.draw(4) as usize]
                    .to_owned()
            }
            "requests" | "limits" | "capacity" => {
                ["cpu", "memory", "ephemeral-storage"][self.tape.draw(3) as usize].to_owned()
            }
            _ => format!("key-{i}.{}", self.tape.draw(3)),
        }
    }
}

fn properties_have_name(schema: &Value) -> bool {
    schema["properties"].get("name").is_some()
}

/// Removes items that repeat the key of an earlier one in lists the schema says are maps
/// (`x-kubernetes-list-map-keys`) or sets, as the API server would refuse them.
fn dedupe(items: &mut Vec<Value>, schema: &Value) {
    let keys: Vec<&str> = schema["x-kubernetes-list-map-keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let set = schema["x-kubernetes-list-type"] == "set";
    if keys.is_empty() && !set {
        return;
    }
    let mut seen = BTreeSet::new();
    items.retain(|item| {
        let identity = if set {
            item.to_string()
        } else {
            keys.iter()
                .map(|k| item[k].to_string())
                .collect::<Vec<_>>()
                .join("/")
        };
        seen.insert(identity)
    });
}

/// The minimal valid object of each kind covered.
fn minimal(kind: &str) -> Value {
    let metadata = json!({"name": "web", "namespace": "shop"});
    let container = json!({"name": "web", "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 80}]});
    let pod = json!({"containers": [container]});
    let template = json!({"metadata": {"labels": {"app": "web"}}, "spec": pod});
    let selector = json!({"matchLabels": {"app": "web"}});
    let (api_version, spec_field, spec) = match kind {
        "Deployment" | "DaemonSet" => (
            "apps/v1",
            "spec",
            json!({"selector": selector, "template": template}),
        ),
        "StatefulSet" => (
            "apps/v1",
            "spec",
            json!({"selector": selector, "serviceName": "web", "template": template}),
        ),
        "Service" => (
            "v1",
            "spec",
            json!({"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}),
        ),
        "ConfigMap" => ("v1", "data", json!({"app.conf": "a = 1\n"})),
        "Secret" => ("v1", "data", json!({"password": "c2VjcmV0"})),
        "Ingress" => (
            "networking.k8s.io/v1",
            "spec",
            json!({"rules": [{"host": "shop.example.com", "http": {"paths": [{
                "path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}),
        ),
        "CronJob" => (
            "batch/v1",
            "spec",
            json!({"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "containers": [container],
                "restartPolicy": "OnFailure"}}}}}),
        ),
        "PersistentVolumeClaim" => (
            "v1",
            "spec",
            json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}),
        ),
        "NetworkPolicy" => (
            "networking.k8s.io/v1",
            "spec",
            json!({"podSelector": {"matchLabels": {"app": "web"}}}),
        ),
        "Role" => (
            "rbac.authorization.k8s.io/v1",
            "rules",
            json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]),
        ),
        "HorizontalPodAutoscaler" => (
            "autoscaling/v2",
            "spec",
            json!({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "maxReplicas": 3, "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 80}}}]}),
        ),
        "PodDisruptionBudget" => (
            "policy/v1",
            "spec",
            json!({"selector": selector, "minAvailable": 1}),
        ),
        other => panic!("no minimal object for {other}"),
    };
    let mut object = json!({"apiVersion": api_version, "kind": kind, "metadata": metadata});
    object[spec_field] = spec;
    object
}

const KINDS: [&str; 13] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Service",
    "ConfigMap",
    "Secret",
    "Ingress",
    "CronJob",
    "PersistentVolumeClaim",
    "NetworkPolicy",
    "Role",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
];

fn object_of(schemas: &Schemas, kind: &str, choices: Vec<u16>) -> Value {
    let base = minimal(kind);
    let key = format!("{}/{kind}", base["apiVersion"].as_str().unwrap());
    let name = &schemas.by_kind[&key];
    let schema = json!({"$ref": format!("#/components/schemas/{name}")});
    let mut generator = Generator {
        schemas,
        tape: Tape {
            choices,
            next: 0,
            budget: 24,
        },
    };
    generator.augment(&schema, &base, 0)
}

/// The minimal objects imported along with an object of `kind`, so that its form entry has what
/// it refers to (a Service needs a workload to send traffic to, an Ingress a Service, an autoscaler a workload
/// with requests).
fn companions(kind: &str) -> Vec<Value> {
    match kind {
        "Service" | "PodDisruptionBudget" => vec![minimal("Deployment")],
        "HorizontalPodAutoscaler" => {
            // Utilization is measured against the containers' requests.
            let mut workload = minimal("Deployment");
            workload["spec"]["template"]["spec"]["containers"][0]["resources"] =
                json!({"requests": {"cpu": "100m", "memory": "64Mi"}});
            vec![workload]
        }
        "Ingress" => vec![minimal("Deployment"), minimal("Service")],
        _ => vec![],
    }
}

/// The law for `objects`; `Ok(outcome)` says where the first ended up (`None`: refused).
fn check(objects: &[Value]) -> Result<Option<Outcome>, TestCaseError> {
    let imported = match import(objects.to_vec(), &ImportOptions::default()) {
        Err(error) => {
            prop_assert!(!error.problems.is_empty(), "refused without a problem");
            for problem in &error.problems {
                prop_assert!(
                    !problem.path.is_empty(),
                    "a problem without a path: {problem}"
                );
            }
            return Ok(None);
        }
        Ok(imported) => imported,
    };
    let rendered = render(&imported.spec, &RenderOptions::default())
        .map_err(|e| TestCaseError::fail(format!("the imported spec does not render: {e}")))?;
    prop_assert_eq!(imported.report.objects.len(), objects.len());
    let mut kept = 0;
    for (object, report) in objects.iter().zip(&imported.report.objects) {
        if report.outcome == Outcome::Refused {
            continue;
        }
        kept += 1;
        let got = rendered
            .manifests
            .iter()
            .find(|m| {
                m["kind"] == report.kind.as_str() && m["metadata"]["name"] == report.name.as_str()
            })
            .ok_or_else(|| {
                TestCaseError::fail(format!("{} {} is not rendered", report.kind, report.name))
            })?;
        let want = oracle(object, report.outcome, &imported);
        let got = without_server_fields(got);
        prop_assert!(
            got == want,
            "{} {} ({:?}) does not render back\n got: {}\nwant: {}\nreport: {:#?}",
            report.kind,
            report.name,
            report.outcome,
            got,
            want,
            imported.report.lines()
        );
    }
    prop_assert_eq!(rendered.resource_count, kept, "objects from nowhere");
    let first = imported.report.objects[0].outcome;
    Ok((first != Outcome::Refused).then_some(first))
}

#[test]
fn objects_built_from_the_upstream_schemas_render_back_after_import() {
    let Some(dir) = support::schemas_dir("import-from-schemas test", &["openapi-v3"]) else {
        return;
    };
    let schemas = Schemas::load(&dir);
    let mut failures = Vec::new();
    for kind in KINDS {
        let config = Config {
            cases: CASES,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(0x6b75_6265_6368_6172),
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let outcomes = std::cell::RefCell::new(Vec::new());
        let result = runner.run(
            &proptest::collection::vec(any::<u16>(), 0..600),
            |choices| {
                let mut objects = vec![object_of(&schemas, kind, choices)];
                objects.extend(companions(kind));
                let outcome = check(&objects)
                    .map_err(|e| TestCaseError::fail(format!("{e}\ninput: {}", objects[0])))?;
                outcomes.borrow_mut().push(outcome);
                Ok(())
            },
        );
        let outcomes = outcomes.into_inner();
        let count = |o: Option<Outcome>| outcomes.iter().filter(|x| **x == o).count();
        println!(
            "{kind}: {} cases: {} form, {} extra objects, {} refused",
            outcomes.len(),
            count(Some(Outcome::Form)),
            count(Some(Outcome::ExtraObject)),
            count(None)
        );
        if let Err(error) = result {
            failures.push(format!("{kind}: {error}"));
        } else if count(Some(Outcome::Form)) < CASES as usize / 4 {
            // Keeping everything as written would pass trivially: at least a quarter of the
            // objects must reach their form entry (with overrides) for the property to say
            // something about it.
            failures.push(format!(
                "{kind}: only {} of {CASES} objects became form entries",
                count(Some(Outcome::Form))
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
