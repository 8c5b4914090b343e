"""The columns of every table newsframe makes, in one place.

Tables join on shared keys (``doc_id``, ``paragraph_id``, ``sentence_id``, ``token_id``, ``mention_id``);
ids are 1-based within a document. Rows that point into the text carry ``start``/``end`` character offsets
into the document's ``text`` (end exclusive) so that ``text[start:end]`` is the row's text.

The README's table of tables is generated from this module (``python -m newsframe.schema``).
"""
from __future__ import annotations

import pandas as pd

TABLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "document id, safe for file names",
        "title": "title (from the corpus, else the first line)",
        "source": "outlet or source file",
        "date": "publication date as given",
        "date_parsed": "the date read by newsframe.groups.parse_date (datetime, UTC when an offset was given; "
                       "NaT when unreadable, with the reason in notes)",
        "url": "address as given",
        "encoding": "encoding the text was read with (cp1252 fallback is reported)",
        "n_chars": "characters in text",
        "n_paragraphs": "paragraphs",
        "n_sentences": "sentences",
        "n_words": "alphabetic or numeric tokens",
        "notes": "what loading did to the input (encoding fallback, HTML removed, a date not read), else empty",
        "metadata": "extra fields of a JSONL/CSV corpus record (bias, country, ...) as a JSON object, else empty",
        "text": "the full text that all offsets point into",
    },
    "paragraphs": {
        "doc_id": "document id",
        "paragraph_id": "1-based paragraph number",
        "start": "offset of the first character",
        "end": "offset after the last character",
        "n_sentences": "sentences in the paragraph",
        "text": "paragraph text",
    },
    "sentences": {
        "doc_id": "document id",
        "sentence_id": "1-based sentence number within the document",
        "paragraph_id": "paragraph holding the sentence",
        "start": "offset of the first character",
        "end": "offset after the last character",
        "n_words": "word tokens in the sentence",
        "text": "sentence text",
    },
    "tokens": {
        "doc_id": "document id",
        "token_id": "1-based token number within the document",
        "sentence_id": "sentence holding the token",
        "paragraph_id": "paragraph holding the token",
        "start": "offset of the first character",
        "end": "offset after the last character",
        "text": "token as written",
        "lower": "lower-cased, curly apostrophes made straight",
        "stem": "Porter stem (NLTK)",
        "is_alpha": "only letters (apostrophes/hyphens inside allowed)",
        "is_punct": "only punctuation or symbols",
        "is_stop": "in data/stopwords.csv",
        "is_title": "starts with a capital letter",
    },
    "mentions": {
        "doc_id": "document id",
        "mention_id": "1-based mention number within the document",
        "sentence_id": "sentence holding the mention",
        "paragraph_id": "paragraph holding the mention",
        "start": "offset of the first character",
        "end": "offset after the last character",
        "text": "mention as written",
        "actor_id": "gazetteer id, or a generated id (new:...) for actors found by cues",
        "actor_name": "canonical name",
        "actor_type": "person, state, organisation, group, place (unknown: a new name without a typing cue)",
        "kind": "name, surname, alias, title, metonym, pronoun, group",
        "function": "actor, location or modifier",
        "confidence": "0..1, how sure the match and its resolution are",
        "members": "for groups: member actor ids named in the text, space separated",
    },
    "actors": {
        "doc_id": "document id",
        "actor_id": "actor id",
        "actor_name": "canonical name",
        "actor_type": "person, state, organisation, group, place",
        "n_mentions": "all mentions (every kind and function)",
        "n_named": "mentions by name, surname, alias, title or metonym",
        "first_sentence": "sentence of the first mention",
        "in_lead": "mentioned in the first paragraph",
        "share": "share of all mentions in the document",
        "n_sentences": "sentences where the actor appears",
        "spread": "(last - first sentence + 1) / sentences in the document",
    },
    "cooccurrence": {
        "doc_id": "document id",
        "actor_a": "actor id (alphabetically first)",
        "actor_b": "actor id",
        "name_a": "canonical name of actor_a",
        "name_b": "canonical name of actor_b",
        "n_sentences": "sentences where both appear",
        "n_paragraphs": "paragraphs where both appear",
        "sentence_ids": "the shared sentences, space separated",
    },
    "actions": {
        "doc_id": "document id",
        "sentence_id": "sentence of the action",
        "mention_id": "subject mention",
        "actor_id": "subject actor id",
        "actor_name": "subject actor name",
        "verb": "verb as written",
        "lemma": "verb lemma",
        "verb_start": "offset of the verb",
        "verb_end": "offset after the verb",
        "target_id": "object/target actor id, if any",
        "target_name": "object/target actor name, if any",
        "evidence": "the clause the action was read from",
    },
    "gold_scores": {
        "metric": "named_precision, named_recall, named_f1, consistent_ids, pronoun_accuracy, group_recall",
        "value": "the score (0..1)",
        "n": "how many mentions the score is over",
        "detail": "counts and the gold-actor -> our-id mapping",
    },
    "gold_matches": {
        "gold_start": "gold span start (empty for a mention of ours with no gold match)",
        "gold_end": "gold span end",
        "gold_text": "gold surface form",
        "gold_actor": "gold actor key",
        "gold_kind": "gold kind: name, metonym, pronoun, group",
        "mapped_id": "our actor id the gold actor maps to (majority of its matches)",
        "start": "our span start (empty when missed)",
        "end": "our span end",
        "text": "our mention as written",
        "actor_id": "our actor id",
        "kind": "our kind",
        "function": "our function",
        "status": "tp, wrong_id, fn, fp, pronoun_ok, pronoun_wrong, pronoun_missed, group_found, group_missed",
    },
    "sentiment": {
        "doc_id": "document id",
        "sentence_id": "sentence",
        "paragraph_id": "paragraph",
        "neg": "VADER negative proportion",
        "neu": "VADER neutral proportion",
        "pos": "VADER positive proportion",
        "compound": "VADER compound score (-1..1)",
        "label": "positive (>= 0.05), negative (<= -0.05), else neutral",
        "evidence": "words that carried valence with their values and the rules applied",
        "textblob_polarity": "second method: TextBlob pattern polarity (-1..1)",
        "textblob_subjectivity": "TextBlob subjectivity (0..1)",
    },
    "sentiment_evidence": {
        "doc_id": "document id",
        "sentence_id": "sentence",
        "word": "word as VADER reads it (an emoji reads as its description)",
        "start": "offset of the word (of the emoji for description words)",
        "end": "offset after the word",
        "lexicon_value": "valence in the VADER lexicon (-4..4)",
        "adjusted_value": "valence after VADER's rules; sums to VADER's raw sentence score",
        "rules": "rules that changed the value (negation, booster/dampener, caps, 'but', idiom), '; ' separated",
    },
    "method_agreement": {
        "metric": "pearson, spearman, label_agreement, cohen_kappa, n_sentences",
        "value": "the measure across sentences",
        "note": "how it was computed",
    },
    "method_disagreements": {
        "doc_id": "document id",
        "sentence_id": "sentence",
        "compound": "VADER compound",
        "label": "VADER label",
        "textblob_polarity": "TextBlob polarity",
        "textblob_label": "TextBlob label by the same thresholds",
        "difference": "compound - textblob_polarity",
        "text": "sentence text (empty when no sentences table was given)",
    },
    "tone": {
        "doc_id": "document id",
        "level": "document or paragraph",
        "id": "paragraph id, or the doc id for level=document",
        "word_count": "words",
        "positive_pct": "% of words with positive valence",
        "negative_pct": "% of words with negative valence",
        "tone": "positive_pct - negative_pct",
        "polarity": "% of words carrying any valence",
        "lexicon": "lexicon the words were scored with",
        "positive_words": "matched positive words",
        "negative_words": "matched negative words",
    },
    "actor_sentiment": {
        "doc_id": "document id",
        "mention_id": "mention",
        "sentence_id": "sentence",
        "actor_id": "actor id",
        "actor_name": "actor name",
        "text": "mention as written",
        "label": "negative, neutral or positive toward the actor",
        "score": "-1..1, sentiment toward the actor",
        "p_negative": "model probability of negative",
        "p_neutral": "model probability of neutral",
        "p_positive": "model probability of positive",
        "sentence_label": "VADER label of the whole sentence, for comparison",
    },
    "frames_generic": {
        "doc_id": "document id",
        "frame": "conflict, responsibility, human_interest, economic, morality",
        "item": "coding-sheet question id",
        "question": "the coding-sheet question",
        "answer": "1 yes, 0 no",
        "sentence_ids": "sentences that carry the evidence, space separated",
        "evidence": "matched terms and rules",
        "frame_score": "mean of the frame's items",
        "probability": "the frame's calibrated probability (data/models/frames_generic.json), same on each item row",
        "present": "the frame is decided present: probability >= the frame's threshold",
    },
    "frames_policy": {
        "doc_id": "document id",
        "frame": "Policy Frames Codebook name as in SemEval-2023 Task 3",
        "rank": "1 = the article's strongest frame by score",
        "score": "mean of lexicon_score and similarity_score (lexicon_score alone on the lexicon-only path), 0-1",
        "present": "assigned to the article: score >= the calibrated threshold (the top frame always), at most 6",
        "lexicon_score": "1 - exp(-W/2), W = summed weights of the frame's lexicon hits",
        "n_hits": "matched terms",
        "n_sentences": "sentences with a hit",
        "evidence": "matched terms with sentence ids",
        "similarity": "mean cosine of the 3 sentences closest to the frame's prototypes (empty without encoder)",
        "similarity_score": "1/(1+exp(-(z-2))), z = similarity standardised on ordinary news sentences",
        "similar_sentences": "the closest sentences: s<id> (cosine): text",
        "method": "'lexicon + MiniLM prototypes', or 'lexicon only (no encoder)' when torch is not installed",
    },
    "frame_hits": {
        "doc_id": "document id",
        "sentence_id": "sentence",
        "paragraph_id": "paragraph",
        "frame": "policy frame the term belongs to",
        "term": "lexicon term or pattern (data/frames_policy.csv)",
        "weight": "the term's weight",
        "start": "offset of the match",
        "end": "offset after the match",
        "text": "match as written",
    },
    "attributions": {
        "doc_id": "document id",
        "sentence_id": "sentence",
        "mention_id": "the speaker's mention (joins the mentions table)",
        "speaker_id": "speaker actor id",
        "speaker_name": "speaker actor name (resolved through the mentions table)",
        "speaker_text": "speaker as written",
        "cue": "reporting verb or noun as written",
        "cue_start": "offset of the cue",
        "cue_end": "offset after the cue",
        "verb_class": "assertive, directive, commissive, expressive, rejection",
        "addressee_id": "addressee actor id, if any",
        "addressee_name": "addressee actor name, if any",
        "content": "what was said, urged, ...",
        "content_start": "offset of the content",
        "content_end": "offset after the content",
        "mode": "direct (quoted) or indirect",
        "rule": "how the speaker was found: subject, coordination, participle, inversion, passive, according to, "
                "possessor, modifier, complement, from, light verb",
    },
    "hedges": {
        "doc_id": "document id",
        "sentence_id": "sentence",
        "n_words": "words in the sentence",
        "n_hedges": "hedges",
        "n_boosters": "boosters",
        "n_conditionals": "conditionals",
        "is_question": "sentence is a question",
        "hedges_per_100": "hedges per 100 words",
        "boosters_per_100": "boosters per 100 words",
        "certainty": "(boosters - hedges - conditionals - 1 if a question) per 100 words",
        "evidence": "matched terms with their category",
    },
    "labels": {
        "doc_id": "document id",
        "concept": "the thing being named (the war, the talks, the capital, ...)",
        "label": "the label chosen",
        "connotation": "what the label signals (data/labels.csv)",
        "n": "occurrences",
        "share": "share of the concept's occurrences in the document",
        "sentence_ids": "sentences, space separated",
        "examples": "the label as written, distinct forms separated by ' | '",
    },
    # --- roles (narrative roles: hero, villain, victim; newsframe.roles) ---
    "roles": {
        "doc_id": "document id",
        "actor_id": "actor id (group:<noun> for a collective noun no actor mention covers)",
        "actor_name": "actor name",
        "actor_type": "person, state, organisation, group, place (as in actors)",
        "role": "dominant role: hero, villain, victim, or none (no score reaches the threshold)",
        "main_role": "forced choice: the strongest role even below the threshold (villain without any cue)",
        "fine_role": "war-news fine role of the dominant role (Guardian, Peacemaker, Tyrant, ...), empty when unsure",
        "hero": "hero score 0..1 (1 - exp(-weighted cues))",
        "villain": "villain score 0..1",
        "victim": "victim score 0..1",
        "other_roles": "further roles that also reach the threshold, space separated",
        "n_cues": "cue firings (rows of role_evidence)",
        "sentence_ids": "sentences with a cue (and the context sentence of a role resting on it), space separated "
                    "(display; join role_evidence instead)",
        "sources": "where the evidence came from: action, attribution, lexicon, toward-sentiment; prototype when "
                   "the role rests on the context of the mentions (below the cue rule, role_rule prototype)",
        "cues": "the strongest cues with role, sentence and source (display)",
        "dominance": "why the dominant role won: its score, cue count, strongest cue, the roles it beat; below the "
                     "cue threshold the model's probabilities and how the mentions read like the role prototypes",
    },
    "role_evidence": {
        "doc_id": "document id",
        "actor_id": "actor id",
        "actor_name": "actor name",
        "mention_id": "mention the cue is about (0 when only the actions target names the actor)",
        "sentence_id": "sentence of the cue",
        "role": "hero, villain or victim",
        "fine_role": "fine role of the cue (data/roles.csv), empty when the cue is generic",
        "slot": "agent, patient, blamed, target, self (lexicon word), toward (sentiment); a supplier of arms: agent",
        "source": "action, attribution, lexicon, toward-sentiment",
        "term": "lexicon term that fired (for sentiment: the label toward the mention; for a supplier of arms, also the recipient and its role)",
        "text": "the cue as written (for sentiment: the mention the sentiment is toward)",
        "start": "offset of the cue",
        "end": "offset after the cue",
        "weight": "lexicon weight times the source multiplier",
    },
    "role_comparison": {
        "unit": "the documents column compared by (source, doc_id, ...)",
        "unit_id": "outlet, article or other group",
        "actor_id": "actor id",
        "actor_name": "actor name",
        "n_docs": "articles of the group where the actor appears",
        "n_hero": "articles where the actor is the hero",
        "n_villain": "articles where the actor is the villain",
        "n_victim": "articles where the actor is the victim",
        "n_none": "articles where it has no role",
        "share_hero": "n_hero / n_docs",
        "share_villain": "n_villain / n_docs",
        "share_victim": "n_victim / n_docs",
        "mean_hero": "mean hero score",
        "mean_villain": "mean villain score",
        "mean_victim": "mean victim score",
        "modal_role": "most frequent role (none when no article gives one)",
    },
    # --- render (notebooks and reports) ---
    "reports": {
        "doc_id": "article the report describes, empty for a single article or the comparison report",
        "notebook": "notebook name (01_overview, ...)",
        "title": "article title, or what the comparison covers",
        "html": "path of the HTML report",
        "n_charts": "plotly charts in the report",
        "seconds": "time to run and export the notebook",
    },
    "comparison": {
        "unit": "article (several articles) or paragraph (one article)",
        "unit_id": "doc id or paragraph id",
        "title": "article title, or the paragraph's first 80 characters",
        "n_words": "words",
        "n_sentences": "sentences",
        "n_mentions": "actor mentions",
        "n_actors": "distinct actors",
        "top_actors": "most mentioned actors (pronouns not counted), comma separated",
        "mean_compound": "mean VADER compound of the sentences",
        "pct_negative_sentences": "% of sentences labelled negative",
        "tone": "GDELT-style tone (positive % - negative %)",
        "top_policy_frames": "policy frames with the most weighted hits, comma separated",
        "n_attributions": "attributed statements (who says/urges/... what)",
        "hedges_per_100": "hedges per 100 words",
    },
    "comparison_measures": {
        "unit": "article or paragraph",
        "unit_id": "doc id or paragraph id",
        "measure": "actor, policy_frame or label",
        "key": "actor name, frame name, or 'concept: label'",
        "value": "share of the unit's mentions, weighted frame hits per 100 words, or label occurrences",
    },
    # --- reliability: records of a corpus left out as bad (newsframe.io.read_documents) ---
    "skipped": {
        "record": "the bad record: file, or corpus with line/row number",
        "reason": "why it was left out",
    },
}

