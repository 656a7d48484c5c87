import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

/**
 * The Test button of the signing-secret credential. Mindee has no API that knows webhook
 * secrets, so this catches the mistakes that can be seen locally: an empty value, stray spaces,
 * or the API key pasted where the Signing Secret belongs.
 */
export async function testSigningSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = String(credential.data?.signingSecret ?? '');
	if (!secret)
		return {
			status: 'Error',
			message: "Paste the webhook's Signing Secret from app.mindee.com → your model → Webhooks",
		};
	if (/\s/.test(secret))
		return {
			status: 'Error',
			message: 'The Signing Secret contains spaces or line breaks; copy it again',
		};
	if (secret.startsWith('md_')) {
		return {
			status: 'Error',
			message:
				"This looks like a Mindee API key. Use the webhook's Signing Secret (app.mindee.com → your model → Webhooks)",
		};
	}
	return {
		status: 'OK',
		message:
			'The Signing Secret looks right. Mindee cannot check it remotely: the first signed delivery will prove it.',
	};
}
