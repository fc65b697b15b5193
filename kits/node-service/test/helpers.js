'use strict';
// Shared by the kit's tests: the kit's own test issuer, and a service listening on a free port.
const { createService, createLogger, testIssuer } = require('..');

const ISSUER = 'http://issuer.test';

async function keys() {
  const issuer = await testIssuer({ issuer: ISSUER, audience: 'widgets' });
  const sign = (claims = {}, options = {}) => issuer.token({ ...claims }, options);
  return { jwks: issuer.jwks, auth: issuer.auth, sign };
}

async function withService(options, fn) {
  const lines = [];
  const log = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
  const service = createService({ env: {}, name: 'widgets', version: '1.0.3-abcdef0', log, ...options });
  const port = await service.listen(0, '127.0.0.1');
  try {
    await fn(`http://127.0.0.1:${port}`, { lines, service });
  } finally {
    await service.close(100);
  }
}

module.exports = { keys, withService, ISSUER };
