"""Tuyên giáo Công đoàn."""
