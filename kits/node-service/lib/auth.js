'use strict';
// Bearer-token verification with jose. The issuer and its JWKS URL are the stack's, passed to every
// instance as PIPELINE_AUTH_ISSUER and PIPELINE_AUTH_JWKS_URL; the audience is the service's own
// (service.yaml auth.audience, passed as PIPELINE_AUTH_AUDIENCE), defaulting to the service name.
const { createRemoteJWKSet, jwtVerify } = require('jose');

class AuthError extends Error {
  constructor(status, code, description, scope) {
    super(description);
    this.status = status;
    this.code = code;
    this.scope = scope;
  }

  // RFC 6750 section 3: no error code when the request carried no token at all.
  challenge(realm) {
    const parts = [`realm="${realm}"`];
    if (this.code) parts.push(`error="${this.code}"`, `error_description="${this.message.replace(/["\\]/g, "'")}"`);
    if (this.scope) parts.push(`scope="${this.scope}"`);
    return `Bearer ${parts.join(', ')}`;
  }
}

function createAuth({ env = process.env, issuer = env.PIPELINE_AUTH_ISSUER, jwksUrl = env.PIPELINE_AUTH_JWKS_URL,
  audience = env.PIPELINE_AUTH_AUDIENCE || env.PIPELINE_SERVICE, keys } = {}) {
  const configured = Boolean(issuer && (jwksUrl || keys));
  const keySet = configured ? (keys ?? createRemoteJWKSet(new URL(jwksUrl))) : null;
  return {
    configured,
    // The verified claims, or an AuthError saying why not (401) or which scope is missing (403).
    async verify(authorization, scopes = []) {
      const match = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/.exec(authorization ?? '');
      if (!authorization) throw new AuthError(401, null, 'a bearer token is required');
      if (!match) throw new AuthError(401, 'invalid_request', 'Authorization must be "Bearer <token>"');
      // Fails closed: a route that needs a token cannot be served by an instance that cannot check one.
      if (!configured) throw new AuthError(401, 'invalid_token', 'this instance has no token issuer (PIPELINE_AUTH_ISSUER, PIPELINE_AUTH_JWKS_URL)');
      let claims;
      try {
        ({ payload: claims } = await jwtVerify(match[1], keySet, { issuer, audience, clockTolerance: 5 }));
      } catch (error) {
        throw new AuthError(401, 'invalid_token', error.code ? `${error.code}: ${error.message}` : error.message);
      }
      const granted = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ') : (Array.isArray(claims.scp) ? claims.scp : []));
      const missing = scopes.filter((s) => !granted.has(s));
      if (missing.length > 0) throw new AuthError(403, 'insufficient_scope', `the token lacks scope ${missing.join(' ')}`, scopes.join(' '));
      return claims;
    },
  };
}

module.exports = { createAuth, AuthError };
