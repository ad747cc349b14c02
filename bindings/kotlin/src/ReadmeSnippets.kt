// The Kotlin snippets of README.md and android/README.md, compiled with the suite against the
// generated API and the Android library's wrapper. They are not run: they stand for an app,
// with a phone's context and another phone. run-tests.sh fails when a line of a kotlin block
// of those files is not found here (a block using NearbyPipe, which needs Google Play
// services, is left to Android Studio), so the READMEs cannot drift from the API unnoticed.

import java.io.File
import java.time.Instant
import java.time.ZoneId
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import org.delbar.*        // the calls and their records
import org.delbar.core.*   // the core's own types they use: Condition, BookingState, Location...

// What the snippets take from the app around them.
private object AppContext { val filesDir = File(System.getProperty("java.io.tmpdir")) }
private val context = AppContext
private val scope = CoroutineScope(Dispatchers.Default)
private val saturday9: Instant = Instant.parse("2027-05-01T07:00:00Z")
private val saturday17: Instant = Instant.parse("2027-05-01T15:00:00Z")
private fun showNotification(title: String, body: String) = println("$title\n$body")
private fun reloadAvailability(itemId: ItemId) = println(itemId)
private fun showSyncedWith(deviceId: String) = println(deviceId)
private fun toast(text: String?) = println(text)
private fun send(frame: ByteArray) = println(frame.size)
private fun onBytes(handle: suspend (ByteArray) -> Unit) = handle
private fun done(report: PipeReport) = println(report)
private fun hangUp(e: DelbarException) = println(e.message)
private fun every(period: Duration, tick: () -> Unit) = period to tick
private val lifecycleScope = scope
private fun show(title: String, body: String) = println("$title\n$body")
private fun reloadGear() = println("reload")

@Suppress("unused")
private suspend fun readmeQuickStart() {
val store = DelbarStore.open(File(context.filesDir, "delbar.db").path)   // suspend
setLocale("sv-SE")
setTimeZone(ZoneId.systemDefault().id)   // "Europe/Stockholm": local times, summer time included
val group = store.createGroup("Odlingsakademin Storsjöbygden", "", "Karin")
val tiller = store.addItem(group.id, itemDraft("Jordfräs Honda F220"))
val flows = DelbarFlows(store)   // the Android library's Flows over store.events()
scope.launch { flows.notifications(group.id).collect { n -> showNotification(n.title, n.body) } }
scope.launch {
    // What a write here or a merge from another device changed: re-read only that.
    flows.changes(group.id).collect { e -> if (tiller.id in e.bookedItemIds) reloadAvailability(tiller.id) }
}
scope.launch { flows.syncEvents().collect { e -> if (e is SyncEvent.Synced) showSyncedWith(e.peerDeviceId) } }
try {
    // saturday9, saturday17: java.time.Instant
    store.book(group.id, NewBooking(tiller.id, 1u, saturday9, saturday17, "", null))
} catch (e: DelbarException) {
    toast(e.message)   // typed (`is DelbarException.Unavailable`), and the message reads in sv / nb / en
}
}

@Suppress("unused")
private suspend fun readmePipe(store: DelbarStore, groupId: String) {
val session = PipeSession.initiator(store, groupId, timeoutMs = 30_000u)  // the other phone: PipeSession.responder(store, null)
send(session.start())
onBytes { bytes ->                                             // a suspend callback, one chunk at a time
    try {
        session.receive(bytes).forEach(::send)
        if (session.isDone()) done(session.report()!!)          // documents changed, bytes each way
    } catch (e: DelbarException) {                             // refused, damaged bytes, a stranger
        session.closingFrames().forEach(::send); hangUp(e)
    }
}
every(1.seconds) { session.checkTimeout() }                    // throws when the other side went silent
}

@Suppress("unused")
private suspend fun androidReadme(groupId: String) {
// An app outside this project: in its settings.gradle.kts
//     include(":delbar"); project(":delbar").projectDir = file("<path to this repo>/android/delbar")
// and in the app module: implementation(project(":delbar"))
// (or use delbar-release.aar and add JNA 5.13.0@aar and kotlinx-coroutines-android yourself).

val store = DelbarStores.open(File(context.filesDir, "delbar.db").path)   // suspend; the same store for every caller
val flows = DelbarFlows(store)
lifecycleScope.launch {
    flows.notifications(groupId).collect { n -> if (n.memberId == store.me(groupId).id) show(n.title, n.body) }
}
lifecycleScope.launch {
    // Re-read what the screen shows when a write here or a merge from another device touched it.
    flows.changes(groupId).collect { e -> if (e.bookedItemIds.isNotEmpty() || e.itemIds.isNotEmpty()) reloadGear() }
}
val items = store.searchItems(groupId, "jordf")   // suspend, never waits behind a merge
    println(items.size)
}
