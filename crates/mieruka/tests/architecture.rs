//! `ARCHITECTURE.md` is the map of the code: every file or folder it names must exist, so the map
//! cannot drift from the territory unnoticed.
//!
//! A name in backticks is taken as a path when it has a `/` or ends in a file extension. It is
//! looked for from the repository's root, from the crate (or top-level folder) whose bullet it
//! sits under, from that crate's `src/`, and finally as the end of any path inside that crate —
//! so `model.rs` under `crates/mieruka-domain` must be some `…/model.rs` of that crate.
//! `{a,b}` alternatives are expanded and `*` matches within one path segment. Names of things
//! made at run time (`target/…`) are not checked.

use std::path::{Path, PathBuf};

const EXTENSIONS: &[&str] = &[
    "rs", "toml", "md", "html", "typ", "sql", "sh", "css", "js", "txt", "json", "ttf", "py", "lock",
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Every file and folder under `dir`, relative to `root`, with `/` separators.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "target" || name == ".git" || name == "node_modules" {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .expect("inside the root")
            .to_string_lossy()
            .replace('\\', "/");
        let is_dir = path.is_dir();
        out.push(if is_dir { format!("{rel}/") } else { rel });
        if is_dir {
            walk(root, &path, out);
        }
    }
}

/// `a/{b,c}.rs` → `a/b.rs`, `a/c.rs`.
fn expand(name: &str) -> Vec<String> {
    match (name.find('{'), name.find('}')) {
        (Some(open), Some(close)) if open < close => name[open + 1..close]
            .split(',')
            .flat_map(|alt| expand(&format!("{}{}{}", &name[..open], alt, &name[close + 1..])))
            .collect(),
        _ => vec![name.to_string()],
    }
}

/// Does `path` match `pattern`, where `*` stands for any characters but `/`?
fn glob(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, tail)) => {
            let Some(rest) = path.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .take_while(|&i| i == 0 || !rest[..i].contains('/'))
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| glob(tail, &rest[i..]))
        }
    }
}

fn looks_like_path(name: &str) -> bool {
    if name.is_empty()
        || name.starts_with('/')
        || name.starts_with("target/")
        || name.contains("..")
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/{},*".contains(c))
    {
        return false;
    }
    let file = name.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let extension = file.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    name.contains('/') || EXTENSIONS.contains(&extension)
}

/// The crate or top-level folder a line's names are relative to, from a top-level bullet such
/// as "- `crates/mieruka-store` — …" or "- `fuzz/` — …".
fn context_of(line: &str) -> Option<String> {
    let rest = line.strip_prefix("- `")?;
    let name = &rest[..rest.find('`')?];
    let mut parts = name.trim_end_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("crates"), Some(krate)) => Some(format!("crates/{krate}/")),
        (Some(top), _) if !top.is_empty() && looks_like_path(name) => Some(format!(
            "{}/",
            name.trim_end_matches('/').split('/').next()?
        )),
        _ => None,
    }
}

fn found(files: &[String], context: &str, name: &str) -> bool {
    let want_dir = name.ends_with('/');
    let name = name.trim_end_matches('/');
    let candidates = [
        name.to_string(),
        format!("{context}{name}"),
        format!("{context}src/{name}"),
    ];
    files.iter().any(|file| {
        let is_dir = file.ends_with('/');
        if want_dir && !is_dir {
            return false;
        }
        let file = file.trim_end_matches('/');
        candidates.iter().any(|c| glob(c, file))
            || (file.starts_with(context) && suffix_at_segment(file, name))
    })
}

/// `file` ends with `name` starting at a path segment (`x/model.rs` ends with `model.rs`, but
/// `x/mymodel.rs` does not).
fn suffix_at_segment(file: &str, name: &str) -> bool {
    let segments = name.split('/').count();
    let tail: Vec<&str> = file.rsplit('/').take(segments).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    tail.len() == segments && glob(name, &tail.join("/"))
}

#[test]
fn every_path_the_architecture_names_exists() {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);

    let mut context = String::new();
    let mut checked = 0;
    let mut missing = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with("## ") {
            context.clear();
        }
        if let Some(c) = context_of(line) {
            context = c;
        }
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 0 || !looks_like_path(span) {
                continue;
            }
            for name in expand(span) {
                checked += 1;
                if !found(&files, &context, &name) {
                    missing.push(format!("line {}: `{name}`", number + 1));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} paths found: is the parser still reading the file?"
    );
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_check_would_notice_a_missing_path() {
    let files = vec![
        "crates/".to_string(),
        "crates/a/".to_string(),
        "crates/a/src/".to_string(),
        "crates/a/src/model.rs".to_string(),
        "crates/a/templates/".to_string(),
        "crates/a/templates/base.html".to_string(),
        "docs/x.md".to_string(),
    ];
    assert!(found(&files, "crates/a/", "model.rs"));
    assert!(found(&files, "crates/a/", "src/model.rs"));
    assert!(found(&files, "crates/a/", "templates/*.html"));
    assert!(found(&files, "crates/a/", "templates/"));
    assert!(found(&files, "", "docs/x.md"));
    assert!(!found(&files, "crates/a/", "del.rs"));
    assert!(!found(&files, "crates/a/", "odel.rs"));
    assert!(!found(&files, "crates/a/", "model.rs/"));
    assert!(!found(&files, "crates/b/", "model.rs"));
    assert_eq!(expand("m/{sqlite,postgres}/"), ["m/sqlite/", "m/postgres/"]);
    assert!(looks_like_path("kpi.rs") && looks_like_path("static/vendor/"));
    assert!(!looks_like_path("Store::with_actor") && !looks_like_path("/api/v1"));
    assert!(!looks_like_path("target/browser-screenshots/"));
}
