// What may be typed, from Kotlin: names with control, bidirectional or invisible characters
// and numbers out of their range are typed errors stating the character or the range, in the
// locale chosen, and change nothing.

import java.io.File
import org.delbar.*
import org.delbar.core.*

suspend fun textAndNumbersOutOfRangeAreTypedErrorsAndChangeNothing(dir: File): Unit = Fixture(dir).use { f ->
    val tiller = f.addItem("Jordfräs")
    val itemsBefore = f.store.listItems(f.gid, ItemFilter(includeRetired = true))

    val esc = assertThrows<DelbarException.InvalidInput>("a name with ESC") {
        f.store.addItem(f.gid, itemDraft("Bad\u001b[31mRED"))
    }
    assertEq("name must not contain the control or invisible character U+001B (character 4)", esc.reason, "ESC reason")
    val bidi = assertThrows<DelbarException.InvalidInput>("a member name with U+202E") {
        f.store.addMember(f.gid, "Eve\u202e", Role.MEMBER)
    }
    expect(bidi.reason.contains("U+202E")) { bidi.reason }

    val many = assertThrows<DelbarException.InvalidInput>("a million units") {
        f.store.addItem(f.gid, itemDraft("Spade").copy(quantity = 1_000_000u))
    }
    assertEq("quantity must be between 1 and 10000 (given 1000000)", many.reason, "quantity reason")
    val tags = assertThrows<DelbarException.InvalidInput>("51 tags") {
        f.store.addItem(f.gid, itemDraft("Spade").copy(tags = (0..50).map { "t$it" }))
    }
    assertEq("at most 50 tags may be given (51 given)", tags.reason, "tags reason")
    val century = assertThrows<DelbarException.InvalidInput>("a 100-year loan rule") {
        f.store.addItem(f.gid, itemDraft("Spade").copy(rules = defaultLoanRules().copy(maxLoanHours = 4294967295L)))
    }
    assertEq("max_loan_hours must be 1 to 8760 (given 4294967295)", century.reason, "loan rule reason")
    val now = f.store.now()
    val units = assertThrows<DelbarException.InvalidInput>("10,001 units") {
        f.store.book(f.gid, NewBooking(tiller.id, 10_001u, now + HOUR, now + 2 * HOUR))
    }
    assertEq("a booking must be for between 1 and 10000 units (given 10001)", units.reason, "units reason")

    inLocale("sv-SE") {
        val sv = assertThrows<DelbarException.InvalidInput>("a million units, in Swedish") {
            f.store.addItem(f.gid, itemDraft("Spade").copy(quantity = 1_000_000u))
        }
        assertEq("Antalet måste vara mellan 1 och 10000 (angivet: 1000000).", sv.text, "Swedish text")
    }
    inLocale("nb-NO") {
        val nb = assertThrows<DelbarException.InvalidInput>("ESC, in Norwegian") {
            f.store.addItem(f.gid, itemDraft("Bad\u001b"))
        }
        assertEq(
            "Feltet «navn» kan ikke inneholde kontrolltegnet eller det usynlige tegnet U+001B (tegn 4).",
            nb.text,
            "Norwegian text",
        )
    }
    assertEq(itemsBefore, f.store.listItems(f.gid, ItemFilter(includeRetired = true)), "nothing changed")
}
