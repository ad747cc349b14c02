// Notifications as a Kotlin Flow. Plain Kotlin (no android.* imports), so the JVM test suite
// in bindings/kotlin compiles and runs it against the real library.

package org.delbar

import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.SendChannel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.filter

/**
 * A store's notifications as a [Flow], for any number of collectors.
 *
 * A [DelbarStore] has one listener slot (`setListener`). This class takes it while at least
 * one collector is active and clears it (`setListener(null)`) when the last one stops, and
 * hands every notification to every active collector. Create one per store (next to the
 * store, for example in the application object) and do not call `store.setListener`
 * yourself while it has collectors.
 *
 * The store calls its listener on the thread of the store call that created the
 * notification; this class only queues there (never blocks, never drops: each collector
 * has an unbounded buffer), and collectors receive on their own coroutine context.
 * Notifications created while nobody collects are not replayed: they stay in the store
 * until acknowledged, so list them with `store.notifications(groupId)` when a screen opens.
 */
class DelbarNotifications(private val store: DelbarStore) {
    private val lock = Any()
    private val subscribers = LinkedHashSet<SendChannel<Notification>>()

    private val listener = object : NotificationListener {
        override fun onNotification(n: Notification) {
            val targets = synchronized(lock) { subscribers.toList() }
            for (channel in targets) channel.trySend(n)
        }
    }

    /** Every notification this device creates, in order, from subscription on. */
    val all: Flow<Notification> = callbackFlow {
        subscribe(channel)
        awaitClose { unsubscribe(channel) }
    }.buffer(Channel.UNLIMITED)

    /** The notifications of one group. */
    fun forGroup(groupId: String): Flow<Notification> = all.filter { it.groupId == groupId }

    /**
     * The notifications for one member (the listener also hears notifications this device
     * derived for other members; pass `store.me(groupId).id` for this device's own).
     */
    fun forMember(memberId: String): Flow<Notification> = all.filter { it.memberId == memberId }

    /** How many collectors are active now. */
    val collectors: Int
        get() = synchronized(lock) { subscribers.size }

    private fun subscribe(channel: SendChannel<Notification>) = synchronized(lock) {
        if (subscribers.isEmpty() && !setListenerUnlessClosed(listener)) {
            // The store is closed: nothing will ever be heard, so the Flow just ends.
            channel.close()
            return@synchronized
        }
        subscribers += channel
    }

    private fun unsubscribe(channel: SendChannel<Notification>) = synchronized(lock) {
        subscribers -= channel
        if (subscribers.isEmpty()) setListenerUnlessClosed(null)
    }

    /**
     * Sets the store's listener; false when the store is already closed. A collector that
     * stops after the store was closed (an Activity cancelling its scope in `onDestroy` after
     * the store was closed elsewhere) must not throw: the generated `DelbarStore` raises
     * `IllegalStateException` ("... has already been destroyed") on any call after `close()`.
     */
    private fun setListenerUnlessClosed(l: NotificationListener?): Boolean =
        try {
            store.setListener(l)
            true
        } catch (e: IllegalStateException) {
            false
        }
}
