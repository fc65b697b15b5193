'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { keys, withService } = require('./helpers');
const { createAuth } = require('..');

const routes = [
  { method: 'GET', path: '/widgets', handler: async ({ claims }) => ({ body: { sub: claims.sub } }) },
  { method: 'POST', path: '/widgets', scopes: ['widgets:write'], handler: async () => ({ status: 201, body: {} }) },
];

test('no token is 401 with a Bearer challenge and no error code', async () => {
  const { auth } = await keys();
  await withService({ routes, auth }, async (base) => {
    const response = await fetch(`${base}/widgets`);
    assert.strictEqual(response.status, 401);
    assert.strictEqual(response.headers.get('www-authenticate'), 'Bearer realm="widgets"');
  });
});

test('a valid token reaches the handler with its claims', async () => {
  const { auth, sign } = await keys();
  await withService({ routes, auth }, async (base) => {
    const response = await fetch(`${base}/widgets`, { headers: { authorization: `Bearer ${await sign()}` } });
    assert.strictEqual(response.status, 200);
    assert.deepStrictEqual(await response.json(), { sub: 'tester' });
  });
});

test('a token for another audience, another issuer, expired or signed by another key is 401 invalid_token', async () => {
  const { auth, sign } = await keys();
  const stranger = await keys();
  const tokens = [
    await sign({}, { audience: 'orders' }),
    await sign({}, { issuer: 'http://elsewhere' }),
    await sign({}, { expires: Math.floor(Date.now() / 1000) - 60 }),
    await stranger.sign(),
    'not.a.jwt',
  ];
  await withService({ routes, auth }, async (base) => {
    for (const token of tokens) {
      const response = await fetch(`${base}/widgets`, { headers: { authorization: `Bearer ${token}` } });
      assert.strictEqual(response.status, 401, token);
      assert.match(response.headers.get('www-authenticate'), /^Bearer realm="widgets", error="invalid_token", error_description="[^"]+"$/);
    }
  });
});

test('a missing scope is 403 insufficient_scope naming it; the scope granted is 201', async () => {
  const { auth, sign } = await keys();
  await withService({ routes, auth }, async (base) => {
    const without = await fetch(`${base}/widgets`, { method: 'POST', headers: { authorization: `Bearer ${await sign({ scope: 'widgets:read' })}` } });
    assert.strictEqual(without.status, 403);
    assert.match(without.headers.get('www-authenticate'), /error="insufficient_scope".*scope="widgets:write"/);
    const granted = await fetch(`${base}/widgets`, { method: 'POST', headers: { authorization: `Bearer ${await sign({ scope: 'widgets:read widgets:write' })}` } });
    assert.strictEqual(granted.status, 201);
  });
});

test('health and version stay public when every route needs a token', async () => {
  const { auth } = await keys();
  await withService({ routes, auth }, async (base) => {
    for (const path of ['/status', '/status/ready', '/version']) assert.strictEqual((await fetch(base + path)).status, 200, path);
  });
});

test('without an issuer configured a protected route fails closed', async () => {
  await withService({ routes, auth: createAuth({ env: {} }) }, async (base) => {
    const response = await fetch(`${base}/widgets`, { headers: { authorization: 'Bearer a.b.c' } });
    assert.strictEqual(response.status, 401);
    assert.match(response.headers.get('www-authenticate'), /PIPELINE_AUTH_ISSUER/);
  });
});

test('the issuer and JWKS come from the environment, fetched from the JWKS URL', async () => {
  const http = require('node:http');
  const { jwks, sign } = await keys();
  const issuer = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(jwks)); });
  await new Promise((r) => issuer.listen(0, '127.0.0.1', r));
  try {
    const auth = createAuth({ env: { PIPELINE_AUTH_ISSUER: 'http://issuer.test', PIPELINE_AUTH_JWKS_URL: `http://127.0.0.1:${issuer.address().port}/jwks.json`, PIPELINE_SERVICE: 'widgets' } });
    assert.strictEqual((await auth.verify(`Bearer ${await sign()}`)).sub, 'tester');
  } finally {
    issuer.close();
  }
});

test('service.yaml scopes (PIPELINE_AUTH_SCOPES) add to a route\'s and close a public one', async () => {
  const { auth, sign } = await keys();
  const open = { method: 'GET', path: '/open', public: true, handler: async () => ({ body: {} }) };
  const env = { PIPELINE_AUTH_SCOPES: JSON.stringify({ 'POST /widgets': ['audit'], 'GET /open': ['open:read'] }) };
  await withService({ routes: [...routes, open], auth, env }, async (base) => {
    const writeOnly = await fetch(`${base}/widgets`, { method: 'POST', headers: { authorization: `Bearer ${await sign({ scope: 'widgets:write' })}` } });
    assert.strictEqual(writeOnly.status, 403);
    assert.match(writeOnly.headers.get('www-authenticate'), /scope="widgets:write audit"/);
    const both = await fetch(`${base}/widgets`, { method: 'POST', headers: { authorization: `Bearer ${await sign({ scope: 'widgets:write audit' })}` } });
    assert.strictEqual(both.status, 201);
    assert.strictEqual((await fetch(`${base}/open`)).status, 401);
  });
});
