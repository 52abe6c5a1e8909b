//! The data directory holds the database (password and refresh-token hashes) and the token
//! secret: it and everything Joan creates in it are readable by Joan's user alone.
use std::io;
use std::path::Path;

/// The files of a data directory that are tightened if an older Joan left them readable.
const PRIVATE_FILES: [&str; 5] = ["joan.db", "joan.db-wal", "joan.db-shm", "jwt_secret", "encryption_key"];

/// Makes files created from now on private (umask 077), creates `dir` with mode 0700 if
/// missing, and sets the files Joan keeps there to 0600.
pub fn prepare(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        for name in PRIVATE_FILES {
            let path = dir.join(name);
            if path.exists() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)?;
    Ok(())
}
