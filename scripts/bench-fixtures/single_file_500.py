"""Orders analytics pipeline: a realistic single-module Dagster project used by scripts/bench to
measure single-file latency (corpus 4). Written for dagster-api-lint; it mixes the stable APIs a
typical project uses with a few unstable ones (deprecated, beta, superseded, private) so that
the checker has findings to report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional, Sequence

import dagster as dg
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    Config,
    ConfigurableResource,
    DailyPartitionsDefinition,
    Definitions,
    MaterializeResult,
    MetadataValue,
    Output,
    RunRequest,
    SkipReason,
    SourceAsset,
    asset,
    asset_check,
    define_asset_job,
    schedule,
    sensor,
)
from dagster._core.definitions.events import AssetMaterialization
from dagster._core.execution.context.compute import OpExecutionContext

logger = logging.getLogger(__name__)

DATA_ROOT = Path(os.environ.get("ORDERS_DATA_ROOT", "/tmp/orders"))
START_DATE = "2024-01-01"
REGIONS = ("emea", "amer", "apac")

daily_partitions = DailyPartitionsDefinition(start_date=START_DATE, timezone="UTC")
region_partitions = dg.StaticPartitionsDefinition(list(REGIONS))
daily_by_region = dg.MultiPartitionsDefinition(
    {"date": daily_partitions, "region": region_partitions}
)


# --------------------------------------------------------------------------- configuration


class IngestConfig(Config):
    """How raw orders are read."""

    source_format: str = "csv"
    max_rows: int = 1_000_000
    drop_test_orders: bool = True
    currency: str = "EUR"


class ReportConfig(Config):
    top_n: int = 20
    include_refunds: bool = False
    recipients: list[str] = []


@dataclass
class Order:
    order_id: str
    customer_id: str
    region: str
    amount: float
    currency: str
    created_at: dt.datetime
    items: list[dict[str, Any]] = field(default_factory=list)
    refunded: bool = False

    @property
    def is_test(self) -> bool:
        return self.customer_id.startswith("test-")

    def to_row(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "customer_id": self.customer_id,
            "region": self.region,
            "amount": round(self.amount, 2),
            "currency": self.currency,
            "created_at": self.created_at.isoformat(),
            "items": len(self.items),
            "refunded": self.refunded,
        }


# --------------------------------------------------------------------------- resources


class WarehouseResource(ConfigurableResource):
    """A thin client over the warehouse's HTTP API."""

    base_url: str
    token: str = ""
    timeout_seconds: float = 30.0

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def query(self, sql: str, params: Optional[Mapping[str, Any]] = None) -> list[dict]:
        logger.debug("query %s with %s", sql, params)
        # The real client posts to f"{self.base_url}/query"; tests replace this resource.
        return []

    def write_table(self, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
        logger.info("writing %d rows to %s", len(rows), table)
        return len(rows)


class FxRatesResource(ConfigurableResource):
    provider: str = "ecb"
    fallback_rates: dict[str, float] = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}

    def rate(self, currency: str, day: dt.date) -> float:
        return self.fallback_rates.get(currency, 1.0)


class NotifierResource(ConfigurableResource):
    webhook_url: str = ""

    def send(self, title: str, body: str) -> None:
        if not self.webhook_url:
            logger.info("notification (not sent): %s", title)
            return
        logger.info("notify %s: %s", self.webhook_url, title)


# --------------------------------------------------------------------------- helpers


def parse_orders(text: str, region: str, currency: str) -> Iterator[Order]:
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        try:
            created = dt.datetime.fromisoformat(row["created_at"])
        except (KeyError, ValueError):
            continue
        yield Order(
            order_id=row.get("order_id", ""),
            customer_id=row.get("customer_id", ""),
            region=region,
            amount=float(row.get("amount") or 0.0),
            currency=row.get("currency") or currency,
            created_at=created,
            items=json.loads(row.get("items") or "[]"),
            refunded=row.get("refunded", "false").lower() == "true",
        )


def read_partition(day: str, region: str) -> str:
    path = DATA_ROOT / region / f"{day}.csv"
    if not path.exists():
        return "order_id,customer_id,amount,currency,created_at,items,refunded\n"
    return path.read_text(encoding="utf-8")


