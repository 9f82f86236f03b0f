//! A committee member's page: the units in their charge and what is late.

use super::{render, PageQuery};
use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::Tr;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ranks_app::pipeline::DueRow;

/// A deadline overdue or soon: due day, working days left, who, where,
/// the next stage and its rule.
pub struct LateView {
    pub due: String,
    pub left: String,
    pub name: String,
    pub unit: String,
    pub next: String,
    pub rule: String,
}

pub struct SupervisedView {
    pub code: String,
    pub name: String,
    pub role: String,
    pub target: String,
    pub admitted: u64,
    pub percent: String,
    pub overdue: Vec<LateView>,
    pub soon: Vec<LateView>,
}

#[derive(Template)]
#[template(path = "supervisor.html")]
struct SupervisorTemplate {
    tr: Tr,
    path: String,
    term: String,
    name: String,
    units: Vec<SupervisedView>,
    /// Said when nothing is overdue or due soon (later deadlines run on the files).
    due_none: String,
}

/// A committee member's page: the units they are in charge of, with what is late.
pub async fn supervisor(
    State(st): State<AppState>,
    auth: Auth,
    Path(member): Path<i64>,
    Query(q): Query<PageQuery>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let profile = st.app.profile().clone();
    let view = async {
        let term = match &q.term {
            Some(t) => t.clone(),
            None => {
                let today = st.app.clock().today();
                let terms = st.app.terms().await?;
                terms
                    .iter()
                    .rev()
                    .find(|t| t.contains(today))
                    .or(terms.last())
                    .map(|t| t.name.to_string())
                    .ok_or(ranks_app::AppError::NotFound {
                        what: "term",
                        key: "(none defined)".into(),
                    })?
            }
        };
        st.app.supervisor_view(&auth.actor, member, &term).await
    };
    let v = view.await.page(&lang)?;
    let rows = |list: &[DueRow]| {
        list.iter()
            .map(|d| LateView {
                due: tr.date(&d.due),
                left: tr.days_left(d.working_days_left),
                name: d.name.clone(),
                unit: d.unit.clone(),
                next: tr.stage(&profile, &d.next_stage),
                rule: tr.rule(&d.rule),
            })
            .collect()
    };
    let tmpl = SupervisorTemplate {
        tr,
        path: format!("/supervisors/{member}"),
        term: v.term.clone(),
        name: v.name.clone(),
        units: v
            .units
            .iter()
            .map(|u| SupervisedView {
                code: u.code.clone(),
                name: u.name.clone(),
                role: u.role.clone(),
                target: u
                    .achievement
                    .target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into()),
                admitted: u.achievement.admitted,
                percent: u
                    .achievement
                    .percent
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| tr.get("no_target").to_string()),
                overdue: rows(&u.overdue),
                soon: rows(&u.due_soon),
            })
            .collect(),
        due_none: tr.args(
            "due.none_within",
            &[("days", ranks_app::supervision::DUE_SOON_DAYS.into())],
        ),
    };
    render(&tmpl, &lang)
}
