# Messages of reminders by e-mail and the calendar feed.
