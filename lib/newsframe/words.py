"""Small closed word classes that several stages share, defined once.

Lexicons users edit live in ``data/``; these are grammar, not vocabulary: forms of "be", auxiliaries and
negators, which do not change with the domain.
"""
from __future__ import annotations

# Forms of "be", contracted ones included ("he's leaving", "they're", "I'm"), as the tokenizer splits them.
BE_FORMS = frozenset({"be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m"})
# Other auxiliaries ("has said", "did not"), for skipping to the main verb.
AUX_FORMS = frozenset({"has", "have", "had", "having", "'ve", "'d", "do", "does", "did"}) | BE_FORMS
# Finite verb tags (Penn Treebank): a clause has one of these.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
