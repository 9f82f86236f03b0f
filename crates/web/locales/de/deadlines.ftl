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
