"""Cost of the roles stage against the analysis it reads (mentions ... actor_sentiment), same documents, same run."""
from __future__ import annotations

import time

import pandas as pd

import newsframe
from newsframe import roles

N_DOCS = 40  # the upstream tables include the sentence encoder; 40 articles keep the run to minutes


def run(corpus: pd.DataFrame) -> dict:
    """Time every table the roles stage needs, then :func:`newsframe.roles.find_roles` on them.

    The ratio ``roles_share`` = roles time / upstream time is the issue's measure (the stage must add under
    20% to an article's analysis); both are measured on the same documents in the same process.
    """
    docs = corpus.head(N_DOCS)
    a = newsframe.analyze(docs)
    roles.load_role_lexicon()  # cached once per process, like every lexicon
    t0 = time.perf_counter()
    tables = {n: a.table(n) for n in ("mentions", "actors", "actions", "attributions", "actor_sentiment")}
    t1 = time.perf_counter()
    found = roles.find_roles(tables["mentions"], tables["actors"], tables["actions"], tables["attributions"],
                             tables["actor_sentiment"], a.tokens, documents=a.documents)
    t2 = time.perf_counter()
    return {
        "documents": len(docs),
        "upstream_s": round(t1 - t0, 2),
        "roles_s": round(t2 - t1, 2),
        "roles_share": round((t2 - t1) / (t1 - t0), 3) if t1 > t0 else None,
        "roles_docs_per_s": round(len(docs) / (t2 - t1), 1) if t2 > t1 else None,
        "cues": len(found["role_evidence"]),
        "roles_assigned": int((found["roles"]["role"] != "none").sum()),
    }
