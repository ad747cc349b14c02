package org.delbar.sample

import android.app.Activity
import android.os.Bundle
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import java.time.Instant
import java.time.ZoneId
import kotlinx.coroutines.Job
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.merge
import kotlinx.coroutines.launch
import org.delbar.DelbarException
import org.delbar.DelbarFlows
import org.delbar.DelbarStore
import org.delbar.NewBooking
import org.delbar.io
import org.delbar.itemDraft

/**
 * One screen: the group's gear with the units free tomorrow 09:00-13:00, a button per item
 * that books it for that window, the bookings (item, borrower, local times) and the pending
 * notifications. The screen is read again whenever the group changes or a notification arrives
 * (the Flows of [DelbarFlows]).
 *
 * The store belongs to the process ([SampleApp]); this Activity only reads and writes it, so
 * rotating the phone or going back and returning recreates the screen from the store with
 * nothing lost and nothing opened twice.
 */
class MainActivity : Activity() {
    private val scope = MainScope()
    private var listening: Job? = null
    private lateinit var content: LinearLayout
    private lateinit var status: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        content = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(32, 32, 32, 32)
        }
        status = TextView(this)
        setContentView(ScrollView(this).apply { addView(LinearLayout(context).apply {
            orientation = LinearLayout.VERTICAL
            addView(status)
            addView(content)
        }) })

        val app = application as SampleApp
        app.applyLocale()
        scope.launch {
            try {
                val store = app.store.await()
                val groupId = with(store) {
                    (listGroups().firstOrNull() ?: createGroup("Odlingsakademin", "Redskap vi delar", "Karin").also {
                        addItem(it.id, itemDraft("Jordfräs Honda F220").copy(category = "garden"))
                        addItem(it.id, itemDraft("Såmaskin").copy(category = "garden", quantity = 2u))
                    }).id
                }
                listen(store, groupId)
                render(store, groupId)
            } catch (e: DelbarException) {
                status.text = e.message
            }
        }
    }

    /**
     * Re-reads the screen whenever something of the group changes (a booking made here, a
     * merge from another device) or a notification arrives (`tick`).
     */
    private fun listen(store: DelbarStore, groupId: String) {
        val flows = DelbarFlows(store)
        listening = scope.launch {
            merge(flows.changes(groupId).map { }, flows.notifications(groupId).map { }).collect { render(store, groupId) }
        }
    }

    /** Tomorrow 09:00-13:00 in the phone's time zone. */
    private fun tomorrowMorning(): Pair<Instant, Instant> {
        val zone = ZoneId.systemDefault()
        val day = java.time.LocalDate.now(zone).plusDays(1)
        val start = day.atTime(9, 0).atZone(zone).toInstant()
        val end = day.atTime(13, 0).atZone(zone).toInstant()
        return start to end
    }

    private suspend fun render(store: DelbarStore, groupId: String) {
        val (start, end) = tomorrowMorning()
        val loader = GearScreenLoader(ZoneId.systemDefault(), resources.configuration.locales[0])
        val screen = loader.load(store, groupId, start, end)
        status.text = "${screen.groupName}: ${loader.span(start, end)}"
        content.removeAllViews()
        for (row in screen.gear) {
            content.addView(TextView(this).apply { text = "${row.name}: ${row.freeUnits} / ${row.quantity}" })
            content.addView(Button(this).apply {
                text = "Book: ${row.name}"
                isEnabled = row.freeUnits > 0u
                setOnClickListener { book(store, groupId, row.itemId, start, end) }
            })
        }
        for (b in screen.bookings) {
            content.addView(TextView(this).apply { text = "${b.itemName} · ${b.memberName} · ${b.state} · ${b.whenText}" })
        }
        for (n in screen.notifications) {
            content.addView(TextView(this).apply { text = "${n.whenText}  ${n.title}: ${n.body}" })
        }
    }

    private fun book(store: DelbarStore, groupId: String, itemId: String, start: Instant, end: Instant) {
        scope.launch {
            try {
                // The change event of the booking re-renders the screen (`listen`).
                store.book(groupId, NewBooking(itemId = itemId, units = 1u, start = start, end = end))
            } catch (e: DelbarException) {
                status.text = e.message // the sentence, in the phone's language
            }
        }
    }

    override fun onDestroy() {
        // Stop this screen's work only: the store stays open for the next screen (rotation).
        listening?.cancel()
        scope.cancel()
        super.onDestroy()
    }
}
