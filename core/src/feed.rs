//! A stream of events with any number of subscribers, each cancellable by its handle.
//!
//! A [`Feed`] is how the store tells whoever listens what it did (change events, see
//! [`crate::store::changes`]) and how the bindings fan sync events and notifications out
//! to an app's screens. Producers [`publish`](Feed::publish) events into a queue, cheaply and
//! without calling anyone; the owner then hands the queue to the subscribers with
//! [`flush`](Feed::flush) once it holds no lock a subscriber might need (the store's, for
//! instance, so that a subscriber may call the store back).
//!
//! Guarantees:
//! - events reach each subscriber in the order they were published, one at a time (one
//!   thread delivers at a time; a flush that finds another thread delivering leaves its
//!   events to that thread);
//! - [`Subscription::cancel`] (or dropping the [`Subscription`]) removes the subscriber: once
//!   it returns, the subscriber is never called again (a flush running on another thread is
//!   waited for);
//! - [`Feed::close`] ends every subscription: each subscriber still subscribed hears
//!   [`Subscriber::on_end`] once, then nothing more; a subscriber added to a closed feed hears
//!   `on_end` at once;
//! - a panic in a subscriber is caught and ignored: it never reaches the producer or the
//!   other subscribers;
//! - with no subscriber, `publish` drops the event (nothing accumulates).

use std::collections::{BTreeMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};
use std::thread::ThreadId;

/// Hears a feed's events.
pub trait Subscriber<T>: Send + Sync {
    /// Called once for each event, in order.
    fn on_event(&self, event: &T);
    /// Called once when the feed closes while this subscriber is subscribed; nothing is
    /// called after it. Not called after [`Subscription::cancel`].
    fn on_end(&self);
}

/// A stream of `T` with any number of subscribers. Clones share the same stream.
pub struct Feed<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for Feed<T> {
    fn clone(&self) -> Self {
        Feed { inner: Arc::clone(&self.inner) }
    }
}

impl<T> std::fmt::Debug for Feed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = relock(&self.inner.state);
        f.debug_struct("Feed")
            .field("subscribers", &state.subscribers.len())
            .field("queued", &state.queue.len())
            .field("closed", &state.closed)
            .finish()
    }
}

impl<T: Send + 'static> Default for Feed<T> {
    fn default() -> Self {
        Self::new()
    }
}

struct Inner<T> {
    state: Mutex<State<T>>,
    /// Held by the thread handing events to subscribers.
    delivering: Mutex<()>,
    /// Which thread that is, so that a subscriber cancelling from inside its own callback
    /// does not wait for itself.
    deliverer: Mutex<Option<ThreadId>>,
}

struct State<T> {
    subscribers: BTreeMap<u64, Arc<dyn Subscriber<T>>>,
    next_id: u64,
    queue: VecDeque<T>,
    closed: bool,
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| {
        m.clear_poison();
        poisoned.into_inner()
    })
}

