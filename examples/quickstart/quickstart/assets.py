"""Assets of the quickstart project: a few deliberate uses of unstable dagster APIs."""

import dagster as dg
from dagster import SourceAsset  # deprecated: use AssetSpec
from dagster._core.definitions.asset_key import AssetKey  # private path

raw_orders = SourceAsset(key=AssetKey("raw_orders"))


@dg.asset(compute_kind="python", deps=[raw_orders])  # compute_kind is a deprecated parameter
def orders(context: dg.AssetExecutionContext) -> None:
    context.log.info("building orders")  # stable, public members
    context.log.info(context.run_id)  # a deprecated member of the injected context


@dg.asset
def order_stats(context, orders) -> None:
    if context.has_tag("debug"):  # deprecated member, context inferred from @dg.asset
        pass


legacy = dg.SourceAsset(key="legacy")  # noqa: DAG001

bounds_checks = dg.build_metadata_bounds_checks(  # beta
    assets=[orders], metadata_key="row_count", min_value=0
)
freshness_checks = dg.build_last_update_freshness_checks(  # superseded
    assets=[orders], lower_bound_delta=__import__("datetime").timedelta(hours=1)
)
selection = dg.AssetSelection.groups("sales", include_sources=True)  # beta parameter
old_selection = dg.AssetSelection.keys("orders")  # deprecated static method
