'use strict';

// Preloaded into s3rver (NODE_OPTIONS=--require) by the tests: every chunk a file stream writes
// reaches the disk 30 ms late, as on a loaded machine, so that any answer that does not wait for
// an object's bytes to be written shows up on every run instead of once in a while.
const fs = require('node:fs');

for (const method of ['_write', '_writev']) {
  const write = fs.WriteStream.prototype[method];
  fs.WriteStream.prototype[method] = function (...args) {
    setTimeout(() => write.apply(this, args), 30);
  };
}
