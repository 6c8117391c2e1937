//! The inbox folder: files dropped in `<inbox>/<org>/<connector>/` are collected like uploads
//! with `write=true` for the current period, then moved to `done/` or `failed/` beside them with
//! a `.log` saying what was recorded or why not. A file is taken only once its size and time
//! have not changed between two polls (so one still being copied waits); names starting with `.`
//! are left alone. A failed file writes nothing.
//!
//! Whoever can write in the inbox must not reach beyond it: symbolic links are never followed
//! (an organisation or connector folder, a file, a `done/` or `failed/` folder that is a link is
//! left alone and said so on stderr), files are opened without following a link and must still be
//! inside the inbox once every link on the way is resolved (and have no other name, a hard link
//! elsewhere), logs are created and never written
//! through an existing name, and a file larger than `limits.max_file_bytes` goes to `failed/`
//! unread.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;
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
    /// Links already said to be left alone.
    said: HashSet<PathBuf>,
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// What is at `p`, without following a link.
enum Entry {
    Dir,
    File(std::fs::Metadata),
    Link,
    Other,
}

fn entry(p: &Path) -> Entry {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => Entry::Link,
        Ok(m) if m.is_dir() => Entry::Dir,
        Ok(m) if m.is_file() => Entry::File(m),
        _ => Entry::Other,
    }
}

/// Says once on stderr that a link in the inbox is left alone.
fn skip_link(p: &Path, said: &mut HashSet<PathBuf>) {
    if said.insert(p.to_path_buf()) {
        eprintln!(
            "inbox: {} is a symbolic link; links are not followed, it is left alone",
            p.display()
        );
    }
}

fn visible(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_str()?.to_string();
    (!name.starts_with('.')).then_some(name)
}

