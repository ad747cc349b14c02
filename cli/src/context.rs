//! Where the store lives, opening it, and which group a command works on.

use delbar_core::Store;
use delbar_core::domain::Group;
use delbar_core::ids::GroupId;
use delbar_core::time::{Clock, ManualClock, SystemClock, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::datetime::{self, Edge};
use crate::error::{CliError, CliResult};
use crate::resolve::{self, Candidate};

/// The store file's name inside the data directory.
pub const STORE_FILE: &str = "delbar.db";

/// The data directory: `--data`, else `$DELBAR_DATA`, else `$XDG_DATA_HOME/delbar`, else the
/// platform's per-user data directory.
pub fn data_dir(flag: Option<&Path>) -> CliResult<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("DELBAR_DATA") {
        return Ok(dir);
    }
    if let Some(dir) = var("XDG_DATA_HOME").filter(|d| d.is_absolute()) {
        return Ok(dir.join("delbar"));
    }
    let home = var("HOME").ok_or_else(|| {
        CliError::input("cannot tell where to keep the data: set HOME or DELBAR_DATA, or pass --data DIR")
    })?;
    Ok(if cfg!(target_os = "macos") {
        home.join("Library").join("Application Support").join("delbar")
    } else {
        home.join(".local").join("share").join("delbar")
    })
}

/// The system clock or, for tests and rehearsals (`--now`), a clock standing at `now`.
pub fn clock(now: Option<&str>) -> CliResult<Arc<dyn Clock>> {
    Ok(match now {
        Some(when) => {
            let at = datetime::parse_when(when, Edge::Start, SystemClock.now())?;
            Arc::new(ManualClock::new(at))
        }
        None => Arc::new(SystemClock),
    })
}

/// What every command but `demo` works with: the open store and the global options.
#[derive(Debug)]
pub struct Ctx {
    /// The device's store.
    pub store: Store,
    /// Whether to print JSON.
    pub json: bool,
    /// The `--group` option as typed.
    group_arg: Option<String>,
}

impl Ctx {
    /// Opens the store in `data` (creating the directory), with the system clock or, for
    /// tests and rehearsals, a clock standing at `now`.
    pub fn open(data: Option<&Path>, group: Option<String>, json: bool, now: Option<&str>) -> CliResult<Self> {
        Self::open_file(&data_dir(data)?.join(STORE_FILE), group, json, now)
    }

    /// Opens the store file `file` (creating its directory), with the system clock or a
    /// clock standing at `now`.
    pub fn open_file(file: &Path, group: Option<String>, json: bool, now: Option<&str>) -> CliResult<Self> {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::Io(format!("cannot create the data directory {}: {e}", dir.display())))?;
        }
        let store = Store::open_with_clock(file, clock(now)?)?;
        Ok(Ctx { store, json, group_arg: group })
    }

    /// The group to work on: `--group`, or the only group in the store.
    pub fn group(&self) -> CliResult<Group> {
        let groups = self.store.groups()?;
        match &self.group_arg {
            Some(arg) => {
                let candidates: Vec<Candidate<'_>> =
                    groups.iter().map(|g| Candidate { id: g.id.as_str(), name: Some(&g.name) }).collect();
                let index = resolve::pick("group", arg, &candidates)?;
                groups
                    .into_iter()
                    .nth(index)
                    .ok_or_else(|| CliError::input(format!("no group matches '{}'", crate::escape::echo(arg))))
            }
            None if groups.len() > 1 => Err(CliError::input(format!(
                "this store holds {} groups; choose one with --group (see `delbar group list`)",
                groups.len()
            ))),
            None => groups.into_iter().next().ok_or_else(|| {
                CliError::input("there is no group yet; create one with `delbar group create NAME --me YOUR_NAME`")
            }),
        }
    }

    /// The group a sync or an import is for: a group this store holds (as [`Ctx::group`]
    /// finds it), or, when the store does not hold it yet (first contact), the full group
    /// id given with `--group`.
    pub fn group_id_to_receive(&self) -> CliResult<GroupId> {
        match self.group() {
            Ok(g) => Ok(g.id),
            Err(e) => match &self.group_arg {
                Some(arg) => GroupId::parse(arg).map_err(|_| e),
                None => Err(e),
            },
        }
    }

    /// Whether `--group` was given.
    pub fn has_group_arg(&self) -> bool {
        self.group_arg.is_some()
    }

    /// The device clock's instant.
    pub fn now(&self) -> Timestamp {
        self.store.now()
    }

    /// Reads a typed instant against the device clock.
    pub fn when(&self, input: &str, edge: Edge) -> CliResult<Timestamp> {
        datetime::parse_when(input, edge, self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins() {
        assert_eq!(data_dir(Some(Path::new("somewhere"))).unwrap(), PathBuf::from("somewhere"));
    }
}
