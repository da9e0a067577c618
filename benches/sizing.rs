//! Sizing bench: the sizing LP of the park (`scenarios/xining-park-sizing.toml`: PV DC and
//! AC and battery energy extendable), solved by cutting planes and its plan committed,
//! against the dispatch LP of the same park with its capacities fixed (business as usual,
//! solved as `vppsim run` solves it), in one run so the ratio holds on a busy machine; on
//! the week also the joint LP (capacity columns in the LP) it replaced. The park week by
//! default (672 steps); the year (35,040) with `VPPSIM_BENCH_YEAR=1` (one solve of tens of
//! seconds per sample; the whole sizing with business as usual, and the joint LP, minutes,
//! are left out).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use vppsim::dispatch::{DispatchError, LpDispatcher};
use vppsim::scenario::{self, Scenario};
use vppsim::sim::simulate;
use vppsim::sizing::{self, Sized};

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
        .measurement_time(Duration::from_secs(if year { 60 } else { 20 }));
    if year {
        // One solve per sample: a measurement time below ten solves makes it one.
        group.sampling_mode(SamplingMode::Flat);
    }
    group.bench_function("dispatch_fixed_capacities", |b| {
        b.iter(|| simulate(&bau, &mut LpDispatcher::new(s.dispatch.solver.clone())).expect("runs"))
    });
    // Sizing as `vppsim run` does it: business as usual first (the first trial of the
    // cutting planes), then the search from its basis, its plan committed. Timed whole, and
    // the sizing alone (build, the search's solves, extract, commit; the business as usual
    // solve counted separately, as the issue asks).
    if !year {
        group.bench_function("sizing_with_bau", |b| {
            b.iter(|| sizing::size(&s).expect("sizes"))
        });
    }
    let committed = |size: fn(&Scenario) -> Result<Sized, DispatchError>| {
        let s = &s;
        move |b: &mut criterion::Bencher| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let sized = size(s).expect("sizes");
                    let committing = std::time::Instant::now();
                    simulate(&sized.scenario, &mut sizing::Replay::new(&sized)).expect("commits");
                    let t = sized.times;
                    total += t.build + t.solve + t.extract + committing.elapsed();
                }
                total
            })
        }
    };
    group.bench_function("sizing_lp_committed", committed(sizing::size));
    if !year {
        group.bench_function("joint_lp_committed", committed(sizing::size_jointly));
    }
    group.finish();
}

criterion_group!(benches, sizing_vs_dispatch);
criterion_main!(benches);
