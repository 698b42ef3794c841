"""Reads an Iceberg table through PyIceberg's SQL catalog, independently of the Java writer.

Usage: read_table.py <sqlalchemy-uri> <catalog-name> <warehouse> <namespace.table> [<properties>]
<properties>: a JSON object of further catalog properties, e.g. the S3 settings of a warehouse on
s3:// ({"s3.endpoint": ..., "s3.access-key-id": ..., "s3.secret-access-key": ..., "s3.region": ...}).
Prints one JSON object: the schema, the partition spec, every row and every snapshot's summary.
"""
import json
import sys

from pyiceberg.catalog.sql import SqlCatalog

uri, name, warehouse, identifier = sys.argv[1:5]
properties = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
catalog = SqlCatalog(name, uri=uri, warehouse=warehouse, **properties)
table = catalog.load_table(identifier)
rows = table.scan().to_arrow().to_pylist()
out = {
    "schema": [
        {"name": f.name, "type": str(f.field_type), "required": f.required}
        for f in table.schema().fields
    ],
    "partitionBy": [
        {
            "source": table.schema().find_column_name(f.source_id),
            "transform": str(f.transform),
        }
        for f in table.spec().fields
    ],
    "rows": rows,
    "snapshots": [
        {"id": s.snapshot_id, "summary": s.summary.additional_properties if s.summary else {},
         "operation": str(s.summary.operation) if s.summary else None}
        for s in table.snapshots()
    ],
    "dataFiles": [t.file.file_path for t in table.scan().plan_files()],
}
json.dump(out, sys.stdout, default=str)