/// Every file at `<dir>/<org>/<connector>/<file>`, links left out (and said once in `said`).
/// A connector folder whose `done/` or `failed/` is a link is left out whole: its files could
/// not be filed away inside the inbox.
fn scan(dir: &Path, said: &mut HashSet<PathBuf>) -> Vec<Found> {
    let mut found = Vec::new();
    for org_dir in entries(dir) {
        let Some(org) = visible(&org_dir) else {
            continue;
        };
        match entry(&org_dir) {
            Entry::Dir => {}
            Entry::Link => {
                skip_link(&org_dir, said);
                continue;
            }
            _ => continue,
        }
        for conn_dir in entries(&org_dir) {
            let Some(connector) = visible(&conn_dir) else {
                continue;
            };
            match entry(&conn_dir) {
                Entry::Dir => {}
                Entry::Link => {
                    skip_link(&conn_dir, said);
                    continue;
                }
                _ => continue,
            }
            let linked: Vec<PathBuf> = ["done", "failed"]
                .iter()
                .map(|sub| conn_dir.join(sub))
                .filter(|p| matches!(entry(p), Entry::Link))
                .collect();
            if !linked.is_empty() {
                linked.iter().for_each(|p| skip_link(p, said));
                continue;
            }
            for path in entries(&conn_dir) {
                if visible(&path).is_none() {
                    continue;
                }
                let meta = match entry(&path) {
                    Entry::File(m) => m,
                    Entry::Link => {
                        skip_link(&path, said);
                        continue;
                    }
                    _ => continue,
                };
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

/// Refuses a path whose real place (every link on the way resolved) is outside `root`.
fn inside(root: &Path, dir: &Path) -> std::io::Result<()> {
    let real = dir.canonicalize()?;
    if real.starts_with(root) {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{} leads outside the inbox (to {})",
            dir.display(),
            real.display()
        )))
    }
}

/// Moves `file` into `sub/` beside it (a new name if one is taken), with `log` as `<name>.log`;
/// `root` is the inbox's real path. Nothing is moved or written through a link.
fn file_away(root: &Path, file: &Path, sub: &str, log: &str) -> std::io::Result<PathBuf> {
    let parent = file.parent().unwrap_or(Path::new("."));
    inside(root, parent)?;
    let dir = parent.join(sub);
    match entry(&dir) {
        Entry::Dir => {}
        Entry::Other => std::fs::create_dir(&dir)?,
        Entry::Link | Entry::File(_) => {
            return Err(std::io::Error::other(format!(
                "{} is not a folder",
                dir.display()
            )));
        }
    }
    inside(root, &dir)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let taken = |p: &Path| {
        let mut log = p.as_os_str().to_owned();
        log.push(".log");
        std::fs::symlink_metadata(p).is_ok() || std::fs::symlink_metadata(log).is_ok()
    };
    let mut target = dir.join(&name);
    let mut n = 1;
    while taken(&target) {
        target = dir.join(format!("{n}-{name}"));
        n += 1;
    }
    std::fs::rename(file, &target)?;
    let mut log_path = target.clone().into_os_string();
    log_path.push(".log");
    // A new file only: an existing name (a link planted there) is never written through.
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(log_path)?;
    std::io::Write::write_all(&mut out, log.as_bytes())?;
    Ok(target)
}

/// Reads an inbox file whole, without following a link, refusing it unread when it is larger
/// than `limits.max_file_bytes`.
fn read_file(
    root: &Path,
    path: &Path,
    limits: &mieruka_app::limits::Limits,
) -> Result<Vec<u8>, String> {
    let name = visible(path).unwrap_or_default();
    inside(root, path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let file = options
        .open(path)
        .map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("cannot read: not a regular file".into());
    }
    // A second name elsewhere (a hard link) would let the inbox read a file placed outside it.
    #[cfg(unix)]
    if std::os::unix::fs::MetadataExt::nlink(&meta) > 1 {
        return Err(
            "cannot read: the file has other names (hard links); copy it into the inbox instead"
                .into(),
        );
    }
    limits.file_size(&name, meta.len())?;
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    limits.file_size(&name, bytes.len() as u64)?;
    Ok(bytes)
}

impl Inbox {
    pub fn new(dir: PathBuf) -> Inbox {
        Inbox {
            dir,
            seen: HashMap::new(),
            said: HashSet::new(),
        }
    }

    /// One poll: files unchanged since the previous poll are processed.
    pub async fn poll(&mut self, state: &AppState) -> Vec<Outcome> {
        let dir = self.dir.clone();
        let mut said = std::mem::take(&mut self.said);
        let scanned = tokio::task::spawn_blocking(move || {
            let found = scan(&dir, &mut said);
            (dir.canonicalize().ok(), found, said)
        })
        .await;
        let Ok((Some(root), found, said)) = scanned else {
            return Vec::new();
        };
        self.said = said;
        let mut next = HashMap::new();
        let mut done = Vec::new();
        for f in found {
            if self.seen.get(&f.path) == Some(&f.signature) {
                done.extend(process(state, &root, &f).await);
            } else {
                next.insert(f.path.clone(), f.signature);
            }
        }
        self.seen = next;
        done
    }
}

async fn process(state: &AppState, root: &Path, f: &Found) -> Option<Outcome> {
    let name = visible(&f.path)?;
    let result = async {
        let (path, limits, at) = (f.path.clone(), state.settings.limits, root.to_path_buf());
        let bytes = tokio::task::spawn_blocking(move || read_file(&at, &path, &limits))
            .await
            .map_err(|e| format!("cannot read: {e}"))??;
        let kpis = mieruka_app::collect::kpis_of(&f.connector).map_err(|e| e.to_string())?;
        let org = state
            .store
            .organisation(&f.org)
            .await
            .map_err(|_| format!("there is no organisation `{}`", f.org))?;
        let upload = Upload::inbox(
            &org,
            state.settings.limits,
            f.connector.clone(),
            kpis,
            Bytes::from(bytes),
            name,
        );
        run(&state.store, &inbox_principal(), &org, upload)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    let (sub, log, ok) = match result {
        Ok(answer) => (
            "done",
            // Each object's keys in alphabetical order, as the log has always been written.
            serde_json::to_value(&answer)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_default(),
            true,
        ),
        Err(reason) => ("failed", format!("{reason}\n"), false),
    };
    let (path, root) = (f.path.clone(), root.to_path_buf());
    let moved = tokio::task::spawn_blocking(move || file_away(&root, &path, sub, &log))
        .await
        .ok()?;
    let moved = match moved {
        Ok(m) => m,
        Err(e) => {
            eprintln!("inbox: {}: cannot file away: {e}", f.path.display());
            return None;
        }
    };
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
