//! The inbox folder: files dropped in `<inbox>/<org>/<connector>/` are collected like uploads
//! with `write=true` for the current period, then moved to `done/` or `failed/` beside them with
//! a `.log` saying what was recorded or why not. A file is taken only once its size and time
//! have not changed between two polls (so one still being copied waits); names starting with `.`
//! are left alone. A failed file writes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;

use crate::AppState;
use crate::auth::Principal;
use crate::routes::collect::{Upload, run};

/// A file found in the inbox.
#[derive(Debug, Clone)]
struct Found {
    path: PathBuf,
    org: String,
    connector: String,
    signature: (u64, Option<SystemTime>),
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Where the file is now (in `done/` or `failed/`).
    pub moved_to: PathBuf,
    pub ok: bool,
}

/// The folder and what the previous poll saw.
pub struct Inbox {
    dir: PathBuf,
    seen: HashMap<PathBuf, (u64, Option<SystemTime>)>,
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

fn visible(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_str()?.to_string();
    (!name.starts_with('.')).then_some(name)
}

/// Every file at `<dir>/<org>/<connector>/<file>`.
fn scan(dir: &Path) -> Vec<Found> {
    let mut found = Vec::new();
    for org_dir in entries(dir).into_iter().filter(|p| p.is_dir()) {
        let Some(org) = visible(&org_dir) else {
            continue;
        };
        for conn_dir in entries(&org_dir).into_iter().filter(|p| p.is_dir()) {
            let Some(connector) = visible(&conn_dir) else {
                continue;
            };
            for path in entries(&conn_dir) {
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                if !meta.is_file() || visible(&path).is_none() {
                    continue;
                }
                found.push(Found {
                    path,
                    org: org.clone(),
                    connector: connector.clone(),
                    signature: (meta.len(), meta.modified().ok()),
                });
            }
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The account inbox files are recorded under: it may write for every unit.
fn inbox_principal() -> Principal {
    Principal {
        user: mieruka_store::UserId(0),
        username: "inbox".into(),
        is_admin: true,
        memberships: Vec::new(),
        token_scopes: None,
        must_change_password: false,
        lang: mieruka_domain::Lang::Ja,
        csrf: None,
        // Not read: nothing is taken from the caches for the inbox.
        versions: mieruka_store::audit::Versions {
            data: -1,
            config: -1,
        },
    }
}

/// Moves `file` into `sub/` beside it (a new name if one is taken), with `log` as `<name>.log`.
fn file_away(file: &Path, sub: &str, log: &str) -> std::io::Result<PathBuf> {
    let dir = file.parent().unwrap_or(Path::new(".")).join(sub);
    std::fs::create_dir_all(&dir)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut target = dir.join(&name);
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::rename(file, &target)?;
    let mut log_path = target.clone().into_os_string();
    log_path.push(".log");
    std::fs::write(log_path, log)?;
    Ok(target)
}

impl Inbox {
    pub fn new(dir: PathBuf) -> Inbox {
        Inbox {
            dir,
            seen: HashMap::new(),
        }
    }

    /// One poll: files unchanged since the previous poll are processed.
    pub async fn poll(&mut self, state: &AppState) -> Vec<Outcome> {
        let dir = self.dir.clone();
        let found = tokio::task::spawn_blocking(move || scan(&dir))
            .await
            .unwrap_or_default();
        let mut next = HashMap::new();
        let mut done = Vec::new();
        for f in found {
            if self.seen.get(&f.path) == Some(&f.signature) {
                done.extend(process(state, &f).await);
            } else {
                next.insert(f.path.clone(), f.signature);
            }
        }
        self.seen = next;
        done
    }
}

async fn process(state: &AppState, f: &Found) -> Option<Outcome> {
    let name = visible(&f.path)?;
    let result = async {
        let bytes = tokio::fs::read(&f.path)
            .await
            .map_err(|e| format!("cannot read: {e}"))?;
        let kpis = mieruka_app::collect::kpis_of(&f.connector).map_err(|e| e.to_string())?;
        let org = state
            .store
            .organisation(&f.org)
            .await
            .map_err(|_| format!("there is no organisation `{}`", f.org))?;
        let upload = Upload::inbox(f.connector.clone(), kpis, Bytes::from(bytes), name);
        run(&state.store, &inbox_principal(), &org, upload)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    let (sub, log, ok) = match result {
        Ok(answer) => (
            "done",
            serde_json::to_string_pretty(&answer).unwrap_or_default(),
            true,
        ),
        Err(reason) => ("failed", format!("{reason}\n"), false),
    };
    let path = f.path.clone();
    let moved = tokio::task::spawn_blocking(move || file_away(&path, sub, &log))
        .await
        .ok()?
        .ok()?;
    Some(Outcome {
        moved_to: moved,
        ok,
    })
}

/// Polls the inbox for ever (the server stops the task when it shuts down).
pub async fn watch(state: AppState, dir: PathBuf, every: Duration) {
    let mut inbox = Inbox::new(dir);
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        inbox.poll(&state).await;
    }
}
