// Sync, invites and bundles from Kotlin: real stores in one JVM process, real iroh endpoints on
// the loopback interface (no mDNS, no relay, no internet).

import java.io.File
import java.time.Instant
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

/** Loopback only: what tests and same-machine use want. */
val LOOPBACK = SyncConfig(allInterfaces = false, mdns = false, relay = RelayChoice.Disabled)

/** A sync listener that queues every event, and waits for the one a test needs. */
class SyncEventLog : SyncEventListener {
    private val events = LinkedBlockingQueue<SyncEvent>()

    override fun onSyncEvent(event: SyncEvent) {
        events.put(event)
    }

    /** The first event (in order of arrival) that [match] accepts; the served side may finish after the dialling side returned. */
    fun await(what: String, match: (SyncEvent) -> Boolean): SyncEvent {
        while (true) {
            val event = events.poll(30, TimeUnit.SECONDS) ?: throw AssertionFailed("no $what event came")
            if (match(event)) return event
        }
    }
}

/** Anna's device with a group and a tiller; Olle's device joined through an invite over loopback. */
class SyncPair(dir: File) : AutoCloseable {
    val anna = openStore(dir, "anna.db")
    val olle = openStore(dir, "olle.db")
    val gid = runBlocking { anna.createGroup("Odlingsakademin Lövåsen", "", "Anna").id }
    val tiller = runBlocking { anna.addItem(gid, itemDraft("Jordfräs")) }
    val start: Instant = hoursAfter(anna.now(), 30)

    init {
        runBlocking {
            anna.startSync(LOOPBACK)
            olle.startSync(LOOPBACK)
            val invite = anna.createInvite(gid, Role.MEMBER, anna.now() + DAY, 1u)
            assertEq(gid, olle.redeemInvite(invite.code, "Olle", deviceLabel = "Olles telefon"), "joined group")
            // The serving side may finish the first session after the redeeming side returned:
            // wait for it, so that tests start from a settled pair (and hear only their own events).
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            while (anna.syncStatus().sessionsServed < 1uL) {
                if (System.nanoTime() > deadline) throw AssertionFailed("Anna never finished serving the first session")
                Thread.sleep(10)
            }
        }
    }

    suspend fun book(store: DelbarStore, hoursFromStart: Long): Booking {
        val s = start + hoursFromStart * HOUR
        return store.book(gid, NewBooking(tiller.id, 1u, s, s + 2 * HOUR))
    }

    override fun close() {
        olle.stopSync()
        anna.stopSync()
        olle.close()
        anna.close()
    }
}

suspend fun twoStoresSyncOverLoopbackAfterAnInvite(dir: File): Unit = SyncPair(dir).use { p ->
    assertEq("Olle", p.olle.me(p.gid).name, "Olle's name in the group")
    assertEq(listOf("Jordfräs"), p.olle.listItems(p.gid).map { it.name }, "Olle received the catalogue")
    p.book(p.anna, 0)
    p.book(p.olle, 4)
    val report = runBlocking { p.olle.syncWith(p.anna.syncAddress(), p.gid) }
    expect(report.documentsDiffering > 0u && report.documentsChanged > 0u) { "sync report $report" }
    for (store in listOf(p.anna, p.olle)) {
        assertEq(2, store.listBookings(p.gid).size, "bookings on both devices")
    }
    assertEq(p.anna.listBookings(p.gid), p.olle.listBookings(p.gid), "the same bookings")
    // A device id alone is an address too (found by mDNS on a real network); here the
    // full address is needed, and a malformed one is bad input.
    assertThrows<DelbarException.InvalidInput>("a malformed address") {
        runBlocking { p.olle.syncWith("not an address", p.gid) }
    }
}

