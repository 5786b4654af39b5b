//! What touches the disk: comparing generated files with a folder, writing them, and showing
//! the difference. The command-line tool, `cargo xtask codegen` and the build-script mode
//! share it; [`crate::generate`] itself never touches the disk.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// One difference between the generated files and a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file to write: new (`old` is `None`) or changed.
    Write {
        /// Its path relative to the folder, `/`-separated.
        path: String,
        /// What the folder holds now.
        old: Option<String>,
    },
    /// A file in a folder the generator owns that it no longer produces.
    Remove {
        /// Its path relative to the folder, `/`-separated.
        path: String,
    },
}

/// What differs between `files` and the folder `out_dir`: files to write (new or changed),
/// and files under `owned_dirs` (relative to `out_dir`) that `files` no longer holds.
///
/// # Errors
///
/// When a file or folder cannot be read.
pub fn plan(
    out_dir: &Path,
    files: &BTreeMap<String, String>,
    owned_dirs: &[&str],
) -> std::io::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for (path, contents) in files {
        let old = match fs::read_to_string(out_dir.join(path)) {
            Ok(old) => Some(old),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if old.as_deref() != Some(contents.as_str()) {
            changes.push(Change::Write {
                path: path.clone(),
                old,
            });
        }
    }
    let mut existing = BTreeSet::new();
    for dir in owned_dirs {
        list_files(out_dir, &out_dir.join(dir), &mut existing)?;
    }
    for path in existing {
        if !files.contains_key(&path) {
            changes.push(Change::Remove { path });
        }
    }
    Ok(changes)
}

fn list_files(base: &Path, dir: &Path, out: &mut BTreeSet<String>) -> std::io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            list_files(base, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(base) {
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.insert(parts.join("/"));
        }
    }
    Ok(())
}

/// Writes `contents` to `path` through a temporary file in the same folder, so the file is
/// never half-written; creates the folders it needs.
///
/// # Errors
///
/// When the folder or file cannot be written.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temporary = path.with_file_name(name);
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path)
}

/// What `--check` prints for `changes` (from [`plan`]): each stale file, named by `shown`,
/// with a diff of what it holds against what is generated (`files`).
pub fn stale_report(
    changes: &[Change],
    files: &BTreeMap<String, String>,
    shown: impl Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    for change in changes {
        match change {
            Change::Write { path, old } => {
                out.push_str(&format!("stale: {}\n", shown(path)));
                out.push_str(&unified_diff(old.as_deref().unwrap_or(""), &files[path]));
            }
            Change::Remove { path } => {
                out.push_str(&format!("stale: {} is no longer generated\n", shown(path)));
            }
        }
    }
    out
}

/// Applies `changes` (from [`plan`]) to `out_dir`: writes each changed file of `files`
/// atomically and removes the files no longer generated. Returns what it did, one line per
/// file, with paths relative to `out_dir`.
///
/// # Errors
///
/// The path that could not be written or removed, and why.
pub fn apply(
    out_dir: &Path,
    files: &BTreeMap<String, String>,
    changes: &[Change],
) -> Result<Vec<String>, (String, std::io::Error)> {
    let mut done = Vec::new();
    for change in changes {
        match change {
            Change::Write { path, .. } => {
                write_atomically(&out_dir.join(path), &files[path])
                    .map_err(|e| (path.clone(), e))?;
                done.push(format!("wrote      {path}"));
            }
            Change::Remove { path } => {
                fs::remove_file(out_dir.join(path)).map_err(|e| (path.clone(), e))?;
                done.push(format!("removed    {path}"));
            }
        }
    }
    Ok(done)
}

/// A unified-style diff: the common head and tail are skipped, the differing middle is shown
/// as removed and added lines with three lines of context.
pub fn unified_diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let context = 3;
    let start = head.saturating_sub(context);
    let mut out = format!(
        "@@ -{},{} +{},{} @@\n",
        start + 1,
        old.len() - tail - start,
        start + 1,
        new.len() - tail - start
    );
    for line in &old[start..head] {
        out.push_str(&format!(" {line}\n"));
    }
    for line in &old[head..old.len() - tail] {
        out.push_str(&format!("-{line}\n"));
    }
    for line in &new[head..new.len() - tail] {
        out.push_str(&format!("+{line}\n"));
    }
    for line in old[old.len() - tail..].iter().take(context) {
        out.push_str(&format!(" {line}\n"));
    }
    out
}
