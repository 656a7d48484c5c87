/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- starts the fake server's command line as a child process */
/**
 * Fake Mindee server CLI (test/fake-mindee/cli.ts): one "listening" line on stdout, flags and env vars,
 * clean stop on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { FormData, request } from 'undici';
import type { FakeJobRecord } from './types';

const ROOT = path.resolve(__dirname, '..', '..');

function startCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; stdout: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'test/fake-mindee/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^fake-mindee listening on (\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${err}`)));
  });
  return { child, stdout: () => out, url };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

// Both processes start at once: ts-node's start-up dominates the run time.
let cli: ReturnType<typeof startCli>;
let bad: ReturnType<typeof startCli>;
beforeAll(() => {
  cli = startCli(['--port', '0', '--api-key', 'md_cli_key', '--rate-limits', '100,2'], { FAKE_MINDEE_PROCESSING_MS: '1234' });
  bad = startCli(['--nope']);
  bad.url.catch(() => undefined);
});

afterAll(() => {
  for (const c of [cli, bad]) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

it('prints one listening line, applies flags and env vars, and stops on SIGTERM', async () => {
  const url = await cli.url;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  const denied = await request(`${url}/v2/search/models`, { headers: { authorization: 'md_fake_local_key' } });
  await denied.body.dump();
  expect(denied.statusCode).toBe(401);
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const res = await request(`${url}/v2/search/models`, { headers: { authorization: 'md_cli_key' } });
    await res.body.dump();
    statuses.push(res.statusCode);
  }
  expect(statuses).toEqual([200, 200, 429]);

  const fd = new FormData();
  fd.append('model_id', 'b3274545-bb22-bb22-991e-9ca0639829a3');
  fd.append('url', 'https://example.com/a.pdf');
  const enq = await request(`${url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: 'md_cli_key' } });
  expect(enq.statusCode).toBe(202);
  await enq.body.dump();
  const jobs = (await (await request(`${url}/_fake/jobs`)).body.json()) as FakeJobRecord[];
  expect(jobs[0].readyAt - jobs[0].enqueuedAt).toBe(1234);

  cli.child.kill('SIGTERM');
  expect(await exited(cli.child)).toBe(0);
  expect(cli.stdout()).toBe(`fake-mindee listening on ${url}\n`);
}, 120_000);

it('exits non-zero on a bad argument', async () => {
  expect(await exited(bad.child)).toBe(2);
  expect(bad.stdout()).toBe('');
}, 120_000);
