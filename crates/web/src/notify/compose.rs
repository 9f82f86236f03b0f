//! A digest in words: the subject, a text/plain body and an HTML one, in
//! the user's language, every deadline with a link to its file.

use super::smtp::Mail;
use crate::charts::esc;
use crate::i18n::{Lang, Tr};
use ranks_app::notify::{Digest, DigestItem, Every};
use ranks_domain::procedure::Profile;

/// The sections of a digest, in order: (heading key, items).
fn sections(d: &Digest) -> [(&'static str, Vec<&DigestItem>); 3] {
    let pick = |f: &dyn Fn(&DigestItem) -> bool| d.items.iter().filter(|i| f(i)).collect();
    [
        ("reminders.mail.escalated", pick(&|i| i.escalated_to_me)),
        (
            "reminders.mail.overdue",
            pick(&|i| i.due.overdue && !i.escalated_to_me),
        ),
        ("reminders.mail.soon", pick(&|i| !i.due.overdue)),
    ]
}

/// The base address without a trailing slash.
fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// One deadline in a line: who, where, the step and when.
fn item_line(tr: Tr, profile: &Profile, i: &DigestItem) -> String {
    tr.args(
        "reminders.mail.item",
        &[
            ("name", i.due.name.clone().into()),
            ("unit", i.due.unit.clone().into()),
            ("stage", tr.stage(profile, &i.due.stage).into()),
            ("next", tr.stage(profile, &i.due.next_stage).into()),
            ("due", tr.date(&i.due.due).into()),
            ("left", tr.days_left(i.due.working_days_left).into()),
        ],
    )
}

fn rule_line(tr: Tr, i: &DigestItem) -> String {
    format!("{} ({})", tr.rule(&i.due.rule), i.due.source)
}

/// The message of one digest.
/// The most files a section of a digest lists; the rest are counted, with
/// a link to Ranks (a national administrator's overdue files would not fit
/// in a message anyone reads).
pub const SHOWN_PER_SECTION: usize = 50;

pub fn compose(d: &Digest, base_url: &str, profile: &Profile) -> Mail {
    let lang = Lang::parse(&d.lang).unwrap_or(Lang::Vi);
    let tr = Tr { lang };
    let day = tr.date(&d.day);
    let subject = tr.args(
        "reminders.mail.subject",
        &[("count", d.items.len().into()), ("day", day.clone().into())],
    );
    let hello = tr.args(
        "reminders.mail.hello",
        &[("user", d.username.clone().into())],
    );
    let intro = tr.args(
        match d.every {
            Every::Weekly => "reminders.mail.intro_weekly",
            _ => "reminders.mail.intro_daily",
        },
        &[("day", day.into()), ("days", d.days_ahead.into())],
    );
    let settings = format!("{}/account/reminders", base(base_url));
    let mut text = format!("{hello}\n\n{intro}\n");
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n<p>{}</p>\n<p>{}</p>\n",
        lang.code(),
        esc(&subject),
        esc(&hello),
        esc(&intro)
    );
    for (key, items) in sections(d) {
        if items.is_empty() {
            continue;
        }
        let heading = tr.args(key, &[("days", d.days_ahead.into())]);
        text.push_str(&format!("\n{} ({})\n", heading.to_uppercase(), items.len()));
        html.push_str(&format!(
            "<h2>{} ({})</h2>\n<ul>\n",
            esc(&heading),
            items.len()
        ));
        let more = items.len().saturating_sub(SHOWN_PER_SECTION);
        for i in items.into_iter().take(SHOWN_PER_SECTION) {
            let link = format!("{}/candidates/{}", base(base_url), i.due.candidate_id);
            let (line, rule) = (item_line(tr, profile, i), rule_line(tr, i));
            text.push_str(&format!("- {line}\n  {rule}\n  {link}\n"));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a><br><small>{}</small></li>\n",
                esc(&link),
                esc(&line),
                esc(&rule)
            ));
        }
        if more > 0 {
            let home = format!("{}/", base(base_url));
            let line = tr.args(
                "reminders.mail.more",
                &[("count", more.into()), ("link", home.clone().into())],
            );
            text.push_str(&format!("- {line}\n"));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                esc(&home),
                esc(&line)
            ));
        }
        html.push_str("</ul>\n");
    }
    let change = tr.args(
        "reminders.mail.settings",
        &[("link", settings.clone().into())],
    );
    let footer = tr.get("reminders.mail.footer");
    text.push_str(&format!("\n{change}\n{footer}\n"));
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>\n<p><small>{}</small></p>\n</body></html>\n",
        esc(&settings),
        esc(&change),
        esc(footer)
    ));
    Mail {
        to: d.email.clone(),
        subject,
        text,
        html,
        message_id: d.message_id.clone(),
        lang: lang.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ranks_app::pipeline::DueRow;

    fn item(id: i64, overdue: bool) -> DigestItem {
        let day = ranks_domain::Date::from_ymd_opt(2026, 12, 1).unwrap();
        DigestItem {
            due: DueRow {
                candidate_id: id,
                name: format!("Người {id}"),
                unit: "CDC.CB1".into(),
                stage: "dossier".into(),
                next_stage: "cell_vote".into(),
                rule: "r".into(),
                source: "s".into(),
                due: day,
                working_days_left: if overdue { -3 } else { 4 },
                overdue,
                escalated_to: Vec::new(),
            },
            escalated_to_me: false,
        }
    }

    /// A big scope's digest lists the first files of each section and
    /// counts the rest, with a link to Ranks.
    #[test]
    fn a_long_section_is_cut_and_counted() {
        let digest = Digest {
            user_id: 1,
            username: "tw".into(),
            email: "tw@example.vn".into(),
            lang: "en".into(),
            every: Every::Daily,
            days_ahead: 5,
            period: "2026-12-01".into(),
            day: ranks_domain::Date::from_ymd_opt(2026, 12, 1).unwrap(),
            items: (1..=120)
                .map(|i| item(i, true))
                .chain([item(500, false)])
                .collect(),
            attempts_before: 0,
            message_id: "<x@ranks>".into(),
        };
        let m = compose(&digest, "https://ranks.example", &Profile::default_cpv());
        let links = m.text.matches("https://ranks.example/candidates/").count();
        assert_eq!(
            links,
            SHOWN_PER_SECTION + 1,
            "50 overdue and the one due soon"
        );
        assert!(m.text.contains("/candidates/50\n"));
        assert!(!m.text.contains("/candidates/51\n"));
        assert!(
            m.text
                .contains("… and 70 more files, see Ranks: https://ranks.example/"),
            "{}",
            m.text
        );
        assert!(m.html.contains("70 more files"));
        assert!(
            m.subject.contains("121"),
            "the subject counts them all: {}",
            m.subject
        );
    }
}
