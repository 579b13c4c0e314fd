"""The JSON API at /api/v1/ (placeholder until the API lands)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Tuyên giáo Công đoàn API", version="1")
