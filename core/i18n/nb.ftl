# Delbars tekster på norsk bokmål. En melding som mangler her, skrives på engelsk (en.ftl).
#
# Project Fluent (https://projectfluent.org/fluent/guide/). Hver melding er `id = tekst`;
# `{ $navn }` er en verdi appen fyller inn, og den skal stå uoversatt. En tekst som skal
# begynne med mellomrom, begynner med `{" "}`. Antall velger ord etter språkets flertallsregler:
#   { $count -> [one] { $count } time *[other] { $count } timer }

## Ord i datoer

month-1 = jan.
month-2 = feb.
month-3 = mars
month-4 = apr.
month-5 = mai
month-6 = juni
month-7 = juli
month-8 = aug.
month-9 = sep.
month-10 = okt.
month-11 = nov.
month-12 = des.
# 28. nov. 2026
date = { $day }. { $month } { $year }
# 28. nov. 2026 kl. 09:00
date-time = { $date } kl. { $time }

## Små deler

quoted = «{ $text }»
units = { $count ->
    [one] { $count } eksemplar
   *[other] { $count } eksemplarer
}
hours = { $count ->
    [one] { $count } time
   *[other] { $count } timer
}
days = { $count ->
    [one] { $count } dag
   *[other] { $count } dager
}
bookings = { $count ->
    [one] { $count } booking
   *[other] { $count } bookinger
}
rows = { $count ->
    [one] { $count } rad
   *[other] { $count } rader
}

## Varslenes titler

notification-title-booking-confirmed = Bookingen er bekreftet
notification-title-booking-declined = Bookingen ble avslått
notification-title-bumped = Bookingen gjelder ikke lenger
notification-title-waitlist-offer = Din tur i køen
notification-title-due-tomorrow = Skal leveres tilbake i morgen
notification-title-overdue = Forsinket innlevering
notification-title-item-out-of-service = Kan ikke lenger lånes
notification-title-approval-needed = Booking som må godkjennes
notification-title-loan-overdue = Lån ikke levert tilbake
notification-title-maintenance-due = Tid for vedlikehold
notification-title-needs-repair = Må repareres

## Varslenes tekst

notification-window = {" "}({ $window })
notification-reason = : { $reason }
notification-note = {" "}({ $note })
notification-a-member = Et medlem
notification-body-booking-confirmed = Bookingen din av { $item }{ $window } er bekreftet.
notification-body-booking-declined = Bookingen din av { $item }{ $window } ble avslått.
notification-body-bumped = Bookingen din av { $item }{ $window } gjelder ikke lenger{ $reason }{ $winner }. { $next }
notification-bumped-winner = {" "}({ $member } har den)
notification-bumped-next-free = Neste ledige tid: { $window }.
notification-bumped-join-waitlist = Still deg i kø for å få låne når det blir ledig.
notification-body-waitlist-offer = Din tur: { $item } kan lånes i tiden din{ $window }.
notification-body-waitlist-offer-until = Din tur: { $item } kan lånes i tiden din{ $window }. Ta imot tilbudet innen { $until }, ellers går det videre til neste i køen.
notification-body-due-tomorrow = { $item } skal leveres tilbake i morgen.
notification-body-due-tomorrow-by = { $item } skal leveres tilbake i morgen, senest { $end }.
notification-body-overdue = { $item } er ikke levert tilbake i tide. Lever tilbake så snart du kan.
notification-body-overdue-by = { $item } skulle vært levert tilbake senest { $end }. Lever tilbake så snart du kan.
notification-body-item-out-of-service = { $item } kan ikke lenger lånes ut{ $reason }. Bookingen din{ $window } kan ikke gjennomføres.
notification-body-approval-needed = { $member } vil låne { $item }{ $window }. Godkjenn eller avslå forespørselen.
notification-body-loan-overdue = { $member } har ikke levert tilbake { $item } i tide.
notification-body-loan-overdue-by = { $member } har ikke levert tilbake { $item }, som skulle tilbake senest { $end }.
notification-body-maintenance-due = { $item } skal vedlikeholdes{ $note }. Før inn vedlikeholdet når det er gjort.
notification-body-maintenance-due-since = { $item } skal vedlikeholdes siden { $since }{ $note }. Før inn vedlikeholdet når det er gjort.
notification-body-needs-repair = { $item } må repareres{ $note }. Den kan ikke bookes før vedlikeholdet er ført inn.
notification-body-needs-repair-booked = { $item } må repareres{ $note } og kan ikke lånes ut før den er reparert. Bookingen din{ $window } kan kanskje ikke gjennomføres.

## Hvorfor en booking ikke lenger gjelder

