//! `mieruka recommend`.
use super::Ctx;
use crate::cli::RecommendArgs;
use anyhow::Result;
pub async fn run(_ctx: &Ctx, _c: RecommendArgs) -> Result<()> {
    anyhow::bail!("todo")
}
