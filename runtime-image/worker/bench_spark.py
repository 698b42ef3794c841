"""Spark column of bench-batch.sh (not a test): what a data engineer would run instead.

The same read, normalize, mask and write as the benchmark's DataPipeline, in PySpark local mode:
JDBC with the same number of range partitions on id, email trim + lower then HMAC-SHA256 hex with
the same key (written with sha2, so the output equals Tributary's), country trim + upper, phone
with all but the last 4 characters replaced by '*', amount as double, Parquet (Snappy, timestamps
as INT64 micros like Tributary's). Each run writes a fresh directory.

Prints one line "spark <seconds>" per run, timed inside the session (start-up not included; the
script times the whole process). With --check, compares Tributary's lake with Spark's output.
"""

import argparse
import shutil
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def hmac_sha256_hex(value, key: bytes):
    """HMAC-SHA256 (RFC 2104) of a binary column, in Spark SQL functions only (key <= 64 bytes)."""
    block = key.ljust(64, b"\0")
    ipad = bytearray(b ^ 0x36 for b in block)
    opad = bytearray(b ^ 0x5C for b in block)
    inner = F.unhex(F.sha2(F.concat(F.lit(ipad), value), 256))
    return F.sha2(F.concat(F.lit(opad), inner), 256)


def pipeline(spark, args, out):
    df = (
        spark.read.format("jdbc")
        .option("url", args.url)
        .option("driver", "org.postgresql.Driver")
        .option("dbtable", "payments")
        .option("user", "postgres")
        .option("partitionColumn", "id")
        .option("lowerBound", str(args.lower))
        .option("upperBound", str(args.upper))
        .option("numPartitions", str(args.partitions))
        .option("fetchsize", "10000")
        .load()
    )
    email = F.encode(F.lower(F.trim(F.col("email"))), "UTF-8")
    phone = F.col("phone")
    masked_phone = F.when(
        F.length(phone) > 4,
        F.concat(F.expr("repeat('*', length(phone) - 4)"), F.expr("substring(phone, -4)")),
    ).otherwise(phone)
    (
        df.select(
            "id",
            "customer_id",
            hmac_sha256_hex(email, args.key.encode()).alias("email"),
            masked_phone.alias("phone"),
            F.col("amount").cast("double").alias("amount"),
            "currency",
            F.upper(F.trim(F.col("country"))).alias("country"),
            "created_at",
            "status",
            "note",
        )
        .write.mode("overwrite")
        .option("compression", "snappy")
        .parquet(out)
    )


def check(spark, spark_out, tributary_lake, rows):
    ours = spark.read.parquet(tributary_lake)
    theirs = spark.read.parquet(spark_out)
    cols = ["id", "email", "phone", "country", "amount"]
    n_ours, n_theirs = ours.count(), theirs.count()
    diff = ours.select(cols).exceptAll(theirs.select(cols)).count()
    print(f"check: tributary {n_ours} rows, spark {n_theirs} rows, {diff} differing in {cols}")
    return n_ours == rows and n_theirs == rows and diff == 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--partitions", type=int, default=2)
    p.add_argument("--lower", type=int, required=True)
    p.add_argument("--upper", type=int, required=True)
    p.add_argument("--key", default="benchmark-key")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--jar", required=True)
    p.add_argument("--memory", default="2g")
    p.add_argument("--check", metavar="TRIBUTARY_LAKE")
    p.add_argument("--rows", type=int)
    args = p.parse_args()
    spark = (
        SparkSession.builder.master(f"local[{args.partitions}]")
        .appName("bench-batch")
        .config("spark.jars", args.jar)
        .config("spark.driver.memory", args.memory)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    ok = True
    for i in range(args.runs):
        shutil.rmtree(args.out, ignore_errors=True)
        t0 = time.monotonic()
        pipeline(spark, args, args.out)
        print(f"spark {time.monotonic() - t0:.3f}", flush=True)
    if args.check:
        ok = check(spark, args.out, args.check, args.rows)
    spark.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
