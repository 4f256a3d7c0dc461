// Starts `reframe serve` on 127.0.0.1 with port 0 (the server picks a free port and prints
// it) and a given database; stops it with SIGTERM. A server still running when this
// process exits (a failed or timed-out test) is killed.
'use strict';

const { spawn } = require('node:child_process');

const start_timeout_ms = 30000;
const stop_timeout_ms = 20000;

function start_server(binary, flows, db) {
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--flows', flows, '--db', db, '--no-watch'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('reframe serve did not start within 30 s:\n' + output)),
      start_timeout_ms);
    const look = (chunk) => {
      output += chunk.toString('utf8');
      const found = /listening on (https?):\/\/(127\.0\.0\.1):(\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ child, base: 'http://127.0.0.1:' + found[3] + '/', output: () => output });
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error('reframe serve exited (' + (signal || code) + ') before listening:\n' + output));
    });
  });
}

// Resolves to the exit code (or the signal's name when it had to be killed).
function stop_server(server) {
  const child = server.child;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), stop_timeout_ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === null ? signal : code);
    });
    child.kill('SIGTERM');
  });
}

module.exports = { start_server, stop_server };
