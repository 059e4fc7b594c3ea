//! Ordered parallel work for the sinks: the per-command work that needs no state (typed decode,
//! payload documents, JSON formatting) runs batch by batch beside the reader; results come back
//! in input order to the sink's sequential part.
//!
//! [`Pipeline`] is the one loop: a batch goes whole to a worker thread while the reader goes on
//! framing the next. Each worker has the next batch queued behind the one it works, so it never
//! waits for the reader; when every queue is full, the reader's own thread works the batch
//! itself, so the cores share the work whichever side is slower. At most a few batches are in
//! flight, each bounded in commands and bytes, so memory stays constant in the input size. [`Batcher`] fills the batches of a [`Pipeline`] item by
//! item. `MSNP_THREADS=N` sets the number of threads, the reader's included (default: the
//! cores, at most 8); with one, the work runs inline.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::thread::JoinHandle;

/// Commands per batch: enough to amortise handing a batch over, few enough that the cores share
/// the work evenly and a live stream's records are not held back long.
const MAX_ITEMS: usize = 4096;
/// Bytes (frames) per batch, whatever the command count.
const MAX_BYTES: usize = 4 << 20;

/// Whether a batch of `items` items and `bytes` bytes is full: the one rule of every batch.
pub(crate) fn is_full(items: usize, bytes: usize) -> bool {
    items >= MAX_ITEMS || bytes >= MAX_BYTES
}
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

/// Batches a worker holds at most: the one it works and the next, so it never waits for the
/// reader between them.
const QUEUE: usize = 2;

/// The work on one batch.
type Work<B, R> = dyn Fn(&B) -> R + Send + Sync;

/// A worked batch, or the panic that stopped its work.
type Outcome<B, R> = (B, std::thread::Result<R>);

/// A thread that works the batches sent to it, one at a time, in order.
struct Worker<B, R> {
    jobs: Option<SyncSender<B>>,
    results: Receiver<Outcome<B, R>>,
    handle: Option<JoinHandle<()>>,
    /// Batches sent and not yet taken back (at most [`QUEUE`]).
    pending: usize,
}

/// A batch in the order it was submitted: at a worker, or worked already by the submitter.
enum Slot<B, R> {
    At(usize),
    Done(B, std::thread::Result<R>),
}

/// Batches of type `B` mapped by a pure function to `R` on worker threads beside the caller,
/// handed to a consumer in the order they were submitted.
pub(crate) struct Pipeline<B, R> {
    work: Arc<Work<B, R>>,
    /// Worker threads besides the caller's (started when first needed).
    helpers: usize,
    workers: Vec<Worker<B, R>>,
    queue: VecDeque<Slot<B, R>>,
}

/// A panicked batch's error.
fn panicked() -> std::io::Error {
    std::io::Error::other("a worker thread panicked")
}

impl<B: Send + 'static, R: Send + 'static> Pipeline<B, R> {
    /// Maps with `work`, on [`threads`] threads.
    pub(crate) fn new(work: impl Fn(&B) -> R + Send + Sync + 'static) -> Self {
        Self::with_threads(work, threads())
    }

