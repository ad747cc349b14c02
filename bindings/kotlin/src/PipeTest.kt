// Sync over a byte pipe written in Kotlin: two stores in one JVM, a PipeSession on each, and a
// pipe that is nothing but two queues of bytes (what a Nearby Connections or Bluetooth adapter
// hands over), delivered in chunks that do not follow the frames.

import java.io.ByteArrayOutputStream
import java.io.File
import java.time.Instant
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

/** A byte pipe between two sessions: each side's output is cut into [chunk]-byte pieces. */
class KotlinPipe(private val chunk: Int = 100) {
    /** Bytes on their way to the responder and to the initiator. */
    private val toResponder = ByteArrayOutputStream()
    private val toInitiator = ByteArrayOutputStream()
    /** Frames the initiator sent, in order, as it sent them. */
    val initiatorFrames = mutableListOf<ByteArray>()

    /** How each side ended: null when it completed, else what it threw. */
    var initiatorError: DelbarException? = null
    var responderError: DelbarException? = null

    /**
     * Runs the session to its end. [tamper] sees every frame from the initiator (with its
     * number) and returns what goes on the pipe instead.
     */
    suspend fun run(
        initiator: PipeSession,
        responder: PipeSession,
        tamper: (Int, ByteArray) -> ByteArray = { _, f -> f },
    ) {
        var sent = 0
        fun fromInitiator(frames: List<ByteArray>) = frames.forEach {
            initiatorFrames.add(it)
            toResponder.write(tamper(sent++, it))
        }
        fromInitiator(listOf(initiator.start()))
        while (toResponder.size() > 0 || toInitiator.size() > 0) {
            val forResponder = toResponder.toByteArray().also { toResponder.reset() }
            for (piece in forResponder.asList().chunked(chunk)) {
                if (responder.isOver()) break
                try {
                    responder.receive(piece.toByteArray()).forEach { toInitiator.write(it) }
                } catch (e: DelbarException) {
                    responderError = e
                    responder.closingFrames().forEach { toInitiator.write(it) }
                }
            }
            val forInitiator = toInitiator.toByteArray().also { toInitiator.reset() }
            for (piece in forInitiator.asList().chunked(chunk)) {
                if (initiator.isOver()) break
                try {
                    fromInitiator(initiator.receive(piece.toByteArray()))
                } catch (e: DelbarException) {
                    initiatorError = e
                    fromInitiator(initiator.closingFrames())
                }
            }
        }
        // The pipe is empty: whoever is not done saw it close.
        for ((session, initiatorSide) in listOf(initiator to true, responder to false)) {
            if (!session.isOver()) {
                try {
                    session.closed()
                } catch (e: DelbarException) {
                    if (initiatorSide) initiatorError = initiatorError ?: e else responderError = responderError ?: e
                }
            }
        }
    }
}

/** Anna's store with a group, a saw and Cia's phone added as a member's device. */
class PipePair(dir: File) : AutoCloseable {
    val anna = openStore(dir, "anna.db")
    val cia = openStore(dir, "cia.db")
    val gid = runBlocking { anna.createGroup("Folkverkstan", "", "Anna").id }
    val saw = runBlocking { anna.addItem(gid, itemDraft("Bandsåg")) }
    val start: Instant = hoursAfter(anna.now(), 30)

    init {
        runBlocking {
            anna.addMember(gid, "Cia", Role.MEMBER, deviceId = cia.deviceId(), deviceLabel = "Cias telefon")
        }
    }

    suspend fun book(store: DelbarStore, hoursFromStart: Long): Booking {
        val s = start + hoursFromStart * HOUR
        return store.book(gid, NewBooking(saw.id, 1u, s, s + 2 * HOUR))
    }

    override fun close() {
        cia.close()
        anna.close()
    }
}

