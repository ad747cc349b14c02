// The Swift snippets of README.md and ios/README.md, compiled with the test target against the
// generated API. They are not run: they stand for an app. ios/test-on-linux.sh fails when a
// line of a swift block of those files is not found here (a block using NetworkPipe, which
// needs Apple's Network framework, is left to the Mac).
import Delbar
import Foundation

private func reload(_ itemIds: [String], _ bookedItemIds: [String]) { print(itemIds, bookedItemIds) }

/// README.md.
private func readmeSnippet(url: URL, group: Group) async throws {
let store = try await DelbarStore.open(path: url.path)
let hits = try await store.searchItems(groupId: group.id, text: "jordf", limit: 20)
for await event in DelbarStreams(store: store).changes() where event.groupId == group.id {
    reload(event.itemIds, event.bookedItemIds)   // an AsyncStream over store.events().subscribeChanges
}
    _ = hits
}

/// ios/README.md.
private func iosReadmeSnippet(groupId: String) async throws {
let url = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
let store = try await DelbarStore.open(path: url.appendingPathComponent("delbar.db").path)  // once per process
_ = setLocale(tag: Locale.preferredLanguages.first ?? "en")
_ = try setTimeZone(name: TimeZone.current.identifier)

let notifications = DelbarNotifications(store: store)
Task {
    for await n in notifications.stream() { print(n.title, n.body) }   // ends when the task is cancelled
}
let found = try await store.searchItems(groupId: groupId, text: "jordf")
    _ = found
}
