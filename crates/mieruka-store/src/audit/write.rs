//! Write transactions, and group commit on SQLite.
//!
//! Every audited change runs in a [`WriteTx`]: it derefs to the database connection, and
//! [`crate::Store::commit_audited`] finishes it. On PostgreSQL a `WriteTx` is one transaction
//! of its own; the server's many connections commit side by side.
//!
//! # Group commit (SQLite)
//!
//! SQLite has one writer at a time, and each commit waits for the disk (`fsync`). Under load,
//! changes queue behind each other's disk waits. So changes that arrive while others are being
//! written share one transaction, and one commit:
//!
//! - Writers take turns on a fair lock ([`Batcher`]). The first writer of a batch begins the
//!   transaction (`BEGIN IMMEDIATE`). Each change runs inside its own `SAVEPOINT`: a change
//!   that fails (or whose caller gives up half-way) is rolled back to its savepoint alone, and
//!   the others in the batch are unaffected.
//! - After its audit entries are appended and its savepoint released, a writer hands the turn
//!   to the next one waiting, or — when no one is waiting, or the batch is full — commits the
//!   batch and tells every member the result.
//! - A caller's `commit_audited` returns only after the commit that holds its change has
//!   completed, with that commit's result: durability is the same as one commit per change,
//!   and a change is never reported saved when it is not.
//! - The audit chain stays gapless: entries are appended in turn order inside the one
//!   transaction, and a rolled-back savepoint takes its entries with it.
//!
//! Liveness and cancellation: a caller may give up at any point (a request whose client went
//! away is dropped). Opening a turn, rolling back and committing run in tasks of their own, so
//! they finish whatever the caller does. A savepoint counts as abandoned from the moment it is
//! opened until its owner releases it, so whoever takes the next turn — or commits — rolls back
//! what an owner that went away left. A member waiting for its batch's commit checks every few
//! milliseconds that the batch is still being carried on, and commits it itself when no one is
//! left to. A batch is never left open while no one writes, so other processes (the command
//! line on the same file) get the write lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::{Result, StoreError};

/// The most changes one commit carries; bounds how long the first member waits.
const MAX_BATCH: usize = 64;

/// How often a member waiting for its commit checks that the batch is still carried on.
const HANDOVER_CHECK: Duration = Duration::from_millis(5);

/// The turn-taking and the open batch of one SQLite database (shared by a store's clones).
#[derive(Debug, Default)]
pub(crate) struct Batcher {
    state: Arc<Mutex<Batch>>,
    /// Writers waiting for their turn.
    waiting: AtomicUsize,
}

/// What one batch's members learn: whether the commit holding their change succeeded.
type Outcome = std::result::Result<(), Arc<str>>;

#[derive(Debug, Default)]
struct Batch {
    tx: Option<Transaction<'static, Any>>,
    /// Members whose changes are in `tx`, waiting for its commit.
    members: Vec<oneshot::Sender<Outcome>>,
    /// A turn's savepoint is open and not yet released. Seen by anyone but its owner, it was
    /// abandoned: roll it back before going on.
    savepoint_open: bool,
}

/// A transaction an audited change is written in.
pub(crate) struct WriteTx {
    /// `None` once finished.
    kind: Option<Kind>,
}

enum Kind {
    /// PostgreSQL: a transaction of its own.
    Own(Transaction<'static, Any>),
    /// SQLite: a turn in the shared batch.
    Turn {
        guard: OwnedMutexGuard<Batch>,
        batcher: Arc<Batcher>,
    },
}

const HOLDS: &str = "a write turn holds the open transaction until it finishes";

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.kind {
            Some(Kind::Own(tx)) => tx,
            Some(Kind::Turn { guard, .. }) => guard.tx.as_ref().expect(HOLDS),
            None => unreachable!("a finished write is consumed"),
        }
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.kind {
            Some(Kind::Own(tx)) => tx,
            Some(Kind::Turn { guard, .. }) => guard.tx.as_mut().expect(HOLDS),
            None => unreachable!("a finished write is consumed"),
        }
    }
}

impl WriteTx {
    /// A transaction of its own (PostgreSQL).
    pub(crate) async fn own(pool: &AnyPool) -> Result<WriteTx> {
        Ok(WriteTx {
            kind: Some(Kind::Own(pool.begin().await?)),
        })
    }

    /// A turn in the shared batch (SQLite): waits for the turn, then opens a savepoint.
    pub(crate) async fn turn(batcher: &Arc<Batcher>, pool: &AnyPool) -> Result<WriteTx> {
        let guard = {
            let _waiting = Waiting::register(batcher);
            batcher.state.clone().lock_owned().await
        };
        // Opening runs to its end in a task of its own; if the caller has gone by then, the
        // task gives the turn back instead of leaving the batch open.
        let (give, take) = oneshot::channel();
        let (pool, owner) = (pool.clone(), batcher.clone());
        tokio::spawn(async move {
            let mut guard = guard;
            let opened = prepare(&mut guard, &pool).await;
            if let Err(e) = &opened {
                fail_batch(&mut guard, &e.to_string()).await;
            }
            if let Err((guard, _)) = give.send((guard, opened)) {
                drop(guard);
                settle_if_idle(owner).await;
            }
        });
        let (guard, opened) = take
            .await
            .map_err(|_| StoreError::Commit("the change could not begin".into()))?;
        opened?;
        Ok(WriteTx {
            kind: Some(Kind::Turn {
                guard,
                batcher: batcher.clone(),
            }),
        })
    }

