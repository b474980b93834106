"""Reference data: regions (参保地), sales reps (业务员), clients (客户) and insured people (参保人)."""
