//! Results folders: vppsim never removes or overwrites what it did not write, one run at a
//! time per folder, and leftovers of stopped runs are recognised and cleaned.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{temp_dir, text};

/// A one-day hourly site with constant series: self-contained, so it can live anywhere.
fn tiny_scenario(name: &str) -> String {
    format!(
        r#"[scenario]
name = "{name}"

[time]
start = "2025-06-01T00:00:00+08:00"
step = "1h"
duration = "1d"

[[pv]]
name = "pv"
capacity = "1 MW"
availability = "0.5 MW"

[[load]]
name = "load"
power = "1 MW"

[grid]
import_limit = "5 MW"
export_limit = "5 MW"
import_price = "0.5 CNY/kWh"
"#
    )
}

/// Writes the tiny scenario as `dir/site.toml`; returns its path.
fn scenario_in(dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("site.toml");
    std::fs::write(&path, tiny_scenario(name)).unwrap();
    path
}

/// Runs `vppsim` with `args` from folder `cwd`.
fn vppsim_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vppsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn assert_refused(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains(needle), "{}", text(&o.stderr));
}

#[test]
fn force_refuses_a_folder_of_notes_and_names_what_is_in_it() {
    let root = temp_dir("force-notes");
    scenario_in(&root, "tiny");
    std::fs::create_dir(root.join("notes")).unwrap();
    std::fs::write(root.join("notes/plan.txt"), "my notes").unwrap();
    for command in ["run", "compare"] {
        let o = vppsim_in(&root, &[command, "site.toml", "--out", "notes", "--force"]);
        assert_refused(&o, "notes cannot be replaced: vppsim did not write it");
        assert!(text(&o.stderr).contains("plan.txt"), "{}", text(&o.stderr));
        assert_eq!(
            std::fs::read_to_string(root.join("notes/plan.txt")).unwrap(),
            "my notes"
        );
    }
}

#[test]
fn force_never_removes_the_scenario_folder_the_current_folder_a_file_or_an_ancestor() {
    let root = temp_dir("force-protected");
    scenario_in(&root.join("proj"), "tiny");
    // The scenario's own folder, with its inputs.
    let o = vppsim_in(
        &root,
        &["run", "proj/site.toml", "--out", "proj", "--force"],
    );
    assert_refused(&o, "it is the scenario's folder");
    assert!(root.join("proj/site.toml").is_file());
    // The current folder, and an ancestor of it.
    let o = vppsim_in(
        &root.join("proj"),
        &["run", "site.toml", "--out", ".", "--force"],
    );
    assert_refused(&o, "not a folder name");
    let o = vppsim_in(
        &root.join("proj"),
        &[
            "run",
            "site.toml",
            "--out",
            root.to_str().unwrap(),
            "--force",
        ],
    );
    assert_refused(&o, "the current folder");
    // A plain file.
    std::fs::write(root.join("file.txt"), "data").unwrap();
    let o = vppsim_in(
        &root,
        &["run", "proj/site.toml", "--out", "file.txt", "--force"],
    );
    assert_refused(&o, "it is a file");
    assert_eq!(
        std::fs::read_to_string(root.join("file.txt")).unwrap(),
        "data"
    );
    assert!(root.join("proj/site.toml").is_file());
}

