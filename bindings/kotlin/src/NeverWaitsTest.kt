// A UI that never waits: the calls that only read answer from SQLite connections of their
// own, so a list screen is not held up by a merge, a compaction or a write holding the store.

import java.io.File
import java.io.FileOutputStream
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.delbar.*
import org.delbar.core.*

suspend fun readsAreAnsweredWhileABundleImportHoldsTheStore(dir: File): Unit = Fixture(dir).use { f ->
    val saw = f.addItem("Motorsåg")
    f.book(saw, f.tomorrow, 2)
    // The bundle is a named pipe: the import opens it and waits for its first bytes inside
    // the store's lock, where a merge runs, for as long as this test keeps the pipe open.
    val fifo = File(dir, "bundle.fifo")
    assertEq(0, ProcessBuilder("mkfifo", fifo.path).start().waitFor(), "mkfifo")
    coroutineScope {
        val importing = async(Dispatchers.IO) { runCatching { f.store.importBundleFromFile(fifo.path) } }
        // Opening the pipe's other end returns once the import has opened it: from then on
        // the import holds the store until the pipe is closed.
        val pipe = withContext(Dispatchers.IO) { FileOutputStream(fifo) }
        val writing = async(Dispatchers.IO) { f.store.addItem(f.gid, itemDraft("Kedjesåg")) }
        withTimeout(30_000) {
            assertEq(listOf("Motorsåg"), f.store.listItems(f.gid).map { it.name }, "items, read beside the import")
            assertEq(0u, f.store.availability(f.gid, saw.id, f.tomorrow, f.tomorrow + HOUR).freeUnits, "availability")
            assertEq(listOf(saw.id), f.store.listBookings(f.gid).map { it.item }, "bookings")
            assertEq(listOf(f.gid), f.store.listGroups().map { it.id }, "groups")
            assertEq(saw.id, f.store.getItem(f.gid, saw.id).id, "one item")
        }
        expect(importing.isActive) { "the import ended before the reads, which then proved nothing" }
        expect(writing.isActive) { "a write went ahead of the import holding the store" }
        withContext(Dispatchers.IO) { pipe.close() }
        // A bundle with no bytes is refused, typed; the write waiting behind it then goes ahead.
        val refused = importing.await().exceptionOrNull()
        expect(refused is DelbarException) { "an empty bundle: $refused" }
        assertEq("Kedjesåg", writing.await().name, "the write after the import")
    }
}
