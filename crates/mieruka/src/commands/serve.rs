//! `mieruka serve`: the web API. Settings come from defaults, a TOML file, `MIERUKA_*` variables
//! and the command line, in that order.

use anyhow::{Context as _, Result, anyhow};
use mieruka_server::{Settings, ensure_admin, launch, shutdown_signal};
use mieruka_store::Store;

use super::Ctx;
use crate::cli::ServeArgs;

/// Serves `store` until Ctrl-C or SIGTERM, printing where, and the first administrator's
/// one-time password when this start created it.
pub async fn serve_store(settings: Settings, store: Store) -> Result<()> {
    if let Some(password) = ensure_admin(&store)
        .await
        .map_err(|e| anyhow!("creating the administrator: {e}"))?
    {
        println!("administrator account: admin / one-time password: {password}");
        println!("(shown once; it must be changed at the first sign-in)");
    }
    let addr = std::net::SocketAddr::new(settings.bind, settings.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    println!("serving on http://{addr} (Ctrl-C stops)");
    launch(settings, store, listener, shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    println!("stopped");
    Ok(())
}

pub async fn run(ctx: &Ctx, args: ServeArgs) -> Result<()> {
    let mut settings = Settings::load(args.config.as_deref(), |k| std::env::var(k).ok())
        .map_err(|e| anyhow!(e))?;
    if let Some(b) = args.bind {
        settings.bind = b;
    }
    if let Some(p) = args.port {
        settings.port = p;
    }
    let store = ctx.store().await?;
    serve_store(settings, store).await
}
