'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { createLogger } = require('@pipeline/service-kit');
const { createCatalog } = require('../server');

function memoryStore() {
  const items = new Map();
  return { get: async (id) => items.get(id) ?? null, put: async (item) => { items.set(item.sku, item); return item; }, list: async () => [...items.values()] };
}

async function withServer(fn) {
  const service = createCatalog({ store: memoryStore(), env: { PIPELINE_VERSION: '1.0.3-1234567' }, log: createLogger({ write: () => {} }) });
  const port = await service.listen(0, '127.0.0.1');
  try { await fn(`http://127.0.0.1:${port}`); } finally { await service.close(100); }
}

test('status answers ok', () => withServer(async (base) => {
  assert.strictEqual((await (await fetch(`${base}/status`)).json()).status, 'ok');
}));

test('version reports the deployed label', () => withServer(async (base) => {
  assert.strictEqual((await (await fetch(`${base}/version`)).json()).version, '1.0.3-1234567');
}));

test('an item put can be read back and listed', () => withServer(async (base) => {
  const put = await fetch(`${base}/items/sku-1`, { method: 'PUT', body: JSON.stringify({ name: 'Lamp', price: 12.5 }) });
  assert.strictEqual(put.status, 200);
  assert.deepStrictEqual(await (await fetch(`${base}/items/sku-1`)).json(), { sku: 'sku-1', name: 'Lamp', price: 12.5 });
  assert.strictEqual((await (await fetch(`${base}/items`)).json()).items.length, 1);
}));

test('a negative price is refused naming the field', () => withServer(async (base) => {
  const response = await fetch(`${base}/items/sku-2`, { method: 'PUT', body: JSON.stringify({ name: 'Lamp', price: -1 }) });
  assert.strictEqual(response.status, 400);
  assert.match((await response.json()).error, /price/);
}));
