//! Pickers on the pages: a unit or a movement chosen by its name (a
//! `<datalist>` of "Name (CODE)" suggestions), resolved to its code before
//! the use case runs; a name that matches nothing or several is said next
//! to the field, never a bare 404.

use crate::i18n::{Arg, Tr};
use ranks_app::pickers::{pick, Choice, Picked};

/// How many suggestions a unit picker's list offers.
pub const UNIT_SUGGESTIONS: usize = 1000;

/// The code `typed` names among `choices`, or the message for the page.
pub fn resolve(tr: &Tr, typed: &str, choices: &[Choice]) -> Result<String, String> {
    said(tr, typed, pick(typed, choices))
}

/// A unit the user sees by what they typed (`cells`: only units that hold
/// members): its code, or the message for the page.
pub async fn unit(
    st: &crate::AppState,
    auth: &crate::auth::Auth,
    lang: &crate::extract::PageLang,
    typed: &str,
    cells: bool,
) -> Result<Result<String, String>, crate::error::WebError> {
    use crate::extract::PageResult;
    let picked = st
        .app
        .pick_unit(&auth.actor, typed, cells)
        .await
        .page(lang)?;
    Ok(said(&Tr { lang: lang.lang }, typed, picked))
}

/// A pick as the page says it.
fn said(tr: &Tr, typed: &str, picked: Picked) -> Result<String, String> {
    match picked {
        Picked::One(code) => Ok(code),
        Picked::None => Err(tr.args("look.pick_none", &[("value", Arg::from(typed.trim()))])),
        Picked::Many(many) => Err(tr.args(
            "look.pick_many",
            &[
                ("value", Arg::from(typed.trim())),
                (
                    "choices",
                    Arg::from(
                        many.iter()
                            .map(Choice::label)
                            .collect::<Vec<_>>()
                            .join("; ")
                            .as_str(),
                    ),
                ),
            ],
        )),
    }
}

/// What the suggestion endpoint is asked: the registry's unit filter
/// (`org`, any unit) or a target cell (`cell`, units that hold members).
#[derive(serde::Deserialize, Default)]
pub struct SuggestQuery {
    pub org: Option<String>,
    pub cell: Option<String>,
}

/// How many suggestions a typed name brings.
const SUGGESTIONS: usize = 30;

/// The suggestions for what is being typed, as the `<datalist>` that htmx
/// puts in place of the page's: units of the user's scope whose name has
/// every typed word (tone marks, đ and case ignored) or whose code starts
/// with it.
pub async fn suggest_units(
    axum::extract::State(st): axum::extract::State<crate::AppState>,
    auth: crate::auth::Auth,
    axum::extract::Query(q): axum::extract::Query<SuggestQuery>,
    lang: crate::extract::PageLang,
) -> Result<axum::response::Response, crate::error::WebError> {
    use crate::extract::PageResult;
    use axum::response::IntoResponse;
    let (list, typed, cells) = match (&q.org, &q.cell) {
        (_, Some(c)) => ("cell-list", c.as_str(), true),
        (Some(o), None) => ("org-list", o.as_str(), false),
        (None, None) => ("org-list", "", false),
    };
    let found = if typed.trim().is_empty() {
        st.app
            .unit_choices(&auth.actor, cells, UNIT_SUGGESTIONS)
            .await
    } else {
        st.app
            .unit_suggestions(&auth.actor, typed, cells, SUGGESTIONS)
            .await
    }
    .page(&lang)?;
    let mut html = format!("<datalist id=\"{list}\">");
    for c in &found {
        html.push_str(&format!(
            "<option value=\"{}\"></option>",
            escape(&c.label())
        ));
    }
    html.push_str("</datalist>");
    Ok(axum::response::Html(html).into_response())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
