// Repairing a store file from Kotlin: `repairStore` rebuilds it from its documents, keeping
// the device identity and every item; a store still open elsewhere is refused.

import java.io.File
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

suspend fun aStoreIsRepairedKeepingItsDeviceAndItems(dir: File) {
    val path = File(dir, "delbar.db").path
    val (device, names) = Fixture(dir).use { f ->
        for (i in 1..12) f.addItem("Verktyg $i")
        assertEq(emptyList<String>(), runBlocking { f.store.check() }.fileProblems, "file problems of a sound store")
        // Open here: the repair is refused and changes nothing.
        assertThrows<DelbarException.InUse>("repairing a store that is open") {
            runBlocking { repairStore(path) }
        }
        Pair(f.store.deviceId(), f.store.listItems(f.gid).map { it.name }.sorted())
    }
    val report = runBlocking { repairStore(path) }
    assertEq(1u, report.groups, "groups rebuilt")
    expect(report.rowsCopied > 0uL && report.unreadableTables.isEmpty()) { "report $report" }
    expect(File(report.damagedCopy).exists()) { "the damaged file is kept: ${report.damagedCopy}" }
    openStore(dir).use { store ->
        assertEq(device, store.deviceId(), "device id after the repair")
        val gid = store.listGroups().single().id
        assertEq(names, store.listItems(gid).map { it.name }.sorted(), "items after the repair")
        expect(runBlocking { store.check() }.clean) { "check after the repair" }
    }
}
