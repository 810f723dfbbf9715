//! Watch streams: replay from a resourceVersion (or the current state), live events filtered by
//! selectors, bookmarks, timeouts, and the 410 Expired error event for a version that is too old.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Query, flag, list::selectors, stream_body, table};
use crate::registry::ResourceDef;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::state::State;
use crate::status::ApiError;
use crate::store::{Event, EventType, rid};

struct Filter {
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn matches(&self, obj: &Value) -> bool {
        self.labels.matches_object(obj) && self.fields.matches(obj)
    }

    /// The event type a watcher with this filter sees, if any: objects entering the selection
    /// are ADDED, objects leaving it DELETED.
    fn translate(&self, e: &Event) -> Option<&'static str> {
        let now = self.matches(&e.object);
        let before = e.prev.as_ref().is_some_and(|p| self.matches(p));
        match e.kind {
            EventType::Added => now.then_some("ADDED"),
            EventType::Deleted => (before || now).then_some("DELETED"),
            EventType::Modified => match (before, now) {
                (true, true) => Some("MODIFIED"),
                (false, true) => Some("ADDED"),
                (true, false) => Some("DELETED"),
                (false, false) => None,
            },
        }
    }
}

fn line(kind: &str, object: &Value) -> Bytes {
    let mut s = json!({"type": kind, "object": object}).to_string();
    s.push('\n');
    Bytes::from(s)
}

/// Starts a watch response.
pub(super) fn watch(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: Option<&str>,
    q: &Query,
    wants_table: bool,
) -> Result<Response, ApiError> {
    let (labels, fields) = selectors(def, q)?;
    let filter = Filter { labels, fields };
    let initial_events = flag(q, "sendInitialEvents");
    let from = match q.get("resourceVersion").map(String::as_str) {
        None | Some("") | Some("0") => None,
        Some(rv) => Some(
            rv.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?,
        ),
    };
    let from = if initial_events { None } else { from };
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(Duration::from_secs(1800), Duration::from_secs);
    let bookmarks = flag(q, "allowWatchBookmarks");
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let st = st.clone();
    let ns = ns.map(str::to_string);
    let q = q.clone();
    tokio::spawn(async move {
        let started = st.store.watch(rid(def), ns.as_deref(), from);
        let (backlog, mut events) = match started {
            Ok(s) => s,
            Err(too_old) => {
                let err = ApiError::expired(format!(
                    "too old resource version: {} ({})",
                    from.unwrap_or_default(),
                    too_old.oldest
                ));
                if tx.send(line("ERROR", &err.to_status())).await.is_err() {
                    tracing::debug!("watch client left before its 410 Expired was sent");
                }
                return;
            }
        };
        let render = |obj: &Value| -> Value {
            if wants_table {
                table::table(
                    def,
                    std::slice::from_ref(obj),
                    crate::store::resource_version(obj).unwrap_or_default(),
                    &q,
                )
            } else {
                obj.clone()
            }
        };
        for e in &backlog {
            if let Some(kind) = filter.translate(e)
                && tx.send(line(kind, &render(&e.object))).await.is_err()
            {
                return;
            }
        }
        let bookmark = |rv: u64, end_of_initial: bool| {
            let mut meta = json!({"resourceVersion": rv.to_string()});
            if end_of_initial {
                meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
            }
            line(
                "BOOKMARK",
                &json!({"kind": def.kind, "apiVersion": def.api_version(), "metadata": meta}),
            )
        };
        if initial_events
            && tx
                .send(bookmark(st.store.current_rv(), true))
                .await
                .is_err()
        {
            return;
        }
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut ticker = tokio::time::interval(st.bookmark_interval);
        ticker.tick().await;
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = tx.closed() => break,
                event = events.recv() => {
                    let Some(e) = event else { break };
                    if let Some(kind) = filter.translate(&e)
                        && tx.send(line(kind, &render(&e.object))).await.is_err() { break; }
                }
                _ = ticker.tick(), if bookmarks => {
                    // Every event up to `rv` is already queued on `events` (the store sends under
                    // its lock), so draining first makes the bookmark truthful.
                    let rv = st.store.current_rv();
                    while let Ok(e) = events.try_recv() {
                        if let Some(kind) = filter.translate(&e)
                            && tx.send(line(kind, &render(&e.object))).await.is_err() { return; }
                    }
                    if tx.send(bookmark(rv, false)).await.is_err() { break; }
                }
            }
        }
    });
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache, private"),
        ],
        stream_body(rx),
    )
        .into_response())
}
