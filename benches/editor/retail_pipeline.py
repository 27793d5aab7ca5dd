"""Retail analytics pipeline: raw order exports -> cleaned tables -> daily marts.

A realistic, medium-sized Dagster module (about 500 lines) used to measure how fast
dagster-api-lint checks one file from an editor (`scripts/bench-editor`). It mixes stable
APIs with a few deprecated, beta and superseded ones, as real projects do.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence

import dagster as dg
from dagster import (
    AssetCheckExecutionContext,
    AssetExecutionContext,
    AutoMaterializePolicy,
    SourceAsset,
)
from pydantic import Field

DATA_ROOT = Path(os.environ.get("RETAIL_DATA_ROOT", "/var/lib/retail"))
REGIONS = ["north", "south", "east", "west"]
CHANNELS = ["web", "store", "partner"]
START_DATE = "2024-01-01"

daily_partitions = dg.DailyPartitionsDefinition(start_date=START_DATE, timezone="UTC")
region_partitions = dg.StaticPartitionsDefinition(REGIONS)
daily_by_region = dg.MultiPartitionsDefinition(
    {"date": daily_partitions, "region": region_partitions}
)


# ---------------------------------------------------------------------------------------
# Configuration and resources
# ---------------------------------------------------------------------------------------


class WarehouseConfig(dg.Config):
    """Where cleaned tables are written and how strict the loaders are."""

    schema_name: str = Field(default="analytics", description="Target schema")
    fail_on_bad_rows: bool = False
    max_bad_row_ratio: float = 0.01
    chunk_size: int = 10_000


class ExportStore(dg.ConfigurableResource):
    """Reads the nightly CSV exports that the order system drops into object storage."""

    root: str
    encoding: str = "utf-8"

    def path_for(self, table: str, partition: str) -> Path:
        return Path(self.root) / table / f"{partition}.csv"

    def read_rows(self, table: str, partition: str) -> list[dict[str, str]]:
        path = self.path_for(table, partition)
        if not path.exists():
            return []
        with path.open(encoding=self.encoding, newline="") as handle:
            return list(csv.DictReader(handle))

    def list_partitions(self, table: str) -> list[str]:
        folder = Path(self.root) / table
        if not folder.exists():
            return []
        return sorted(p.stem for p in folder.glob("*.csv"))


class Warehouse(dg.ConfigurableResource):
    """A tiny stand-in for the warehouse client used in production."""

    dsn: str = dg.EnvVar("WAREHOUSE_DSN")
    timeout_seconds: int = 30

    def write_table(self, name: str, rows: Sequence[Mapping[str, Any]]) -> int:
        target = DATA_ROOT / "warehouse" / f"{name}.jsonl"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, default=str) + "\n")
        return len(rows)

    def read_table(self, name: str) -> list[dict[str, Any]]:
        target = DATA_ROOT / "warehouse" / f"{name}.jsonl"
        if not target.exists():
            return []
        with target.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]


class SlackNotifier(dg.ConfigurableResource):
    """Posts short messages to the data team's channel."""

    channel: str = "#data-alerts"
    enabled: bool = True

    def post(self, text: str) -> None:
        if self.enabled:
            print(f"[{self.channel}] {text}")


class JsonLinesIOManager(dg.ConfigurableIOManager):
    """Stores asset values as JSON lines, one file per asset and partition."""

    base_dir: str

    def _path(self, context) -> Path:
        parts = list(context.asset_key.path)
        if context.has_partition_key:
            parts.append(context.partition_key.replace("|", "_"))
        return Path(self.base_dir).joinpath(*parts).with_suffix(".jsonl")

    def handle_output(self, context: dg.OutputContext, obj: list[dict[str, Any]]) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            for row in obj:
                handle.write(json.dumps(row, default=str) + "\n")
        context.add_output_metadata({"rows": len(obj), "path": str(path)})

    def load_input(self, context: dg.InputContext) -> list[dict[str, Any]]:
        path = self._path(context)
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


