/** One hit of `GET /api/search` (scenario 11): a record the caller may see, as projected for them. */
export interface SearchHit {
  c: string;
  id: string;
  /** The channel that carries it for the caller (join it to watch the record live). */
  topic: string;
  title: string;
  /** A short excerpt around the first match. */
  snippet: string;
  matchedFields: string[];
  updatedAtMs: number;
}
