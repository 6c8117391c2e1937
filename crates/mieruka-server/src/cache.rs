//! Answers worth reusing, keyed by the database's data version.
//!
//! Every change writes an audit entry, so the newest entry's number is a version of all the data
//! (`Store::data_version`). An answer computed at version N is still right while the version is
//! N — whichever instance made a change, the next request sees a new version and recomputes. So
//! this is a cache no other instance needs to know about, and losing it loses nothing.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// Entries kept at most; past it the cache starts afresh (answers are cheap to recompute).
const CAPACITY: usize = 512;

#[derive(Default)]
pub struct ViewCache {
    entries: Mutex<HashMap<String, (i64, Bytes)>>,
}

impl ViewCache {
    /// The answer (serialised JSON) stored for `key` at `version`, if any.
    pub fn get(&self, key: &str, version: i64) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, a)| a.clone())
    }

    pub fn put(&self, key: String, version: i64, answer: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (version, answer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_lives_as_long_as_its_version() {
        let c = ViewCache::default();
        c.put("k".into(), 7, Bytes::from_static(b"1"));
        assert_eq!(c.get("k", 7).as_deref(), Some(&b"1"[..]));
        assert!(c.get("k", 8).is_none(), "a newer version misses");
        assert!(c.get("other", 7).is_none());
    }
}
