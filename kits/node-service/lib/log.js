'use strict';
// One JSON object a line on stdout, which is what the instance's log collects.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };

function createLogger({ level = process.env.LOG_LEVEL || 'info', fields = {}, write = (line) => process.stdout.write(line + '\n') } = {}) {
  const threshold = LEVELS[level] ?? LEVELS.info;
  const logger = {};
  for (const [name, value] of Object.entries(LEVELS)) {
    logger[name] = (msg, extra = {}) => {
      if (value >= threshold) write(JSON.stringify({ time: new Date().toISOString(), level: name, ...fields, msg, ...extra }));
    };
  }
  logger.child = (more) => createLogger({ level, fields: { ...fields, ...more }, write });
  return logger;
}

module.exports = { createLogger };
