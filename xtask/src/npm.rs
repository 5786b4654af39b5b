//! Pinned npm packages, installed by the project into `.tools/<folder>` (ignored by git).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Installs `package` (`name@version`) into `.tools/<folder>` unless that version is there,
/// and returns the folder.
pub fn install(root: &Path, folder: &str, package: &str) -> Result<PathBuf, String> {
    let prefix = root.join(".tools").join(folder);
    let (name, version) = package
        .rsplit_once('@')
        .filter(|(name, _)| !name.is_empty())
        .ok_or_else(|| format!("`{package}` is not name@version"))?;
    let manifest = prefix.join("node_modules").join(name).join("package.json");
    let installed = fs::read_to_string(&manifest)
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{version}\"")));
    if installed {
        return Ok(prefix);
    }
    println!("== installing {package} into .tools/{folder}");
    fs::create_dir_all(&prefix).map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&prefix)
        .arg(package)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js and npm are needed): {e}"))?;
    if !status.success() || !manifest.exists() {
        return Err(format!("npm could not install {package}"));
    }
    Ok(prefix)
}
