//! The audit log's seal: a secret key kept outside the database, which seals every entry, and
//! the head — the newest entry this machine saw committed — kept beside it.
//!
//! # Files
//!
//! - The key file (by default beside the SQLite file, `<database>.audit-key`; anywhere with
//!   `MIERUKA_AUDIT_KEY_FILE`): JSON `{"mieruka_audit_key": 1, "key": "<64 hex>", "since": N}`,
//!   created on first use with permissions 0600. `since` is the number of entries the log had
//!   when the key was made: every later entry must be sealed. A key file that other users may
//!   read is refused. Servers sharing one PostgreSQL database must all hold the same key file.
//! - The head file, `<key file>.head`: JSON `{"seq": N, "hash": "…", "mac": "…"}`, rewritten
//!   (to a temporary file, then renamed) after each commit that moved the log past it — only
//!   while the log still holds the head recorded before, so a log cut and then written past
//!   its old head keeps showing the cut. It is per machine: another instance writing to the
//!   same database makes the log longer than this machine's head, which is allowed —
//!   verification requires that the log still holds the recorded entry, with the recorded
//!   hash, at least.
//!
//! # Seals
//!
//! An entry's seal (`mac`) is the hex HMAC-SHA256, under the key, of its hash (the 64 hex
//! characters). The hash covers the previous entry's hash, so a seal vouches for the whole chain
//! up to its entry. The head's and an anchor's seals are HMAC-SHA256 of
//! `"mieruka audit head\n<seq>\n<hash>"` and `"mieruka audit anchor\n<seq>\n<hash>"`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use mieruka_domain::digest::{hex, unhex};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{Result, StoreError};

/// The format version written in key files.
const KEY_FORMAT: u32 = 1;

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Compares two texts in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    mieruka_audit_key: u32,
    key: String,
    since: i64,
}

/// The head this machine recorded: the newest entry it saw committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub mac: String,
}

/// The key of one audit log, and where this machine keeps its head.
pub(crate) struct Seal {
    key: Vec<u8>,
    /// Entries after this number must be sealed.
    since: i64,
    key_path: PathBuf,
    head_path: PathBuf,
    /// The newest head this process read or wrote (number and hash; heads only move forward
    /// here).
    recorded: Mutex<(i64, String)>,
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seal")
            .field("since", &self.since)
            .field("key_path", &self.key_path)
            .finish_non_exhaustive()
    }
}

fn key_error(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::AuditSeal {
        file: format!("the audit key file {}", path.display()),
        reason: reason.into(),
    }
}

fn head_error(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::AuditSeal {
        file: format!("the audit head file {}", path.display()),
        reason: reason.into(),
    }
}

/// The head file kept beside a key file.
pub(crate) fn head_path(key_path: &Path) -> PathBuf {
    let mut name = key_path.as_os_str().to_owned();
    name.push(".head");
    PathBuf::from(name)
}