def summarize(orders: Sequence[Order]) -> dict[str, Any]:
    total = sum(o.amount for o in orders)
    refunds = sum(o.amount for o in orders if o.refunded)
    customers = {o.customer_id for o in orders}
    return {
        "orders": len(orders),
        "revenue": round(total, 2),
        "refunds": round(refunds, 2),
        "customers": len(customers),
        "average_order": round(total / len(orders), 2) if orders else 0.0,
    }


def convert(orders: Sequence[Order], fx: FxRatesResource, target: str) -> list[Order]:
    out = []
    for order in orders:
        rate = fx.rate(order.currency, order.created_at.date())
        target_rate = fx.rate(target, order.created_at.date())
        out.append(
            Order(
                order_id=order.order_id,
                customer_id=order.customer_id,
                region=order.region,
                amount=order.amount * rate / target_rate,
                currency=target,
                created_at=order.created_at,
                items=order.items,
                refunded=order.refunded,
            )
        )
    return out


# --------------------------------------------------------------------------- assets

legacy_customers = SourceAsset(key=AssetKey(["crm", "customers"]))  # deprecated API


@asset(
    partitions_def=daily_by_region,
    group_name="ingest",
    compute_kind="python",
    metadata={"owner": "data-platform", "layer": "raw"},
)
def raw_orders(context: AssetExecutionContext, config: IngestConfig) -> MaterializeResult:
    keys = context.partition_key.keys_by_dimension
    day, region = keys["date"], keys["region"]
    text = read_partition(day, region)
    orders = list(parse_orders(text, region, config.currency))
    if config.drop_test_orders:
        orders = [o for o in orders if not o.is_test]
    orders = orders[: config.max_rows]
    target = DATA_ROOT / "staged" / region / f"{day}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps([o.to_row() for o in orders]))
    context.log.info("staged %d orders for %s/%s", len(orders), day, region)
    return MaterializeResult(
        metadata={
            "rows": len(orders),
            "path": MetadataValue.path(str(target)),
            "preview": MetadataValue.md(render_preview(orders[:5])),
        }
    )


def render_preview(orders: Sequence[Order]) -> str:
    lines = ["| order | customer | amount |", "| --- | --- | ---: |"]
    for o in orders:
        lines.append(f"| {o.order_id} | {o.customer_id} | {o.amount:.2f} |")
    return "\n".join(lines)


@asset(partitions_def=daily_partitions, group_name="ingest", deps=[raw_orders])
def orders_eur(
    context: AssetExecutionContext, fx: FxRatesResource, warehouse: WarehouseResource
) -> Output[int]:
    day = context.partition_key
    all_orders: list[Order] = []
    for region in REGIONS:
        path = DATA_ROOT / "staged" / region / f"{day}.json"
        if not path.exists():
            continue
        for row in json.loads(path.read_text()):
            all_orders.append(
                Order(
                    order_id=row["order_id"],
                    customer_id=row["customer_id"],
                    region=row["region"],
                    amount=row["amount"],
                    currency=row["currency"],
                    created_at=dt.datetime.fromisoformat(row["created_at"]),
                    refunded=row["refunded"],
                )
            )
    converted = convert(all_orders, fx, "EUR")
    written = warehouse.write_table("analytics.orders_eur", [o.to_row() for o in converted])
    context.log.info(context.run_id)  # deprecated member of the context
    return Output(written, metadata={"rows": written, "day": day})


@asset(partitions_def=daily_partitions, group_name="analytics")
def daily_summary(context, orders_eur: int, warehouse: WarehouseResource) -> dict[str, Any]:
    if context.has_tag("backfill"):  # deprecated member, context inferred from @asset
        context.log.info("backfill run")
    rows = warehouse.query(
        "select * from analytics.orders_eur where day = :day", {"day": context.partition_key}
    )
    orders = [
        Order(
            order_id=r["order_id"],
            customer_id=r["customer_id"],
            region=r["region"],
            amount=r["amount"],
            currency="EUR",
            created_at=dt.datetime.fromisoformat(r["created_at"]),
            refunded=r.get("refunded", False),
        )
        for r in rows
    ]
    summary = summarize(orders)
    context.add_output_metadata({k: MetadataValue.float(float(v)) for k, v in summary.items()})
    return summary


