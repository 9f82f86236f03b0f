# Messages of reminders by e-mail and the calendar feed.

# reminders
reminders-nav = Nhắc hạn
reminders-title = Nhắc hạn qua thư điện tử
reminders-intro = Ranks gửi cho đồng chí bản tin các thời hạn trong phạm vi đồng chí phụ trách: hồ sơ đã quá hạn, hồ sơ đến hạn trong số ngày làm việc đồng chí chọn, và hồ sơ quá hạn được báo cáo đồng chí với tư cách cấp ủy viên phụ trách.
reminders-email = Địa chỉ thư điện tử
reminders-lang = Ngôn ngữ của thư
reminders-every = Nhận bản tin
reminders-every_off = Không nhận
reminders-every_daily = Hằng ngày (mỗi ngày làm việc)
reminders-every_weekly = Hằng tuần (ngày làm việc đầu tiên của tuần)
reminders-days = Báo trước (số ngày làm việc, 0–60)
reminders-save = Lưu
reminders-saved = Đã lưu cách nhận nhắc hạn.
reminders-mail-subject = Ranks: { $count } thời hạn cần theo dõi ({ $day })
reminders-mail-hello = Kính gửi đồng chí { $user },
reminders-mail-intro_daily = Bản tin nhắc hạn hằng ngày, ngày { $day }: các hồ sơ trong phạm vi đồng chí phụ trách đã quá hạn hoặc đến hạn trong { $days } ngày làm việc tới.
reminders-mail-intro_weekly = Bản tin nhắc hạn hằng tuần, ngày { $day }: các hồ sơ trong phạm vi đồng chí phụ trách đã quá hạn hoặc đến hạn trong { $days } ngày làm việc tới.
reminders-mail-escalated = Quá hạn, báo cáo đồng chí (cấp ủy viên phụ trách)
reminders-mail-overdue = Quá hạn
reminders-mail-soon = Đến hạn trong { $days } ngày làm việc tới
reminders-mail-item = { $name } ({ $unit }): { $stage } → { $next }, hạn { $due }, { $left }
reminders-mail-settings = Thay đổi hoặc tắt nhắc hạn: { $link }
reminders-mail-footer = Thư này do Ranks gửi tự động, xin đừng trả lời.
field-email = Địa chỉ thư điện tử
field-lang = Ngôn ngữ
field-digest = Bản tin
field-days_ahead = Số ngày làm việc báo trước
error-expected-reminders_digest = một trong: off (không nhận), daily (hằng ngày), weekly (hằng tuần)
error-expected-reminders_email = một địa chỉ thư điện tử như ten@example.vn
error-expected-reminders_email_needed = địa chỉ thư điện tử để gửi bản tin
error-expected-reminders_lang = một trong: vi, en, de
error-expected-reminders_days = số nguyên ngày làm việc từ 0 đến 60
