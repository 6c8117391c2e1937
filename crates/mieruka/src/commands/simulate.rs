//! `mieruka simulate` (being written).
use super::Ctx;
use crate::cli::SimulateArgs;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _args: SimulateArgs) -> Result<()> {
    anyhow::bail!("not available yet")
}
