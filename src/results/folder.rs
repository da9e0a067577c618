//! Results folders: how vppsim writes one so that nothing is lost, and what it may replace.
//!
//! - **Claim** ([`Claim::new`]): before a run, the folder is claimed: an advisory lock on
//!   `.<name>.lock` beside it (a second run into the same folder is refused and told who
//!   holds it), leftovers of vppsim runs that died are removed, and an existing folder is
//!   checked: it may be replaced (`--force`) only if it is empty or vppsim wrote it, i.e. it
//!   holds the marker file [`MARKER`] and nothing but the files that marker lists, and it is not `/`,
//!   the home folder, the current folder, the scenario's folder or an ancestor of these.
//! - **Stage** ([`Staging`]): every file goes into a hidden sibling `.<name>.partial-<pid>`,
//!   which starts with a marker of its own so a leftover is recognisable as vppsim's.
//! - **Commit** ([`Staging::commit`]): the marker is written with the list of files, then
//!   the staging folder is renamed into place (an old folder is first renamed aside to
//!   `.<name>.old-<pid>`, then removed). An interrupt is handled only between these steps
//!   ([`interrupted`]), so the message it prints says exactly what state the folder is in.

use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::WriteError;

/// Name of the marker file in every folder vppsim writes.
pub const MARKER: &str = ".vppsim";
/// Format tag of the marker.
const FORMAT: &str = "vppsim-folder/1";

/// Contents of [`MARKER`]: the format tag, what wrote the folder and every file it wrote.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    format: String,
    /// `staging` while being written; afterwards what wrote it (`run`, `vpp`, `compare`).
    kind: String,
    /// Paths relative to the folder, `/`-separated, sorted.
    files: Vec<String>,
}

impl Marker {
    fn read(dir: &Path) -> Option<Marker> {
        let text = fs::read_to_string(dir.join(MARKER)).ok()?;
        serde_json::from_str::<Marker>(&text)
            .ok()
            .filter(|m| m.format == FORMAT)
    }

    fn write(&self, dir: &Path) -> Result<(), WriteError> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a marker serialises");
        bytes.push(b'\n');
        write_synced(&dir.join(MARKER), &bytes)
    }
}

/// A results folder claimed for writing (see the module documentation). Holding it holds
/// the folder's lock.
#[derive(Debug)]
pub struct Claim {
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    /// The folder exists and may be replaced.
    replace: bool,
    /// What was cleaned up or should be known, for the user.
    pub notes: Vec<String>,
    _lock: FolderLock,
}

