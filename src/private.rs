//! Files the console writes that hold customer data (the log, exports, CDR reports, rejected
//! rows, the clipboard file): readable and writable by their owner only, whatever the
//! folder's mode or the umask, as the database file is.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Creates (or empties) a file only its owner may read.
pub fn create(path: &Path) -> io::Result<File> {
    open(
        path,
        OpenOptions::new().write(true).create(true).truncate(true),
    )
}

/// Opens a file to add to its end, creating it if need be, only its owner may read.
pub fn append(path: &Path) -> io::Result<File> {
    open(path, OpenOptions::new().append(true).create(true))
}

/// Writes `contents` to a file only its owner may read.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    create(path)?.write_all(contents.as_ref())
}

/// Creates a folder and those above it that are missing, the new ones for their owner only.
pub fn create_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

fn open(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // A file that was there already keeps its mode through the open. Only a plain
        // file: /dev/stdout or a pipe is not ours to change.
        use std::os::unix::fs::PermissionsExt;
        let meta = file.metadata()?;
        if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_are_the_owners_alone_even_when_they_were_there_already() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("sub/new.csv");
        create_dir(new.parent().unwrap()).unwrap();
        write(&new, "a").unwrap();
        assert_eq!((mode(new.parent().unwrap()), mode(&new)), (0o700, 0o600));
        let old = dir.path().join("old.log");
        std::fs::write(&old, "first\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o666)).unwrap();
        append(&old).unwrap().write_all(b"second\n").unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "first\nsecond\n");
    }
}
