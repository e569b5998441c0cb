"""Proof: evaluation on labelled data (and, later, operational KPIs and experiments)."""

from watchkeeper.measure.evaluate import (
    DatasetResult,
    LabelledRecord,
    evaluate_file,
    read_records,
    report_json,
)
from watchkeeper.measure.metrics import BinaryCounts

__all__ = ["BinaryCounts", "DatasetResult", "LabelledRecord", "evaluate_file", "read_records", "report_json"]
