//! `mieruka audit` (being written).
use super::Ctx;
use crate::cli::AuditCommand;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _c: AuditCommand) -> Result<()> {
    anyhow::bail!("not available yet")
}
