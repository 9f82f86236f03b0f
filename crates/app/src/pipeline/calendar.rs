//! The working-day calendar: the overrides recorded in the database, and
//! the calendar built from them (cached while they stay the same).

use crate::{Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_store::records::settings;
use ranks_store::Conn;

impl App {
    /// The working-day calendar with the overrides recorded in the database.
    /// Read again only after a write has committed (the overrides are
    /// written with an audit entry), not on every page.
    pub async fn calendar(&self) -> Result<WorkCalendar, AppError> {
        let generation = self.current_generation().await?;
        if let Some(cal) = self.fresh().calendar.at(generation) {
            return Ok(cal);
        }
        let mut conn = self.db().read().await?;
        let cal = load_calendar(&mut conn).await?;
        self.fresh().calendar.keep(generation, cal.clone());
        Ok(cal)
    }

    /// Records the government's actual days off and swapped working days for a year.
    pub async fn set_calendar_override(
        &self,
        actor: &Actor,
        ov: ranks_domain::calendar::YearOverride,
    ) -> Result<(), AppError> {
        if actor.scope != crate::Scope::All {
            return Err(AppError::Forbidden(
                "only a top-level administrator may change the calendar".into(),
            ));
        }
        // Validate against the whole calendar before writing.
        let mut cal = self.calendar().await?;
        cal.set_override(ov.clone())?;
        let body = serde_json::to_string(&ov).expect("json");
        self.run(actor, move |cx| {
            Box::pin(async move {
                let before = settings::calendar_overrides(cx.tx.conn())
                    .await?
                    .into_iter()
                    .find(|(y, _)| *y == i64::from(ov.year))
                    .map(|(_, b)| {
                        serde_json::from_str::<serde_json::Value>(&b).unwrap_or_default()
                    });
                settings::set_calendar_override(cx.tx.conn(), i64::from(ov.year), &body).await?;
                cx.audit(
                    "set",
                    "calendar",
                    ov.year,
                    before,
                    Some(serde_json::from_str(&body).unwrap_or_default()),
                )
                .await
            })
        })
        .await
    }
}

/// The last calendar built and the overrides it was built from: building
/// one computes the lunar holidays afresh, so pages reuse it while the
/// overrides in the database stay the same.
static CALENDAR: std::sync::Mutex<Option<CachedCalendar>> = std::sync::Mutex::new(None);

/// The overrides' rows and the calendar built from them.
type CachedCalendar = (Vec<(i64, String)>, WorkCalendar);

pub(crate) async fn load_calendar(conn: &mut Conn) -> Result<WorkCalendar, AppError> {
    let rows = settings::calendar_overrides(conn).await?;
    if let Ok(g) = CALENDAR.lock() {
        if let Some((seen, cal)) = g.as_ref() {
            if *seen == rows {
                return Ok(cal.clone());
            }
        }
    }
    let cal = build_calendar(rows.clone())?;
    if let Ok(mut g) = CALENDAR.lock() {
        *g = Some((rows, cal.clone()));
    }
    Ok(cal)
}

pub(super) fn build_calendar(rows: Vec<(i64, String)>) -> Result<WorkCalendar, AppError> {
    let mut ovs = Vec::new();
    for (year, body) in rows {
        let ov: ranks_domain::calendar::YearOverride =
            serde_json::from_str(&body).map_err(|e| {
                ranks_store::StoreError::Corrupt(format!("calendar override {year}: {e}"))
            })?;
        ovs.push(ov);
    }
    Ok(WorkCalendar::with_overrides(ovs)?)
}
