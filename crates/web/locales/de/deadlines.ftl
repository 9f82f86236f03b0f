# Messages of reminders by e-mail and the calendar feed.

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
