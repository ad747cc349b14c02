// JVM tests of the plain-Kotlin wrapper that ships in the Android library
// (android/delbar/src/main/kotlin/org/delbar): the notification Flow and the coroutine
// helpers, against the real library and a second store whose changes are merged.

import java.io.File
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.delbar.DelbarNotifications
import org.delbar.DelbarStores
import org.delbar.exchangeWith
import org.delbar.*
import org.delbar.core.*

/** Waits (at most 10 s) until [notifications] has [count] active collectors. */
suspend fun awaitCollectors(notifications: DelbarNotifications, count: Int) {
    withTimeout(10_000) {
        while (notifications.collectors != count) delay(5)
    }
}

/** Anna's and Bo's stores sharing a group in which Bo is a plain member. */
class TwoDevices(dir: File) : AutoCloseable {
    val anna = openStore(dir, "anna.db")
    val bo = openStore(dir, "bo.db")
    val gid = runBlocking { anna.createGroup("Folkverkstad", "", "Anna").id }
    val boId = runBlocking { anna.addMember(gid, "Bo", Role.MEMBER, deviceId = bo.deviceId()).id }

    init {
        runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
    }

    override fun close() {
        bo.close()
        anna.close()
    }
}

suspend fun notificationFlowHearsABumpAfterAMerge(dir: File): Unit = TwoDevices(dir).use { d ->
    val trailer = d.anna.addItem(d.gid, itemDraft("Släpvagn"))
    runBlocking { d.bo.mergeDocuments(d.gid, d.anna.exportGroup(d.gid)) }
    val notifications = DelbarNotifications(d.bo)
    assertEq(0, notifications.collectors, "no collector before subscribing")

    // Both devices offline: each promises the last unit for overlapping windows.
    val start = hoursAfter(d.anna.now(), 30)
    val annas = d.anna.book(d.gid, NewBooking(trailer.id, 1u, start, start + 5 * HOUR))
    Thread.sleep(5)
    val bos = d.bo.book(d.gid, NewBooking(trailer.id, 1u, start + 2 * HOUR, start + 6 * HOUR))

    runBlocking {
        val bump = async {
            withTimeout(10_000) { notifications.forMember(d.boId).first { it.kind == NotificationKind.BUMPED } }
        }
        awaitCollectors(notifications, 1)
        // They meet: Bo's device merges Anna's documents and derives the bump.
        val report = d.bo.exchangeWith(d.anna, d.gid)
        expect(report.intoThis.documentsChanged > 0u && report.intoOther.documentsChanged > 0u) { "report $report" }
        val n = bump.await()
        assertEq(d.boId, n.memberId, "for Bo")
        assertEq(bos.id, n.bookingId, "about Bo's booking")
        assertEq(BumpReason.OVERBOOKED, n.detail.reason, "reason")
        assertEq(annas.id, n.detail.winnerId, "winner")
        assertEq("Anna", n.detail.winnerMember, "winner's name")
        assertEq("Booking bumped", n.title, "title")
        // `first` ended the collection: the listener slot is given back.
        awaitCollectors(notifications, 0)
        // The helpers: both stores agree, and a call runs through `io`.
        assertEq(d.anna.listBookings(d.gid), d.bo.listBookings(d.gid), "both devices show the same bookings")
        assertEq(BookingState.BUMPED, d.bo.getBooking(d.gid, bos.id).state, "Bo's booking is bumped")
        assertEq(listOf(n), d.bo.notifications(d.gid), "still pending in the store")
    }
}

suspend fun notificationFlowFansOutAConfirmationToEveryCollector(dir: File): Unit = TwoDevices(dir).use { d ->
    val lathe = d.anna.addItem(d.gid, itemDraft("Svarv").copy(rules = defaultLoanRules().copy(requiresApproval = true)))
    runBlocking { d.bo.mergeDocuments(d.gid, d.anna.exportGroup(d.gid)) }
    val start = hoursAfter(d.bo.now(), 30)
    val request = d.bo.book(d.gid, NewBooking(lathe.id, 1u, start, start + 2 * HOUR))
    assertEq(BookingState.REQUESTED, request.state, "a member's request waits for a steward")
    val notifications = DelbarNotifications(d.bo)

    runBlocking {
        fun CoroutineScope.collectTwo() = async {
            withTimeout(10_000) { notifications.forGroup(d.gid).take(1).toList() }
        }
        val first = collectTwo()
        val second = collectTwo()
        awaitCollectors(notifications, 2)
        // Anna confirms on her device; Bo's device learns it at the next exchange.
        d.anna.exchangeWith(d.bo, d.gid)
        d.anna.actOnBooking(d.gid, request.id, BookingAction.CONFIRM)
        d.anna.exchangeWith(d.bo, d.gid)
        val heard = first.await()
        assertEq(heard, second.await(), "both collectors hear the same")
        assertEq(listOf(NotificationKind.BOOKING_CONFIRMED), heard.map { it.kind }, "Bo is told")
        assertEq(request.id, heard[0].bookingId, "about the request")
        awaitCollectors(notifications, 0)

        // Nobody collects now; a new collector hears only what comes after it subscribed
        // (what came before stays in the store until acknowledged).
        val again = d.bo.book(d.gid, NewBooking(lathe.id, 1u, start + DAY, start + DAY + HOUR))
        val later = async { withTimeout(10_000) { notifications.all.first() } }
        awaitCollectors(notifications, 1)
        d.anna.exchangeWith(d.bo, d.gid)
        d.anna.actOnBooking(d.gid, again.id, BookingAction.CONFIRM)
        d.anna.exchangeWith(d.bo, d.gid)
        val next = later.await()
        assertEq(NotificationKind.BOOKING_CONFIRMED to again.id, next.kind to next.bookingId, "the new confirmation")
        awaitCollectors(notifications, 0)
    }
}

