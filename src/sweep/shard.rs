//! Shards of a sweep: case `i` (from 0, in plan order) belongs to shard `i mod N + 1` of
//! `N`, so every shard gets a like mix of studies, seeds and strategies; and the SLURM job
//! array script that runs them (one array task per shard).

use std::fmt::Write as _;
use std::path::Path;

/// Shard `k` (from 1) of `n`.
pub type Shard = (usize, usize);

/// Most shards a sweep is split into (SLURM's default `MaxArraySize` is 1001).
pub const MAX_SHARDS: usize = 1000;

/// Parses `K/N` (1 ≤ K ≤ N), or `slurm`: the array task's place among the array's tasks
/// (`SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN + 1` of `SLURM_ARRAY_TASK_COUNT`), read
/// through `env`.
pub fn parse(arg: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    if arg == "slurm" {
        let var = |name: &str| -> Result<usize, String> {
            let value = env(name).ok_or_else(|| {
                format!(
                    "--shard slurm: {name} is not set (is this a task of an sbatch --array job?)"
                )
            })?;
            value
                .trim()
                .parse()
                .map_err(|_| format!("--shard slurm: {name}={value} is not a whole number"))
        };
        let (id, min, count) = (
            var("SLURM_ARRAY_TASK_ID")?,
            var("SLURM_ARRAY_TASK_MIN")?,
            var("SLURM_ARRAY_TASK_COUNT")?,
        );
        let k = id.checked_sub(min).map(|d| d + 1).unwrap_or(0);
        return check(k, count).map_err(|e| format!("--shard slurm (task {id}, min {min}, count {count}): {e}; the array must be contiguous, e.g. --array=1-{count}"));
    }
    let (k, n) = arg
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)))
        .ok_or_else(|| format!("--shard {arg}: expected K/N (e.g. 2/4) or slurm"))?;
    check(k, n).map_err(|e| format!("--shard {arg}: {e}"))
}

fn check(k: usize, n: usize) -> Result<Shard, String> {
    if n == 0 || n > MAX_SHARDS {
        return Err(format!("the number of shards must be 1 to {MAX_SHARDS}"));
    }
    if k == 0 || k > n {
        return Err(format!("shard {k} is not one of 1 to {n}"));
    }
    Ok((k, n))
}

/// Whether the case at `index` (from 0, in plan order) belongs to `shard`.
pub fn owns(shard: Option<Shard>, index: usize) -> bool {
    shard.is_none_or(|(k, n)| index % n == k - 1)
}

/// Settings of the SLURM job array.
#[derive(Debug, Clone, Default)]
pub struct Slurm {
    pub shards: usize,
    /// Cases run side by side within each array task (`--cpus-per-task`).
    pub jobs: usize,
    pub partition: Option<String>,
    /// Wall-time limit per task, in SLURM's format (`2:00:00`).
    pub time: Option<String>,
    /// Memory per task, in SLURM's format (`4G`).
    pub mem: Option<String>,
}

/// The `sbatch` script: a job array of `slurm.shards` tasks, each running its shard of the
/// sweep into `out` from `workdir`, its log in `logs`. All paths absolute.
pub fn sbatch_script(
    slurm: &Slurm,
    name: &str,
    vppsim: &Path,
    workdir: &Path,
    sweep: &Path,
    out: &Path,
    logs: &Path,
) -> String {
    let q = |p: &Path| shell_quote(&p.to_string_lossy());
    let mut s = String::from("#!/bin/bash\n");
    let _ = writeln!(
        s,
        "# Written by vppsim sweep --slurm: {} shards of sweep '{name}'.",
        slurm.shards
    );
    let _ = writeln!(s, "# Submit: sbatch {}", q(&out.join("sweep.sbatch")));
    let _ = writeln!(s, "# Then merge: vppsim sweep collect {}", q(out));
    let _ = writeln!(
        s,
        "#SBATCH --job-name={}",
        shell_word(&format!("vppsim-{name}"))
    );
    let _ = writeln!(s, "#SBATCH --array=1-{}", slurm.shards);
    let _ = writeln!(s, "#SBATCH --ntasks=1");
    let _ = writeln!(s, "#SBATCH --cpus-per-task={}", slurm.jobs);
    let _ = writeln!(s, "#SBATCH --output={}/%A_%a.out", logs.to_string_lossy());
    if let Some(p) = &slurm.partition {
        let _ = writeln!(s, "#SBATCH --partition={}", shell_word(p));
    }
    if let Some(t) = &slurm.time {
        let _ = writeln!(s, "#SBATCH --time={}", shell_word(t));
    }
    if let Some(m) = &slurm.mem {
        let _ = writeln!(s, "#SBATCH --mem={}", shell_word(m));
    }
    let _ = writeln!(s, "set -euo pipefail");
    let _ = writeln!(s, "cd {}", q(workdir));
    let _ = writeln!(
        s,
        "exec {} sweep {} --out {} --shard slurm --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\"",
        q(vppsim),
        q(sweep),
        q(out)
    );
    s
}

/// `text` in single quotes for the shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// `text` with anything but letters, digits and `-_.:/` replaced by `_` (for `#SBATCH`
/// lines, which the shell does not read).
fn shell_word(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.:/".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_cases() {
        assert_eq!(parse("2/4", |_| None), Ok((2, 4)));
        assert!(
            parse("0/4", |_| None)
                .unwrap_err()
                .contains("not one of 1 to 4")
        );
        assert!(parse("5/4", |_| None).is_err());
        assert!(parse("x", |_| None).unwrap_err().contains("expected K/N"));
        let env = |id: &'static str| {
            move |name: &str| match name {
                "SLURM_ARRAY_TASK_ID" => Some(id.to_string()),
                "SLURM_ARRAY_TASK_MIN" => Some("0".into()),
                "SLURM_ARRAY_TASK_COUNT" => Some("4".into()),
                _ => None,
            }
        };
        assert_eq!(parse("slurm", env("0")), Ok((1, 4)));
        assert_eq!(parse("slurm", env("3")), Ok((4, 4)));
        assert!(parse("slurm", env("4")).is_err());
        assert!(
            parse("slurm", |_| None)
                .unwrap_err()
                .contains("SLURM_ARRAY_TASK_ID is not set")
        );
        // Every case in exactly one of 3 shards.
        for i in 0..20 {
            let owners = (1..=3).filter(|&k| owns(Some((k, 3)), i)).count();
            assert_eq!(owners, 1);
        }
    }

    #[test]
    fn the_script_runs_each_array_task_as_its_shard() {
        let slurm = Slurm {
            shards: 4,
            jobs: 2,
            partition: Some("debug".into()),
            time: Some("1:00:00".into()),
            mem: None,
        };
        let s = sbatch_script(
            &slurm,
            "park sweep",
            Path::new("/opt/vppsim"),
            Path::new("/w"),
            Path::new("/w/s.toml"),
            Path::new("/w/results/it's"),
            Path::new("/w/results/logs"),
        );
        assert!(s.contains("#SBATCH --array=1-4\n"));
        assert!(s.contains("#SBATCH --job-name=vppsim-park_sweep\n"));
        assert!(s.contains("#SBATCH --partition=debug\n#SBATCH --time=1:00:00\n"));
        assert!(!s.contains("--mem"));
        assert!(s.contains(
            "exec '/opt/vppsim' sweep '/w/s.toml' --out '/w/results/it'\\''s' --shard slurm --jobs \"${SLURM_CPUS_PER_TASK:-1}\"\n"
        ));
    }
}
