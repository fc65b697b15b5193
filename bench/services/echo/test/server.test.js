'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { createServer } = require('../server');

test('status answers ok and version names the label', async () => {
  const server = createServer({ version: '0.1.7-abcdef0' });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    assert.strictEqual((await fetch(`${base}/status`)).status, 200);
    assert.strictEqual((await (await fetch(`${base}/echo/version`)).json()).version, '0.1.7-abcdef0');
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