bump-reason-overbooked = en annen booking av de samme eksemplarene kom først
bump-reason-checked-out-twice = de samme eksemplarene ble levert ut to ganger, og det andre utlånet kom først
bump-reason-item-retired = gjenstanden er tatt ut av utlånet
bump-reason-item-out-of-service = gjenstanden er ute av drift
bump-reason-member-removed = låntakeren er fjernet fra gruppen
bump-reason-maintenance-due = gjenstanden skal vedlikeholdes

## Feil

error-internal = Noe gikk galt i Delbar. Prøv igjen.
error-unknown-time-zone = { $name } er ingen tidssone Delbar kjenner; oppgi et navn som Europe/Oslo.
error-group-not-found = Gruppen finnes ikke på denne enheten.
error-item-not-found = Fant ikke gjenstanden.
error-booking-not-found = Fant ikke bookingen.
error-member-not-found = Fant ikke medlemmen.
error-plan-not-found = Fant ikke vedlikeholdsplanen.
error-not-a-member = Denne enheten tilhører ikke et medlem av gruppen.

## Feil i enhetens lagring

store-storage = Delbar kunne ikke lese eller lagre dataene sine på enheten.
store-io = En fil kunne ikke leses eller skrives.
store-corrupt = Delbars lagrede data på enheten er skadet.
store-in-use = Delbar er allerede åpent et annet sted på enheten. Lukk det der først.
store-invalid-data = Dataene fra en annen enhet er ugyldige og ble ikke brukt.
store-newer-schema = Dataene er lagret av en nyere versjon av Delbar. Oppdater appen.
store-document = Et delt dokument er skadet eller kommer ikke fra Delbar.
store-not-a-store = Filen Delbar lagrer dataene sine i, er ikke Delbars. Den ble ikke endret.

## Feil ved synkronisering

sync-bad-file = Filen er skadet eller er ikke en Delbar-fil for denne gruppen; ingenting av den ble tatt inn.
sync-refused = Den andre enheten godtok ikke denne som et medlems enhet i gruppen.
sync-handshake = Den andre enden viste ikke at den er en Delbar-enhet; ingenting ble utvekslet.
sync-tampered = Data fra den andre enheten kom frem skadet, ufullstendig eller i feil rekkefølge, så synkroniseringen stoppet; ingenting av den skadede delen ble tatt inn. Prøv igjen.
sync-timed-out = Den andre enheten sluttet å svare, så synkroniseringen ga opp. Flytt enhetene nærmere hverandre og prøv igjen.
sync-pipe-closed = Forbindelsen til den andre enheten ble lukket før synkroniseringen var ferdig; ingenting halvveis mottatt ble tatt inn. Prøv igjen.
sync-network = Kunne ikke nå den andre enheten. Sjekk at begge er på samme nettverk, og prøv igjen.
sync-not-running = Synkroniseringen er slått av. Slå den på og prøv igjen.
sync-io = Filen kunne ikke leses eller skrives. Sjekk at den finnes og at lagringen virker.
sync-failed = Synkroniseringen med den andre enheten mislyktes; ingenting av den ble tatt inn.

## Feil med invitasjoner og nettverket

net-invite-expired = Invitasjonen er utløpt. Be om en ny.
net-invite-used-up = Invitasjonen er allerede brukt. Be om en ny.
net-invite-revoked = Invitasjonen er trukket tilbake. Be om en ny.
net-invite-unknown = Invitasjonen er ikke gyldig. Sjekk at hele koden ble lest inn, eller be om en ny.
net-invalid-relay-url = Reléadressen er ikke gyldig. Den må begynne med https:// eller http://.
net-invalid-peer-address = Enhetsadressen er ikke gyldig.
net-invalid-qr-scale = QR-kodens størrelse er utenfor det Delbar kan tegne.
net-photo-not-fetched = Bildet kunne ikke hentes fra den enheten.

## Import, eksport og statistikk

loans-chart-title = Utlån per måned
inventory-empty-file = Filen er tom.
inventory-no-name-column = Ingen kolonne inneholder navnene på gjenstandene (name, namn eller navn). Kolonnene er: { $headers }.
inventory-duplicate-column = Kolonnene { $first } og { $second } betyr det samme; behold én.
inventory-unreadable = Filen kan ikke leses som CSV (linje { $line }).
inventory-too-many-rows = Filen har mer enn { $max } rader. Del den opp i mindre filer.
inventory-invalid-rows = { $rows } kan ikke importeres, så ingenting ble lagret. Først, linje { $line }: { $problem }
inventory-invalid-window = Perioden må slutte etter at den begynner og omfatte høyst ti år.
inventory-write = Filen kunne ikke skrives.
row-missing-name = Navnet er tomt.
row-bad-quantity = { $given } er ikke et helt antall.
row-unknown-condition = { $given } er ingen tilstand (god, slitt, trenger reparasjon, ute av drift).
row-unknown-id = Id-en tilhører ingen gjenstand i gruppen.
row-ambiguous-name = { $count } gjenstander heter { $name }; legg til en id-kolonne for å skille dem.
row-duplicate = Linje { $line } angir allerede den samme gjenstanden.

