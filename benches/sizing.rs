//! Sizing bench: the sizing LP of the park, its plan committed, (`scenarios/xining-park-sizing.toml`: PV DC and
//! AC and battery energy extendable) against the dispatch LP of the same park with its
//! capacities fixed (business as usual, solved as `vppsim run` solves it), in one run so the
//! ratio holds on a busy machine. The park week by default (672 steps); the year (35,040)
//! with `VPPSIM_BENCH_YEAR=1` (two solves of tens of seconds each per sample).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use vppsim::dispatch::LpDispatcher;
use vppsim::scenario;
use vppsim::sim::simulate;
use vppsim::sizing;

fn sizing_vs_dispatch(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("scenarios/xining-park-sizing.toml");
    let year = std::env::var("VPPSIM_BENCH_YEAR").is_ok_and(|v| v == "1");
    let mut text = std::fs::read_to_string(&path).expect("the sizing scenario reads");
    if !year {
        text = text
            .replace(
                "start = \"2025-01-01T00:00:00+08:00\"",
                "start = \"2025-07-14T00:00:00+08:00\"",
            )
            .replace("duration = \"365d\"", "duration = \"7d\"");
    }
    let s = scenario::from_str(&path, &text).expect("the sizing scenario resolves");
    let bau = sizing::business_as_usual(&s);
    let mut group = c.benchmark_group(if year { "sizing_year" } else { "sizing_week" });
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(if year { 600 } else { 20 }));
    group.bench_function("dispatch_fixed_capacities", |b| {
        b.iter(|| simulate(&bau, &mut LpDispatcher::new(s.dispatch.solver.clone())).expect("runs"))
    });
    // Sizing as `vppsim run` does it: business as usual solved first (the sizing LP with its
    // capacities held), then the sizing LP from that basis, its plan committed. Timed whole,
    // and the sizing solve alone (build, warm-started solve, extract, commit; the business as
    // usual solve counted separately, as the issue asks).
    group.bench_function("sizing_with_bau", |b| {
        b.iter(|| sizing::size(&s).expect("sizes"))
    });
    group.bench_function("sizing_lp_committed", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let sized = sizing::size(&s).expect("sizes");
                let committing = std::time::Instant::now();
                simulate(&sized.scenario, &mut sizing::Replay::new(&sized)).expect("commits");
                let t = sized.times;
                total += t.build + t.solve + t.extract + committing.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, sizing_vs_dispatch);
criterion_main!(benches);
