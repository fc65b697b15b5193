'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { withService } = require('./helpers');
const { HttpError } = require('..');

const routes = [
  { method: 'GET', path: '/widgets/:id', public: true, handler: async ({ params }) => ({ body: { id: params.id } }) },
  { method: 'POST', path: '/widgets', public: true, handler: async ({ json }) => ({ status: 201, body: await json() }) },
  { method: 'GET', path: '/boom', public: true, handler: async () => { throw new HttpError(409, 'taken'); } },
];

test('status answers ok while the process serves', () => withService({ routes }, async (base) => {
  const response = await fetch(`${base}/status`);
  assert.strictEqual(response.status, 200);
  assert.deepStrictEqual(await response.json(), { status: 'ok', service: 'widgets' });
}));

test('version reports the label on /version and on the extra version paths', () =>
  withService({ routes, versionPaths: ['/widgets/version'], versionInfo: { greeting: 'hi' } }, async (base) => {
    for (const path of ['/version', '/widgets/version']) {
      assert.deepStrictEqual(await (await fetch(base + path)).json(), { service: 'widgets', version: '1.0.3-abcdef0', greeting: 'hi' });
    }
  }));

test('ready without tables is ready', () => withService({ routes }, async (base) => {
  const response = await fetch(`${base}/status/ready`);
  assert.strictEqual(response.status, 200);
  assert.strictEqual((await response.json()).status, 'ready');
}));

test('ready is 503 naming the table that does not answer', () =>
  withService({ routes, tables: { check: async () => ({ ready: false, tables: { widgets: 'ResourceNotFoundException: gone' } }) } }, async (base) => {
    const response = await fetch(`${base}/status/ready`);
    assert.strictEqual(response.status, 503);
    assert.match((await response.json()).tables.widgets, /ResourceNotFound/);
  }));

test('path parameters reach the handler', () => withService({ routes }, async (base) => {
  assert.deepStrictEqual(await (await fetch(`${base}/widgets/a%20b`)).json(), { id: 'a b' });
}));

test('a request id given is echoed and logged; one not given is generated', () => withService({ routes }, async (base, { lines }) => {
  const given = await fetch(`${base}/widgets/1`, { headers: { 'x-request-id': 'req-42' } });
  assert.strictEqual(given.headers.get('x-request-id'), 'req-42');
  const generated = (await fetch(`${base}/widgets/1`)).headers.get('x-request-id');
  assert.match(generated, /^[0-9a-f-]{36}$/);
  assert.deepStrictEqual(lines.filter((l) => l.msg === 'request').map((l) => [l.requestId, l.status, l.service, l.version]),
    [['req-42', 200, 'widgets', '1.0.3-abcdef0'], [generated, 200, 'widgets', '1.0.3-abcdef0']]);
}));

test('a request id that could forge a log line is replaced', () => withService({ routes }, async (base) => {
  const response = await fetch(`${base}/widgets/1`, { headers: { 'x-request-id': 'a"b' } });
  assert.notStrictEqual(response.headers.get('x-request-id'), 'a"b');
}));

test('unknown paths are 404, other methods 405 with Allow', () => withService({ routes }, async (base) => {
  assert.strictEqual((await fetch(`${base}/nothing`)).status, 404);
  const response = await fetch(`${base}/widgets/1`, { method: 'DELETE' });
  assert.strictEqual(response.status, 405);
  assert.strictEqual(response.headers.get('allow'), 'GET');
}));

test('a body that is not JSON is 400, an HttpError keeps its status', () => withService({ routes }, async (base) => {
  const bad = await fetch(`${base}/widgets`, { method: 'POST', body: '{nope' });
  assert.strictEqual(bad.status, 400);
  assert.match((await bad.json()).error, /not JSON/);
  assert.strictEqual((await fetch(`${base}/boom`)).status, 409);
}));

test('close lets an in-flight request finish and refuses new connections', async () => {
  let release;
  const slow = { method: 'GET', path: '/slow', public: true, handler: () => new Promise((r) => { release = () => r({ body: { done: true } }); }) };
  await withService({ routes: [slow] }, async (base, { service }) => {
    const inFlight = fetch(`${base}/slow`);
    while (!release) await new Promise((r) => setTimeout(r, 5));
    const closed = service.close(5_000);
    await assert.rejects(fetch(`${base}/status`));
    release();
    const response = await inFlight;
    assert.deepStrictEqual(await response.json(), { done: true });
    assert.strictEqual(response.headers.get('connection'), 'close');
    assert.strictEqual(await closed, true);
  });
});
