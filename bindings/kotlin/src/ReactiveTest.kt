// Reactive data from Kotlin: change events, notifications and sync events, through the
// callback API (`DelbarEvents`, `Subscription`) and the Android library's Flows
// (`DelbarFlows`), against the real library; sync over real iroh endpoints on loopback.

import java.io.File
import java.time.Duration
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.delbar.*
import org.delbar.core.*

/** A change observer that queues what it hears. */
class ChangeLog : ChangeObserver {
    val events = LinkedBlockingQueue<ChangeEvent>()
    @Volatile var ended = 0

    override fun onChange(event: ChangeEvent) {
        events.put(event)
    }

    override fun onEnd() {
        ended++
    }

    /** The next event, waiting at most 10 s. */
    fun next(what: String): ChangeEvent = events.poll(10, TimeUnit.SECONDS) ?: throw AssertionFailed("no change event: $what")

    /** The first event (in order of arrival) that [match] accepts, waiting at most 30 s. */
    fun await(what: String, match: (ChangeEvent) -> Boolean): ChangeEvent {
        while (true) {
            val event = events.poll(30, TimeUnit.SECONDS) ?: throw AssertionFailed("no $what change event came")
            if (match(event)) return event
        }
    }
}

/** A sync observer that queues what it hears. */
class SyncObserverLog : SyncObserver {
    val events = LinkedBlockingQueue<SyncEvent>()

    override fun onSyncEvent(event: SyncEvent) {
        events.put(event)
    }

    override fun onEnd() {}

    fun await(what: String, match: (SyncEvent) -> Boolean): SyncEvent {
        while (true) {
            val event = events.poll(30, TimeUnit.SECONDS) ?: throw AssertionFailed("no $what event came")
            if (match(event)) return event
        }
    }
}

/** Waits (at most 10 s) until [flows] has [count] active collections. */
suspend fun awaitFlowCollectors(flows: DelbarFlows, count: Int) {
    withTimeout(10_000) {
        while (flows.collectors != count) delay(5)
    }
}

suspend fun twoSubscribersBothHearAnItemAdded(dir: File): Unit = Fixture(dir).use { f ->
    val flows = DelbarFlows(f.store)
    val log = ChangeLog()
    val sub = f.store.events().subscribeChanges(log)
    runBlocking {
        // Two collectors of the Flow and one callback observer.
        val first = async { withTimeout(10_000) { flows.changes(f.gid).first() } }
        val second = async { withTimeout(10_000) { flows.changes().first() } }
        awaitFlowCollectors(flows, 2)
        val tiller = f.addItem("Jordfräs")
        for (event in listOf(first.await(), second.await(), log.next("callback"))) {
            assertEq(f.gid, event.groupId, "group")
            assertEq(ChangeOrigin.LOCAL, event.origin, "a write on this device")
            assertEq(listOf(tiller.id), event.itemIds, "the item added")
            assertEq(emptyList<String>(), event.bookingIds, "no booking")
            expect(event.activity) { "adding an item is logged: $event" }
        }
        // `first` ended both collections: their subscriptions were cancelled.
        awaitFlowCollectors(flows, 0)
    }
    expect(sub.isActive()) { "the callback subscription is still active" }
    sub.cancel()
}

suspend fun aBookingShowsAsABookingChange(dir: File): Unit = Fixture(dir).use { f ->
    val saw = f.addItem("Bandsåg", quantity = 2u)
    val log = ChangeLog()
    val sub = f.store.events().subscribeChanges(log)
    val booking = f.book(saw, f.tomorrow, 3)
    val event = log.next("booking")
    assertEq(listOf(booking.id), event.bookingIds, "the booking made")
    assertEq(listOf(saw.id), event.bookedItemIds, "its item's availability changed")
    assertEq(emptyList<String>(), event.itemIds, "the item's own record did not change")
    f.store.actOnBooking(f.gid, booking.id, BookingAction.CANCEL)
    assertEq(listOf(booking.id), log.next("cancel").bookingIds, "cancelling changes the booking")
    // A refused write changes nothing and says nothing.
    assertThrows<DelbarException>("a third unit") { f.book(saw, f.tomorrow, 3, units = 3u) }
    f.store.listItems(f.gid)
    assertEq(null, log.events.poll(50, TimeUnit.MILLISECONDS), "no event for a refused write or a read")
    sub.cancel()
}

