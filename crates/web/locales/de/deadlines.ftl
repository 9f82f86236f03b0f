# Messages of reminders by e-mail and the calendar feed.

# calendar
calendar-nav = Fristenkalender
calendar-title = Fristenkalender (iCalendar)
calendar-explain = Eine geheime Adresse nur für Sie, die ein Kalenderprogramm (Thunderbird, Google Kalender, Outlook, der Kalender Ihres Telefons) abonniert: jede offene Frist in Ihrem Bereich ist ein Termin an ihrem Stichtag, in vietnamesischer Zeit, mit Stufe, Einheit und Link. Wer die Adresse hat, sieht diese Fristen: halten Sie sie geheim und widerrufen Sie sie, wenn sie bekannt wird.
calendar-created = Ihre neue Kalenderadresse (die alte, falls vorhanden, gilt nicht mehr):
calendar-address = Kalenderadresse
calendar-once = Diese Adresse wird nur einmal angezeigt; übernehmen Sie sie jetzt in Ihr Kalenderprogramm. Ranks speichert nur ihren Hash.
calendar-none = Sie haben keine aktive Kalenderadresse.
calendar-active = Sie haben eine aktive Kalenderadresse, erstellt am { $since }, auf { $lang }.
calendar-in_lang = Sprache des Kalenders
calendar-new = Kalenderadresse erstellen
calendar-renew = Neue Adresse erstellen (widerruft die alte)
calendar-revoke = Kalenderadresse widerrufen
calendar-revoked = Die Kalenderadresse ist widerrufen; Kalenderprogramme erhalten darüber keine Fristen mehr.
calendar-lang_vi = Vietnamesisch
calendar-lang_en = Englisch
calendar-lang_de = Deutsch
calendar-name = Fristen der Mitgliederentwicklung — { $user }
calendar-description = { $count ->
    [one] Eine Frist
   *[other] { $count } Fristen
  } (überfällig und fällig in den nächsten { $days } Arbeitstagen); { $left } weitere nicht enthalten.
calendar-event_due = Fällig: { $stage } — { $name }
calendar-event_overdue = Überfällig: { $stage } — { $name }
calendar-candidate = Kandidat
calendar-unit = Einheit
calendar-stage = Stufe
calendar-rule = Regel
calendar-due = Fällig am
calendar-escalated = Zuständige Komiteemitglieder
calendar-overdue = Überfällig
error-expected-lang_code = vi, en oder de
error-expected-feed_action = new oder revoke
# reminders
reminders-nav = Erinnerungen
reminders-title = Erinnerungen per E-Mail
reminders-intro = Ranks schickt Ihnen eine Übersicht der Fristen in Ihrem Bereich: überfällige Akten, Akten, die innerhalb der gewählten Arbeitstage fällig werden, und überfällige Akten, die an Sie als zuständiges Komiteemitglied eskaliert sind.
reminders-email = E-Mail-Adresse
reminders-lang = Sprache der E-Mail
reminders-every = Übersicht
reminders-every_off = Aus
reminders-every_daily = Täglich (jeden Arbeitstag)
reminders-every_weekly = Wöchentlich (am ersten Arbeitstag der Woche)
reminders-days = Vorlauf (Arbeitstage, 0–60)
reminders-save = Speichern
reminders-saved = Ihre Einstellungen für Erinnerungen sind gespeichert.
reminders-mail-subject = { $count ->
    [one] Ranks: { $count } Frist im Blick ({ $day })
   *[other] Ranks: { $count } Fristen im Blick ({ $day })
}
reminders-mail-hello = Guten Tag { $user },
reminders-mail-intro_daily = Ihre tägliche Übersicht vom { $day }: die Akten in Ihrem Bereich, die überfällig sind oder in den nächsten { $days } Arbeitstagen fällig werden.
reminders-mail-intro_weekly = Ihre wöchentliche Übersicht vom { $day }: die Akten in Ihrem Bereich, die überfällig sind oder in den nächsten { $days } Arbeitstagen fällig werden.
reminders-mail-escalated = Überfällig, an Sie eskaliert (zuständiges Komiteemitglied)
reminders-mail-overdue = Überfällig
reminders-mail-soon = Fällig in den nächsten { $days } Arbeitstagen
reminders-mail-item = { $name } ({ $unit }): { $stage } → { $next }, fällig am { $due }, { $left }
reminders-mail-settings = Erinnerungen ändern oder abstellen: { $link }
reminders-mail-footer = Ranks verschickt diese E-Mail automatisch; bitte nicht antworten.
field-email = E-Mail-Adresse
field-lang = Sprache
field-digest = Übersicht
field-days_ahead = Arbeitstage Vorlauf
error-expected-reminders_digest = eines von off (aus), daily (täglich), weekly (wöchentlich)
error-expected-reminders_email = eine E-Mail-Adresse wie name@example.vn
error-expected-reminders_email_needed = eine E-Mail-Adresse, an die die Übersicht geht
error-expected-reminders_lang = eines von vi, en, de
error-expected-reminders_days = eine ganze Zahl von Arbeitstagen von 0 bis 60