    /// Maps with `work` on `threads` threads, the caller's included.
    pub(crate) fn with_threads(
        work: impl Fn(&B) -> R + Send + Sync + 'static,
        threads: usize,
    ) -> Self {
        Self {
            work: Arc::new(work),
            helpers: threads.max(1) - 1,
            workers: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    /// Batches in flight (at workers or worked and waiting for their turn).
    fn in_flight(&self) -> usize {
        self.queue.len()
    }

    /// The worker with the shortest queue, if it has room; a new one while there are fewer
    /// than allowed and all have work.
    fn worker_with_room(&mut self) -> Option<usize> {
        let shortest = (0..self.workers.len()).min_by_key(|&i| self.workers[i].pending);
        match shortest {
            Some(i) if self.workers[i].pending == 0 => return Some(i),
            Some(i) if self.workers.len() == self.helpers => {
                return (self.workers[i].pending < QUEUE).then_some(i);
            }
            _ => {}
        }
        let (jobs, inbox) = mpsc::sync_channel::<B>(QUEUE);
        let (outbox, results) = mpsc::sync_channel::<Outcome<B, R>>(QUEUE);
        let work = Arc::clone(&self.work);
        let handle = std::thread::Builder::new()
            .name("msnp-batch".into())
            .spawn(move || {
                for batch in inbox {
                    let r = catch_unwind(AssertUnwindSafe(|| work(&batch)));
                    if outbox.send((batch, r)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        self.workers.push(Worker {
            jobs: Some(jobs),
            results,
            handle: Some(handle),
            pending: 0,
        });
        Some(self.workers.len() - 1)
    }

    /// Hands the oldest batch to `consume`, waiting for it if `wait`; false when there is none
    /// (or, without `wait`, when it is not worked yet).
    fn take_front<E: From<std::io::Error>>(
        &mut self,
        wait: bool,
        consume: &mut impl FnMut(B, R) -> Result<(), E>,
    ) -> Result<bool, E> {
        let (batch, r) = match self.queue.front() {
            None => return Ok(false),
            Some(Slot::At(w)) => {
                let worker = &mut self.workers[*w];
                let got = if wait {
                    worker.results.recv().map_err(|_| panicked())?
                } else {
                    match worker.results.try_recv() {
                        Ok(got) => got,
                        Err(TryRecvError::Empty) => return Ok(false),
                        Err(TryRecvError::Disconnected) => return Err(panicked().into()),
                    }
                };
                worker.pending -= 1;
                self.queue.pop_front();
                got
            }
            Some(Slot::Done(..)) => match self.queue.pop_front() {
                Some(Slot::Done(b, r)) => (b, r),
                // The front was just seen to be a worked batch.
                _ => return Ok(false),
            },
        };
        consume(batch, r.map_err(|_| panicked())?)?;
        Ok(true)
    }

    /// Works `batch` (at a worker with room, or here when all are full) and hands `consume` every
    /// batch that is done, in order.
    pub(crate) fn submit<E: From<std::io::Error>>(
        &mut self,
        batch: B,
        consume: &mut impl FnMut(B, R) -> Result<(), E>,
    ) -> Result<(), E> {
        while self.take_front(false, consume)? {}
        if self.helpers == 0 {
            let r = catch_unwind(AssertUnwindSafe(|| (self.work)(&batch)));
            return consume(batch, r.map_err(|_| panicked())?);
        }
        // Bounded: full queues and one batch per worker worked here, waiting for its turn; past
        // that the caller waits for the oldest rather than run further ahead (memory stays a
        // few batches). Tighter, the reader stalls behind a worker's queue (NDJSON measured
        // 20 % slower); looser, peak memory wanders with the timing.
        while self.in_flight() > (QUEUE + 1) * self.helpers {
            self.take_front(true, consume)?;
        }
        let batch = match self.worker_with_room() {
            Some(w) => {
                let worker = &mut self.workers[w];
                match worker.jobs.as_ref().map(|j| j.send(batch)) {
                    Some(Ok(())) => {
                        worker.pending += 1;
                        self.queue.push_back(Slot::At(w));
                        return Ok(());
                    }
                    // The worker is gone (it cannot be, short of an abort): work it here.
                    Some(Err(mpsc::SendError(b))) => b,
                    None => return Err(panicked().into()),
                }
            }
            None => batch,
        };
        let r = catch_unwind(AssertUnwindSafe(|| (self.work)(&batch)));
        self.queue.push_back(Slot::Done(batch, r));
        while self.take_front(false, consume)? {}
        Ok(())
    }

    /// Waits for every batch in flight and hands them to `consume`, in order.
    pub(crate) fn flush<E: From<std::io::Error>>(
        &mut self,
        consume: &mut impl FnMut(B, R) -> Result<(), E>,
    ) -> Result<(), E> {
        while self.take_front(true, consume)? {}
        Ok(())
    }
}

impl<B, R> Drop for Pipeline<B, R> {
    fn drop(&mut self) {
        // Closing the job channels ends the workers' loops; a result they still hold is
        // dropped with its channel.
        for w in &mut self.workers {
            w.jobs = None;
        }
        for w in &mut self.workers {
            // Unblock a worker waiting to hand over a result nobody will take.
            while w.results.try_recv().is_ok() {}
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}

/// Items of type `T` mapped chunk by chunk by a pure function to `R` through a [`Pipeline`],
/// handed to a consumer chunk by chunk in the order they were pushed. Working on chunks lets a
/// result share one buffer for many items (a run of NDJSON lines).
pub(crate) struct Batcher<T, R> {
    pipeline: Pipeline<Vec<T>, R>,
    filling: Vec<T>,
    bytes: usize,
}

impl<T: Send + Sync + 'static, R: Send + 'static> Batcher<T, R> {
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
            pipeline: Pipeline::with_threads(move |b: &Vec<T>| work(b), threads),
            filling: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds an item of about `bytes` bytes. When the batch is full it goes to work, and
    /// `consume` gets every batch that is done, in order.
    pub(crate) fn push<E: From<std::io::Error>>(
        &mut self,
        item: T,
        bytes: usize,
        consume: &mut impl FnMut(Vec<T>, R) -> Result<(), E>,
    ) -> Result<(), E> {
        self.filling.push(item);
        self.bytes += bytes;
        if is_full(self.filling.len(), self.bytes) {
            let batch = std::mem::replace(&mut self.filling, Vec::with_capacity(MAX_ITEMS));
            self.bytes = 0;
            self.pipeline.submit(batch, consume)?;
        }
        Ok(())
    }

    /// Works through everything pushed so far and hands it to `consume`: before the input
    /// blocks, and at the end.
    pub(crate) fn drain<E: From<std::io::Error>>(
        &mut self,
        consume: &mut impl FnMut(Vec<T>, R) -> Result<(), E>,
    ) -> Result<(), E> {
        let batch = std::mem::take(&mut self.filling);
        self.bytes = 0;
        if !batch.is_empty() {
            self.pipeline.submit(batch, consume)?;
        }
        self.pipeline.flush(consume)
    }
}

impl<T, R> std::fmt::Debug for Batcher<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher")
            .field("filling", &self.filling.len())
            .field("bytes", &self.bytes)
            .field("in_flight", &self.pipeline.queue.len())
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
            for n in [0usize, 1, 63, MAX_ITEMS - 1, MAX_ITEMS, 5 * MAX_ITEMS + 5] {
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

    /// A batch is cut exactly at the item bound or at the item that reaches the byte bound,
    /// not before: on one thread, `consume` runs inside the push that fills it.
    #[test]
    fn batches_are_cut_at_their_bounds() {
        let mut b = Batcher::with_threads(|xs: &[usize]| xs.len(), 1);
        let sizes = std::cell::RefCell::new(Vec::new());
        let mut consume = |items: Vec<usize>, n: usize| -> std::io::Result<()> {
            assert_eq!(items.len(), n);
            sizes.borrow_mut().push(n);
            Ok(())
        };
        for i in 0..MAX_ITEMS - 1 {
            b.push(i, 1, &mut consume).unwrap();
        }
        assert!(sizes.borrow().is_empty(), "cut before the item bound");
        b.push(0, 1, &mut consume).unwrap();
        assert_eq!(*sizes.borrow(), [MAX_ITEMS]);
        b.push(0, MAX_BYTES - 2, &mut consume).unwrap();
        b.push(0, 1, &mut consume).unwrap();
        assert_eq!(sizes.borrow().len(), 1, "cut before the byte bound");
        b.push(0, 1, &mut consume).unwrap();
        assert_eq!(*sizes.borrow(), [MAX_ITEMS, 3]);
        assert!(format!("{b:?}").contains("filling: 0"));
    }

    /// With the workers held, the reader runs ahead by exactly the bound: the workers' queues
    /// fill first (each new batch to the shortest), then batches are worked here, then it waits
    /// for the oldest.
    #[test]
    fn the_reader_runs_ahead_by_the_bound_and_no_further() {
        use std::sync::atomic::{AtomicBool, Ordering};
        for threads in [2, 3] {
            let helpers = threads - 1;
            let held = Arc::new(AtomicBool::new(true));
            let gate = Arc::clone(&held);
            // Batch `b < helpers` holds the worker it lands on (one each: an idle worker or a
            // new one is chosen before a busy one).
            let work = move |b: &usize| {
                while *b < helpers && gate.load(Ordering::SeqCst) {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                (*b, std::thread::current().id())
            };
            let mut p = Pipeline::with_threads(work, threads);
            let caller = std::thread::current().id();
            let mut seen = Vec::new();
            let mut consume = |b: usize, (r, id)| -> std::io::Result<()> {
                assert_eq!(b, r);
                seen.push((b, id == caller));
                Ok(())
            };
            let ahead = (QUEUE + 1) * helpers + 1;
            for b in 0..ahead {
                p.submit(b, &mut consume).unwrap();
            }
            assert_eq!(
                p.in_flight(),
                ahead,
                "{threads} threads: ran ahead by the bound"
            );
            let release = {
                let held = Arc::clone(&held);
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    held.store(false, Ordering::SeqCst);
                })
            };
            p.submit(ahead, &mut consume).unwrap();
            assert!(
                !held.load(Ordering::SeqCst),
                "one past the bound waited for the oldest"
            );
            release.join().unwrap();
            p.flush(&mut consume).unwrap();
            let order: Vec<_> = seen.iter().map(|s| s.0).collect();
            assert_eq!(order, (0..=ahead).collect::<Vec<_>>());
            // The queues took the first batches; the caller worked the rest while held.
            let here: Vec<_> = seen.iter().filter(|s| s.1).map(|s| s.0).collect();
            let queued = QUEUE * helpers;
            assert!(
                here.iter().all(|&b| b >= queued),
                "{threads} threads: {here:?}"
            );
            assert!(
                (queued..ahead).all(|b| here.contains(&b)),
                "{threads} threads: {here:?}"
            );
        }
    }

    /// An idle worker is reused rather than another started: batches submitted one at a time
    /// all run on the same worker thread.
    #[test]
    fn one_idle_worker_takes_one_batch_at_a_time() {
        let mut p = Pipeline::with_threads(|_: &()| std::thread::current().id(), 3);
        let mut ids = Vec::new();
        for _ in 0..10 {
            let mut consume = |(), id| -> std::io::Result<()> {
                ids.push(id);
                Ok(())
            };
            p.submit((), &mut consume).unwrap();
            p.flush(&mut consume).unwrap();
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert_ne!(ids[0], std::thread::current().id());
    }

    /// Once everything is taken back the worker is idle again: every batch submitted after a
    /// flush goes to it, none is worked by the caller.
    #[test]
    fn an_idle_worker_gets_the_next_batch() {
        let caller = std::thread::current().id();
        let mut p = Pipeline::with_threads(|_: &()| std::thread::current().id(), 2);
        let mut here = 0;
        let mut consume = |(), id| -> std::io::Result<()> {
            here += usize::from(id == caller);
            Ok(())
        };
        for _ in 0..10 {
            p.submit((), &mut consume).unwrap();
            p.flush(&mut consume).unwrap();
        }
        assert_eq!(here, 0);
    }

    /// Dropping a pipeline ends and joins its workers: nothing of the work outlives it.
    #[test]
    fn drop_joins_the_workers() {
        let alive = Arc::new(());
        let held = Arc::clone(&alive);
        let mut p = Pipeline::with_threads(
            move |_: &()| {
                let _keep = &held;
                std::thread::sleep(std::time::Duration::from_millis(50));
            },
            2,
        );
        p.submit((), &mut |(), ()| -> std::io::Result<()> { Ok(()) })
            .unwrap();
        drop(p);
        assert_eq!(Arc::strong_count(&alive), 1);
    }

    /// Slow and fast batches mixed: the results still come out in order, and no more than the
    /// bound are ever in flight.
    #[test]
    fn order_with_uneven_work() {
        for threads in [2, 4] {
            let slow = |b: &u64| {
                if b.is_multiple_of(3) {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                b * 2
            };
            let mut p = Pipeline::with_threads(slow, threads);
            let mut seen = Vec::new();
            let mut consume = |b: u64, r: u64| -> std::io::Result<()> {
                assert_eq!(r, b * 2);
                seen.push(b);
                Ok(())
            };
            for b in 0..200u64 {
                p.submit(b, &mut consume).unwrap();
                assert!(
                    p.in_flight() <= (QUEUE + 1) * (threads - 1) + 1,
                    "{}",
                    p.in_flight()
                );
            }
            p.flush(&mut consume).unwrap();
            assert_eq!(seen, (0..200).collect::<Vec<_>>());
        }
    }

    /// The work really runs beside the caller: with two threads, a batch's work can see a
    /// thread other than the caller's.
    #[test]
    fn work_runs_on_a_worker() {
        let caller = std::thread::current().id();
        let mut p = Pipeline::with_threads(|_: &()| std::thread::current().id(), 2);
        let mut others = 0;
        let mut consume = |(), id| -> std::io::Result<()> {
            others += usize::from(id != caller);
            Ok(())
        };
        for _ in 0..20 {
            p.submit((), &mut consume).unwrap();
        }
        p.flush(&mut consume).unwrap();
        assert!(others > 0);
    }

    /// A panicking worker is an error for the caller, not an abort, on either thread.
    #[test]
    fn worker_panic_is_an_error() {
        for threads in [1, 2] {
            let mut b = Batcher::with_threads(
                |xs: &[usize]| {
                    assert!(!xs.contains(&5000), "boom");
                    xs.len()
                },
                threads,
            );
            let mut consume = |_: Vec<usize>, _: usize| -> std::io::Result<()> { Ok(()) };
            let res = (0..3 * MAX_ITEMS)
                .try_for_each(|i| b.push(i, 1, &mut consume))
                .and_then(|()| b.drain(&mut consume));
            assert!(res.is_err(), "{threads} threads");
        }
    }
}
