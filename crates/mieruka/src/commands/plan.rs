//! `mieruka plan`.
use super::Ctx;
use crate::cli::PlanCommand;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _c: PlanCommand) -> Result<()> {
    anyhow::bail!("todo")
}
