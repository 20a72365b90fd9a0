"""The Engine facade and how it is wired (see :mod:`engine.runtime.engine`)."""

from engine.runtime.connection import ConnectionRuntime, build_connection
from engine.runtime.doctor import CheckStatus, DoctorCheck, DoctorReport
from engine.runtime.engine import JOBS, Engine
from engine.runtime.jobs import Job, register_job
from engine.runtime.order_desk import OrderDetails

__all__ = [
    "JOBS",
    "CheckStatus",
    "ConnectionRuntime",
    "DoctorCheck",
    "DoctorReport",
    "Engine",
    "Job",
    "OrderDetails",
    "build_connection",
    "register_job",
]
