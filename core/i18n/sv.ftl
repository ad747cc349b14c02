# Delbars texter på svenska. Ett meddelande som saknas här skrivs på engelska (en.ftl).
#
# Project Fluent (https://projectfluent.org/fluent/guide/). Varje meddelande är `id = text`;
# `{ $namn }` är ett värde som appen fyller i och ska stå kvar oöversatt. En text som ska
# börja med ett mellanslag börjar med `{" "}`. Antal väljer ord efter språkets pluralregler:
#   { $count -> [one] { $count } timme *[other] { $count } timmar }

## Ord i datum

month-1 = jan.
month-2 = feb.
month-3 = mars
month-4 = apr.
month-5 = maj
month-6 = juni
month-7 = juli
month-8 = aug.
month-9 = sep.
month-10 = okt.
month-11 = nov.
month-12 = dec.
# 28 nov. 2026
date = { $day } { $month } { $year }
# 28 nov. 2026 kl. 09:00
date-time = { $date } kl. { $time }

## Små delar

quoted = ”{ $text }”
units = { $count ->
    [one] { $count } exemplar
   *[other] { $count } exemplar
}
hours = { $count ->
    [one] { $count } timme
   *[other] { $count } timmar
}
days = { $count ->
    [one] { $count } dag
   *[other] { $count } dagar
}
bookings = { $count ->
    [one] { $count } bokning
   *[other] { $count } bokningar
}
rows = { $count ->
    [one] { $count } rad
   *[other] { $count } rader
}

## Aviseringarnas rubriker

notification-title-booking-confirmed = Bokningen är bekräftad
notification-title-booking-declined = Bokningen avböjdes
notification-title-bumped = Bokningen gäller inte längre
notification-title-waitlist-offer = Din tur i kön
notification-title-due-tomorrow = Ska lämnas tillbaka i morgon
notification-title-overdue = Försenad återlämning
notification-title-item-out-of-service = Kan inte längre lånas
notification-title-approval-needed = Bokning att godkänna
notification-title-loan-overdue = Lån inte tillbakalämnat
notification-title-maintenance-due = Dags för underhåll
notification-title-needs-repair = Behöver lagas

## Aviseringarnas text

notification-window = {" "}({ $window })
notification-reason = : { $reason }
notification-note = {" "}({ $note })
notification-a-member = En medlem
notification-body-booking-confirmed = Din bokning av { $item }{ $window } är bekräftad.
notification-body-booking-declined = Din bokning av { $item }{ $window } har avböjts.
notification-body-bumped = Din bokning av { $item }{ $window } gäller inte längre{ $reason }{ $winner }. { $next }
notification-bumped-winner = {" "}({ $member } har den)
notification-bumped-next-free = Nästa lediga tid: { $window }.
notification-bumped-join-waitlist = Ställ dig i kö för att få låna när det blir ledigt.
notification-body-waitlist-offer = Din tur: { $item } går att låna för din tid{ $window }.
notification-body-waitlist-offer-until = Din tur: { $item } går att låna för din tid{ $window }. Ta erbjudandet senast { $until }, annars går det vidare till nästa i kön.
notification-body-due-tomorrow = { $item } ska lämnas tillbaka i morgon.
notification-body-due-tomorrow-by = { $item } ska lämnas tillbaka i morgon, senast { $end }.
notification-body-overdue = { $item } är inte tillbakalämnad i tid. Lämna tillbaka så snart du kan.
notification-body-overdue-by = { $item } skulle ha lämnats tillbaka senast { $end }. Lämna tillbaka så snart du kan.
notification-body-item-out-of-service = { $item } kan inte längre lånas ut{ $reason }. Din bokning{ $window } kan inte genomföras.
notification-body-approval-needed = { $member } vill låna { $item }{ $window }. Godkänn eller avböj förfrågan.
notification-body-loan-overdue = { $member } har inte lämnat tillbaka { $item } i tid.
notification-body-loan-overdue-by = { $member } har inte lämnat tillbaka { $item }, som skulle tillbaka senast { $end }.
notification-body-maintenance-due = { $item } ska underhållas{ $note }. För in underhållet när det är gjort.
notification-body-maintenance-due-since = { $item } ska underhållas sedan { $since }{ $note }. För in underhållet när det är gjort.
notification-body-needs-repair = { $item } behöver lagas{ $note }. Det kan inte bokas förrän underhållet är infört.
notification-body-needs-repair-booked = { $item } behöver lagas{ $note } och kan inte lånas ut förrän det är lagat. Din bokning{ $window } kanske inte kan genomföras.

## Varför en bokning inte längre gäller

