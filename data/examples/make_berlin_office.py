"""Writes berlin_office_oct2025.csv: a synthetic office in Berlin over 24-27 October 2025
(the end of summer time on the 26th), hourly, timestamps with the offset in force.

Deterministic, no randomness: load 30 kW, 90 kW on weekdays 08:00-18:00 local time;
PV per unit of capacity 0.6 * sin(pi * (h_utc - 6.0) / 10.0) where positive (a late-October
day of about ten hours of sun centred on 11:00 UTC, i.e. noon CET). Run: python3 make_berlin_office.py
"""
import math
from datetime import datetime, timedelta, timezone

start = datetime(2025, 10, 23, 22, 0, tzinfo=timezone.utc)  # 2025-10-24T00:00+02:00
end_summer = datetime(2025, 10, 26, 1, 0, tzinfo=timezone.utc)  # 03:00 CEST -> 02:00 CET
rows = ["timestamp,load_kw,pv_pu"]
for k in range(96):
    utc = start + timedelta(hours=k)
    offset = 2 if utc < end_summer else 1
    local = utc + timedelta(hours=offset)
    weekday = local.weekday() < 5
    load = 90.0 if weekday and 8 <= local.hour < 18 else 30.0
    h_utc = utc.hour + 0.5  # the step's middle
    pv = max(0.0, 0.6 * math.sin(math.pi * (h_utc - 6.0) / 10.0))
    stamp = local.strftime("%Y-%m-%dT%H:%M:%S") + f"+0{offset}:00"
    rows.append(f"{stamp},{load:.1f},{pv:.4f}")
with open("berlin_office_oct2025.csv", "w") as f:
    f.write("\n".join(rows) + "\n")
