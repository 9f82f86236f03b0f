//! iCalendar (RFC 5545) text of a calendar feed: one VEVENT per open
//! deadline, timed in Vietnam's zone (`Asia/Ho_Chi_Minh`, UTC+7 all year,
//! described by its own VTIMEZONE), from 08:00 to 17:00 of the due day and
//! marked transparent (it shows the day without blocking it). Lines end in
//! CRLF and are folded at 75 octets without splitting a character.

use crate::i18n::{Arg, Tr};
use ranks_app::calendar_feed::Feed;
use ranks_domain::procedure::Profile;
use std::fmt::Write;

pub const TZID: &str = "Asia/Ho_Chi_Minh";

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets (§3.1): continuation
/// lines start with a space, and a character is never cut.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn day(d: &ranks_domain::Date) -> String {
    d.format("%Y%m%d").to_string()
}

/// The feed as iCalendar text. `base` is the server's address as the
/// request reached it (`https://ranks.example`), for the events' links.
pub fn render(feed: &Feed, profile: &Profile, tr: &Tr, base: &str) -> String {
    let mut out = String::new();
    let l = |out: &mut String, s: &str| line(out, s);
    l(&mut out, "BEGIN:VCALENDAR");
    l(&mut out, "VERSION:2.0");
    l(&mut out, "PRODID:-//Ranks//Deadlines feed//VI");
    l(&mut out, "CALSCALE:GREGORIAN");
    l(&mut out, "METHOD:PUBLISH");
    let name = tr.args(
        "calendar.name",
        &[("user", Arg::from(feed.username.as_str()))],
    );
    l(&mut out, &format!("X-WR-CALNAME:{}", text(&name)));
    l(&mut out, &format!("X-WR-TIMEZONE:{TZID}"));
    let desc = tr.args(
        "calendar.description",
        &[
            ("count", Arg::from(feed.rows.len() as i64)),
            (
                "days",
                Arg::from(ranks_app::calendar_feed::FEED_WORKING_DAYS),
            ),
            ("left", Arg::from(feed.left_out as i64)),
        ],
    );
    l(&mut out, &format!("X-WR-CALDESC:{}", text(&desc)));
    l(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    l(&mut out, "X-PUBLISHED-TTL:PT1H");
    for s in [
        "BEGIN:VTIMEZONE",
        &format!("TZID:{TZID}"),
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0700",
        "TZOFFSETTO:+0700",
        "TZNAME:ICT",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        l(&mut out, s);
    }
    let stamp = feed.read_at.format("%Y%m%dT%H%M%SZ").to_string();
    for r in &feed.rows {
        let next = tr.stage(profile, &r.next_stage);
        let args = [
            ("stage", Arg::from(next.as_str())),
            ("name", Arg::from(r.name.as_str())),
        ];
        let summary = if r.overdue {
            tr.args("calendar.event_overdue", &args)
        } else {
            tr.args("calendar.event_due", &args)
        };
        let link = format!("{base}/candidates/{}", r.candidate_id);
        let mut d = String::new();
        let _ = writeln!(d, "{}: {}", tr.get("calendar.candidate"), r.name);
        let _ = writeln!(d, "{}: {}", tr.get("calendar.unit"), r.unit);
        let _ = writeln!(
            d,
            "{}: {} → {}",
            tr.get("calendar.stage"),
            tr.stage(profile, &r.stage),
            next
        );
        let _ = writeln!(
            d,
            "{}: {} ({})",
            tr.get("calendar.rule"),
            tr.rule(&r.rule),
            r.source
        );
        let _ = writeln!(d, "{}: {}", tr.get("calendar.due"), tr.date(&r.due));
        let _ = writeln!(d, "{}", tr.days_left(r.working_days_left));
        if !r.escalated_to.is_empty() {
            let _ = writeln!(
                d,
                "{}: {}",
                tr.get("calendar.escalated"),
                r.escalated_to.join(", ")
            );
        }
        let _ = write!(d, "{link}");
        l(&mut out, "BEGIN:VEVENT");
        l(
            &mut out,
            &format!("UID:due-{}-{}@ranks", r.candidate_id, text(&r.next_stage)),
        );
        l(&mut out, &format!("DTSTAMP:{stamp}"));
        l(
            &mut out,
            &format!("DTSTART;TZID={TZID}:{}T080000", day(&r.due)),
        );
        l(
            &mut out,
            &format!("DTEND;TZID={TZID}:{}T170000", day(&r.due)),
        );
        l(&mut out, "TRANSP:TRANSPARENT");
        l(&mut out, &format!("SUMMARY:{}", text(&summary)));
        l(&mut out, &format!("LOCATION:{}", text(&r.unit)));
        l(&mut out, &format!("DESCRIPTION:{}", text(&d)));
        l(&mut out, &format!("URL:{link}"));
        if r.overdue {
            l(
                &mut out,
                &format!("CATEGORIES:{}", text(tr.get("calendar.overdue"))),
            );
        }
        l(&mut out, "END:VEVENT");
    }
    l(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "Nguyễn Thị Ánh Tuyết ".repeat(10));
        line(&mut out, &long);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 2);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets", l.len());
            assert_eq!(i > 0, l.starts_with(' '));
        }
        // Unfolding gives the line back.
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(text("x\r\ny\u{7}"), "x\\ny");
    }
}
