'use strict';
// The __SERVICE__ service: a REST resource /__SERVICE__ over its DynamoDB table __TABLE__, on the service kit,
// which also answers /status (liveness), /status/ready (tables reachable) and /version.
const crypto = require('node:crypto');
const { createService, HttpError, tables } = require('@pipeline/service-kit');

const SERVICE = '__SERVICE__';

// store: { get(id), put(item), list() }, the table in production, a Map in unit tests.
function create__Service__({ store, env = process.env, ...options }) {
  return createService({
    env, name: SERVICE, tables: options.tables, auth: options.auth, log: options.log,
    versionPaths: ['/__SERVICE__/version'],
    // Every route needs a bearer token (service.yaml auth: says which scopes); mark one public: true to open it.
    routes: [
      { method: 'GET', path: '/__SERVICE__', scopes: ['__SERVICE__:read'], handler: async () => ({ body: { items: await store.list() } }) },
      { method: 'GET', path: '/__SERVICE__/:id', scopes: ['__SERVICE__:read'], handler: async ({ params }) => {
        const item = await store.get(params.id);
        if (!item) throw new HttpError(404, `${params.id} does not exist`);
        return { body: item };
      } },
      { method: 'POST', path: '/__SERVICE__', scopes: ['__SERVICE__:write'], handler: async ({ json, claims }) => {
        const input = await json();
        if (typeof input.name !== 'string' || input.name.length === 0) throw new HttpError(400, 'name: required, a non-empty string');
        const item = { id: crypto.randomUUID(), name: input.name, createdBy: claims.sub, createdAt: new Date().toISOString() };
        return { status: 201, body: await store.put(item) };
      } },
    ],
  });
}

if (require.main === module) {
  const db = tables(__TABLES__);
  create__Service__({ store: db.table('__TABLE__', 'id'), tables: db }).start();
}

module.exports = { create__Service__ };
