//! Pod logs as a stream of lines.

use futures::stream::BoxStream;
use futures::{AsyncBufReadExt, StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};

use super::WatchError;

/// A pod log, line by line; with `follow`, it ends when the container stops or the stream is
/// dropped.
pub type LogLines = BoxStream<'static, Result<String, WatchError>>;

/// Which log of which container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogRequest {
    /// The container; the pod's only container when `None`.
    pub container: Option<String>,
    /// Only the last lines.
    pub tail_lines: Option<i64>,
    /// The previous (crashed) instance's log.
    pub previous: bool,
    /// Keep streaming new lines.
    pub follow: bool,
}

pub(super) async fn stream(
    client: &kube::Client,
    namespace: &str,
    pod: &str,
    request: &LogRequest,
) -> Result<LogLines, WatchError> {
    let api = Api::<Pod>::namespaced(client.clone(), namespace);
    let params = LogParams {
        container: request.container.clone(),
        tail_lines: request.tail_lines,
        previous: request.previous,
        follow: request.follow,
        ..LogParams::default()
    };
    let reader = api.log_stream(pod, &params).await?;
    Ok(reader.lines().map_err(WatchError::from).boxed())
}
