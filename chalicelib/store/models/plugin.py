"""A plugin's data: its settings (one item) and its storage (one item per key), all under
the plugin's own partition, PLUGIN#<name>."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute

from chalicelib.store.models.base import TableItem


class PluginValue(TableItem, discriminator="PluginValue"):
    value = JSONAttribute(null=True)
