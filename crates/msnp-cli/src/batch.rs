//! Ordered parallel work for the sinks: the per-command work that needs no state (typed decode,
//! payload documents, JSON formatting) runs over a batch on every core while the reader goes on
//! decoding the next batch; results come back in input order to the sink's sequential part.
//!
//! At most two batches are held (one in flight, one filling), each bounded in commands and
//! bytes, so memory stays constant in the input size. With one core the work runs inline.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

/// Commands per batch: enough to amortise the hand-over, few enough that a live stream's
/// records are not held back long.
const MAX_ITEMS: usize = 4096;
/// Bytes (frames) per batch, whatever the command count.
const MAX_BYTES: usize = 4 << 20;

/// What a finished batch hands back: the items and their results, in order.
type Done<T, R> = Result<(Vec<T>, Vec<R>), ()>;

/// Items of type `T` mapped by a pure function to `R` in parallel batches, handed to a consumer
/// in the order they were pushed.
pub(crate) struct Batcher<T, R> {
    work: Arc<dyn Fn(&T) -> R + Send + Sync>,
    filling: Vec<T>,
    bytes: usize,
    in_flight: Option<mpsc::Receiver<Done<T, R>>>,
    parallel: bool,
}

impl<T: Send + Sync + 'static, R: Send + 'static> Batcher<T, R> {
    /// Maps with `work`; in parallel when the machine has more than one core.
    pub(crate) fn new(work: impl Fn(&T) -> R + Send + Sync + 'static) -> Self {
        Self::with_parallelism(work, rayon::current_num_threads() > 1)
    }

    /// [`new`](Self::new) with parallelism chosen by the caller (tests run both ways).
    pub(crate) fn with_parallelism(
        work: impl Fn(&T) -> R + Send + Sync + 'static,
        parallel: bool,
    ) -> Self {
        Self {
            work: Arc::new(work),
            filling: Vec::new(),
            bytes: 0,
            in_flight: None,
            parallel,
        }
    }

    /// Adds an item of about `bytes` bytes. `consume` gets every item whose batch is done, in
    /// order (inline with one core: this item at once).
    pub(crate) fn push<E: From<std::io::Error>>(
        &mut self,
        item: T,
        bytes: usize,
        consume: &mut impl FnMut(T, R) -> Result<(), E>,
    ) -> Result<(), E> {
        if !self.parallel {
            let r = (self.work)(&item);
            return consume(item, r);
        }
        self.filling.push(item);
        self.bytes += bytes;
        if self.filling.len() >= MAX_ITEMS || self.bytes >= MAX_BYTES {
            // The batch before goes out first; then this one starts, and the reader goes on.
            self.wait(consume)?;
            self.start();
        }
        Ok(())
    }

    /// Finishes everything pushed so far and hands it to `consume`: before the input blocks,
    /// and at the end.
    pub(crate) fn drain<E: From<std::io::Error>>(
        &mut self,
        consume: &mut impl FnMut(T, R) -> Result<(), E>,
    ) -> Result<(), E> {
        self.wait(consume)?;
        if !self.filling.is_empty() {
            self.start();
            self.wait(consume)?;
        }
        Ok(())
    }

    fn start(&mut self) {
        let batch = std::mem::take(&mut self.filling);
        self.bytes = 0;
        let (tx, rx) = mpsc::sync_channel(1);
        let work = Arc::clone(&self.work);
        rayon::spawn(move || {
            // A panic would abort the process from a rayon task: report it as an error instead.
            let done = catch_unwind(AssertUnwindSafe(|| {
                let results: Vec<R> = batch.par_iter().with_min_len(64).map(|t| work(t)).collect();
                (batch, results)
            }))
            .map_err(|_| ());
            let _ = tx.send(done);
        });
        self.in_flight = Some(rx);
    }

    fn wait<E: From<std::io::Error>>(
        &mut self,
        consume: &mut impl FnMut(T, R) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(rx) = self.in_flight.take() else {
            return Ok(());
        };
        let lost = || std::io::Error::other("a worker thread panicked");
        let (batch, results) = rx.recv().map_err(|_| lost())?.map_err(|()| lost())?;
        for (t, r) in batch.into_iter().zip(results) {
            consume(t, r)?;
        }
        Ok(())
    }
}

impl<T, R> std::fmt::Debug for Batcher<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("filling", &self.filling.len())
            .field("bytes", &self.bytes)
            .field("in_flight", &self.in_flight.is_some())
            .field("parallel", &self.parallel)
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
        for parallel in [false, true] {
            for n in [0usize, 1, 63, MAX_ITEMS - 1, MAX_ITEMS, 2 * MAX_ITEMS + 5] {
                let mut b = Batcher::with_parallelism(|x: &usize| x * 3, parallel);
                let seen = std::cell::RefCell::new(Vec::new());
                let mut consume = |t: usize, r: usize| -> std::io::Result<()> {
                    assert_eq!(r, t * 3);
                    seen.borrow_mut().push(t);
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
                assert_eq!(seen, (0..n).collect::<Vec<_>>(), "parallel {parallel}, {n}");
            }
        }
    }

    /// A panicking worker is an error for the caller, not an abort.
    #[test]
    fn worker_panic_is_an_error() {
        let mut b = Batcher::with_parallelism(
            |x: &usize| {
                assert!(*x != 5, "boom");
                *x
            },
            true,
        );
        let mut consume = |_: usize, _: usize| -> std::io::Result<()> { Ok(()) };
        for i in 0..10 {
            b.push(i, 1, &mut consume).unwrap();
        }
        assert!(b.drain(&mut consume).is_err());
    }
}
