//! Running the `mieruka` binary in a private home folder against a fresh SQLite database, as a
//! user would from a terminal. Shared by the command-line test files.

#![allow(dead_code)] // each test file uses the part it needs

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// A private home folder and database for one test.
pub struct Env {
    pub home: tempfile::TempDir,
    pub url: String,
}

impl Env {
    pub fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", home.path().join("m.sqlite3").display());
        Env { home, url }
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The command running mieruka on this test's database, as the user `tester`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mieruka"));
        command
            .args(args)
            .args(["--database", &self.url])
            .env("MIERUKA_HOME", self.home.path())
            .env("USER", "tester")
            .env_remove("MIERUKA_DATABASE_URL")
            .env_remove("MIERUKA_LANG");
        command
    }

    /// Runs mieruka on this test's database, as the user `tester`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs a command that must succeed and returns its output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must succeed and print JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    /// Runs a command that must fail with one line on stderr containing `needle`.
    pub fn fails(&self, args: &[&str], needle: &str) -> String {
        let out = self.run(args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected `{needle}` in: {err}"
        );
        err
    }
}
