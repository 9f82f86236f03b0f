//! A batch of rows for the bulk loader: every field's text in one buffer,
//! so that a batch costs no allocation per field, and its buffers are
//! reused from batch to batch (the writer sends spent batches back).

/// Rows of `width` text values (NULL as `None`), all in one buffer.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    width: usize,
    text: String,
    /// The end of each field in `text`, [`NULL`] set for a NULL.
    ends: Vec<u32>,
}

/// The flag of a NULL field in [`Rows::ends`].
const NULL: u32 = 1 << 31;

/// A place in a batch to go back to ([`Rows::rewind`]).
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    text: usize,
    ends: usize,
}

impl Rows {
    pub fn new(width: usize) -> Rows {
        Rows {
            width: width.max(1),
            text: String::new(),
            ends: Vec::new(),
        }
    }

    /// Rows of `width` values, with room for `rows` of them.
    pub fn with_capacity(width: usize, rows: usize) -> Rows {
        let mut r = Rows::new(width);
        r.ends.reserve(rows * r.width);
        r.text.reserve(rows * r.width * 12);
        r
    }

    /// The same rows again, empty, for `width` values (keeping the buffers).
    pub fn reset(&mut self, width: usize) {
        self.width = width.max(1);
        self.clear();
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Whole rows held.
    pub fn len(&self) -> usize {
        self.ends.len() / self.width
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn end(&mut self) {
        assert!(self.text.len() < NULL as usize, "a bulk batch over 2 GiB");
        self.ends.push(self.text.len() as u32);
    }

    /// Appends a text field.
    pub fn push_str(&mut self, v: &str) {
        self.text.push_str(v);
        self.end();
    }

    /// Appends a NULL field.
    pub fn push_null(&mut self) {
        self.ends.push(self.text.len() as u32 | NULL);
    }

    /// Appends a field, NULL for `None`.
    pub fn push(&mut self, v: Option<&str>) {
        match v {
            Some(s) => self.push_str(s),
            None => self.push_null(),
        }
    }

    /// Appends an integer field.
    pub fn push_int(&mut self, v: i64) {
        use std::fmt::Write;
        let _ = write!(self.text, "{v}");
        self.end();
    }

    /// Appends a field whose text `f` writes at the end of the buffer.
    pub fn push_with(&mut self, f: impl FnOnce(&mut String)) {
        f(&mut self.text);
        self.end();
    }

    /// Appends one row of owned values.
    pub fn push_values(&mut self, row: &[Option<String>]) {
        for v in row {
            self.push(v.as_deref());
        }
    }

    /// Where the batch stands now.
    pub fn mark(&self) -> Mark {
        Mark {
            text: self.text.len(),
            ends: self.ends.len(),
        }
    }

    /// Forgets everything appended since `mark`.
    pub fn rewind(&mut self, mark: Mark) {
        self.text.truncate(mark.text);
        self.ends.truncate(mark.ends);
    }

    /// Field `j` of row `i`.
    pub fn get(&self, i: usize, j: usize) -> Option<&str> {
        let k = i * self.width + j;
        let end = *self.ends.get(k)?;
        if end & NULL != 0 {
            return None;
        }
        let start = if k == 0 { 0 } else { self.ends[k - 1] & !NULL };
        self.text.get(start as usize..end as usize)
    }

    /// The values of row `i`.
    pub fn row(&self, i: usize) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.width).map(move |j| self.get(i, j))
    }
}

impl From<(usize, Vec<Vec<Option<String>>>)> for Rows {
    fn from((width, rows): (usize, Vec<Vec<Option<String>>>)) -> Rows {
        let mut r = Rows::new(width);
        for row in &rows {
            r.push_values(row);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::Rows;

    #[test]
    fn fields_come_back_as_pushed_nulls_and_empties_apart() {
        let mut r = Rows::new(3);
        r.push_int(7);
        r.push_str("Nguyễn Văn An");
        r.push_null();
        let m = r.mark();
        r.push_str("");
        r.push_with(|s| s.push_str("2025-07-01"));
        r.rewind(m);
        r.push_str("");
        r.push(None);
        r.push(Some("x"));
        assert_eq!(r.len(), 2);
        let rows: Vec<Vec<Option<&str>>> = (0..r.len()).map(|i| r.row(i).collect()).collect();
        assert_eq!(
            rows,
            vec![
                vec![Some("7"), Some("Nguyễn Văn An"), None],
                vec![Some(""), None, Some("x")]
            ]
        );
        r.reset(2);
        assert!(r.is_empty());
        r.push_values(&[Some("a".into()), None]);
        assert_eq!(r.row(0).collect::<Vec<_>>(), vec![Some("a"), None]);
    }
}