## Gruppens regler

domain-invalid-id = { $given } er ikke en gyldig { $kind }.
domain-empty-field = Feltet { $field } kan ikke være tomt.
domain-field-too-long = Teksten i feltet { $field } er for lang ({ $len } tegn, høyst { $max }).
domain-invalid-quantity = Antallet må være mellom 1 og { $max } (oppgitt: { $given }).
domain-invalid-units = En booking må gjelde mellom 1 og { $max } eksemplarer (oppgitt: { $given }).
domain-out-of-range = Verdien for { $field } må være mellom { $min } og { $max } (oppgitt: { $given }).
domain-too-many = Høyst { $max } { $what } kan oppgis ({ $given } oppgitt).
domain-not-enough-units = Det finnes { $units } av { $item }; du ba om { $requested }.
domain-fully-booked = Alle eksemplarene av { $item } er allerede booket ({ $window }).
domain-unavailable = Bare { $units } av { $item } er ledige ({ $window }); du ba om { $requested }.
domain-booking-ends-before-start = En booking må slutte etter at den begynner.
domain-loan-too-long = { $item } kan lånes i høyst { $max } (du ba om { $asked }).
domain-too-far-ahead = { $item } kan bookes høyst { $days } i forveien.
domain-notice-too-short = { $item } må bookes minst { $hours } i forveien.
domain-starts-in-past = En booking kan ikke starte tilbake i tid.
domain-too-many-bookings = Et medlem kan ha høyst { $bookings } av { $item } samtidig.
domain-item-not-bookable = { $item } kan ikke bookes: { $reason }.
domain-not-permitted = Bare gruppeansvarlige kan { $action }.
domain-illegal-transition = Det går ikke an å { $verb } en booking { $state }.
domain-cannot-extend = Det går ikke an å forlenge en booking { $state }.
domain-invalid-coordinates = Koordinatene ({ $lat }, { $lon }) er ugyldige.
domain-invalid-photo-hash = En bildereferanse er ugyldig.
domain-photo-too-large = Bildet er { $size } MB; det største som tas imot er { $max } MB.
domain-photo-format-not-accepted = Et bilde må være et JPEG-, PNG- eller WebP-bilde.
domain-photo-too-many-pixels = Bildet er for stort ({ $width } x { $height } piksler).
domain-photo-unreadable = Bildet kan ikke leses: filen er skadet eller ufullstendig.
domain-photo-not-on-item = Gjenstanden har ikke noe slikt bilde.
domain-no-return-photo = Det ble ikke tatt noe bilde da denne bookingen ble levert tilbake.
domain-invalid-rule = Verdien for { $rule } må være { $range } (oppgitt: { $given }).
domain-date-out-of-range = Datoen ligger utenfor årene 1970–9999.
domain-invalid-kit = Ugyldig sett: { $reason }.
domain-not-qualified = For å få låne { $item } må en gruppeansvarlig først ha godkjent deg.
domain-no-need-to-wait = { $item } kan lånes i det tidsrommet – book direkte i stedet for å stille deg i kø.
domain-last-steward = En gruppe må ha minst én gruppeansvarlig.
domain-invalid-date = { $given } er ikke en måned og dag; skriv MM-DD, for eksempel 03-15.
domain-maintenance-due = { $item } skal vedlikeholdes fra { $from }: den kan ikke bookes fra da før en gruppeansvarlig har ført inn vedlikeholdet.
domain-label-count = Et etikettark har plass til 1 til { $max } gjenstander ({ $given } valgt).
domain-label-text = Etikettens QR-kode kunne ikke lages.
domain-disallowed-character = Feltet { $field } kan ikke inneholde kontrolltegnet eller det usynlige tegnet U+{ $code_point } (tegn { $position }).

## Slags ID

id-kind-group = gruppe-ID
id-kind-member = medlems-ID
id-kind-item = gjenstands-ID
id-kind-booking = booking-ID
id-kind-activity = hendelses-ID
id-kind-maintenance-entry = vedlikeholds-ID
id-kind-device = enhets-ID
id-kind-other = { $kind } id

## Feltenes navn

field-name = navn
field-group-name = gruppenavn
field-member-name = medlemsnavn
field-maintenance-note = vedlikeholdsnotat
field-description = beskrivelse
field-category = kategori
field-device-label = enhetens navn
field-location = sted
field-note = notat
field-tag = stikkord
field-plan-note = planens notat

## Det bare gruppeansvarlige kan gjøre (etter "Bare gruppeansvarlige kan")

