//! Prometheus metrics: request count and latency by route template and status, plus database pool
//! gauges sampled at scrape time. The recorder is owned by the server (not installed globally), so
//! several servers in one process, as in tests, keep separate figures.

use crate::live::StatusWriting;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use kubechart_store::PoolStats;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusRecorder};
use std::sync::Arc;
use std::time::Instant;

const REQUESTS: &str = "kubechart_http_requests_total";
const DURATION: &str = "kubechart_http_request_duration_seconds";
const POOL_SIZE: &str = "kubechart_db_pool_connections";
const POOL_IDLE: &str = "kubechart_db_pool_idle_connections";
/// 1 while deployment statuses seen on the clusters cannot be stored (they are retried).
const STATUS_WRITES_FAILING: &str = "kubechart_status_writes_failing";
/// Observed deployment statuses this replica stored.
const STATUS_WRITES: &str = "kubechart_status_writes_total";
/// Clusters whose deployments' statuses this replica stores (it holds their leadership).
const STATUS_LEADER_CLUSTERS: &str = "kubechart_status_leader_clusters";
/// Latency buckets from a cache hit to a slow password hash.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub struct HttpMetrics {
    recorder: PrometheusRecorder,
}

impl HttpMetrics {
    pub fn new() -> Result<Self, BuildError> {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS)?
            .build_recorder();
        Ok(Self { recorder })
    }

    fn record(&self, method: &str, route: String, status: u16, seconds: f64) {
        metrics::with_local_recorder(&self.recorder, || {
            let labels = [
                ("method", method.to_string()),
                ("route", route),
                ("status", status.to_string()),
            ];
            metrics::counter!(REQUESTS, &labels).increment(1);
            metrics::histogram!(DURATION, &labels).record(seconds);
        });
    }

    /// The Prometheus text exposition, with the pool and status-write figures brought up to date
    /// first.
    pub fn render(&self, pool: PoolStats, status: &StatusWriting) -> String {
        metrics::with_local_recorder(&self.recorder, || {
            metrics::gauge!(POOL_SIZE).set(f64::from(pool.size));
            metrics::gauge!(POOL_IDLE).set(f64::from(pool.idle));
            metrics::gauge!(STATUS_WRITES_FAILING).set(f64::from(u8::from(status.failing)));
            metrics::counter!(STATUS_WRITES).absolute(status.stored);
            metrics::gauge!(STATUS_LEADER_CLUSTERS).set(f64::from(
                u32::try_from(status.led_clusters).unwrap_or(u32::MAX),
            ));
        });
        self.recorder.handle().render()
    }
}

/// Middleware: times each request and labels it with its route template (`/api/v1/users/{id}`),
/// never the concrete path, so ids do not explode the label space.
pub async fn track(
    State(metrics): State<Arc<HttpMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || unmatched_route(request.uri().path()),
        |path| path.as_str().to_string(),
    );
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record(
        &method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Paths no route matched are either unknown API calls or pages of the web app.
fn unmatched_route(path: &str) -> String {
    if path.starts_with("/api/") {
        "/api/unmatched".into()
    } else {
        "/spa".into()
    }
}