suspend fun theSyncListenerHearsSyncedWithAndStatusShowsThePeer(dir: File): Unit = SyncPair(dir).use { p ->
    val annaLog = SyncEventLog()
    val olleLog = SyncEventLog()
    p.anna.setSyncListener(annaLog)
    p.olle.setSyncListener(olleLog)
    p.book(p.anna, 0)
    runBlocking { p.olle.syncWith(p.anna.syncAddress(), p.gid) }

    val dialled = olleLog.await("synced (dialled)") { it is SyncEvent.Synced } as SyncEvent.Synced
    assertEq(p.anna.deviceId(), dialled.peerDeviceId, "Olle synced with Anna's device")
    assertEq(SyncDirection.DIALLED, dialled.direction, "Olle dialled")
    expect(dialled.documentsChanged > 0u && dialled.bytesReceived > 0uL) { "dialled event $dialled" }
    val served = annaLog.await("synced (served)") { it is SyncEvent.Synced } as SyncEvent.Synced
    assertEq(p.olle.deviceId(), served.peerDeviceId, "Anna served Olle's device")
    assertEq(SyncDirection.SERVED, served.direction, "Anna served")
    assertEq(p.gid, served.groupId, "group of the event")

    val status = p.anna.syncStatus()
    expect(status.running && status.address != null) { "status $status" }
    assertEq(emptyList<String>(), status.relays, "no relays by default")
    expect(status.sessionsServed >= 2uL) { "served ${status.sessionsServed}" }
    val olle = status.peers.single { it.deviceId == p.olle.deviceId() }
    assertEq("Olle", olle.memberName, "the peer's member")
    expect(olle.lastSync != null) { "no last sync in $olle" }
    assertEq(0u, olle.pendingDocuments, "nothing pending right after a sync")
    p.book(p.anna, 6)
    expect(p.anna.syncPeers(p.gid).single().pendingDocuments > 0u) { "a new booking is pending for Olle" }
    p.anna.stopSync()
    val stopped = p.anna.syncStatus()
    expect(!stopped.running && stopped.peers.isNotEmpty()) { "status when stopped $stopped" }
    assertThrows<DelbarException.SyncNotRunning>("sync with the service stopped") {
        runBlocking { p.anna.syncWith(p.olle.syncAddress(), p.gid) }
    }
}

suspend fun aBundleFromOneDeviceReachesAThirdDevice(dir: File) {
    openStore(dir, "anna.db").use { anna ->
        openStore(dir, "cia.db").use { cia ->
            val gid = anna.createGroup("Folkverkstan", "", "Anna").id
            anna.addMember(gid, "Cia", Role.MEMBER, deviceId = cia.deviceId(), deviceLabel = "Cias telefon")
            val saw = anna.addItem(gid, itemDraft("Bandsåg"))
            val start = hoursAfter(anna.now(), 30)
            anna.book(gid, NewBooking(saw.id, 1u, start, start + 2 * HOUR))

            val bytes = runBlocking { anna.exportBundle(gid) }
            val first = runBlocking { cia.importBundle(bytes) }
            expect(first.documentsChanged > 0u) { "first import $first" }
            assertEq("Cia", cia.me(gid).name, "Cia is a member on her own device")
            assertEq(1, cia.listBookings(gid).size, "the booking came along")

            // Through a file, and only what Cia lacks: nothing new, so nothing changes.
            val file = File(dir, "lövåsen.delbar").path
            val size = runBlocking { anna.exportBundleToFile(gid, file, forDeviceId = cia.deviceId()) }
            assertEq(File(file).length().toULong(), size, "bytes written")
            val again = runBlocking { cia.importBundleFromFile(file, groupId = gid) }
            assertEq(0u, again.documentsChanged, "importing what Cia has changes nothing")
        }
    }
}

suspend fun aCorruptedBundleIsATypedErrorAndAppliesNothing(dir: File) {
    openStore(dir, "anna.db").use { anna ->
        openStore(dir, "cia.db").use { cia ->
            val gid = anna.createGroup("Folkverkstan", "", "Anna").id
            anna.addMember(gid, "Cia", Role.MEMBER, deviceId = cia.deviceId())
            val bytes = runBlocking { anna.exportBundle(gid) }
            val damaged = bytes.copyOf().also { it[it.size / 2] = (it[it.size / 2].toInt() xor 0x40).toByte() }
            val e = assertThrows<DelbarException.BadBundle>("a damaged bundle") {
                runBlocking { cia.importBundle(damaged) }
            }
            expect(e.userMessage().isNotBlank()) { "no text for $e" }
            assertThrows<DelbarException.BadBundle>("a truncated bundle") {
                runBlocking { cia.importBundle(bytes.copyOf(bytes.size - 10), groupId = gid) }
            }
            assertThrows<DelbarException.BadBundle>("not a bundle at all") {
                runBlocking { cia.importBundle("hello".toByteArray(), groupId = gid) }
            }
            // A 3 GiB file that is no bundle (sparse: no disk used) is refused by its first
            // bytes, read as a stream, never whole.
            val video = File(dir, "holiday.mkv")
            java.io.RandomAccessFile(video, "rw").use { it.setLength(3L shl 30) }
            assertThrows<DelbarException.BadBundle>("a 3 GiB file that is no bundle") {
                runBlocking { cia.importBundleFromFile(video.path) }
            }
            video.delete()
            assertEq(emptyList<Group>(), cia.listGroups(), "nothing applied")
        }
    }
}

