# Delbar's texts in English, the language every other catalogue falls back to.
#
# Project Fluent syntax (https://projectfluent.org/fluent/guide/). Each message is
# `id = text`; `{ $name }` is a value the app fills in. A text that must begin with a space
# starts with `{" "}`. Counts choose their words with the language's plural rules:
#   { $count -> [one] { $count } unit *[other] { $count } units }
# Every message here must exist in sv.ftl and nb.ftl with the same values ($names).
#
# Messages whose id continues a phrase the core words in English (field-, action-, rule-,
# many-, range-, not-bookable-, kit-problem-, no-offer-, id-kind-) are found by that phrase:
# the core's "add items" is action-add-items. A phrase without a message stays in English.

## Words for dates (the digits are written by the code)

month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
# 28 Nov 2026
date = { $day } { $month } { $year }
# 28 Nov 2026, 09:00
date-time = { $date }, { $time }

## Small pieces

# A text the person wrote or chose, quoted.
quoted = “{ $text }”
units = { $count ->
    [one] { $count } unit
   *[other] { $count } units
}
hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
bookings = { $count ->
    [one] { $count } booking
   *[other] { $count } bookings
}
rows = { $count ->
    [one] { $count } row
   *[other] { $count } rows
}

## Notification titles

notification-title-booking-confirmed = Booking confirmed
notification-title-booking-declined = Booking declined
notification-title-bumped = Booking bumped
notification-title-waitlist-offer = Your turn on the waitlist
notification-title-due-tomorrow = Due back tomorrow
notification-title-overdue = Overdue
notification-title-item-out-of-service = Item no longer available
notification-title-approval-needed = Booking to approve
notification-title-loan-overdue = Loan overdue
notification-title-maintenance-due = Maintenance due
notification-title-needs-repair = Needs repair

## Notification bodies

# The booked window after an item's name: ` (28 Nov 2026, 09:00–18:00 UTC)`.
notification-window = {" "}({ $window })
# Why, after a verb: `: the item has been retired`.
notification-reason = : { $reason }
# A note after an item's name: ` (replace the blade)`.
notification-note = {" "}({ $note })
# Who asks when the member has no name.
notification-a-member = A member
notification-body-booking-confirmed = Your booking of { $item }{ $window } is confirmed.
notification-body-booking-declined = Your booking of { $item }{ $window } was declined.
# $reason: notification-reason or nothing; $winner: notification-bumped-winner or nothing;
# $next: notification-bumped-next-free or notification-bumped-join-waitlist.
notification-body-bumped = Your booking of { $item }{ $window } was bumped{ $reason }{ $winner }. { $next }
notification-bumped-winner = {" "}({ $member } has it)
notification-bumped-next-free = Next free: { $window }.
notification-bumped-join-waitlist = Join the waitlist to get it when it frees up.
notification-body-waitlist-offer = Your turn: { $item } is free for your window{ $window }.
notification-body-waitlist-offer-until = Your turn: { $item } is free for your window{ $window }. Claim it by { $until }, or the offer passes to the next in line.
notification-body-due-tomorrow = { $item } is due back tomorrow.
notification-body-due-tomorrow-by = { $item } is due back tomorrow, by { $end }.
notification-body-overdue = { $item } is overdue. Please bring it back as soon as you can.
notification-body-overdue-by = { $item } was due back by { $end }. Please bring it back as soon as you can.
notification-body-item-out-of-service = { $item } can no longer be lent{ $reason }. Your booking{ $window } cannot go ahead.
notification-body-approval-needed = { $member } asks to borrow { $item }{ $window }. Please confirm or decline.
notification-body-loan-overdue = { $member } has not brought back { $item } in time.
notification-body-loan-overdue-by = { $member } has not brought back { $item }, due by { $end }.
notification-body-maintenance-due = { $item } is due for maintenance{ $note }. Log it when done.
notification-body-maintenance-due-since = { $item } is due for maintenance since { $since }{ $note }. Log it when done.
notification-body-needs-repair = { $item } needs repair{ $note }. It cannot be booked until maintenance is logged.
notification-body-needs-repair-booked = { $item } needs repair{ $note } and cannot be lent until it is mended. Your booking{ $window } may not go ahead.

