//! `mieruka kpi`.
use super::Ctx;
use crate::cli::KpiCommand;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _c: KpiCommand) -> Result<()> {
    anyhow::bail!("todo")
}
