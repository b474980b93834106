"""Reference data: regions (参保地), sales reps (业务员), clients (客户), insured (参保人)."""
