### Ranks' interface in German.
### A message id is the key the code asks for with its dots written as
### hyphens (`tr.get("nav.dashboard")` reads `nav-dashboard`). Every id
### exists in vi, en and de (a test checks it); arguments are Fluent
### variables (`{ $max }`), counts select a plural form.

app-tagline = Mitgliederentwicklung
nav-dashboard = Übersicht
term = Amtszeit
unit = Einheit
code = Kürzel
members = Mitglieder
target = Ziel
admitted = Aufgenommen
percent = Erfüllung
progress = Fortschritt
no_target = kein Ziel
units_below = Unterstellte Einheiten
summary-members = Mitglieder insgesamt
summary-admitted = Aufnahmen in der Amtszeit
summary-achievement = vom Ziel
summary-units = Unterstellte Organisationen
dashboard-title = Ergebnisse der Mitgliederentwicklung
dashboard-explain = Aufnahmen zählen nach dem Datum des Aufnahmebeschlusses in der Amtszeit, summiert über den heutigen Baum.
supervisors = Beauftragte des Parteivorstands
supervises = zuständig für
candidates = Kandidaten im Aufnahmeverfahren
candidates-none = Noch keine Kandidaten.
since = Seit
mentors = Betreuende Mitglieder
movement = Bewegung
movements = Nachahmungsbewegungen (Quellen)
movements-none = Noch keine Kandidaten aus Bewegungen.
moves = Änderungen im Baum
moves-none = Keine Änderungen.
moved_from = verschoben von
moved_to = nach
effective = gültig ab
name = Name
birth_date = Geboren
gender = Geschlecht
cell = Zelle
status = Status
admitted_on = Aufgenommen am
official_on = Vollmitglied seit
role = Aufgabe
count = Anzahl
of_whom_admitted = davon aufgenommen
error-title = Fehler
error-not_found = Nicht gefunden
error-back = Zurück zur Übersicht
empty = Die Datenbank enthält noch keine Einheiten. `ranks demo` lädt die Demo.
no_terms = Noch keine Amtszeiten.
today = Heute
due = Fällige und überfällige Fristen
due-none = Keine Frist läuft.
due-date = Fällig
due-assumed = — ab dem Beschluss gerechnet (der Eingang ist nicht erfasst), angenommen:
cand-received_on = Tag des Eingangs des Beschlusses bei der Zelle
cand-record_receipt = Eingang erfassen
due-left = Verbleibende Arbeitstage
due-next = Nächster Schritt
due-rule = Regel
due-overdue = Überfällig
due-escalated = Eskaliert an
refusals = Abgelehnte Schritte
refusals-reason = Grund
stage = Schritt
login-title = Anmelden
login-username = Benutzername
login-password = Passwort
login-submit = Anmelden
login-wrong = Benutzername oder Passwort falsch.
login-rate_limited = Zu viele Fehlversuche; in 15 Minuten erneut versuchen.

