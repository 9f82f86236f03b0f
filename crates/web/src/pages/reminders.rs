//! The signed-in user's own reminder settings (issue 17): an e-mail
//! address, the language of the digest, daily or weekly or off, and how
//! many working days ahead (docs/reminders.md).

use super::{render, with_status};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{CsrfForm, PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ranks_app::notify::{Every, ReminderPrefs};
use ranks_app::AppError;
use ranks_domain::DomainError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    tr: Tr,
    path: String,
    term: String,
    csrf: String,
    email: String,
    lang: String,
    every: String,
    days_ahead: String,
    langs: Vec<(&'static str, &'static str)>,
    everies: Vec<(&'static str, &'static str)>,
    saved: bool,
    error: String,
}

impl RemindersPage {
    fn new(tr: Tr, csrf: String, p: &ReminderPrefs) -> RemindersPage {
        RemindersPage {
            tr,
            path: "/account/reminders".into(),
            term: String::new(),
            csrf,
            email: p.email.clone(),
            lang: p.lang.clone(),
            every: p.every.as_str().into(),
            days_ahead: p.days_ahead.to_string(),
            langs: vec![("vi", "Tiếng Việt"), ("en", "English"), ("de", "Deutsch")],
            everies: [Every::Off, Every::Daily, Every::Weekly]
                .into_iter()
                .map(|e| {
                    let key = match e {
                        Every::Off => "reminders.every_off",
                        Every::Daily => "reminders.every_daily",
                        Every::Weekly => "reminders.every_weekly",
                    };
                    (e.as_str(), tr.get(key))
                })
                .collect(),
            saved: false,
            error: String::new(),
        }
    }
}

/// The settings form.
pub async fn form(
    State(st): State<AppState>,
    auth: Auth,
    lang: PageLang,
) -> Result<Response, WebError> {
    let prefs = st.app.my_reminders(&auth.actor).await.page(&lang)?;
    let page = RemindersPage::new(Tr { lang: lang.lang }, auth.csrf, &prefs);
    render(&page, &lang)
}

#[derive(Deserialize)]
pub struct RemindersForm {
    pub email: String,
    pub lang: String,
    pub every: String,
    pub days_ahead: String,
}

fn parse(f: &RemindersForm) -> Result<ReminderPrefs, DomainError> {
    let days = f.days_ahead.trim();
    let days_ahead = days.parse::<i64>().map_err(|_| {
        DomainError::invalid(
            "days_ahead",
            days,
            "a whole number of working days from 0 to 60",
        )
    })?;
    Ok(ReminderPrefs {
        email: f.email.clone(),
        lang: f.lang.clone(),
        every: Every::parse(&f.every)?,
        days_ahead,
    })
}

/// Saves the settings; a wrong field shows the form again (422) naming it.
pub async fn save(
    State(st): State<AppState>,
    lang: PageLang,
    CsrfForm { auth, form: f }: CsrfForm<RemindersForm>,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let result = match parse(&f) {
        Ok(p) => st.app.set_my_reminders(&auth.actor, p).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => {
            let prefs = st.app.my_reminders(&auth.actor).await.page(&lang)?;
            let mut page = RemindersPage::new(tr, auth.csrf, &prefs);
            page.saved = true;
            render(&page, &lang)
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut page = RemindersPage::new(
                tr,
                auth.csrf,
                &ReminderPrefs {
                    email: f.email.chars().take(254).collect(),
                    lang: f.lang.chars().take(2).collect(),
                    every: Every::parse(&f.every).unwrap_or(Every::Off),
                    days_ahead: 0,
                },
            );
            page.days_ahead = f.days_ahead.chars().take(10).collect();
            page.error = lang.error(e).message;
            with_status(render(&page, &lang), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(lang.error(e)),
    }
}