suspend fun expiredRevokedAndUsedUpInvitesAreTypedErrors(dir: File) {
    val anna = openStore(dir, "anna.db")
    val olle = openStore(dir, "olle.db")
    val eva = openStore(dir, "eva.db")
    try {
        val gid = anna.createGroup("Folkverkstan", "", "Anna").id
        assertThrows<DelbarException.SyncNotRunning>("an invite needs the service's address") {
            anna.createInvite(gid, Role.MEMBER, anna.now() + DAY, 1u)
        }
        for (store in listOf(anna, olle, eva)) store.startSync(LOOPBACK)

        val expiring = anna.createInvite(gid, Role.MEMBER, anna.now().plusMillis(1), 1u)
        while (olle.now() <= expiring.expires) Thread.sleep(5)
        assertThrows<DelbarException.InviteExpired>("an expired invite") {
            runBlocking { olle.redeemInvite(expiring.code, "Olle") }
        }

        val revoked = anna.createInvite(gid, Role.MEMBER, anna.now() + DAY, 1u)
        val kept = anna.createInvite(gid, Role.MEMBER, anna.now() + DAY, 1u)
        assertEq(setOf(revoked.id, kept.id), anna.listInvites(gid).map { it.id }.toSet(), "open invites")
        anna.revokeInvite(gid, revoked.id)
        assertEq(listOf(kept.id), anna.listInvites(gid).map { it.id }, "open invites after revoking")
        val e = assertThrows<DelbarException.InviteRevoked>("a revoked invite") {
            runBlocking { olle.redeemInvite(revoked.code, "Olle") }
        }
        expect(e.userMessage().isNotBlank()) { "no text for $e" }

        runBlocking { olle.redeemInvite(kept.code, "Olle") }
        assertThrows<DelbarException.InviteUsedUp>("an invite used up") {
            runBlocking { eva.redeemInvite(kept.code, "Eva") }
        }
        assertThrows<DelbarException.InviteUnknown>("not an invite code") {
            runBlocking { eva.redeemInvite("DELBAR1NOTACODE", "Eva") }
        }
        assertEq(emptyList<Group>(), eva.listGroups(), "Eva joined nothing")

        // Members invite only when a steward allows it.
        assertThrows<DelbarException.NotPermitted>("a member inviting") {
            olle.createInvite(gid, Role.MEMBER, olle.now() + DAY, 1u)
        }
        val group = anna.updateGroupSync(gid, membersMayInvite = true)
        expect(group.membersMayInvite) { "group $group" }
        runBlocking { olle.syncWith(anna.syncAddress(), gid) }
        val byOlle = olle.createInvite(gid, Role.MEMBER, olle.now() + DAY, 1u)
        assertEq(gid, runBlocking { eva.redeemInvite(byOlle.code, "Eva") }, "Eva joined through Olle")
    } finally {
        for (store in listOf(eva, olle, anna)) {
            store.stopSync()
            store.close()
        }
    }
}

suspend fun inviteQrCodesComeAsPngAndSvg(dir: File) {
    openStore(dir).use { anna ->
        val gid = anna.createGroup("Folkverkstan", "", "Anna").id
        anna.startSync(LOOPBACK)
        val invite = anna.createInvite(gid, Role.MEMBER, anna.now() + DAY, 1u)
        anna.stopSync()
        expect(invite.code.all { it.isUpperCase() || it.isDigit() }) { "code ${invite.code}" }
        expect(invite.qrVersion in 1..10) { "QR version ${invite.qrVersion}" }
        val png = inviteQrPng(invite.code, 4u)
        val signature = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 13, 10, 26, 10)
        assertEq(signature.toList(), png.copyOf(8).toList(), "PNG signature")
        val side = (17 + 4 * invite.qrVersion + 8) * 4
        val width = java.nio.ByteBuffer.wrap(png, 16, 4).int
        assertEq(side, width, "PNG width")
        val svg = inviteQrSvg(invite.code).trim()
        expect(svg.contains("<svg") && svg.endsWith("</svg>")) { "SVG ${svg.take(80)}" }
        assertThrows<DelbarException.InvalidInput>("a scale of 0") { inviteQrPng(invite.code, 0u) }
        assertThrows<DelbarException.InviteUnknown>("a QR code of something else") { inviteQrSvg("hello") }
    }
}
