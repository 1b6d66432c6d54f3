#!/usr/bin/env node
// A stand-in for the program of a sandbox pod's container, run by the local cluster as that pod's real process (in
// the pod's own network namespace): answers every HTTP request with who answered (the pod's hostname, i.e. its
// name) and what it received, as JSON, so a test can tell which pod a request reached and through what.
// `POST /exit` answers, then ends the program with exit code 0 (a sandbox whose work is done).
//   node echo-server.js <port>      listens on 127.0.0.1:<port> (inside its pod's network namespace)
'use strict';
const http = require('node:http');
const os = require('node:os');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write('usage: echo-server.js <port>\n');
  process.exit(2);
}
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ pod: process.env.HOSTNAME || os.hostname(), method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body, () => {
      // A moment for the answer to leave the pod (its bridge ends with this process), then exit 0.
      if (req.method === 'POST' && req.url === '/exit') setTimeout(() => process.exit(0), 500);
    });
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`echo-server listening on 127.0.0.1:${port}\n`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
