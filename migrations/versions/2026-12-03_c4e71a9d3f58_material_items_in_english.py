"""Checklist items get an English name (name_en), shown to English readers; the seeded
items get theirs

Revision ID: c4e71a9d3f58
Revises: 8f1d3b6c2a47
Create Date: 2026-12-03 20:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e71a9d3f58"
down_revision: str | None = "8f1d3b6c2a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The injury checklist as seeded by ed8b5a06e728 (1a7c3e9d2b40 only deactivated
# application_form): code, Chinese name, English name.
SEEDED_IN_ENGLISH = [
    ("application_form", "工伤认定申请表", "Work-injury recognition application form"),
    ("labour_contract", "劳动合同或劳动关系证明", "Labour contract or proof of employment"),
    ("dispatch_agreement", "劳务派遣协议", "Labour dispatch agreement"),
    (
        "medical_diagnosis",
        "医疗诊断证明及首诊病历",
        "Medical diagnosis certificate and first-visit medical record",
    ),
    ("id_card", "受伤职工身份证复印件", "Copy of the injured employee's resident ID card"),
    ("business_licence", "单位营业执照复印件", "Copy of the employer's business licence"),
    ("witness_statements", "证人证言（2 人以上）", "Witness statements (two or more witnesses)"),
    ("accident_report", "事故调查报告", "Accident investigation report"),
    (
        "traffic_finding",
        "交通事故责任认定书及上下班路线说明",
        "Traffic accident liability finding and commuting route statement",
    ),
    ("work_trip_proof", "因公外出证明", "Proof of being away on work business"),
    ("police_proof", "公安机关证明", "Certificate from the public security bureau"),
    ("death_certificate", "死亡证明", "Death certificate"),
]

ITEMS = sa.table(
    "material_items",
    sa.column("case_type", sa.String),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("name_en", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("material_items") as batch:
        batch.add_column(
            sa.Column("name_en", sa.String(length=100), nullable=False, server_default="")
        )
    # Only rows still named as seeded (the default row, or a region's row with the same
    # name): an item an admin renamed may no longer be what the English says, so it keeps
    # showing its Chinese name until the admin gives it an English one.
    for code, name, name_en in SEEDED_IN_ENGLISH:
        op.execute(
            ITEMS.update()
            .where(
                ITEMS.c.case_type == "injury",
                ITEMS.c.code == code,
                ITEMS.c.name == name,
                ITEMS.c.name_en == "",
            )
            .values(name_en=name_en)
        )


def downgrade() -> None:
    with op.batch_alter_table("material_items") as batch:
        batch.drop_column("name_en")
