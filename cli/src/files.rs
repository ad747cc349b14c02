//! Files the network commands write and read outside the store: bundles, heads files, a
//! hub's address file.

use std::path::{Path, PathBuf};

use crate::error::{CliError, CliResult};

/// Writes `bytes` to `path` whole or not at all: into a temporary file next to it, flushed
/// to disk, then renamed over `path`. A reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult<()> {
    let io = |e: std::io::Error| CliError::Io(format!("cannot write {}: {e}", path.display()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Reads a whole file.
pub fn read(path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))
}

/// Removes a file if it is there.
pub fn remove(path: &Path) -> CliResult<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::Io(format!("cannot remove {}: {e}", path.display()))),
    }
}

/// `path` as text for messages.
pub fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// A path next to `file` (in the same directory) named `name`.
pub fn sibling(file: &Path, name: &str) -> PathBuf {
    file.parent().map(|d| d.join(name)).unwrap_or_else(|| PathBuf::from(name))
}

/// A size in bytes for people: `812 B`, `12.3 KB`, `4.1 MB`.
pub fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "a size shown with one decimal")]
    let b = bytes as f64;
    if bytes < 1_000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.1} KB", b / 1e3)
    } else {
        format!("{:.1} MB", b / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.addr");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
        remove(&path).unwrap();
        remove(&path).unwrap();
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(12_345), "12.3 KB");
        assert_eq!(size(4_100_000), "4.1 MB");
    }
}
