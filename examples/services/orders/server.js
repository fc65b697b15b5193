'use strict';
// The orders service: /status, /version and a REST resource /orders over its DynamoDB table.
const http = require('node:http');
const crypto = require('node:crypto');

const SERVICE = 'orders';
const greeting = 'orders at your service';

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
      if (url.pathname === '/version' || url.pathname === '/orders/version') return send(200, { service: SERVICE, version, greeting });
      const match = url.pathname.match(/^\/orders(?:\/([A-Za-z0-9_-]{1,64}))?\/?$/);
      if (!match) return send(404, { error: `no route for ${url.pathname}` });
      const id = match[1];
      if (req.method === 'GET' && !id) return send(200, { orders: await store.list() });
      if (req.method === 'GET') {
        const order = await store.get(id);
        return order ? send(200, order) : send(404, { error: `order ${id} does not exist` });
      }
      if (req.method === 'POST' && !id) {
        const input = JSON.parse((await body(req)) || '{}');
        if (typeof input.customerId !== 'string' || input.customerId.length === 0) {
          return send(400, { error: 'customerId: required, a non-empty string' });
        }
        const order = { orderId: crypto.randomUUID(), customerId: input.customerId, items: input.items ?? [], createdAt: Date.now() };
        await store.put(order.orderId, order);
        return send(201, order);
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
  const store = table(process.env.ORDERS_TABLE || `${prefix}.${SERVICE}.orders`, 'orderId');
  const port = Number(process.env.PORT || 8080);
  createServer({ store, version: process.env.PIPELINE_VERSION || 'dev' })
    .listen(port, '127.0.0.1', () => console.log(`${SERVICE} listening on ${port}`));
}

module.exports = { createServer };