## Why a booking was bumped, as a clause

bump-reason-overbooked = another booking of the same units came first
bump-reason-checked-out-twice = the same units were checked out twice and the other check-out came first
bump-reason-item-retired = the item has been retired
bump-reason-item-out-of-service = the item is out of service
bump-reason-member-removed = the borrower was removed from the group
bump-reason-maintenance-due = the item is due for maintenance

## Errors

error-internal = Something went wrong inside Delbar. Please try again.
error-unknown-time-zone = { $name } is not a time zone Delbar knows; give a name such as Europe/Stockholm.
error-group-not-found = This group is not on this device.
error-item-not-found = The item was not found.
error-booking-not-found = The booking was not found.
error-member-not-found = The member was not found.
error-plan-not-found = The maintenance plan was not found.
error-not-a-member = This device does not belong to a member of the group.

## Errors of the device's storage

store-storage = Delbar could not read or save its data on this device.
store-io = A file could not be read or written.
store-corrupt = Delbar's saved data on this device is damaged.
store-in-use = Delbar is already open elsewhere on this device. Close it there first.
store-invalid-data = The data received from another device is not valid and was not used.
store-newer-schema = This data was saved by a newer version of Delbar. Please update the app.
store-document = A shared document is damaged or does not come from Delbar.
store-not-a-store = The file Delbar keeps its data in is not Delbar's. It was left untouched.

## Errors of syncing

sync-bad-file = The file is damaged or is not a Delbar file for this group; nothing of it was applied.
sync-refused = The other device did not accept this one as a member's device of the group.
sync-handshake = The other end did not prove it is a Delbar device; nothing was exchanged.
sync-tampered = Data from the other device arrived damaged, incomplete or out of order, so the sync stopped; nothing of the damaged part was applied. Try again.
sync-timed-out = The other device stopped answering, so the sync gave up. Bring the devices closer together and try again.
sync-pipe-closed = The connection to the other device closed before the sync was done; nothing half-received was applied. Try again.
sync-network = The other device could not be reached. Check that both are on the same network and try again.
sync-not-running = Syncing is turned off. Turn it on and try again.
sync-io = The file could not be read or written. Check that it is there and that the storage works.
sync-failed = Syncing with the other device did not work; nothing of it was applied.

## Errors of invites and the network

net-invite-expired = The invite has expired. Ask for a new one.
net-invite-used-up = The invite has already been used. Ask for a new one.
net-invite-revoked = The invite was withdrawn. Ask for a new one.
net-invite-unknown = The invite is not valid. Check that it was scanned whole, or ask for a new one.
net-invalid-relay-url = The relay address is not valid. It must start with https:// or http://.
net-invalid-peer-address = The device address is not valid.
net-invalid-qr-scale = The QR code size is outside what Delbar can draw.
net-photo-not-fetched = The photo could not be fetched from that device.

## Importing, exporting and counting items

loans-chart-title = Loans per month
inventory-empty-file = The file is empty.
inventory-no-name-column = No column holds the names of the items (name, namn or navn). The columns are: { $headers }.
inventory-duplicate-column = The columns { $first } and { $second } mean the same thing; keep one.
inventory-unreadable = The file cannot be read as CSV (line { $line }).
inventory-too-many-rows = The file has more than { $max } rows. Split it into smaller files.
# $rows: the rows message.
inventory-invalid-rows = { $rows } cannot be imported, so nothing was saved. First, line { $line }: { $problem }
inventory-invalid-window = The period must end after it starts and span at most ten years.
inventory-write = The file could not be written.
row-missing-name = The name is empty.
row-bad-quantity = { $given } is not a whole number of units.
row-unknown-condition = { $given } is not a condition (good, worn, needs repair, out of service).
row-unknown-id = The id belongs to no item of this group.
row-ambiguous-name = { $count } items are named { $name }; add an id column to tell them apart.
row-duplicate = Line { $line } already names the same item.

