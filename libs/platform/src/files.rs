//! Files only the service's own user may read: keys, databases, mail holding tokens.

use std::path::Path;

use anyhow::Context;

/// Creates `dir` and its missing parents with mode 0700, so whatever lands inside
/// (SQLite files, keys, `.eml` mail with sign-in links) is private to this user.
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Writes a file only its owner can read (mode 0600), replacing any earlier content.
pub fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents)
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_folders_and_files_are_private() {
        let root = std::env::temp_dir().join(format!("kefu-files-{}", uuid::Uuid::now_v7()));
        let dir = root.join("a/b");
        create_private_dir(&dir).expect("dir");
        write_private(&dir.join("secret"), b"token").expect("file");

        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("secret")), 0o600);
        let _ = std::fs::remove_dir_all(root);
    }
}
