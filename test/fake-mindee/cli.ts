/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Standalone fake Mindee server.
 *
 *   npx ts-node --transpile-only test/fake-mindee/cli.ts [--port 8787] [--host 127.0.0.1] [--api-key K]
 *     [--processing-ms 3000] [--rate-limits 200,1200] [--rate-limit-retry-after]
 *     [--tls-key f --tls-cert f] [--public-url URL] [--config options.json]
 *
 * Environment variables set the same options: FAKE_MINDEE_PORT, FAKE_MINDEE_HOST, FAKE_MINDEE_API_KEY,
 * FAKE_MINDEE_PROCESSING_MS, FAKE_MINDEE_RATE_LIMITS, FAKE_MINDEE_RATE_LIMIT_RETRY_AFTER,
 * FAKE_MINDEE_TLS_KEY, FAKE_MINDEE_TLS_CERT, FAKE_MINDEE_PUBLIC_URL, FAKE_MINDEE_CONFIG (flags win).
 * --config is a JSON file of FakeMindeeOptions (models, webhooks with secrets, faults, ...); flags win over it.
 *
 * Prints exactly one line "fake-mindee listening on <url>" on stdout once ready; logs go to stderr.
 * Stops cleanly on SIGTERM / SIGINT.
 */
import { readFileSync } from 'node:fs';
import { startFakeMindee, type FakeMindeeOptions } from './server';

const FLAGS: Record<string, string> = {
  '--port': 'FAKE_MINDEE_PORT',
  '--host': 'FAKE_MINDEE_HOST',
  '--api-key': 'FAKE_MINDEE_API_KEY',
  '--processing-ms': 'FAKE_MINDEE_PROCESSING_MS',
  '--rate-limits': 'FAKE_MINDEE_RATE_LIMITS',
  '--rate-limit-retry-after': 'FAKE_MINDEE_RATE_LIMIT_RETRY_AFTER',
  '--tls-key': 'FAKE_MINDEE_TLS_KEY',
  '--tls-cert': 'FAKE_MINDEE_TLS_CERT',
  '--public-url': 'FAKE_MINDEE_PUBLIC_URL',
  '--config': 'FAKE_MINDEE_CONFIG',
};
const BOOLEAN_FLAGS = new Set(['--rate-limit-retry-after']);

function fail(message: string): never {
  process.stderr.write(`fake-mindee: ${message}\n`);
  process.exit(2);
}

function readSettings(argv: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [flag, env] of Object.entries(FLAGS)) {
    const value = process.env[env];
    if (value !== undefined && value !== '') settings[flag] = value;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stderr.write(`usage: cli.ts ${Object.keys(FLAGS).map((f) => (BOOLEAN_FLAGS.has(f) ? `[${f}]` : `[${f} V]`)).join(' ')}\n`);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(flag in FLAGS)) fail(`unknown argument ${arg}`);
    if (eq > 0) settings[flag] = arg.slice(eq + 1);
    else if (BOOLEAN_FLAGS.has(flag)) settings[flag] = 'true';
    else if (i + 1 < argv.length) settings[flag] = argv[++i];
    else fail(`${flag} needs a value`);
  }
  return settings;
}

function toInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`${flag} must be a non-negative integer, got '${value}'`);
  return n;
}

function buildOptions(settings: Record<string, string>): FakeMindeeOptions {
  let options: FakeMindeeOptions = {};
  if (settings['--config']) {
    try {
      options = JSON.parse(readFileSync(settings['--config'], 'utf8'));
    } catch (err) {
      fail(`cannot read --config ${settings['--config']}: ${(err as Error).message}`);
    }
  }
  options.port = settings['--port'] !== undefined ? toInt('--port', settings['--port']) : options.port ?? 8787;
  if (settings['--host']) options.host = settings['--host'];
  if (settings['--api-key']) options.apiKey = settings['--api-key'];
  if (settings['--processing-ms'] !== undefined) options.processingMs = toInt('--processing-ms', settings['--processing-ms']);
  if (settings['--rate-limits'] !== undefined) {
    const value = settings['--rate-limits'].trim();
    if (value === 'off' || value === 'none') {
      options.rateLimits = null;
    } else {
      const [post, get] = value.split(',').map((s) => toInt('--rate-limits', s.trim()));
      if (post === undefined || get === undefined) fail(`--rate-limits must be "POST,GET" per minute, e.g. 200,1200`);
      options.rateLimits = { postPerMinute: post, getPerMinute: get };
    }
  }
  if (settings['--rate-limit-retry-after'] !== undefined) {
    options.rateLimitRetryAfter = !['false', '0', 'no', 'off'].includes(settings['--rate-limit-retry-after'].toLowerCase());
  }
  if (settings['--public-url']) options.publicUrl = settings['--public-url'];
  const keyFile = settings['--tls-key'];
  const certFile = settings['--tls-cert'];
  if (!!keyFile !== !!certFile) fail('--tls-key and --tls-cert go together');
  if (keyFile && certFile) options.tls = { key: readFileSync(keyFile), cert: readFileSync(certFile) };
  return options;
}

async function main(): Promise<void> {
  const options = buildOptions(readSettings(process.argv.slice(2)));
  const fake = await startFakeMindee(options);
  process.stdout.write(`fake-mindee listening on ${fake.url}\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`fake-mindee: ${signal}, stopping\n`);
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
