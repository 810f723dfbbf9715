//! The TLS listener: accepts connections while the cluster is up, closes the socket (connections
//! refused) and every open connection while it is down, and rebinds the same port when it is back.

use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use crate::state::State;

/// Serves until `shutdown` is cancelled.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    tls: Arc<rustls::ServerConfig>,
    shutdown: CancellationToken,
) {
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    let acceptor = TlsAcceptor::from(tls);
    let app = super::router(state.clone());
    let mut down = state.faults.down_state();
    let mut listener = Some(listener);
    let mut connections = shutdown.child_token();
    loop {
        match &listener {
            Some(l) => tokio::select! {
                _ = shutdown.cancelled() => break,
                changed = down.changed() => {
                    if changed.is_err() { break; }
                    if *down.borrow_and_update() {
                        listener = None;
                        connections.cancel();
                        connections = shutdown.child_token();
                    }
                }
                accepted = l.accept() => {
                    if let Ok((tcp, _)) = accepted {
                        tokio::spawn(connection(tcp, acceptor.clone(), app.clone(), connections.clone()));
                    }
                }
            },
            None => tokio::select! {
                _ = shutdown.cancelled() => break,
                changed = down.changed() => {
                    if changed.is_err() { break; }
                    if !*down.borrow_and_update()
                        && let Some(addr) = addr {
                            match TcpListener::bind(addr).await {
                                Ok(l) => listener = Some(l),
                                Err(e) => tracing::error!(%addr, error = %e, "rebinding the test cluster listener failed"),
                            }
                        }
                }
            },
        }
    }
    connections.cancel();
}

async fn connection(
    tcp: TcpStream,
    acceptor: TlsAcceptor,
    app: axum::Router,
    cancel: CancellationToken,
) {
    if let Err(error) = tcp.set_nodelay(true) {
        tracing::debug!(%error, "TCP_NODELAY not set; small watch events may be delayed");
    }
    let tls = tokio::select! {
        _ = cancel.cancelled() => return,
        tls = acceptor.accept(tcp) => match tls {
            Ok(tls) => tls,
            Err(error) => {
                tracing::debug!(%error, "TLS handshake failed");
                return;
            }
        },
    };
    let service = TowerToHyperService::new(app);
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
    tokio::select! {
        _ = conn => {}
        // Dropping the connection future closes the socket without a goodbye, like a crashed server.
        _ = cancel.cancelled() => {}
    }
}
