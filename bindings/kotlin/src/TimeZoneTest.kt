// Instants in Delbar's texts follow the IANA time zone the app sets, with its summer time.

import java.io.File
import java.time.Instant
import org.delbar.*
import org.delbar.core.*

/** Saturday 24 October 2026 16:00 UTC: 18:00 summer time in Stockholm. */
private const val SATURDAY_1600_UTC = 1_792_857_600_000L

/** Sunday 25 October 2026 11:00 UTC: 12:00 winter time in Stockholm (clocks went back at 03:00). */
private const val SUNDAY_1100_UTC = 1_792_926_000_000L

/** An instant as the records carry it. */
private fun instantAt(ms: Long): Instant = Instant.ofEpochMilli(ms)

/** A confirmed booking of a trailer over the night the clocks go back in Europe. */
private suspend fun trailerOverTheChange(f: Fixture): Notification =
    Notification(
        id = 1L,
        groupId = f.gid,
        memberId = f.store.me(f.gid).id,
        kind = NotificationKind.BOOKING_CONFIRMED,
        bookingId = null,
        itemId = null,
        detail = NotificationDetail(
            itemName = "Släpvagn",
            start = instantAt(SATURDAY_1600_UTC),
            end = instantAt(SUNDAY_1100_UTC),
            reason = null,
            winnerId = null,
            winnerMember = null,
            suggestedStart = null,
            suggestedEnd = null,
            offerUntil = null,
            memberName = null,
        ),
        created = instantAt(SATURDAY_1600_UTC),
        acknowledged = false,
        title = "",
        body = "",
    )

suspend fun timesFollowTheZoneAcrossTheEndOfSummerTime(dir: File) = Fixture(dir).use { f ->
    val n = trailerOverTheChange(f)
    assertEq("UTC", currentTimeZone(), "UTC until the app sets a zone")
    assertEq(
        "Your booking of Släpvagn (24 Oct 2026, 16:00 – 25 Oct 2026, 11:00 UTC) is confirmed.",
        notificationText(n, "en").body,
        "UTC, marked so",
    )
    inLocale("sv", zone = "Europe/Stockholm") {
        assertEq("Europe/Stockholm", currentTimeZone(), "the zone set")
        assertEq(
            "Din bokning av Släpvagn (24 okt. 2026 kl. 18:00 – 25 okt. 2026 kl. 12:00) är bekräftad.",
            notificationText(n, currentLocale()).body,
            "summer time on Saturday, winter time on Sunday",
        )
        // The phone travels: a new zone, any case, spelled back as the database spells it.
        assertEq("America/New_York", setTimeZone("america/new_york"), "the canonical name")
        assertEq(
            "Din bokning av Släpvagn (24 okt. 2026 kl. 12:00 – 25 okt. 2026 kl. 07:00) är bekräftad.",
            notificationText(n, "sv").body,
            "New York keeps summer time until 1 November",
        )
        val unknown = assertThrows<TimeZoneException.Unknown>("a misspelt zone") { setTimeZone("Europe/Stockhom") }
        assertEq("Europe/Stockhom", unknown.name, "the name given")
        expect(unknown.text.startsWith("”Europe/Stockhom” är ingen tidszon")) { unknown.text }
        assertEq("America/New_York", currentTimeZone(), "a refused zone changes nothing")
    }
    assertEq("UTC", currentTimeZone(), "back to UTC")
}