suspend fun aSyncOverLoopbackEmitsChangesAndSyncEvents(dir: File): Unit = SyncPair(dir).use { p ->
    val olleChanges = ChangeLog()
    val olleSync = SyncObserverLog()
    val annaSync = SyncObserverLog()
    val olleEvents = p.olle.events()
    val subs = listOf(
        olleEvents.subscribeChanges(olleChanges),
        olleEvents.subscribeSyncEvents(olleSync),
        p.anna.events().subscribeSyncEvents(annaSync),
    )
    val flows = DelbarFlows(p.olle)
    runBlocking {
        // The status Flow gives the current status first, then one after each session.
        val statuses = async { withTimeout(30_000) { flows.syncStatus().take(3).toList() } }
        val synced = async { withTimeout(30_000) { flows.syncEvents().first { it is SyncEvent.Synced } } }
        awaitFlowCollectors(flows, 2)
        val booking = p.book(p.anna, 0)
        p.olle.syncWith(p.anna.syncAddress(), p.gid)

        val started = olleSync.await("started (dialled)") { it is SyncEvent.Started } as SyncEvent.Started
        assertEq(p.anna.deviceId() to p.gid, started.peerDeviceId to started.groupId, "peer and group")
        val done = olleSync.await("synced (dialled)") { it is SyncEvent.Synced } as SyncEvent.Synced
        assertEq(SyncDirection.DIALLED, done.direction, "Olle dialled")
        assertEq(done, synced.await(), "the Flow heard the same")
        annaSync.await("started (served)") { it is SyncEvent.Started && it.direction == SyncDirection.SERVED }
        annaSync.await("synced (served)") { it is SyncEvent.Synced && it.direction == SyncDirection.SERVED }

        val merged = olleChanges.await("merged") { booking.id in it.bookingIds }
        assertEq(ChangeOrigin.MERGED, merged.origin, "changes from another device")
        assertEq(p.gid, merged.groupId, "group")
        assertEq(listOf(p.tiller.id), merged.bookedItemIds, "the tiller's availability changed")

        val seen = statuses.await()
        val last = seen.last()
        val anna = last.peers.single { it.deviceId == p.anna.deviceId() }
        expect(last.running && anna.lastSync != null) { "status after the session: $last" }
    }
    subs.forEach { it.cancel() }
}

suspend fun cancelStopsDeliveryToThatSubscriberOnly(dir: File): Unit = Fixture(dir).use { f ->
    val events = f.store.events()
    val (kept, cancelled) = ChangeLog() to ChangeLog()
    val keptSub = events.subscribeChanges(kept)
    val cancelledSub = events.subscribeChanges(cancelled)
    val notes = LinkedBlockingQueue<Notification>()
    val noteSub = events.subscribeNotifications(object : NotificationObserver {
        override fun onNotification(notification: Notification) {
            notes.put(notification)
        }

        override fun onEnd() {}
    })
    f.addItem("Jordfräs")
    assertEq(1, kept.events.size, "heard by the first")
    assertEq(1, cancelled.events.size, "heard by the second")
    cancelledSub.cancel()
    cancelledSub.cancel() // twice is fine
    expect(!cancelledSub.isActive() && keptSub.isActive()) { "only the cancelled one is inactive" }
    val saw = f.addItem("Motorsåg")
    val now = f.store.now()
    val late = f.store.book(f.gid, NewBooking(saw.id, 1u, now - Duration.ofMinutes(10), now - Duration.ofMinutes(5)))
    f.store.actOnBooking(f.gid, late.id, BookingAction.CHECK_OUT)
    assertEq(4, kept.events.size, "the first heard three more writes")
    assertEq(listOf(late.id), kept.events.last().bookingIds, "the last one handed the saw out")
    assertEq(1, cancelled.events.size, "the cancelled one heard nothing more")
    assertEq(0, cancelled.ended, "cancelling is not an end")
    // Notifications have their own subscriptions: `tick` finds the loan overdue.
    val created = f.store.tick()
    val n = notes.poll(10, TimeUnit.SECONDS) ?: throw AssertionFailed("no notification")
    assertEq(NotificationKind.OVERDUE to late.id, n.kind to n.bookingId, "the overdue loan")
    assertEq(created, listOf(n), "the same as tick returned")
    keptSub.cancel()
    noteSub.cancel()
}

suspend fun closeThenCollectAndCancelDoNotThrow(dir: File): Unit = runBlocking {
    val store = openStore(dir, "closing.db")
    val gid = store.createGroup("Folkverkstad", "", "Anna").id
    val events = store.events()
    val flows = DelbarFlows(store)
    val log = ChangeLog()
    val sub = events.subscribeChanges(log)
    val heard = mutableListOf<ChangeEvent>()
    val collector = launch { flows.changes().collect { heard += it } }
    val notes = launch { DelbarNotifications(store).all.collect { } }
    awaitFlowCollectors(flows, 1)
    store.addItem(gid, itemDraft("Jordfräs"))
    withTimeout(10_000) { while (heard.isEmpty()) delay(5) }

    store.close()
    // Closing the store completes every collection by itself.
    withTimeout(10_000) { collector.join() }
    withTimeout(10_000) { notes.join() }
    assertEq(1, heard.size, "heard the write before close, nothing after")
    assertEq(1, log.ended, "the callback observer was told once that the store closed")
    assertEq(1, log.events.size, "and heard nothing after")
    expect(!sub.isActive() && events.isClosed()) { "ended" }
    // Cancelling, collecting and subscribing after close: no exception, nothing delivered.
    sub.cancel()
    assertEq(emptyList<ChangeEvent>(), flows.changes().toList(), "a closed store's Flow is empty")
    assertEq(emptyList<SyncEvent>(), flows.syncEvents().toList(), "sync events too")
    assertEq(emptyList<SyncStatus>(), flows.syncStatus().toList(), "and the status")
    assertEq(emptyList<ChangeEvent>(), DelbarFlows(store).changes().toList(), "made after close")
    assertEq(emptyList<ChangeEvent>(), store.changes().toList(), "the extension on a closed store")
    val late = ChangeLog()
    val lateSub = events.subscribeChanges(late)
    expect(!lateSub.isActive()) { "a subscription to a closed store is not active" }
    assertEq(1, late.ended, "and ends at once")
    lateSub.cancel()
    awaitFlowCollectors(flows, 0)
}
