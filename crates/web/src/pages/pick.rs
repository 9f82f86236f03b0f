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
