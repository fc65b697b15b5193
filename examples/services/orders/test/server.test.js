'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { createServer } = require('../server');
const { sign } = require('../dynamo');

function memoryStore() {
  const items = new Map();
  return { get: async (id) => items.get(id) ?? null, put: async (id, doc) => { items.set(id, doc); }, list: async () => [...items.values()] };
}

async function withServer(fn) {
  const server = createServer({ store: memoryStore(), version: '1.4.7-abcdef0' });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try { await fn(base); } finally { server.close(); server.closeAllConnections(); }
}

test('status answers ok', () => withServer(async (base) => {
  const response = await fetch(`${base}/status`);
  assert.strictEqual(response.status, 200);
  assert.strictEqual((await response.json()).status, 'ok');
}));

test('version reports the deployed label', () => withServer(async (base) => {
  assert.strictEqual((await (await fetch(`${base}/version`)).json()).version, '1.4.7-abcdef0');
}));

test('an order posted can be read back', () => withServer(async (base) => {
  const created = await fetch(`${base}/orders`, { method: 'POST', body: JSON.stringify({ customerId: 'c-1', items: ['book'] }) });
  assert.strictEqual(created.status, 201);
  const order = await created.json();
  const read = await (await fetch(`${base}/orders/${order.orderId}`)).json();
  assert.deepStrictEqual(read, order);
}));

test('an order without a customer is refused naming the field', () => withServer(async (base) => {
  const response = await fetch(`${base}/orders`, { method: 'POST', body: '{}' });
  assert.strictEqual(response.status, 400);
  assert.match((await response.json()).error, /customerId/);
}));

test('an unknown order is 404', () => withServer(async (base) => {
  assert.strictEqual((await fetch(`${base}/orders/nope`)).status, 404);
}));

test('requests are signed with SigV4 over the sorted headers', () => {
  const headers = sign({
    url: new URL('http://127.0.0.1:4567/'), body: '{}', target: 'DynamoDB_20120810.GetItem', region: 'us-east-1',
    accessKeyId: 'AKID', secretAccessKey: 'secret', now: new Date('2026-01-02T03:04:05Z'),
  });
  assert.strictEqual(headers['x-amz-date'], '20260102T030405Z');
  assert.match(headers.authorization,
    /^AWS4-HMAC-SHA256 Credential=AKID\/20260102\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/);
});
