//! Deterministic DataLoader batching.
//!
//! async-graphql's DataLoader starts a batch on a spawned task after a short delay. On a
//! multi-threaded runtime that timer can fire on another worker while the executor is still
//! walking a large list, splitting one batch into several (we saw 242 statements for 250 rows in
//! a debug build). Here the loaders' "spawner" only queues the batch, and [`BatchQueue::run`]
//! drives the queued batches on the request's own task, after the executor yields: by then every
//! key of the current depth has been enqueued, so each loader sends one statement per depth.
//!
//! "Yields" means really idle: a list of more than 32 items makes the executor return `Pending`
//! after waking itself (a cooperative yield of `FuturesUnordered`), with keys still to enqueue.
//! Batches run only after a poll in which the executor did not wake itself.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Waker;

use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::task::{waker, ArcWake, AtomicWaker};

#[derive(Default)]
struct Inner {
    queue: Mutex<Vec<BoxFuture<'static, ()>>>,
    waker: AtomicWaker,
}

/// Batches queued by one request's loaders.
#[derive(Clone, Default)]
pub struct BatchQueue {
    inner: Arc<Inner>,
}

impl BatchQueue {
    /// The spawner handed to every DataLoader of the request.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let inner = self.inner.clone();
        move |fut| {
            if let Ok(mut q) = inner.queue.lock() {
                q.push(fut);
            }
            inner.waker.wake();
        }
    }

    /// Runs `fut` (the execution of the request) together with the batches it queues.
    pub async fn run<F: Future>(&self, fut: F) -> F::Output {
        let driver = Driver {
            inner: self.inner.clone(),
            running: FuturesUnordered::new(),
        };
        Run {
            fut: Box::pin(fut),
            driver,
        }
        .await
    }
}

/// Wakes the task and remembers that it did.
struct FlagWaker {
    woke: AtomicBool,
    waker: Waker,
}

impl ArcWake for FlagWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woke.store(true, Ordering::SeqCst);
        arc_self.waker.wake_by_ref();
    }
}

struct Run<F: Future> {
    fut: Pin<Box<F>>,
    driver: Driver,
}

impl<F: Future> Future for Run<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let flag = Arc::new(FlagWaker {
            woke: AtomicBool::new(false),
            waker: cx.waker().clone(),
        });
        let waker = waker(flag.clone());
        if let Poll::Ready(out) = self.fut.as_mut().poll(&mut Context::from_waker(&waker)) {
            return Poll::Ready(out);
        }
        if flag.woke.load(Ordering::SeqCst) {
            // The executor yielded with work left (and already woke the task): keys of this
            // depth may still be coming, so the batches wait for the next round.
            return Poll::Pending;
        }
        match Pin::new(&mut self.driver).poll(cx) {
            Poll::Ready(never) => match never {},
            Poll::Pending => Poll::Pending,
        }
    }
}

struct Driver {
    inner: Arc<Inner>,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

impl Future for Driver {
    type Output = Infallible;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Infallible> {
        self.inner.waker.register(cx.waker());
        loop {
            let queued: Vec<_> = match self.inner.queue.lock() {
                Ok(mut q) => q.drain(..).collect(),
                Err(_) => Vec::new(),
            };
            let had_new = !queued.is_empty();
            self.running.extend(queued);
            while let Poll::Ready(Some(())) = self.running.poll_next_unpin(cx) {}
            if !had_new {
                return Poll::Pending;
            }
        }
    }
}
