//! A temporary data directory that `delbar` runs on, times in UTC: the fixture of the CLI
//! test binaries that each test one area (labels, maintenance, inventory, the store file).

#![allow(dead_code, reason = "each test binary uses the part of the fixture it needs")]

use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::common::{Run, Runs, command, finish};

/// The group every [`DataDir::with_group`] creates.
pub const GROUP: &str = "Folkverkstad Trondheim";

/// A data directory of its own, removed when dropped.
pub struct DataDir {
    dir: TempDir,
}

impl Runs for DataDir {
    fn run(&self, args: &[&str]) -> Run {
        finish(command("UTC").arg("--data").arg(self.path()).args(args).output().unwrap())
    }
}

impl DataDir {
    /// An empty data directory.
    pub fn new() -> Self {
        DataDir { dir: tempfile::tempdir().unwrap() }
    }

    /// A data directory with the group [`GROUP`], stewarded by `me`.
    pub fn with_group(me: &str) -> Self {
        let d = DataDir::new();
        d.ok(&["group", "create", GROUP, "--me", me]);
        d
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file in the directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// The store file.
    pub fn store(&self) -> PathBuf {
        self.file("delbar.db")
    }

    /// Adds an item with `extra` options; returns its id.
    pub fn add_item(&self, name: &str, extra: &[&str]) -> String {
        let mut args = vec!["item", "add", name];
        args.extend_from_slice(extra);
        self.json(&args)["id"].as_str().unwrap().to_owned()
    }
}