# --- explore (views) ---
# Frames returned by the exploration helpers in newsframe.explore: computed on request from the tables
# above with user options, so they are not tables of the Analysis object.
VIEWS: dict[str, dict[str, str]] = {
    "term_frequencies": {
        "term": "word (lower case), or for by='stem' the stem's most frequent word form",
        "forms": "word forms counted under the term, most frequent first, space separated",
        "n": "occurrences",
        "per_1000": "occurrences per 1,000 words (all words, stop words included)",
        "n_docs": "documents that contain the term",
        "rank": "1 = most frequent (ties share the lower rank)",
    },
    "ngrams": {
        "ngram": "words joined by spaces (lower case)",
        "size": "words in the n-gram",
        "n": "occurrences",
        "per_1000": "occurrences per 1,000 words",
        "n_docs": "documents that contain the n-gram",
        "rank": "1 = most frequent",
    },
    "collocations": {
        "w1": "first word",
        "w2": "second word",
        "collocation": "w1 w2",
        "n": "times the two words occur side by side",
        "n_w1": "occurrences of w1",
        "n_w2": "occurrences of w2",
        "score": "association score (PMI in bits, or Dunning's log-likelihood ratio)",
        "measure": "pmi or llr",
        "rank": "1 = strongest association",
    },
    "kwic": {
        "doc_id": "document id",
        "sentence_id": "sentence holding the start of the match",
        "start": "offset of the match",
        "end": "offset after the match",
        "left": "the words before the match (line breaks shown as spaces)",
        "match": "the match as written",
        "right": "the words after the match",
    },
    "dispersion": {
        "doc_id": "document id",
        "term": "the term as asked for",
        "token_id": "first token of the occurrence",
        "sentence_id": "sentence of the occurrence",
        "start": "offset of the occurrence",
        "end": "offset after the occurrence",
        "text": "the occurrence as written",
        "position": "word number of the occurrence in the document (1-based)",
        "relative": "(position - 1) / (words - 1): 0 = first word, 1 = last word",
    },
    "readability": {
        "doc_id": "document id",
        "n_sentences": "sentences with at least one word",
        "n_words": "words (tokens with a letter)",
        "n_syllables": "syllables (newsframe.explore.count_syllables)",
        "words_per_sentence": "mean words per sentence",
        "words_per_sentence_median": "median words per sentence",
        "syllables_per_word": "mean syllables per word",
        "flesch_reading_ease": "206.835 - 1.015 words/sentence - 84.6 syllables/word (higher = easier)",
        "flesch_kincaid_grade": "0.39 words/sentence + 11.8 syllables/word - 15.59 (US school grade)",
    },
    "lexical_diversity": {
        "doc_id": "document id",
        "n_words": "words (tokens with a letter or digit)",
        "n_types": "distinct words (lower case)",
        "ttr": "type-token ratio n_types / n_words",
        "mattr": "moving-average TTR over windows of `window` words (TTR when the text is shorter)",
        "window": "MATTR window in words",
    },
}

