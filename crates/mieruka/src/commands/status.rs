//! `mieruka status`.
use super::Ctx;
use crate::cli::StatusArgs;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _c: StatusArgs) -> Result<()> {
    anyhow::bail!("todo")
}
