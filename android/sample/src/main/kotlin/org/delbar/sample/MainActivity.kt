package org.delbar.sample

import android.app.Activity
import android.os.Bundle
import android.widget.ScrollView
import android.widget.TextView
import java.io.File
import java.util.TimeZone
import kotlinx.coroutines.Job
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import org.delbar.DelbarNotifications
import org.delbar.io
import uniffi.delbar_ffi.DelbarException
import uniffi.delbar_ffi.DelbarStore
import uniffi.delbar_ffi.NewBooking
import uniffi.delbar_ffi.itemDraft
import uniffi.delbar_ffi.setLocale

/**
 * One screen: opens a store in filesDir, creates a group the first time, adds an item,
 * books it for tomorrow, and shows the items, the bookings and the notifications as they
 * come (through the Flow of org.delbar.DelbarNotifications).
 */
class MainActivity : Activity() {
    private val scope = MainScope()
    private var store: DelbarStore? = null
    private var listening: Job? = null
    private lateinit var text: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        text = TextView(this).apply { setPadding(32, 32, 32, 32) }
        setContentView(ScrollView(this).apply { addView(text) })

        // Texts (notifications, error messages) in the phone's language and time zone.
        val offsetMinutes = TimeZone.getDefault().getOffset(System.currentTimeMillis()) / 60_000
        setLocale(resources.configuration.locales[0].toLanguageTag(), offsetMinutes)

        scope.launch {
            try {
                run(DelbarStore.open(File(filesDir, "delbar.db").path))
            } catch (e: DelbarException) {
                show("Delbar error: ${e.userMessage()} ($e)")
            }
        }
    }

    private suspend fun run(store: DelbarStore) {
        this.store = store
        val notifications = DelbarNotifications(store)
        listening = scope.launch {
            notifications.all.collect { n -> show("Notification: ${n.title}: ${n.body}") }
        }

        val group = store.io {
            listGroups().firstOrNull() ?: createGroup("Sample group", "Tools we share", "Me")
        }
        val hour = 3_600_000L
        val start = (store.now() / hour + 24) * hour
        val booking = store.io {
            val item = addItem(group.id, itemDraft("Jordfräs ${listItems(group.id).size + 1}").copy(category = "garden"))
            book(group.id, NewBooking(itemId = item.id, units = 1, start = start, end = start + 4 * hour))
        }
        show("Booked: ${booking.id} (${booking.state})")

        val items = store.io { listItems(group.id) }
        val bookings = store.io { listBookings(group.id) }
        val pending = store.io { notifications(group.id) }
        show(
            buildString {
                appendLine("Group: ${group.name}")
                appendLine("Items:")
                items.forEach { appendLine("  ${it.name} (${it.quantity})") }
                appendLine("Bookings:")
                bookings.forEach { appendLine("  ${it.itemId} ${it.state} from ${it.start}") }
                appendLine("Pending notifications: ${pending.size}")
                pending.forEach { appendLine("  ${it.title}: ${it.body}") }
            },
        )
        // Loans due tomorrow and overdue ones become notifications here (also heard above).
        store.io { tick() }
    }

    private fun show(line: String) {
        text.append(line + "\n")
    }

    override fun onDestroy() {
        listening?.cancel()
        scope.cancel()
        store?.close()
        store = null
        super.onDestroy()
    }
}