# Sign-in hardening (issue 12): the sign-in form's own CSRF token.
login-csrf = Das Anmeldeformular ist abgelaufen oder stammt nicht von dieser Seite; bitte erneut anmelden.
logout = Abmelden
search = Suchen
cand-timeline = Verlauf
cand-next = Nächster Schritt
cand-document = Benötigte Unterlagen
cand-record_document = Als vorhanden erfassen
cand-date = Datum
cand-vote = Abstimmung
cand-eligible = Stimmberechtigt
cand-present = Anwesend
cand-for = Dafür
cand-against = Dagegen
cand-record = Erfassen
cand-assign_mentor = Betreuer zuweisen
cand-member = Mitglied
cand-probation_mentor = Betreuer in der Probezeit
cand-assign = Zuweisen
cand-introducers = Bürgen
cand-add_introducer = Bürgen hinzufügen
cand-together_since = Zusammenarbeit seit
cand-youth_union = Empfehlung des Jugendverbands (Formular 4-KNĐ)
cand-trade_union = Empfehlung der Gewerkschaft (Formular 4A-KNĐ)
cand-memberships = Massenorganisationen
cand-youth_union_member = Mitglied des Jugendverbands
cand-trade_union_member = Gewerkschaftsmitglied
cand-save_memberships = Speichern
cand-unit_youth_union = Die Einheit hat eine Organisation des Jugendverbands
cand-unit_trade_union = Die Einheit hat eine Gewerkschaft
cand-unit_no_youth_union = Die Einheit hat keine Organisation des Jugendverbands
cand-unit_no_trade_union = Die Einheit hat keine Gewerkschaft
cand-routes_hint = Im Jugendalter (bis 30), wo es eine Organisation des Jugendverbands gibt: Mitglied des Jugendverbands, empfohlen durch dessen Basisleitung (Formular 4-KNĐ) und ein Vollmitglied; außerhalb des Jugendalters, wo es eine Gewerkschaft gibt: auch durch die Basisleitung der Gewerkschaft (Formular 4A-KNĐ) und ein Vollmitglied; sonst zwei Vollmitglieder.
cand-certificate = Bescheinigung des Parteikunde-Kurses
cand-issued = Ausgestellt am
cand-number = Nummer der Bescheinigung
cand-record_certificate = Bescheinigung erfassen
cand-none_yet = Noch keine
cand-add = In den Kandidatenpool aufnehmen
cand-full_name = Vollständiger Name
cand-birth_date = Geburtsdatum
cand-gender = Geschlecht
cand-grade = Schulbildung (Klasse)
cand-movement = Wettbewerbsbewegung
cand-occupation = Beruf
history = Änderungsverlauf
back = Zurück
plan-by = Bis zum
plan-admissions = Aufnahmen
plan-pro_rata = das gleichmäßige Tempo des Ziels verlangt bis heute
plan-per_year = Zahlen je Jahr (das Diagramm als Tabelle)
plan-year = Jahr
plan-cumulative = Kumuliert
plan-period = Amtszeit oder Jahr
plan-set_target = Ziel festlegen
plan-criterion = Kriterium
plan-enter_score = Punkte eintragen
member-id_number = Ausweisnummer
member-phone = Telefon
member-official_on = Vollmitglied seit
member-card = Parteibuchnummer
member-temporary = Vorübergehend tätig in
member-exempt = Von Aktivitäten befreit
member-movement = Veränderung erfassen
member-kind = Art der Veränderung
member-to_cell = In die Zelle (Kürzel)
member-study = Zum Studium (3 Monate bis 2 Jahre)
member-until = Bis
member-destination = Ziel (außerhalb des Baums)
member-level = Umfang der Befreiung
member-reason = Grund
mv-transfer = Offizieller Wechsel (im Baum)
mv-transfer_out = Wechsel nach außen
mv-temporary = Vorübergehender Wechsel
mv-return = Rückkehr nach vorübergehendem Wechsel
mv-exempt = Befreiung
mv-remove = Streichung
mv-expel = Ausschluss
mv-death = Tod
mv-card = Parteibuch ausgegeben
member-exit_ground = Grund des Ausscheidens aus der Partei (für die Wiederaufnahme)
member-record_cleared = Vorstrafe getilgt am
ground-abandoned_activities = Parteiarbeit eigenmächtig aufgegeben
ground-asked_to_leave = Austritt auf eigenen Antrag
ground-asked_to_leave_family_hardship = Austritt auf Antrag wegen besonders schwieriger familiärer Umstände
ground-serious_disunity = Schwere Störung der inneren Einheit
ground-corruption_conviction = Wegen Korruption verurteilt
ground-serious_crime_conviction = Wegen einer schweren oder schwereren Straftat verurteilt
ground-minor_crime_conviction = Wegen einer weniger schweren Straftat verurteilt
ground-other = Anderer Grund
import = Import aus einer Tabelle
import-explain = Laden Sie eine CSV- oder XLSX-Datei hoch (Einheiten, Mitglieder oder Kandidaten). Ranks prüft jede Zeile und schreibt nur, wenn alle stimmen.
import-preview = Vorschau
import-rows = Zeilen
import-row = Zeile
import-problems = Fehler
import-nothing_written = nichts wurde gespeichert.
import-confirm = Import bestätigen
import-upload = Datei hochladen
import-kind = Art der Datensätze
import-auto = An der Kopfzeile erkennen
import-file = CSV- oder XLSX-Datei
import-check = Prüfen
import-formats = Dateiformate
import-column = Spalte
import-required = Pflicht
import-example = Beispiel
import-written = Zeilen gespeichert.
import-expired = Der Upload hat zu lange gewartet (30 Minuten); bitte erneut hochladen.
import-no_file = Keine Datei gewählt.

