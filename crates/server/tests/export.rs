//! Export over real HTTP on both databases: a revision's manifests as a YAML download (Secret
//! values only for the owner who asks), and as a Helm chart that Helm's own engine lints and
//! renders back to the same objects, with images and replica counts taken from its values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod deploying;
mod support;

use common::{Backend, TestServer, field_paths};
use deploying::create;
use flate2::read::GzDecoder;
use kubechart_manifest::RenderOptions;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use serde_json::{Value, json};
use std::io::Read;
use support::{download, helm_render, sorted};

on_both_backends!(
    the_yaml_export_is_the_stored_manifest_with_secrets_only_for_the_owner,
    the_helm_chart_renders_the_same_objects_and_takes_images_and_replicas_from_values,
    export_refuses_bad_parameters_and_hides_from_other_users,
);

const SECRET_VALUE: &str = "s3cret-password-value";

/// An app with every kind of workload the chart templates, a ConfigMap whose text looks like a
/// template action, and a Secret.
fn spec() -> Value {
    json!({
        "name": "shop",
        "namespace": "shop",
        "createNamespace": true,
        "workloads": [
            {"name": "web", "replicas": 2,
             "initContainers": [{"name": "migrate", "image": "registry.example.com:5000/shop/migrate:2.0"}],
             "containers": [
                {"name": "web", "image": "nginx:1.27"},
                {"name": "sidecar", "image": "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
             ]},
            {"name": "db", "kind": "StatefulSet", "replicas": 1,
             "containers": [{"name": "postgres", "image": "postgres:16",
                "ports": [{"name": "pg", "containerPort": 5432}]}]},
            {"name": "report", "kind": "CronJob", "cronJob": {"schedule": "0 3 * * *"},
             "containers": [{"name": "report", "image": "busybox"}]},
        ],
        "services": [{"name": "db", "type": "Headless", "workload": "db", "ports": [{"port": 5432, "targetPort": "pg"}]}],
        "configMaps": [{"name": "greeting", "data": {"template.txt": "Hello {{ .Name }}, {{- not helm -}}"}}],
        "secrets": [{"name": "db", "data": {"password": SECRET_VALUE}}],
    })
}

/// What the server stored for the spec: the renderer is deterministic, so rendering it again
/// gives the stored bytes.
fn stored_manifest(spec: &Value) -> String {
    let spec = kubechart_manifest::spec_from_value(spec.clone()).unwrap();
    kubechart_manifest::render(&spec, &RenderOptions::default())
        .unwrap()
        .yaml
}

fn objects_of(yaml: &str) -> Vec<Value> {
    let documents: Vec<Value> = serde_saphyr::from_multiple(yaml).unwrap();
    sorted(documents.into_iter().filter(|d| !d.is_null()).collect())
}

/// The files of a chart archive, by path.
fn files_of(archive: &[u8]) -> Vec<(String, String)> {
    let mut tar = tar::Archive::new(GzDecoder::new(archive));
    tar.entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            (path, text)
        })
        .collect()
}

fn file<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
    files
        .iter()
        .find(|(name, _)| name == path)
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            )
        })
}

fn lint_problems(lint: &Value) -> Vec<Value> {
    let mut problems: Vec<Value> = lint["messages"]
        .as_array()
        .unwrap()
        .iter()
        // 2 = warning, 3 = error; information (a missing icon) is fine.
        .filter(|m| m["severity"].as_i64().unwrap() >= 2)
        .cloned()
        .collect();
    problems.extend(lint["errors"].as_array().into_iter().flatten().cloned());
    problems
}

fn object<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

