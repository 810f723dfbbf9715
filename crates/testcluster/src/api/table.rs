//! Server-side printing: the `Table` kubectl asks for (`Accept: ...;as=Table;g=meta.k8s.io;v=v1`).

use serde_json::{Value, json};

use super::Query;
use crate::registry::ResourceDef;

fn age(obj: &Value) -> String {
    let created = obj
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(created) else {
        return "<unknown>".into();
    };
    let secs = (chrono::Utc::now() - t.with_timezone(&chrono::Utc))
        .num_seconds()
        .max(0);
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

fn int(obj: &Value, p: &str) -> i64 {
    obj.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

fn columns_for(kind: &str) -> Vec<(&'static str, &'static str)> {
    match kind {
        "Deployment" => vec![
            ("Ready", "string"),
            ("Up-to-date", "integer"),
            ("Available", "integer"),
        ],
        "Pod" => vec![
            ("Ready", "string"),
            ("Status", "string"),
            ("Restarts", "string"),
        ],
        "Service" => vec![
            ("Type", "string"),
            ("Cluster-IP", "string"),
            ("Ports", "string"),
        ],
        "Namespace" => vec![("Status", "string")],
        _ => vec![],
    }
}

fn cells_for(kind: &str, obj: &Value) -> Vec<Value> {
    match kind {
        "Deployment" => vec![
            json!(format!(
                "{}/{}",
                int(obj, "/status/readyReplicas"),
                int(obj, "/spec/replicas")
            )),
            json!(int(obj, "/status/updatedReplicas")),
            json!(int(obj, "/status/availableReplicas")),
        ],
        "Pod" => {
            let statuses = obj
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let total = obj
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let ready = statuses.iter().filter(|s| s["ready"] == true).count();
            let waiting = statuses
                .iter()
                .find_map(|s| s.pointer("/state/waiting/reason").and_then(Value::as_str));
            let phase = waiting
                .or_else(|| obj.pointer("/status/phase").and_then(Value::as_str))
                .unwrap_or("Pending");
            let restarts: i64 = statuses
                .iter()
                .map(|s| s["restartCount"].as_i64().unwrap_or(0))
                .sum();
            vec![
                json!(format!("{ready}/{total}")),
                json!(phase),
                json!(restarts.to_string()),
            ]
        }
        "Service" => {
            let ports: Vec<String> = obj
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP")))
                .collect();
            vec![
                obj.pointer("/spec/type")
                    .cloned()
                    .unwrap_or(json!("ClusterIP")),
                obj.pointer("/spec/clusterIP")
                    .cloned()
                    .unwrap_or(json!("<none>")),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
            ]
        }
        "Namespace" => vec![
            obj.pointer("/status/phase")
                .cloned()
                .unwrap_or(json!("Active")),
        ],
        _ => vec![],
    }
}

/// A Table of objects; the row objects follow `includeObject` (Metadata by default).
pub fn table(def: &ResourceDef, items: &[Value], rv: u64, q: &Query) -> Value {
    let mut columns = vec![
        json!({"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0}),
    ];
    for (name, ty) in columns_for(def.kind) {
        columns.push(
            json!({"name": name, "type": ty, "format": "", "description": name, "priority": 0}),
        );
    }
    columns.push(json!({"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "priority": 0}));
    let include = q.get("includeObject").map_or("Metadata", String::as_str);
    let rows: Vec<Value> = items
        .iter()
        .map(|obj| {
            let mut cells = vec![obj.pointer("/metadata/name").cloned().unwrap_or(Value::Null)];
            cells.extend(cells_for(def.kind, obj));
            cells.push(json!(age(obj)));
            let object = match include {
                "None" => Value::Null,
                "Object" => obj.clone(),
                _ => json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}),
            };
            json!({"cells": cells, "object": object})
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": rv.to_string()},
        "columnDefinitions": columns,
        "rows": rows,
    })
}
