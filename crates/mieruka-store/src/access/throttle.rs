//! Throttling of sign-ins, safe under concurrency and across instances.
//!
//! Three counters are kept: for an account from one address (`pair`), for an account from
//! anywhere (`account`), and for an address against any account (`address`). An attempt is
//! *reserved* before its password is checked: in one write transaction, each counter's row is
//! read under its lock (`FOR UPDATE` on PostgreSQL; SQLite has one writer at a time) and, when
//! every counter lets the attempt through, each is incremented. Attempts made in parallel,
//! through this instance or another, therefore queue on the rows and see each other's
//! reservations: no more attempts are checked than the counters allow. Rows are always locked
//! in the same order (pair, account, address), so two attempts cannot deadlock.
//!
//! Each counter lets `free` failures through at once; after that, the k-th further attempt must
//! wait 15 × 2^k seconds (30 s, 1 min, 2 min…) since the last one let through, up to `max_delay`
//! — a delay that grows,
//! rather than a wall anyone could keep renewing. A success from an address clears its `pair`
//! counter and gives back its reservation on the others, so a stranger's failures from another
//! address never hold the owner back (until the much higher per-account bound). A counter idle
//! for [`FORGET_AFTER`] seconds starts again from zero.

use mieruka_domain::Timestamp;
use sqlx::Row;

use crate::{Result, Store};

/// Seconds without an attempt after which a counter is forgotten.
pub const FORGET_AFTER: i64 = 86_400;

/// How many failures each counter lets through before attempts are spaced out, and the longest
/// wait between two attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// For one account from one address.
    pub pair: i64,
    /// For one account from every address together.
    pub account: i64,
    /// For one address against every account together.
    pub address: i64,
    /// The longest wait, in seconds.
    pub max_delay: i64,
}

/// The seconds an attempt must wait after the last one let through, when `failures` have been
/// counted and `free` are let through without waiting: 0 below `free`, then 30, 60, 120… up to
/// `max_delay`.
pub fn wait_after(failures: i64, free: i64, max_delay: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let k = (failures - free + 1).min(58) as u32;
    15i64
        .saturating_mul(2i64.saturating_pow(k))
        .min(max_delay.max(0))
}

/// The counters an attempt touches, in the order their rows are locked.
fn counters<'a>(
    username: &'a str,
    address: &'a str,
    limits: &ThrottleLimits,
) -> [(&'static str, String, i64); 3] {
    [
        ("pair", format!("{username}\n{address}"), limits.pair),
        ("account", username.to_string(), limits.account),
        ("address", address.to_string(), limits.address),
    ]
}

impl Store {
    /// Reserves a sign-in attempt for `username` from `address` at `now`: `Ok(Ok(()))` when it
    /// may be checked (it is then counted as a failure until [`Store::finish_sign_in`] says
    /// otherwise), `Ok(Err(seconds))` when it must wait that long first. Nothing is counted for
    /// a refused attempt.
    pub async fn reserve_sign_in(
        &self,
        username: &str,
        address: &str,
        limits: &ThrottleLimits,
        now: Timestamp,
    ) -> Result<std::result::Result<(), i64>> {
        let now = now.unix_seconds();
        let mut tx = self.begin_write().await?;
        let mut counted = Vec::new();
        let mut wait = 0i64;
        for (scope, subject, free) in counters(username, address, limits) {
            sqlx::query(
                "INSERT INTO login_throttle (scope, subject, failures, last_unix) VALUES ($1, $2, 0, $3) \
                 ON CONFLICT (scope, subject) DO NOTHING",
            )
            .bind(scope)
            .bind(&subject)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let sql = format!(
                "SELECT failures, last_unix FROM login_throttle WHERE scope = $1 AND subject = $2{}",
                self.for_update()
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(scope)
                .bind(&subject)
                .fetch_one(&mut *tx)
                .await?;
            let last: i64 = row.try_get("last_unix")?;
            let failures: i64 = if now - last >= FORGET_AFTER {
                0
            } else {
                row.try_get("failures")?
            };
            let ready_at = last + wait_after(failures, free, limits.max_delay);
            wait = wait.max(ready_at - now);
            counted.push((scope, subject, failures));
        }
        if wait <= 0 {
            for (scope, subject, failures) in &counted {
                sqlx::query(
                    "UPDATE login_throttle SET failures = $1, last_unix = $2 WHERE scope = $3 AND subject = $4",
                )
                .bind(failures + 1)
                .bind(now)
                .bind(*scope)
                .bind(subject)
                .execute(&mut *tx)
                .await?;
            }
        }
        // Bookkeeping, not a change anyone made: no audit entry.
        self.commit_audited(tx, &[]).await?;
        Ok(if wait <= 0 { Ok(()) } else { Err(wait) })
    }

    /// Ends a reserved attempt: records it (`login_attempts`) and, when it succeeded, clears the
    /// account's counter for this address and gives back the reservation on the others.
    pub async fn finish_sign_in(
        &self,
        username: &str,
        address: &str,
        succeeded: bool,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO login_attempts (username, address, succeeded, at_unix) VALUES ($1, $2, $3, $4)")
            .bind(username)
            .bind(address)
            .bind(i64::from(succeeded))
            .bind(now.unix_seconds())
            .execute(&mut *tx)
            .await?;
        if succeeded {
            let [pair, account, by_address] = counters(
                username,
                address,
                &ThrottleLimits {
                    pair: 0,
                    account: 0,
                    address: 0,
                    max_delay: 0,
                },
            );
            sqlx::query("UPDATE login_throttle SET failures = 0 WHERE scope = $1 AND subject = $2")
                .bind(pair.0)
                .bind(&pair.1)
                .execute(&mut *tx)
                .await?;
            for (scope, subject, _) in [account, by_address] {
                sqlx::query(
                    "UPDATE login_throttle SET failures = failures - 1 \
                     WHERE scope = $1 AND subject = $2 AND failures > 0",
                )
                .bind(scope)
                .bind(&subject)
                .execute(&mut *tx)
                .await?;
            }
        }
        self.commit_audited(tx, &[]).await
    }
}

#[cfg(test)]
mod tests {
    use super::wait_after;

    #[test]
    fn the_wait_grows_after_the_free_attempts_and_is_capped() {
        let waits: Vec<i64> = (0..12).map(|f| wait_after(f, 5, 900)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(wait_after(20, 5, 900), 900);
        assert_eq!(wait_after(10_000, 5, 900), 900, "no overflow");
    }
}
