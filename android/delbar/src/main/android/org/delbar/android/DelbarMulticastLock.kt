// Android-only part of the library (uses android.* APIs, so it lives outside
// src/main/kotlin, which the JVM test suite compiles without an Android SDK).

package org.delbar.android

import android.content.Context
import android.net.wifi.WifiManager

/**
 * Holds a Wi-Fi multicast lock while Delbar discovers devices by mDNS.
 *
 * Android filters incoming multicast packets on Wi-Fi to save power unless an app holds a
 * [WifiManager.MulticastLock]; mDNS answers are multicast, so without the lock a phone finds
 * no hub or other phone by its device id. Take it while a `SyncService` with `mdns = true`
 * runs (for example between a screen's `onStart` and `onStop`) and release it after: it
 * costs battery while held.
 *
 * ```kotlin
 * val multicast = DelbarMulticastLock(applicationContext)
 * multicast.acquire()
 * val service = store.startSync(syncConfig(mdns = true))
 * // ...
 * service.stop()
 * multicast.release()
 * ```
 *
 * Needs `CHANGE_WIFI_MULTICAST_STATE` and `ACCESS_WIFI_STATE`, which the library's manifest
 * declares. Calls may come from any thread; acquiring twice holds one lock.
 */
class DelbarMulticastLock(context: Context, tag: String = "delbar-mdns") {
    private val lock: WifiManager.MulticastLock =
        (context.applicationContext.getSystemService(Context.WIFI_SERVICE) as WifiManager)
            .createMulticastLock(tag)
            .apply { setReferenceCounted(false) }

    /** Whether the lock is held now. */
    val isHeld: Boolean
        get() = lock.isHeld

    /** Takes the lock (a no-op when already held). */
    @Synchronized
    fun acquire() {
        if (!lock.isHeld) lock.acquire()
    }

    /** Releases the lock (a no-op when not held). */
    @Synchronized
    fun release() {
        if (lock.isHeld) lock.release()
    }
}
