// Kotlin tests of inventory in and out and the steward's numbers: a CSV file as an older
// Excel writes it planned, imported and read back; a refused import; statistics and the
// chart of loans per month.

import java.io.File
import org.delbar.*
import org.delbar.core.*

/** Text as Windows-1252 bytes (the letters used are in Latin-1's upper half). */
fun windows1252(text: String): ByteArray = text.toByteArray(Charsets.ISO_8859_1)

suspend fun aSpreadsheetFileIsPlannedImportedAndReadBack(dir: File): Unit = Fixture(dir).use { f ->
    val csv = windows1252(
        "Namn;Antal;Plats;Kategori;Beskrivning\r\n" +
            "Gräsklippare;2;Förråd Lövåsen;Trädgård;\"Bensin.\r\nKolla oljan\"\r\n" +
            "Kjøttkvern;1;Kjøkkenet;Kök;\r\n",
    )
    val plan = f.store.planItemImport(f.gid, csv)
    assertEq("windows-1252", plan.encoding, "encoding")
    assertEq(";", plan.separator, "separator")
    assertEq(listOf(2uL, 4uL), plan.rows.map { it.line }, "lines (a quoted line break counts)")
    assertEq(listOf(ImportRowKind.ADD, ImportRowKind.ADD), plan.rows.map { it.kind }, "kinds")
    assertEq(0, f.store.listItems(f.gid).size, "a plan writes nothing")

    val done = f.store.importItems(f.gid, csv)
    assertEq(2u, done.added, "added")
    val mower = f.store.listItems(f.gid).first { it.name == "Gräsklippare" }
    assertEq(2u, mower.quantity, "quantity")
    assertEq("Bensin.\r\nKolla oljan", mower.description, "description with a line break")

    val exported = f.store.exportCsv(f.gid, ExportKind.ITEMS, semicolon = true)
    expect(exported.take(3) == listOf(0xEF.toByte(), 0xBB.toByte(), 0xBF.toByte())) { "no UTF-8 BOM" }
    val back = f.store.planItemImport(f.gid, exported)
    assertEq(2u, back.unchanged, "an export reads back unchanged")
    val json = f.store.exportJson(f.gid, ExportKind.HISTORY)
    expect(json.contains("\"item_added\"")) { "history JSON: $json" }
}

suspend fun aFileWithBadRowsIsRefusedWhole(dir: File): Unit = Fixture(dir).use { f ->
    val csv = "name,quantity\nSpade,1\nKratta,many\n".toByteArray()
    val plan = f.store.planItemImport(f.gid, csv)
    assertEq(1u, plan.errors, "errors")
    val bad = plan.rows.first { it.kind == ImportRowKind.ERROR }
    assertEq(3uL, bad.line, "line of the bad row")
    expect(bad.problem!!.contains("many")) { "problem: ${bad.problem}" }
    val e = assertThrows<DelbarException.InvalidInput>("import with a bad row") { f.store.importItems(f.gid, csv) }
    expect(e.text.contains("line 3")) { "text: ${e.text}" }
    assertEq(0, f.store.listItems(f.gid).size, "nothing written")
    assertThrows<DelbarException.InvalidInput>("a file without a name column") {
        f.store.planItemImport(f.gid, "price\n1\n".toByteArray())
    }
}

suspend fun statsCountLoansAndDrawAChart(dir: File): Unit = Fixture(dir).use { f ->
    val ladder = f.addItem("Stege", quantity = 2u, category = "tools")
    f.addItem("Kälke")
    val from = f.tomorrow
    f.book(ladder, from, 24)
    f.book(ladder, from + 24 * HOUR, 12, units = 2u)
    val stats = f.store.stats(f.gid, from, from + 4 * DAY)
    assertEq(2u, stats.loans, "loans")
    val usage = stats.items.first { it.name == "Stege" }
    // 24 + 2 x 12 = 48 of 2 x 96 unit-hours.
    assertEq(48.0, usage.bookedUnitHours, "booked unit-hours")
    assertEq(0.25, usage.utilisation, "utilisation")
    assertEq("Stege", stats.mostUsed.first().name, "most used")
    assertEq("Kälke", stats.leastUsed.first().name, "least used")
    assertEq(2u, stats.perMonth.sumOf { it.loans }, "loans per month")
    val svg = f.store.loansChartSvg(f.gid, from, from + 4 * DAY)
    val month = "%04d-%02d".format(stats.perMonth.first().year, stats.perMonth.first().month.toInt())
    expect(svg.startsWith("<svg") && svg.contains(month)) { "chart: ${svg.take(200)}" }
    assertThrows<DelbarException.InvalidInput>("a window backwards") { f.store.stats(f.gid, from, from) }
}
