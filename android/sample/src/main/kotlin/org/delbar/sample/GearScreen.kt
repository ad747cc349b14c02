// What the sample's screen shows, as plain data: names instead of ids, times in the phone's
// time zone and language. Plain Kotlin (no android.* imports): bindings/kotlin/run-tests.sh
// compiles it and tests it on a desktop JVM (bindings/kotlin/src/AndroidWrapperTest.kt).

package org.delbar.sample

import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import org.delbar.DelbarStore
import org.delbar.core.BookingState

/** One piece of gear and how many of its units are free in the window asked about. */
data class GearRow(val itemId: String, val name: String, val freeUnits: UInt, val quantity: UInt)

/** One booking, with the item's and the borrower's names and its local times. */
data class BookingRow(
    val id: String,
    val itemName: String,
    val memberName: String,
    val state: BookingState,
    val whenText: String,
)

/** One pending notification and when it came, local time. */
data class NotificationRow(val id: Long, val title: String, val body: String, val whenText: String)

/** Everything the sample's one screen shows for a group. */
data class GearScreen(
    val groupName: String,
    val gear: List<GearRow>,
    val bookings: List<BookingRow>,
    val notifications: List<NotificationRow>,
)

/**
 * Reads a [GearScreen] from a store and formats its times in [zone] and [locale] (on a phone:
 * `ZoneId.systemDefault()` and the configuration's first locale). java.time applies the
 * zone's rules at each instant, so a booking across the end of summer time shows the hours
 * a person reads on the wall clock at each end.
 */
class GearScreenLoader(private val zone: ZoneId, private val locale: Locale) {
    private val dateTime = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT).withLocale(locale)
    private val time = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale)

    /** An instant as local date and time. */
    fun at(instant: Instant): String = dateTime.format(instant.atZone(zone))

    /** A span: the end as a time only when it falls on the same local day. */
    fun span(from: Instant, to: Instant): String {
        val start = from.atZone(zone)
        val end = to.atZone(zone)
        val endText = if (end.toLocalDate() == start.toLocalDate()) time.format(end) else dateTime.format(end)
        return "${dateTime.format(start)} – $endText"
    }

    /** The group's gear with free units in [windowStart, windowEnd), its bookings and pending notifications. */
    suspend fun load(store: DelbarStore, groupId: String, windowStart: Instant, windowEnd: Instant): GearScreen = with(store) {
        val group = listGroups().first { it.id == groupId }
        val items = listItems(groupId)
        val names = items.associate { it.id to it.name }
        val members = listMembers(groupId).associate { it.id to it.name }
        GearScreen(
            groupName = group.name,
            gear = items.map { item ->
                val free = availability(groupId, item.id, windowStart, windowEnd).freeUnits
                GearRow(item.id, item.name, free, item.quantity)
            },
            bookings = listBookings(groupId).map { b ->
                BookingRow(
                    id = b.id,
                    itemName = names[b.item] ?: "?",
                    memberName = members[b.member] ?: "?",
                    state = b.state,
                    whenText = span(b.start, b.end),
                )
            },
            notifications = notifications(groupId).map { NotificationRow(it.id, it.title, it.body, at(it.created)) },
        )
    }
}
