"""The worker's part of reviews: drafting a review's documents in the background."""

from huey.contrib.djhuey import db_task

from tuyengiao.reviews import services


@db_task()  # type: ignore[untyped-decorator]
def make_documents(document_id: int) -> None:
    services.document_make(document_id)
