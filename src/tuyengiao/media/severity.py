"""How urgently an item needs a person, 0–100, ordering the triage queue worst first. Points
add up, so the order is explained by the item's own classes, never a black box:

- a grievance of workers (unpaid wages, insurance, layoffs, …): 30; a scam targeting workers or
  misinformation about union or insurance policy: 40 (they spread and do harm fast);
- negative sentiment: 20; toxic or offensive: 15;
- each topic query it matches: 10, at most 20;
- relevant to the unions' work: the points above count in full; judged irrelevant (and matching
  no topic): a quarter of them, so a misjudged item still surfaces below the real ones;
- a near duplicate of an earlier item: a quarter too (the earlier one carries the work)."""

from __future__ import annotations

from tuyengiao.media.models_monitoring import Grievance, Item, Sentiment

URGENT_GRIEVANCES = (Grievance.SCAM, Grievance.MISINFORMATION)


def score(item: Item, topics: int) -> int:
    points = 0
    if item.grievance and item.grievance != Grievance.NONE:
        points += 40 if item.grievance in URGENT_GRIEVANCES else 30
    if item.sentiment == Sentiment.NEGATIVE:
        points += 20
    if item.toxic:
        points += 15
    points += min(topics, 2) * 10
    if (item.relevant is False and not topics) or item.duplicate_of is not None:
        points //= 4
    return min(points, 100)
