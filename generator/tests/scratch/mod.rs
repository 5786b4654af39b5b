//! Writing generated crates into a scratch workspace under `target/`, shared by the tests that
//! compile them.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Writes `contents` to `path` unless it already holds them, so reruns stay incremental.
pub fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return;
    }
    fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
    fs::write(path, contents).expect("write the file");
}

/// Writes the files of a generated crate into `dir` as a member of the scratch workspace
/// named `package`: its standalone `[workspace]` table is dropped and its name replaced.
pub fn write_member(dir: &Path, package: &str, files: &BTreeMap<String, String>) {
    for (file, contents) in files {
        let contents = if file == "Cargo.toml" {
            let name = contents
                .lines()
                .find(|l| l.starts_with("name = "))
                .expect("a name")
                .to_owned();
            contents
                .replace("\n[workspace]\n", "\n")
                .replace(&name, &format!("name = \"{package}\""))
        } else {
            contents.clone()
        };
        write_if_changed(&dir.join(file), &contents);
    }
}