bump-reason-overbooked = en annan bokning av samma exemplar kom först
bump-reason-checked-out-twice = samma exemplar lämnades ut två gånger och det andra utlämnandet kom först
bump-reason-item-retired = föremålet har tagits bort ur utlåningen
bump-reason-item-out-of-service = föremålet är ur drift
bump-reason-member-removed = låntagaren har tagits bort ur gruppen
bump-reason-maintenance-due = föremålet ska underhållas

## Fel

error-internal = Något gick fel i Delbar. Försök igen.
error-unknown-time-zone = { $name } är ingen tidszon Delbar känner till; ange ett namn som Europe/Stockholm.
error-group-not-found = Gruppen finns inte på den här enheten.
error-item-not-found = Föremålet hittades inte.
error-booking-not-found = Bokningen hittades inte.
error-member-not-found = Medlemmen hittades inte.
error-plan-not-found = Underhållsplanen hittades inte.
error-not-a-member = Den här enheten tillhör ingen medlem i gruppen.

## Fel i enhetens lagring

store-storage = Delbar kunde inte läsa eller spara sina data på enheten.
store-io = En fil kunde inte läsas eller skrivas.
store-corrupt = Delbars sparade data på enheten är skadade.
store-in-use = Delbar är redan öppet någon annanstans på enheten. Stäng det där först.
store-invalid-data = Uppgifterna från en annan enhet är ogiltiga och användes inte.
store-newer-schema = Uppgifterna har sparats av en nyare version av Delbar. Uppdatera appen.
store-document = Ett delat dokument är skadat eller kommer inte från Delbar.
store-not-a-store = Filen där Delbar sparar sina data är inte Delbars. Den har lämnats orörd.

## Fel vid synkning

sync-bad-file = Filen är skadad eller är ingen Delbar-fil för den här gruppen; inget av den togs in.
sync-refused = Den andra enheten godtog inte den här som en medlems enhet i gruppen.
sync-handshake = Den andra änden visade inte att den är en Delbar-enhet; inget utbyttes.
sync-tampered = Data från den andra enheten kom fram skadade, ofullständiga eller i fel ordning, så synkningen avbröts; inget av den skadade delen togs in. Försök igen.
sync-timed-out = Den andra enheten slutade svara, så synkningen gav upp. För enheterna närmare varandra och försök igen.
sync-pipe-closed = Anslutningen till den andra enheten stängdes innan synkningen var klar; inget halvt mottaget togs in. Försök igen.
sync-network = Det gick inte att nå den andra enheten. Kontrollera att båda är på samma nätverk och försök igen.
sync-not-running = Synkningen är avstängd. Slå på den och försök igen.
sync-io = Filen gick inte att läsa eller skriva. Kontrollera att den finns och att lagringen fungerar.
sync-failed = Synkningen med den andra enheten misslyckades; inget av den togs in.

## Fel med inbjudningar och nätverket

net-invite-expired = Inbjudan har gått ut. Be om en ny.
net-invite-used-up = Inbjudan har redan använts. Be om en ny.
net-invite-revoked = Inbjudan har dragits tillbaka. Be om en ny.
net-invite-unknown = Inbjudan är inte giltig. Kontrollera att hela koden lästes in, eller be om en ny.
net-invalid-relay-url = Reläadressen är inte giltig. Den måste börja med https:// eller http://.
net-invalid-peer-address = Enhetsadressen är inte giltig.
net-invalid-qr-scale = QR-kodens storlek ligger utanför vad Delbar kan rita.
net-photo-not-fetched = Fotot gick inte att hämta från den enheten.

## Import, export och statistik

loans-chart-title = Lån per månad
inventory-empty-file = Filen är tom.
inventory-no-name-column = Ingen kolumn innehåller föremålens namn (name, namn eller navn). Kolumnerna är: { $headers }.
inventory-duplicate-column = Kolumnerna { $first } och { $second } betyder samma sak; behåll en.
inventory-unreadable = Filen kan inte läsas som CSV (rad { $line }).
inventory-too-many-rows = Filen har fler än { $max } rader. Dela upp den i mindre filer.
inventory-invalid-rows = { $rows } kan inte importeras, så inget sparades. Först, rad { $line }: { $problem }
inventory-invalid-window = Perioden måste sluta efter att den börjar och omfatta högst tio år.
inventory-write = Filen kunde inte skrivas.
row-missing-name = Namnet är tomt.
row-bad-quantity = { $given } är inte ett helt antal.
row-unknown-condition = { $given } är inget skick (bra, sliten, behöver lagas, ur bruk).
row-unknown-id = Id:t hör inte till något föremål i gruppen.
row-ambiguous-name = { $count } föremål heter { $name }; lägg till en id-kolumn för att skilja dem åt.
row-duplicate = Rad { $line } anger redan samma föremål.

