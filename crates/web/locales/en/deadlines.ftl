# Messages of reminders by e-mail and the calendar feed.

# calendar
calendar-nav = Deadline calendar
calendar-title = Deadline calendar (iCalendar)
calendar-explain = A secret address of your own for a calendar program (Thunderbird, Google Calendar, Outlook, your phone's calendar) to subscribe to: every open deadline in your scope is an event on its due day, in Vietnam's time, with its stage, unit and a link. Anyone with the address sees those deadlines: keep it private, and revoke it if it leaks.
calendar-created = Your new calendar address (the old one, if any, no longer works):
calendar-address = Calendar address
calendar-once = This address is shown only once; copy it into your calendar program now. Ranks keeps only its hash.
calendar-none = You have no active calendar address.
calendar-active = You have an active calendar address, made on { $since }, in { $lang }.
calendar-in_lang = Language of the calendar
calendar-new = Make a calendar address
calendar-renew = Make a new address (revokes the old one)
calendar-revoke = Revoke the calendar address
calendar-revoked = The calendar address is revoked; calendar programs will get no more deadlines from it.
calendar-lang_vi = Vietnamese
calendar-lang_en = English
calendar-lang_de = German
calendar-name = Member development deadlines — { $user }
calendar-description = { $count ->
    [one] One deadline
   *[other] { $count } deadlines
  } (overdue and due within the next { $days } working days); { $left } more not included.
calendar-event_due = Due: { $stage } — { $name }
calendar-event_overdue = Overdue: { $stage } — { $name }
calendar-candidate = Candidate
calendar-unit = Unit
calendar-stage = Stage
calendar-rule = Rule
calendar-due = Due on
calendar-escalated = Committee members in charge
calendar-overdue = Overdue
error-expected-lang_code = vi, en or de
error-expected-feed_action = new or revoke
# reminders
reminders-nav = Reminders
reminders-title = Reminders by e-mail
reminders-intro = Ranks sends you a digest of the deadlines in your scope: files past their deadline, files due within the working days you choose, and overdue files escalated to you as the committee member in charge.
reminders-email = E-mail address
reminders-lang = Language of the e-mail
reminders-every = Digest
reminders-every_off = Off
reminders-every_daily = Daily (every working day)
reminders-every_weekly = Weekly (the first working day of the week)
reminders-days = Look ahead (working days, 0–60)
reminders-save = Save
reminders-saved = Your reminder settings are saved.
reminders-mail-subject = { $count ->
    [one] Ranks: { $count } deadline to follow ({ $day })
   *[other] Ranks: { $count } deadlines to follow ({ $day })
}
reminders-mail-hello = Dear { $user },
reminders-mail-intro_daily = Your daily digest of { $day }: the files in your scope that are overdue or due within the next { $days } working days.
reminders-mail-intro_weekly = Your weekly digest of { $day }: the files in your scope that are overdue or due within the next { $days } working days.
reminders-mail-escalated = Overdue, escalated to you (committee member in charge)
reminders-mail-overdue = Overdue
reminders-mail-soon = Due within the next { $days } working days
reminders-mail-item = { $name } ({ $unit }): { $stage } → { $next }, due { $due }, { $left }
reminders-mail-settings = Change or turn off these reminders: { $link }
reminders-mail-footer = Ranks sends this e-mail on its own; please do not reply.
field-email = E-mail address
field-lang = Language
field-digest = Digest
field-days_ahead = Working days ahead
error-expected-reminders_digest = one of off, daily, weekly
error-expected-reminders_email = an e-mail address like name@example.vn
error-expected-reminders_email_needed = an e-mail address to send the digest to
error-expected-reminders_lang = one of vi, en, de
error-expected-reminders_days = a whole number of working days from 0 to 60
