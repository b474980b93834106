"""Declarative state machines: the engine's vocabulary (`engine.py`) and one plain-data module
per duty (工伤认定 today; 劳动能力鉴定, 报销, 对账 next), registered through `cases.registry`."""
