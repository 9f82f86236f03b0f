# Messages of reminders by e-mail and the calendar feed.

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
