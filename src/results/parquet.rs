//! `timeseries.parquet` (`vppsim run --format parquet`): the run's `timeseries.csv` as
//! Parquet, made from the CSV text itself so both always hold the same columns and values.
//! A CSV header `grid.import [MW]` becomes the Float64 field `grid.import` with field
//! metadata `unit = MW`; `timestamp` stays the RFC 3339 text with its UTC offset (Utf8), as
//! in the CSV. Values are the CSV's numbers parsed back, so they equal the CSV exactly.
//! [`write_arrow`] is the Parquet writer the sweep's table uses too.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

/// One record batch as the bytes of a Parquet file (Snappy-compressed, one row group,
/// created by this vppsim version).
pub fn write_arrow(schema: Arc<Schema>, arrays: Vec<ArrayRef>) -> Result<Vec<u8>, String> {
    let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string())?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(concat!("vppsim ", env!("CARGO_PKG_VERSION")).into())
        .build();
    let mut out = Vec::new();
    let mut writer =
        ArrowWriter::try_new(&mut out, schema, Some(props)).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok(out)
}

/// A CSV header `name [unit]` split into name and unit. The per-step money and CO2 columns
/// carry their unit in the name instead (`import_cost_eur` → `EUR`, `co2_kg` → `kg`) and
/// keep their names; any other header without brackets has unit `""`.
pub fn split_header(header: &str) -> (&str, &str) {
    match header.strip_suffix(']').and_then(|h| h.rsplit_once(" [")) {
        Some((name, unit)) => (name, unit),
        None if header.ends_with("_kg") => (header, "kg"),
        None => (
            header,
            crate::currency::Currency::of_name(header).map_or("", |c| c.code()),
        ),
    }
}

/// `timeseries.csv` (as `timeseries_csv` writes it) as the bytes of a Parquet file.
pub fn timeseries_parquet(csv: &str) -> Result<Vec<u8>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(String::from)
        .collect();
    let mut stamps: Vec<String> = Vec::new();
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); headers.len().saturating_sub(1)];
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("timeseries row {}: {e}", i + 2))?;
        stamps.push(record[0].to_string());
        for (j, cell) in record.iter().skip(1).enumerate() {
            let v = cell.parse::<f64>().map_err(|_| {
                format!(
                    "timeseries row {}, column '{}': '{cell}'",
                    i + 2,
                    headers[j + 1]
                )
            })?;
            columns[j].push(v);
        }
    }
    let mut fields = vec![
        Field::new("timestamp", DataType::Utf8, false).with_metadata(HashMap::from([(
            "format".to_string(),
            "RFC 3339, local time with its UTC offset".to_string(),
        )])),
    ];
    for h in headers.iter().skip(1) {
        let (name, unit) = split_header(h);
        fields.push(
            Field::new(name, DataType::Float64, false)
                .with_metadata(HashMap::from([("unit".to_string(), unit.to_string())])),
        );
    }
    let mut arrays: Vec<ArrayRef> = vec![Arc::new(StringArray::from(stamps))];
    arrays.extend(
        columns
            .into_iter()
            .map(|c| Arc::new(Float64Array::from(c)) as ArrayRef),
    );
    write_arrow(Arc::new(Schema::new(fields)), arrays)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_split_into_name_and_unit() {
        assert_eq!(split_header("grid.import [MW]"), ("grid.import", "MW"));
        assert_eq!(
            split_header("grid.import_price [CNY/kWh]"),
            ("grid.import_price", "CNY/kWh")
        );
        assert_eq!(split_header("timestamp"), ("timestamp", ""));
        assert_eq!(split_header("import_cost_eur"), ("import_cost_eur", "EUR"));
        assert_eq!(split_header("co2_kg"), ("co2_kg", "kg"));
    }
}