## Refusals of the rules of the group

domain-invalid-id = { $given } is not a valid { $kind }.
domain-empty-field = The field { $field } must not be empty.
domain-field-too-long = The text in { $field } is too long ({ $len } characters, at most { $max }).
domain-invalid-quantity = The quantity must be between 1 and { $max } (given: { $given }).
domain-invalid-units = A booking must be for between 1 and { $max } units (given: { $given }).
domain-out-of-range = The value for { $field } must be between { $min } and { $max } (given: { $given }).
domain-too-many = At most { $max } { $what } may be given ({ $given } given).
# $units: the units message.
domain-not-enough-units = There are { $units } of { $item }; you asked for { $requested }.
domain-fully-booked = { $item } is already fully booked ({ $window }).
domain-unavailable = Only { $units } of { $item } free ({ $window }); you asked for { $requested }.
domain-booking-ends-before-start = A booking must end after it starts.
# $max, $asked: the hours message.
domain-loan-too-long = { $item } may be borrowed for at most { $max } (you asked for { $asked }).
# $days: the days message.
domain-too-far-ahead = { $item } can be booked at most { $days } ahead.
# $hours: the hours message.
domain-notice-too-short = { $item } must be booked at least { $hours } ahead.
domain-starts-in-past = A booking cannot start in the past.
# $bookings: the bookings message.
domain-too-many-bookings = A member may hold at most { $bookings } of { $item } at a time.
domain-item-not-bookable = { $item } cannot be booked: { $reason }.
# $action: one of the action- messages.
domain-not-permitted = Only stewards may { $action }.
# $verb: a booking-verb- message; $state: a booking-state- message.
domain-illegal-transition = You cannot { $verb } a booking { $state }.
domain-cannot-extend = You cannot extend a booking { $state }.
domain-invalid-coordinates = The coordinates ({ $lat }, { $lon }) are not valid.
domain-invalid-photo-hash = A photo reference is not valid.
domain-photo-too-large = The photo is { $size } MB; the largest accepted is { $max } MB.
domain-photo-format-not-accepted = A photo must be a JPEG, PNG or WebP image.
domain-photo-too-many-pixels = The photo is too big ({ $width } x { $height } pixels).
domain-photo-unreadable = The photo cannot be read: the file is damaged or incomplete.
domain-photo-not-on-item = The item has no such photo.
domain-no-return-photo = No photo was taken when this booking came back.
# $range: one of the range- messages.
domain-invalid-rule = The value for { $rule } must be { $range } (given: { $given }).
domain-date-out-of-range = The date is outside the years 1970 to 9999.
domain-invalid-kit = Invalid kit: { $reason }.
domain-not-qualified = To borrow { $item }, a steward must first qualify you for it.
domain-no-need-to-wait = { $item } is free for that time: book it instead of joining the waitlist.
domain-last-steward = A group must keep at least one steward.
domain-invalid-date = { $given } is not a month and day; write MM-DD, such as 03-15.
domain-maintenance-due = { $item } is due for maintenance from { $from }: it cannot be booked from then until a steward logs the maintenance.
domain-label-count = A label sheet holds 1 to { $max } items ({ $given } chosen).
domain-label-text = The label's QR code could not be made.
domain-disallowed-character = The field { $field } must not contain the control or invisible character U+{ $code_point } (character { $position }).

## Kinds of ids

id-kind-group = group id
id-kind-member = member id
id-kind-item = item id
id-kind-booking = booking id
id-kind-activity = activity id
id-kind-maintenance-entry = maintenance entry id
id-kind-device = device id
# An id kind without its own text.
id-kind-other = { $kind } id

## Names of text fields

field-name = name
field-group-name = group name
field-member-name = member name
field-maintenance-note = maintenance note
field-description = description
field-category = category
field-device-label = device label
field-location = location
field-note = note
field-tag = tag
field-plan-note = plan note

