//! No panic, abort or hang on any input: broken results folders, closed pipes, files that
//! are not regular files.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{root, run_into, temp_dir, text, vppsim, vppsim_closed_stdout};

#[test]
fn report_on_a_broken_results_folder_is_bad_input_not_a_panic() {
    let out = temp_dir("broken-folder");
    run_into("scenarios/small-site.toml", &out, &["--no-plots"]);
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let truncated_row = format!("{}\n{}\n{}\n", lines[0], lines[1], &lines[2][..30]);
    // Row 2 with its last cell replaced.
    let edit_cell = |value: &str| {
        let (head, _) = lines[1].rsplit_once(',').unwrap();
        csv.replacen(lines[1], &format!("{head},{value}"), 1)
    };
    let (with_inf, huge) = (edit_cell("inf"), edit_cell("1.72e308"));
    for (case, broken) in [
        ("truncated", truncated_row),
        ("inf", with_inf),
        ("huge", huge),
        ("empty", String::new()),
    ] {
        std::fs::write(out.join("timeseries.csv"), &broken).unwrap();
        let o = vppsim(&["report", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{case}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains("timeseries.csv"),
            "{case}: {}",
            text(&o.stderr)
        );
    }
}

#[test]
fn a_closed_stdout_pipe_ends_the_run_quietly() {
    let out = temp_dir("closed-pipe");
    let r = out.join("r");
    let o = vppsim_closed_stdout(&[
        "run",
        "scenarios/small-site.toml",
        "--out",
        r.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"), "{}", text(&o.stderr));
    assert!(
        out.join("r/summary.json").is_file(),
        "the results were written first"
    );
}

#[test]
fn a_fifo_or_device_as_scenario_or_csv_is_refused_at_once() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let scenario = std::fs::read_to_string(root().join("scenarios/small-site.toml"))
        .unwrap()
        .replace("../data/examples/small_site_day.csv", "/dev/zero");
    std::fs::write(dir.join("device.toml"), scenario).unwrap();
    for (file, needle) in [
        (fifo.clone(), "not a regular file"),
        ("/dev/zero".into(), "not a regular file"),
        (dir.join("device.toml"), "not a regular file"),
    ] {
        let started = Instant::now();
        let o = vppsim(&["validate", file.to_str().unwrap()]);
        assert!(started.elapsed() < Duration::from_secs(10), "{file:?} hung");
        assert_eq!(o.status.code(), Some(2), "{file:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(needle),
            "{file:?}: {}",
            text(&o.stderr)
        );
    }
}