impl Claim {
    /// Claims `dir` for a run that writes it whole. Without `force`, an existing `dir` is
    /// refused; with it, only a folder vppsim wrote may be replaced, and never one of
    /// `protected` (e.g. the scenario's folder) or an ancestor of them.
    pub fn new(dir: &Path, force: bool, protected: &[PathBuf]) -> Result<Claim, WriteError> {
        let (parent, name) = split(dir)?;
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let lock = FolderLock::acquire(&parent.join(format!(".{name}.lock")), dir)?;
        let notes = remove_leftovers(&parent, Some(&name));
        let replace = match fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(source) => return Err(io_error(dir)(source)),
            Ok(_) if !force => return Err(WriteError::Exists(dir.to_path_buf())),
            Ok(meta) => {
                check_replaceable(dir, &meta, protected)?;
                true
            }
        };
        register(dir, replace);
        Ok(Claim {
            dir: dir.to_path_buf(),
            parent,
            name,
            replace,
            notes,
            _lock: lock,
        })
    }

    /// Claims the existing folder `dir` to rewrite some of its files in place (`report`):
    /// takes its lock; nothing is replaced or removed.
    pub fn existing(dir: &Path) -> Result<Claim, WriteError> {
        let (parent, name) = split(dir)?;
        if !dir.is_dir() {
            return Err(WriteError::Io {
                path: dir.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
            });
        }
        let lock = FolderLock::acquire(&parent.join(format!(".{name}.lock")), dir)?;
        register(dir, true);
        Ok(Claim {
            dir: dir.to_path_buf(),
            parent,
            name,
            replace: false,
            notes: Vec::new(),
            _lock: lock,
        })
    }

    /// Opens `dir` to add to it, creating it if missing (a sweep adds each case as it
    /// finishes, so a rerun resumes). An existing folder may hold nothing vppsim did not
    /// write, and a marker, if it has one, of `kind`; it keeps or gets a marker of `kind`.
    /// Nothing in it is removed.
    pub fn open(dir: &Path, kind: &str) -> Result<Claim, WriteError> {
        let (parent, name) = split(dir)?;
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let lock = FolderLock::acquire(&parent.join(format!(".{name}.lock")), dir)?;
        let notes = remove_leftovers(&parent, Some(&name));
        let refuse = |reason: String| WriteError::Refused {
            dir: dir.to_path_buf(),
            reason,
        };
        let marker = match fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir(dir).map_err(io_error(dir))?;
                None
            }
            Err(source) => return Err(io_error(dir)(source)),
            Ok(meta) if !meta.is_dir() => {
                return Err(refuse(
                    "it is not a folder (a file or a symbolic link)".into(),
                ));
            }
            Ok(_) => Marker::read(dir),
        };
        let marker = match marker {
            Some(m) if m.kind != kind => {
                return Err(refuse(format!(
                    "it holds the output of vppsim {}, not of a {kind}",
                    m.kind
                )));
            }
            Some(m) => m,
            None => Marker {
                format: FORMAT.into(),
                kind: kind.into(),
                files: Vec::new(),
            },
        };
        let foreign = foreign(dir, &marker);
        if !foreign.is_empty() {
            return Err(refuse(format!(
                "it holds {}",
                summarise(&foreign, " that vppsim did not write")
            )));
        }
        marker.write(dir)?;
        register(dir, true);
        set_phase(dir, None, Phase::Partly);
        Ok(Claim {
            dir: dir.to_path_buf(),
            parent,
            name,
            replace: false,
            notes,
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Starts writing sub-folder `rel` (`/`-separated, e.g. `cases/0a1b2c`) of the claimed
    /// folder, as a folder of its own with its own marker of `kind`: staged in a hidden
    /// sibling `.<name>.partial-<pid>` and renamed into place by [`Staging::commit`],
    /// replacing an old one only if vppsim wrote it. Several sub-folders may be staged at
    /// once (by several threads); leftovers of stopped runs are removed by
    /// [`Claim::remove_leftovers_in`].
    pub fn stage_folder(&self, rel: &str, kind: &str) -> Result<Staging, WriteError> {
        let target = self.dir.join(rel);
        let (parent, name) = split(&target)?;
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let replace = match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(source) => return Err(io_error(&target)(source)),
            Ok(meta) => {
                check_replaceable(&target, &meta, &[])?;
                true
            }
        };
        Staging::create(target, &parent, &name, kind, replace, false)
    }

    /// Removes what stopped runs left in sub-folder `rel` while staging its sub-folders
    /// (see [`Claim::stage_folder`]); notes for the user.
    pub fn remove_leftovers_in(&self, rel: &str) -> Vec<String> {
        remove_leftovers(&self.dir.join(rel), None)
    }

    /// Starts writing: a fresh staging folder beside the claimed one.
    pub fn stage(&self, kind: &str) -> Result<Staging, WriteError> {
        Staging::create(
            self.dir.clone(),
            &self.parent,
            &self.name,
            kind,
            self.replace,
            true,
        )
    }

    /// Moves files written in a staging folder into the claimed folder in place, each by
    /// an atomic rename over its old version: `(staged, target)` pairs of paths relative to
    /// the staging and the claimed folder. Adds them to the folder's marker first, if it has
    /// one. Nothing else in the folder is touched.
    pub fn replace_files(
        &self,
        staged: &Path,
        files: &[(String, String)],
    ) -> Result<(), WriteError> {
        let mut active = active();
        // The marker lists the files before they arrive: a stop in between leaves nothing
        // unlisted.
        if let Some(mut marker) = Marker::read(&self.dir) {
            marker
                .files
                .extend(files.iter().map(|(_, target)| target.clone()));
            marker.files.sort();
            marker.files.dedup();
            marker.write(&self.dir)?;
        }
        for (file, target) in files {
            let (from, to) = (staged.join(file), self.dir.join(target));
            fs::rename(&from, &to).map_err(io_error(&to))?;
        }
        if let Some(a) = active.iter_mut().find(|a| a.dir == self.dir) {
            a.phase = Phase::Partly;
        }
        Ok(())
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        active().retain(|a| a.dir != self.dir);
    }
}

