'use strict';
// For a service's own tests: an issuer whose tokens the service's auth accepts, with no network.
const { generateKeyPair, exportJWK, SignJWT, createLocalJWKSet } = require('jose');
const { createAuth } = require('./auth');

async function testIssuer({ issuer = 'http://issuer.test', audience }) {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'RS256' };
  const jwks = { keys: [jwk] };
  return {
    issuer,
    jwks,
    auth: createAuth({ env: {}, issuer, audience, keys: createLocalJWKSet(jwks) }),
    // A signed token for sub with the scopes given; options override audience, issuer or expiry.
    token: ({ sub = 'tester', scopes = [], ...claims } = {}, { audience: aud = audience, issuer: iss = issuer, expires = '5m' } = {}) =>
      new SignJWT({ ...claims, ...(scopes.length ? { scope: scopes.join(' ') } : {}) })
        .setProtectedHeader({ alg: 'RS256', kid: 'test' }).setIssuer(iss).setAudience(aud).setSubject(sub)
        .setIssuedAt().setExpirationTime(expires).sign(privateKey),
  };
}

module.exports = { testIssuer };
