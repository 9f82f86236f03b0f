//! Charts as SVG, so they go into pages and printed reports alike.

use ranks_domain::Date;
use std::fmt::Write;

/// Text escaped for HTML and SVG (text and attribute values).
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The drawing's width in its own units and the size of its labels: a page
/// shows a chart at its full width, so a wide drawing for screens and a
/// narrow one for phones keep the labels readable on both (the page's
/// style sheet shows one of them, by the classes `wide` and `narrow`).
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub width: f64,
    /// Labels; titles are two units larger.
    pub font: f64,
    /// Added to the `chart` class.
    pub class: &'static str,
}

/// For a page on a screen (about 1,100 pixels wide).
pub const WIDE: Size = Size {
    width: 960.0,
    font: 13.0,
    class: "wide",
};

/// For a page on a phone (about 340 pixels wide).
pub const NARROW: Size = Size {
    width: 360.0,
    font: 12.5,
    class: "narrow",
};

/// The size of charts drawn once (printed reports, the defaults).
pub const PRINT: Size = Size {
    width: 640.0,
    font: 11.0,
    class: "print",
};

/// `s` cut to `n` characters, with an ellipsis when cut.
fn fit(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        s.chars().take(n.saturating_sub(1)).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// Admissions accumulated over the term against the target: a step line of
/// admissions up to today, the target as a horizontal line, and the
/// pro-rata path to it as a dotted diagonal.
pub fn burn_up(
    title: &str,
    start: Date,
    end: Date,
    admissions: &[Date],
    target: Option<u64>,
    today: Date,
) -> String {
    burn_up_sized(title, start, end, admissions, target, today, PRINT)
}

/// [`burn_up`] drawn at a size.
pub fn burn_up_sized(
    title: &str,
    start: Date,
    end: Date,
    admissions: &[Date],
    target: Option<u64>,
    today: Date,
    size: Size,
) -> String {
    let f = size.font;
    let w = size.width;
    let h = if w < 500.0 {
        240.0
    } else {
        280.0 + (w - 640.0) / 8.0
    };
    let (l, r, t, b) = (3.6 * f, 16.0, 2.4 * f, 2.8 * f);
    let days = (end - start).num_days().max(1) as f64;
    let x = |d: Date| l + (w - l - r) * ((d - start).num_days() as f64 / days).clamp(0.0, 1.0);
    let count = admissions.len() as u64;
    let top = count.max(target.unwrap_or(0)).max(1) as f64 * 1.15;
    let y = |v: f64| h - b - (h - t - b) * (v / top);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{title}" class="chart burnup {class}"><title>{title}</title>"##,
        title = esc(title),
        class = size.class
    );
    let _ = write!(
        s,
        r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" font-size="{}" font-weight="600">{}</text>"##,
        if w < 500.0 { 8.0 } else { l },
        1.4 * f + 2.0,
        f + 2.0,
        // Cut to the drawing's width; the whole title is its label.
        esc(&fit(title, ((w - 16.0) / ((f + 2.0) * 0.64)) as usize))
    );
    // Axes, year ticks, value ticks.
    let _ = write!(
        s,
        r##"<line x1="{l}" y1="{}" x2="{}" y2="{}" stroke="#8c959f"/>"##,
        h - b,
        w - r,
        h - b
    );
    let _ = write!(
        s,
        r##"<line x1="{l}" y1="{t}" x2="{l}" y2="{}" stroke="#8c959f"/>"##,
        h - b
    );
    use chrono::Datelike;
    for year in start.year()..=end.year() {
        if let Some(d) = Date::from_ymd_opt(year, 1, 1).filter(|d| *d >= start && *d <= end) {
            let _ = write!(
                s,
                r##"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#d8dee4"/><text x="{0}" y="{3}" font-size="{f}" text-anchor="middle" fill="#636c76">{year}</text>"##,
                x(d),
                t,
                h - b,
                h - b + f + 5.0
            );
        }
    }
    let step = ((top / 5.0).ceil()).max(1.0);
    let mut v = 0.0;
    while v <= top {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" font-size="{f}" text-anchor="end" fill="#636c76">{v}</text>"##,
            l - 6.0,
            y(v) + 4.0
        );
        v += step;
    }
    if let Some(tg) = target {
        let tg = tg as f64;
        let _ = write!(
            s,
            r##"<line class="target" x1="{l}" y1="{0}" x2="{1}" y2="{0}" stroke="#b3261e" stroke-dasharray="6 4"/>"##,
            y(tg),
            w - r
        );
        let _ = write!(
            s,
            r##"<line class="pace" x1="{l}" y1="{}" x2="{}" y2="{}" stroke="#b3261e" stroke-opacity=".45" stroke-dasharray="2 3"/>"##,
            y(0.0),
            w - r,
            y(tg)
        );
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" font-size="{f}" text-anchor="end" fill="#b3261e">{tg}</text>"##,
            w - r,
            y(tg) - 4.0
        );
    }
    // The step line of admissions: one step per day (a country admits
    // thousands a term; a step each would make the page megabytes).
    let mut path = format!("M{l},{}", y(0.0));
    let mut n = 0.0;
    let mut upto = admissions.iter().filter(|d| **d <= end).peekable();
    while let Some(d) = upto.next() {
        n += 1.0;
        if upto.peek().is_some_and(|next| *next == d) {
            continue;
        }
        let _ = write!(path, " H{:.1} V{:.1}", x(*d), y(n));
    }
    let _ = write!(path, " H{:.1}", x(today.min(end)));
    let _ = write!(
        s,
        r##"<path class="admitted" d="{path}" fill="none" stroke="#1a7f37" stroke-width="2.5"/>"##
    );
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" font-size="{}" font-weight="600" fill="#1a7f37">{count}</text>"##,
        (x(today.min(end)) + 4.0).min(w - 3.0 * f),
        y(n) - 4.0,
        f + 1.0
    );
    s.push_str("</svg>");
    s
}

