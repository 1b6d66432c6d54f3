// Tests read pinned upstream files from the mirror (CI sets it; locally it defaults to ../shared/upstream when that
// exists) or else from the cache `fetch-upstream` fills; compiled validators are kept in that cache too.
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const fs = require('node:fs');
const sibling = path.resolve(root, '..', 'shared/upstream');
// Without a mirror, tests use the cache that `agent-sandbox-infra fetch-upstream` fills (README).
if (!process.env.AGENT_SANDBOX_INFRA_MIRROR && fs.existsSync(sibling)) process.env.AGENT_SANDBOX_INFRA_MIRROR = sibling;

