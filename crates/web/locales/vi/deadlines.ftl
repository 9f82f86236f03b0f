# Messages of reminders by e-mail and the calendar feed.

# calendar
calendar-nav = Lịch hạn
calendar-title = Lịch các thời hạn (iCalendar)
calendar-explain = Một địa chỉ bí mật của riêng bạn để ứng dụng lịch (Thunderbird, Lịch Google, Outlook, Lịch trên điện thoại) đăng ký theo dõi: mỗi thời hạn còn mở trong phạm vi bạn phụ trách là một sự kiện vào ngày đến hạn, theo giờ Việt Nam, có giai đoạn, đơn vị và đường dẫn. Ai có địa chỉ này đều xem được các thời hạn đó: giữ kín, và thu hồi khi lộ.
calendar-created = Địa chỉ lịch mới của bạn (địa chỉ cũ, nếu có, đã ngừng hoạt động):
calendar-address = Địa chỉ lịch
calendar-once = Địa chỉ chỉ hiện một lần này; hãy sao chép vào ứng dụng lịch ngay. Ranks chỉ lưu mã băm của nó.
calendar-none = Bạn chưa có địa chỉ lịch đang hoạt động.
calendar-active = Bạn có một địa chỉ lịch đang hoạt động, tạo ngày { $since }, bằng { $lang }.
calendar-in_lang = Ngôn ngữ của lịch
calendar-new = Tạo địa chỉ lịch
calendar-renew = Tạo địa chỉ mới (thu hồi địa chỉ cũ)
calendar-revoke = Thu hồi địa chỉ lịch
calendar-revoked = Đã thu hồi địa chỉ lịch; ứng dụng lịch sẽ không còn nhận được thời hạn.
calendar-lang_vi = tiếng Việt
calendar-lang_en = tiếng Anh
calendar-lang_de = tiếng Đức
calendar-name = Thời hạn phát triển đảng viên — { $user }
calendar-description = { $count } thời hạn (quá hạn và đến hạn trong { $days } ngày làm việc tới); { $left } thời hạn khác không đưa vào lịch.
calendar-event_due = Hạn { $stage }: { $name }
calendar-event_overdue = Quá hạn { $stage }: { $name }
calendar-candidate = Người được xem xét
calendar-unit = Đơn vị
calendar-stage = Giai đoạn
calendar-rule = Quy định
calendar-due = Hạn cuối
calendar-escalated = Cấp ủy viên phụ trách
calendar-overdue = Quá hạn
error-expected-lang_code = vi, en hoặc de
error-expected-feed_action = new hoặc revoke