impl<T: Send + 'static> Feed<T> {
    /// An open feed with no subscriber.
    pub fn new() -> Self {
        Feed {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    subscribers: BTreeMap::new(),
                    next_id: 1,
                    queue: VecDeque::new(),
                    closed: false,
                }),
                delivering: Mutex::new(()),
                deliverer: Mutex::new(None),
            }),
        }
    }

    /// Adds a subscriber; it hears the events published from now on, until its
    /// [`Subscription`] is cancelled or dropped, or the feed closes. On a closed feed the
    /// subscriber hears [`Subscriber::on_end`] at once and the subscription is inactive.
    pub fn subscribe(&self, subscriber: Arc<dyn Subscriber<T>>) -> Subscription {
        let mut state = relock(&self.inner.state);
        if state.closed {
            drop(state);
            let _ignored = catch_unwind(AssertUnwindSafe(|| subscriber.on_end()));
            return Subscription { id: 0, feed: None };
        }
        let id = state.next_id;
        state.next_id += 1;
        state.subscribers.insert(id, subscriber);
        drop(state);
        let weak: Weak<Inner<T>> = Arc::downgrade(&self.inner);
        let feed: Weak<dyn Cancel> = weak;
        Subscription { id, feed: Some(feed) }
    }

    /// Whether anyone listens (a producer may skip building an event nobody hears).
    pub fn is_watched(&self) -> bool {
        let state = relock(&self.inner.state);
        !state.closed && !state.subscribers.is_empty()
    }

    /// How many subscribers the feed has.
    pub fn subscribers(&self) -> usize {
        relock(&self.inner.state).subscribers.len()
    }

    /// Queues an event for the subscribers (dropped when there is none, or the feed is
    /// closed). Calls nobody: [`Feed::flush`] delivers.
    pub fn publish(&self, event: T) {
        self.publish_merging(event, |_, event| Some(event));
    }

    /// Queues an event, or folds it into the last queued event when `merge` accepts it
    /// (returns `None`); `merge` hands the event back (`Some`) to queue it on its own.
    pub fn publish_merging(&self, event: T, merge: impl FnOnce(&mut T, T) -> Option<T>) {
        let mut state = relock(&self.inner.state);
        if state.closed || state.subscribers.is_empty() {
            return;
        }
        let event = match state.queue.back_mut() {
            Some(last) => match merge(last, event) {
                None => return,
                Some(event) => event,
            },
            None => event,
        };
        state.queue.push_back(event);
    }

    /// Hands the queued events to the subscribers, on this thread. Call it holding no lock
    /// a subscriber may need. If another thread (or an outer call on this thread, when a
    /// subscriber called back into the producer) is delivering, that one delivers these too.
    pub fn flush(&self) {
        let inner = &self.inner;
        loop {
            {
                let _turn = match inner.delivering.try_lock() {
                    Ok(guard) => guard,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(TryLockError::WouldBlock) => return,
                };
                *relock(&inner.deliverer) = Some(std::thread::current().id());
                loop {
                    let next = {
                        let mut state = relock(&inner.state);
                        let event = state.queue.pop_front();
                        event.map(|e| (e, state.subscribers.keys().copied().collect::<Vec<u64>>()))
                    };
                    let Some((event, ids)) = next else { break };
                    for id in ids {
                        // Looked up again for each call: one cancelled meanwhile is skipped.
                        let subscriber = relock(&inner.state).subscribers.get(&id).cloned();
                        if let Some(subscriber) = subscriber {
                            let _ignored = catch_unwind(AssertUnwindSafe(|| subscriber.on_event(&event)));
                        }
                    }
                }
                *relock(&inner.deliverer) = None;
            }
            // An event queued between the last look and the release is delivered by this
            // thread: the thread that queued it found `delivering` taken and left it to us.
            if relock(&inner.state).queue.is_empty() {
                return;
            }
        }
    }

    /// Ends every subscription: drops what is queued, tells each subscriber
    /// [`Subscriber::on_end`] once, and refuses later subscribers (they end at once).
    /// Idempotent.
    pub fn close(&self) {
        let ended = {
            let mut state = relock(&self.inner.state);
            if state.closed {
                return;
            }
            state.closed = true;
            state.queue.clear();
            std::mem::take(&mut state.subscribers)
        };
        self.inner.wait_for_delivery();
        for subscriber in ended.into_values() {
            let _ignored = catch_unwind(AssertUnwindSafe(|| subscriber.on_end()));
        }
    }

    /// Whether the feed was closed.
    pub fn is_closed(&self) -> bool {
        relock(&self.inner.state).closed
    }
}

impl<T> Inner<T> {
    /// Waits until no other thread is handing events to subscribers.
    fn wait_for_delivery(&self) {
        let me = std::thread::current().id();
        if *relock(&self.deliverer) != Some(me) {
            drop(relock(&self.delivering));
        }
    }
}

