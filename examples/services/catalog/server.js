'use strict';
// The catalog service: a REST resource /items/{sku} over its DynamoDB table, on the service kit,
// which answers /status, /status/ready and /version. Its routes are public: the demo's load has no token.
const { createService, HttpError } = require('@pipeline/service-kit');

const SERVICE = 'catalog';
const greeting = 'catalog, first edition';

function createCatalog({ store, env = process.env, ...options }) {
  return createService({
    env, name: SERVICE, tables: options.tables, log: options.log,
    // Also under the route prefix, so the version can be asked through HAProxy.
    versionPaths: ['/items/version'], versionInfo: { greeting },
    routes: [
      { method: 'GET', path: '/items', public: true, handler: async () => ({ body: { items: await store.list() } }) },
      { method: 'GET', path: '/items/:sku', public: true, handler: async ({ params }) => {
        const item = await store.get(params.sku);
        if (!item) throw new HttpError(404, `item ${params.sku} does not exist`);
        return { body: item };
      } },
      { method: 'PUT', path: '/items/:sku', public: true, handler: async ({ params, json }) => {
        const input = await json();
        if (typeof input.name !== 'string' || input.name.length === 0) throw new HttpError(400, 'name: required, a non-empty string');
        if (!Number.isFinite(input.price) || input.price < 0) throw new HttpError(400, 'price: required, a number >= 0');
        return { body: await store.put({ sku: params.sku, name: input.name, price: input.price }) };
      } },
    ],
  });
}

if (require.main === module) {
  const { tables } = require('@pipeline/service-kit');
  const db = tables(['items']);
  createCatalog({ store: db.table('items', 'sku'), tables: db }).start();
}

module.exports = { createCatalog };
