/** Keys the simplified output writes itself; extracted fields never take them. */
export const METADATA_KEY = 'mindee';
export const RAW_KEY = 'raw';
export const RAW_TEXT_KEY = 'raw_text';
export const RAG_DOCUMENT_KEY = 'rag_document_id';

export const RESERVED_KEYS: readonly string[] = [
	METADATA_KEY,
	RAW_KEY,
	RAW_TEXT_KEY,
	RAG_DOCUMENT_KEY,
];

/** Joins the path of an object's subfield, e.g. `supplier_address__city`. */
export const PATH_SEPARATOR = '__';

/** Suffix of the column holding the confidence of the value beside it. */
export const CONFIDENCE_SUFFIX = '__confidence';

/** Mindee's SDKs separate pages of text with a blank line; keeping that makes both outputs match. */
export const PAGE_SEPARATOR = '\n\n';