    /// Ends the change successfully: commits it (PostgreSQL), or releases its savepoint and
    /// returns once the batch holding it has committed (SQLite).
    pub(crate) async fn finish(mut self) -> Result<()> {
        match self.kind.take() {
            None => unreachable!("a write is finished once"),
            Some(Kind::Own(tx)) => Ok(tx.commit().await?),
            Some(Kind::Turn { guard, batcher }) => {
                let (told, outcome) = oneshot::channel();
                tokio::spawn(release_and_hand_over(guard, batcher.clone(), told));
                wait_for_commit(&batcher, outcome).await
            }
        }
    }
}

/// Releases a finished turn's savepoint and joins the batch's members; commits the batch when
/// no one is waiting for a turn or the batch is full. Runs in a task of its own, so a caller
/// going away cannot cut it short.
async fn release_and_hand_over(
    mut guard: OwnedMutexGuard<Batch>,
    batcher: Arc<Batcher>,
    told: oneshot::Sender<Outcome>,
) {
    let tx = guard.tx.as_mut().expect(HOLDS);
    if let Err(e) = sqlx::query("RELEASE change").execute(&mut **tx).await {
        let reason = StoreError::from(e).to_string();
        let _ = told.send(Err(reason.clone().into()));
        fail_batch(&mut guard, &reason).await;
        return;
    }
    guard.savepoint_open = false;
    guard.members.push(told);
    if batcher.waiting.load(Ordering::Acquire) == 0 || guard.members.len() >= MAX_BATCH {
        commit_batch(&mut guard).await;
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        // A turn dropped before `finish` (an error, or a cancelled caller) leaves its savepoint
        // marked open, to be rolled back by whoever comes next; the batch must not stay open.
        if let Some(Kind::Turn { guard, batcher }) = self.kind.take() {
            drop(guard);
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(settle_if_idle(batcher));
            }
        }
    }
}

/// Counts a writer as waiting for its turn until dropped (also when the wait is cancelled).
struct Waiting<'a>(&'a Batcher);

impl<'a> Waiting<'a> {
    fn register(batcher: &'a Batcher) -> Waiting<'a> {
        batcher.waiting.fetch_add(1, Ordering::AcqRel);
        Waiting(batcher)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Opens the batch's transaction if none is open, rolls back an abandoned change, and opens
/// this turn's savepoint.
async fn prepare(batch: &mut Batch, pool: &AnyPool) -> Result<()> {
    if batch.tx.is_none() {
        batch.tx = Some(pool.begin_with("BEGIN IMMEDIATE").await?);
        batch.savepoint_open = false;
    }
    let tx = batch.tx.as_mut().expect("opened above");
    if batch.savepoint_open {
        sqlx::query("ROLLBACK TO change").execute(&mut **tx).await?;
        sqlx::query("RELEASE change").execute(&mut **tx).await?;
        batch.savepoint_open = false;
    }
    batch.savepoint_open = true;
    sqlx::query("SAVEPOINT change").execute(&mut **tx).await?;
    Ok(())
}

/// Commits the open batch (after rolling back an abandoned change) and tells its members.
async fn commit_batch(batch: &mut Batch) {
    let outcome: Outcome = match batch.tx.take() {
        // Only a rollback that was itself cut short leaves members without a transaction.
        None => Err("the transaction holding the change was rolled back".into()),
        Some(mut tx) => {
            let mut rolled_back = Ok(());
            if batch.savepoint_open {
                for step in ["ROLLBACK TO change", "RELEASE change"] {
                    if let Err(e) = sqlx::query(step).execute(&mut *tx).await {
                        rolled_back = Err(e);
                        break;
                    }
                }
            }
            batch.savepoint_open = false;
            match rolled_back {
                Ok(()) => tx.commit().await,
                Err(e) => Err(e),
            }
            .map_err(|e| StoreError::from(e).to_string().into())
        }
    };
    for member in batch.members.drain(..) {
        let _ = member.send(outcome.clone());
    }
}

/// Gives up the open batch after an error: everything in it is rolled back and its members
/// are told.
async fn fail_batch(batch: &mut Batch, error: &str) {
    batch.savepoint_open = false;
    if let Some(tx) = batch.tx.take() {
        let _ = tx.rollback().await;
    }
    let reason: Arc<str> = format!("the change was rolled back: {error}").into();
    for member in batch.members.drain(..) {
        let _ = member.send(Err(reason.clone()));
    }
}

/// Waits until the batch holding this member's change has committed; commits it itself when
/// no one else is left to carry the batch on.
async fn wait_for_commit(batcher: &Batcher, mut outcome: oneshot::Receiver<Outcome>) -> Result<()> {
    loop {
        tokio::select! {
            told = &mut outcome => return settle(told),
            () = tokio::time::sleep(HANDOVER_CHECK) => {
                let mut batch = batcher.state.clone().lock_owned().await;
                if let Ok(told) = outcome.try_recv() {
                    return settle(Ok(told));
                }
                if batcher.waiting.load(Ordering::Acquire) == 0 {
                    tokio::spawn(async move { commit_batch(&mut batch).await });
                }
            }
        }
    }
}

fn settle(told: std::result::Result<Outcome, oneshot::error::RecvError>) -> Result<()> {
    match told {
        Ok(Ok(())) => Ok(()),
        Ok(Err(reason)) => Err(StoreError::Commit(reason.to_string())),
        Err(_) => Err(StoreError::Commit(
            "the transaction holding the change was abandoned".into(),
        )),
    }
}

/// After a turn was abandoned: when no one else is waiting, closes the batch (committing the
/// members' changes, or an empty transaction) so no transaction stays open.
async fn settle_if_idle(batcher: Arc<Batcher>) {
    let mut batch = batcher.state.clone().lock_owned().await;
    if batcher.waiting.load(Ordering::Acquire) == 0 && batch.tx.is_some() {
        commit_batch(&mut batch).await;
    }
}
