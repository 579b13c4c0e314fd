"""Media work (TASK-3, TASK-8): the news the unions publish, and the public online content the
collaborators monitor, triage and answer — sources, items, topic queries, the classifier, the
queue and its cases."""
