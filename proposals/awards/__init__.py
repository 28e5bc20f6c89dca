"""Excellent proposals (优秀提案评选): nomination, panel scoring, ranking, publication."""