/// What a [`Subscription`] needs of its feed, whatever its event type.
trait Cancel: Send + Sync {
    /// Removes subscriber `id`; true when it was subscribed.
    fn remove(&self, id: u64) -> bool;
    /// Whether subscriber `id` is subscribed.
    fn contains(&self, id: u64) -> bool;
}

impl<T: Send> Cancel for Inner<T> {
    fn remove(&self, id: u64) -> bool {
        let removed = relock(&self.state).subscribers.remove(&id);
        let was = removed.is_some();
        // Dropped outside the lock: dropping a foreign subscriber may call out.
        drop(removed);
        if was {
            self.wait_for_delivery();
        }
        was
    }

    fn contains(&self, id: u64) -> bool {
        relock(&self.state).subscribers.contains_key(&id)
    }
}

/// One subscriber's place in a [`Feed`]: cancelled by [`Subscription::cancel`] or when
/// dropped. Keep it for as long as the subscriber should hear events.
pub struct Subscription {
    id: u64,
    feed: Option<Weak<dyn Cancel>>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("id", &self.id).field("active", &self.is_active()).finish()
    }
}

impl Subscription {
    /// This subscription's id within its feed (0 for one that never started: its feed was
    /// closed).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Stops delivery to this subscriber: once it returns, the subscriber is not called
    /// again. Idempotent; does nothing after the feed closed.
    pub fn cancel(&self) {
        if let Some(feed) = self.feed.as_ref().and_then(Weak::upgrade) {
            feed.remove(self.id);
        }
    }

