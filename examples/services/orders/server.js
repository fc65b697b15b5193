'use strict';
// The orders service: a REST resource /orders over its DynamoDB table, on the service kit, which
// answers /status, /status/ready and /version. Its routes are public, the demo's load has no token,
// except /orders/mine: a caller's own orders, which needs a bearer token from the stack's issuer.
const crypto = require('node:crypto');
const { createService, HttpError } = require('@pipeline/service-kit');

const SERVICE = 'orders';
const greeting = 'orders at your service';

function createOrders({ store, env = process.env, ...options }) {
  return createService({
    env, name: SERVICE, tables: options.tables, auth: options.auth, log: options.log,
    // Also under the route prefix, so the version can be asked through HAProxy.
    versionPaths: ['/orders/version'], versionInfo: { greeting },
    routes: [
      { method: 'GET', path: '/orders', public: true, handler: async () => ({ body: { orders: await store.list() } }) },
      // Before /orders/:id, which would take "mine" for an id.
      { method: 'GET', path: '/orders/mine', scopes: ['orders:read'], handler: async ({ claims }) => ({
        body: { customerId: claims.sub, orders: (await store.list()).filter((o) => o.customerId === claims.sub) },
      }) },
      { method: 'GET', path: '/orders/:id', public: true, handler: async ({ params }) => {
        const order = await store.get(params.id);
        if (!order) throw new HttpError(404, `order ${params.id} does not exist`);
        return { body: order };
      } },
      { method: 'POST', path: '/orders', public: true, handler: async ({ json }) => {
        const input = await json();
        if (typeof input.customerId !== 'string' || input.customerId.length === 0) throw new HttpError(400, 'customerId: required, a non-empty string');
        return { status: 201, body: await store.put({ orderId: crypto.randomUUID(), customerId: input.customerId, items: input.items ?? [], createdAt: Date.now() }) };
      } },
    ],
  });
}

if (require.main === module) {
  const { tables } = require('@pipeline/service-kit');
  const db = tables([SERVICE]);
  createOrders({ store: db.table(SERVICE, 'orderId'), tables: db }).start();
}

module.exports = { createOrders };