## Gruppens regler

domain-invalid-id = { $given } är inte ett giltigt { $kind }.
domain-empty-field = Fältet { $field } får inte vara tomt.
domain-field-too-long = Texten i fältet { $field } är för lång ({ $len } tecken, högst { $max }).
domain-invalid-quantity = Antalet måste vara mellan 1 och { $max } (angivet: { $given }).
domain-invalid-units = En bokning måste gälla mellan 1 och { $max } exemplar (angivet: { $given }).
domain-out-of-range = Värdet för { $field } måste vara mellan { $min } och { $max } (angivet: { $given }).
domain-too-many = Högst { $max } { $what } får anges ({ $given } angivna).
domain-not-enough-units = Det finns { $units } av { $item }; du bad om { $requested }.
domain-fully-booked = Alla exemplar av { $item } är redan bokade ({ $window }).
domain-unavailable = Bara { $units } av { $item } är lediga ({ $window }); du bad om { $requested }.
domain-booking-ends-before-start = En bokning måste sluta efter att den börjar.
domain-loan-too-long = { $item } får lånas i högst { $max } (du bad om { $asked }).
domain-too-far-ahead = { $item } kan bokas högst { $days } i förväg.
domain-notice-too-short = { $item } måste bokas minst { $hours } i förväg.
domain-starts-in-past = En bokning kan inte börja bakåt i tiden.
domain-too-many-bookings = En medlem får ha högst { $bookings } av { $item } samtidigt.
domain-item-not-bookable = { $item } kan inte bokas: { $reason }.
domain-not-permitted = Bara gruppansvariga får { $action }.
domain-illegal-transition = Det går inte att { $verb } en bokning { $state }.
domain-cannot-extend = Det går inte att förlänga en bokning { $state }.
domain-invalid-coordinates = Koordinaterna ({ $lat }, { $lon }) är ogiltiga.
domain-invalid-photo-hash = En fotoreferens är ogiltig.
domain-photo-too-large = Fotot är { $size } MB; det största som tas emot är { $max } MB.
domain-photo-format-not-accepted = Ett foto måste vara en JPEG-, PNG- eller WebP-bild.
domain-photo-too-many-pixels = Fotot är för stort ({ $width } x { $height } pixlar).
domain-photo-unreadable = Fotot går inte att läsa: filen är skadad eller ofullständig.
domain-photo-not-on-item = Föremålet har inget sådant foto.
domain-no-return-photo = Inget foto togs när den här bokningen lämnades tillbaka.
domain-invalid-rule = Värdet för { $rule } måste vara { $range } (angivet: { $given }).
domain-date-out-of-range = Datumet ligger utanför åren 1970–9999.
domain-invalid-kit = Ogiltig sats: { $reason }.
domain-not-qualified = För att få låna { $item } måste en gruppansvarig först ha godkänt dig.
domain-no-need-to-wait = { $item } går att låna den tiden – boka direkt i stället för att ställa dig i kö.
domain-last-steward = En grupp måste ha minst en gruppansvarig.
domain-invalid-date = { $given } är inte en månad och dag; skriv MM-DD, till exempel 03-15.
domain-maintenance-due = { $item } ska underhållas från { $from }: det kan inte bokas från dess förrän en gruppansvarig har fört in underhållet.
domain-label-count = Ett etikettark rymmer 1 till { $max } föremål ({ $given } valda).
domain-label-text = Etikettens QR-kod gick inte att skapa.
domain-disallowed-character = Fältet { $field } får inte innehålla styrtecknet eller det osynliga tecknet U+{ $code_point } (tecken { $position }).

## Slags id

id-kind-group = grupp-id
id-kind-member = medlems-id
id-kind-item = föremåls-id
id-kind-booking = boknings-id
id-kind-activity = händelse-id
id-kind-maintenance-entry = underhålls-id
id-kind-device = enhets-id
id-kind-other = { $kind } id

## Fältens namn

field-name = namn
field-group-name = gruppnamn
field-member-name = medlemsnamn
field-maintenance-note = underhållsanteckning
field-description = beskrivning
field-category = kategori
field-device-label = enhetens namn
field-location = plats
field-note = anteckning
field-tag = tagg
field-plan-note = planens anteckning

## Det som bara gruppansvariga får göra (efter "Bara gruppansvariga får")

