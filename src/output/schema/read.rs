//! Reading the files back: a [`Table`] checks the header against a row type's columns and
//! deserializes rows, with errors that name the file, the line and the column.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::de::DeserializeOwned;

/// Why a file could not be read as its schema says.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}: missing column `{column}`")]
    MissingColumn { path: String, column: String },
    #[error("{path}:{line}: column `{column}`: expected a number, found `{value}`")]
    BadValue {
        path: String,
        line: u64,
        column: String,
        value: String,
    },
}

/// A CSV file being read: its header and its path for messages. Cells and header names are
/// trimmed.
pub struct Table<R = File> {
    pub path: String,
    pub header: csv::StringRecord,
    reader: csv::Reader<R>,
}

impl Table<File> {
    pub fn open(path: &Path) -> Result<Self, SchemaError> {
        let shown = path.display().to_string();
        let file = File::open(path).map_err(|source| SchemaError::Io {
            path: shown.clone(),
            source,
        })?;
        Table::from_reader(file, shown)
    }
}

impl<R: Read> Table<R> {
    pub fn from_reader(input: R, path: String) -> Result<Self, SchemaError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(input);
        let header = reader.headers().map_err(|e| parse_error(&path, e))?.clone();
        Ok(Table {
            path,
            header,
            reader,
        })
    }

    /// Index of a column, or an error naming it.
    pub fn column(&self, name: &str) -> Result<usize, SchemaError> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| self.missing(name))
    }

    /// Every one of `names` is a column.
    pub fn require(&self, names: &[String]) -> Result<(), SchemaError> {
        names.iter().try_for_each(|n| self.column(n).map(|_| ()))
    }

    /// The header starts with `names`, in order (rows read by position).
    pub fn require_prefix(&self, names: &[String]) -> Result<(), SchemaError> {
        for (i, name) in names.iter().enumerate() {
            if self.header.get(i) != Some(name.as_str()) {
                return Err(self.missing(name));
            }
        }
        Ok(())
    }

    fn missing(&self, name: &str) -> SchemaError {
        SchemaError::MissingColumn {
            path: self.path.clone(),
            column: name.to_string(),
        }
    }

    /// Calls `each` with every raw record (and its line), for rows with columns named at run
    /// time.
    pub fn records(
        &mut self,
        mut each: impl FnMut(&csv::StringRecord, u64) -> Result<(), SchemaError>,
    ) -> Result<(), SchemaError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    each(&record, line)?;
                }
                Err(e) => return Err(parse_error(&self.path, e)),
            }
        }
    }

    /// Calls `each` with every row as `T` (and its raw record): by column name when `by_name`,
    /// else by position.
    pub fn rows<T: DeserializeOwned>(
        &mut self,
        by_name: bool,
        mut each: impl FnMut(T, &csv::StringRecord) -> Result<(), SchemaError>,
    ) -> Result<(), SchemaError> {
        let header = self.header.clone();
        let path = self.path.clone();
        self.records(|record, line| {
            let row =
                record
                    .deserialize(by_name.then_some(&header))
                    .map_err(|e| match field_of(&e) {
                        Some(i) => SchemaError::BadValue {
                            path: path.clone(),
                            line,
                            column: header.get(i).unwrap_or("").to_string(),
                            value: record.get(i).unwrap_or("").to_string(),
                        },
                        None => SchemaError::Parse {
                            path: path.clone(),
                            line,
                            message: e.to_string(),
                        },
                    })?;
            each(row, record)
        })
    }
}

/// The index of the field a deserialization error is about.
pub(super) fn field_of(e: &csv::Error) -> Option<usize> {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.field().map(|f| f as usize),
        _ => None,
    }
}

fn parse_error(path: &str, e: csv::Error) -> SchemaError {
    SchemaError::Parse {
        path: path.to_string(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}
