"""Search filters: which passages a search may return, decided before ranking."""
from __future__ import annotations

from dataclasses import dataclass

from corpus.access import Viewer, visible_clause


@dataclass(frozen=True)
class SearchFilters:
    """Empty fields do not filter. Dates are ISO prefixes: "2019", "2019-05" or "2019-05-01"."""

    languages: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    published_from: str | None = None
    published_to: str | None = None
    exclude_documents: tuple[int, ...] = ()  # catalogue ids never to answer from
    viewer: Viewer | None = None  # who asks: restricted collections they lack access to are left out

    @property
    def is_empty(self) -> bool:
        return not (self.languages or self.series or self.tags or self.published_from or self.published_to
                    or self.exclude_documents or (self.viewer and not self.viewer.curates))

    def sql(self) -> tuple[str, list[object]]:
        """A WHERE clause over `passages p JOIN documents d`, with its parameters."""
        clauses, parameters = ["d.status = 'active'"], []
        if self.languages:
            clauses.append(f"COALESCE(p.language, d.language) IN ({_marks(self.languages)})")
            parameters += [language.lower() for language in self.languages]
        if self.series:
            clauses.append(f"lower(d.series) IN ({_marks(self.series)})")
            parameters += [series.lower() for series in self.series]
        if self.tags:
            clauses.append("EXISTS (SELECT 1 FROM document_tags t WHERE t.document_id = d.id "
                           f"AND lower(t.tag) IN ({_marks(self.tags)}))")
            parameters += [tag.lower() for tag in self.tags]
        if self.published_from:  # compare as many characters as the bound has: "2019" matches "2019-05-01"
            clauses.append("substr(d.published, 1, ?) >= ?")
            parameters += [len(self.published_from), self.published_from]
        if self.published_to:
            clauses.append("substr(d.published, 1, ?) <= ?")
            parameters += [len(self.published_to), self.published_to]
        if self.exclude_documents:
            clauses.append(f"d.id NOT IN ({_marks(self.exclude_documents)})")
            parameters += [int(document_id) for document_id in self.exclude_documents]
        if self.viewer is not None:
            clause, values = visible_clause(self.viewer)
            clauses.append(clause)
            parameters += values
        return " AND ".join(clauses), parameters


def _marks(values: tuple[str, ...]) -> str:
    return ",".join("?" * len(values))