@asset(group_name="analytics", deps=[daily_summary, legacy_customers])
def customer_lifetime_value(warehouse: WarehouseResource) -> MaterializeResult:
    rows = warehouse.query(
        """
        select customer_id, sum(amount) as revenue, count(*) as orders
        from analytics.orders_eur
        group by customer_id
        """
    )
    values = sorted(rows, key=lambda r: r.get("revenue", 0.0), reverse=True)
    written = warehouse.write_table("analytics.customer_ltv", values)
    return MaterializeResult(metadata={"customers": written})


@asset(group_name="reporting", deps=[customer_lifetime_value])
def weekly_report(
    context: AssetExecutionContext,
    config: ReportConfig,
    warehouse: WarehouseResource,
    notifier: NotifierResource,
) -> None:
    rows = warehouse.query("select * from analytics.customer_ltv order by revenue desc")
    top = rows[: config.top_n]
    body = "\n".join(f"{i + 1}. {r['customer_id']}: {r['revenue']:.2f}" for i, r in enumerate(top))
    if config.include_refunds:
        refunds = warehouse.query("select sum(refunds) as total from analytics.daily_summary")
        body += f"\nRefunds: {refunds[0]['total'] if refunds else 0}"
    notifier.send("Weekly top customers", body)
    context.log_event(AssetMaterialization(asset_key="weekly_report"))  # private import


@dg.multi_asset(
    specs=[
        dg.AssetSpec("orders_by_region", group_name="analytics"),
        dg.AssetSpec("orders_by_hour", group_name="analytics"),
    ],
    can_subset=True,
)
def order_breakdowns(context: AssetExecutionContext, warehouse: WarehouseResource):
    selected = context.selected_asset_keys
    if AssetKey("orders_by_region") in selected:
        rows = warehouse.query("select region, count(*) from analytics.orders_eur group by 1")
        yield dg.MaterializeResult(asset_key="orders_by_region", metadata={"rows": len(rows)})
    if AssetKey("orders_by_hour") in selected:
        rows = warehouse.query("select hour(created_at), count(*) from analytics.orders_eur")
        yield dg.MaterializeResult(asset_key="orders_by_hour", metadata={"rows": len(rows)})


# --------------------------------------------------------------------------- checks


@asset_check(asset=daily_summary, blocking=True)
def summary_has_orders(daily_summary: dict[str, Any]) -> AssetCheckResult:
    passed = daily_summary.get("orders", 0) > 0
    return AssetCheckResult(passed=passed, metadata={"orders": daily_summary.get("orders", 0)})


@asset_check(asset=customer_lifetime_value)
def ltv_is_not_negative(warehouse: WarehouseResource) -> AssetCheckResult:
    rows = warehouse.query("select count(*) as n from analytics.customer_ltv where revenue < 0")
    negatives = rows[0]["n"] if rows else 0
    return AssetCheckResult(
        passed=negatives == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"negative_rows": negatives},
    )


row_count_checks = dg.build_metadata_bounds_checks(  # beta
    assets=[raw_orders], metadata_key="rows", min_value=1
)
freshness_checks = dg.build_last_update_freshness_checks(  # superseded
    assets=[daily_summary], lower_bound_delta=dt.timedelta(hours=26)
)


# --------------------------------------------------------------------------- jobs, schedules, sensors

ingest_job = define_asset_job(
    "ingest_job",
    selection=AssetSelection.groups("ingest"),
    partitions_def=daily_partitions,
    tags={"team": "data-platform"},
)
analytics_job = define_asset_job(
    "analytics_job",
    selection=AssetSelection.groups("analytics", "reporting"),
)
legacy_selection = AssetSelection.keys("daily_summary")  # deprecated static method