/// Horizontal bars, widest first stage on top: a funnel.
pub fn funnel(title: &str, rows: &[(String, u64)]) -> String {
    funnel_sized(title, rows, PRINT)
}

/// [`funnel`] drawn at a size: the labels left of the bars, or above them
/// on a narrow drawing.
pub fn funnel_sized(title: &str, rows: &[(String, u64)], size: Size) -> String {
    let (w, f) = (size.width, size.font);
    let above = w < 500.0;
    let (bar, gap) = (f + 8.0, f / 2.0);
    let l = if above { 8.0 } else { (w * 0.34).round() };
    let t = 2.2 * f;
    let row = if above {
        bar + gap + f + 4.0
    } else {
        bar + gap
    };
    let h = t + rows.len() as f64 * row + 8.0;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{1}" class="chart funnel {2}"><title>{1}</title><rect x="0" y="0" width="{w}" height="{h}" fill="#fff"/><text x="8" y="{3}" font-size="{4}" font-weight="600">{0}</text>"##,
        esc(title),
        // The chart in words, for screen readers: every bar's label and figure.
        esc(&format!(
            "{title}: {}",
            rows.iter()
                .map(|(l, n)| format!("{l} {n}"))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        size.class,
        1.4 * f + 2.0,
        f + 2.0
    );
    // Characters that fit in the label's room (an average glyph is about
    // half the font size wide).
    let room = if above { w - 16.0 } else { l - 16.0 };
    let fits = ((room / (f * 0.58)) as usize).max(12);
    for (i, (label, n)) in rows.iter().enumerate() {
        let top = t + i as f64 * row;
        let yy = if above { top + f + 4.0 } else { top };
        // Long names are cut to fit; the full name is in the page's table.
        let label = fit(label, fits);
        let bw = (w - l - 4.0 * f) * (*n as f64 / max);
        let (lx, ly, anchor) = if above {
            (l, top + f, "start")
        } else {
            (l - 8.0, yy + bar * 0.5 + f * 0.35, "end")
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ly:.1}" font-size="{f}" text-anchor="{anchor}">{}</text><rect class="bar" x="{l}" y="{yy:.1}" width="{bw:.1}" height="{bar}" fill="#9a6700" rx="3"/><text x="{:.1}" y="{:.1}" font-size="{f}">{n}</text>"##,
            esc(&label),
            l + bw + 6.0,
            yy + bar * 0.5 + f * 0.35
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn burn_up_draws_every_admission_and_the_target() {
        let adm = [d("2021-01-04"), d("2022-03-01"), d("2023-05-02")];
        let svg = burn_up(
            "A & B",
            d("2020-07-01"),
            d("2025-06-30"),
            &adm,
            Some(4),
            d("2024-01-01"),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("A &amp; B"));
        assert_eq!(svg.matches(" V").count(), 3, "one step per admission");
        assert!(svg.contains(r#"class="target""#) && svg.contains(r#"class="pace""#));
        let none = burn_up(
            "X",
            d("2020-07-01"),
            d("2025-06-30"),
            &[],
            None,
            d("2024-01-01"),
        );
        assert!(!none.contains(r#"class="target""#));
    }

    #[test]
    fn funnel_bars_scale_to_the_widest() {
        let svg = funnel("F", &[("pool".into(), 10), ("course".into(), 5)]);
        assert_eq!(svg.matches(r#"class="bar""#).count(), 2);
        assert!(
            svg.contains(r#"width="378.0""#) && svg.contains(r#"width="189.0""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"aria-label="F: pool 10; course 5""#),
            "the figures in words: {svg}"
        );
    }
}
