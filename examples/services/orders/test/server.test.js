'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { createLogger } = require('@pipeline/service-kit');
const { createOrders } = require('../server');

function memoryStore() {
  const items = new Map();
  return { get: async (id) => items.get(id) ?? null, put: async (item) => { items.set(item.orderId, item); return item; }, list: async () => [...items.values()] };
}

async function withServer(fn, auth) {
  const service = createOrders({ store: memoryStore(), env: { PIPELINE_VERSION: '1.4.7-abcdef0' }, auth, log: createLogger({ write: () => {} }) });
  const port = await service.listen(0, '127.0.0.1');
  try { await fn(`http://127.0.0.1:${port}`); } finally { await service.close(100); }
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


test('the version under the route prefix keeps the shape the load and the tests read', () => withServer(async (base) => {
  // The greeting changes with each edition (the demo's second commit edits it); the fields do not.
  const body = await (await fetch(`${base}/orders/version`)).json();
  assert.deepStrictEqual(Object.keys(body), ['service', 'version', 'greeting']);
  assert.deepStrictEqual([body.service, body.version, typeof body.greeting], ['orders', '1.4.7-abcdef0', 'string']);
}));

test('/orders/mine needs a bearer token: 401 with a challenge without one', () => withServer(async (base) => {
  const response = await fetch(`${base}/orders/mine`);
  assert.strictEqual(response.status, 401);
  assert.match(response.headers.get('www-authenticate'), /^Bearer /);
}));

test('/orders/mine answers the token subject\'s orders only', () => {
  const granted = [];
  const auth = { verify: async (authorization, scopes) => { granted.push(scopes); return { sub: 'c-1' }; } };
  return withServer(async (base) => {
    for (const customerId of ['c-1', 'c-2', 'c-1']) {
      await fetch(`${base}/orders`, { method: 'POST', body: JSON.stringify({ customerId }) });
    }
    const body = await (await fetch(`${base}/orders/mine`, { headers: { authorization: 'Bearer x' } })).json();
    assert.strictEqual(body.customerId, 'c-1');
    assert.deepStrictEqual(body.orders.map((o) => o.customerId), ['c-1', 'c-1']);
    assert.deepStrictEqual(granted, [['orders:read']]);
  }, auth);
});
