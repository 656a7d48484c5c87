import { createHmac, timingSafeEqual } from 'crypto';

/** Mindee's X-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the Signing Secret. */
export function computeSignature(signingSecret: string, rawBody: Buffer): string {
	return createHmac('sha256', signingSecret).update(rawBody).digest('hex');
}

/** Compares in constant time, over the exact bytes received (never a re-serialised body). */
export function isValidSignature(signingSecret: string, rawBody: Buffer, header: unknown): boolean {
	if (typeof header !== 'string' || !/^[0-9a-fA-F]{64}$/.test(header.trim())) return false;
	const expected = Buffer.from(computeSignature(signingSecret, rawBody), 'hex');
	const received = Buffer.from(header.trim().toLowerCase(), 'hex');
	return received.length === expected.length && timingSafeEqual(received, expected);
}
