//! `mieruka measure import | export`.

use anyhow::{Result, bail};

use super::Ctx;
use crate::cli::{ExportArgs, ImportArgs};

pub async fn import(_ctx: &Ctx, _args: ImportArgs) -> Result<()> {
    bail!("import is not available yet")
}

pub async fn export(_ctx: &Ctx, _args: ExportArgs) -> Result<()> {
    bail!("export is not available yet")
}