    /// Whether the subscriber still hears events (not cancelled, feed not closed).
    pub fn is_active(&self) -> bool {
        self.feed.as_ref().and_then(Weak::upgrade).is_some_and(|feed| feed.contains(self.id))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Log {
        events: Mutex<Vec<u32>>,
        ends: AtomicUsize,
    }

    impl Subscriber<u32> for Log {
        fn on_event(&self, event: &u32) {
            self.events.lock().unwrap().push(*event);
        }
        fn on_end(&self) {
            self.ends.fetch_add(1, Ordering::SeqCst);
        }
    }

    impl Log {
        fn seen(&self) -> Vec<u32> {
            self.events.lock().unwrap().clone()
        }
    }

    #[test]
    fn every_subscriber_hears_every_event_in_order() {
        let feed = Feed::new();
        let (a, b) = (Arc::new(Log::default()), Arc::new(Log::default()));
        let _sa = feed.subscribe(a.clone());
        let _sb = feed.subscribe(b.clone());
        for n in 1..=3 {
            feed.publish(n);
        }
        assert!(a.seen().is_empty(), "nothing is delivered before flush");
        feed.flush();
        assert_eq!(a.seen(), vec![1, 2, 3]);
        assert_eq!(b.seen(), vec![1, 2, 3]);
    }

    #[test]
    fn a_cancelled_or_dropped_subscription_hears_nothing_more() {
        let feed = Feed::new();
        let (a, b) = (Arc::new(Log::default()), Arc::new(Log::default()));
        let sa = feed.subscribe(a.clone());
        let sb = feed.subscribe(b.clone());
        feed.publish(1);
        feed.flush();
        sa.cancel();
        assert!(!sa.is_active() && sb.is_active());
        feed.publish(2);
        feed.flush();
        drop(sb);
        feed.publish(3);
        feed.flush();
        assert_eq!(a.seen(), vec![1]);
        assert_eq!(b.seen(), vec![1, 2]);
        assert_eq!(feed.subscribers(), 0);
        assert_eq!(a.ends.load(Ordering::SeqCst), 0, "cancelling is not an end");
    }

    #[test]
    fn with_no_subscriber_nothing_accumulates() {
        let feed = Feed::new();
        feed.publish(1);
        let a = Arc::new(Log::default());
        let _s = feed.subscribe(a.clone());
        feed.flush();
        assert!(a.seen().is_empty(), "an event published before subscribing is not replayed");
    }

    #[test]
    fn close_ends_each_subscription_once_and_later_ones_at_once() {
        let feed = Feed::new();
        let a = Arc::new(Log::default());
        let sa = feed.subscribe(a.clone());
        feed.publish(1);
        feed.close();
        feed.close();
        feed.publish(2);
        feed.flush();
        sa.cancel();
        assert!(a.seen().is_empty(), "what was queued at close is dropped");
        assert_eq!(a.ends.load(Ordering::SeqCst), 1);
        let late = Arc::new(Log::default());
        let sl = feed.subscribe(late.clone());
        assert!(!sl.is_active());
        assert_eq!(late.ends.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn merging_folds_events_into_the_last_queued_one() {
        let feed = Feed::new();
        let a = Arc::new(Log::default());
        let _s = feed.subscribe(a.clone());
        feed.publish(1);
        feed.publish_merging(2, |last, new| {
            *last += new;
            None
        });
        feed.publish_merging(5, |_, e| Some(e));
        feed.flush();
        assert_eq!(a.seen(), vec![3, 5]);
    }

    struct Panics;
    impl Subscriber<u32> for Panics {
        fn on_event(&self, _: &u32) {
            panic!("a subscriber failed");
        }
        fn on_end(&self) {
            panic!("a subscriber failed at the end");
        }
    }

    #[test]
    fn a_panicking_subscriber_does_not_stop_the_others() {
        let feed = Feed::new();
        let a = Arc::new(Log::default());
        let _p = feed.subscribe(Arc::new(Panics));
        let _s = feed.subscribe(a.clone());
        feed.publish(7);
        feed.flush();
        feed.close();
        assert_eq!(a.seen(), vec![7]);
        assert_eq!(a.ends.load(Ordering::SeqCst), 1);
    }

    /// Cancels its own subscription from inside its callback, and publishes more.
    struct CancelsItself {
        feed: Feed<u32>,
        sub: Mutex<Option<Subscription>>,
        log: Log,
    }
    impl Subscriber<u32> for CancelsItself {
        fn on_event(&self, event: &u32) {
            self.log.on_event(event);
            self.feed.publish(event + 10);
            self.feed.flush();
            if let Some(sub) = self.sub.lock().unwrap().take() {
                sub.cancel();
            }
        }
        fn on_end(&self) {}
    }

    #[test]
    fn a_subscriber_may_publish_and_cancel_from_its_callback() {
        let feed = Feed::new();
        let other = Arc::new(Log::default());
        let me = Arc::new(CancelsItself { feed: feed.clone(), sub: Mutex::new(None), log: Log::default() });
        let sub = feed.subscribe(me.clone());
        *me.sub.lock().unwrap() = Some(sub);
        let _o = feed.subscribe(other.clone());
        feed.publish(1);
        feed.flush();
        assert_eq!(me.log.seen(), vec![1], "cancelled inside its first callback");
        assert_eq!(other.seen(), vec![1, 11], "the event it published reached the others, in order");
    }

    #[test]
    fn cancel_waits_for_a_delivery_on_another_thread() {
        struct Slow(Log, std::sync::mpsc::SyncSender<()>);
        impl Subscriber<u32> for Slow {
            fn on_event(&self, event: &u32) {
                let _ = self.1.try_send(());
                std::thread::sleep(std::time::Duration::from_millis(50));
                self.0.on_event(event);
            }
            fn on_end(&self) {}
        }
        let feed = Feed::new();
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        let slow = Arc::new(Slow(Log::default(), tx));
        let sub = feed.subscribe(slow.clone());
        feed.publish(1);
        feed.publish(2);
        let deliverer = {
            let feed = feed.clone();
            std::thread::spawn(move || feed.flush())
        };
        rx.recv().unwrap();
        sub.cancel();
        let seen = slow.0.seen();
        deliverer.join().unwrap();
        assert_eq!(seen, vec![1], "the call under way finished before cancel returned");
        assert_eq!(slow.0.seen(), vec![1], "nothing after cancel returned");
    }
}
