"""The scoring core: pure and exact.

numbers (Decimal from text, one rounding) → targets (reading 指标值) → completion (rates) →
rules (one file per rule kind, found through the registry) → split → spec, case, directions →
engine (the result tree); project, project_case, project_score do the same for 项目支出绩效自评.
Nothing here reads a file, prints, or imports numpy; it imports nothing else of selfscore.
"""
