import dagster as dg
from dagster.components import load_from_defs_folder  # stable namespace
from dagster.components.core.context import ComponentLoadContext  # not a public module

from quickstart import assets


def build_defs(context: ComponentLoadContext) -> dg.Definitions:
    return dg.load_definitions_from_module(assets)  # preview


defs = dg.Definitions(assets=dg.load_assets_from_modules([assets]))
