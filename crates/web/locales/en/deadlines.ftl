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