fn register(dir: &Path, existed: bool) {
    active().push(Active {
        dir: dir.to_path_buf(),
        staging: None,
        existed,
        phase: Phase::Claimed,
    });
}

/// Parent folder and plain name of `dir`; a path without a final name (`/`, `.`, `..`) is
/// refused.
fn split(dir: &Path) -> Result<(PathBuf, String), WriteError> {
    let refuse = |reason: &str| WriteError::Refused {
        dir: dir.to_path_buf(),
        reason: reason.to_string(),
    };
    let Some(Component::Normal(last)) = dir.components().next_back() else {
        return Err(refuse(
            "it is not a folder name (the root, '.' or '..'); name a new folder",
        ));
    };
    let name = last
        .to_str()
        .ok_or_else(|| refuse("its name is not valid UTF-8"))?
        .to_string();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Why an existing `dir` may not be replaced, if it may not.
fn check_replaceable(
    dir: &Path,
    meta: &fs::Metadata,
    protected: &[PathBuf],
) -> Result<(), WriteError> {
    let refuse = |reason: String| {
        Err(WriteError::Refused {
            dir: dir.to_path_buf(),
            reason,
        })
    };
    if meta.file_type().is_symlink() {
        return refuse("it is a symbolic link; vppsim replaces only folders it wrote".into());
    }
    if !meta.is_dir() {
        return refuse("it is a file, not a results folder".into());
    }
    let canonical = fs::canonicalize(dir).map_err(io_error(dir))?;
    let mut guarded: Vec<(PathBuf, &str)> = vec![(PathBuf::from("/"), "the root folder")];
    if let Some(home) = std::env::var_os("HOME") {
        guarded.push((PathBuf::from(home), "the home folder"));
    }
    if let Ok(cwd) = std::env::current_dir() {
        guarded.push((cwd, "the current folder"));
    }
    guarded.extend(
        protected
            .iter()
            .map(|p| (p.clone(), "the scenario's folder")),
    );
    for (path, what) in guarded {
        let path = fs::canonicalize(&path).unwrap_or(path);
        if path.starts_with(&canonical) {
            let relation = if path == canonical {
                "it is"
            } else {
                "it holds"
            };
            return refuse(format!("{relation} {what} ({})", path.display()));
        }
    }
    if listing(dir).is_empty() {
        return Ok(());
    }
    let Some(marker) = Marker::read(dir) else {
        return refuse(format!(
            "vppsim did not write it (it has no {MARKER} marker); it holds {}",
            summarise(&listing(dir), "")
        ));
    };
    let foreign = foreign(dir, &marker);
    if !foreign.is_empty() {
        return refuse(format!(
            "it holds {}",
            summarise(&foreign, " that vppsim did not write")
        ));
    }
    Ok(())
}

/// Entries under `dir` that vppsim did not write: all but its marker, the files the
/// marker lists and the folders on the way to them, and sub-folders that carry a marker
/// of their own (a sweep's cases) and the folders on the way to them; a marked sub-folder
/// is judged by its own marker.
fn foreign(dir: &Path, marker: &Marker) -> Vec<String> {
    let entries = listing(dir);
    let is_marked = |f: &str| {
        let path = dir.join(f);
        fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) && Marker::read(&path).is_some()
    };
    let marked: Vec<&String> = entries.iter().filter(|f| is_marked(f)).collect();
    let under = |f: &str, n: &str| f.starts_with(&format!("{n}/"));
    let mut out = Vec::new();
    for f in &entries {
        if marked.iter().any(|n| under(f, n)) {
            continue;
        }
        if marked.contains(&f) {
            let path = dir.join(f);
            let inner = Marker::read(&path).expect("read just above");
            out.extend(
                foreign(&path, &inner)
                    .into_iter()
                    .map(|g| format!("{f}/{g}")),
            );
            continue;
        }
        // Listed, or a folder on the way to a listed file or to a marked folder.
        let listed = f == MARKER
            || marker.files.binary_search(f).is_ok()
            || marker.files.iter().any(|w| under(w, f))
            || marked.iter().any(|n| under(n, f));
        if !listed {
            out.push(f.clone());
        }
    }
    out
}

