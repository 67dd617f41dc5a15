//! Exports of a cursor-paged list (`?format=ndjson|csv`): every matching row from `cursor` (or
//! the start) to the end, streamed in a chunked body one GraphQL page at a time. A page is
//! read only when the previous one has been handed to the connection, so memory holds one page
//! whatever the size of the export.
//!
//! The first page is read before the response starts: a bad parameter, a cursor or a scope
//! the caller lacks is still a 4xx. A failure after that cannot change the status any more: the
//! body is cut off (the chunked encoding is not terminated), which a client sees as an
//! incomplete transfer rather than a short export.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::cursor::{Chunk, CursorParams, CursorRoot};
use super::operation::{Built, Translator};
use super::Refusal;
use crate::app::AppState;
use crate::auth::Principal;

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (`application/x-ndjson`), nested values as JSON.
    Ndjson,
    /// A header row of the field names, then one row per record (`text/csv`); a nested value
    /// (a list, an object) is its JSON text in one cell, a null an empty cell.
    Csv,
}

impl Format {
    /// The format `value` of the parameter `param` names: `None` for `json` (a page, not an
    /// export).
    pub fn parse(param: &str, value: &str) -> Result<Option<Format>, Refusal> {
        match value {
            "json" => Ok(None),
            "ndjson" => Ok(Some(Format::Ndjson)),
            "csv" => Ok(Some(Format::Csv)),
            _ => Err(Refusal::param(param, "must be json, ndjson or csv")),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
        }
    }
}

/// Writes pages of rows in the export's format.
struct Writer {
    format: Format,
    built: Arc<Built>,
    /// The CSV columns: the plan's fields and associations, in order.
    columns: Vec<&'static str>,
    header_written: bool,
}

impl Writer {
    fn new(format: Format, built: Arc<Built>) -> Writer {
        let plan = &built.plan;
        let columns = plan
            .output
            .iter()
            .map(|f| f.name)
            .chain(plan.expands.iter().map(|(e, _)| e.name))
            .collect();
        Writer {
            format,
            built,
            columns,
            header_written: false,
        }
    }

    /// The rows of `chunk` (after the CSV header, the first time).
    fn write(&mut self, chunk: &Chunk) -> Result<Bytes, Refusal> {
        let plan = &self.built.plan;
        match self.format {
            Format::Ndjson => {
                let mut out = Vec::with_capacity(chunk.rows * 512);
                for node in chunk.nodes() {
                    serde_json::to_writer(&mut out, &plan.shaped_row(node))
                        .map_err(Refusal::internal)?;
                    out.push(b'\n');
                }
                Ok(out.into())
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(Vec::with_capacity(chunk.rows * 256));
                if !self.header_written {
                    w.write_record(&self.columns).map_err(Refusal::internal)?;
                    self.header_written = true;
                }
                for node in chunk.nodes() {
                    let row = plan.reshape_value(node);
                    w.write_record(self.columns.iter().map(|c| cell(row.get(*c))))
                        .map_err(Refusal::internal)?;
                }
                w.into_inner()
                    .map(Bytes::from)
                    .map_err(|e| Refusal::internal(e.error()))
            }
        }
    }
}

/// A value as one CSV cell.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// What the stream carries from one page to the next.
struct Export {
    translator: Arc<Translator>,
    state: AppState,
    principal: Principal,
    root: &'static CursorRoot,
    params: CursorParams,
    writer: Writer,
    /// Written but not yet handed over (the first page).
    pending: Option<Bytes>,
    /// Where the next page starts; `None` after the last.
    next: Option<String>,
}

impl Export {
    async fn step(mut self) -> Option<(Result<Bytes, std::io::Error>, Export)> {
        if let Some(bytes) = self.pending.take() {
            return Some((Ok(bytes), self));
        }
        let after = self.next.take()?;
        let built = self.writer.built.clone();
        let read = self
            .translator
            .cursor_chunk(
                &self.state,
                self.principal.clone(),
                &built,
                &self.params,
                Some(&after),
                self.root.page_size,
            )
            .await
            .and_then(|chunk| {
                let bytes = self.writer.write(&chunk)?;
                // A page without rows ends the export even if it claims more.
                self.next = chunk.next.filter(|_| chunk.rows > 0);
                Ok(bytes)
            });
        match read {
            Ok(bytes) => Some((Ok(bytes), self)),
            Err(r) => {
                tracing::error!(error = %r.message, list = self.root.field, "an export failed mid-stream");
                Some((Err(std::io::Error::other(r.message)), self))
            }
        }
    }
}

/// The response streaming every row of `root` matching `params` in `format` (see the module
/// documentation); `name` names the download (`customers` → `customers.csv`).
pub async fn export(
    translator: Arc<Translator>,
    state: AppState,
    principal: Principal,
    root: &'static CursorRoot,
    params: CursorParams,
    format: Format,
    name: &str,
) -> Result<Response, Refusal> {
    if params.limit.is_some() {
        return Err(Refusal::param(
            "limit",
            "does not apply to an export, which streams every matching row (page with format=json)",
        ));
    }
    let built = translator.cursor_operation(root, &params)?;
    let first = translator
        .cursor_chunk(
            &state,
            principal.clone(),
            &built,
            &params,
            params.cursor.as_deref(),
            root.page_size,
        )
        .await?;
    let mut writer = Writer::new(format, built);
    let pending = Some(writer.write(&first)?);
    let next = first.next.clone().filter(|_| first.rows > 0);
    drop(first);
    let export = Export {
        translator,
        state,
        principal,
        root,
        params,
        writer,
        pending,
        next,
    };
    let stream = futures_util::stream::unfold(export, Export::step);
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_and_cells() {
        assert_eq!(Format::parse("format", "csv").unwrap(), Some(Format::Csv));
        assert_eq!(Format::parse("format", "json").unwrap(), None);
        assert_eq!(
            Format::parse("format", "xml").unwrap_err().param.as_deref(),
            Some("format")
        );
        assert_eq!(cell(Some(&json!(null))), "");
        assert_eq!(cell(Some(&json!("a,b"))), "a,b");
        assert_eq!(cell(Some(&json!(["x", "y"]))), r#"["x","y"]"#);
        assert_eq!(cell(Some(&json!(2.5))), "2.5");
    }
}
