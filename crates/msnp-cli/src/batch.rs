//! Ordered parallel work for the sinks: the per-command work that needs no state (typed decode,
//! payload documents, JSON formatting) runs over a batch on every core, chunk by chunk; results
//! come back in input order to the sink's sequential part.
//!
//! A batch is bounded in commands and bytes, so memory stays constant in the input size. The
//! threads live for one batch (scoped): nothing spins or waits between batches, which on a
//! 2-core machine measured faster than a pool working beside the reader. `MSNP_THREADS=N` sets
//! the number of threads (default: the cores, at most 8); with one, the work runs inline.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Commands per batch: enough to amortise starting the threads, few enough that a live
/// stream's records are not held back long.
const MAX_ITEMS: usize = 8192;
/// Bytes (frames) per batch, whatever the command count.
const MAX_BYTES: usize = 8 << 20;
/// The block size of the arenas the sinks copy a batch's commands into
/// (`RawCommand::to_owned_with`): a few hundred commands share an allocation.
pub(crate) const ARENA_BLOCK: usize = 64 << 10;

/// The number of threads to work with: `MSNP_THREADS`, or the cores (at most 8).
fn threads() -> usize {
    std::env::var("MSNP_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
        .max(1)
}

/// The work on one chunk.
type Work<T, R> = dyn Fn(&[T]) -> R + Send + Sync;

/// Items of type `T` mapped chunk by chunk by a pure function to `R`, a batch at a time on
/// every core, handed to a consumer chunk by chunk in the order they were pushed. Working on
/// chunks lets a result share one buffer for many items (a run of NDJSON lines).
pub(crate) struct Batcher<T, R> {
    work: Box<Work<T, R>>,
    filling: Vec<T>,
    bytes: usize,
    threads: usize,
}

impl<T: Send + Sync, R: Send> Batcher<T, R> {
    /// Maps with `work`, on [`threads`] threads.
    pub(crate) fn new(work: impl Fn(&[T]) -> R + Send + Sync + 'static) -> Self {
        Self::with_threads(work, threads())
    }

    /// [`new`](Self::new) with the number of threads chosen by the caller.
    pub(crate) fn with_threads(
        work: impl Fn(&[T]) -> R + Send + Sync + 'static,
        threads: usize,
    ) -> Self {
        Self {
            work: Box::new(work),
            filling: Vec::new(),
            bytes: 0,
            threads: threads.max(1),
        }
    }

    /// Adds an item of about `bytes` bytes. When the batch is full, `consume` gets its chunks,
    /// in order.
    pub(crate) fn push<E: From<std::io::Error>>(
        &mut self,
        item: T,
        bytes: usize,
        consume: &mut impl FnMut(Vec<T>, R) -> Result<(), E>,
    ) -> Result<(), E> {
        self.filling.push(item);
        self.bytes += bytes;
        if self.filling.len() >= MAX_ITEMS || self.bytes >= MAX_BYTES {
            self.drain(consume)?;
        }
        Ok(())
    }

    /// Works through everything pushed so far and hands it to `consume`: when a batch is full,
    /// before the input blocks, and at the end.
    pub(crate) fn drain<E: From<std::io::Error>>(
        &mut self,
        consume: &mut impl FnMut(Vec<T>, R) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut batch = std::mem::take(&mut self.filling);
        self.bytes = 0;
        if batch.is_empty() {
            return Ok(());
        }
        if self.threads == 1 || batch.len() < 2 * MIN_CHUNK {
            let r = (self.work)(&batch);
            return consume(batch, r);
        }
        let per = batch.len().div_ceil(self.threads).max(MIN_CHUNK);
        let mut chunks = Vec::with_capacity(self.threads);
        while batch.len() > per {
            let rest = batch.split_off(per);
            chunks.push(std::mem::replace(&mut batch, rest));
        }
        chunks.push(batch);
        let work = &*self.work;
        let results: Vec<Option<R>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunks[1..]
                .iter()
                .map(|c| scope.spawn(move || work(c)))
                .collect();
            // This thread takes the first chunk itself.
            let first = catch_unwind(AssertUnwindSafe(|| work(&chunks[0]))).ok();
            std::iter::once(first)
                .chain(handles.into_iter().map(|h| h.join().ok()))
                .collect()
        });
        for (c, r) in chunks.into_iter().zip(results) {
            let r = r.ok_or_else(|| std::io::Error::other("a worker thread panicked"))?;
            consume(c, r)?;
        }
        Ok(())
    }
}

/// Fewer items than this are not worth a thread.
const MIN_CHUNK: usize = 64;

impl<T, R> std::fmt::Debug for Batcher<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("filling", &self.filling.len())
            .field("bytes", &self.bytes)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item comes back once, in order, with its own result, however the pushes fall
    /// against the batch bounds; inline and parallel agree.
    #[test]
    fn order_and_completeness() {
        for threads in [1, 2, 3] {
            for n in [0usize, 1, 63, MAX_ITEMS - 1, MAX_ITEMS, 2 * MAX_ITEMS + 5] {
                let triple = |xs: &[usize]| xs.iter().map(|x| x * 3).collect::<Vec<_>>();
                let mut b = Batcher::with_threads(triple, threads);
                let seen = std::cell::RefCell::new(Vec::new());
                let mut consume = |items: Vec<usize>, r: Vec<usize>| -> std::io::Result<()> {
                    assert_eq!(r.len(), items.len());
                    for (t, r) in items.into_iter().zip(r) {
                        assert_eq!(r, t * 3);
                        seen.borrow_mut().push(t);
                    }
                    Ok(())
                };
                for i in 0..n {
                    // Big items now and then: the byte bound cuts batches too.
                    let bytes = if i % 1000 == 999 { MAX_BYTES } else { 10 };
                    b.push(i, bytes, &mut consume).unwrap();
                    if i == n / 2 {
                        b.drain(&mut consume).unwrap();
                        let got = seen.borrow().len();
                        assert_eq!(got, i + 1, "a drain hands out everything pushed");
                    }
                }
                b.drain(&mut consume).unwrap();
                let seen = seen.into_inner();
                assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{threads} threads, {n}");
            }
        }
    }

    /// A panicking worker is an error for the caller, not an abort.
    #[test]
    fn worker_panic_is_an_error() {
        let mut b = Batcher::with_threads(
            |xs: &[usize]| {
                assert!(!xs.contains(&500), "boom");
                xs.len()
            },
            2,
        );
        let mut consume = |_: Vec<usize>, _: usize| -> std::io::Result<()> { Ok(()) };
        for i in 0..1000 {
            b.push(i, 1, &mut consume).unwrap();
        }
        assert!(b.drain(&mut consume).is_err());
    }
}