suspend fun twoStoresSyncThroughAPipeWrittenInKotlin(dir: File): Unit = PipePair(dir).use { p ->
    p.book(p.anna, 0)
    // First contact: Cia's phone answers for the group it was told to join.
    val first = KotlinPipe()
    val annaSide = PipeSession.initiator(p.anna, p.gid, 30_000u)
    val ciaSide = PipeSession.responder(p.cia, p.gid, 30_000u)
    first.run(annaSide, ciaSide)
    assertEq(null, first.initiatorError, "Anna's side")
    assertEq(null, first.responderError, "Cia's side")
    expect(annaSide.isDone() && ciaSide.isDone()) { "both sides done" }
    val ciaReport = ciaSide.report() ?: throw AssertionFailed("no report on Cia's side")
    assertEq(p.anna.deviceId(), ciaReport.peerDeviceId, "Cia's side authenticated Anna")
    assertEq(p.anna.deviceId(), ciaSide.peerDeviceId(), "the peer Cia's session names")
    assertEq(p.cia.deviceId(), annaSide.peerDeviceId(), "the peer Anna's session names")
    assertEq(p.gid, ciaReport.groupId, "the group Cia learnt in the channel")
    expect(ciaReport.sync.documentsChanged > 0u) { "Cia's report $ciaReport" }
    expect(first.initiatorFrames.all { it.size <= pipeMaxFrame().toInt() }) { "a frame above the bound" }
    assertEq("Cia", p.cia.me(p.gid).name, "Cia is a member on her own device")
    assertEq(1, p.cia.listBookings(p.gid).size, "the booking came along")

    // Cia books and starts the next session; Anna answers without naming a group.
    p.book(p.cia, 4)
    val second = KotlinPipe(chunk = 37)
    val ciaStarts = PipeSession.initiator(p.cia, p.gid, 30_000u)
    val annaAnswers = PipeSession.responder(p.anna, null, 30_000u)
    second.run(ciaStarts, annaAnswers)
    assertEq(null, second.initiatorError, "Cia's side")
    assertEq(null, second.responderError, "Anna's side")
    assertEq(p.anna.listBookings(p.gid), p.cia.listBookings(p.gid), "the same bookings")
    assertEq(2, p.anna.listBookings(p.gid).size, "both bookings on Anna's device")
    val report = annaAnswers.report() ?: throw AssertionFailed("no report on Anna's side")
    assertEq(report.bytesReceived, ciaStarts.report()?.bytesSent, "bytes counted at both ends")
}

suspend fun aStrangerIsRefusedThroughThePipe(dir: File): Unit = PipePair(dir).use { p ->
    openStore(dir, "stranger.db").use { stranger ->
        val pipe = KotlinPipe()
        pipe.run(PipeSession.initiator(stranger, p.gid, 30_000u), PipeSession.responder(p.anna, null, 30_000u))
        expect(pipe.initiatorError is DelbarException.SyncRefused) { "the stranger got ${pipe.initiatorError}" }
        expect(pipe.responderError is DelbarException.SyncRefused) { "Anna's side ended with ${pipe.responderError}" }
        assertThrows<DelbarException>("the stranger holds nothing of the group") { stranger.getGroup(p.gid) }
        // Anna dialling the stranger never names the group.
        val answer = PipeSession.responder(stranger, null, 30_000u)
        val back = KotlinPipe()
        back.run(PipeSession.initiator(p.anna, p.gid, 30_000u), answer)
        expect(back.initiatorError is DelbarException.SyncRefused) { "Anna's side ended with ${back.initiatorError}" }
        expect(back.responderError is DelbarException.SyncRefused) { "the stranger got ${back.responderError}" }
        assertEq(null, answer.report(), "the stranger has no report")
    }
}

suspend fun aTamperedByteIsRefusedThroughThePipe(dir: File): Unit = PipePair(dir).use { p ->
    p.book(p.anna, 0)
    val first = KotlinPipe()
    first.run(PipeSession.initiator(p.anna, p.gid, 30_000u), PipeSession.responder(p.cia, p.gid, 30_000u))
    assertEq(null, first.responderError, "a clean first session")
    p.book(p.cia, 4)
    val before = p.anna.listBookings(p.gid)
    // One byte flipped in the initiator's fourth frame (after the handshake and the summary).
    val pipe = KotlinPipe()
    pipe.run(PipeSession.initiator(p.cia, p.gid, 30_000u), PipeSession.responder(p.anna, null, 30_000u)) { n, frame ->
        if (n == 3) frame.copyOf().also { it[it.size / 2] = (it[it.size / 2].toInt() xor 0x20).toByte() } else frame
    }
    val e = pipe.responderError
    expect(e is DelbarException.Sync && e.reason.contains("authenticate")) { "Anna's side ended with $e" }
    expect(e!!.userMessage().startsWith("Data from the other device arrived damaged")) { "the text: ${e.userMessage()}" }
    assertEq(before, p.anna.listBookings(p.gid), "nothing of the damaged session was applied")
    // The next clean session completes.
    val again = KotlinPipe()
    again.run(PipeSession.initiator(p.cia, p.gid, 30_000u), PipeSession.responder(p.anna, null, 30_000u))
    assertEq(null, again.responderError, "the next session")
    assertEq(2, p.anna.listBookings(p.gid).size, "Cia's booking arrived")
}
