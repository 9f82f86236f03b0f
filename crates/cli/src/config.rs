//! Effective configuration: defaults, then a TOML file, then `RANKS_*`
//! environment variables, then command-line flags (clap reads flag and
//! environment together, the flag winning).

use anyhow::{Context, Result};
use ranks_app::import::ImportLimits;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database: Option<String>,
    pub listen: Option<String>,
    pub profile: Option<PathBuf>,
    /// The `[import]` table: limits of uploaded spreadsheets.
    pub import: Option<ImportConfig>,
}

/// The limits of spreadsheet imports (docs/import.md), as an operator
/// writes them: sizes in MB (MiB), counts as numbers. Each is also a flag
/// (`--import-max-rows`) and an environment variable
/// (`RANKS_IMPORT_MAX_ROWS`); unset ones keep their defaults.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// Largest upload, in MB (default 32).
    #[arg(
        long = "import-max-upload-mb",
        global = true,
        env = "RANKS_IMPORT_MAX_UPLOAD_MB"
    )]
    pub max_upload_mb: Option<u64>,
    /// Most an XLSX file may unpack to, in MB (default 256).
    #[arg(
        long = "import-max-unpacked-mb",
        global = true,
        env = "RANKS_IMPORT_MAX_UNPACKED_MB"
    )]
    pub max_unpacked_mb: Option<u64>,
    /// Most rows under the header (default 200000).
    #[arg(long = "import-max-rows", global = true, env = "RANKS_IMPORT_MAX_ROWS")]
    pub max_rows: Option<u64>,
    /// Most columns (default 256).
    #[arg(
        long = "import-max-columns",
        global = true,
        env = "RANKS_IMPORT_MAX_COLUMNS"
    )]
    pub max_columns: Option<u64>,
    /// Most cells holding a value (default 4000000).
    #[arg(
        long = "import-max-cells",
        global = true,
        env = "RANKS_IMPORT_MAX_CELLS"
    )]
    pub max_cells: Option<u64>,
    /// Most characters in a cell (default 32767, Excel's own limit).
    #[arg(
        long = "import-max-cell-chars",
        global = true,
        env = "RANKS_IMPORT_MAX_CELL_CHARS"
    )]
    pub max_cell_chars: Option<u64>,
    /// Imports read and checked at once (default 2).
    #[arg(
        long = "import-max-running",
        global = true,
        env = "RANKS_IMPORT_MAX_RUNNING"
    )]
    pub max_running: Option<u64>,
    /// Imports waiting for their turn; more are refused as busy (default 8).
    #[arg(
        long = "import-max-waiting",
        global = true,
        env = "RANKS_IMPORT_MAX_WAITING"
    )]
    pub max_waiting: Option<u64>,
}

impl ImportConfig {
    /// Each value given here, else the one in `other`.
    fn or(self, other: ImportConfig) -> ImportConfig {
        ImportConfig {
            max_upload_mb: self.max_upload_mb.or(other.max_upload_mb),
            max_unpacked_mb: self.max_unpacked_mb.or(other.max_unpacked_mb),
            max_rows: self.max_rows.or(other.max_rows),
            max_columns: self.max_columns.or(other.max_columns),
            max_cells: self.max_cells.or(other.max_cells),
            max_cell_chars: self.max_cell_chars.or(other.max_cell_chars),
            max_running: self.max_running.or(other.max_running),
            max_waiting: self.max_waiting.or(other.max_waiting),
        }
    }

    /// Every value, the defaults filled in.
    fn filled(self) -> ImportConfig {
        let d = ImportLimits::default();
        self.or(ImportConfig {
            max_upload_mb: Some(d.upload_bytes / MB),
            max_unpacked_mb: Some(d.unpacked_bytes / MB),
            max_rows: Some(d.rows),
            max_columns: Some(d.columns),
            max_cells: Some(d.cells),
            max_cell_chars: Some(d.cell_chars),
            max_running: Some(d.running as u64),
            max_waiting: Some(d.waiting as u64),
        })
    }

    /// The limits the importer holds files to; a value out of range is
    /// refused naming it.
    pub fn limits(&self) -> Result<ImportLimits> {
        let c = self.filled();
        let get = |name: &str, v: Option<u64>, min: u64, max: u64| -> Result<u64> {
            let v = v.expect("filled");
            if v < min || v > max {
                anyhow::bail!("import.{name}: {v} is not between {min} and {max}");
            }
            Ok(v)
        };
        Ok(ImportLimits {
            upload_bytes: get("max_upload_mb", c.max_upload_mb, 1, 4096)? * MB,
            unpacked_bytes: get("max_unpacked_mb", c.max_unpacked_mb, 1, 65_536)? * MB,
            rows: get("max_rows", c.max_rows, 1, 100_000_000)?,
            columns: get("max_columns", c.max_columns, 1, 16_384)?,
            cells: get("max_cells", c.max_cells, 1, 1_000_000_000)?,
            cell_chars: get("max_cell_chars", c.max_cell_chars, 1, 1_000_000)?,
            running: get("max_running", c.max_running, 1, 64)? as usize,
            waiting: get("max_waiting", c.max_waiting, 0, 10_000)? as usize,
        })
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Config {
    /// Where the data lives: a SQLite file path or URL, or a PostgreSQL URL.
    pub database: String,
    /// Address the server listens on.
    pub listen: String,
    /// The procedure profile file; the shipped CPV profile when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<PathBuf>,
    /// The configuration file read, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_file: Option<PathBuf>,
    /// Limits of spreadsheet imports, every one filled in.
    pub import: ImportConfig,
}

const MB: u64 = 1024 * 1024;

pub const DEFAULT_DATABASE: &str = "ranks.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Reads the file if given, or `ranks.toml` in the current directory if present.
pub fn load(explicit: Option<&Path>) -> Result<(FileConfig, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Some(PathBuf::from("ranks.toml")).filter(|p| p.exists()),
    };
    let Some(path) = path else {
        return Ok((FileConfig::default(), None));
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    let file: FileConfig = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("configuration file {}: {}", path.display(), e.message()))?;
    Ok((file, Some(path)))
}

pub fn resolve(
    file: FileConfig,
    path: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    profile: Option<PathBuf>,
    import: ImportConfig,
) -> Config {
    Config {
        import: import.or(file.import.unwrap_or_default()).filled(),
        profile: profile.or(file.profile),
        database: database
            .or(file.database)
            .unwrap_or_else(|| DEFAULT_DATABASE.to_string()),
        listen: listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
        config_file: path,
    }
}
