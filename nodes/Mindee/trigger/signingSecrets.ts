import type { IWebhookFunctions } from 'n8n-workflow';

import { isValidSignature, looksLikeSignature } from './delivery';

/**
 * Where the trigger gets its Signing Secret for each delivery.
 *
 * Reading a credential inside a webhook is costly in n8n: a database read, decryption, and on n8n
 * 2.x an expression isolate created for that read alone (credentials-helper resolves the
 * credential's expressions in one) on top of the one n8n already takes for a community node's
 * webhook. So each n8n process keeps the secret of a credential (by its ID) for a minute after
 * reading it, and deliveries that need a read at the same moment share one: a burst that arrives
 * as the minute ends costs one read, not one per delivery.
 *
 * Every delivery is still verified, in constant time. A delivery is accepted only when it is signed
 * with a secret read in the last minute; it is refused only after a read that began after it
 * arrived, so a secret changed in the credential is used at once. A secret replaced in the
 * credential stays accepted at most a minute longer.
 */

const WEBHOOK_CREDENTIAL_TYPE = 'mindeeWebhookApi';
const KEEP_MS = 60_000;
/** Credentials kept at most (the oldest read goes first). */
const MAX_KEPT = 100;

interface Read {
	/** Its rank among this credential's reads: a delivery that saw `started` = k is answered by read k + 1. */
	number: number;
	startedAt: number;
	secret: Promise<string>;
}

interface Kept {
	secret?: string;
	/** When the read that gave `secret` began. */
	readAt: number;
	/** How many reads have begun. */
	started: number;
	inFlight?: Read;
}

const kept = new Map<string, Kept>();

async function readSecret(context: IWebhookFunctions): Promise<string> {
	const { signingSecret } = await context.getCredentials(WEBHOOK_CREDENTIAL_TYPE);
	return String(signingSecret ?? '');
}

function keptFor(credentialId: string): Kept {
	let entry = kept.get(credentialId);
	if (!entry) {
		entry = { readAt: 0, started: 0 };
		kept.set(credentialId, entry);
		if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as string);
	}
	return entry;
}

/**
 * The read in flight for this credential, or a new one; it records its secret when it ends, and
 * makes the credential the last to be dropped (MAX_KEPT drops the oldest read first).
 */
function currentRead(context: IWebhookFunctions, credentialId: string, entry: Kept): Read {
	if (entry.inFlight) return entry.inFlight;
	const read: Read = {
		number: ++entry.started,
		startedAt: Date.now(),
		secret: readSecret(context),
	};
	entry.inFlight = read;
	// Registered before any delivery awaits the read, so it has run when they resume.
	void read.secret.then(
		(secret) => {
			if (entry.inFlight === read) entry.inFlight = undefined;
			entry.secret = secret;
			entry.readAt = read.startedAt;
			if (kept.get(credentialId) === entry) {
				kept.delete(credentialId);
				kept.set(credentialId, entry);
			}
		},
		() => {
			if (entry.inFlight === read) entry.inFlight = undefined;
		},
	);
	return read;
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
	if (!credentialId) return isValidSignature(await readSecret(context), rawBody, header);

	const entry = keptFor(credentialId);
	// Reads numbered up to this one began before this delivery arrived.
	const begunBefore = entry.started;
	if (
		entry.secret !== undefined &&
		Date.now() - entry.readAt < KEEP_MS &&
		isValidSignature(entry.secret, rawBody, header)
	) {
		return true;
	}
	// Kept secret too old or not matching: the read in flight (or a new one) decides. A read that
	// began before this delivery arrived may accept it, not refuse it: then one more is waited for.
	for (;;) {
		const read = currentRead(context, credentialId, entry);
		if (isValidSignature(await read.secret, rawBody, header)) return true;
		if (read.number > begunBefore) return false;
	}
}

/** Forgets every kept secret (tests). */
export function forgetSigningSecrets(): void {
	kept.clear();
}
