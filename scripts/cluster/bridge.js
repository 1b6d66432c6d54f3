#!/usr/bin/env node
// A byte-for-byte stream forwarder between a TCP port on 127.0.0.1 and a Unix socket, in either direction:
//   node bridge.js <listen> <target> [<listen> <target> …]   addresses: tcp:127.0.0.1:<port> | unix:<path>
//   (inside a pod's own network namespace also tcp:<IPv4>:<port>: another pod's IP, which the pod runner put on that
//   namespace's loopback, so the connection never leaves it)
// The local cluster runs a real pod's process in a network namespace of its own (only loopback), like a pod, and
// these bridges carry its traffic to the API server and back in through Unix sockets (which cross network
// namespaces through the file system), so nothing ever listens beyond 127.0.0.1. Plain JavaScript: it starts in
// tens of milliseconds. Prints "ready" once every listener is up.
'use strict';
const net = require('node:net');
const fs = require('node:fs');

function parse(address) {
  const tcp = /^tcp:(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(address);
  if (tcp) return { host: tcp[1], port: Number(tcp[2]) };
  const unix = /^unix:(\/.+)$/.exec(address);
  if (unix) return { path: unix[1] };
  throw new Error(`bridge: "${address}" is not tcp:<IPv4>:<port> or unix:<absolute path>`);
}

const argv = process.argv.slice(2);
if (argv.length === 0 || argv.length % 2 !== 0) {
  process.stderr.write('usage: bridge.js <listen> <target> [<listen> <target> …]\n');
  process.exit(2);
}

let pending = argv.length / 2;
for (let i = 0; i < argv.length; i += 2) {
  const listen = parse(argv[i]);
  const target = parse(argv[i + 1]);
  if (listen.path) fs.rmSync(listen.path, { force: true });
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', close);
    outbound.on('error', close);
    inbound.on('close', close);
    outbound.on('close', close);
  });
  server.on('error', (err) => {
    process.stderr.write(`bridge: ${argv[i]}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(listen, () => {
    if (--pending === 0) process.stdout.write('ready\n');
  });
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
