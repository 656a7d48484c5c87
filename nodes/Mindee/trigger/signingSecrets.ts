import type { IWebhookFunctions } from 'n8n-workflow';

import { isValidSignature, looksLikeSignature } from './delivery';

/**
 * Where the trigger gets its Signing Secret for each delivery.
 *
 * Reading a credential inside a webhook is costly in n8n: a database read, decryption, and on n8n
 * 2.x an expression isolate taken from a pool (credentials-helper resolves the credential's
 * expressions in one) on top of the one n8n already takes for a community node's webhook. Under a
 * burst of deliveries that second isolate per request was most of the trigger's extra time over
 * n8n's Webhook node. So each n8n process keeps the secret of a credential (by its ID) for a
 * minute after reading it. Every delivery is still verified, in constant time; a signature that
 * does not match the kept secret is checked again against a fresh read, so a changed secret is
 * used at once. A secret replaced in the credential stays accepted at most a minute longer.
 */

const WEBHOOK_CREDENTIAL_TYPE = 'mindeeWebhookApi';
const KEEP_MS = 60_000;
/** Credentials kept at most (the oldest read goes first). */
const MAX_KEPT = 100;

const kept = new Map<string, { secret: string; readAt: number }>();

async function readSecret(context: IWebhookFunctions): Promise<string> {
	const { signingSecret } = await context.getCredentials(WEBHOOK_CREDENTIAL_TYPE);
	return String(signingSecret ?? '');
}

/** Whether the delivery is signed with the Signing Secret of the node's credential. */
export async function isSignedDelivery(
	context: IWebhookFunctions,
	rawBody: Buffer,
	header: unknown,
): Promise<boolean> {
	// Unsigned or malformed: refused without reading the credential at all.
	if (!looksLikeSignature(header)) return false;
	const credentialId = context.getNode().credentials?.[WEBHOOK_CREDENTIAL_TYPE]?.id;
	const now = Date.now();
	const entry = credentialId ? kept.get(credentialId) : undefined;
	if (entry && now - entry.readAt < KEEP_MS && isValidSignature(entry.secret, rawBody, header)) {
		return true;
	}
	const secret = await readSecret(context);
	if (credentialId) {
		kept.delete(credentialId);
		kept.set(credentialId, { secret, readAt: now });
		if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
	}
	return isValidSignature(secret, rawBody, header);
}

/** Forgets every kept secret (tests). */
export function forgetSigningSecrets(): void {
	kept.clear();
}
