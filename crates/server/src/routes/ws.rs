//! `/api/v1/ws`: live status over a WebSocket, opened with a one-time ticket.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::live::connection::Connection;
use crate::live::messages::{ClientMessage, ServerMessage};
use crate::live::origin;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "live";

/// The socket's message types, as components for the web app's generated types.
#[derive(OpenApi)]
#[openapi(components(schemas(ClientMessage, ServerMessage)))]
struct LiveDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(LiveDoc::openapi())
        .routes(routes!(create_ticket))
        .routes(routes!(connect))
}

/// A ticket that opens one WebSocket.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SocketTicket)]
pub struct TicketView {
    /// Pass it as `?ticket=` to `/api/v1/ws`; it works once.
    pub ticket: String,
    pub expires_at: DateTime<Utc>,
}

/// A one-time ticket, valid for 30 seconds, that opens a WebSocket on `/api/v1/ws` (browsers
/// cannot send the bearer token with a WebSocket). Any replica accepts it.
#[utoipa::path(post, path = "/api/v1/ws/ticket", tag = TAG,
    security(("bearer" = [])),
    responses(
        (status = 201, body = TicketView),
        (status = 401, body = ErrorBody),
        (status = 503, description = "The database cannot be reached", body = ErrorBody),
    ))]
async fn create_ticket(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<(StatusCode, Json<TicketView>), ApiError> {
    let (ticket, expires_at) = state.live.tickets.issue(&user).await?;
    Ok((StatusCode::CREATED, Json(TicketView { ticket, expires_at })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ConnectQuery {
    /// A ticket from `POST /api/v1/ws/ticket`.
    ticket: Option<String>,
}

/// The read and write buffers of one socket; larger messages still pass, in several reads.
const SOCKET_BUFFER_BYTES: usize = 8 * 1024;

/// The largest message a client may send (a subscribe names one deployment).
const MAX_CLIENT_MESSAGE_BYTES: usize = 64 * 1024;

/// Live status over a WebSocket (JSON text frames).
///
/// Open it with a ticket from `POST /api/v1/ws/ticket`. A page may open it only from the
/// server's own origin or one of `KUBECHART_ALLOWED_ORIGINS` (403 otherwise); a missing,
/// expired or used ticket gets 401, before the upgrade.
///
/// The client sends `LiveClientMessage`s: `{"type":"subscribe","deploymentId":…}`,
/// `{"type":"unsubscribe","deploymentId":…}`, `{"type":"subscribeList"}`,
/// `{"type":"unsubscribeList"}`. The server sends `LiveServerMessage`s, each with `type` and
/// `seq` (one more than the previous message on the connection):
///
/// - `status`: a deployment's `status`, `reason` and `objects` (each with its health). First on
///   `subscribe` (a snapshot), then whenever one of them changes. For `subscribeList`, a
///   `status` without `objects` for each change of one of the caller's deployments.
/// - `statusList`: the snapshot of `subscribeList`, every deployment of the caller.
/// - `progress`: one object's state during a deploy or delete (`operationId`, `object`,
///   `state`, `message`).
/// - `event`: a Warning event about one of the app's objects or their pods.
/// - `error`: `code` `malformed` (the connection stays open), `not_found` (a deployment the
///   caller cannot see: nothing else is sent about it), `unavailable` or `limit`.
///
/// A client that falls behind loses messages and gets a fresh snapshot (`status` or
/// `statusList`) instead. The server pings every 20 seconds and closes a connection that stays
/// silent for a minute or does not read; at shutdown it closes with code 1001.
#[utoipa::path(get, path = "/api/v1/ws", tag = TAG,
    params(ConnectQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake", body = ErrorBody),
        (status = 401, description = "Missing, expired or used ticket", body = ErrorBody),
        (status = 403, description = "A page from an origin that may not open a socket", body = ErrorBody),
    ))]
async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ConnectQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let text = |name| {
        headers
            .get(name)
            .map(|value: &header::HeaderValue| value.to_str())
    };
    let origin = match text(header::ORIGIN) {
        None => None,
        Some(Ok(origin)) => Some(origin),
        Some(Err(_)) => return Err(ApiError::Forbidden),
    };
    let host = text(header::HOST).and_then(Result::ok);
    if !origin::accepted(origin, host, &state.live.allowed_origins) {
        return Err(ApiError::Forbidden);
    }
    let upgrade = upgrade.map_err(|rejection| ApiError::Malformed(rejection.body_text()))?;
    let refused =
        ApiError::Unauthenticated("a valid ticket from POST /api/v1/ws/ticket is required");
    let Some(ticket) = query.ok().and_then(|Query(query)| query.ticket) else {
        return Err(refused);
    };
    let Some(user) = state.live.tickets.redeem(&ticket).await? else {
        return Err(refused);
    };
    let live = Arc::clone(&state.live);
    let background = state.background.clone();
    // Clients send a few small JSON messages and the server's are a few KiB: tungstenite's default
    // 128 KiB read and write buffers would cost a quarter of a megabyte per open socket.
    let upgrade = upgrade
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(MAX_CLIENT_MESSAGE_BYTES);
    Ok(upgrade.on_upgrade(move |socket| async move {
        let (connection, queue) = Connection::new(live, user, socket);
        background.spawn("websocket connection", |shutdown| {
            connection.run(queue, shutdown)
        });
    }))
}
