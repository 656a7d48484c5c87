/**
 * Sent with every request so Mindee can tell this integration's traffic apart, as its SDKs and
 * its Zapier app do. A unit test keeps the version equal to package.json's.
 */
export const PACKAGE_VERSION = '0.1.0';

export const USER_AGENT = `mindee-api-n8n-community@v${PACKAGE_VERSION} n8n-nodes-mindee`;
