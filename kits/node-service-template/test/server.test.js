'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { createLogger, testIssuer } = require('@pipeline/service-kit');
const { create__Service__ } = require('../server');

function memoryStore() {
  const items = new Map();
  return { get: async (id) => items.get(id) ?? null, put: async (item) => { items.set(item.id, item); return item; }, list: async () => [...items.values()] };
}

async function withServer(fn) {
  const issuer = await testIssuer({ audience: '__SERVICE__' });
  const service = create__Service__({ store: memoryStore(), auth: issuer.auth, env: { PIPELINE_VERSION: '1.0.1-abcdef0' }, log: createLogger({ write: () => {} }) });
  const port = await service.listen(0, '127.0.0.1');
  try { await fn(`http://127.0.0.1:${port}`, issuer); } finally { await service.close(100); }
}

const bearer = async (issuer, scopes) => ({ authorization: `Bearer ${await issuer.token({ scopes })}` });

test('status and version are public', () => withServer(async (base) => {
  assert.strictEqual((await fetch(`${base}/status`)).status, 200);
  assert.strictEqual((await (await fetch(`${base}/__SERVICE__/version`)).json()).version, '1.0.1-abcdef0');
}));

test('the resource needs a token: 401 with a Bearer challenge without one', () => withServer(async (base) => {
  const response = await fetch(`${base}/__SERVICE__`);
  assert.strictEqual(response.status, 401);
  assert.match(response.headers.get('www-authenticate'), /^Bearer /);
}));

test('creating needs the write scope: 403 with only read', () => withServer(async (base, issuer) => {
  const response = await fetch(`${base}/__SERVICE__`, { method: 'POST', headers: await bearer(issuer, ['__SERVICE__:read']), body: '{"name":"first"}' });
  assert.strictEqual(response.status, 403);
}));

test('an item created can be read back and listed', () => withServer(async (base, issuer) => {
  const headers = await bearer(issuer, ['__SERVICE__:read', '__SERVICE__:write']);
  const created = await fetch(`${base}/__SERVICE__`, { method: 'POST', headers, body: '{"name":"first"}' });
  assert.strictEqual(created.status, 201);
  const item = await created.json();
  assert.strictEqual(item.createdBy, 'tester');
  assert.deepStrictEqual(await (await fetch(`${base}/__SERVICE__/${item.id}`, { headers })).json(), item);
  assert.strictEqual((await (await fetch(`${base}/__SERVICE__`, { headers })).json()).items.length, 1);
  assert.strictEqual((await fetch(`${base}/__SERVICE__/nope`, { headers })).status, 404);
}));

test('an item without a name is refused naming the field', () => withServer(async (base, issuer) => {
  const response = await fetch(`${base}/__SERVICE__`, { method: 'POST', headers: await bearer(issuer, ['__SERVICE__:write']), body: '{}' });
  assert.strictEqual(response.status, 400);
  assert.match((await response.json()).error, /name/);
}));
