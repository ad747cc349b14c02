// What a Kotlin developer meets in the generated API (bindings/uniffi.toml): package
// org.delbar, exceptions whose `message` is the sentence in the chosen language while the
// variants keep their typed fields, immutable records changed with copy(), java.time
// instants and durations, and one number type for units.

import java.io.File
import java.time.Duration
import java.time.Instant
import org.delbar.*

suspend fun anExceptionMessageIsTheTranslatedSentence(dir: File): Unit = Fixture(dir).use { f ->
    val english = assertThrows<DelbarException.NotFound>("an unknown item") { f.store.getItem(f.gid, "aaaaaaaaaaaaaaaa") }
    assertEq("The item was not found.", english.message, "English message")
    assertEq(english.text, english.message, "message is the variant's text")
    assertEq("item" to "aaaaaaaaaaaaaaaa", english.what to english.id, "typed fields kept")
    assertEq("no item with id aaaaaaaaaaaaaaaa", english.toString(), "toString: the English sentence for logs")

    inLocale("sv-SE") {
        val e: DelbarException = assertThrows<DelbarException>("an unknown item, in Swedish") {
            f.store.getItem(f.gid, "aaaaaaaaaaaaaaaa")
        }
        assertEq("Föremålet hittades inte.", e.message, "Swedish message")
        assertEq("Föremålet hittades inte.", e.localizedMessage, "Swedish localizedMessage")
        val matched = when (e) {
            is DelbarException.NotFound -> "not found: ${e.what}"
            else -> "other: $e"
        }
        assertEq("not found: item", matched, "a when over the sealed class")

        // A variant whose only field is the text, and one with typed enum fields.
        val moved = f.book(f.addItem("Spade"), f.tomorrow, 2)
        val twice = assertThrows<DelbarException.IllegalTransition>("returning gear not out") {
            f.store.actOnBooking(f.gid, moved.id, BookingAction.RETURN)
        }
        assertEq(BookingAction.RETURN to BookingState.CONFIRMED, twice.action to twice.state, "typed fields")
        assertEq("Det går inte att lämna tillbaka en bokning som är bekräftad.", twice.message, "Swedish transition")
        expect(twice.message?.contains("=") == false) { "no list of fields: ${twice.message}" }
    }
}

suspend fun recordsAreImmutableAndInstantsAreJavaTime(dir: File): Unit = Fixture(dir).use { f ->
    // Records are data classes of vals: no setter on any of them.
    for (record in listOf(Item::class.java, ItemDraft::class.java, Booking::class.java, NewBooking::class.java, Group::class.java)) {
        val setters = record.methods.filter { it.name.startsWith("set") }.map { it.name }
        assertEq(emptyList<String>(), setters, "setters of ${record.simpleName}")
    }
    val tiller = f.addItem("Jordfräs", quantity = 2u)
    val renamed = tiller.copy(name = "Jordfräs Honda")
    assertEq("Jordfräs", tiller.name, "copy() leaves the original as it was")
    assertEq(tiller.id, renamed.id, "copy() keeps the other fields")

    // Instants are java.time.Instant; a finer instant is cut to the millisecond.
    val now: Instant = f.store.now()
    expect(Duration.between(now, Instant.now()).abs() < Duration.ofMinutes(1)) { "store clock: $now" }
    val start: Instant = f.tomorrow.plusNanos(999_999)
    val booking = f.store.book(f.gid, NewBooking(tiller.id, 2u, start, start + 3 * HOUR))
    assertEq(f.tomorrow, booking.start, "start, to the millisecond")
    assertEq(Duration.ofHours(3), Duration.between(booking.start, booking.end), "length")
    // Units are UInt wherever they appear: given, stored and counted.
    val units: UInt = booking.units
    val quantity: UInt = f.store.getItem(f.gid, tiller.id).quantity
    assertEq(quantity, units, "both units booked")
    assertEq(0u, f.store.availability(f.gid, tiller.id, f.tomorrow, f.tomorrow + HOUR).freeUnits, "none free")
    // A length is a java.time.Duration.
    val next = f.store.nextFreeWindow(f.gid, tiller.id, f.tomorrow, Duration.ofHours(2))
        ?: throw AssertionFailed("no free window")
    assertEq(f.tomorrow + 3 * HOUR, next.start, "next free window after the loan")
}
