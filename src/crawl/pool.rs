//! A fixed pool of threads, one per core, for the CPU-heavy work of a crawl
//! (parsing and analysing pages), so that it never runs on the async
//! workers. A fixed set of threads (unlike `spawn_blocking`, which grows to
//! hundreds) keeps the allocator's per-thread arenas, and so the peak
//! memory, small.
//!
//! The queue is bounded (`JOBS_PER_THREAD` per thread) but deep on purpose.
//! What holds fetching back when analysis is the bottleneck is the crawl
//! itself: a job task keeps its fetched body until its analysis is done, and
//! a site runs at most `--site-concurrency` of them, so bodies in memory are
//! bounded there whether they wait here or in front of the queue. With two
//! jobs per thread the threads ran dry: each finished job had to go back
//! through the async worker before the next was queued, the threads slept
//! and were woken once per page. 64 per thread: realistic 20,000 from 7.1 to
//! 6.2–6.3 s CPU and 4.3 to 3.5 s wall, the same peak memory (README, Speed).

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use tokio::sync::{oneshot, Semaphore};

type Job = Box<dyn FnOnce() + Send>;

/// Jobs queued or running per analysis thread (see the module's comment).
const JOBS_PER_THREAD: usize = 64;

/// How many threads analyse pages: one per core. Page analysis is about two
/// thirds of a crawl's CPU (html5ever's parse alone a third).
pub fn analysis_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// How many async worker threads drive the HTTP requests, the crawl loop and
/// the store's queues: half the cores, at least one. They do the smaller
/// third of the work; one per core as well made five busy threads on two
/// cores, and the scheduler's switching between them cost 5% of the
/// realistic benchmark's CPU (README, Speed). Nothing on them blocks, so a
/// single worker is enough for a two-core machine. `TOKIO_WORKER_THREADS`
/// (tokio's own setting) overrides it; a value that is not a positive
/// number is an error to report, not a setting to ignore.
pub fn async_worker_threads() -> Result<usize, String> {
    worker_threads_setting(
        std::env::var("TOKIO_WORKER_THREADS").ok().as_deref(),
        analysis_threads(),
    )
}

fn worker_threads_setting(value: Option<&str>, cores: usize) -> Result<usize, String> {
    match value {
        None => Ok((cores / 2).max(1)),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                format!(
                    "TOKIO_WORKER_THREADS={v:?} is not a positive whole number: unset it, \
                 or give the number of async worker threads"
                )
            }),
    }
}

/// The analysis threads of a run.
pub struct AnalysisPool {
    jobs: Mutex<Option<Sender<Job>>>,
    slots: Arc<Semaphore>,
}

impl AnalysisPool {
    /// Starts `threads` threads (at least one); at most `JOBS_PER_THREAD`
    /// times as many jobs are queued or running at once.
    pub fn new(threads: usize) -> std::io::Result<AnalysisPool> {
        let threads = threads.max(1);
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("govscan-analysis-{i}"))
                .spawn(move || work(&rx))?;
        }
        Ok(AnalysisPool {
            jobs: Mutex::new(Some(tx)),
            slots: Arc::new(Semaphore::new(threads * JOBS_PER_THREAD)),
        })
    }

    /// Runs `job` on a pool thread and waits for its result; `None` when the
    /// pool has been shut down. A panic in the job resumes in the caller, so
    /// that the site task that asked fails as it would have inline.
    pub async fn run<T, F>(&self, job: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let _slot = self.slots.clone().acquire_owned().await.ok()?;
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(catch_unwind(AssertUnwindSafe(job)));
        });
        let sender = self
            .jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()?;
        sender.send(job).ok()?;
        match result.await.ok()? {
            Ok(value) => Some(value),
            Err(panic) => resume_unwind(panic),
        }
    }

    /// Lets the threads finish their jobs and exit.
    pub fn shut_down(&self) {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

impl Drop for AnalysisPool {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only to take the next job, never while running it.
        let next = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn async_workers_are_half_the_cores_unless_set() {
        assert_eq!(worker_threads_setting(None, 2), Ok(1));
        assert_eq!(worker_threads_setting(None, 1), Ok(1));
        assert_eq!(worker_threads_setting(None, 8), Ok(4));
        assert_eq!(worker_threads_setting(Some(" 3 "), 2), Ok(3));
        for bad in ["0", "", "two", "-1"] {
            let err = worker_threads_setting(Some(bad), 2).unwrap_err();
            assert!(err.contains("TOKIO_WORKER_THREADS"), "{err}");
        }
    }

    #[tokio::test]
    async fn runs_jobs_and_passes_panics_back() {
        let pool = Arc::new(AnalysisPool::new(2).unwrap());
        let mut handles = Vec::new();
        for i in 0..20u64 {
            let pool = pool.clone();
            handles.push(tokio::spawn(async move { pool.run(move || i * i).await }));
        }
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap().unwrap();
        }
        assert_eq!(sum, (0..20u64).map(|i| i * i).sum::<u64>());
        let p = pool.clone();
        let panicked = tokio::spawn(async move { p.run(|| panic!("bad page")).await }).await;
        assert!(panicked.is_err(), "the panic reached the caller's task");
        // The pool still works after a job panicked.
        assert_eq!(pool.run(|| 7).await, Some(7));
        pool.shut_down();
        assert_eq!(pool.run(|| 8).await, None);
    }
}
