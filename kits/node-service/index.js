'use strict';
// The service kit: what every Pipeline service needs, written once. See README.md.
const { createService, HttpError } = require('./lib/service');
const { createAuth } = require('./lib/auth');
const { tables, tableVariable } = require('./lib/tables');
const { createLogger } = require('./lib/log');
const { testIssuer } = require('./lib/testing');

module.exports = { createService, HttpError, createAuth, tables, tableVariable, createLogger, testIssuer };