/// Every entry under `dir` (folders and files), as `/`-separated relative paths, sorted;
/// symbolic links are listed, not followed.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, rel: &str, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(base.join(rel)) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            out.push(path.clone());
            if is_dir {
                walk(base, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// "3 entries<qualifier>: a, b, c" (at most five named).
fn summarise(entries: &[String], qualifier: &str) -> String {
    if entries.is_empty() {
        return "nothing".into();
    }
    let shown: Vec<&str> = entries.iter().take(5).map(String::as_str).collect();
    let more = if entries.len() > 5 { ", …" } else { "" };
    let n = entries.len();
    format!(
        "{n} entr{}{qualifier}: {}{more}",
        if n == 1 { "y" } else { "ies" },
        shown.join(", ")
    )
}

/// Removes staging and old folders of `name` (of any name, without one) that runs which
/// died left in `parent` (recognised by their name and vppsim's marker inside; the caller
/// holds the lock, so no live run is writing them). Returns a note for each folder removed
/// or left.
fn remove_leftovers(parent: &Path, name: Option<&str>) -> Vec<String> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let leftover = |file: &str| {
        let Some((stem, suffix)) = file.strip_prefix('.').and_then(|f| f.rsplit_once('.')) else {
            return false;
        };
        name.is_none_or(|n| n == stem)
            && ["partial-", "old-"].iter().any(|p| {
                suffix
                    .strip_prefix(p)
                    .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            })
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| leftover(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|path| {
            let ours = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
                && Marker::read(&path).is_some();
            if ours && fs::remove_dir_all(&path).is_ok() {
                format!(
                    "removed {}, left by an earlier vppsim run that was stopped",
                    path.display()
                )
            } else {
                format!(
                    "{} looks like a leftover of an earlier run but vppsim cannot tell it wrote it; remove it yourself if so: rm -r '{}'",
                    path.display(),
                    path.display()
                )
            }
        })
        .collect()
}

/// How a lock file's holder line starts: `pid <id>: <command line>`.
const HOLDER_PREFIX: &str = "pid ";

/// An advisory lock on a file beside a results folder, removed when released.
#[derive(Debug)]
struct FolderLock {
    path: PathBuf,
    _file: File,
}

impl FolderLock {
    /// Takes the lock at `path` for folder `dir`, or says who holds it. A file already at
    /// `path` and not locked is taken over only if a vppsim run left it (it starts with
    /// the holder line, [`HOLDER_PREFIX`]): anything else there is the user's, refused and
    /// left as it is.
    fn acquire(path: &Path, dir: &Path) -> Result<FolderLock, WriteError> {
        let not_a_lock = |what: &str| WriteError::Refused {
            dir: path.to_path_buf(),
            reason: format!(
                "{what}, where vppsim keeps the lock of {} (it did not write it); rename or remove it, or choose another --out",
                dir.display()
            ),
        };
        loop {
            let created = OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(path);
            let (mut file, ours) = match created {
                Ok(file) => (file, true),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    match fs::symlink_metadata(path) {
                        Ok(meta) if !meta.is_file() => {
                            return Err(not_a_lock("it is a folder or a link, not a file"));
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        _ => {}
                    }
                    match OpenOptions::new().read(true).write(true).open(path) {
                        Ok(file) => (file, false),
                        // Its holder removed it since: try again.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(io_error(path)(e)),
                    }
                }
                Err(e) => return Err(io_error(path)(e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    return Err(WriteError::Locked {
                        dir: dir.to_path_buf(),
                        holder: holder.trim().to_string(),
                        lock: path.to_path_buf(),
                    });
                }
                Err(fs::TryLockError::Error(source)) => return Err(io_error(path)(source)),
            }
            // Its last holder may have removed the file between our open and lock: then
            // the lock is on a file nobody else will see; take a fresh one.
            if !same_file(&file, path) {
                continue;
            }
            if !ours {
                let mut left = String::new();
                let _ = file.read_to_string(&mut left);
                if !left.starts_with(HOLDER_PREFIX) {
                    return Err(not_a_lock("a file is there"));
                }
            }
            let holder = format!(
                "{HOLDER_PREFIX}{}: {}",
                std::process::id(),
                std::env::args().collect::<Vec<_>>().join(" ")
            );
            file.set_len(0).map_err(io_error(path))?;
            file.write_all(holder.as_bytes()).map_err(io_error(path))?;
            return Ok(FolderLock {
                path: path.to_path_buf(),
                _file: file,
            });
        }
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Removed while still locked; see `acquire` for the race this leaves harmless.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Where a claimed folder stands, for the interrupt handler.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Nothing written yet (or only into a staging folder).
    Claimed,
    /// Some files were replaced in place (`report`), each complete.
    Partly,
    /// The new folder is in place.
    Done,
}

#[derive(Debug)]
struct Active {
    dir: PathBuf,
    /// The staging folder being written, if any.
    staging: Option<PathBuf>,
    existed: bool,
    phase: Phase,
}

/// Folders claimed by this process. Held while folders or files are swapped into place,
/// so an interrupt waits for the swap and then reports the true state.
static ACTIVE: Mutex<Vec<Active>> = Mutex::new(Vec::new());

fn active() -> std::sync::MutexGuard<'static, Vec<Active>> {
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// On interrupt: removes this process's unfinished staging folders and says, for each
/// claimed folder, what state it is in. Call from the signal handler, then exit.
pub fn interrupted() -> Vec<String> {
    let mut active = active();
    let mut said = Vec::new();
    for a in active.drain(..) {
        let dir = a.dir.display();
        let removed = match &a.staging {
            // The run may still be writing into it: try twice.
            Some(s) => {
                fs::remove_dir_all(s).is_ok() || fs::remove_dir_all(s).is_ok() || !s.exists()
            }
            None => true,
        };
        let mut line = match (a.phase, a.existed) {
            (Phase::Done, _) => format!("the results were complete: {dir} holds the new results"),
            (Phase::Partly, _) => format!(
                "the files written so far in {dir} are complete, the others are as they were"
            ),
            (Phase::Claimed, true) => format!("nothing was written: {dir} is unchanged"),
            (Phase::Claimed, false) => format!("nothing was written: no folder was made at {dir}"),
        };
        if let (false, Some(s)) = (removed, &a.staging) {
            line.push_str(&format!(
                "; the unfinished {} is removed by the next run into {dir}",
                s.display()
            ));
        }
        said.push(line);
    }
    said
}

fn set_phase(dir: &Path, staging: Option<&Path>, phase: Phase) {
    if let Some(a) = active().iter_mut().find(|a| a.dir == dir) {
        a.staging = staging.map(Path::to_path_buf);
        a.phase = phase;
    }
}

/// A hidden sibling folder that becomes the claimed folder on [`Staging::commit`];
/// dropped uncommitted, it is removed, so an interrupted write never leaves a folder that
/// looks complete.
pub struct Staging {
    dir: PathBuf,
    staging: PathBuf,
    kind: String,
    replace: bool,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    /// A staging folder for `dir` in `parent` (where `dir`, named `name`, is); `tracked`:
    /// the interrupt handler removes it (the claim's own staging).
    fn create(
        dir: PathBuf,
        parent: &Path,
        name: &str,
        kind: &str,
        replace: bool,
        tracked: bool,
    ) -> Result<Staging, WriteError> {
        let pid = std::process::id();
        let staging = parent.join(format!(".{name}.partial-{pid}"));
        // A folder of that name is this process's own earlier attempt (the lock is held).
        if staging.exists() && Marker::read(&staging).is_some() {
            fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
        }
        fs::create_dir(&staging).map_err(io_error(&staging))?;
        let marker = Marker {
            format: FORMAT.into(),
            kind: "staging".into(),
            files: Vec::new(),
        };
        marker.write(&staging)?;
        if tracked {
            let phase = active()
                .iter()
                .find(|a| a.dir == dir)
                .map_or(Phase::Claimed, |a| a.phase);
            set_phase(&dir, Some(&staging), phase);
        }
        Ok(Staging {
            old: parent.join(format!(".{name}.old-{pid}")),
            dir,
            staging,
            kind: kind.to_string(),
            replace,
            committed: false,
        })
    }

    /// The staging folder, for writers that need a path (PNG encoding).
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// A sub-folder `name` (may contain `/`) of this staging folder, committed with it.
    pub fn nested(&self, name: &str) -> Result<PathBuf, WriteError> {
        let path = self.staging.join(name);
        fs::create_dir_all(&path).map_err(io_error(&path))?;
        Ok(path)
    }

    /// Writes and syncs one file into the staging folder.
    pub fn write(&self, file: &str, bytes: &[u8]) -> Result<(), WriteError> {
        write_file(&self.staging, file, bytes)
    }

    /// Writes the marker listing every file, then puts the staging folder in place of the
    /// claimed one (which was checked replaceable when claimed).
    pub fn commit(mut self) -> Result<(), WriteError> {
        let files: Vec<String> = listing(&self.staging)
            .into_iter()
            .filter(|f| f != MARKER && self.staging.join(f).is_file())
            .collect();
        let marker = Marker {
            format: FORMAT.into(),
            kind: self.kind.clone(),
            files,
        };
        marker.write(&self.staging)?;
        let mut active = active();
        let dir = self.dir.clone();
        if self.replace {
            fs::rename(&dir, &self.old).map_err(io_error(&dir))?;
            if let Err(source) = fs::rename(&self.staging, &dir) {
                let _ = fs::rename(&self.old, &dir);
                return Err(WriteError::Io { path: dir, source });
            }
        } else {
            if fs::symlink_metadata(&dir).is_ok() {
                return Err(WriteError::Exists(dir));
            }
            fs::rename(&self.staging, &dir).map_err(io_error(&dir))?;
        }
        self.committed = true;
        if let Some(a) = active.iter_mut().find(|a| a.dir == self.dir) {
            a.staging = None;
            a.phase = Phase::Done;
        }
        if self.replace {
            // Best effort: a folder left here is removed by the next run (it has a marker).
            let _ = fs::remove_dir_all(&self.old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut active = active();
            let _ = fs::remove_dir_all(&self.staging);
            if let Some(a) = active.iter_mut().find(|a| a.dir == self.dir) {
                a.staging = None;
            }
        }
    }
}

/// Writes `bytes` to the file `name` of folder `dir` and syncs it to disk.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
    write_synced(&dir.join(name), bytes)
}

/// Writes `bytes` to `path` and syncs it to disk.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut f = File::create(path).map_err(io_error(path))?;
    f.write_all(bytes).map_err(io_error(path))?;
    f.sync_all().map_err(io_error(path))
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one test of this module that claims folders: [`interrupted`] reports on every
    /// claim of the process.
    #[test]
    fn an_interrupt_reports_the_state_of_each_claimed_folder_and_removes_staging() {
        let root = std::env::temp_dir().join(format!("vppsim-folder-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        // A new folder, interrupted while staging: the staging folder goes, nothing is made.
        let new = root.join("new");
        let claim = Claim::new(&new, false, &[]).unwrap();
        let staging = claim.stage("run").unwrap();
        staging.write("timeseries.csv", b"half").unwrap();
        let said = interrupted();
        assert_eq!(
            said,
            [format!(
                "nothing was written: no folder was made at {}",
                new.display()
            )]
        );
        assert!(!staging.path().exists() && !new.exists());
        drop((staging, claim));
        // An existing vppsim folder replaced: once committed, the new results are reported.
        let claim = Claim::new(&new, false, &[]).unwrap();
        let staging = claim.stage("run").unwrap();
        staging.write("a.csv", b"1").unwrap();
        staging.commit().unwrap();
        drop(claim);
        let claim = Claim::new(&new, true, &[]).unwrap();
        assert_eq!(
            interrupted(),
            [format!(
                "nothing was written: {} is unchanged",
                new.display()
            )]
        );
        drop(claim);
        let claim = Claim::new(&new, true, &[]).unwrap();
        let staging = claim.stage("run").unwrap();
        staging.write("a.csv", b"2").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            interrupted(),
            [format!(
                "the results were complete: {} holds the new results",
                new.display()
            )]
        );
        assert_eq!(fs::read_to_string(new.join("a.csv")).unwrap(), "2");
        let marker = Marker::read(&new).unwrap();
        assert_eq!(
            (marker.kind.as_str(), marker.files),
            ("run", vec!["a.csv".to_string()])
        );
        drop(claim);
        let names: Vec<String> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            names,
            ["new"],
            "no staging, old folder or lock file is left"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
