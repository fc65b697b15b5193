'use strict';
// Shared by the kit's tests: a signing key with its JWKS, and a service listening on a free port.
const { generateKeyPair, exportJWK, SignJWT, createLocalJWKSet } = require('jose');
const { createService } = require('..');
const { createAuth } = require('../lib/auth');

const ISSUER = 'http://issuer.test';

async function keys() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const sign = (claims = {}, { audience = 'widgets', issuer = ISSUER, expires = '5m' } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(audience)
      .setSubject('tester').setIssuedAt().setExpirationTime(expires).sign(privateKey);
  return { jwks: { keys: [jwk] }, keySet: createLocalJWKSet({ keys: [jwk] }), sign };
}

async function withService(options, fn) {
  const lines = [];
  const log = require('../lib/log').createLogger({ write: (line) => lines.push(JSON.parse(line)) });
  const service = createService({ env: {}, name: 'widgets', version: '1.0.3-abcdef0', log, ...options });
  const port = await service.listen(0, '127.0.0.1');
  try {
    await fn(`http://127.0.0.1:${port}`, { lines, service });
  } finally {
    await service.close(100);
  }
}

const authFor = (keySet) => createAuth({ env: {}, issuer: ISSUER, audience: 'widgets', keys: keySet });

module.exports = { keys, withService, authFor, ISSUER };