async fn the_yaml_export_is_the_stored_manifest_with_secrets_only_for_the_owner(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let path = create(&server, &bob, None, spec()).await;

    let (status, headers, body) =
        download(&server, &format!("{path}/export?includeSecrets=true"), &bob).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[CONTENT_TYPE], "application/yaml");
    assert_eq!(
        headers[CONTENT_DISPOSITION],
        "attachment; filename=\"shop-r1.yaml\""
    );
    let yaml = String::from_utf8(body).unwrap();
    assert_eq!(yaml, stored_manifest(&spec()));
    assert!(yaml.contains(SECRET_VALUE) || yaml.contains(&base64(SECRET_VALUE)));

    // Without includeSecrets: the revision's redacted manifests, said so at the top.
    let (status, _, body) = download(&server, &format!("{path}/export"), &bob).await;
    assert_eq!(status, StatusCode::OK);
    let redacted = String::from_utf8(body).unwrap();
    let (_, revision) = server.get(&format!("{path}/revisions/1"), Some(&bob)).await;
    let (note, rest) = redacted.split_once('\n').unwrap();
    assert!(note.starts_with("# Secret values are redacted"), "{note}");
    assert_eq!(rest, revision["yaml"].as_str().unwrap());
    assert!(!redacted.contains(SECRET_VALUE) && !redacted.contains(&base64(SECRET_VALUE)));

    // An administrator sees the deployment but not its Secret values.
    let (status, _, body) = download(&server, &format!("{path}/export"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(String::from_utf8(body).unwrap(), redacted);
    let (status, body) = server
        .get(&format!("{path}/export?includeSecrets=true"), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");

    // An older revision stays exportable after an edit.
    let mut changed = spec();
    changed["workloads"][0]["replicas"] = json!(4);
    let (status, body) = server
        .call(
            reqwest::Method::PUT,
            &path,
            Some(&bob),
            Some(json!({"spec": changed, "revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, headers, body) =
        download(&server, &format!("{path}/export?includeSecrets=true"), &bob).await;
    assert_eq!(
        headers[CONTENT_DISPOSITION],
        "attachment; filename=\"shop-r2.yaml\""
    );
    assert_eq!(String::from_utf8(body).unwrap(), stored_manifest(&changed));
    let (_, _, body) = download(
        &server,
        &format!("{path}/export?revision=1&includeSecrets=true"),
        &bob,
    )
    .await;
    assert_eq!(String::from_utf8(body).unwrap(), stored_manifest(&spec()));
    server.stop().await;
}

async fn the_helm_chart_renders_the_same_objects_and_takes_images_and_replicas_from_values(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let path = create(&server, &bob, None, spec()).await;

    for include_secrets in [true, false] {
        let query = format!("includeSecrets={include_secrets}");
        let (status, headers, archive) =
            download(&server, &format!("{path}/export?format=helm&{query}"), &bob).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[CONTENT_TYPE], "application/gzip");
        assert_eq!(
            headers[CONTENT_DISPOSITION],
            "attachment; filename=\"shop-0.1.0.tgz\""
        );
        let (_, _, yaml) = download(&server, &format!("{path}/export?{query}"), &bob).await;
        let exported = objects_of(&String::from_utf8(yaml).unwrap());

        let files = files_of(&archive);
        let values: Value = serde_saphyr::from_str(file(&files, "shop/values.yaml")).unwrap();
        assert_eq!(values["workloads"]["web"]["replicas"], 2);
        assert_eq!(
            values["workloads"]["web"]["containers"]["web"]["image"],
            json!({"repository": "nginx", "tag": "1.27"})
        );
        assert_eq!(
            values["workloads"]["web"]["containers"]["migrate"]["image"],
            json!({"repository": "registry.example.com:5000/shop/migrate", "tag": "2.0"})
        );
        assert_eq!(
            values["workloads"]["report"]["containers"]["report"]["image"],
            json!({"repository": "busybox", "tag": ""})
        );
        assert!(values["workloads"]["report"].get("replicas").is_none());
        let notes = file(&files, "shop/templates/NOTES.txt");
        assert_eq!(
            notes.contains("Secret values are redacted"),
            !include_secrets,
            "{notes}"
        );

        let helm = helm_render(&archive, &json!({}));
        assert_eq!(
            lint_problems(&helm.lint),
            Vec::<Value>::new(),
            "{}",
            helm.lint
        );
        assert_eq!(helm.metadata["name"], "shop");
        assert_eq!(helm.metadata["version"], "0.1.0");
        assert_eq!(sorted(helm.objects), exported, "with the default values");

        let helm = helm_render(
            &archive,
            &json!({"workloads": {
                "web": {"replicas": 5, "containers": {"web": {"image": {"tag": "1.28"}}}},
                "db": {"containers": {"postgres": {"image": {"repository": "mirror.example.com/postgres"}}}},
            }}),
        );
        let rendered = sorted(helm.objects);
        let web = object(&rendered, "Deployment", "web");
        assert_eq!(web["spec"]["replicas"], 5);
        let images: Vec<&Value> = web["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["image"])
            .collect();
        assert_eq!(
            images,
            [
                &json!("nginx:1.28"),
                &json!(
                    "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                )
            ]
        );
        let db = object(&rendered, "StatefulSet", "db");
        assert_eq!(
            db["spec"]["template"]["spec"]["containers"][0]["image"],
            "mirror.example.com/postgres:16"
        );
        // Everything the values do not reach is as exported.
        let untouched = |objects: &[Value]| -> Vec<Value> {
            objects
                .iter()
                .filter(|o| !(o["kind"] == "Deployment" || o["kind"] == "StatefulSet"))
                .cloned()
                .collect()
        };
        assert_eq!(untouched(&rendered), untouched(&exported));
    }
    server.stop().await;
}

async fn export_refuses_bad_parameters_and_hides_from_other_users(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = server.register("alice").await;
    let (bob, _) = server.register("bob").await;
    let (carol, _) = server.register("carol").await;
    let path = create(&server, &bob, None, spec()).await;

    for (query, field) in [
        ("format=zip", "format"),
        ("revision=first", "revision"),
        ("includeSecrets=yes", "includeSecrets"),
    ] {
        let (status, body) = server
            .get(&format!("{path}/export?{query}"), Some(&bob))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(field_paths(&body), [field], "{query}: {body}");
    }
    let (status, body) = server
        .get(&format!("{path}/export?unknown=1"), Some(&bob))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = server
        .get(&format!("{path}/export?revision=7"), Some(&bob))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Someone else's deployment does not exist for carol, whatever she asks.
    for query in ["", "?format=helm", "?includeSecrets=true"] {
        let (status, body) = server
            .get(&format!("{path}/export{query}"), Some(&carol))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{query}: {body}");
    }
    let (status, _, _) = download(&server, &format!("{path}/export?format=helm"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get(&format!("{path}/export"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

fn base64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}
