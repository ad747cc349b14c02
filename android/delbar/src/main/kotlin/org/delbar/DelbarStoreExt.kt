// Coroutine-friendly helpers over the generated bindings. Plain Kotlin (no android.*
// imports), compiled and tested on the JVM by bindings/kotlin/run-tests.sh.

package org.delbar

/** What [exchangeWith] merged on each side. */
data class ExchangeReport(val intoThis: MergeReport, val intoOther: MergeReport)

/**
 * Exchanges a group with another store both ways (this one's documents into [other], then
 * back), so both converge: the same thing two devices do when they meet. Mostly for tests,
 * demos and a steward's tool; devices far apart exchange the same `exportGroup` bytes over
 * the network.
 */
suspend fun DelbarStore.exchangeWith(other: DelbarStore, groupId: String): ExchangeReport {
    val intoOther = other.mergeDocuments(groupId, exportGroup(groupId))
    val intoThis = mergeDocuments(groupId, other.exportGroup(groupId))
    return ExchangeReport(intoThis = intoThis, intoOther = intoOther)
}