action-add-a-device-to-another-member = lägga till en enhet åt en annan medlem
action-add-items = lägga till föremål
action-add-members = lägga till medlemmar
action-invite-members = bjuda in medlemmar
action-invite-stewards = bjuda in gruppansvariga
action-revoke-another-member-s-invite = dra tillbaka en annan medlems inbjudan
action-change-roles = ändra roller
action-edit-items = redigera föremål
action-edit-the-group = redigera gruppen
action-extend-another-member-s-booking = förlänga en annan medlems bokning
action-log-maintenance = föra underhållslogg
action-qualify-members = godkänna medlemmar för föremål
action-remove-members = ta bort medlemmar
action-reorder-a-waitlist = ändra ordningen i en kö
action-book-for-another-member = boka åt en annan medlem
action-lend-gear-at-the-shelf = låna ut utrustning direkt vid hyllan
action-confirm-a-booking = bekräfta en bokning
action-decline-a-booking = avböja en bokning
action-cancel-another-member-s-booking = avboka en annan medlems bokning
action-claim-another-member-s-waitlist-offer = ta emot en annan medlems erbjudande i kön
action-check-out-gear-that-is-not-self-service = lämna ut utrustning som inte har självbetjäning
action-check-out-another-member-s-booking = lämna ut en annan medlems bokning
action-check-in-gear-that-is-not-self-service = ta emot utrustning som inte har självbetjäning
action-check-in-another-member-s-booking = ta emot en annan medlems återlämning

## Vad en åtgärd på en bokning gör

booking-verb-confirm = bekräfta
booking-verb-decline = avböja
booking-verb-cancel = avboka
booking-verb-check-out = lämna ut
booking-verb-return = lämna tillbaka
booking-verb-claim = ta emot erbjudandet för

## Var en bokning står

booking-state-requested = som är förfrågad
booking-state-confirmed = som är bekräftad
booking-state-declined = som har avböjts
booking-state-cancelled = som är avbokad
booking-state-checked-out = som är utlämnad
booking-state-returned = som är återlämnad
booking-state-waitlisted = som står i kö
booking-state-bumped = som inte längre gäller

## Inställningarnas namn

rule-max-loan-hours = längsta lån (timmar)
rule-max-advance-days = bokning i förväg (dagar)
rule-max-concurrent-per-member = bokningar per medlem
rule-min-notice-hours = minsta varsel (timmar)
rule-buffer-minutes = tid mellan lån (minuter)
rule-pickup-window-hours = tid att hämta ut (timmar)
rule-every-days = underhåll var N:e dag
rule-every-loans = underhåll efter var N:e lån
rule-invite-uses = inbjudans användningar
rule-invite-lifetime-hours = inbjudans giltighet (timmar)
rule-waitlist-position = plats i kön

## Det som det kan finnas för många av

many-tags = taggar
many-kit-parts = delar i en sats

## En inställnings tillåtna värden

range-at-least-1 = minst 1
range-0-or-more = 0 eller mer
range-between = mellan { $from } och { $to }

## Varför ett föremål inte kan bokas

not-bookable-it-is-retired = { bump-reason-item-retired }
not-bookable-it-is-out-of-service = { bump-reason-item-out-of-service }
not-bookable-it-needs-repair = det behöver lagas

## Vad som är fel med en sats

kit-problem-a-kit-cannot-contain-itself = en sats kan inte innehålla sig själv
kit-problem-a-part-cannot-itself-be-a-kit = en del kan inte själv vara en sats
kit-problem-an-item-that-is-part-of-a-kit-cannot-become-a-kit = ett föremål som ingår i en sats kan inte bli en sats
kit-problem-each-part-needs-1-to-1000-units-per-kit = varje del måste ha 1–1000 exemplar per sats
kit-problem-each-part-may-be-listed-once = varje del får bara anges en gång

## Varför det inte går i kön

no-offer-no-units-are-offered-to-this-booking-right-now = Inga exemplar erbjuds den här bokningen just nu.
no-offer-only-waitlisted-bookings-have-a-place-in-the-queue = Bara bokningar som står i kö har en plats i kön.

## Skanna en etikett

scan-retired = Föremålet är pensionerat.
scan-out-of-service = Föremålet är ur funktion.
scan-nothing-booked = Du har ingen bokning av föremålet att hämta ut eller lämna tillbaka nu.
scan-booked-later = Din bokning börjar { $start }; kom tillbaka närmare den tiden.
scan-awaiting-approval = Din bokning väntar fortfarande på att en gruppansvarig godkänner den.
scan-not-self-service = En gruppansvarig lämnar ut och tar emot det här föremålet.
scan-taken-until-start = Exemplaren är upptagna tills din bokning börjar ({ $start }).
scan-no-free-units = Inget exemplar är ledigt att låna ut nu.
