import type { IDataObject } from 'n8n-workflow';

export type OutputMode = 'simplified' | 'raw' | 'both';

/** Mindee's confidence levels, from most to least trusted. */
export type ConfidenceLevel = 'Certain' | 'High' | 'Medium' | 'Low';

export interface ShapeOptions {
	mode: OutputMode;
	/** Top-level key of a list in the simplified document; '' or undefined leaves the document whole. */
	splitListField?: string;
	/** Minimum confidence a field needs to pass; '' or undefined turns review routing off. */
	reviewThreshold?: ConfidenceLevel | '';
}

export interface LowConfidenceField {
	/** Path of the field in the simplified document, e.g. `total_amount` or `line_items[0].quantity`. */
	field: string;
	confidence: ConfidenceLevel | null;
}

export interface ReviewResult {
	threshold: ConfidenceLevel;
	lowConfidenceFields: LowConfidenceField[];
	confidenceAvailable: boolean;
}

export interface ShapedDocument {
	/** JSON of the output items for this document: one, or one per row when split. */
	items: IDataObject[];
	/** True when the document belongs on the "Needs review" output. */
	needsReview: boolean;
	/** Present only when a review threshold was set. */
	review?: ReviewResult;
}
