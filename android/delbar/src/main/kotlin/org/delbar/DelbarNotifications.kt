// Notifications as a Kotlin Flow. Plain Kotlin (no android.* imports), so the JVM test suite
// in bindings/kotlin compiles and runs it against the real library.

package org.delbar

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.filter

/**
 * A store's notifications as a [Flow], for any number of collectors.
 *
 * Each collector is its own subscription to the store's notifications
 * (`DelbarEvents.subscribeNotifications`, see [DelbarFlows]), cancelled when it stops. The
 * store is not called while collecting or stopping, so a collector that stops after the
 * store was closed (an Activity cancelling its scope in `onDestroy`) never throws; closing
 * the store completes every collection, and one that starts afterwards completes at once.
 *
 * Notifications are handed over on the thread of the store call that created them; each
 * collector has an unbounded buffer (never blocks the store, never drops) and receives on
 * its own coroutine context. Notifications created while nobody collects are not replayed:
 * they stay in the store until acknowledged, so list them with `store.notifications(groupId)`
 * when a screen opens.
 */
class DelbarNotifications(store: DelbarStore) {
    private val flows = DelbarFlows(store)

    /** Every notification this device creates, in order, from subscription on. */
    val all: Flow<Notification> = flows.notifications()

    /** The notifications of one group. */
    fun forGroup(groupId: String): Flow<Notification> = all.filter { it.groupId == groupId }

    /**
     * The notifications for one member (the store also creates notifications for other
     * members; pass `store.me(groupId).id` for this device's own).
     */
    fun forMember(memberId: String): Flow<Notification> = all.filter { it.memberId == memberId }

    /** How many collectors are active now. */
    val collectors: Int
        get() = flows.collectors
}