suspend fun notificationFlowStopsQuietlyAfterTheStoreCloses(dir: File): Unit = runBlocking {
    val store = openStore(dir, "closing.db")
    val notifications = DelbarNotifications(store)
    // A screen collects; the store is closed while it does (the process's store holder
    // released it, or a test's teardown); then the screen goes away and its collector stops.
    val job = launch { notifications.all.collect { } }
    awaitCollectors(notifications, 1)
    store.close()
    job.cancel()
    job.join() // the listener slot is given back to a closed store: no exception
    awaitCollectors(notifications, 0)
    // A collector that starts after close ends at once instead of throwing.
    val late = withTimeout(10_000) { notifications.all.toList() }
    assertEq(emptyList<Notification>(), late, "a closed store's Flow is empty")
}

suspend fun storesOpenOncePerProcess(dir: File): Unit = runBlocking {
    val path = File(dir, "shared.db").path
    // Two screens (or a rotated Activity and its predecessor) ask for the same file.
    val first = DelbarStores.open(path)
    val second = DelbarStores.open(path)
    expect(first === second) { "the same store object for the same path" }
    val gid = first.createGroup("Odlingsakademin", "", "Karin").id
    assertEq(listOf(gid), second.listGroups().map { it.id }, "one store, seen by both")
    DelbarStores.close(path)
    // Opened again after close: a new handle on the same file, with what was written.
    val reopened = DelbarStores.open(path)
    expect(reopened !== first) { "a new handle after close" }
    assertEq(listOf(gid), reopened.listGroups().map { it.id }, "the file kept the group")
    DelbarStores.close(path)
}

suspend fun theSampleScreenShowsNamesAndLocalTimes(dir: File): Unit = runBlocking {
    val store = openStore(dir, "sample.db")
    try {
        val gid = store.createGroup("Odlingsakademin", "", "Karin").id
        val tiller = store.addItem(gid, itemDraft("Jordfräs").copy(quantity = 2u))
        // Summer time ends in Stockholm on 2026-10-25 at 03:00 local (01:00 UTC), when the
        // clocks go back to 02:00. A loan from 00:30 UTC (02:30 CEST) to 02:30 UTC (03:30 CET)
        // reads 02:30-03:30 on the wall clock, though it lasts two hours; a fixed offset
        // would show one end an hour wrong.
        val start = Instant.parse("2026-10-25T00:30:00Z")
        val end = Instant.parse("2026-10-25T02:30:00Z")
        val loader = org.delbar.sample.GearScreenLoader(java.time.ZoneId.of("Europe/Stockholm"), java.util.Locale.forLanguageTag("sv-SE"))
        assertEq("25 okt. 2026 02:30 – 03:30", loader.span(start, end), "local wall-clock times across the change")

        val now = store.now()
        val from = hoursAfter(now, 48)
        store.book(gid, NewBooking(tiller.id, 1u, from, from + 4 * HOUR))
        val screen = loader.load(store, gid, from, from + HOUR)
        assertEq("Odlingsakademin", screen.groupName, "group name")
        assertEq(listOf(org.delbar.sample.GearRow(tiller.id, "Jordfräs", 1u, 2u)), screen.gear, "one of two units free")
        assertEq(1, screen.bookings.size, "one booking")
        val row = screen.bookings[0]
        assertEq("Jordfräs" to "Karin", row.itemName to row.memberName, "names, not ids")
        assertEq(loader.span(from, from + 4 * HOUR), row.whenText, "local times")
        expect(!row.whenText.contains("Z") && !row.whenText.contains(from.toEpochMilli().toString())) { "no UTC or epoch text: ${row.whenText}" }
    } finally {
        store.close()
    }
}