@dg.op
def vacuum_staging(context: OpExecutionContext) -> int:  # context class imported privately
    removed = 0
    staged = DATA_ROOT / "staged"
    if staged.exists():
        cutoff = dt.datetime.now() - dt.timedelta(days=30)
        for path in staged.rglob("*.json"):
            if dt.datetime.fromtimestamp(path.stat().st_mtime) < cutoff:
                path.unlink()
                removed += 1
    context.log.info("removed %d staged files", removed)
    return removed


@dg.job(tags={"kind": "maintenance"})
def maintenance_job():
    vacuum_staging()


@schedule(job=ingest_job, cron_schedule="15 2 * * *", execution_timezone="UTC")
def nightly_ingest(context: dg.ScheduleEvaluationContext):
    day = (context.scheduled_execution_time - dt.timedelta(days=1)).strftime("%Y-%m-%d")
    return RunRequest(run_key=day, partition_key=day)


weekly_schedule = dg.ScheduleDefinition(
    job=analytics_job, cron_schedule="0 6 * * 1", default_status=dg.DefaultScheduleStatus.RUNNING
)
maintenance_schedule = dg.ScheduleDefinition(job=maintenance_job, cron_schedule="0 4 * * 0")


@sensor(job=ingest_job, minimum_interval_seconds=300)
def new_files_sensor(context: dg.SensorEvaluationContext):
    cursor = json.loads(context.cursor) if context.cursor else {}
    requests = []
    for region in REGIONS:
        folder = DATA_ROOT / region
        if not folder.exists():
            continue
        for path in sorted(folder.glob("*.csv")):
            mtime = path.stat().st_mtime
            if cursor.get(str(path), 0) >= mtime:
                continue
            cursor[str(path)] = mtime
            requests.append(RunRequest(run_key=f"{path}:{mtime}", partition_key=path.stem))
    context.update_cursor(json.dumps(cursor))
    if not requests:
        return SkipReason("no new files")
    return requests


@dg.run_failure_sensor(monitored_jobs=[ingest_job, analytics_job])
def notify_on_failure(context: dg.RunFailureSensorContext):
    message = context.failure_event.message or "unknown failure"
    logger.error("run %s failed: %s", context.dagster_run.run_id, message)


@dg.asset_sensor(asset_key=AssetKey("daily_summary"), job=analytics_job)
def summary_updated(context, asset_event):
    yield RunRequest(run_key=context.cursor, tags={"source": "asset_sensor"})


# --------------------------------------------------------------------------- IO manager


class JsonIOManager(dg.ConfigurableIOManager):
    root: str = str(DATA_ROOT / "io")

    def _path(self, context) -> Path:
        parts = list(context.asset_key.path)
        if context.has_partition_key:
            parts.append(context.partition_key)
        return Path(self.root).joinpath(*parts).with_suffix(".json")

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, default=str))

    def load_input(self, context: dg.InputContext) -> Any:
        path = self._path(context.upstream_output)
        if not path.exists():
            return None
        return json.loads(path.read_text())


# --------------------------------------------------------------------------- definitions


def build_resources(env: str) -> dict[str, Any]:
    base_url = {
        "prod": "https://warehouse.internal.example",
        "staging": "https://warehouse.staging.example",
    }.get(env, "http://localhost:8080")
    return {
        "warehouse": WarehouseResource(base_url=base_url, token=dg.EnvVar("WAREHOUSE_TOKEN")),
        "fx": FxRatesResource(),
        "notifier": NotifierResource(webhook_url=os.environ.get("NOTIFY_WEBHOOK", "")),
        "io_manager": JsonIOManager(),
    }


defs = Definitions(
    assets=[
        legacy_customers,
        raw_orders,
        orders_eur,
        daily_summary,
        customer_lifetime_value,
        weekly_report,
        order_breakdowns,
    ],
    asset_checks=[summary_has_orders, ltv_is_not_negative, *row_count_checks, *freshness_checks],
    jobs=[ingest_job, analytics_job, maintenance_job],
    schedules=[nightly_ingest, weekly_schedule, maintenance_schedule],
    sensors=[new_files_sensor, notify_on_failure, summary_updated],
    resources=build_resources(os.environ.get("DEPLOYMENT", "local")),
)
