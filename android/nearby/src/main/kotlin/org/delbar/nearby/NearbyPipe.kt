// Delbar's sync over Nearby Connections: two phones with no network sync a group over
// Bluetooth and Wi-Fi Direct. Nearby only moves bytes; the core's PipeSession does the rest
// (a Noise handshake bound to both device keys, the member checks, encrypted frames of at
// most pipeMaxFrame() bytes, the sync itself). Each frame travels as one BYTES payload
// (Nearby allows up to 32 KiB); Nearby delivers a connection's payloads in order, and the core
// refuses any that arrive damaged, reordered or missing.
//
// One side answers (advertises), the other starts (discovers and connects). Nearby's own
// connection token is not shown to people: the Noise handshake authenticates the devices.

package org.delbar.nearby

import android.content.Context
import com.google.android.gms.nearby.Nearby
import com.google.android.gms.nearby.connection.AdvertisingOptions
import com.google.android.gms.nearby.connection.ConnectionInfo
import com.google.android.gms.nearby.connection.ConnectionLifecycleCallback
import com.google.android.gms.nearby.connection.ConnectionResolution
import com.google.android.gms.nearby.connection.ConnectionsClient
import com.google.android.gms.nearby.connection.ConnectionsStatusCodes
import com.google.android.gms.nearby.connection.DiscoveredEndpointInfo
import com.google.android.gms.nearby.connection.DiscoveryOptions
import com.google.android.gms.nearby.connection.EndpointDiscoveryCallback
import com.google.android.gms.nearby.connection.Payload
import com.google.android.gms.nearby.connection.PayloadCallback
import com.google.android.gms.nearby.connection.PayloadTransferUpdate
import com.google.android.gms.nearby.connection.Strategy
import com.google.android.gms.tasks.Task
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.delbar.DelbarException
import org.delbar.DelbarStore
import org.delbar.PipeReport
import org.delbar.PipeSession

/** The Nearby service id both phones use; apps built on Delbar share it. */
const val DELBAR_SERVICE_ID = "org.delbar.pipe"

/** Nearby could not connect or lost the other phone before the session was done. */
class NearbyPipeException(message: String) : Exception(message)

/**
 * Syncs one group with one nearby phone. Call [answer] on one phone and [start] on the other;
 * both suspend until the session is done and return what it did, or throw a
 * [DelbarException] (refused, damaged bytes, the other side silent for [timeoutMs]) or a
 * [NearbyPipeException]. The app asks for the runtime permissions in this module's manifest
 * first.
 */
class NearbyPipe(
    context: Context,
    private val store: DelbarStore,
    /** The name other phones see while discovering (e.g. the member's name). */
    private val localName: String,
    private val serviceId: String = DELBAR_SERVICE_ID,
    private val timeoutMs: Long = 30_000,
) {
    private val client: ConnectionsClient = Nearby.getConnectionsClient(context)

    /** Advertises and answers the first phone that connects, for [groupId] or any group this device shares with it. */
    suspend fun answer(groupId: String? = null): PipeReport {
        val session = PipeSession.responder(store, groupId, timeoutMs.toULong())
        val link = Link()
        val options = AdvertisingOptions.Builder().setStrategy(Strategy.P2P_POINT_TO_POINT).build()
        client.startAdvertising(localName, serviceId, link.lifecycle, options).awaitTask()
        try {
            val endpoint = link.connected.await()
            return run(session, endpoint, link)
        } finally {
            client.stopAdvertising()
        }
    }

    /** Discovers the first phone answering nearby, connects, and syncs [groupId] with it. */
    suspend fun start(groupId: String): PipeReport {
        val session = PipeSession.initiator(store, groupId, timeoutMs.toULong())
        val link = Link()
        val found = CompletableDeferred<String>()
        val discovery = object : EndpointDiscoveryCallback() {
            override fun onEndpointFound(endpointId: String, info: DiscoveredEndpointInfo) {
                if (info.serviceId == serviceId) found.complete(endpointId)
            }

            override fun onEndpointLost(endpointId: String) = Unit
        }
        val options = DiscoveryOptions.Builder().setStrategy(Strategy.P2P_POINT_TO_POINT).build()
        client.startDiscovery(serviceId, discovery, options).awaitTask()
        try {
            val endpoint = found.await()
            client.requestConnection(localName, endpoint, link.lifecycle).awaitTask()
            return run(session, link.connected.await(), link)
        } finally {
            client.stopDiscovery()
        }
    }

    /** Runs the session on a connected endpoint until it is done, then disconnects. */
    private suspend fun run(session: PipeSession, endpoint: String, link: Link): PipeReport =
        withContext(Dispatchers.IO) {
            try {
                send(endpoint, listOf(session.start()))
                while (!session.isDone()) {
                    // Wake up at least every second to let the session notice a silent peer.
                    val next = withTimeoutOrNull(1_000) { link.incoming.receiveCatching() }
                    when {
                        next == null -> session.checkTimeout()
                        next.isClosed -> session.closed()
                        else -> send(endpoint, session.receive(next.getOrThrow()))
                    }
                }
                session.report() ?: throw NearbyPipeException("the session ended without a report")
            } catch (e: DelbarException) {
                // Let the other phone learn it was refused, then hang up.
                send(endpoint, session.closingFrames())
                throw e
            } finally {
                client.disconnectFromEndpoint(endpoint)
            }
        }

    /** Sends frames in order, one BYTES payload each (empty ones are skipped). */
    private suspend fun send(endpoint: String, frames: List<ByteArray>) {
        for (frame in frames) {
            if (frame.isEmpty()) continue
            client.sendPayload(endpoint, Payload.fromBytes(frame)).awaitTask()
        }
    }

    /** One connection: accepted on both sides, its payloads queued for the session. */
    private inner class Link {
        val incoming = Channel<ByteArray>(Channel.UNLIMITED)
        val connected = CompletableDeferred<String>()

        private val payloads = object : PayloadCallback() {
            override fun onPayloadReceived(endpointId: String, payload: Payload) {
                if (payload.type == Payload.Type.BYTES) payload.asBytes()?.let { incoming.trySend(it) }
            }

            override fun onPayloadTransferUpdate(endpointId: String, update: PayloadTransferUpdate) = Unit
        }

        val lifecycle = object : ConnectionLifecycleCallback() {
            override fun onConnectionInitiated(endpointId: String, info: ConnectionInfo) {
                // Both sides accept: who the other device is, the Noise handshake proves.
                client.acceptConnection(endpointId, payloads)
            }

            override fun onConnectionResult(endpointId: String, result: ConnectionResolution) {
                if (result.status.statusCode == ConnectionsStatusCodes.STATUS_OK) {
                    connected.complete(endpointId)
                } else {
                    connected.completeExceptionally(
                        NearbyPipeException("Nearby could not connect: status ${result.status.statusCode}"),
                    )
                }
            }

            override fun onDisconnected(endpointId: String) {
                incoming.close()
            }
        }
    }
}

/** Waits for a Play services task without blocking a thread. */
private suspend fun <T> Task<T>.awaitTask(): T = suspendCancellableCoroutine { cont ->
    addOnSuccessListener { cont.resume(it) }
    addOnFailureListener { cont.resumeWithException(it) }
}