# Import limits (issue 12): a refused upload names the limit ($max).
import-limit-upload_bytes = Die Datei ist zu groß: die Grenze liegt bei { $max }.
import-limit-unpacked_bytes = Die XLSX-Datei entpackt sich zu mehr als der Grenze von { $max }.
import-limit-zip_entries = Die XLSX-Datei enthält mehr als { $max } Teile; speichern Sie das Blatt allein in einer neuen Mappe.
import-limit-tag_attributes = Die XLSX-Datei hat ein XML-Tag mit mehr als { $max } Attributen, wie es kein Tabellenprogramm schreibt.
import-limit-tag_bytes = Die XLSX-Datei hat ein XML-Tag, länger als { $max }, wie es kein Tabellenprogramm schreibt.
import-limit-rows = Die Datei geht über die Grenze von { $max } Zeilen unter der Kopfzeile hinaus; teilen Sie die Datei.
import-limit-columns = Die Datei hat einen Wert jenseits der Grenze von { $max } Spalten.
import-limit-cells = Die Datei enthält mehr als { $max } Zellen mit einem Wert; teilen Sie die Datei.
import-limit-cell_chars = Eine Zelle enthält mehr als { $max } Zeichen.
import-limit-detail = Einzelheiten
import-busy = Zu viele Importe laufen gerade; versuchen Sie es in einer Minute erneut.
pdf-achievement = Bericht zur Mitgliedergewinnung
pdf-checklist = Checkliste der Aufnahmeakte
pdf-made_on = Erstellt am
pdf-print = Druckfassung (PDF)
dashboard-pipeline = Offene Akten nach Schritt
dashboard-files = Akten
statistics = Jahresstatistik
candidates-found = Kandidaten
history-at = Zeitpunkt
history-actor = Von
history-action = Aktion
history-before = Vorher
history-after = Nachher
history-none = Keine Änderung erfasst.
export-csv = CSV herunterladen
export-xlsx = XLSX herunterladen
plan = Planung, Prognose, Analyse
plan-burnup = Aufnahmen gegen das Ziel der Amtszeit
plan-forecast = Prognose bis Ende der Amtszeit
plan-expected = Erwartet
plan-interval = 80-%-Intervall
plan-chance = Chance
plan-at_risk = Gefährdet
plan-counted = Berücksichtigte Kandidaten
plan-allocation = Zielverteilung
plan-children = Summe der Unterebenen
plan-difference = Differenz
plan-analytics = Schritte und Engpässe
plan-entered = Eingetreten
plan-conversion = Übergangsquote
plan-median = Median (Arbeitstage)
plan-p90 = P90
plan-waiting = Wartend
plan-bottlenecks = Engpässe, schlimmster zuerst
plan-funnel = Trichter nach Schritten
plan-movements = Bewegungen: Pool → Schulung → Aufnahme → Vollmitglied
plan-mentors = Betreuer
plan-evaluation = Jahresendbewertung
plan-score = Punkte
plan-grade = Einstufung
plan-cap = Obergrenze „ausgezeichnet“
plan-cap_exceeded = überschritten
plan-cap_ok = eingehalten
kind-central = Zentrale
kind-provincial = Provinzkomitee
kind-superior = Übergeordnetes Komitee
kind-grassroots_committee = Basis-Parteiausschuss
kind-grassroots_cell = Basiszelle
kind-cell = Parteizelle
status-probationary = Probemitglied
status-official = Vollmitglied
status-transferred_out = Abgegeben
status-removed = Gestrichen
status-expelled = Ausgeschlossen
status-deceased = Verstorben