## What only stewards may do, as an infinitive phrase (after "Only stewards may")

action-add-a-device-to-another-member = add a device to another member
action-add-items = add items
action-add-members = add members
action-invite-members = invite members
action-invite-stewards = invite stewards
action-revoke-another-member-s-invite = revoke another member's invite
action-change-roles = change roles
action-edit-items = edit items
action-edit-the-group = edit the group
action-extend-another-member-s-booking = extend another member's booking
action-log-maintenance = log maintenance
action-qualify-members = qualify members
action-remove-members = remove members
action-reorder-a-waitlist = reorder a waitlist
action-book-for-another-member = book for another member
action-lend-gear-at-the-shelf = lend gear at the shelf
action-confirm-a-booking = confirm a booking
action-decline-a-booking = decline a booking
action-cancel-another-member-s-booking = cancel another member's booking
action-claim-another-member-s-waitlist-offer = claim another member's waitlist offer
action-check-out-gear-that-is-not-self-service = check out gear that is not self-service
action-check-out-another-member-s-booking = check out another member's booking
action-check-in-gear-that-is-not-self-service = check in gear that is not self-service
action-check-in-another-member-s-booking = check in another member's booking

## What a booking action does, as an infinitive

booking-verb-confirm = confirm
booking-verb-decline = decline
booking-verb-cancel = cancel
booking-verb-check-out = check out
booking-verb-return = return
booking-verb-claim = claim the offer for

## Where a booking is, as a relative clause

booking-state-requested = that is requested
booking-state-confirmed = that is confirmed
booking-state-declined = that was declined
booking-state-cancelled = that is cancelled
booking-state-checked-out = that is checked out
booking-state-returned = that is returned
booking-state-waitlisted = that is on the waitlist
booking-state-bumped = that was bumped

## Names of settings

rule-max-loan-hours = longest loan (hours)
rule-max-advance-days = booking ahead (days)
rule-max-concurrent-per-member = bookings per member
rule-min-notice-hours = minimum notice (hours)
rule-buffer-minutes = time between loans (minutes)
rule-pickup-window-hours = pickup time (hours)
rule-every-days = maintenance every N days
rule-every-loans = maintenance every N loans
rule-invite-uses = uses of the invite
rule-invite-lifetime-hours = invite lifetime (hours)
rule-waitlist-position = place in the waitlist

## What there may be too many of, in the plural

many-tags = tags
many-kit-parts = kit parts

## A setting's allowed range

range-at-least-1 = at least 1
range-0-or-more = 0 or more
range-between = { $from } to { $to }

## Why an item cannot be booked

not-bookable-it-is-retired = { bump-reason-item-retired }
not-bookable-it-is-out-of-service = { bump-reason-item-out-of-service }
not-bookable-it-needs-repair = it needs repair

## What is wrong with a kit

kit-problem-a-kit-cannot-contain-itself = a kit cannot contain itself
kit-problem-a-part-cannot-itself-be-a-kit = a part cannot itself be a kit
kit-problem-an-item-that-is-part-of-a-kit-cannot-become-a-kit = an item that is part of a kit cannot become a kit
kit-problem-each-part-needs-1-to-1000-units-per-kit = each part needs 1 to 1000 units per kit
kit-problem-each-part-may-be-listed-once = each part may be listed once

## Why a waitlist action is not possible

no-offer-no-units-are-offered-to-this-booking-right-now = No units are offered to this booking right now.
no-offer-only-waitlisted-bookings-have-a-place-in-the-queue = Only bookings on the waitlist have a place in the queue.

## Scanning a label

scan-retired = This item is retired.
scan-out-of-service = This item is out of service.
scan-nothing-booked = You have no booking of this item to pick up or return now.
scan-booked-later = Your booking starts { $start }; come back closer to then.
scan-awaiting-approval = Your booking still waits for a steward's approval.
scan-not-self-service = A steward hands this item out and takes it back.
scan-taken-until-start = The units are taken until your booking starts ({ $start }).
scan-no-free-units = No unit is free to lend now.
