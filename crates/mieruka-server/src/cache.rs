//! Answers worth reusing, each kept with the database version it was built at.
//!
//! Every change writes an audit entry, so the newest entry's number is a version of all the data
//! (`Versions::data`), and the newest entry that changed anything but a measurement is a version
//! of the configuration (`Versions::config`: accounts, tokens, roles, organisations, units,
//! plans, KPI definitions). An answer built at version N is still right while the version is N —
//! whichever instance made a change, the next request reads a new version and rebuilds. So these
//! are caches no other instance needs to know about, and losing one loses nothing.
//!
//! - the dashboard's data (`views`, at the data version);
//! - who an API token or a session's account is and what they may do (`tokens`, `accounts`),
//!   and a plan's context (`plans`), at the configuration version, so a measurement written
//!   through the API costs one query for all of these instead of about ten.
//!
//! The version must be read *before* what is cached is built: then what is built is at least as
//! new as the version it is stored under, and a change in between only costs a rebuild.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use axum::body::Bytes;
use mieruka_store::UserId;
use mieruka_store::access::{ApiToken, Credentials, Membership};
use mieruka_store::orgs::StoredOrg;
use mieruka_store::plans::PlanContext;

/// Entries kept at most in one cache; past it the cache starts afresh (entries are cheap to
/// rebuild).
const CAPACITY: usize = 512;

/// Values by key, each valid at one version. A negative version means "not known" and is never
/// stored or matched.
pub struct Versioned<K, V> {
    entries: Mutex<HashMap<K, (i64, V)>>,
}

impl<K, V> Default for Versioned<K, V> {
    fn default() -> Self {
        Versioned {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Versioned<K, V> {
    /// The value stored for `key` at `version`, if any.
    pub fn get(&self, key: &K, version: i64) -> Option<V> {
        if version < 0 {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, a)| a.clone())
    }

    pub fn put(&self, key: K, version: i64, value: V) {
        if version < 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (version, value));
    }
}

/// An API token as last read, and when its use was last recorded.
#[derive(Clone)]
pub struct CachedToken {
    pub token: ApiToken,
    pub touched: std::time::Instant,
}

/// Every cache of the server (see the module's notes).
#[derive(Default)]
pub struct Caches {
    /// Serialised answers by request, at the data version.
    pub views: Versioned<String, Bytes>,
    /// API tokens by the SHA-256 of their secret, at the configuration version.
    pub tokens: Versioned<String, CachedToken>,
    /// Accounts and their roles, at the configuration version.
    pub accounts: Versioned<UserId, (Credentials, Vec<Membership>)>,
    /// Organisations by code, at the configuration version.
    pub orgs: Versioned<String, StoredOrg>,
    /// Plans' contexts by plan number, at the configuration version.
    pub plans: Versioned<i64, PlanContext>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_lives_as_long_as_its_version() {
        let c: Versioned<String, Bytes> = Versioned::default();
        c.put("k".into(), 7, Bytes::from_static(b"1"));
        assert_eq!(c.get(&"k".to_string(), 7).as_deref(), Some(&b"1"[..]));
        assert!(
            c.get(&"k".to_string(), 8).is_none(),
            "a newer version misses"
        );
        assert!(c.get(&"other".to_string(), 7).is_none());
    }

    #[test]
    fn an_unknown_version_is_never_stored_nor_matched() {
        let c: Versioned<i64, i64> = Versioned::default();
        c.put(1, -1, 10);
        assert!(c.get(&1, -1).is_none());
        c.put(1, 3, 10);
        assert!(c.get(&1, -1).is_none());
        assert_eq!(c.get(&1, 3), Some(10));
    }

    #[test]
    fn a_full_cache_starts_afresh() {
        let c: Versioned<usize, usize> = Versioned::default();
        for k in 0..CAPACITY {
            c.put(k, 1, k);
        }
        assert_eq!(c.get(&0, 1), Some(0));
        c.put(CAPACITY, 1, 0);
        assert!(c.get(&0, 1).is_none(), "the old entries are gone");
        assert_eq!(c.get(&CAPACITY, 1), Some(0));
    }
}