@dataclass
class CleaningStats:
    total: int = 0
    kept: int = 0
    dropped: int = 0

    @property
    def bad_ratio(self) -> float:
        return self.dropped / self.total if self.total else 0.0


def parse_amount(text: str) -> Optional[float]:
    try:
        return round(float(text.replace(",", "")), 2)
    except (AttributeError, ValueError):
        return None


def parse_timestamp(text: str) -> Optional[dt.datetime]:
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except (TypeError, ValueError):
            continue
    return None


def clean_orders(rows: Sequence[Mapping[str, str]]) -> tuple[list[dict[str, Any]], CleaningStats]:
    stats = CleaningStats(total=len(rows))
    cleaned = []
    for row in rows:
        amount = parse_amount(row.get("amount", ""))
        placed_at = parse_timestamp(row.get("placed_at", ""))
        if amount is None or placed_at is None or not row.get("order_id"):
            stats.dropped += 1
            continue
        cleaned.append(
            {
                "order_id": row["order_id"],
                "customer_id": row.get("customer_id") or None,
                "region": (row.get("region") or "unknown").lower(),
                "channel": (row.get("channel") or "web").lower(),
                "amount": amount,
                "currency": row.get("currency", "USD"),
                "placed_at": placed_at.isoformat(),
            }
        )
        stats.kept += 1
    return cleaned, stats


