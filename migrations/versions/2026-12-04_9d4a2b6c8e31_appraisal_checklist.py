"""The appraisal's default materials checklist (DOMAIN.md, "Appraisal application")

Revision ID: 9d4a2b6c8e31
Revises: 8c3f1e5a7d20
Create Date: 2026-12-04 18:40:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '9d4a2b6c8e31'
down_revision: str | None = '8c3f1e5a7d20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKLIST = [  # code, name, English name, required
    ("application_form", "劳动能力鉴定申请表（签字盖章）", "Appraisal application form (signed and sealed)", True),
    ("recognition_decision", "工伤认定决定书", "Recognition decision", True),
    ("medical_records", "诊断证明及完整病历", "Diagnosis and complete medical records", True),
    ("identity", "身份证或社会保障卡", "ID card or social-security card", True),
]


def upgrade() -> None:
    table = sa.table(
        "material_items",
        sa.column("case_type", sa.String),
        sa.column("region_id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_en", sa.String),
        sa.column("required", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        table,
        [
            {"case_type": "appraisal", "region_id": None, "code": code, "name": name,
             "name_en": name_en, "required": required, "active": True, "position": index}
            for index, (code, name, name_en, required) in enumerate(CHECKLIST)
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM material_items WHERE case_type = 'appraisal' AND region_id IS NULL")
