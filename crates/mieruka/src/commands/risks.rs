//! `mieruka risks` (being written).
use super::Ctx;
use crate::cli::RisksArgs;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _args: RisksArgs) -> Result<()> {
    anyhow::bail!("not available yet")
}
