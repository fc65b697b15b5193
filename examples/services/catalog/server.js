'use strict';
// The catalog service: /status, /version and a REST resource /items/{sku} over its DynamoDB table.
const http = require('node:http');

const SERVICE = 'catalog';
const greeting = 'catalog, first edition';

function createServer({ store, version }) {
  return http.createServer(async (req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url, 'http://local');
      if (url.pathname === '/status') return send(200, { status: 'ok', service: SERVICE });
      // Also under the route prefix, so the version can be asked through HAProxy.
      if (url.pathname === '/version' || url.pathname === '/items/version') return send(200, { service: SERVICE, version, greeting });
      const match = url.pathname.match(/^\/items(?:\/([A-Za-z0-9_-]{1,64}))?\/?$/);
      if (!match) return send(404, { error: `no route for ${url.pathname}` });
      const sku = match[1];
      if (req.method === 'GET' && !sku) return send(200, { items: await store.list() });
      if (!sku) return send(405, { error: `${req.method} needs an item: /items/{sku}` });
      if (req.method === 'GET') {
        const item = await store.get(sku);
        return item ? send(200, item) : send(404, { error: `item ${sku} does not exist` });
      }
      if (req.method === 'PUT') {
        const input = JSON.parse((await body(req)) || '{}');
        if (typeof input.name !== 'string' || input.name.length === 0) return send(400, { error: 'name: required, a non-empty string' });
        if (!Number.isFinite(input.price) || input.price < 0) return send(400, { error: 'price: required, a number >= 0' });
        const item = { sku, name: input.name, price: input.price };
        await store.put(sku, item);
        return send(200, item);
      }
      return send(405, { error: `${req.method} is not allowed on ${url.pathname}` });
    } catch (error) {
      if (error instanceof SyntaxError) return send(400, { error: `body is not JSON: ${error.message}` });
      return send(502, { error: error.message });
    }
  });
}

function body(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

if (require.main === module) {
  const { table } = require('./dynamo');
  const prefix = process.env.PIPELINE_TABLE_PREFIX || 'pipeline';
  const store = table(process.env.ITEMS_TABLE || `${prefix}.${SERVICE}.items`, 'sku');
  const port = Number(process.env.PORT || 8080);
  createServer({ store, version: process.env.PIPELINE_VERSION || 'dev' })
    .listen(port, '127.0.0.1', () => console.log(`${SERVICE} listening on ${port}`));
}

module.exports = { createServer };
