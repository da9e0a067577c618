//! The sweep's table as Parquet (Arrow types: Int64, Utf8, Float64; empty cells are
//! nulls), for pandas (`pd.read_parquet`) and polars; each KPI column carries its unit in
//! the field metadata (`unit`).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, Int64Array, StringArray};
use arrow_schema::{DataType, Field, Schema};

use super::table::{Cell, Kind, Table};

/// The table as the bytes of a Parquet file (Snappy-compressed, one row group).
pub fn to_parquet(table: &Table) -> Result<Vec<u8>, String> {
    let fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| {
            let kind = match c.kind {
                Kind::Int => DataType::Int64,
                Kind::Text => DataType::Utf8,
                Kind::Number => DataType::Float64,
            };
            let field = Field::new(&c.name, kind, true);
            if c.unit.is_empty() {
                field
            } else {
                field.with_metadata(HashMap::from([("unit".to_string(), c.unit.to_string())]))
            }
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let arrays: Vec<ArrayRef> = table
        .columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let cells = table.rows.iter().map(|r| &r[j]);
            match c.kind {
                Kind::Int => Arc::new(Int64Array::from_iter(cells.map(|x| match x {
                    Cell::Int(i) => Some(*i),
                    _ => None,
                }))) as ArrayRef,
                Kind::Text => Arc::new(StringArray::from_iter(cells.map(|x| match x {
                    Cell::Text(t) => Some(t.as_str()),
                    _ => None,
                }))) as ArrayRef,
                Kind::Number => Arc::new(Float64Array::from_iter(cells.map(|x| match x {
                    Cell::Number(v) => Some(*v),
                    _ => None,
                }))) as ArrayRef,
            }
        })
        .collect();
    crate::results::parquet::write_arrow(schema, arrays)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::table::Column;
    use arrow_array::Array as _;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn round_trips_through_the_arrow_reader() {
        let col = |name: &str, kind, unit| Column {
            name: name.into(),
            kind,
            unit,
        };
        let table = Table {
            columns: vec![
                col("case", Kind::Int, ""),
                col("status", Kind::Text, ""),
                col("grid_import_mwh", Kind::Number, "MWh"),
            ],
            rows: vec![
                vec![Cell::Int(1), Cell::Text("ok".into()), Cell::Number(2.5)],
                vec![Cell::Int(2), Cell::Text("failed".into()), Cell::Empty],
            ],
        };
        let path = std::env::temp_dir().join(format!("vppsim-{}.parquet", std::process::id()));
        std::fs::write(&path, to_parquet(&table).unwrap()).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let _ = std::fs::remove_file(&path);
        let schema = reader.schema().clone();
        assert_eq!(schema.field(2).metadata()["unit"], "MWh");
        let batch = reader.build().unwrap().next().unwrap().unwrap();
        let imports = batch
            .column(2)
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        assert_eq!((imports.value(0), imports.is_null(1)), (2.5, true));
        let status = batch
            .column(1)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert_eq!(status.value(1), "failed");
    }
}