## Zahlen mit ihrer Pluralform (Englisch und Deutsch haben eine, Vietnamesisch keine).
import-rows-count = { $count ->
    [one] { $count } Zeile
   *[other] { $count } Zeilen
}
import-problems-count = { $count } Fehler
import-written-count = { $count ->
    [one] { $count } Zeile gespeichert.
   *[other] { $count } Zeilen gespeichert.
}
candidates-count = { $count ->
    [one] { $count } Kandidat
   *[other] { $count } Kandidaten
}
members-count = { $count ->
    [one] { $count } Mitglied
   *[other] { $count } Mitglieder
}
plan-admissions-count = { $count ->
    [one] { $count } Aufnahme
   *[other] { $count } Aufnahmen
}
dashboard-files-count = { $count ->
    [one] { $count } Akte
   *[other] { $count } Akten
}

## Fehlermeldungen, für `tr_args` auf dem Fehlerpfad.
error-internal = interner Fehler; die Einzelheiten stehen im Serverprotokoll
error-unknown = { $what } unbekannt: { $key }
error-invalid = { $field }: '{ $value }' ist ungültig; erwartet: { $expected }
error-refused = abgelehnt: { $message } ({ $source })
error-forbidden = nicht erlaubt: { $reason }
error-rate_limited = zu viele fehlgeschlagene Anmeldungen; in 15 Minuten erneut versuchen
error-empty = die Datenbank enthält noch keine Einheiten; `ranks demo` ausführen oder einen Baum importieren
error-busy = zu viele Importe laufen ({ $running } laufend, { $waiting } wartend: import.max_running, import.max_waiting); in einer Minute erneut versuchen
error-conflict-same_time = jemand anderes hat gleichzeitig dasselbe erfasst; nichts wurde gespeichert, neu laden und erneut versuchen
error-method_not_allowed = { $reason }: { $method } ist keine Methode dieser Route
# Die Gründe von error-forbidden.
error-forbidden-csrf = CSRF-Token fehlt oder ist falsch
error-forbidden-wrong_login = Benutzername oder Passwort falsch
error-forbidden-import_needs_writer = Importieren erfordert eine Rolle mit Schreibrecht
error-forbidden-history_personal = der Verlauf enthält persönliche Angaben
error-forbidden-admin_adds_users = nur ein Administrator legt Benutzer an
error-forbidden-admin_changes_passwords = nur ein Administrator ändert Passwörter
error-forbidden-admin_disables_users = nur ein Administrator sperrt oder entsperrt Benutzer
error-forbidden-bulk_import = ein Massenimport erfordert einen Administrator des ganzen Baums
error-forbidden-root_unit = nur ein Administrator der obersten Ebene darf eine Wurzeleinheit anlegen
error-forbidden-calendar = nur ein Administrator der obersten Ebene darf den Kalender ändern
error-forbidden-records_data = die Rolle { $role } erfasst keine Daten
error-forbidden-enters_evaluations = die Rolle { $role } trägt keine Bewertungen ein
# Rollen, als $role der Gründe oben.
error-role-admin = Administrator
error-role-staff = Organisationsmitarbeiter
error-role-supervisor = Beauftragter
error-role-secretary = Zellensekretär
error-role-viewer = Betrachter
# Was error-unknown nicht fand, als $what.
error-what-candidate = Kandidat
error-what-leader = Leitung
error-what-list = Liste
error-what-member = Mitglied
error-what-movement = Bewegung
error-what-person = Person
error-what-record_kind = Datensatzart
error-what-supervisor = Beauftragter
error-what-term = Amtszeit
error-what-token = Token
error-what-unit = Einheit
error-what-user = Benutzer