#[test]
fn force_replaces_a_folder_vppsim_wrote_but_not_once_a_user_file_is_added() {
    let root = temp_dir("force-own");
    scenario_in(&root, "tiny");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "site.toml", "--out", "out", "--no-plots"];
        args.extend_from_slice(extra);
        vppsim_in(&root, &args)
    };
    assert!(run(&[]).status.success());
    let o = run(&[]);
    assert_refused(&o, "already exists");
    let o = run(&["--force"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let marker = std::fs::read_to_string(root.join("out/.vppsim")).unwrap();
    assert!(
        marker.contains("\"format\": \"vppsim-folder/1\""),
        "{marker}"
    );
    assert!(marker.contains("\"timeseries.csv\""), "{marker}");
    std::fs::write(root.join("out/mine.txt"), "keep").unwrap();
    let o = run(&["--force"]);
    assert_refused(&o, "1 entry that vppsim did not write: mine.txt");
    assert_eq!(
        std::fs::read_to_string(root.join("out/mine.txt")).unwrap(),
        "keep"
    );
    assert!(root.join("out/timeseries.csv").is_file());
}

#[test]
fn scenario_names_that_would_leave_results_are_refused_before_anything_is_written() {
    let root = temp_dir("names");
    std::fs::create_dir(root.join("victim")).unwrap();
    std::fs::write(root.join("victim/data.txt"), "precious").unwrap();
    for name in ["../victim", "/tmp/abs", "", ".", "a,b", "x y"] {
        let path = scenario_in(&root.join("s"), name);
        let o = vppsim_in(&root, &["run", path.to_str().unwrap(), "--force"]);
        assert_refused(&o, "is not a plain name");
        assert!(
            text(&o.stderr).contains("names become folder names"),
            "{}",
            text(&o.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(root.join("victim/data.txt")).unwrap(),
        "precious"
    );
    assert!(!root.join("results").exists());
}

#[test]
fn report_rewrites_only_its_own_files() {
    let root = temp_dir("report-own");
    scenario_in(&root, "tiny");
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(root.join("out/analysis.ipynb"), "{}").unwrap();
    let csv = std::fs::read(root.join("out/timeseries.csv")).unwrap();
    std::fs::remove_file(root.join("out/report.md")).unwrap();
    let o = vppsim_in(&root, &["report", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(root.join("out/analysis.ipynb")).unwrap(),
        "{}"
    );
    assert_eq!(std::fs::read(root.join("out/timeseries.csv")).unwrap(), csv);
    assert!(root.join("out/report.md").is_file(), "rebuilt");
    // The user's file still blocks a replacement: report did not adopt it.
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "out", "--force"]);
    assert_refused(&o, "analysis.ipynb");
}

#[test]
fn a_second_run_into_a_locked_folder_says_who_holds_it() {
    let root = temp_dir("locked");
    scenario_in(&root, "tiny");
    let lock = std::fs::File::create(root.join(".out.lock")).unwrap();
    lock.try_lock().unwrap();
    std::fs::write(root.join(".out.lock"), "pid 4242: vppsim run other.toml").unwrap();
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "out"]);
    assert_refused(
        &o,
        "being written by another vppsim run (pid 4242: vppsim run other.toml",
    );
    assert!(!root.join("out").exists());
    drop(lock);
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "out", "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!root.join(".out.lock").exists(), "released and removed");
}

#[test]
fn a_file_of_the_users_where_the_lock_goes_is_refused_and_kept() {
    let root = temp_dir("lock-name");
    scenario_in(&root, "tiny");
    // The user's own file, named as vppsim names the lock of `out`: refused, kept as it is.
    std::fs::write(root.join(".out.lock"), "mine").unwrap();
    for force in [false, true] {
        let mut args = vec!["run", "site.toml", "--out", "out", "--no-plots"];
        if force {
            args.push("--force");
        }
        let o = vppsim_in(&root, &args);
        assert_refused(
            &o,
            ".out.lock cannot be replaced: a file is there, where vppsim keeps the lock of out (it did not write it); rename or remove it",
        );
        assert_eq!(
            std::fs::read_to_string(root.join(".out.lock")).unwrap(),
            "mine"
        );
        assert!(!root.join("out").exists());
    }
    // A folder of that name: refused, kept.
    std::fs::create_dir(root.join(".other.lock")).unwrap();
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "other", "--no-plots"]);
    assert_refused(&o, "it is a folder or a link, not a file");
    assert!(root.join(".other.lock").is_dir());
    // A lock left by a vppsim run that was killed (nobody holds it): taken over, removed.
    std::fs::write(root.join(".left.lock"), "pid 4242: vppsim run site.toml").unwrap();
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "left", "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!root.join(".left.lock").exists() && root.join("left/summary.json").is_file());
}

#[test]
fn leftovers_of_stopped_runs_are_removed_if_vppsim_wrote_them_and_named_otherwise() {
    let root = temp_dir("leftovers");
    scenario_in(&root, "tiny");
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "done", "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // What a run killed while staging (SIGKILL) and one killed while swapping leave behind.
    for leftover in [".out.partial-999999", ".out.old-999998"] {
        std::fs::create_dir(root.join(leftover)).unwrap();
        std::fs::copy(
            root.join("done/.vppsim"),
            root.join(leftover).join(".vppsim"),
        )
        .unwrap();
        std::fs::write(root.join(leftover).join("timeseries.csv"), "half").unwrap();
    }
    std::fs::create_dir(root.join(".out.partial-123")).unwrap();
    std::fs::write(root.join(".out.partial-123/user.txt"), "not vppsim's").unwrap();
    let o = vppsim_in(&root, &["run", "site.toml", "--out", "out", "--no-plots"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("removed ./.out.partial-999999"), "{stderr}");
    assert!(stderr.contains("removed ./.out.old-999998"), "{stderr}");
    assert!(stderr.contains("rm -r './.out.partial-123'"), "{stderr}");
    assert!(!root.join(".out.partial-999999").exists());
    assert!(!root.join(".out.old-999998").exists());
    assert!(root.join(".out.partial-123/user.txt").is_file());
}
