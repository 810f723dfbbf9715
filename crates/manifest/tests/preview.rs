//! Preview mode, warnings, the JSON Schema and the `.env` import through the public API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use kubechart_manifest::{RenderOptions, json_schema, parse_spec, render};

fn example(name: &str) -> kubechart_manifest::AppSpec {
    let text = support::examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap()
        .1;
    parse_spec(&text).unwrap()
}

#[test]
fn preview_redacts_every_secret_value_but_keeps_the_keys() {
    let spec = example("web-ingress");
    let plain = render(&spec, &RenderOptions::default()).unwrap();
    let preview = render(
        &spec,
        &RenderOptions {
            redact_secrets: true,
        },
    )
    .unwrap();
    assert!(
        plain.yaml.contains("cG9zdGdyZXM6Ly9zaG9w"),
        "the real render carries the base64 value"
    );
    for secret_text in [
        "s3cret",
        "cG9zdGdyZXM6Ly9zaG9w",
        "ghp_example_token",
        "eyJhdXRocyI6",
    ] {
        assert!(
            !preview.yaml.contains(secret_text),
            "{secret_text} leaked into the preview"
        );
    }
    let secret = preview
        .manifests
        .iter()
        .find(|m| m["kind"] == "Secret" && m["metadata"]["name"] == "shop-db")
        .unwrap();
    assert_eq!(secret["stringData"]["url"], "<redacted>");
    assert!(secret.get("data").is_none());
    assert_eq!(plain.objects, preview.objects);
}

#[test]
fn warnings_flag_risky_choices() {
    let spec = parse_spec("name: a\nworkloads: [{name: w, replicas: 1, containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 80}]}]}]\nservices: [{ports: [{port: 80, targetPort: http}]}]").unwrap();
    let warnings = render(&spec, &RenderOptions::default()).unwrap().warnings;
    for wanted in [
        "containers[0].image",
        "limits.memory",
        "readinessProbe",
        "workloads[0].replicas",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(wanted)),
            "no warning about {wanted}: {warnings:?}"
        );
    }
    let pinned = render(&example("web-ingress"), &RenderOptions::default())
        .unwrap()
        .warnings;
    assert!(pinned.is_empty(), "{pinned:?}");
}

#[test]
fn schema_documents_titles_defaults_and_enums() {
    let schema = json_schema();
    let text = schema.to_string();
    assert_eq!(schema["title"], "Application");
    assert_eq!(schema["properties"]["namespace"]["default"], "default");
    assert_eq!(schema["properties"]["name"]["title"], "Application name");
    for kind in [
        "Deployment",
        "StatefulSet",
        "Job",
        "CronJob",
        "Pod",
        "ReplicaSet",
    ] {
        assert!(
            text.contains(&format!("\"{kind}\"")),
            "{kind} missing from the schema"
        );
    }
    assert!(
        schema["required"]
            .as_array()
            .unwrap()
            .contains(&"name".into())
    );
}

#[test]
fn dotenv_text_fills_key_values() {
    let values = kubechart_manifest::parse_dotenv("A=1\nexport B='two words'\n").unwrap();
    assert_eq!(values.get("B").map(String::as_str), Some("two words"));
    let rendered = render(&example("nightly-backup"), &RenderOptions::default()).unwrap();
    let secret = rendered
        .manifests
        .iter()
        .find(|m| m["kind"] == "Secret")
        .unwrap();
    assert!(secret["data"]["url"].is_string());
}

#[test]
fn every_object_is_labelled_as_a_member_of_the_apps_set_and_no_pod_template_is() {
    let spec = example("web-ingress");
    let set = kubechart_manifest::ApplySet::of_app(&spec.name, &spec.namespace);
    let rendered = render(&spec, &RenderOptions::default()).unwrap();
    for manifest in &rendered.manifests {
        assert_eq!(
            manifest["metadata"]["labels"][kubechart_manifest::APPLYSET_PART_OF_LABEL],
            set.id.as_str(),
            "{manifest}"
        );
        // Pods of a workload are not members: a prune by label must never select them.
        let template = &manifest["spec"]["template"]["metadata"]["labels"];
        assert!(
            template
                .get(kubechart_manifest::APPLYSET_PART_OF_LABEL)
                .is_none()
        );
    }
    let mut spec_with_override = spec.clone();
    spec_with_override.overrides.push(
        kubechart_manifest::parse_spec(
            "name: x\noverrides: [{kind: ConfigMap, name: shop-config, patch: {metadata: {labels: {applyset.kubernetes.io/part-of: null}}}}]",
        )
        .unwrap()
        .overrides
        .remove(0),
    );
    let overridden = render(&spec_with_override, &RenderOptions::default()).unwrap();
    assert!(overridden.manifests.iter().all(|m| {
        m["metadata"]["labels"][kubechart_manifest::APPLYSET_PART_OF_LABEL] == set.id.as_str()
    }));
}