def chunked(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------

# Legacy declaration kept while the exporter team migrates; see DATA-1423.
legacy_fx_rates = SourceAsset(key=dg.AssetKey(["external", "fx_rates"]), group_name="external")

product_catalog = dg.AssetSpec(
    key=dg.AssetKey(["external", "product_catalog"]),
    description="Product catalog maintained by merchandising.",
    group_name="external",
    owners=["team:merchandising"],
)


@dg.observable_source_asset(group_name="external")
def supplier_feed(exports: ExportStore) -> dg.DataVersion:
    partitions = exports.list_partitions("supplier_feed")
    return dg.DataVersion(partitions[-1] if partitions else "empty")


# ---------------------------------------------------------------------------------------
# Raw and cleaned assets
# ---------------------------------------------------------------------------------------


@dg.asset(
    partitions_def=daily_partitions,
    group_name="raw",
    compute_kind="python",
    io_manager_key="jsonl_io_manager",
    retry_policy=dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def raw_orders(context: AssetExecutionContext, exports: ExportStore) -> list[dict[str, str]]:
    """Orders exported by the order system for one day."""
    rows = exports.read_rows("orders", context.partition_key)
    context.log.info("read %d raw orders for %s", len(rows), context.partition_key)
    return rows


@dg.asset(
    partitions_def=daily_partitions,
    group_name="raw",
    kinds={"python", "csv"},
    io_manager_key="jsonl_io_manager",
)
def raw_refunds(context: AssetExecutionContext, exports: ExportStore) -> list[dict[str, str]]:
    """Refunds exported by the payments system for one day."""
    rows = exports.read_rows("refunds", context.partition_key)
    context.add_output_metadata({"rows": len(rows)})
    return rows


@dg.asset(
    partitions_def=daily_partitions,
    group_name="clean",
    kinds={"python"},
    io_manager_key="jsonl_io_manager",
    auto_materialize_policy=AutoMaterializePolicy.eager(),
)
def orders(
    context: AssetExecutionContext, config: WarehouseConfig, raw_orders: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """Orders with parsed amounts and timestamps; malformed rows dropped."""
    cleaned, stats = clean_orders(raw_orders)
    if config.fail_on_bad_rows and stats.bad_ratio > config.max_bad_row_ratio:
        raise dg.Failure(
            description=f"{stats.dropped} of {stats.total} orders are malformed",
            metadata={"bad_ratio": dg.MetadataValue.float(stats.bad_ratio)},
        )
    context.add_output_metadata(
        {
            "kept": stats.kept,
            "dropped": stats.dropped,
            "preview": dg.MetadataValue.md(to_csv(cleaned[:5])),
        }
    )
    return cleaned


@dg.asset(
    partitions_def=daily_partitions,
    group_name="clean",
    io_manager_key="jsonl_io_manager",
    automation_condition=dg.AutomationCondition.eager(),
)
def refunds(context: AssetExecutionContext, raw_refunds: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Refunds with parsed amounts."""
    result = []
    for row in raw_refunds:
        amount = parse_amount(row.get("amount", ""))
        if amount is None:
            continue
        result.append({"order_id": row.get("order_id"), "amount": amount})
    context.log.debug("kept %d refunds", len(result))
    return result


@dg.asset(
    partitions_def=daily_partitions,
    group_name="clean",
    ins={"fx": dg.AssetIn(key=dg.AssetKey(["external", "fx_rates"]))},
    io_manager_key="jsonl_io_manager",
)
def orders_usd(orders: list[dict[str, Any]], fx: Mapping[str, float]) -> list[dict[str, Any]]:
    """Orders converted to US dollars."""
    converted = []
    for order in orders:
        rate = fx.get(order["currency"], 1.0)
        converted.append({**order, "amount_usd": round(order["amount"] * rate, 2)})
    return converted


# ---------------------------------------------------------------------------------------
# Marts
# ---------------------------------------------------------------------------------------


@dg.multi_asset(
    outs={
        "daily_revenue": dg.AssetOut(group_name="marts", io_manager_key="jsonl_io_manager"),
        "daily_refund_rate": dg.AssetOut(group_name="marts", io_manager_key="jsonl_io_manager"),
    },
    partitions_def=daily_partitions,
    can_subset=False,
)
def revenue_marts(
    context: AssetExecutionContext,
    orders_usd: list[dict[str, Any]],
    refunds: list[dict[str, Any]],
):
    """Revenue per region and channel, and the share of revenue refunded."""
    revenue: dict[tuple[str, str], float] = defaultdict(float)
    for order in orders_usd:
        revenue[(order["region"], order["channel"])] += order["amount_usd"]
    refunded = sum(r["amount"] for r in refunds)
    total = sum(revenue.values())
    rows = [
        {"date": context.partition_key, "region": region, "channel": channel, "revenue": value}
        for (region, channel), value in sorted(revenue.items())
    ]
    rate = [{"date": context.partition_key, "refund_rate": refunded / total if total else 0.0}]
    yield dg.Output(rows, output_name="daily_revenue", metadata={"rows": len(rows)})
    yield dg.Output(rate, output_name="daily_refund_rate")


@dg.asset(
    partitions_def=daily_by_region,
    group_name="marts",
    deps=[dg.AssetKey("daily_revenue")],
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=7),
)
def regional_summary(context: AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """One summary row per date and region, written straight to the warehouse."""
    keys = context.partition_key.keys_by_dimension
    rows = [r for r in warehouse.read_table("daily_revenue") if r.get("region") == keys["region"]]
    written = warehouse.write_table(
        "regional_summary",
        [{"date": keys["date"], "region": keys["region"], "revenue": sum(r["revenue"] for r in rows)}],
    )
    return dg.MaterializeResult(metadata={"rows_written": written})


@dg.asset(group_name="marts", deps=[product_catalog, "daily_revenue"])
def top_products(warehouse: Warehouse) -> dg.MaterializeResult:
    """The twenty best-selling products over all loaded days."""
    totals: dict[str, float] = defaultdict(float)
    for row in warehouse.read_table("order_lines"):
        totals[row["product_id"]] += float(row.get("amount_usd", 0))
    best = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:20]
    warehouse.write_table("top_products", [{"product_id": p, "revenue": v} for p, v in best])
    return dg.MaterializeResult(
        metadata={
            "products": len(best),
            "schema": dg.TableSchema(
                columns=[
                    dg.TableColumn("product_id", "string"),
                    dg.TableColumn("revenue", "float"),
                ]
            ),
        }
    )


@dg.graph_asset(group_name="marts")
def customer_segments():
    return assign_segments(score_customers())


@dg.op(out=dg.Out(list))
def score_customers(context: dg.OpExecutionContext) -> list[dict[str, Any]]:
    context.log.info("scoring customers")
    return [{"customer_id": f"c{i}", "score": i % 7} for i in range(100)]


@dg.op(ins={"scores": dg.In(list)})
def assign_segments(scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**s, "segment": "high" if s["score"] > 4 else "low"} for s in scores]


# ---------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------


@dg.asset_check(asset=orders, blocking=True)
def orders_have_ids(context: AssetCheckExecutionContext, orders: list[dict[str, Any]]):
    missing = sum(1 for o in orders if not o.get("order_id"))
    return dg.AssetCheckResult(passed=missing == 0, metadata={"missing_ids": missing})


@dg.asset_check(asset=orders_usd)
def amounts_are_positive(orders_usd: list[dict[str, Any]]) -> dg.AssetCheckResult:
    negative = [o["order_id"] for o in orders_usd if o["amount_usd"] < 0]
    return dg.AssetCheckResult(
        passed=not negative,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"negative": dg.MetadataValue.json(negative[:20])},
    )


freshness_checks = dg.build_last_update_freshness_checks(
    assets=[top_products], lower_bound_delta=dt.timedelta(hours=26)
)


# ---------------------------------------------------------------------------------------
# Jobs, schedules and sensors
# ---------------------------------------------------------------------------------------

daily_job = dg.define_asset_job(
    name="daily_refresh",
    selection=dg.AssetSelection.groups("raw", "clean", "marts"),
    partitions_def=daily_partitions,
    tags={"team": "analytics"},
)

marts_only = dg.define_asset_job(
    name="marts_only",
    selection=dg.AssetSelection.keys("daily_revenue", "daily_refund_rate").downstream(),
)

daily_schedule = dg.build_schedule_from_partitioned_job(daily_job, hour_of_day=3, minute_of_hour=15)

weekly_report_schedule = dg.ScheduleDefinition(
    name="weekly_report",
    job=marts_only,
    cron_schedule="0 6 * * 1",
    execution_timezone="Europe/Berlin",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(job=daily_job, minimum_interval_seconds=300)
def new_export_sensor(context: dg.SensorEvaluationContext, exports: ExportStore):
    """Starts a run for every export day not seen before."""
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    fresh = [p for p in exports.list_partitions("orders") if p not in seen]
    if not fresh:
        return dg.SkipReason("no new exports")
    context.update_cursor(json.dumps(sorted(seen | set(fresh))))
    return [dg.RunRequest(run_key=p, partition_key=p) for p in fresh]


@dg.run_failure_sensor(monitored_jobs=[daily_job])
def notify_on_failure(context: dg.RunFailureSensorContext, slack: SlackNotifier):
    slack.post(f"Run {context.dagster_run.run_id} failed: {context.failure_event.message}")


@dg.asset_sensor(asset_key=dg.AssetKey("daily_revenue"), job=marts_only)
def revenue_updated(context: dg.SensorEvaluationContext, asset_event: dg.EventLogEntry):
    yield dg.RunRequest(run_key=context.cursor, tags={"trigger": "daily_revenue"})


# ---------------------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------------------

all_assets = [
    legacy_fx_rates,
    product_catalog,
    supplier_feed,
    raw_orders,
    raw_refunds,
    orders,
    refunds,
    orders_usd,
    revenue_marts,
    regional_summary,
    top_products,
    customer_segments,
]

defs = dg.Definitions(
    assets=all_assets,
    asset_checks=[orders_have_ids, amounts_are_positive, *freshness_checks],
    jobs=[daily_job, marts_only],
    schedules=[daily_schedule, weekly_report_schedule],
    sensors=[new_export_sensor, notify_on_failure, revenue_updated],
    resources={
        "exports": ExportStore(root=str(DATA_ROOT / "exports")),
        "warehouse": Warehouse(),
        "slack": SlackNotifier(enabled=os.environ.get("SLACK_ENABLED") == "1"),
        "jsonl_io_manager": JsonLinesIOManager(base_dir=str(DATA_ROOT / "assets")),
    },
)
