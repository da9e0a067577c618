//! Work spread over a fixed number of threads: each takes the next item as it finishes
//! one, so the wall time is about the sum of the items' times divided by the threads
//! (items are independent; nothing is shared but the counter).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f(0)`, …, `f(n − 1)` on `jobs` threads (at least 1, at most `n`), results in order.
pub fn map<T: Send>(n: usize, jobs: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let slots: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
    for_each(n, jobs, |i| {
        let value = f(i);
        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
    });
    slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item is done when the threads are joined")
        })
        .collect()
}

/// Calls `f(i)` for every `i < n` on `jobs` threads (at least 1, at most `n`).
pub fn for_each(n: usize, jobs: usize, f: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            f(i);
        }
    };
    let threads = jobs.clamp(1, n.max(1));
    if threads == 1 {
        work();
        return;
    }
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(work);
        }
    });
}

/// Threads this process may use (its CPU affinity and quota), 1 if unknown.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once_in_order() {
        for jobs in [1, 3, 64] {
            let out = map(50, jobs, |i| i * i);
            assert_eq!(out, (0..50).map(|i| i * i).collect::<Vec<_>>());
        }
        assert!(map(0, 4, |i| i).is_empty());
    }
}
