//! Small answers of the API as types: the handler answers with the type, and the OpenAPI
//! document describes it from the same type (`Answer::of`), with an example the type reads back.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The server is up, with its database schema's version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = Health { status: "ok".into(), schema_version: 8 })]
pub struct Health {
    pub status: String,
    /// The newest database migration applied.
    pub schema_version: i64,
}

/// A risk removed from the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = Removed { removed: "supplier-failure".into() })]
pub struct Removed {
    /// The removed risk's code.
    pub removed: String,
}

/// Sessions ended by signing out everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = SessionsEnded { ended: 3 })]
pub struct SessionsEnded {
    /// How many sessions ended.
    pub ended: u64,
}

/// API tokens revoked at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = TokensRevoked { revoked: 2 })]
pub struct TokensRevoked {
    /// How many tokens were revoked.
    pub revoked: u64,
}

/// What setting benchmark figures changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(example = BenchmarkChanges { added: 1, replaced: 0, unchanged: 0 })]
pub struct BenchmarkChanges {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
}
