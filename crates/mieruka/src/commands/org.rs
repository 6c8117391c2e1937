//! `mieruka org` and `mieruka unit`.
use super::Ctx;
use crate::cli::{OrgCommand, UnitCommand};
use anyhow::Result;
pub async fn run_org(_ctx: &Ctx, _c: OrgCommand) -> Result<()> {
    anyhow::bail!("todo")
}
pub async fn run_unit(_ctx: &Ctx, _c: UnitCommand) -> Result<()> {
    anyhow::bail!("todo")
}
