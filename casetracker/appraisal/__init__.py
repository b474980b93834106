"""劳动能力鉴定: an injury's appraisal as its own case type."""