action-add-a-device-to-another-member = legge til en enhet for et annet medlem
action-add-items = legge til gjenstander
action-add-members = legge til medlemmer
action-invite-members = invitere medlemmer
action-invite-stewards = invitere gruppeansvarlige
action-revoke-another-member-s-invite = trekke tilbake et annet medlems invitasjon
action-change-roles = endre roller
action-edit-items = redigere gjenstander
action-edit-the-group = redigere gruppen
action-extend-another-member-s-booking = forlenge et annet medlems booking
action-log-maintenance = føre vedlikeholdslogg
action-qualify-members = godkjenne medlemmer for gjenstander
action-remove-members = fjerne medlemmer
action-reorder-a-waitlist = endre rekkefølgen i en kø
action-book-for-another-member = booke for et annet medlem
action-lend-gear-at-the-shelf = låne ut utstyr direkte ved hylla
action-confirm-a-booking = bekrefte en booking
action-decline-a-booking = avslå en booking
action-cancel-another-member-s-booking = avbestille et annet medlems booking
action-claim-another-member-s-waitlist-offer = ta imot et annet medlems tilbud i køen
action-check-out-gear-that-is-not-self-service = levere ut utstyr som ikke er selvbetjent
action-check-out-another-member-s-booking = levere ut et annet medlems booking
action-check-in-gear-that-is-not-self-service = ta imot utstyr som ikke er selvbetjent
action-check-in-another-member-s-booking = ta imot et annet medlems innlevering

## Hva en handling på en booking gjør

booking-verb-confirm = bekrefte
booking-verb-decline = avslå
booking-verb-cancel = avbestille
booking-verb-check-out = levere ut
booking-verb-return = levere tilbake
booking-verb-claim = ta imot tilbudet for

## Hvor en booking står

booking-state-requested = som er forespurt
booking-state-confirmed = som er bekreftet
booking-state-declined = som er avslått
booking-state-cancelled = som er avbestilt
booking-state-checked-out = som er levert ut
booking-state-returned = som er levert tilbake
booking-state-waitlisted = som står i kø
booking-state-bumped = som ikke lenger gjelder

## Innstillingenes navn

rule-max-loan-hours = lengste lån (timer)
rule-max-advance-days = booking i forveien (dager)
rule-max-concurrent-per-member = bookinger per medlem
rule-min-notice-hours = minste varsel (timer)
rule-buffer-minutes = tid mellom lån (minutter)
rule-pickup-window-hours = hentetid (timer)
rule-every-days = vedlikehold hver N. dag
rule-every-loans = vedlikehold etter hvert N. lån
rule-invite-uses = invitasjonens bruk
rule-invite-lifetime-hours = invitasjonens gyldighet (timer)
rule-waitlist-position = plass i køen

## Det det kan være for mange av

many-tags = stikkord
many-kit-parts = deler i et sett

## En innstillings tillatte verdier

range-at-least-1 = minst 1
range-0-or-more = 0 eller mer
range-between = mellom { $from } og { $to }

## Hvorfor en gjenstand ikke kan bookes

not-bookable-it-is-retired = { bump-reason-item-retired }
not-bookable-it-is-out-of-service = { bump-reason-item-out-of-service }
not-bookable-it-needs-repair = den må repareres

## Hva som er galt med et sett

kit-problem-a-kit-cannot-contain-itself = et sett kan ikke inneholde seg selv
kit-problem-a-part-cannot-itself-be-a-kit = en del kan ikke selv være et sett
kit-problem-an-item-that-is-part-of-a-kit-cannot-become-a-kit = en gjenstand som inngår i et sett, kan ikke bli et sett
kit-problem-each-part-needs-1-to-1000-units-per-kit = hver del må ha 1–1000 eksemplarer per sett
kit-problem-each-part-may-be-listed-once = hver del kan bare oppgis én gang

## Hvorfor det ikke går i køen

no-offer-no-units-are-offered-to-this-booking-right-now = Ingen eksemplarer er tilbudt denne bookingen akkurat nå.
no-offer-only-waitlisted-bookings-have-a-place-in-the-queue = Bare bookinger som står i kø, har en plass i køen.

## Skanne en etikett

scan-retired = Gjenstanden er tatt ut av bruk.
scan-out-of-service = Gjenstanden er ute av drift.
scan-nothing-booked = Du har ingen booking av gjenstanden å hente eller levere tilbake nå.
scan-booked-later = Bookingen din starter { $start }; kom tilbake nærmere det tidspunktet.
scan-awaiting-approval = Bookingen din venter fortsatt på godkjenning fra en gruppeansvarlig.
scan-not-self-service = En gruppeansvarlig leverer ut og tar imot denne gjenstanden.
scan-taken-until-start = Eksemplarene er opptatt til bookingen din starter ({ $start }).
scan-no-free-units = Ingen eksemplarer er ledige til utlån nå.
