// Kotlin tests of labels and scanning: label sheets as PDF bytes and SVG pages, a scanned
// label's text resolved to the item and to what the member can do now, doing it, and the
// answers for text that is no label.

import java.io.File
import kotlinx.coroutines.runBlocking
import org.delbar.*
import org.delbar.core.*

suspend fun labelsPrintAndScansResolve(dir: File) {
    openStore(dir, "anna.db").use { anna ->
        openStore(dir, "bo.db").use { bo ->
            val gid = anna.createGroup("Folkverkstad", "", "Anna").id
            val boMember = anna.addMember(gid, "Bo", Role.MEMBER, deviceId = bo.deviceId())
            val kayak = anna.addItem(gid, itemDraft("Kajak").copy(quantity = 2u, rules = defaultLoanRules().copy(selfService = true)))
            val drill = anna.addItem(gid, itemDraft("Borrmaskin"))

            // Sheets: a PDF document and one SVG page, each with a QR code per item.
            val pdf = runBlocking { anna.labelSheetPdf(gid, listOf(kayak.id, drill.id)) }
            expect(String(pdf.copyOfRange(0, 5), Charsets.US_ASCII) == "%PDF-") { "not a PDF" }
            val svg = runBlocking { anna.labelSheetSvg(gid, listOf(kayak.id, drill.id)) }
            assertEq(1, svg.size, "SVG pages")
            assertEq(2, Regex("class=\"qr\"").findAll(svg[0]).count(), "QR codes on the page")
            expect(svg[0].contains(itemCode(kayak.id))) { "the kayak's code is printed" }
            assertThrows<DelbarException.InvalidInput>("a sheet of nothing") {
                runBlocking { anna.labelSheetPdf(gid, emptyList()) }
            }

            // The steward scans the kayak's label: a walk-up loan for Bo is offered and made.
            val text = labelText(gid, kayak.id)
            expect(text.startsWith("DELBAR:") && text.length == 24) { text }
            val scanned = anna.resolveScan(text)
            expect(scanned is ScanOutcome.Found) { "$scanned" }
            val found = scanned as ScanOutcome.Found
            assertEq(kayak.id, found.item.id, "scanned item")
            assertEq(itemCode(kayak.id), found.code, "printed code")
            val walkUp = found.actions.single() as ScanAction.WalkUp
            assertEq(2u, walkUp.freeUnits, "free kayaks")
            val loan = anna.performScanAction(gid, kayak.id, walkUp, forMemberId = boMember.id)
            assertEq(BookingState.CHECKED_OUT, loan.state, "lent on the spot")
            assertEq(boMember.id, loan.member, "to Bo")

            // Bo's phone receives it; scanning the typed code offers him the return.
            runBlocking { bo.mergeDocuments(gid, anna.exportGroup(gid)) }
            val onPhone = bo.resolveScan(itemCode(kayak.id).lowercase(), groupId = gid) as ScanOutcome.Found
            val giveBack = onPhone.actions.single() as ScanAction.Return
            assertEq(loan.id, giveBack.booking.id, "Bo's loan")
            assertEq(BookingState.RETURNED, bo.performScanAction(gid, kayak.id, giveBack).state, "returned")

            // Bo scans the drill he has not booked, which is not self-service anyway.
            val drillScan = bo.resolveScan(labelText(gid, drill.id)) as ScanOutcome.Found
            assertEq(emptyList<ScanAction>(), drillScan.actions, "nothing to do")
            assertEq(ScanNoteKind.NOTHING_BOOKED, drillScan.note?.kind, "why")
            inLocale("sv") {
                val sv = bo.resolveScan(labelText(gid, drill.id)) as ScanOutcome.Found
                expect(sv.note!!.text.startsWith("Du har ingen bokning")) { sv.note!!.text }
            }
            assertThrows<DelbarException.NotPermitted>("members do not lend on the spot") {
                bo.walkUpLoan(gid, drill.id)
            }

            // Text that is no label, and a label of a group this phone does not hold.
            assertEq(ScanOutcome.NotALabel, bo.resolveScan("https://example.org"), "garbage")
            val otherGroup = anna.createGroup("Annan grupp", "", "Anna").id
            val theirs = anna.addItem(otherGroup, itemDraft("Stege"))
            assertEq(ScanOutcome.OtherGroup, bo.resolveScan(labelText(otherGroup, theirs.id)), "another group's label")
        }
    }
}
