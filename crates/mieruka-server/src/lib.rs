//! mieruka's HTTP server: the JSON API under `/api/v1`, sign-in, roles and scopes.
//!
//! One start-up path, [`launch`], used by `mieruka serve`, `mieruka demo` and the tests: it takes
//! the settings, an already bound listener (tests bind port 0) and a shutdown signal; requests in
//! flight finish before it returns. No state that matters lives in the process: sessions are in
//! the database, so several instances can serve one PostgreSQL database.

mod auth;
mod body;
mod cache;
mod error;
pub mod inbox;
mod openapi;
mod params;
mod routes;
mod session;
pub mod settings;
mod web;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use mieruka_store::Store;
use tokio::net::TcpListener;

pub use auth::{ensure_admin, hash_password};
pub use error::ApiError;
pub use settings::Settings;

/// Every route the router serves, as (method, path) in the table's order: the list the OpenAPI
/// document is built from, for checking the two agree.
pub fn served_routes() -> Vec<(String, String)> {
    routes::table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect()
}

/// The routes (method, path) whose typed answer the document shows without an example: their
/// real answers are checked against the schema instead.
pub fn answers_without_example() -> Vec<(String, String)> {
    routes::table()
        .iter()
        .filter(|r| {
            matches!(
                r.answer,
                routes::route::Answer::Typed {
                    round_trip: None,
                    ..
                }
            )
        })
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect()
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    /// Answers and lookups reused while the database's version is unchanged (see `cache.rs`).
    pub caches: Arc<cache::Caches>,
    /// One permit per simulation allowed to run at once (`settings.simulate.max_concurrent`).
    pub simulations: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(settings: Settings, store: Store) -> AppState {
        let permits = settings.simulate.max_concurrent;
        AppState {
            store,
            settings: Arc::new(settings),
            caches: Arc::default(),
            simulations: Arc::new(tokio::sync::Semaphore::new(permits)),
        }
    }

    /// The most simulated years this principal may ask for: `simulate.max_trials` for
    /// administrators and owners (of `org`, or of any organisation for scenarios sent in the
    /// request), `simulate.max_trials_reader` for everyone else.
    pub fn trials_limit(&self, who: &auth::Principal, org: Option<mieruka_store::OrgId>) -> u64 {
        let bounds = &self.settings.simulate;
        let owner = who
            .memberships
            .iter()
            .any(|m| m.role == "owner" && org.is_none_or(|o| m.org_id == o));
        if who.is_admin || owner {
            bounds.max_trials
        } else {
            bounds.max_trials_reader
        }
    }

    /// A place among the simulations allowed to run at once, or 429 with `Retry-After` when all
    /// are taken. Held until the simulation ends, even when the caller goes away.
    pub fn simulation_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.simulations
            .clone()
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy {
                retry_after: self.settings.simulate.retry_after_seconds,
            })
    }
}

/// The whole application as a router (the tests drive it directly too): the JSON API under
/// `/api/v1` and the pages beside it. An unknown path answers JSON under `/api/` and an HTML
/// page elsewhere.
pub fn router(state: AppState) -> Router {
    let limit = state.settings.max_body_bytes;
    routes::api()
        .merge(web::routes())
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

fn is_api(uri: &Uri) -> bool {
    uri.path() == "/api" || uri.path().starts_with("/api/")
}

async fn no_route(uri: Uri, headers: HeaderMap) -> Response {
    if is_api(&uri) {
        ApiError::NoRoute.into_response()
    } else {
        web::not_found_page(
            web::cookie_lang(&headers),
            web::is_htmx(&headers),
            uri.path(),
        )
    }
}

async fn method_not_allowed(uri: Uri, headers: HeaderMap) -> Response {
    if is_api(&uri) {
        ApiError::MethodNotAllowed.into_response()
    } else {
        web::status_page(
            web::cookie_lang(&headers),
            web::is_htmx(&headers),
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            uri.path(),
        )
    }
}

/// How often expired sessions and old sign-in attempts are removed.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn launch(
    settings: Settings,
    store: Store,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve(AppState::new(settings, store), listener, shutdown).await
}

/// [`launch`] with the state already made (tests hold on to a part of it, e.g. a simulation
/// permit).
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let watcher = state.settings.collect.inbox.clone().map(|dir| {
        let every = std::time::Duration::from_secs(state.settings.collect.poll_seconds);
        tokio::spawn(inbox::watch(state.clone(), dir, every))
    });
    let pruner = tokio::spawn(session::prune_every(state.clone(), PRUNE_EVERY));
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    if let Some(w) = watcher {
        w.abort();
    }
    pruner.abort();
    served
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