# --- corpus (groups, dfm): frames from newsframe.groups and newsframe.dfm, computed on request ---
VIEWS.update({
    "document_measures": {
        "doc_id": "document id",
        "table": "stage table the measure comes from (frames_policy, actors, attributions, ...)",
        "measure": "present, score, frame_score, tone, compound, mention_share, speaker, verb_class, label, ...",
        "scope": "what a share is within (the concept for labels, the actor for actor_role), else empty",
        "key": "frame, actor, speaker, verb class, label, role, ...",
        "numerator": "the document's count or sum for the key",
        "denominator": "the document's total (share), 1 (per-article measures) or the key's rows (means)",
        "value": "numerator / denominator",
        "kind": "per_document, share or mean: how groups pool it (newsframe.groups.MEASURES)",
        "unit": "what the denominator counts: documents, mentions, statements, words, ...",
    },
    "group_measures": {
        "<by>": "one column per grouping key first (source, week, bias, ...): the group's label",
        "table": "stage table", "measure": "measure", "scope": "scope of a share", "key": "frame, actor, ...",
        "value": "numerator / denominator, pooled over the group's documents",
        "numerator": "sum of the documents' numerators",
        "denominator": "sum of the documents' totals (share), documents in the group (per-article) or rows (mean)",
        "unit": "what the denominator counts",
        "n_documents": "documents the value is computed over",
        "n_documents_key": "documents where the key occurs",
        "n_documents_group": "documents in the group",
    },
    "keyness": {
        "feature": "term (or actor, frame, category)",
        "n_target": "occurrences in the target documents",
        "n_reference": "occurrences in the reference documents",
        "per_1000_target": "per 1,000 features of the target",
        "per_1000_reference": "per 1,000 features of the reference",
        "chi2": "Pearson chi-squared of the 2x2 table, negative when relatively more frequent in the reference",
        "p_chi2": "p-value (1 degree of freedom)",
        "g2": "log-likelihood G2, signed like chi2",
        "p_g2": "p-value (1 degree of freedom)",
        "log_ratio": "log2 of the relative-frequency ratio target / reference (zero counts as 0.5): effect size",
        "rank": "1 = most key for the target",
    },
    "dfm_triplets": {
        "doc_id": "row: document id (or group label after dfm_group)",
        "feature": "column: term, actor, frame or category",
        "count": "the cell's count (or summed weight); zero cells are not stored",
    },
})


def columns(table: str) -> list[str]:
    """The column names of ``table`` in order."""
    return list(TABLES[table])


def empty(table: str) -> pd.DataFrame:
    """An empty frame with the columns of ``table``."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in TABLES[table]})


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``df`` with exactly the documented columns of ``table``, in order.

    Raises ``KeyError`` naming the missing columns: a table that drifts from its schema is a bug.
    """
    missing = [c for c in TABLES[table] if c not in df.columns]
    if missing:
        raise KeyError(f"table {table!r} lacks columns {missing}")
    return df.loc[:, columns(table)].reset_index(drop=True)


def markdown() -> str:
    """A markdown listing of every table and its columns (for the README)."""
    lines = ["| table | columns |", "|---|---|"]
    for name, cols in TABLES.items():
        lines.append(f"| `{name}` | " + ", ".join(f"`{c}`" for c in cols) + " |")
    lines += ["", "Exploration views (functions in `newsframe.explore`, parameterised, not stored on the Analysis):", "",
              "| view | columns |", "|---|---|"]
    for name, cols in VIEWS.items():
        lines.append(f"| `{name}` | " + ", ".join(f"`{c}`" for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
