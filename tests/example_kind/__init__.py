"""A kind of case defined by the tests alone: construction noise (施工噪声).

It proves that a kind plugs into the core without editing `cases/`: a detail model, an extra
step, a guard, a report-form fragment, a case-page fragment and a figure of its own.
"""