# issue 15: texts
refusal-stage-unknown = Schritt „{ $key }“ gehört nicht zum Verfahren
refusal-date-future = { $on } liegt nach dem heutigen Tag ({ $today })
refusal-sequence-start = ein Kandidat beginnt mit dem Schritt „{ $stage }“
refusal-date-order = „{ $stage }“ am { $on } läge vor dem aktuellen Schritt „{ $stage_current }“ vom { $since }
refusal-stage-closed = die Akte ist bei „{ $stage_current }“ geschlossen
refusal-sequence-exit = „{ $stage }“ ist von „{ $stage_current }“ aus nicht möglich
refusal-sequence-unit-kind = „{ $stage }“ entfällt für Kandidaten einer Basiszelle: ihr Beschluss geht direkt an das übergeordnete Komitee
refusal-sequence-passed = „{ $stage }“ ist bereits durchlaufen (der Kandidat ist bei „{ $stage_current }“)
refusal-sequence-missing = „{ $stage_missing }“ muss vor „{ $stage }“ erfasst werden
refusal-skip = „{ $reason }“ ist kein Grund, „{ $stage }“ ohne seine Unterlagen zu erfassen
refusal-documents = „{ $stage }“ braucht zuerst { $count ->
    [one] die Unterlage
   *[other] die Unterlagen
} { $documents }
refusal-vote-missing = „{ $stage }“ ist eine Abstimmung: Stimmberechtigte, Anwesende, Ja- und Nein-Stimmen erfassen
refusal-vote-counts = die Abstimmung geht nicht auf: { $eligible } stimmberechtigt, { $present } anwesend, { $in_favour } dafür, { $against } dagegen
refusal-vote-share = { $in_favour } dafür von { $eligible } Stimmberechtigten; mindestens { $share } davon müssen zustimmen
refusal-mentors = { $count } { $count ->
    [one] Betreuer
   *[other] Betreuer
} zugewiesen, { $required } nötig
refusal-probation-mentors = { $count } Betreuer für die Probezeit zugewiesen, { $required } bei der Aufnahmefeier nötig
refusal-probation-wait = die Probezeit dauert { $months } Monate ab der Aufnahmefeier vom { $ceremony }, bis zum { $until }
refusal-probation-no-ceremony = keine Aufnahmefeier erfasst
refusal-age-no-birth-date = das Geburtsdatum ist nicht erfasst
refusal-age-young = { $years } Jahre { $months } Monate alt am { $on }; mindestens { $min } Jahre sind nötig
refusal-age-old-decision = { $years } Jahre { $months } Monate alt, als die Zelle beriet; über { $max } Jahren braucht der Aufnahmebeschluss die vorherige schriftliche Zustimmung des Ständigen Ausschusses der Provinz (Unterlage { $document })
refusal-age-old = { $years } Jahre { $months } Monate alt am { $on }; über { $max } Jahren berät die Zelle nur bei Gesundheit und Ansehen und Arbeit oder Wohnsitz ohne Parteiorganisation oder Parteimitglied, oder auf besondere Anforderung, vorher erfasst (Unterlage { $document })
refusal-education-consent = die Bildungsausnahme für „{ $area }“ braucht die schriftliche Zustimmung des Ständigen Ausschusses der Provinz vor dem Aufnahmebeschluss (Unterlage { $document })
refusal-education = Schulbildung Klasse { $grade } liegt unter den nötigen { $required }
refusal-certificate-missing = kein Zertifikat der Schulung zur Parteibildung erfasst
refusal-certificate-later = das Zertifikat ist vom { $issued }, nach dem { $on }
refusal-certificate-expired = das Zertifikat vom { $issued } ist nach { $months } Monaten abgelaufen, am { $expired }
refusal-introducers = { $valid } { $valid ->
    [one] gültiger Bürge
   *[other] gültige Bürgen
}, { $required } nötig
refusal-not-valid = nicht gültig: { $names }
refusal-introducers-youth-age = { $valid } gültige Bürgen, { $required } nötig; der Beschluss des Jugendverbands zählt nur für Kandidaten im Jugendalter mit erfasstem Formular 4-KNĐ
refusal-introducers-youth-route = { $valid } gültige Bürgen, { $required } nötig; der Beschluss des Jugendverbands zählt nur für Kandidaten im Jugendalter, wo es eine Organisation des Jugendverbands gibt
refusal-introducers-union = { $valid } gültige Bürgen, { $required } nötig; der Beschluss der Gewerkschaft zählt nur außerhalb des Jugendalters, für Gewerkschaftsmitglieder, wo es eine Gewerkschaft gibt, mit erfasstem Formular { $document }
refusal-youth-route-not-member = ein Kandidat im Jugendalter (bis { $max }) muss, wo es eine Organisation des Jugendverbands gibt, Mitglied sein und durch den Beschluss des Basiskomitees des Jugendverbands (Formular { $document }) und { $members } Vollmitglieder empfohlen werden; der Kandidat ist nicht als Mitglied des Jugendverbands erfasst
refusal-youth-route-no-resolution = ein Kandidat im Jugendalter (bis { $max }) wird, wo es eine Organisation des Jugendverbands gibt, durch den Beschluss des Basiskomitees des Jugendverbands (Formular { $document }) und { $members } Vollmitglieder empfohlen; kein Beschluss des Jugendverbands erfasst, { $valid } Vollmitglieder allein genügen nicht
refusal-youth-route-form = Formular { $document } ist am oder vor dem { $on } nicht erfasst
refusal-youth-route-members = { $valid } gültige Vollmitglieder neben dem Beschluss des Jugendverbands, { $required } nötig
refusal-readmit-once = bereits einmal wieder aufgenommen, am { $on }; eine Person wird nur einmal wieder aufgenommen
refusal-readmit-ground-unknown = Austritt am { $left }; der Grund des Austritts ist nicht erfasst
refusal-readmit-ground = Austritt am { $left } aus dem Grund „{ $ground }“: aus diesem Grund keine Wiederaufnahme (294-QĐ/TW mục 3.5.2)
refusal-readmit-record-unknown = Austritt am { $left } aus dem Grund „{ $ground }“: der Tag der Tilgung der Vorstrafe ist nicht erfasst; Wiederaufnahme ist { $months } Monate danach möglich
refusal-readmit-record-wait = die Vorstrafe wurde am { $cleared } getilgt; Wiederaufnahme ist ab dem { $from } möglich
refusal-readmit-wait = Austritt am { $left }; Wiederaufnahme ist ab dem { $from } möglich
refusal-readmit-consent = die Wiederaufnahme braucht die schriftliche Zustimmung des Ständigen Ausschusses der Provinz (Unterlage { $document }), erfasst vor „{ $stage }“
refusal-temporary-transfer = eine vorübergehende Versetzung für Arbeit oder Wohnsitz dauert { $min } bis { $max } volle Monate; { $from } bis { $until } sind { $months }
refusal-temporary-transfer-study = eine vorübergehende Versetzung zum Studium dauert { $min } bis { $max } volle Monate; { $from } bis { $until } sind { $months }
error-invalid_value = { $field }: Wert '{ $value }' ist ungültig
error-expected-date_format = ein Datum als JJJJ-MM-TT
error-expected-not_after_today = ein Datum nicht nach heute
error-expected-together = der Tag, seit dem beide zusammenarbeiten
error-expected-member_of_list = ein Mitglied der Liste
error-expected-certificate_date = das Datum auf dem Zertifikat
error-expected-certificate_number = die Nummer des Zertifikats
error-expected-received = der Tag, an dem der Beschluss einging
field-date = Datum
field-since = Zusammenarbeit seit
field-member = Mitglied
field-issued = Ausgestellt
field-number = Nummer
field-received_on = Beschluss eingegangen am
field-code = Unterlage
field-stage = Schritt
field-year = Jahr
field-birth_date = Geburtsdatum
field-full_name = Name
field-gender = Geschlecht
fix-documents = Fehlende Unterlage erfassen
fix-mentors = Betreuer zuweisen
fix-introducers = Bürgen hinzufügen
fix-memberships = Mitgliedschaft im Jugendverband erfassen
fix-certificate = Zertifikat erfassen
fix-vote = Abstimmung korrigieren
fix-wait = Diesen Schritt am oder nach dem { $date } erfassen
fix-date = Datum des Schritts neu wählen
fix-step = Den früheren Schritt erfassen
fix-none = In dieser Akte kann kein weiterer Schritt erfasst werden
