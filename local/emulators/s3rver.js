#!/usr/bin/env node
'use strict';

// s3rver with S3's read-after-write atomicity.
//
// S3 replaces an object whole: a GET sees the old object or the new one, never a mix. s3rver's
// filesystem store writes an object's content, its MD5 and its metadata as three files, in
// place, and a GET stats the file, reads the MD5 file and then streams the content. A GET that
// meets a PUT of the same key can so answer a Content-Length and ETag of one version and the
// bytes of another: the client sees a short body or a checksum failure that S3 never gives.
// Router agents rewrite their status object on every poll, so this happens locally, not on AWS.
//
// This launcher serialises the store's object operations per key, reads an object's bytes while
// it holds the key and writes them whole before it lets the key go, so each answer is one whole
// version. It then runs s3rver's own command line with the arguments it was given.

const { AsyncLocalStorage } = require('node:async_hooks');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { PassThrough, Readable, Transform } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const FilesystemStore = require('s3rver/lib/stores/filesystem');

const tails = new Map();
const held = new AsyncLocalStorage();

// Runs `work` once every earlier holder of `name` is done; a nested call for a name the
// caller already holds runs at once (copyObject and putObjectMultipart call other methods).
async function withKey(name, work) {
  const mine = held.getStore();
  if (mine && mine.has(name)) return work();
  const previous = tails.get(name) || Promise.resolve();
  let release;
  const done = new Promise(resolve => { release = resolve; });
  const tail = previous.then(() => done);
  tails.set(name, tail);
  await previous;
  try {
    return await held.run(new Set([...(mine || []), name]), work);
  } finally {
    release();
    if (tails.get(name) === tail) tails.delete(name);
  }
}

const keyOf = (bucket, key) => `${bucket}\u0000${key}`;

// The bytes, read now, as a stream again (the controller pipes it, or destroys it for HEAD).
async function readNow(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const copy = new PassThrough();
  copy.end(Buffer.concat(chunks));
  return copy;
}

const store = FilesystemStore.prototype;
const { getObject, copyObject, deleteObject } = store;

store.getObject = function (bucket, key, options) {
  return withKey(keyOf(bucket, key), async () => {
    const object = await getObject.call(this, bucket, key, options);
    if (object && object.content && typeof object.content.pipe === 'function') {
      object.content = await readNow(object.content);
    }
    return object;
  });
};

// s3rver's own putObject resolves once the body is hashed, while its write stream may still be
// filling the object file in place: the key was let go with the new MD5 and metadata beside a
// file still being written, and a GET then sent the new ETag with part of the body (seen when the
// disk is slow: a loaded machine). Here the bytes go to a file beside the object that is renamed
// over it once written and closed, so a failed upload also leaves the old version whole.
let uploads = 0;
store.putObject = function (object) {
  return withKey(keyOf(object.bucket, object.key), async () => {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    // Not a name s3rver lists: its objects' files end in `._S3rver_object`.
    const partial = `${objectPath}.${process.pid}-${++uploads}.partial`;
    const md5 = crypto.createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk, encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const content = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    try {
      await pipeline(content, measure, fs.createWriteStream(partial));
      const digest = md5.digest('hex');
      await this.putMetadata(object.bucket, object.key, object.metadata, digest);
      await fs.promises.rename(partial, objectPath);
      return { size, md5: digest };
    } finally {
      await fs.promises.rm(partial, { force: true });
    }
  });
};

store.deleteObject = function (bucket, key) {
  return withKey(keyOf(bucket, key), () => deleteObject.call(this, bucket, key));
};

store.copyObject = function (srcBucket, srcKey, destBucket, destKey, replacementMetadata) {
  // Both keys, in one order, so two crossed copies cannot wait on each other.
  const [first, second] = [keyOf(srcBucket, srcKey), keyOf(destBucket, destKey)].sort();
  return withKey(first, () => withKey(second, () =>
    copyObject.call(this, srcBucket, srcKey, destBucket, destKey, replacementMetadata)));
};

require('s3rver/bin/s3rver.js');
