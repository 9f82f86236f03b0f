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
error-refused = abgelehnt: { $message } (Regel { $rule }; { $source })
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

# issue 15: votes and roles
cand-eligible_cell = Vollmitglieder der Zelle
cand-eligible_committee = Mitglieder des Ausschusses
cand-eligible_reason = Grund, falls abweichend vom Register
cand-registry_count = Register: { $count } Vollmitglieder am { $date }
cand-committee_hint = Das Register führt die Ausschussmitglieder nicht: ihre Zahl laut Protokoll eingeben.
cand-vote_result = { $for }/{ $eligible } dafür ({ $share }), { $present } anwesend, { $against } dagegen
cand-last_vote = Letzte Abstimmung
cand-recorded_by = Der Schritt „{ $stage }“ wird von { $body } erfasst; Ihr Konto erfasst für { $you }.
level-cell = der Zelle
level-grassroots = dem Basis-Parteiausschuss
level-superior = dem zuständigen Ausschuss oberhalb der Basis
level_own-cell = die Zelle
level_own-grassroots = den Basis-Parteiausschuss
level_own-superior = den zuständigen Ausschuss oberhalb der Basis
refusals-explain = Von den Regeln abgelehnte Versuche, für die Betreuer und das Organisationspersonal der Ausschüsse; nicht auf den Seiten der Zellen.
refusals-unit = Einheit (Kürzel)
refusals-from = Von
refusals-to = Bis
refusals-filter = Filtern
refusals-none = Keine abgelehnten Versuche.
refusals-at = Zeitpunkt
refusals-by = Erfasst von
refusals-newer = Neuere
refusals-older = Ältere
refusals-link = Abgelehnte Schritte
plan-target_missing = Das Kriterium Mitgliederentwicklung kann für { $units } nicht bewertet werden: für { $year } ist kein Ziel gesetzt, daher noch keine Gesamtpunktzahl und keine Einstufung.
plan-set_year_target = Jahresziel (Zeitraum = Jahr) im Zielformular setzen
plan-target_by_staff = Das Organisationspersonal des Ausschusses setzt das Jahresziel.
error-forbidden-refusals = die abgelehnten Versuche sind dem Organisationspersonal und den Betreuern der Ausschüsse vorbehalten

# issue 15: look
look-language = Sprache
look-stages = Schritte des Verfahrens
look-step_done = Erledigt
look-step_current = Aktueller Schritt
look-step_todo = Noch offen
look-pick_none = Nichts gefunden für „{ $value }“. Wählen Sie aus den Vorschlägen oder geben Sie einen anderen Namen ein (mit oder ohne Tonzeichen).
look-pick_many = „{ $value }“ passt zu mehreren: { $choices }. Wählen Sie einen Eintrag aus den Vorschlägen.
look-pick_hint = Namen eingeben, dann aus den Vorschlägen wählen

# issue 15: corrections
fix-title = Einen Eintrag der Akte berichtigen oder zurückziehen
fix-hint = Jede Berichtigung und jede Rücknahme braucht einen Grund; der alte Eintrag bleibt erhalten. Ein Eintrag, auf den sich ein später erfasster Schritt stützt, kann nicht zurückgezogen werden: zuerst diesen Schritt zurückziehen.
fix-correct = Berichtigen
fix-withdraw = Zurückziehen
fix-reason = Grund
fix-kept = Berichtigt und zurückgezogen
fix-withdrawn = zurückgezogen
fix-corrected = berichtigt
fix-kind-document = Dokument
fix-kind-mentor = Betreuer
fix-kind-probation_mentor = Betreuer der Probezeit
fix-kind-introducer = Bürge
fix-kind-certificate = Bescheinigung
fix-kind-vote = Abstimmung
fix-kind-step = Schritt
fix-kind-stage = Schritt
error-what-document = Dokument
error-what-mentor = Betreuer
error-what-introducer = Bürge
error-what-certificate = Bescheinigung
error-what-vote = Abstimmung
error-what-stage = Schritt
dup-title = Diese Person ist vielleicht schon erfasst
dup-by-id_number = gleiche Ausweisnummer
dup-by-name_birth_date = gleicher Name und gleiches Geburtsdatum
dup-open_file = Akte öffnen
dup-open_member = Mitglied öffnen
dup-confirm = Trotzdem neu hinzufügen
dup-hint = Wenn es diese Person ist, öffnen Sie ihren Eintrag, statt sie neu hinzuzufügen.
cand-id_number = Ausweisnummer (falls bekannt)
import-warnings = Vermutliche Dubletten bereits erfasster Personen
