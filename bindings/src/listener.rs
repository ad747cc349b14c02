//! The notification callback apps implement, and how it is called.
//!
//! The core calls its listener while it still holds the store (inside the operation that
//! created the notification). Calling the app from there would deadlock an app whose
//! listener calls the store back, and would hold every other caller up while the app works.
//! So the core's listener here only queues the notification ([`Outbox`]); the store hands
//! the queue to the app's listener once the operation has released the store, on the thread
//! that made the call. A panic in the app's listener (an exception thrown in Kotlin or Swift
//! comes back as one) is caught and dropped there: it never reaches the store or the caller.
//!
//! [`Delivery`] also holds the feeds the app's subscriptions hear (`events`): the store's
//! change events, notifications and sync events, each handed out at the same moments as the
//! listener's notifications, with the store released.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use delbar_core::feed::Feed;
use delbar_core::net::SyncEvent;
use delbar_core::store::ChangeEvent;

use crate::records::Notification;

/// Receives notifications as the store creates them: after a local write (a confirmation,
/// an approval request), after `mergeDocuments` (a bump found after a merge), after `tick`
/// (due tomorrow, overdue, waitlist offers). Implement it in Kotlin or Swift and pass it to
/// `DelbarStore.setListener`.
///
/// It is called on the thread of the store call that created the notification (often a
/// background thread: post to the UI thread yourself), after that call has released the
/// store, so the listener may call the store. A notification may be for another member
/// than this device's (compare `memberId` with `me(groupId).id`). An exception thrown by
/// the listener is ignored; the store and the call that triggered it are not affected.
/// Notifications stay in the store until acknowledged, so a listener set later can still
/// list them with `notifications`.
#[uniffi::export(with_foreign)]
pub trait NotificationListener: Send + Sync {
    /// Called once for each new notification.
    fn on_notification(&self, n: Notification);
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| {
        m.clear_poison();
        poisoned.into_inner()
    })
}

/// Notifications the core has created and the app's listener has not been given yet.
#[derive(Default)]
pub(crate) struct Outbox {
    queue: Mutex<Vec<delbar_core::store::Notification>>,
}

impl delbar_core::store::NotificationListener for Outbox {
    fn on_notification(&self, notification: &delbar_core::store::Notification) {
        relock(&self.queue).push(notification.clone());
    }
}

/// The app's listener and the queue feeding it; the feeds of the app's subscriptions.
pub(crate) struct Delivery {
    outbox: Arc<Outbox>,
    listener: Mutex<Option<Arc<dyn NotificationListener>>>,
    /// Held by the thread handing the queue to the listener, so notifications reach it in
    /// order and one at a time.
    delivering: Mutex<()>,
    /// The core store's change events.
    pub(crate) changes: Feed<ChangeEvent>,
    /// Every notification created, for `subscribeNotifications`.
    pub(crate) notifications: Feed<delbar_core::store::Notification>,
    /// The sync service's events, for `subscribeSyncEvents`.
    pub(crate) sync: Feed<SyncEvent>,
}

impl Delivery {
    /// Delivery for a store whose change events are `changes`.
    pub(crate) fn new(changes: Feed<ChangeEvent>) -> Self {
        Delivery {
            outbox: Arc::default(),
            listener: Mutex::default(),
            delivering: Mutex::default(),
            changes,
            notifications: Feed::new(),
            sync: Feed::new(),
        }
    }

    /// Ends every subscription (the store was closed): each subscriber hears `onEnd` once,
    /// then nothing more; the listener is cleared.
    pub(crate) fn close(&self) {
        self.set(None);
        self.changes.close();
        self.notifications.close();
        self.sync.close();
    }

    /// The queue to give the core as its listener.
    pub(crate) fn outbox(&self) -> Arc<Outbox> {
        Arc::clone(&self.outbox)
    }

    /// Sets or clears the app's listener; clearing drops what was queued for it.
    pub(crate) fn set(&self, listener: Option<Arc<dyn NotificationListener>>) {
        if listener.is_none() {
            relock(&self.outbox.queue).clear();
        }
        *relock(&self.listener) = listener;
    }

    /// Hands queued change events to the subscribers and queued notifications to the app's
    /// listener and subscribers. Call with the store released. If another thread (or an
    /// outer call on this thread, when the listener called the store) is already
    /// delivering, it delivers these too.
    pub(crate) fn flush(&self) {
        self.changes.flush();
        self.flush_notifications();
        self.notifications.flush();
    }

    fn flush_notifications(&self) {
        loop {
            {
                let _turn = match self.delivering.try_lock() {
                    Ok(guard) => guard,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(TryLockError::WouldBlock) => return,
                };
                loop {
                    let batch = std::mem::take(&mut *relock(&self.outbox.queue));
                    if batch.is_empty() {
                        break;
                    }
                    let listener = relock(&self.listener).clone();
                    for n in &batch {
                        self.notifications.publish(n.clone());
                    }
                    let Some(listener) = listener else { break };
                    for n in batch {
                        let record = Notification::from(n);
                        // A foreign exception becomes a panic in uniffi's callback code.
                        let _ignored = catch_unwind(AssertUnwindSafe(|| listener.on_notification(record)));
                    }
                }
            }
            // Something queued between the last take and the release is delivered by this
            // thread: the thread that queued it found `delivering` taken and left it to us.
            if relock(&self.outbox.queue).is_empty() {
                return;
            }
        }
    }
}
