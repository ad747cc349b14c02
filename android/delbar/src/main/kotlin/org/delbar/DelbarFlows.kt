// A store's change events, notifications and sync events as Kotlin Flows. Plain Kotlin (no
// android.* imports), so the JVM test suite in bindings/kotlin compiles and runs it against
// the real library.

package org.delbar

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.emptyFlow
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.takeWhile
import kotlinx.coroutines.withContext

/**
 * A store's event streams as [Flow]s, for any number of collectors.
 *
 * Each collection is its own subscription (`DelbarEvents.subscribe...`), cancelled when the
 * collector stops (`awaitClose { subscription.cancel() }`). The streams do not hold or call
 * the store: this class takes the store's [DelbarEvents] once, when it is made, so
 * collecting, stopping and collecting again never throw, also after the store was closed.
 * Closing the store completes every Flow (collectors return normally); a collection that
 * starts after that completes at once.
 *
 * Events are handed over on the thread of the store call that caused them; each collector
 * has an unbounded buffer (nothing is dropped, the store never waits for a collector) and
 * receives on its own coroutine context. Nothing is replayed: read the store when a screen
 * opens, then re-read what an event names.
 *
 * ```kotlin
 * val flows = DelbarFlows(store)
 * scope.launch { flows.changes(groupId).collect { e -> if (e.bookedItemIds.isNotEmpty()) reloadAvailability() } }
 * ```
 */
class DelbarFlows(private val store: DelbarStore) {
    /** The store's event streams; null when the store was already closed. */
    private val events: DelbarEvents? =
        try {
            store.events()
        } catch (e: IllegalStateException) {
            // "DelbarStore object has already been destroyed": nothing will ever be heard.
            null
        }

    /** What every write and every merge changed, in every group, from collection on. */
    fun changes(): Flow<ChangeEvent> = stream { events, send, end ->
        events.subscribeChanges(object : ChangeObserver {
            override fun onChange(event: ChangeEvent) = send(event)
            override fun onEnd() = end()
        })
    }

    /** What changed in one group. */
    fun changes(groupId: String): Flow<ChangeEvent> = changes().filter { it.groupId == groupId }

    /**
     * Every notification the store creates, for any member (compare `memberId` with
     * `store.me(groupId).id` for this device's own), from collection on.
     */
    fun notifications(): Flow<Notification> = stream { events, send, end ->
        events.subscribeNotifications(object : NotificationObserver {
            override fun onNotification(notification: Notification) = send(notification)
            override fun onEnd() = end()
        })
    }

    /** The notifications of one group. */
    fun notifications(groupId: String): Flow<Notification> = notifications().filter { it.groupId == groupId }

    /**
     * The sync service's events: sessions started, their progress, completed (`Synced`),
     * refused and failed, each with its peer and group.
     */
    fun syncEvents(): Flow<SyncEvent> = stream { events, send, end ->
        events.subscribeSyncEvents(object : SyncObserver {
            override fun onSyncEvent(event: SyncEvent) = send(event)
            override fun onEnd() = end()
        })
    }

    /**
     * The sync service's status ([DelbarStore.syncStatus]: running, sessions, peers and their
     * last sync): the current one on collection, then again after every session started,
     * completed, refused or failed. Completes when the store is closed.
     */
    fun syncStatus(): Flow<SyncStatus> = flow {
        emit(readStatus() ?: return@flow)
        emitAll(
            syncEvents()
                .filter { it !is SyncEvent.Progress }
                .map { readStatus() }
                .takeWhile { it != null }
                .filterNotNull(),
        )
    }

    /** The store's sync status, read off the caller's thread; null once the store is closed. */
    private suspend fun readStatus(): SyncStatus? =
        try {
            withContext(Dispatchers.IO) { store.syncStatus() }
        } catch (e: IllegalStateException) {
            null
        }

    /** How many collections are active now (over all streams). */
    val collectors: Int
        get() = synchronized(this) { active }

    private var active = 0

    private fun <T> stream(
        subscribe: (DelbarEvents, send: (T) -> Unit, end: () -> Unit) -> Subscription,
    ): Flow<T> {
        val events = events ?: return emptyFlow()
        return callbackFlow {
            val subscription = subscribe(events, { trySend(it) }, { channel.close() })
            synchronized(this@DelbarFlows) { active++ }
            awaitClose {
                subscription.cancel()
                synchronized(this@DelbarFlows) { active-- }
            }
        }.buffer(Channel.UNLIMITED)
    }
}

/** The store's change events as a Flow (see [DelbarFlows.changes]). */
fun DelbarStore.changes(): Flow<ChangeEvent> = DelbarFlows(this).changes()

/** The store's notifications as a Flow (see [DelbarFlows.notifications]). */
fun DelbarStore.notificationFlow(): Flow<Notification> = DelbarFlows(this).notifications()

/** The sync service's events as a Flow (see [DelbarFlows.syncEvents]). */
fun DelbarStore.syncEvents(): Flow<SyncEvent> = DelbarFlows(this).syncEvents()