/// Refuses a file that is not a regular file, or that users other than its owner may read or
/// write.
fn check_private(path: &Path, fail: impl Fn(&Path, String) -> StoreError) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| fail(path, e.to_string()))?;
    if !meta.is_file() {
        return Err(fail(path, "it is not a regular file".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(fail(
                path,
                format!(
                    "other users may read or change it (permissions {mode:03o}); allow its owner only: chmod 600 {}",
                    path.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Creates `path` for writing, readable by its owner only; fails if it exists.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

impl Seal {
    /// Reads an existing key file (refusing one others may read).
    pub(crate) fn read(key_path: &Path) -> Result<Seal> {
        check_private(key_path, key_error)?;
        let text =
            std::fs::read_to_string(key_path).map_err(|e| key_error(key_path, e.to_string()))?;
        let file: KeyFile = serde_json::from_str(&text)
            .map_err(|e| key_error(key_path, format!("it is not a mieruka audit key: {e}")))?;
        if file.mieruka_audit_key != KEY_FORMAT {
            return Err(key_error(
                key_path,
                format!(
                    "format {} is not one this build reads ({KEY_FORMAT})",
                    file.mieruka_audit_key
                ),
            ));
        }
        let key = unhex(&file.key)
            .filter(|k| k.len() == 32)
            .ok_or_else(|| key_error(key_path, "`key` must be 64 hexadecimal digits"))?;
        if file.since < 0 {
            return Err(key_error(key_path, "`since` must not be negative"));
        }
        let head_path = head_path(key_path);
        let recorded = read_head_file(&head_path)
            .ok()
            .flatten()
            .map_or((0, String::new()), |h| (h.seq, h.hash));
        Ok(Seal {
            key,
            since: file.since,
            key_path: key_path.to_path_buf(),
            head_path,
            recorded: Mutex::new(recorded),
        })
    }

    /// Creates a new key file for a log whose newest entry is `newest` (number and hash; none
    /// for an empty log), and records that entry as the head. When another process created the
    /// file first, reads that one.
    pub(crate) fn create(key_path: &Path, newest: Option<(i64, String)>) -> Result<Seal> {
        if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                key_error(
                    key_path,
                    format!("cannot create its folder {}: {e}", dir.display()),
                )
            })?;
        }
        let mut key = vec![0u8; 32];
        getrandom::fill(&mut key).map_err(|e| {
            key_error(
                key_path,
                format!("the operating system gave no random bytes: {e}"),
            )
        })?;
        let since = newest.as_ref().map_or(0, |(seq, _)| *seq);
        let text = serde_json::to_string(&KeyFile {
            mieruka_audit_key: KEY_FORMAT,
            key: hex(&key),
            since,
        })
        .expect("a key file serialises");
        match create_private(key_path) {
            Ok(mut file) => {
                file.write_all(format!("{text}\n").as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| key_error(key_path, e.to_string()))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Seal::read(key_path),
            Err(e) => return Err(key_error(key_path, e.to_string())),
        }
        let seal = Seal {
            key,
            since,
            key_path: key_path.to_path_buf(),
            head_path: head_path(key_path),
            recorded: Mutex::new((0, String::new())),
        };
        if let Some((seq, hash)) = newest {
            seal.record(seq, &hash)?;
        }
        Ok(seal)
    }

    pub(crate) fn key_path(&self) -> &Path {
        &self.key_path
    }

    pub(crate) fn head_path(&self) -> &Path {
        &self.head_path
    }

    /// Entries numbered above this must be sealed.
    pub(crate) fn since(&self) -> i64 {
        self.since
    }

    /// An entry's seal: HMAC-SHA256 of its hash.
    pub(crate) fn entry_mac(&self, hash: &str) -> String {
        hex(&hmac_sha256(&self.key, hash.as_bytes()))
    }

    fn labelled_mac(&self, label: &str, seq: i64, hash: &str) -> String {
        hex(&hmac_sha256(
            &self.key,
            format!("mieruka audit {label}\n{seq}\n{hash}").as_bytes(),
        ))
    }

    /// An anchor's seal.
    pub(crate) fn anchor_mac(&self, seq: i64, hash: &str) -> String {
        self.labelled_mac("anchor", seq, hash)
    }

    /// The head this process last read or wrote (`None` before any).
    pub(crate) fn recorded(&self) -> Option<(i64, String)> {
        let recorded = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
        (recorded.0 > 0).then(|| recorded.clone())
    }

    /// Records entry `seq` with `hash` as this machine's head, unless a newer one is recorded.
    /// The caller has checked that the log still holds the head recorded before (otherwise the
    /// head stays where it is, as evidence of the cut).
    pub(crate) fn record(&self, seq: i64, hash: &str) -> Result<()> {
        let mut recorded = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
        if seq <= recorded.0 && self.head_path.exists() {
            return Ok(());
        }
        let head = Head {
            seq,
            hash: hash.to_string(),
            mac: self.labelled_mac("head", seq, hash),
        };
        let text = serde_json::to_string(&head).expect("a head serialises");
        let temporary = {
            let mut name = self.head_path.as_os_str().to_owned();
            name.push(format!(".{}.tmp", std::process::id()));
            PathBuf::from(name)
        };
        let _ = std::fs::remove_file(&temporary);
        let write = || -> std::io::Result<()> {
            let mut file = create_private(&temporary)?;
            file.write_all(format!("{text}\n").as_bytes())?;
            drop(file);
            std::fs::rename(&temporary, &self.head_path)
        };
        write().map_err(|e| head_error(&self.head_path, e.to_string()))?;
        *recorded = (seq, hash.to_string());
        Ok(())
    }

    /// The head this machine recorded, its seal checked; `None` when none is recorded yet.
    pub(crate) fn head(&self) -> Result<Option<Head>> {
        let Some(head) = read_head_file(&self.head_path)? else {
            return Ok(None);
        };
        if !same(&head.mac, &self.labelled_mac("head", head.seq, &head.hash)) {
            return Err(head_error(
                &self.head_path,
                "its seal does not match the audit key: it was altered, or was written with another key",
            ));
        }
        Ok(Some(head))
    }
}

fn read_head_file(path: &Path) -> Result<Option<Head>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(head_error(path, e.to_string())),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| head_error(path, format!("it is not a mieruka audit head: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(hex_text: &str) -> Vec<u8> {
        unhex(hex_text).unwrap()
    }

    /// RFC 4231, test cases 1–4, 6 and 7 (case 5 truncates the output).
    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than \
                  block-size data. The key needs to be hashed before being used by the HMAC \
                  algorithm."
                    .to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, message, expected) in cases {
            assert_eq!(hex(&hmac_sha256(&key, &message)), expected);
        }
    }

    #[test]
    fn texts_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
