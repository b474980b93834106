"""Declarative state machines, one module per case type (工伤认定, 劳动能力鉴定, 报销, 对账).

The engine and the first workflow arrive with the workflow-engine capability (issue 5);
this package exists from the start so the layout does not move under later work.
"""
