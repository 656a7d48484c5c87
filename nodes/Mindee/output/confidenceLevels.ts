import type { ConfidenceLevel } from './types';

/** Least to most trusted, so the index is the rank. */
const LEVELS_BY_RANK: readonly ConfidenceLevel[] = ['Low', 'Medium', 'High', 'Certain'];

export function isConfidenceLevel(value: unknown): value is ConfidenceLevel {
	return typeof value === 'string' && (LEVELS_BY_RANK as readonly string[]).includes(value);
}

export function isBelowThreshold(level: ConfidenceLevel, threshold: ConfidenceLevel): boolean {
	return LEVELS_BY_RANK.indexOf(level) < LEVELS_BY_RANK.indexOf(threshold);
}
